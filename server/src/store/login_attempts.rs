//! `login_attempt`: every sign-in attempt, for throttling per account and per address.

use chrono::{DateTime, Utc};

use super::{Db, StoreError};

/// Records one attempt.
pub async fn insert_login_attempt(
    db: impl Db,
    username: &str,
    address: &str,
    succeeded: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query(
        "INSERT INTO login_attempt (username, address, at, succeeded) VALUES (?1, ?2, ?3, ?4)",
    )
    .bind(username)
    .bind(address)
    .bind(now)
    .bind(succeeded)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The time of the `nth` most recent failure (1 = the latest) for `username` after `since` and
/// after the user's last successful sign-in; `None` when there were fewer. A lock lasts until the
/// `limit`-th most recent failure leaves the window, so this is what the throttle asks for.
pub async fn find_nth_recent_failure_for_user(
    db: impl Db,
    username: &str,
    since: DateTime<Utc>,
    nth: u32,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar(
        "SELECT at FROM login_attempt
         WHERE username = ?1 AND succeeded = 0 AND at > ?2
           AND at > coalesce((SELECT max(at) FROM login_attempt WHERE username = ?1 AND succeeded = 1), '')
         ORDER BY at DESC LIMIT 1 OFFSET ?3",
    )
    .bind(username)
    .bind(since)
    .bind(i64::from(nth.saturating_sub(1)))
    .fetch_optional(&mut *conn)
    .await?)
}

/// The time of the `nth` most recent failure (1 = the latest) from `address` after `since`;
/// `None` when there were fewer. Successes do not reset it: one valid account must not let an
/// address guess the passwords of the others.
pub async fn find_nth_recent_failure_from_address(
    db: impl Db,
    address: &str,
    since: DateTime<Utc>,
    nth: u32,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar(
        "SELECT at FROM login_attempt WHERE address = ?1 AND succeeded = 0 AND at > ?2
         ORDER BY at DESC LIMIT 1 OFFSET ?3",
    )
    .bind(address)
    .bind(since)
    .bind(i64::from(nth.saturating_sub(1)))
    .fetch_optional(&mut *conn)
    .await?)
}

/// Deletes attempts older than `before` (they no longer count for anything).
pub async fn delete_login_attempts_before(
    db: impl Db,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut conn = db.connection().await?;
    let done = sqlx::query("DELETE FROM login_attempt WHERE at < ?1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
