//! `oss-audit notify add|list|remove|enable|disable|test|deliver`: notification targets and one
//! delivery pass. Target URLs and secrets are read once and never printed again.

use std::io::{BufRead as _, IsTerminal as _};

use chrono::Utc;

use std::time::Duration;

use url::Url;

use super::user::when;
use super::{CliError, failed};
use crate::actions::targets::{self, TargetError};
use crate::domain::Secret;
use crate::domain::{AccountId, Actor, NewTarget, TargetId, TargetInput, TargetKind};
use crate::notify::{Deliverer, DeliveryTiming, EnvTargets, NotifyConfig, ReceiverPolicy};
use crate::store::{self, Store, StoreError};

/// Flags of notification delivery (`serve` and `notify deliver`).
#[derive(Debug, Clone, clap::Args)]
pub struct NotifyArgs {
    /// The dashboard's address as people open it, for links in notifications
    /// (default: http://<listen address>).
    #[arg(long, env = "OSS_AUDIT_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<Url>,
    /// The wait before retrying a failed delivery; it doubles per failure, up to an hour.
    #[arg(long, env = "OSS_AUDIT_NOTIFY_RETRY_BASE", default_value = "30s", value_parser = parse_duration)]
    pub notify_retry_base: Duration,
    /// Attempts per notification (the first included) before it is marked failed.
    #[arg(long, env = "OSS_AUDIT_NOTIFY_MAX_ATTEMPTS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub notify_max_attempts: u32,
    /// Timeout of one request to a receiver.
    #[arg(long, env = "OSS_AUDIT_NOTIFY_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub notify_timeout: Duration,
    #[command(flatten)]
    pub receivers: ReceiverArgs,
}

/// Where receivers may be.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ReceiverArgs {
    /// Let notifications reach loopback, private, link-local and metadata addresses (local test
    /// receivers only; off by default, and logged when on).
    #[arg(long = "notify-allow-private", env = "OSS_AUDIT_NOTIFY_ALLOW_PRIVATE")]
    pub allow_private: bool,
}

impl ReceiverArgs {
    /// The policy these flags describe.
    pub fn policy(self) -> ReceiverPolicy {
        ReceiverPolicy {
            allow_private: self.allow_private,
        }
    }
}

impl NotifyArgs {
    /// The notification settings these flags describe, with `env_targets`.
    pub fn config(&self, env_targets: Vec<NewTarget>) -> NotifyConfig {
        NotifyConfig {
            public_url: self.public_url.clone(),
            timing: DeliveryTiming {
                retry_base: self.notify_retry_base,
                max_attempts: self.notify_max_attempts,
                request_timeout: self.notify_timeout,
                ..DeliveryTiming::default()
            },
            env_targets,
            receivers: self.receivers.policy(),
        }
    }
}

fn parse_public_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw.trim())
        .map_err(|e| format!("{e} (expected e.g. https://oss-audit.example.com)"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("use an http:// or https:// address with a host".to_owned());
    }
    Ok(url)
}

fn parse_duration(raw: &str) -> Result<Duration, String> {
    let duration =
        humantime::parse_duration(raw.trim()).map_err(|e| format!("{e} (expected e.g. 30s)"))?;
    if duration.is_zero() {
        return Err("must be longer than 0".to_owned());
    }
    Ok(duration)
}

fn secret(raw: &str) -> Result<Secret, String> {
    Ok(Secret::new(raw))
}

/// Targets configured by environment variables (or flags), stored at `serve` start as
/// `env-webhook`, `env-dingtalk` and `env-slack`. Values are credentials: never shown in `--help`.
#[derive(Clone, clap::Args)]
pub struct EnvTargetArgs {
    /// A generic webhook receiving signed JSON.
    #[arg(long, env = "OSS_AUDIT_WEBHOOK_URL", hide_env_values = true, value_parser = secret)]
    pub webhook_url: Option<Secret>,
    /// The HMAC-SHA256 key of the webhook's `X-OSS-Audit-Signature`.
    #[arg(long, env = "OSS_AUDIT_WEBHOOK_SECRET", hide_env_values = true, value_parser = secret)]
    pub webhook_secret: Option<Secret>,
    /// A DingTalk custom robot URL (with its access_token).
    #[arg(long, env = "OSS_AUDIT_DINGTALK_URL", hide_env_values = true, value_parser = secret)]
    pub dingtalk_url: Option<Secret>,
    /// The robot's signing secret (SEC…).
    #[arg(long, env = "OSS_AUDIT_DINGTALK_SECRET", hide_env_values = true, value_parser = secret)]
    pub dingtalk_secret: Option<Secret>,
    /// A Slack incoming webhook URL.
    #[arg(long, env = "OSS_AUDIT_SLACK_WEBHOOK_URL", hide_env_values = true, value_parser = secret)]
    pub slack_webhook_url: Option<Secret>,
}

impl std::fmt::Debug for EnvTargetArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The values are credentials: `EnvTargets` says only which are set.
        std::fmt::Debug::fmt(&self.targets(), f)
    }
}

impl EnvTargetArgs {
    /// The targets these flags configure, before they are checked.
    pub fn targets(&self) -> EnvTargets {
        EnvTargets {
            webhook_url: self.webhook_url.clone(),
            webhook_secret: self.webhook_secret.clone(),
            dingtalk_url: self.dingtalk_url.clone(),
            dingtalk_secret: self.dingtalk_secret.clone(),
            slack_webhook_url: self.slack_webhook_url.clone(),
        }
    }
}

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
        #[command(flatten)]
        receivers: ReceiverArgs,
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
        TargetError::Invalid(_) | TargetError::NameTaken(_) => CliError::config(err),
        other => CliError::failed("could not change the notification target", other),
    }
}

/// Runs `command` against `store`.
pub(super) async fn run(
    store: Store,
    endpoint: &str,
    command: NotifyCommand,
) -> Result<(), CliError> {
    let account = account(&store, endpoint)
        .await
        .map_err(failed("could not open the account"))?;
    let actor = Actor::cli();
    match command {
        NotifyCommand::Add {
            kind,
            name,
            url,
            receivers,
        } => {
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
            .map_err(CliError::config)?;
            let policy = receivers.policy();
            warn_if_private(policy);
            let target = policy
                .admit(target)
                .await
                .map_err(|refused| CliError::config(format!("URL: {refused}")))?;
            let id = targets::add(&store, account, &target, &actor)
                .await
                .map_err(target_error)?;
            let target = target.target();
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
            let removed = targets::remove(&store, account, id, &actor)
                .await
                .map_err(target_error)?;
            println!("removed target {id} {:?}", removed.name);
        }
        NotifyCommand::Enable { target } => switch(&store, account, &target, true, &actor).await?,
        NotifyCommand::Disable { target } => {
            switch(&store, account, &target, false, &actor).await?;
        }
        NotifyCommand::Test { target } => {
            let id = resolve(&store, account, &target).await?;
            let queued = targets::send_test(&store, account, id, &actor)
                .await
                .map_err(target_error)?;
            println!(
                "queued a test message for {:?}; `oss-audit serve` sends it, or run `oss-audit notify deliver`",
                queued.name
            );
        }
        NotifyCommand::Deliver { notify } => {
            warn_if_private(notify.receivers.policy());
            let config = notify
                .config(Vec::new())
                .delivery(crate::startup::default_listen());
            let deliverer =
                Deliverer::new(store, config).map_err(failed("could not set up delivery"))?;
            let pass = deliverer
                .deliver_due(Utc::now())
                .await
                .map_err(failed("could not deliver the notifications"))?;
            println!(
                "delivered {}, will retry {}, failed {}",
                pass.delivered, pass.retrying, pass.failed
            );
        }
    }
    Ok(())
}

/// Says in the log that the address guard is off, as `serve` does.
fn warn_if_private(policy: ReceiverPolicy) {
    if policy.allow_private {
        tracing::warn!(
            "{} is on: notifications may be sent to loopback, private and metadata addresses",
            crate::notify::ALLOW_PRIVATE_VAR
        );
    }
}

async fn switch(
    store: &Store,
    account: AccountId,
    target: &str,
    enabled: bool,
    actor: &Actor,
) -> Result<(), CliError> {
    let id = resolve(store, account, target).await?;
    let switched = targets::set_enabled(store, account, id, enabled, actor)
        .await
        .map_err(target_error)?;
    let state = if enabled { "enabled" } else { "disabled" };
    println!("{state} target {id} {:?}", switched.name);
    Ok(())
}

/// The hub account (which holds the targets), created (with `endpoint`) only when the database
/// has none yet: a command that needs no OSS credentials must not rewrite the endpoint `serve`
/// recorded.
async fn account(store: &Store, endpoint: &str) -> Result<AccountId, StoreError> {
    super::hub_or_create(store, &super::hub_name_from_env(), endpoint).await
}

/// A target named by id or name.
async fn resolve(store: &Store, account: AccountId, target: &str) -> Result<TargetId, CliError> {
    let found = match TargetId::parse(target) {
        Some(id) => store::find_notification_target(store, account, id).await,
        None => store::find_notification_target_by_name(store, account, target.trim()).await,
    };
    let found = found.map_err(failed("could not read the notification targets"))?;
    found.map(|t| t.id).ok_or_else(|| {
        CliError::config(format!(
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
            .map_err(failed("could not read the secret"));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(failed("could not read the secret from stdin"))?;
    Ok(line.trim().to_owned())
}

async fn list(store: &Store, account: AccountId) -> Result<(), CliError> {
    let targets = store::list_notification_targets(store, account)
        .await
        .map_err(failed("could not list the notification targets"))?;
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
