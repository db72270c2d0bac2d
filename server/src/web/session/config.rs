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

/// The access flags of `oss-audit serve`; each also reads its environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct AccessArgs {
    /// Password of the `admin` user created on first start (default: a random one, logged once).
    #[arg(long = "admin-password", env = "OSS_AUDIT_ADMIN_PASSWORD", hide_env_values = true, value_parser = parse_secret)]
    admin_password: Option<Secret>,
    /// A session unused this long ends, e.g. `30m`.
    #[arg(long = "session-idle", env = "OSS_AUDIT_SESSION_IDLE", default_value = "30m", value_parser = humantime::parse_duration)]
    session_idle: Duration,
    /// A session ends this long after sign-in, however busy, e.g. `12h`.
    #[arg(long = "session-max", env = "OSS_AUDIT_SESSION_MAX", default_value = "12h", value_parser = humantime::parse_duration)]
    session_max: Duration,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy in front of oss-audit.
    #[arg(long = "trust-proxy", env = "OSS_AUDIT_TRUST_PROXY")]
    trust_proxy: bool,
    /// Always mark cookies `Secure` (when TLS ends before oss-audit without the proxy saying so).
    #[arg(long = "secure-cookies", env = "OSS_AUDIT_SECURE_COOKIES")]
    secure_cookies: bool,
}

/// Wraps a flag's value at once, so `Debug` of the parsed flags never shows it.
fn parse_secret(raw: &str) -> Result<Secret, String> {
    Ok(Secret::new(raw))
}

impl AccessArgs {
    /// The bootstrap administrator's password, if given (an empty value counts as none).
    pub fn admin_password(&self) -> Option<Secret> {
        self.admin_password
            .clone()
            .filter(|p| !p.expose().is_empty())
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
