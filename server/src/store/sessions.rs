//! `session`: signed-in browsers, kept server-side and found by the SHA-256 of their cookie.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::Role;
use crate::domain::UserId;

/// A new session row. `id_hash` is the digest of the cookie value, never the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user: UserId,
    pub csrf_token: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub address: Option<&'a str>,
}

/// A session with the user it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub user_name: String,
    pub role: Role,
    pub user_disabled: bool,
    /// The user must choose a new password before anything else.
    pub must_change_password: bool,
    /// The synchronizer token of this session's forms (not secret from its own user, but it
    /// would let a third party forge their forms, so it is not logged either).
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

type SessionRow = (
    UserId,
    String,
    String,
    Option<DateTime<Utc>>,
    bool,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    DateTime<Utc>,
);

/// Stores a new session.
pub async fn insert_session(db: impl Db, session: &NewSession<'_>) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query(
        "INSERT INTO session (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
    )
    .bind(session.id_hash)
    .bind(session.user)
    .bind(session.csrf_token)
    .bind(session.now)
    .bind(session.expires_at)
    .bind(session.address)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The session whose cookie hashes to `id_hash`, expired or not (the caller judges expiry).
pub async fn find_session(db: impl Db, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.role, u.disabled_at, u.must_change_password, s.csrf_token, s.created_at,
                s.last_seen_at, s.expires_at
         FROM session s JOIN app_user u ON u.id = s.user_id WHERE s.id_hash = ?1",
    )
    .bind(id_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((
        user_id,
        user_name,
        role,
        disabled_at,
        must_change_password,
        csrf_token,
        created_at,
        last_seen_at,
        expires_at,
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(SessionRecord {
        user_id,
        user_name,
        role: parse_column("app_user.role", &role, Role::parse)?,
        user_disabled: disabled_at.is_some(),
        must_change_password,
        csrf_token,
        created_at,
        last_seen_at,
        expires_at,
    }))
}

/// Records activity on a session (idle expiry counts from here).
pub async fn touch_session(
    db: impl Db,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query("UPDATE session SET last_seen_at = ?2 WHERE id_hash = ?1")
        .bind(id_hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes one session; false when it did not exist.
pub async fn delete_session(db: impl Db, id_hash: &str) -> Result<bool, StoreError> {
    let mut conn = db.connection().await?;
    let done = sqlx::query("DELETE FROM session WHERE id_hash = ?1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes every session of a user (disabled, or their password changed); returns how many.
pub async fn delete_sessions_of_user(
    conn: &mut SqliteConnection,
    user: UserId,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM session WHERE user_id = ?1")
        .bind(user)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes every session of a user but the one whose cookie hashes to `keep` (the browser that
/// changed the password); returns how many.
pub async fn delete_other_sessions_of_user(
    conn: &mut SqliteConnection,
    user: UserId,
    keep: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM session WHERE user_id = ?1 AND id_hash <> ?2")
        .bind(user)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes sessions past their absolute expiry or idle since before `idle_cutoff`.
pub async fn delete_expired_sessions(
    db: impl Db,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut conn = db.connection().await?;
    let done = sqlx::query("DELETE FROM session WHERE expires_at <= ?1 OR last_seen_at <= ?2")
        .bind(now)
        .bind(idle_cutoff)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
