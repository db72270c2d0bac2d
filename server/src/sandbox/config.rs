//! How a sandbox runs (address, population, keys, injected trouble) and its fixed demo keys.

use std::net::SocketAddr;

use super::access::Denial;
use super::estate::DEFAULT_ROLE_NAME;
use crate::domain::{ExternalId, RoleName};
use crate::oss::{Credentials, Secret};

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9444";
/// The sandbox's fixed AccessKeyId. These keys open nothing but a local sandbox.
pub const DEFAULT_ACCESS_KEY_ID: &str = "LTAI5tSandboxAccessKeyId";
/// The sandbox's fixed AccessKeySecret.
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "SandboxAccessKeySecret000000000000";
/// The sandbox's fixed STS AccessKeyId (STS ids start with `STS.`).
pub const DEFAULT_STS_ACCESS_KEY_ID: &str = "STS.NSandboxStsAccessKeyId00";
/// The sandbox's fixed STS AccessKeySecret.
pub const DEFAULT_STS_ACCESS_KEY_SECRET: &str = "SandboxStsAccessKeySecret000000000";
/// The sandbox's fixed STS security token.
pub const DEFAULT_STS_SECURITY_TOKEN: &str = "CAIS.sandbox-sts-security-token.0000000000000000";

/// How to run the sandbox: address, population, keys and injected trouble.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// How many buckets to seed (in each account).
    pub buckets: usize,
    /// How many accounts: the hub (the keys' own account, also the Resource Directory's
    /// management account) and `N - 1` members, each with its own uid, `--buckets` buckets and a
    /// RAM role for the hub to assume. 1: the hub alone.
    pub accounts: usize,
    /// The name of every account's role for oss-audit (`acs:ram::<uid>:role/<name>`).
    pub role_name: RoleName,
    /// An ExternalId every role's trust policy requires (none: not required).
    pub external_id: Option<ExternalId>,
    /// How many members (the last ones) have a role that does not trust the hub, so AssumeRole
    /// answers NoPermission for them.
    pub untrusted_roles: usize,
    /// Every credential STS issues expires after this many seconds, whatever DurationSeconds asked
    /// (to test refreshing in the middle of a scan). Default: as asked.
    pub sts_duration_secs: Option<u64>,
    /// RAM actions denied to an access key or to every session of a role, answered as the
    /// service refuses them.
    pub deny: Vec<Denial>,
    /// Let PutBucketEncryption take KMS keys the sandbox never heard of (OSS answers 404
    /// KeyNotFound). Known keys are checked either way: disabled, pending deletion, deleted or
    /// another account's.
    pub accept_unknown_kms_keys: bool,
    /// About how many keys the customer-key buckets share (`None`: a key each).
    pub kms_keys: Option<usize>,
    /// Seed of the bucket population: the same seed always gives the same buckets.
    pub seed: u64,
    /// The AccessKeyId the sandbox accepts.
    pub access_key_id: String,
    /// The AccessKeySecret the sandbox accepts.
    pub access_key_secret: Secret,
    /// The STS AccessKeyId the sandbox accepts (must start with `STS.`).
    pub sts_access_key_id: String,
    /// The STS AccessKeySecret.
    pub sts_access_key_secret: Secret,
    /// The STS security token (sent as `x-oss-security-token`).
    pub sts_security_token: Secret,
    /// Delay before every answer, in milliseconds.
    pub latency_ms: u64,
    /// Share of requests answered 503 ServiceUnavailable (0 to 1).
    pub fault_rate: f64,
    /// Share of requests answered 503 MetaOperationQpsLimitExceeded (0 to 1).
    pub throttle_rate: f64,
    /// Seconds the sandbox clock runs ahead of real time (negative: behind), to test a client's
    /// clock-skew correction.
    pub clock_offset_secs: i64,
}

impl Default for SandboxConfig {
    /// The `oss-audit sandbox` defaults.
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 9444)),
            buckets: 60,
            accounts: 1,
            role_name: RoleName::parse(DEFAULT_ROLE_NAME)
                .unwrap_or_else(|_| unreachable!("a valid role name")),
            external_id: None,
            untrusted_roles: 0,
            sts_duration_secs: None,
            deny: Vec::new(),
            accept_unknown_kms_keys: false,
            kms_keys: None,
            seed: 42,
            access_key_id: DEFAULT_ACCESS_KEY_ID.to_owned(),
            access_key_secret: Secret::new(DEFAULT_ACCESS_KEY_SECRET),
            sts_access_key_id: DEFAULT_STS_ACCESS_KEY_ID.to_owned(),
            sts_access_key_secret: Secret::new(DEFAULT_STS_ACCESS_KEY_SECRET),
            sts_security_token: Secret::new(DEFAULT_STS_SECURITY_TOKEN),
            latency_ms: 0,
            fault_rate: 0.0,
            throttle_rate: 0.0,
            clock_offset_secs: 0,
        }
    }
}

impl SandboxConfig {
    /// The defaults, listening on a free port of 127.0.0.1, with `buckets` buckets from `seed`
    /// (the demo's sandbox). Unknown KMS keys are accepted, since the demo's visitors and many
    /// tests name keys that exist nowhere; tests of key checks turn `accept_unknown_kms_keys` off.
    pub fn on_free_port(buckets: usize, seed: u64) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            buckets,
            seed,
            accept_unknown_kms_keys: true,
            ..Self::default()
        }
    }

    /// [`Self::on_free_port`], under the name the tests know.
    pub fn for_tests(buckets: usize, seed: u64) -> Self {
        Self::on_free_port(buckets, seed)
    }

    /// The permanent key pair.
    pub fn credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            access_key_secret: self.access_key_secret.clone(),
            security_token: None,
        }
    }

    /// The STS triple.
    pub fn sts_credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.sts_access_key_id.clone(),
            access_key_secret: self.sts_access_key_secret.clone(),
            security_token: Some(self.sts_security_token.clone()),
        }
    }

    /// Refuses settings the sandbox cannot honour, naming the flag.
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (flag, rate) in [
            ("--fault-rate", self.fault_rate),
            ("--throttle-rate", self.throttle_rate),
        ] {
            parse_rate(&rate.to_string()).map_err(|e| format!("{flag}: {e}"))?;
        }
        if !(1..=1000).contains(&self.accounts) {
            return Err("--accounts must be 1 to 1000".into());
        }
        if self.untrusted_roles >= self.accounts.max(1) && self.untrusted_roles > 0 {
            return Err(
                "--untrusted-roles must be less than --accounts (the hub's own role always trusts it)"
                    .into(),
            );
        }
        if self
            .sts_duration_secs
            .is_some_and(|secs| !(1..=43_200).contains(&secs))
        {
            return Err("--sts-duration-secs must be 1 to 43200".into());
        }
        if !self.sts_access_key_id.starts_with("STS.") {
            return Err("--sts-access-key-id must start with \"STS.\"".into());
        }
        if self.access_key_id == self.sts_access_key_id {
            return Err("the STS AccessKeyId must differ from the permanent one".into());
        }
        let header_safe = |s: &str| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic()) && !s.contains([':', ','])
        };
        for (flag, value) in [
            ("--access-key-id", self.access_key_id.as_str()),
            ("--sts-access-key-id", self.sts_access_key_id.as_str()),
        ] {
            if !header_safe(value) {
                return Err(format!(
                    "{flag} must be printable ASCII without spaces, ':' or ','"
                ));
            }
        }
        for (flag, secret) in [
            ("--access-key-secret", &self.access_key_secret),
            ("--sts-access-key-secret", &self.sts_access_key_secret),
            ("--sts-security-token", &self.sts_security_token),
        ] {
            if secret.expose().is_empty() || secret.expose().bytes().any(|b| b.is_ascii_control()) {
                return Err(format!(
                    "{flag} must be non-empty and free of control characters"
                ));
            }
        }
        Ok(())
    }
}

/// A probability between 0 and 1.
pub fn parse_rate(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{raw:?} is not a rate between 0 and 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estate_flags_must_fit_together() {
        let mut config = SandboxConfig::for_tests(1, 1);
        config.untrusted_roles = 1;
        assert!(config.validate().unwrap_err().contains("--untrusted-roles"));
        config.accounts = 2;
        assert!(config.validate().is_ok());
        config.accounts = 0;
        assert!(config.validate().unwrap_err().contains("--accounts"));
        let mut config = SandboxConfig::for_tests(1, 1);
        config.sts_duration_secs = Some(0);
        assert!(
            config
                .validate()
                .unwrap_err()
                .contains("--sts-duration-secs")
        );
    }

    #[test]
    fn invalid_settings_name_the_flag() {
        let mut config = SandboxConfig::for_tests(1, 1);
        config.sts_access_key_id = "LTAInotSts".into();
        assert!(
            config
                .validate()
                .unwrap_err()
                .contains("--sts-access-key-id")
        );
        let mut config = SandboxConfig::for_tests(1, 1);
        config.fault_rate = 2.0;
        assert!(config.validate().unwrap_err().contains("--fault-rate"));
        let mut config = SandboxConfig::for_tests(1, 1);
        config.access_key_secret = Secret::new("a\nb");
        assert!(
            config
                .validate()
                .unwrap_err()
                .contains("--access-key-secret")
        );
    }

    #[test]
    fn debug_output_hides_the_secrets() {
        let shown = format!("{:?}", SandboxConfig::default());
        assert!(
            !shown.contains(DEFAULT_ACCESS_KEY_SECRET)
                && !shown.contains(DEFAULT_STS_SECURITY_TOKEN)
        );
    }
}
