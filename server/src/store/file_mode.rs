//! The database file and its WAL and shared-memory companions are private to their owner (mode
//! 0600): they hold password and session hashes and the notification targets' secrets.

use std::path::{Path, PathBuf};

/// The mode every database file gets: read and write for the owner, nothing for anyone else.
#[cfg(unix)]
const PRIVATE: u32 = 0o600;

/// Creates the database file at `path` with mode 0600 when it does not exist yet, so that it is
/// never readable by others, not even between its creation by SQLite and a later `chmod`. An
/// existing file keeps its mode (it is the operator's), with a warning when others may read it.
pub(super) fn prepare(path: &Path) -> std::io::Result<()> {
    if is_in_memory(path) {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(PRIVATE)
            .open(path)
        {
            // SQLite takes an empty file for an empty database.
            Ok(_) => return Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
            // A missing folder and the like: let SQLite report it as it always has.
            Err(_) => return Ok(()),
        }
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format_args!("{mode:03o}"),
                "the database file is open to other users of this machine (it holds password \
                 hashes and notification secrets); restrict it with `chmod 600`"
            );
        }
    }
    Ok(())
}

/// Gives the `-wal` and `-shm` files the database file's own mode at most. SQLite creates them
/// with the database file's mode, but files left by an earlier version may be wider.
pub(super) fn tighten_companions(path: &Path) -> std::io::Result<()> {
    if is_in_memory(path) {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(database) = std::fs::metadata(path) else {
            return Ok(());
        };
        let allowed = database.permissions().mode() & 0o777;
        for companion in companions(path) {
            let Ok(meta) = std::fs::metadata(&companion) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o777;
            if mode & !allowed != 0 {
                std::fs::set_permissions(
                    &companion,
                    std::fs::Permissions::from_mode(mode & allowed),
                )?;
            }
        }
    }
    Ok(())
}

/// SQLite's names for the write-ahead log and the shared-memory index of `path`.
fn companions(path: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with("-wal"), with("-shm")]
}

/// Whether `path` names no plain file: an in-memory database (sqlx names those `file:…`) or a
/// URI filename, which SQLite resolves itself.
fn is_in_memory(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.is_empty() || name == ":memory:" || name.starts_with("file:")
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_file_is_private_and_wide_companions_narrow_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("audit.db");
        prepare(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let [wal, shm] = companions(&db);
        for file in [&wal, &shm] {
            std::fs::write(file, b"").unwrap();
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        tighten_companions(&db).unwrap();
        assert_eq!((mode(&wal), mode(&shm)), (0o600, 0o600));
    }

    #[test]
    fn in_memory_databases_are_left_alone() {
        for name in ["", ":memory:", "file:sqlx-in-memory-1"] {
            prepare(Path::new(name)).unwrap();
            tighten_companions(Path::new(name)).unwrap();
            assert!(!Path::new(name).exists() || name.is_empty());
        }
    }
}
