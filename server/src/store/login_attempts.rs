//! `login_attempt`: every sign-in attempt, for throttling per account and address, and per address.
//! An attempt is recorded as failed before its password is checked (a reservation), and marked
//! succeeded after, so attempts racing each other all count.

use chrono::{DateTime, Utc};

use super::{Db, StoreError};

/// Records one attempt; returns its id.
pub async fn insert_login_attempt(
    db: impl Db,
    username: &str,
    address: &str,
    succeeded: bool,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO login_attempt (username, address, at, succeeded) VALUES (?1, ?2, ?3, ?4)
         RETURNING id",
    )
    .bind(username)
    .bind(address)
    .bind(now)
    .bind(succeeded)
    .fetch_one(&mut *conn)
    .await?)
}

/// Marks attempt `id` succeeded.
pub async fn update_login_attempt_succeeded(db: impl Db, id: i64) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query("UPDATE login_attempt SET succeeded = 1 WHERE id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The time of the `nth` most recent failure (1 = the latest) for `username` from `address` after
/// `since` and after the last successful sign-in of that user from that address; `None` when there
/// were fewer. A lock lasts until the `limit`-th most recent failure leaves the window, so this is
/// what the throttle asks for. Another address's failures or successes change nothing here: a
/// flood from one address must not lock the user out of another, nor be reset by the user.
pub async fn find_nth_recent_failure_for_user(
    db: impl Db,
    username: &str,
    address: &str,
    since: DateTime<Utc>,
    nth: u32,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar(
        "SELECT at FROM login_attempt
         WHERE username = ?1 AND address = ?2 AND succeeded = 0 AND at > ?3
           AND at > coalesce((SELECT max(at) FROM login_attempt
                              WHERE username = ?1 AND address = ?2 AND succeeded = 1), '')
         ORDER BY at DESC LIMIT 1 OFFSET ?4",
    )
    .bind(username)
    .bind(address)
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
