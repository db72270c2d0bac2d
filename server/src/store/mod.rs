//! The SQLite store: the only place that writes SQL or holds the pool. One file per table group.
//! Writes take a `&mut SqliteConnection` (a transaction from [`Store::begin`] derefs to one): the
//! caller owns the transaction. Reads take any [`Db`]: `&Store` for a read on its own, or the
//! caller's transaction to read inside it.

mod account_scans;
mod accounts;
mod api_tokens;
mod bucket_pages;
mod buckets;
mod change_log;
mod dashboard;
mod estate;
mod exemptions;
mod file_mode;
mod grants;
mod kms_keys;
mod login_attempts;
mod notifications;
mod plan_rows;
mod policies;
mod policy_rules;
mod report_sources;
mod reports;
mod runs;
mod scans;
mod sessions;
mod states;
mod users;

use std::str::FromStr;
use std::time::Duration;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use account_scans::{
    AccountScanRecord, PartFailure, complete_account_scan, end_account_scan_unfinished,
    find_last_completed_account_scan, insert_account_scan, list_account_scans,
    list_account_scans_of, update_account_scan_progress,
};
pub use accounts::{
    AccountRecord, Hub, NewAccount, ensure_hub, find_account_by_name, find_hub, get_account,
    insert_account, list_accounts, mark_account_removed, update_account, update_account_uid,
};
pub use api_tokens::{
    NewToken, TokenRecord, find_api_token, find_api_token_by_hash, insert_api_token,
    list_api_tokens, revoke_api_token, revoke_api_tokens_of_owner, touch_api_token,
};
pub use bucket_pages::{list_bucket_history_page, list_bucket_regions, list_recent_bucket_history};
pub use buckets::{
    BucketQuery, BucketRecord, BucketSort, BucketSync, ListedBucket, SyncedBuckets, count_buckets,
    count_buckets_by_account_and_status, count_buckets_by_status, count_exempt_buckets,
    find_bucket_by_name, list_buckets_by_id, list_current_buckets, mark_buckets_gone,
    query_buckets, update_compliance,
};
pub use change_log::{
    ChangeFilter, ChangeRecord, NewChange, find_change, insert_change, list_changes,
    list_run_changes,
};
pub use dashboard::{
    OverviewVersion, ScanChange, count_buckets_by_algorithm, count_buckets_by_region,
    count_scan_first_sightings, find_overview_version, list_scan_changes,
};
pub use estate::{
    AccountOverview, EstateOverview, LastPart, OverviewCounts, list_estate_overview,
    list_last_parts,
};
pub use exemptions::{
    ExemptionRecord, NewExemption, apply_exemptions, find_next_exemption_expiries, get_exemption,
    insert_exemption, list_approved_exemptions_expiring, list_exempt_bucket_ids, list_exemptions,
    list_exemptions_naming, update_exemption_approved, update_exemption_expired,
    update_exemption_revoked, update_exemption_warned,
};
pub use grants::{GrantRecord, Grantee, list_grants, list_grants_of, replace_grants};
pub use kms_keys::{
    KeyCheck, KeyFinding, KeyRecord, RecordedKey, StateRow as KeyStateRow, apply_key_judgements,
    find_kms_key, link_bucket_keys, list_key_findings, list_kms_keys, record_key_checks,
    unlink_bucket_key_unless,
};
pub use login_attempts::{
    delete_login_attempts_before, find_nth_recent_failure_for_user,
    find_nth_recent_failure_from_address, insert_login_attempt, update_login_attempt_succeeded,
};
pub use notifications::{
    ClaimedDelivery, ScanRegression, TargetFields, TargetRecord, TargetStatus,
    claim_due_deliveries, delete_notification_target, find_next_delivery_due,
    find_notification_target, find_notification_target_by_name, has_enabled_notification_targets,
    insert_deliveries, insert_notification_target, list_compliant_buckets,
    list_notification_targets, list_scan_regressions, mark_delivery_delivered,
    mark_delivery_failed_attempt, update_notification_target, update_notification_target_enabled,
};
pub use plan_rows::{
    PlanCandidate, count_noncompliant_by_account, fingerprint_of, list_noncompliant_candidates,
    noncompliant_fingerprint,
};
pub use policies::{current_policy, find_policy, put_policy};
pub use policy_rules::{
    Inventory, InventoryAccount, InventoryBucket, current_rules, load_inventory,
    replace_bucket_tag, replace_policy_rules, update_resource_groups,
};
pub use report_sources::{
    IdWindow, ReportBucketRow, ReportStateChangeRow, find_policy_change, find_report_high_water,
    get_account_name, list_changes_in, list_completed_parts_in, stream_report_buckets,
    stream_state_changes,
};
pub use reports::{
    LatestReport, NewReport, ReportRecord, ReportWindowEnd, find_latest_report,
    find_latest_report_content, find_report, find_report_schedule, get_report_any_account,
    insert_report, list_report_ids, list_reports, next_report_id, put_report_schedule,
};
pub use runs::{NewRun, RunCounts, RunRecord, find_run, insert_run, update_run_finished};
pub use scans::{
    ScanRecord, ScanSummary, count_scans_by_status, find_last_completed_scan,
    find_latest_finished_scan, finish_scan, get_scan, insert_running_scan, list_scans,
    mark_dangling_scans_interrupted, update_scan_progress,
};
pub use sessions::{
    NewSession, SessionRecord, delete_expired_sessions, delete_other_sessions_of_user,
    delete_session, delete_sessions_of_user, find_session, insert_session, touch_session,
};
pub use states::{
    Observation, StateRecord, insert_observations, list_bucket_history, load_current_states,
    record_reread,
};
pub use users::{
    UserRecord, count_users, disable_user, find_user_by_name, insert_user, list_users,
    require_password_change, update_password, update_user_role,
};

/// The default database, next to where oss-audit runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://oss-audit.db";

/// Failures of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("scan {0} is already running")]
    ScanAlreadyRunning(crate::domain::ScanId),
    #[error("not found: {0}")]
    NotFound(String),
    /// The database file's permissions could not be read or set.
    #[error("could not secure the database file: {0}")]
    File(#[source] std::io::Error),
    /// The write would break a rule the database keeps (a name or account already taken).
    #[error("{0}")]
    Conflict(String),
    /// A stored value that the schema should have prevented (a hand-edited database).
    #[error("corrupt value in the database: {0}")]
    Corrupt(String),
}

/// A handle on the database: a small pool of connections.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// Write transactions of this process queue here, first come first served. SQLite lets one
    /// writer in at a time; left to its busy handler, twenty scan parts writing at once poll for
    /// the lock unfairly and the unlucky ones give up with "database is locked" after the busy
    /// timeout. The busy timeout still covers other processes (a CLI command beside `serve`).
    writers: Arc<Mutex<()>>,
}

impl Store {
    /// Opens (creating if missing) the database at `url`, in WAL mode with foreign keys on and a
    /// busy timeout, and applies the migrations. A failed migration is a failed open.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let file = options.get_filename().to_owned();
        file_mode::prepare(&file).map_err(StoreError::File)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../migrations").run(&pool).await?;
        file_mode::tighten_companions(&file).map_err(StoreError::File)?;
        Ok(Self {
            pool,
            writers: Arc::default(),
        })
    }

    /// The connection pool, for tests and benchmarks that check the database with SQL of their
    /// own. oss-audit itself reads and writes through this module's functions only.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction. It takes the write lock at once (`BEGIN IMMEDIATE`): a deferred
    /// transaction that reads first and writes later fails with SQLITE_BUSY_SNAPSHOT when another
    /// connection wrote in between, which no busy timeout can fix.
    /// Waits its turn behind this process's other writers first (see [`Store`]).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let turn = self.writers.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Tx {
            tx,
            _turn: Some(turn),
        })
    }

    /// Starts a read transaction: every read in it sees the database as it was at its first read,
    /// whatever commits meanwhile (SQLite in WAL mode lets writers go on). Never write in it.
    pub async fn snapshot(&self) -> Result<Tx, StoreError> {
        let tx = self.pool.begin().await?;
        Ok(Tx { tx, _turn: None })
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A transaction from [`Store::begin`] (holding this process's write turn until it ends) or
/// [`Store::snapshot`]; it rolls back unless committed. It derefs to the connection.
#[derive(Debug)]
pub struct Tx {
    tx: Transaction<'static, Sqlite>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    /// Commits, then gives the write turn to the next writer.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Rolls back, then gives the write turn to the next writer.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for Tx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// What a read runs on: `&Store` (a connection from the pool for this one read) or a connection
/// the caller holds, such as `&mut tx` to read inside its transaction.
pub trait Db: Send {
    /// The connection the read runs on.
    type Conn: DerefMut<Target = SqliteConnection> + Send;

    /// That connection.
    fn connection(self) -> impl Future<Output = Result<Self::Conn, StoreError>> + Send;
}

impl Db for &Store {
    type Conn = PoolConnection<Sqlite>;

    async fn connection(self) -> Result<Self::Conn, StoreError> {
        Ok(self.pool.acquire().await?)
    }
}

impl<'c> Db for &'c mut SqliteConnection {
    type Conn = &'c mut SqliteConnection;

    async fn connection(self) -> Result<Self::Conn, StoreError> {
        Ok(self)
    }
}

impl<'c> Db for &'c mut Transaction<'_, Sqlite> {
    type Conn = &'c mut SqliteConnection;

    async fn connection(self) -> Result<Self::Conn, StoreError> {
        Ok(&mut **self)
    }
}

impl<'c> Db for &'c mut Tx {
    type Conn = &'c mut SqliteConnection;

    async fn connection(self) -> Result<Self::Conn, StoreError> {
        Ok(&mut **self)
    }
}

impl<'c> Db for &'c mut PoolConnection<Sqlite> {
    type Conn = &'c mut SqliteConnection;

    async fn connection(self) -> Result<Self::Conn, StoreError> {
        Ok(&mut **self)
    }
}

/// The accounts in the estate (not removed), as a subquery: `b.account_id IN {ACTIVE_ACCOUNTS}`.
pub(crate) const ACTIVE_ACCOUNTS: &str = "(SELECT id FROM account WHERE removed_at IS NULL)";

/// The condition that `column` names `account`, or (when `None`) an account in the estate. The
/// id is written into the SQL (an integer, so nothing to escape): `IN (subquery)` or `= id` let
/// SQLite search the `account_id` indexes, where a bound `?1 IS NULL OR …` would not.
pub(crate) fn in_accounts(column: &str, account: Option<crate::domain::AccountId>) -> String {
    match account {
        Some(account) => format!("{column} = {}", account.get()),
        None => format!("{column} IN {ACTIVE_ACCOUNTS}"),
    }
}

/// Maps a stored text to a domain value, or a `Corrupt` error naming the column.
pub(crate) fn parse_column<T, E: std::fmt::Display>(
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    parse(value).map_err(|e| StoreError::Corrupt(format!("{column} {value:?}: {e}")))
}
