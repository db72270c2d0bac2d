//! `TestDb`: an SQLite file of one test in its own temporary folder, and a connection to it of the
//! test's own, as anyone holding the file has (the application's store stays its own business).

use std::path::{Path, PathBuf};

use sqlx::SqlitePool;
use tempfile::TempDir;
use tokio::sync::OnceCell;

/// A database file for one test; the folder goes when this is dropped.
#[derive(Debug)]
pub struct TestDb {
    dir: TempDir,
    /// `sqlite://…/audit.db`, for `DATABASE_URL` and the application's settings.
    pub url: String,
    pool: OnceCell<SqlitePool>,
}

impl TestDb {
    /// A new folder with no database in it yet (the application or the binary creates it).
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("oss-audit-test-")
            .tempdir()
            .expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("audit.db").display());
        Self {
            dir,
            url,
            pool: OnceCell::new(),
        }
    }

    /// The folder, for other files of the test (it goes with the database).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("audit.db")
    }

    /// The test's own connection pool on the file, opened on first use (after the application or
    /// the binary has created the database).
    pub async fn pool(&self) -> &SqlitePool {
        self.pool
            .get_or_init(async || {
                SqlitePool::connect(&self.url)
                    .await
                    .expect("the database file opens")
            })
            .await
    }

    /// The one number `sql` selects.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.pool().await)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// How many rows `table` holds.
    pub async fn rows(&self, table: &str) -> i64 {
        self.count(&format!("SELECT count(*) FROM {table}")).await
    }
}
