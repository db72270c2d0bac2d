//! Paging through the scan history, newest first (the scans page).

use super::scans::SCAN_COLUMNS;
use super::{Db, ScanRecord, StoreError};
use crate::domain::{AccountId, ScanId};

/// The newest scans of an account older than `before` (all when `None`), at most `limit`.
pub async fn list_scans_before(
    db: impl Db,
    account: AccountId,
    before: Option<ScanId>,
    limit: i64,
) -> Result<Vec<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan
         WHERE account_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3"
    ))
    .bind(account)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}
