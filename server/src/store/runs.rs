//! `change_run`: remediations and reverts, each one request that changes many buckets.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::{AccountId, ChangeId, RunId, RunKind};

/// A run to record as it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRun<'a> {
    pub account: AccountId,
    pub kind: RunKind,
    pub actor: &'a str,
    pub started_at: DateTime<Utc>,
    /// A remediation: the rule it sets, in words. A revert: what it undoes, in words.
    pub target: &'a str,
    /// For a revert: the change it undoes.
    pub reverts_change: Option<ChangeId>,
    /// For a revert: the run it undoes.
    pub reverts_run: Option<RunId>,
}

/// How a run ended, per bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub changed: i64,
    pub failed: i64,
    pub left_alone: i64,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    pub id: RunId,
    pub kind: RunKind,
    pub actor: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub target: String,
    pub reverts_change: Option<ChangeId>,
    pub reverts_run: Option<RunId>,
    /// `None` until it finished.
    pub counts: Option<RunCounts>,
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: RunId,
    kind: String,
    actor: String,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    target: String,
    reverts_change_id: Option<ChangeId>,
    reverts_run_id: Option<RunId>,
    changed: Option<i64>,
    failed: Option<i64>,
    left_alone: Option<i64>,
}

impl TryFrom<RunRow> for RunRecord {
    type Error = StoreError;

    fn try_from(row: RunRow) -> Result<Self, StoreError> {
        let kind = parse_column("kind", &row.kind, |k| {
            RunKind::parse(k).ok_or("unknown kind")
        })?;
        let counts = match (row.changed, row.failed, row.left_alone) {
            (Some(changed), Some(failed), Some(left_alone)) => Some(RunCounts {
                changed,
                failed,
                left_alone,
            }),
            _ => None,
        };
        Ok(Self {
            id: row.id,
            kind,
            actor: row.actor,
            started_at: row.started_at,
            finished_at: row.finished_at,
            target: row.target,
            reverts_change: row.reverts_change_id,
            reverts_run: row.reverts_run_id,
            counts,
        })
    }
}

/// Records a run as it starts and returns its id.
pub async fn insert_run(
    conn: &mut SqliteConnection,
    run: &NewRun<'_>,
) -> Result<RunId, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO change_run (account_id, kind, actor, started_at, target, reverts_change_id, reverts_run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
    )
    .bind(run.account)
    .bind(run.kind.as_str())
    .bind(run.actor)
    .bind(run.started_at)
    .bind(run.target)
    .bind(run.reverts_change)
    .bind(run.reverts_run)
    .fetch_one(conn)
    .await?)
}

/// Records that run `id` finished at `at` with `counts`.
pub async fn update_run_finished(
    conn: &mut SqliteConnection,
    id: RunId,
    at: DateTime<Utc>,
    counts: RunCounts,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE change_run SET finished_at = ?2, changed = ?3, failed = ?4, left_alone = ?5 WHERE id = ?1",
    )
    .bind(id)
    .bind(at)
    .bind(counts.changed)
    .bind(counts.failed)
    .bind(counts.left_alone)
    .execute(conn)
    .await?;
    Ok(())
}

/// Run `id` of `account`, if there is one.
pub async fn find_run(
    db: impl Db,
    account: AccountId,
    id: RunId,
) -> Result<Option<RunRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<RunRow> = sqlx::query_as(
        "SELECT id, kind, actor, started_at, finished_at, target, reverts_change_id, reverts_run_id,
                changed, failed, left_alone
         FROM change_run WHERE account_id = ?1 AND id = ?2",
    )
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(RunRecord::try_from).transpose()
}
