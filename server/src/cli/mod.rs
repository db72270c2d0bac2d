//! The `oss-audit` command line: parsing, and one module per subcommand. clap lives here only;
//! each command turns its flags into the plain configuration of the part it runs.

mod args;
mod buckets;
mod demo;
mod encryption;
mod error;
mod notify;
mod policy;
mod progress;
mod report;
mod revert;
mod sandbox;
mod scan;
mod serve;
mod token;
mod user;

use clap::{Parser, Subcommand};

pub use error::CliError;

use crate::domain::AccountId;
use crate::store::Store;
use args::{DbArgs, EndpointArgs, OssArgs};

/// Audit and fix the server-side encryption of Alibaba Cloud OSS buckets.
#[derive(Debug, Parser)]
#[command(name = "oss-audit", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every bucket of the account (all regions, every page) with its region.
    Buckets(buckets::BucketsArgs),
    /// Read, set or remove one bucket's default server-side encryption.
    BucketEncryption {
        #[command(flatten)]
        oss: OssArgs,
        #[command(subcommand)]
        command: encryption::EncryptionCommand,
    },
    /// Scan every bucket once, store the results and print a summary.
    Scan(scan::ScanArgs),
    /// Run the server: scheduled scans and the HTTP endpoints.
    Serve(serve::ServeArgs),
    /// Give buckets back the encryption they had before an audit-log entry or a whole run
    /// (a remediation, or an earlier revert); `--dry-run` prints the plan.
    Revert(revert::RevertArgs),
    /// Show or set what "compliant" means, and the remediation target.
    Policy {
        #[command(flatten)]
        oss: OssArgs,
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: policy::PolicyCommand,
    },
    /// Run the OSS-compatible sandbox server (for demos and tests).
    Sandbox(sandbox::SandboxArgs),
    /// Start a seeded sandbox, scan it into a fresh database and show the result.
    Demo(demo::DemoArgs),
    /// Add, list, disable dashboard users and set their passwords (needs no OSS credentials).
    User {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Create, list and revoke API tokens (needs no OSS credentials).
    Token {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: token::TokenCommand,
    },
    /// Make, list, verify and export audit reports (needs no OSS credentials).
    Report {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Add, list, test and remove notification targets; send due notifications once.
    Notify {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        endpoint: EndpointArgs,
        #[command(subcommand)]
        command: notify::NotifyCommand,
    },
}

impl Cli {
    /// The command line of this process; exits with clap's message (and code 2) when it cannot
    /// be used.
    pub fn from_command_line() -> Self {
        Self::parse()
    }

    /// Runs the chosen command.
    pub async fn run(self) -> Result<(), CliError> {
        match self.command {
            Command::Buckets(args) => buckets::run(args).await,
            Command::BucketEncryption { oss, command } => {
                encryption::run(oss.client(0)?, command).await
            }
            Command::Scan(args) => scan::run(args).await,
            Command::Serve(args) => serve::run(args).await,
            Command::Revert(args) => revert::run(args).await,
            Command::Policy { oss, db, command } => {
                let config = oss.config()?;
                let (store, account) = open_account(&db, config.endpoint.as_str()).await?;
                policy::run(store, account, command).await
            }
            Command::Sandbox(args) => sandbox::run(args).await,
            Command::Demo(args) => demo::run(args).await,
            Command::User { db, command } => user::run(open(&db).await?, command).await,
            Command::Token { db, command } => token::run(open(&db).await?, command).await,
            Command::Report { db, command } => report::run(open(&db).await?, command).await,
            Command::Notify {
                db,
                endpoint,
                command,
            } => notify::run(open(&db).await?, &endpoint.endpoint, command).await,
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

/// Opens the database (applying migrations) for the commands that need no OSS. Not through
/// `startup::open_store`: that records the account's endpoint, and these commands must not
/// overwrite it with whatever `OSS_ENDPOINT` (or its default) the administrator's shell has.
async fn open(db: &DbArgs) -> Result<Store, CliError> {
    Store::open(&db.database_url).await.map_err(|e| {
        CliError::failed(
            format!("could not open the database {}", db.database_url),
            e,
        )
    })
}

/// Opens the database and the default account, recording `endpoint` as its endpoint (as `scan`
/// and `serve` do), and marks scans a dead process left running as interrupted.
async fn open_account(db: &DbArgs, endpoint: &str) -> Result<(Store, AccountId), CliError> {
    crate::startup::open_store(&db.database_url, endpoint)
        .await
        .map_err(|e| {
            CliError::failed(
                format!("could not open the database {}", db.database_url),
                e,
            )
        })
}

/// The default account of a database opened with [`open`], `None` when no scan or server has
/// set it up yet.
async fn find_account(store: &Store) -> Result<Option<AccountId>, CliError> {
    crate::store::find_account_by_name(store, crate::startup::DEFAULT_ACCOUNT)
        .await
        .map_err(|e| CliError::failed("could not read the database", e))
}

/// For `map_err(failed("could not …"))`: `what` could not be done because of the error.
fn failed<E: Into<error::Cause>>(what: &'static str) -> impl FnOnce(E) -> CliError {
    move |err| CliError::failed(what, err)
}
