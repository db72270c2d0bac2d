//! `account`: the OSS accounts being audited (one default account for now).

use chrono::Utc;
use sqlx::SqliteConnection;

use super::StoreError;
use crate::domain::AccountId;

/// Returns the account called `name`, creating it with `endpoint` if it does not exist. The
/// endpoint of an existing account is updated, so a changed `OSS_ENDPOINT` is recorded.
pub async fn ensure_account(
    conn: &mut SqliteConnection,
    name: &str,
    endpoint: &str,
) -> Result<AccountId, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO account (name, endpoint, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET endpoint = excluded.endpoint
         RETURNING id",
    )
    .bind(name)
    .bind(endpoint)
    .bind(Utc::now())
    .fetch_one(conn)
    .await?;
    Ok(AccountId::new(id))
}
