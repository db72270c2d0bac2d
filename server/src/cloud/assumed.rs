//! `AssumedRoleCredentials`: a member account's temporary keys, held in memory and refreshed
//! through STS before they expire, for the OSS client to sign with.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::future::BoxFuture;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::rpc::RpcError;
use super::sts::{AssumeRole, StsClient};
use crate::oss::{Credentials, CredentialsError, CredentialsProvider};

/// Refresh when this little remains before `Expiration`, as the official credentials clients do;
/// it also absorbs a few minutes of difference between our clock and STS's.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(180);
/// After a failed refresh, wait this long before asking STS again: every request of a scan asks
/// for credentials, and each must not become an AssumeRole call (with its own retries).
const RETRY_REFRESH_AFTER: Duration = Duration::from_secs(10);
/// Credentials with less than this left are not handed out even when a refresh has failed: a
/// request signed with them could arrive after they expired.
const LAST_USE_MARGIN: TimeDelta = TimeDelta::seconds(5);

/// The temporary keys of one assumed role. Every request asks [`CredentialsProvider::credentials`];
/// the first, and the first once fewer than `refresh_before` remain, calls AssumeRole while
/// concurrent requests wait for that one call and share its result (success or refusal).
///
/// The keys live only here, in memory: `Debug` shows the role and the expiration, never a key.
pub struct AssumedRoleCredentials {
    sts: StsClient,
    request: AssumeRole,
    refresh_before: TimeDelta,
    held: RwLock<Option<Held>>,
    /// Taken by the one caller that refreshes; the others queue on it.
    refresh: Mutex<LastRefresh>,
    /// Bumped by every refresh attempt, so that callers who queued behind a failed attempt get
    /// its error instead of each calling STS again.
    attempts: AtomicU64,
}

#[derive(Clone)]
struct Held {
    credentials: Arc<Credentials>,
    expiration: DateTime<Utc>,
    /// When they were received: with `expiration`, how long STS granted them for.
    received_at: DateTime<Utc>,
}

impl Held {
    /// Whether more than the refresh margin remains. The margin is `refresh_before`, but at most
    /// a third of what STS granted: real sessions last 900 s or more, so this is the 180 s the
    /// official clients keep; a shorter session (a test's STS) is still used for two thirds of
    /// its life instead of being renewed before every request.
    fn fresh(&self, refresh_before: TimeDelta, now: DateTime<Utc>) -> bool {
        let margin = refresh_before.min((self.expiration - self.received_at) / 3);
        self.expiration - now > margin
    }
}

#[derive(Default)]
struct LastRefresh {
    /// The failure of the latest attempt, its attempt number, and when STS may be asked again.
    failure: Option<(u64, CredentialsError, Instant)>,
}

impl AssumedRoleCredentials {
    /// Assumes `request` through `sts` when first asked, and again whenever 180 s or less remain.
    pub fn new(sts: StsClient, request: AssumeRole) -> Self {
        Self {
            sts,
            request,
            refresh_before: TimeDelta::from_std(DEFAULT_REFRESH_BEFORE).unwrap_or_default(),
            held: RwLock::new(None),
            refresh: Mutex::new(LastRefresh::default()),
            attempts: AtomicU64::new(0),
        }
    }

    /// Refreshes when `margin` or less remains instead of 180 s (for sessions shorter than STS
    /// grants, as the sandbox can make them).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = TimeDelta::from_std(margin).unwrap_or(TimeDelta::MAX);
        self
    }

    /// What is assumed.
    pub fn request(&self) -> &AssumeRole {
        &self.request
    }

    /// When the held credentials expire; `None` before the first AssumeRole.
    pub fn expiration(&self) -> Option<DateTime<Utc>> {
        self.read().map(|held| held.expiration)
    }

    fn read(&self) -> Option<Held> {
        self.held
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The held credentials if more than `margin` remains.
    fn held_for(&self, margin: TimeDelta) -> Option<Arc<Credentials>> {
        self.read()
            .filter(|held| held.expiration - Utc::now() > margin)
            .map(|held| held.credentials)
    }

    /// The held credentials unless they are due for renewal.
    fn held_fresh(&self) -> Option<Arc<Credentials>> {
        self.read()
            .filter(|held| held.fresh(self.refresh_before, Utc::now()))
            .map(|held| held.credentials)
    }

    async fn current(&self) -> Result<Arc<Credentials>, CredentialsError> {
        if let Some(fresh) = self.held_fresh() {
            return Ok(fresh);
        }
        let attempts_before = self.attempts.load(Ordering::Acquire);
        let mut last = self.refresh.lock().await;
        // Someone else may have refreshed, or failed to, while this caller waited.
        if let Some(fresh) = self.held_fresh() {
            return Ok(fresh);
        }
        if let Some((attempt, err, retry_at)) = &last.failure
            && (*attempt > attempts_before || Instant::now() < *retry_at)
        {
            return self.held_for(LAST_USE_MARGIN).ok_or_else(|| err.clone());
        }
        let attempt = self.attempts.fetch_add(1, Ordering::AcqRel) + 1;
        match self.sts.assume_role(&self.request).await {
            Ok(assumed) => {
                tracing::info!(
                    role.arn = %self.request.role_arn,
                    expiration = %assumed.expiration,
                    request_id = %assumed.request_id,
                    "assumed role"
                );
                let credentials = Arc::new(assumed.credentials);
                *self.held.write().unwrap_or_else(PoisonError::into_inner) = Some(Held {
                    credentials: Arc::clone(&credentials),
                    expiration: assumed.expiration,
                    received_at: Utc::now(),
                });
                last.failure = None;
                Ok(credentials)
            }
            Err(err) => {
                tracing::warn!(
                    role.arn = %self.request.role_arn,
                    code = err.code(),
                    request_id = err.request_id().unwrap_or("none"),
                    error = %err,
                    "AssumeRole failed"
                );
                let err = unavailable(err);
                last.failure = Some((attempt, err.clone(), Instant::now() + RETRY_REFRESH_AFTER));
                // Keys that are still good for a while serve until the next attempt.
                self.held_for(LAST_USE_MARGIN).ok_or(err)
            }
        }
    }
}

fn unavailable(err: RpcError) -> CredentialsError {
    CredentialsError::Unavailable {
        code: Some(err.code().to_owned()),
        request_id: err.request_id().map(str::to_owned),
        cause: Arc::new(err),
    }
}

impl CredentialsProvider for AssumedRoleCredentials {
    fn credentials(&self) -> BoxFuture<'_, Result<Arc<Credentials>, CredentialsError>> {
        Box::pin(self.current())
    }

    fn invalidate(&self, used: &Credentials) -> bool {
        let mut held = self.held.write().unwrap_or_else(PoisonError::into_inner);
        if held
            .as_ref()
            .is_some_and(|h| h.credentials.access_key_id == used.access_key_id)
        {
            *held = None;
        }
        // Either they are gone now, or newer ones were already fetched: a retry signs anew.
        true
    }
}

impl fmt::Debug for AssumedRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumedRoleCredentials")
            .field("role_arn", &self.request.role_arn.as_str())
            .field("sts", &self.sts.endpoint().as_str())
            .field("expiration", &self.expiration())
            .finish_non_exhaustive()
    }
}
