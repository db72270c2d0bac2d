//! The database and its WAL and shared-memory files are the owner's alone; a database file that
//! others may read is pointed out at start.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::{OssAudit, TestApp, TestDb, stderr};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn companion(db: &TestDb, suffix: &str) -> std::path::PathBuf {
    let mut name = db.path().into_os_string();
    name.push(suffix);
    name.into()
}

#[tokio::test]
async fn a_new_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only() {
    let app = TestApp::start(3).await;
    // A write, so that the write-ahead log certainly exists.
    app.scan().await;
    for path in [
        app.db.path(),
        companion(&app.db, "-wal"),
        companion(&app.db, "-shm"),
    ] {
        assert_eq!(format!("{:03o}", mode(&path)), "600", "{}", path.display());
    }
}

#[tokio::test]
async fn a_database_file_other_users_may_read_is_warned_about_and_left_as_it_is() {
    let db = TestDb::new();
    std::fs::write(db.path(), b"").unwrap();
    std::fs::set_permissions(db.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = OssAudit::new(&["user", "list"])
        .database(&db)
        .output()
        .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(
        log.contains("WARN") && log.contains("the database file is open to other users"),
        "{log}"
    );
    assert!(log.contains("644"), "the mode is shown: {log}");
    assert_eq!(
        mode(&db.path()),
        0o644,
        "the operator's file keeps its mode"
    );

    // A private file gets no warning.
    std::fs::set_permissions(db.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let output = OssAudit::new(&["user", "list"])
        .database(&db)
        .output()
        .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("open to other users"),
        "{}",
        stderr(&output)
    );
}
