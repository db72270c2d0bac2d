//! The `oss-audit` command line: parsing, and one module per subcommand.

mod buckets;
mod demo;
mod encryption;
mod error;
mod notify;
mod policy;
mod progress;
mod report;
mod scan;
mod serve;
mod token;
mod user;

use clap::{Parser, Subcommand};

pub use error::CliError;

use crate::oss::{ClientConfig, Credentials, OssArgs, OssClient};
use crate::sandbox::SandboxConfig;
use crate::store::DEFAULT_DATABASE_URL;

/// Audit and fix the server-side encryption of Alibaba Cloud OSS buckets.
#[derive(Debug, Parser)]
#[command(name = "oss-audit", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub oss: OssArgs,
    /// The SQLite database (created if missing).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every bucket of the account (all regions, every page) with its region.
    Buckets(buckets::BucketsArgs),
    /// Read, set or remove one bucket's default server-side encryption.
    #[command(subcommand)]
    BucketEncryption(encryption::EncryptionCommand),
    /// Scan every bucket once, store the results and print a summary.
    Scan(scan::ScanArgs),
    /// Run the server: scheduled scans and the HTTP endpoints.
    Serve(serve::ServeArgs),
    /// Show or set what "compliant" means, and the remediation target.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Run the OSS-compatible sandbox server (for demos and tests).
    Sandbox(SandboxConfig),
    /// Start a seeded sandbox, scan it into a fresh database and show the result.
    Demo(demo::DemoArgs),
    /// Add, list, disable dashboard users and set their passwords (needs no OSS credentials).
    #[command(subcommand)]
    User(user::UserCommand),
    /// Create, list and revoke API tokens (needs no OSS credentials).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Make, list, verify and export audit reports (needs no OSS credentials).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Add, list, test and remove notification targets; send due notifications once.
    #[command(subcommand)]
    Notify(notify::NotifyCommand),
}

impl Cli {
    /// Runs the chosen command.
    pub async fn run(self) -> Result<(), CliError> {
        let database_url = self.database_url;
        match self.command {
            Command::Buckets(args) => buckets::run(client(self.oss, 0)?, args).await,
            Command::BucketEncryption(cmd) => encryption::run(client(self.oss, 0)?, cmd).await,
            Command::Scan(args) => {
                let client = client(self.oss, args.pace.max_rps)?;
                let (store, account) = open_store(&database_url, client.config()).await?;
                scan::run(client, store, account, args).await
            }
            Command::Serve(args) => serve::run(client_config(self.oss)?, database_url, args).await,
            Command::Policy(command) => {
                let (store, account) = open_store(&database_url, &client_config(self.oss)?).await?;
                policy::run(store, account, command).await
            }
            Command::Sandbox(config) => crate::sandbox::run(config)
                .await
                .map_err(|e| CliError::Failed(e.to_string())),
            Command::Demo(args) => demo::run(args).await,
            Command::User(cmd) => user::run(user::open(&database_url).await?, cmd).await,
            Command::Token(cmd) => token::run(user::open(&database_url).await?, cmd).await,
            Command::Report(cmd) => report::run(user::open(&database_url).await?, cmd).await,
            Command::Notify(cmd) => notify::run(&database_url, &self.oss.endpoint, cmd).await,
        }
    }

    /// The default log filter: servers say what they do, one-shot commands only warn.
    pub fn default_log_filter(&self) -> &'static str {
        match self.command {
            Command::Sandbox(_) | Command::Serve(_) => "info",
            _ => "warn",
        }
    }
}

/// Who the audit log names for a command run from this shell: `cli:$USER`, or `cli`.
fn actor() -> String {
    std::env::var("USER").map_or_else(|_| "cli".to_owned(), |user| format!("cli:{user}"))
}

/// A failure of anything but OSS, as its message (exit 1).
fn failed(err: impl std::fmt::Display) -> CliError {
    CliError::Failed(err.to_string())
}

/// Resolves the OSS flags and the credential variables.
fn client_config(args: OssArgs) -> Result<ClientConfig, CliError> {
    let credentials = Credentials::from_env().map_err(|e| CliError::Config(e.to_string()))?;
    args.into_config(credentials)
        .map_err(|e| CliError::Config(e.to_string()))
}

/// Builds the OSS client, limited to `max_rps` requests per second (0: unlimited).
fn client(args: OssArgs, max_rps: u32) -> Result<OssClient, CliError> {
    let mut config = client_config(args)?;
    config.max_rps = max_rps;
    OssClient::new(config).map_err(|e| CliError::Config(e.to_string()))
}

async fn open_store(
    database_url: &str,
    client: &ClientConfig,
) -> Result<(crate::store::Store, crate::domain::AccountId), CliError> {
    crate::startup::open_store(database_url, client.endpoint.as_str())
        .await
        .map_err(|e| CliError::Failed(format!("could not open the database {database_url}: {e}")))
}
