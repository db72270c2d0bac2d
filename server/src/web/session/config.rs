//! How sign-in and sessions behave: lifetimes, throttling, proxy trust and cookie security.

use std::time::Duration;

use crate::auth::sessions::SessionLifetime;
use crate::auth::throttle::ThrottlePolicy;

/// Access settings shared by every request (part of `AppState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessConfig {
    /// Idle and absolute session expiry.
    pub lifetime: SessionLifetime,
    /// Failures that lock sign-in per user name and per address.
    pub throttle: ThrottlePolicy,
    /// Added to every failed sign-in, so guessing is slow even below the limits.
    pub failed_login_delay: Duration,
    /// Believe `X-Forwarded-For` and `X-Forwarded-Proto` (only behind a proxy that sets them).
    pub trust_proxy: bool,
    /// Mark cookies `Secure` on every response, whatever the request looked like.
    pub secure_cookies: bool,
    /// Password verifications run at once; a sign-in that finds none free is answered 429.
    pub concurrent_password_checks: usize,
    /// How often expired sessions and old sign-in attempts are deleted.
    pub housekeeping_interval: Duration,
}

impl Default for AccessConfig {
    fn default() -> Self {
        Self {
            lifetime: SessionLifetime::default(),
            throttle: ThrottlePolicy::default(),
            failed_login_delay: Duration::from_millis(300),
            trust_proxy: false,
            secure_cookies: false,
            concurrent_password_checks: crate::auth::checks::DEFAULT_CONCURRENT_CHECKS,
            housekeeping_interval: crate::auth::housekeeping::DEFAULT_HOUSEKEEPING_INTERVAL,
        }
    }
}

/// The variable holding the bootstrap administrator's password.
pub const ADMIN_PASSWORD_VAR: &str = "OSS_AUDIT_ADMIN_PASSWORD";
