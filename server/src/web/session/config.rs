//! How sign-in and sessions behave: lifetimes, throttling, proxy trust and cookie security,
//! with the `serve` flags and environment variables that set them.

use std::time::Duration;

use crate::auth::sessions::SessionLifetime;
use crate::auth::throttle::ThrottlePolicy;
use crate::oss::Secret;

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
}

impl Default for AccessConfig {
    fn default() -> Self {
        Self {
            lifetime: SessionLifetime::default(),
            throttle: ThrottlePolicy::default(),
            failed_login_delay: Duration::from_millis(300),
            trust_proxy: false,
            secure_cookies: false,
        }
    }
}

/// The variable holding the bootstrap administrator's password.
pub const ADMIN_PASSWORD_VAR: &str = "OSS_AUDIT_ADMIN_PASSWORD";

/// The access flags of `oss-audit serve`; each also reads its environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct AccessArgs {
    /// A session unused this long ends, e.g. `30m`.
    #[arg(long = "session-idle", env = "OSS_AUDIT_SESSION_IDLE", default_value = "30m", value_parser = parse_lifetime)]
    session_idle: Duration,
    /// A session ends this long after sign-in, however busy, e.g. `12h`.
    #[arg(long = "session-max", env = "OSS_AUDIT_SESSION_MAX", default_value = "12h", value_parser = parse_lifetime)]
    session_max: Duration,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy in front of oss-audit.
    #[arg(long = "trust-proxy", env = "OSS_AUDIT_TRUST_PROXY")]
    trust_proxy: bool,
    /// Always mark cookies `Secure` (when TLS ends before oss-audit without the proxy saying so).
    #[arg(long = "secure-cookies", env = "OSS_AUDIT_SECURE_COOKIES")]
    secure_cookies: bool,
}

/// A session lifetime: a humantime duration of at least one second.
fn parse_lifetime(raw: &str) -> Result<Duration, String> {
    let lifetime = humantime::parse_duration(raw.trim())
        .map_err(|e| format!("{e} (expected e.g. 30m or 12h)"))?;
    if lifetime < Duration::from_secs(1) {
        return Err("a session must last at least 1s".into());
    }
    Ok(lifetime)
}

impl AccessArgs {
    /// The password of the `admin` user created on an empty database: the environment
    /// variable `OSS_AUDIT_ADMIN_PASSWORD` (deliberately no flag, which other local users could
    /// read in the process list). Unset or empty: a random password, logged once.
    pub fn admin_password(&self) -> Option<Secret> {
        std::env::var(ADMIN_PASSWORD_VAR)
            .ok()
            .filter(|p| !p.is_empty())
            .map(Secret::new)
    }

    /// The access settings these flags describe.
    pub fn config(&self) -> AccessConfig {
        AccessConfig {
            lifetime: SessionLifetime {
                idle: self.session_idle,
                max: self.session_max,
            },
            trust_proxy: self.trust_proxy,
            secure_cookies: self.secure_cookies,
            ..AccessConfig::default()
        }
    }
}
