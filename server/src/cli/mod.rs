//! The `oss-audit` command line: parsing, and one module per subcommand. clap lives here only;
//! each command turns its flags into the plain configuration of the part it runs.

mod account;
mod args;
mod buckets;
mod change_tools;
mod demo;
mod doctor;
mod encryption;
mod error;
mod exemption;
mod notify;
mod policy;
mod policy_rules;
mod progress;
mod remediate;
mod report;
mod revert;
mod sandbox;
mod scan;
mod serve;
mod token;
mod user;

use clap::{Parser, Subcommand};

pub use error::CliError;

use crate::domain::{AccountId, AccountName};
use crate::store::Store;
use args::{DbArgs, EndpointArgs, HubArgs, OssArgs};

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
    /// Scan every bucket of every account once (or of one, with --account), store the results
    /// and print a summary.
    Scan(scan::ScanArgs),
    /// Check, for the hub and every account, the RAM permissions a scan needs (one line per
    /// check; exit 1 if any fails), or print the least-privilege policies with --ram-policy.
    Doctor(doctor::DoctorArgs),
    /// Add, list and remove the audited accounts, or discover a Resource Directory's members
    /// (add, list and remove need no OSS credentials).
    Account(account::AccountArgs),
    /// Run the server: scheduled scans and the HTTP endpoints.
    Serve(serve::ServeArgs),
    /// Encrypt every readable non-compliant bucket (or those named) with its rule's remediation
    /// target; `--dry-run` prints the plan and the digest a run confirms with `--plan-digest`.
    Remediate(remediate::RemediateArgs),
    /// Give buckets back the encryption they had before an audit-log entry or a whole run
    /// (a remediation, or an earlier revert); `--dry-run` prints the plan.
    Revert(revert::RevertArgs),
    /// Show or set what "compliant" means, and the remediation target.
    Policy {
        #[command(flatten)]
        oss: OssArgs,
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        hub: HubArgs,
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
    /// Request, approve, revoke and list exemptions (needs no OSS credentials).
    Exemption {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: exemption::ExemptionCommand,
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
            Command::Account(args) => account::run(args).await,
            Command::Doctor(args) => doctor::run(args).await,
            Command::Serve(args) => serve::run(args).await,
            Command::Remediate(args) => remediate::run(args).await,
            Command::Revert(args) => revert::run(args).await,
            Command::Policy {
                oss,
                db,
                hub,
                command,
            } => {
                let config = oss.config()?;
                let (store, account) =
                    open_account(&db, &hub.account_name, config.endpoint.as_str()).await?;
                policy::run(store, account, command).await
            }
            Command::Sandbox(args) => sandbox::run(args).await,
            Command::Demo(args) => demo::run(args).await,
            Command::User { db, command } => user::run(open(&db).await?, command).await,
            Command::Token { db, command } => token::run(open(&db).await?, command).await,
            Command::Report { db, command } => report::run(open(&db).await?, command).await,
            Command::Exemption { db, command } => exemption::run(open(&db).await?, command).await,
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

/// Opens the database and the hub account, called `hub` and recording `endpoint` as its endpoint
/// (as `scan` and `serve` do), and marks scans a dead process left running as interrupted.
async fn open_account(
    db: &DbArgs,
    hub: &AccountName,
    endpoint: &str,
) -> Result<(Store, AccountId), CliError> {
    crate::startup::open_store(&db.database_url, hub, endpoint)
        .await
        .map_err(|e| {
            CliError::failed(
                format!("could not open the database {}", db.database_url),
                e,
            )
        })
}

/// The hub account of a database opened with [`open`] (which holds the estate's reports, users'
/// audit entries and targets), `None` when no scan or server has set it up yet.
async fn find_account(store: &Store) -> Result<Option<AccountId>, CliError> {
    crate::store::find_hub(store)
        .await
        .map(|hub| hub.map(|h| h.id))
        .map_err(|e| CliError::failed("could not read the database", e))
}

/// The hub's name from `OSS_AUDIT_ACCOUNT_NAME` (an unusable value is ignored: the commands that
/// read it here only create the hub in an empty database), else `default`.
fn hub_name_from_env() -> AccountName {
    std::env::var("OSS_AUDIT_ACCOUNT_NAME")
        .ok()
        .and_then(|raw| AccountName::parse(&raw).ok())
        .unwrap_or_else(crate::startup::default_account_name)
}

/// The hub account, created as `name` with `endpoint` only when the database has none yet: a
/// command that needs no OSS credentials must not rename it or rewrite the endpoint `serve`
/// recorded.
async fn hub_or_create(
    store: &Store,
    name: &AccountName,
    endpoint: &str,
) -> Result<AccountId, crate::store::StoreError> {
    if let Some(hub) = crate::store::find_hub(store).await? {
        return Ok(hub.id);
    }
    let mut tx = store.begin().await?;
    let hub = crate::store::ensure_hub(&mut tx, name, endpoint).await?;
    tx.commit().await?;
    Ok(hub.id)
}

/// For `map_err(failed("could not …"))`: `what` could not be done because of the error.
fn failed<E: Into<error::Cause>>(what: &'static str) -> impl FnOnce(E) -> CliError {
    move |err| CliError::failed(what, err)
}
