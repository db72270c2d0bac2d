//! `oss-audit notify add|list|remove|enable|disable|test|deliver`: notification targets and one
//! delivery pass. Target URLs and secrets are read once and never printed again.

use std::io::{BufRead as _, IsTerminal as _};

use chrono::Utc;

use super::user::when;
use super::{CliError, actor, failed};
use crate::domain::{AccountId, TargetId};
use crate::notify::{self, Deliverer, NewTarget, NotifyArgs, TargetError, TargetInput, TargetKind};
use crate::startup::DEFAULT_ACCOUNT;
use crate::store::{self, Store, StoreError};

/// `oss-audit notify ...`
#[derive(Debug, clap::Subcommand)]
pub enum NotifyCommand {
    /// Add a target. The secret (webhook, DingTalk) is read from OSS_AUDIT_NOTIFY_SECRET, else
    /// prompted for (or read from the first line of stdin).
    Add {
        /// webhook, dingtalk or slack.
        #[arg(long)]
        kind: String,
        /// A name to tell targets apart, e.g. `security-team`.
        #[arg(long)]
        name: String,
        /// The receiver's URL (a credential for Slack and DingTalk: prefer the variable).
        #[arg(long, env = "OSS_AUDIT_NOTIFY_URL", hide_env_values = true)]
        url: String,
    },
    /// List targets: kind, name, masked URL, enabled, pending and failed deliveries, last
    /// delivery and last error.
    List,
    /// Remove a target and its queued deliveries.
    Remove {
        /// The target's name or id (from `notify list`).
        target: String,
    },
    /// Let a disabled target receive notifications again.
    Enable { target: String },
    /// Stop notifying a target (its queued deliveries wait until it is enabled).
    Disable { target: String },
    /// Queue a test message for a target (`serve` sends it, or `notify deliver`).
    Test { target: String },
    /// Send every due notification once and report what happened (`serve` delivers
    /// continuously; this is for after a `scan` run from a pipeline).
    Deliver {
        #[command(flatten)]
        notify: NotifyArgs,
    },
}

fn target_error(err: TargetError) -> CliError {
    match err {
        TargetError::Invalid(_) | TargetError::NameTaken(_) => CliError::Config(err.to_string()),
        other => CliError::Failed(other.to_string()),
    }
}

/// Runs `command` against the database at `database_url`.
pub(super) async fn run(
    database_url: &str,
    endpoint: &str,
    command: NotifyCommand,
) -> Result<(), CliError> {
    let store = super::user::open(database_url).await?;
    let account = account(&store, endpoint).await.map_err(failed)?;
    match command {
        NotifyCommand::Add { kind, name, url } => {
            let needs_secret = TargetKind::parse(&kind).is_ok_and(TargetKind::needs_secret);
            let secret = if needs_secret {
                read_secret(&name)?
            } else {
                String::new()
            };
            let target = NewTarget::parse(&TargetInput {
                kind: &kind,
                name: &name,
                url: &url,
                secret: &secret,
            })
            .map_err(|e| CliError::Config(e.to_string()))?;
            let id = notify::add_target(&store, account, &target, &actor())
                .await
                .map_err(target_error)?;
            println!(
                "added {} target {id} {:?} ({})",
                target.kind,
                target.name.as_str(),
                target.url.masked()
            );
        }
        NotifyCommand::List => list(&store, account).await?,
        NotifyCommand::Remove { target } => {
            let id = resolve(&store, account, &target).await?;
            let removed = notify::remove_target(&store, account, id, &actor())
                .await
                .map_err(target_error)?;
            println!("removed target {id} {:?}", removed.name);
        }
        NotifyCommand::Enable { target } => switch(&store, account, &target, true).await?,
        NotifyCommand::Disable { target } => switch(&store, account, &target, false).await?,
        NotifyCommand::Test { target } => {
            let id = resolve(&store, account, &target).await?;
            let queued = notify::send_test(&store, account, id, &actor())
                .await
                .map_err(target_error)?;
            println!(
                "queued a test message for {:?}; `oss-audit serve` sends it, or run `oss-audit notify deliver`",
                queued.name
            );
        }
        NotifyCommand::Deliver { notify } => {
            let config = notify
                .config(Vec::new())
                .delivery(crate::startup::default_listen());
            let deliverer = Deliverer::new(store, config).map_err(failed)?;
            let pass = deliverer.deliver_due(Utc::now()).await.map_err(failed)?;
            println!(
                "delivered {}, will retry {}, failed {}",
                pass.delivered, pass.retrying, pass.failed
            );
        }
    }
    Ok(())
}

async fn switch(
    store: &Store,
    account: AccountId,
    target: &str,
    enabled: bool,
) -> Result<(), CliError> {
    let id = resolve(store, account, target).await?;
    let switched = notify::set_enabled(store, account, id, enabled, &actor())
        .await
        .map_err(target_error)?;
    let state = if enabled { "enabled" } else { "disabled" };
    println!("{state} target {id} {:?}", switched.name);
    Ok(())
}

/// The default account, created (with `endpoint`) only when the database has none yet: a
/// command that needs no OSS credentials must not rewrite the endpoint `serve` recorded.
async fn account(store: &Store, endpoint: &str) -> Result<AccountId, StoreError> {
    let mut tx = store.begin().await?;
    let account = match store::find_account_by_name(&mut tx, DEFAULT_ACCOUNT).await? {
        Some(account) => account,
        None => store::ensure_account(&mut tx, DEFAULT_ACCOUNT, endpoint).await?,
    };
    tx.commit().await?;
    Ok(account)
}

/// A target named by id or name.
async fn resolve(store: &Store, account: AccountId, target: &str) -> Result<TargetId, CliError> {
    let mut conn = store.pool().acquire().await.map_err(failed)?;
    let found = match TargetId::parse(target) {
        Some(id) => store::find_notification_target(&mut conn, account, id).await,
        None => store::find_notification_target_by_name(&mut conn, account, target.trim()).await,
    };
    found.map_err(failed)?.map(|t| t.id).ok_or_else(|| {
        CliError::Config(format!(
            "there is no notification target {target:?} (see `oss-audit notify list`)"
        ))
    })
}

/// The signing secret: OSS_AUDIT_NOTIFY_SECRET, else prompted without echo on a terminal, else
/// the first line of stdin. Never a flag, which other users could read in the process list.
fn read_secret(name: &str) -> Result<String, CliError> {
    if let Ok(secret) = std::env::var("OSS_AUDIT_NOTIFY_SECRET") {
        return Ok(secret);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return rpassword::prompt_password(format!("Signing secret for {name}: "))
            .map_err(|e| CliError::Failed(format!("could not read the secret: {e}")));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::Failed(format!("could not read the secret from stdin: {e}")))?;
    Ok(line.trim().to_owned())
}

async fn list(store: &Store, account: AccountId) -> Result<(), CliError> {
    let mut conn = store.pool().acquire().await.map_err(failed)?;
    let targets = store::list_notification_targets(&mut conn, account)
        .await
        .map_err(failed)?;
    let width = targets
        .iter()
        .map(|t| t.target.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    println!(
        "{:>4}  {:<width$}  {:<8}  {:<7}  {:<32}  {:>7}  {:>6}  {:<20}  LAST ERROR",
        "ID", "NAME", "KIND", "ENABLED", "URL", "PENDING", "FAILED", "LAST DELIVERED"
    );
    for status in targets {
        let t = &status.target;
        println!(
            "{:>4}  {:<width$}  {:<8}  {:<7}  {:<32}  {:>7}  {:>6}  {:<20}  {}",
            t.id,
            t.name,
            t.kind.as_str(),
            if t.enabled { "yes" } else { "no" },
            t.url.masked(),
            status.pending,
            status.failed,
            when(status.last_delivered_at),
            status.last_error.as_deref().map_or_else(
                || "-".to_owned(),
                |e| format!("{} ({})", e, when(status.last_error_at))
            ),
        );
    }
    Ok(())
}
