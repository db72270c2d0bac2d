//! `app_user`: the people who sign in to the dashboard.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::Role;
use crate::domain::Secret;
use crate::domain::UserId;

/// A user as stored. The password hash is a [`Secret`], so printing a record never shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    /// The argon2 PHC string.
    pub password_hash: Secret,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// A new password must be chosen before anything else (a generated first password).
    pub must_change_password: bool,
}

type UserRow = (
    UserId,
    String,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    bool,
);

const USER_COLUMNS: &str = "id, name, role, password_hash, created_at, password_changed_at, disabled_at, must_change_password";

fn into_record(row: UserRow) -> Result<UserRecord, StoreError> {
    let (id, name, role, hash, created_at, password_changed_at, disabled_at, must_change_password) =
        row;
    Ok(UserRecord {
        id,
        name,
        role: parse_column("app_user.role", &role, Role::parse)?,
        password_hash: Secret::new(hash),
        created_at,
        password_changed_at,
        disabled_at,
        must_change_password,
    })
}

/// Adds a user; `Ok(None)` when the name is taken (names are compared without ASCII case).
pub async fn insert_user(
    conn: &mut SqliteConnection,
    name: &str,
    role: Role,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let inserted = sqlx::query_scalar::<_, UserId>(
        "INSERT INTO app_user (name, role, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now)
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The user called `name` (any ASCII case), disabled or not.
pub async fn find_user_by_name(db: impl Db, name: &str) -> Result<Option<UserRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM app_user WHERE name = ?1"
    ))
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(into_record).transpose()
}

/// Every user, by name.
pub async fn list_users(db: impl Db) -> Result<Vec<UserRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM app_user ORDER BY name"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(into_record).collect()
}

/// Replaces a user's password hash (a password someone chose: no change is required any more);
/// false when there is no such user. Their sessions are left alone: the caller decides which end.
pub async fn update_password(
    conn: &mut SqliteConnection,
    user: UserId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE app_user SET password_hash = ?2, password_changed_at = ?3, must_change_password = 0
         WHERE id = ?1",
    )
    .bind(user)
    .bind(password_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes a user choose a new password before anything else at their next request.
pub async fn require_password_change(
    conn: &mut SqliteConnection,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE app_user SET must_change_password = 1 WHERE id = ?1")
        .bind(user)
        .execute(conn)
        .await?;
    Ok(())
}

/// Disables a user and deletes their sessions, so they are signed out at once; false when there
/// is no such user. Disabling twice keeps the first date.
pub async fn disable_user(
    conn: &mut SqliteConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE app_user SET disabled_at = coalesce(disabled_at, ?2) WHERE id = ?1")
            .bind(user)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    super::sessions::delete_sessions_of_user(conn, user).await?;
    Ok(done.rows_affected() == 1)
}

/// Sets a user's role on every account; false when there is no such user.
pub async fn update_user_role(
    conn: &mut SqliteConnection,
    user: UserId,
    role: Role,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE app_user SET role = ?2 WHERE id = ?1")
        .bind(user)
        .bind(role.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many users exist, disabled ones included.
pub async fn count_users(db: impl Db) -> Result<i64, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar("SELECT count(*) FROM app_user")
        .fetch_one(&mut *conn)
        .await?)
}
