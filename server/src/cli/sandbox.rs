//! `oss-audit sandbox`: the flags of the OSS-compatible sandbox, and running it.

use std::net::SocketAddr;

use super::{CliError, failed};
use crate::domain::{ExternalId, RoleName, Secret};
use crate::sandbox::{
    self, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_LISTEN, DEFAULT_ROLE_NAME,
    DEFAULT_STS_ACCESS_KEY_ID, DEFAULT_STS_ACCESS_KEY_SECRET, DEFAULT_STS_SECURITY_TOKEN, Denial,
    SandboxConfig, parse_rate,
};

/// Flags of `oss-audit sandbox`: address, population, keys and injected trouble.
#[derive(clap::Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "OSS_SANDBOX_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// How many buckets to seed (in each account).
    #[arg(long, env = "OSS_SANDBOX_BUCKETS", default_value_t = 60)]
    pub buckets: usize,

    /// How many accounts: the hub (the keys' own account, also the Resource Directory's
    /// management account) and `N - 1` members, each with its own uid, `--buckets` buckets and a
    /// RAM role for the hub to assume. 1: the hub alone.
    #[arg(long, env = "OSS_SANDBOX_ACCOUNTS", default_value_t = 1)]
    pub accounts: usize,

    /// The name of every account's role for oss-audit (`acs:ram::<uid>:role/<name>`).
    #[arg(long, env = "OSS_SANDBOX_ROLE_NAME", default_value = DEFAULT_ROLE_NAME)]
    pub role_name: RoleName,

    /// An ExternalId every role's trust policy requires (none: not required).
    #[arg(long, env = "OSS_SANDBOX_EXTERNAL_ID")]
    pub external_id: Option<ExternalId>,

    /// How many members (the last ones) have a role that does not trust the hub, so AssumeRole
    /// answers NoPermission for them.
    #[arg(long, env = "OSS_SANDBOX_UNTRUSTED_ROLES", default_value_t = 0)]
    pub untrusted_roles: usize,

    /// Every credential STS issues expires after this many seconds, whatever DurationSeconds asked
    /// (to test refreshing in the middle of a scan). Default: as asked.
    #[arg(long, env = "OSS_SANDBOX_STS_DURATION_SECS")]
    pub sts_duration_secs: Option<u64>,

    /// Deny a RAM action to an access key or to every session of a role, answered as the service
    /// refuses it: `KEY_OR_ROLE_ARN:ACTION`, e.g. `LTAI5tSandboxAccessKeyId:oss:ListBuckets` or
    /// `acs:ram::<uid>:role/oss-audit:kms:DescribeKey`. Repeatable. Actions: oss:ListBuckets,
    /// oss:Get/Put/DeleteBucketEncryption, oss:GetBucketInfo, oss:GetBucketTagging,
    /// kms:DescribeKey, sts:AssumeRole, resourcemanager:ListAccounts.
    #[arg(long = "deny", env = "OSS_SANDBOX_DENY", value_delimiter = ',', value_parser = Denial::parse)]
    pub deny: Vec<Denial>,

    /// Let PutBucketEncryption take KMS keys the sandbox never heard of (OSS answers 404
    /// KeyNotFound). Known keys are checked either way.
    #[arg(long, env = "OSS_SANDBOX_ACCEPT_UNKNOWN_KMS_KEYS")]
    pub accept_unknown_kms_keys: bool,

    /// Let the customer-key buckets share about this many keys (per region in proportion), instead
    /// of a key each: how a real estate reuses its keys (and what the key-check bench scans).
    #[arg(long, env = "OSS_SANDBOX_KMS_KEYS")]
    pub kms_keys: Option<usize>,

    /// Seed of the bucket population: the same seed always gives the same buckets.
    #[arg(long, env = "OSS_SANDBOX_SEED", default_value_t = 42)]
    pub seed: u64,

    /// The AccessKeyId the sandbox accepts.
    #[arg(long, env = "OSS_SANDBOX_ACCESS_KEY_ID", default_value = DEFAULT_ACCESS_KEY_ID)]
    pub access_key_id: String,

    /// The AccessKeySecret the sandbox accepts.
    #[arg(long, env = "OSS_SANDBOX_ACCESS_KEY_SECRET", default_value = DEFAULT_ACCESS_KEY_SECRET, value_parser = parse_secret, hide_env_values = true)]
    pub access_key_secret: Secret,

    /// The STS AccessKeyId the sandbox accepts (must start with `STS.`).
    #[arg(long, env = "OSS_SANDBOX_STS_ACCESS_KEY_ID", default_value = DEFAULT_STS_ACCESS_KEY_ID)]
    pub sts_access_key_id: String,

    /// The STS AccessKeySecret.
    #[arg(long, env = "OSS_SANDBOX_STS_ACCESS_KEY_SECRET", default_value = DEFAULT_STS_ACCESS_KEY_SECRET, value_parser = parse_secret, hide_env_values = true)]
    pub sts_access_key_secret: Secret,

    /// The STS security token (sent as `x-oss-security-token`).
    #[arg(long, env = "OSS_SANDBOX_STS_SECURITY_TOKEN", default_value = DEFAULT_STS_SECURITY_TOKEN, value_parser = parse_secret, hide_env_values = true)]
    pub sts_security_token: Secret,

    /// Delay before every answer, in milliseconds.
    #[arg(long, env = "OSS_SANDBOX_LATENCY_MS", default_value_t = 0)]
    pub latency_ms: u64,

    /// Share of requests answered 503 ServiceUnavailable (0 to 1).
    #[arg(long, env = "OSS_SANDBOX_FAULT_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub fault_rate: f64,

    /// Share of requests answered 503 MetaOperationQpsLimitExceeded (0 to 1).
    #[arg(long, env = "OSS_SANDBOX_THROTTLE_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub throttle_rate: f64,

    /// Seconds the sandbox clock runs ahead of real time (negative: behind), to test a client's
    /// clock-skew correction.
    #[arg(
        long,
        env = "OSS_SANDBOX_CLOCK_OFFSET_SECS",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub clock_offset_secs: i64,
}

fn parse_secret(raw: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(raw))
}

impl From<SandboxArgs> for SandboxConfig {
    fn from(args: SandboxArgs) -> Self {
        Self {
            listen: args.listen,
            buckets: args.buckets,
            accounts: args.accounts,
            role_name: args.role_name,
            external_id: args.external_id,
            untrusted_roles: args.untrusted_roles,
            sts_duration_secs: args.sts_duration_secs,
            deny: args.deny,
            accept_unknown_kms_keys: args.accept_unknown_kms_keys,
            kms_keys: args.kms_keys,
            seed: args.seed,
            access_key_id: args.access_key_id,
            access_key_secret: args.access_key_secret,
            sts_access_key_id: args.sts_access_key_id,
            sts_access_key_secret: args.sts_access_key_secret,
            sts_security_token: args.sts_security_token,
            latency_ms: args.latency_ms,
            fault_rate: args.fault_rate,
            throttle_rate: args.throttle_rate,
            clock_offset_secs: args.clock_offset_secs,
        }
    }
}

/// Runs the sandbox until interrupted.
pub(super) async fn run(args: SandboxArgs) -> Result<(), CliError> {
    sandbox::run(args.into())
        .await
        .map_err(failed("could not run the sandbox"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: SandboxArgs,
    }

    #[test]
    fn flags_default_to_the_documented_values() {
        let parsed = SandboxConfig::from(Cli::try_parse_from(["sandbox"]).unwrap().args);
        let default = SandboxConfig::default();
        assert_eq!(parsed.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(parsed.listen, default.listen);
        assert_eq!((parsed.buckets, parsed.seed), (60, 42));
        assert_eq!(
            (
                parsed.accounts,
                parsed.untrusted_roles,
                parsed.sts_duration_secs
            ),
            (1, 0, None)
        );
        assert_eq!(parsed.role_name.as_str(), "oss-audit");
        assert!(parsed.deny.is_empty() && !parsed.accept_unknown_kms_keys);
        assert_eq!(parsed.credentials(), default.credentials());
        assert_eq!(parsed.sts_credentials(), default.sts_credentials());
        assert!(parsed.validate().is_ok());
    }

    #[test]
    fn flags_parse_rates_and_negative_offsets() {
        let parsed = SandboxConfig::from(
            Cli::try_parse_from([
                "sandbox",
                "--fault-rate",
                "0.25",
                "--clock-offset-secs",
                "-3600",
                "--listen",
                "127.0.0.1:0",
            ])
            .unwrap()
            .args,
        );
        assert_eq!((parsed.fault_rate, parsed.clock_offset_secs), (0.25, -3600));
        assert!(Cli::try_parse_from(["sandbox", "--throttle-rate", "1.5"]).is_err());
        let estate = SandboxConfig::from(
            Cli::try_parse_from([
                "sandbox",
                "--accounts",
                "3",
                "--untrusted-roles",
                "1",
                "--external-id",
                "tenant-42",
                "--sts-duration-secs",
                "5",
            ])
            .unwrap()
            .args,
        );
        assert_eq!((estate.accounts, estate.untrusted_roles), (3, 1));
        assert_eq!(estate.external_id.unwrap().as_str(), "tenant-42");
        assert!(Cli::try_parse_from(["sandbox", "--role-name", "bad/name"]).is_err());
        assert!(Cli::try_parse_from(["sandbox", "--external-id", "x"]).is_err());
    }

    #[test]
    fn denials_and_unknown_keys_reach_the_sandbox() {
        let parsed = SandboxConfig::from(
            Cli::try_parse_from([
                "sandbox",
                "--deny",
                "LTAI5tSandboxAccessKeyId:oss:ListBuckets",
                "--deny",
                "acs:ram::1763082937549132:role/oss-audit:kms:DescribeKey,k:sts:AssumeRole",
                "--accept-unknown-kms-keys",
            ])
            .unwrap()
            .args,
        );
        assert_eq!(parsed.deny.len(), 3);
        assert_eq!(
            parsed.deny[1].to_string(),
            "acs:ram::1763082937549132:role/oss-audit:kms:DescribeKey"
        );
        assert!(parsed.accept_unknown_kms_keys);
        assert!(Cli::try_parse_from(["sandbox", "--deny", "k:oss:Everything"]).is_err());
    }
}
