//! The flags commands share: how to reach OSS, and which database to use. Each command flattens
//! the ones it uses, so `--help` lists only what applies (a sandbox has no database).

use std::time::Duration;

use super::CliError;
use crate::domain::{AccountName, Region};
use crate::oss::sign::SignatureVersion;
use crate::oss::{ClientConfig, Credentials, DEFAULT_ENDPOINT, OssClient, RetryPolicy};
use crate::store::DEFAULT_DATABASE_URL;

/// The endpoint and transport flags of every command that talks to OSS. Global: they may follow
/// the command's own subcommands too (`oss-audit policy set --endpoint …`).
#[derive(Debug, Clone, clap::Args)]
pub struct OssArgs {
    #[command(flatten)]
    pub endpoint: EndpointArgs,
    /// Signing region of the service endpoint (default: read from the endpoint host).
    #[arg(long = "oss-region", env = "OSS_REGION", global = true)]
    pub region: Option<Region>,
    /// Signature version: 4 (OSS4-HMAC-SHA256) or 1 (HMAC-SHA1).
    #[arg(
        long = "signature-version",
        env = "OSS_SIGNATURE_VERSION",
        default_value = "4",
        global = true
    )]
    pub signature_version: SignatureVersion,
    /// Address buckets on their internal (VPC) endpoints.
    #[arg(
        long = "internal-endpoints",
        env = "OSS_USE_INTERNAL_ENDPOINT",
        global = true
    )]
    pub use_internal_endpoints: bool,
    /// Connect timeout, e.g. `5s`.
    #[arg(long = "connect-timeout", env = "OSS_CONNECT_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration, global = true)]
    pub connect_timeout: Duration,
    /// Timeout of one whole request, e.g. `30s`.
    #[arg(long = "request-timeout", env = "OSS_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub request_timeout: Duration,
    /// Attempts per request, the first included, for throttling, 5xx, timeouts and connection errors.
    #[arg(long = "max-attempts", env = "OSS_MAX_ATTEMPTS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20), global = true)]
    pub max_attempts: u32,
}

impl OssArgs {
    /// The client configuration these flags and the credential variables describe.
    pub fn config(&self) -> Result<ClientConfig, CliError> {
        let credentials = Credentials::from_env().map_err(CliError::config)?;
        let mut config =
            ClientConfig::new(&self.endpoint.endpoint, self.region.clone(), credentials)
                .map_err(CliError::config)?;
        config.signature_version = self.signature_version;
        config.use_internal_endpoints = self.use_internal_endpoints;
        config.connect_timeout = self.connect_timeout;
        config.request_timeout = self.request_timeout;
        config.retry = RetryPolicy {
            max_attempts: self.max_attempts,
            ..RetryPolicy::default()
        };
        Ok(config)
    }

    /// The client, limited to `max_rps` requests per second (0: unlimited).
    pub fn client(&self, max_rps: u32) -> Result<OssClient, CliError> {
        let mut config = self.config()?;
        config.max_rps = max_rps;
        OssClient::new(config).map_err(CliError::config)
    }
}

/// The service endpoint: where ListBuckets goes, and what the database records for the account.
#[derive(Debug, Clone, clap::Args)]
pub struct EndpointArgs {
    /// OSS service endpoint (ListBuckets goes here; its scheme applies to every regional endpoint).
    #[arg(long = "endpoint", env = "OSS_ENDPOINT", default_value = DEFAULT_ENDPOINT, global = true)]
    pub endpoint: String,
}

/// The database of every command that keeps or reads results.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// The SQLite database (created if missing).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
}

/// The name of the hub: the account of the keys, audited like every member.
#[derive(Debug, Clone, clap::Args)]
pub struct HubArgs {
    /// What the hub account (the one the access keys belong to) is called; set at the first start,
    /// a different name later renames it.
    #[arg(long = "account-name", env = "OSS_AUDIT_ACCOUNT_NAME", default_value = crate::startup::DEFAULT_ACCOUNT, global = true)]
    pub account_name: AccountName,
}

/// Where member accounts' roles are assumed.
#[derive(Debug, Clone, clap::Args)]
pub struct StsArgs {
    /// The STS endpoint AssumeRole is sent to (through the same proxy settings as OSS), e.g. a
    /// regional `sts.cn-hangzhou.aliyuncs.com` or `sts-vpc.cn-hangzhou.aliyuncs.com` in a VPC.
    #[arg(long = "sts-endpoint", env = "OSS_AUDIT_STS_ENDPOINT", default_value = crate::cloud::DEFAULT_STS_ENDPOINT,
          value_parser = parse_sts_endpoint, global = true)]
    pub sts_endpoint: url::Url,
}

fn parse_sts_endpoint(raw: &str) -> Result<url::Url, String> {
    crate::cloud::parse_endpoint("Sts", raw).map_err(|e| e.to_string())
}

/// Where the Resource Directory's members are listed.
#[derive(Debug, Clone, clap::Args)]
pub struct DirectoryArgs {
    /// The Resource Manager endpoint ListAccounts is sent to (through the same proxy settings
    /// as OSS).
    #[arg(long = "resourcemanager-endpoint", env = "OSS_AUDIT_RESOURCEMANAGER_ENDPOINT",
          default_value = crate::cloud::DEFAULT_RESOURCEMANAGER_ENDPOINT,
          value_parser = parse_resourcemanager_endpoint)]
    pub resourcemanager_endpoint: url::Url,
}

fn parse_resourcemanager_endpoint(raw: &str) -> Result<url::Url, String> {
    crate::cloud::parse_endpoint("ResourceManager", raw).map_err(|e| e.to_string())
}
