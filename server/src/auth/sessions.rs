//! Server-side sessions: start one at sign-in, load it from its cookie with idle and absolute
//! expiry, end it at sign-out. Only the SHA-256 of the cookie value is stored.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Principal;
use super::secrets::{random_token, sha256_hex};
use crate::domain::Secret;
use crate::domain::UserId;
use crate::store::{self, Grantee, NewSession, Store, StoreError};

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetime {
    /// A session unused this long is over.
    pub idle: Duration,
    /// A session this old is over, however busy.
    pub max: Duration,
}

impl Default for SessionLifetime {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            max: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// A session just started: the cookie value exists only here and in the browser.
#[derive(Debug)]
pub struct StartedSession {
    pub cookie_value: Secret,
    pub csrf_token: String,
}

/// A valid session, loaded for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    pub principal: Principal,
    pub csrf_token: String,
    /// Nothing but the change-password page opens until the user chooses a new password.
    pub must_change_password: bool,
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Whether a session is still usable at `now`: within both its absolute and its idle expiry.
pub fn is_live(
    lifetime: &SessionLifetime,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    now < expires_at && now < last_seen_at + chrono_duration(lifetime.idle)
}

/// Starts a session for `user`: a new random id (never one the browser proposed) and a new
/// CSRF token.
pub async fn start(
    store: &Store,
    user: UserId,
    address: Option<&str>,
    lifetime: &SessionLifetime,
) -> Result<StartedSession, StoreError> {
    let cookie_value = Secret::new(random_token(32));
    let csrf_token = random_token(32);
    let now = Utc::now();
    store::insert_session(
        store,
        &NewSession {
            id_hash: &sha256_hex(cookie_value.expose()),
            user,
            csrf_token: &csrf_token,
            now,
            expires_at: now + chrono_duration(lifetime.max),
            address,
        },
    )
    .await?;
    Ok(StartedSession {
        cookie_value,
        csrf_token,
    })
}

/// The live session whose cookie value is `cookie_value`, its activity recorded; `None` when
/// there is none, it expired (then it is deleted), or its user was disabled.
pub async fn load(
    store: &Store,
    cookie_value: &str,
    lifetime: &SessionLifetime,
) -> Result<Option<ActiveSession>, StoreError> {
    let id_hash = sha256_hex(cookie_value);
    let now = Utc::now();
    let Some(session) = store::find_session(store, &id_hash).await? else {
        return Ok(None);
    };
    if session.user_disabled || !is_live(lifetime, session.last_seen_at, session.expires_at, now) {
        store::delete_session(store, &id_hash).await?;
        return Ok(None);
    }
    store::touch_session(store, &id_hash, now).await?;
    let access =
        super::principal::load_access(store, Grantee::User(session.user_id), session.role).await?;
    Ok(Some(ActiveSession {
        principal: Principal::User {
            id: session.user_id,
            name: session.user_name,
            access,
        },
        csrf_token: session.csrf_token,
        must_change_password: session.must_change_password,
    }))
}

/// Ends the session whose cookie value is `cookie_value`, if it exists.
pub async fn end(store: &Store, cookie_value: &str) -> Result<(), StoreError> {
    store::delete_session(store, &sha256_hex(cookie_value)).await?;
    Ok(())
}

/// Deletes expired sessions (housekeeping, at sign-in).
pub async fn delete_expired(store: &Store, lifetime: &SessionLifetime) -> Result<u64, StoreError> {
    let now = Utc::now();
    store::delete_expired_sessions(store, now, now - chrono_duration(lifetime.idle)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_when_idle_or_old() {
        let lifetime = SessionLifetime {
            idle: Duration::from_secs(60),
            max: Duration::from_secs(600),
        };
        let start = Utc::now();
        let expires = start + chrono::Duration::seconds(600);
        let at = |s| start + chrono::Duration::seconds(s);
        assert!(is_live(&lifetime, start, expires, at(59)));
        assert!(!is_live(&lifetime, start, expires, at(60)), "idle");
        assert!(is_live(&lifetime, at(550), expires, at(599)));
        assert!(!is_live(&lifetime, at(599), expires, at(600)), "absolute");
    }
}
