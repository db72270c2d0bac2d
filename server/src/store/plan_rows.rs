//! The buckets a remediation of every non-compliant bucket changes, read narrow, and the
//! fingerprint its plan digest binds: read as one string, so a preview of 100,000 buckets need
//! not load them all.

use super::{ACTIVE_ACCOUNTS, Db, StoreError, parse_column};
use crate::domain::{AccountId, AccountName, BucketId, BucketName};

/// Present, readable, non-compliant buckets that no exemption covers (of the estate's accounts:
/// add `ACTIVE_ACCOUNTS`): the set `BucketQuery { compliant: Some(false), .. }` lists, which the
/// preview pages through.
const NONCOMPLIANT: &str = "b.gone_at IS NULL AND b.state_id IS NOT NULL AND b.exemption_id IS NULL
    AND b.compliant = 0";

/// A bucket a remediation of every non-compliant bucket changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCandidate {
    pub id: BucketId,
    /// Its recorded state's row: a new state is a new row, so the id stands for the state.
    pub state_id: i64,
    pub account_id: AccountId,
    pub account: AccountName,
    pub name: BucketName,
}

/// Every non-compliant bucket, in id order (the fingerprint's).
pub async fn list_noncompliant_candidates(db: impl Db) -> Result<Vec<PlanCandidate>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<(BucketId, i64, AccountId, String, String)> = sqlx::query_as(&format!(
        "SELECT b.id, b.state_id, b.account_id, a.name, b.name
         FROM bucket b JOIN account a ON a.id = b.account_id
         WHERE {NONCOMPLIANT} AND b.account_id IN {ACTIVE_ACCOUNTS} ORDER BY b.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, state_id, account_id, account, name)| {
            Ok(PlanCandidate {
                id,
                state_id,
                account_id,
                account: parse_column("account.name", &account, AccountName::parse)?,
                name: parse_column("name", &name, BucketName::parse)?,
            })
        })
        .collect()
}

/// `id:state:account` of each candidate, in id order, joined by `,`: exactly what
/// [`noncompliant_fingerprint`] reads from the database.
pub fn fingerprint_of(candidates: &[PlanCandidate]) -> String {
    candidates
        .iter()
        .map(|c| format!("{}:{}:{}", c.id, c.state_id, c.account_id))
        .collect::<Vec<_>>()
        .join(",")
}

/// The fingerprint of every non-compliant bucket as [`fingerprint_of`] makes it, built by the
/// database in one row (PostgreSQL would say `string_agg`).
pub async fn noncompliant_fingerprint(db: impl Db) -> Result<String, StoreError> {
    let mut conn = db.connection().await?;
    let joined: Option<String> = sqlx::query_scalar(&format!(
        "SELECT group_concat(b.id || ':' || b.state_id || ':' || b.account_id, ',' ORDER BY b.id)
         FROM bucket b WHERE {NONCOMPLIANT} AND b.account_id IN {ACTIVE_ACCOUNTS}"
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(joined.unwrap_or_default())
}

/// How many buckets of each account a remediation of every non-compliant bucket changes
/// (accounts with none are left out), counted from an index.
pub async fn count_noncompliant_by_account(
    db: impl Db,
) -> Result<Vec<(AccountId, i64)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT b.account_id, count(*) FROM bucket b
         WHERE {NONCOMPLIANT} AND b.account_id IN {ACTIVE_ACCOUNTS} GROUP BY b.account_id"
    ))
    .fetch_all(&mut *conn)
    .await?)
}
