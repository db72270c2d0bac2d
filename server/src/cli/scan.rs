//! `oss-audit scan`: one scan of the estate (or of one account), stored, summarised; a gate for
//! pipelines.

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::args::{DbArgs, HubArgs, OssArgs, StsArgs};
use super::policy::{PolicyArgs, apply_from_args};
use super::{CliError, failed, open_account, progress};
use crate::cloud::{AccountClients, StsClient};
use crate::domain::{AccountId, AccountName, ScanStatus, Trigger};
use crate::scan::{PartResult, ScanOptions, ScanOutcome, ScanProgress, Scanner};
use crate::store::{self, Store};
use crate::view::BucketView;

/// Flags of `oss-audit scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Print every bucket as JSON (`{"buckets":[...]}`) on stdout; the summary goes to stderr.
    #[arg(long)]
    pub json: bool,
    /// Exit with code 3 when any bucket of any account is non-compliant or unknown.
    #[arg(long)]
    pub fail_on_noncompliant: bool,
    /// Scan only this account (its name, as `account list` shows it); default: every account.
    #[arg(long)]
    pub account: Option<AccountName>,
    #[command(flatten)]
    pub oss: OssArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub hub: HubArgs,
    #[command(flatten)]
    pub sts: StsArgs,
    #[command(flatten)]
    pub pace: PaceArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// How hard a scan may push OSS. OSS limits request rates per account, so the rate and the
/// concurrency apply to each account on its own.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct PaceArgs {
    /// Bucket reads in flight at once, per account.
    #[arg(long, env = "OSS_AUDIT_SCAN_CONCURRENCY", default_value_t = crate::scan::DEFAULT_CONCURRENCY,
          value_parser = parse_concurrency)]
    pub concurrency: usize,
    /// At most this many OSS requests per second per account (0: unlimited); throttling lowers it
    /// further, for that account only.
    #[arg(long, env = "OSS_AUDIT_MAX_RPS", default_value_t = crate::scan::DEFAULT_MAX_RPS)]
    pub max_rps: u32,
    /// Accounts scanned at once.
    #[arg(long = "scan-accounts", env = "OSS_AUDIT_SCAN_ACCOUNTS", default_value_t = crate::scan::DEFAULT_SCAN_ACCOUNTS,
          value_parser = parse_concurrency)]
    pub accounts: usize,
}

impl PaceArgs {
    /// The scan options of this pace for `trigger`, over every account.
    pub fn options(&self, trigger: Trigger) -> ScanOptions {
        ScanOptions {
            concurrency: self.concurrency,
            accounts_at_once: self.accounts,
            ..ScanOptions::new(trigger)
        }
    }
}

/// Parses a concurrency between 1 and 1024.
fn parse_concurrency(raw: &str) -> Result<usize, String> {
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n),
        _ => Err(format!("{raw:?} is not a number from 1 to 1024")),
    }
}

pub(super) async fn run(args: ScanArgs) -> Result<(), CliError> {
    let client = args.oss.client(args.pace.max_rps)?;
    let sts =
        StsClient::new(args.sts.sts_endpoint.clone(), client.config()).map_err(CliError::config)?;
    let (store, hub) = open_account(
        &args.db,
        &args.hub.account_name,
        client.config().endpoint.as_str(),
    )
    .await?;
    apply_from_args(&store, hub, &args.policy).await?;
    let account = match &args.account {
        Some(name) => Some(active_account(&store, name).await?),
        None => None,
    };
    let scanner = Scanner::new(store.clone(), AccountClients::new(client, sts), hub);
    let options = ScanOptions {
        account,
        ..args.pace.options(Trigger::Cli)
    };
    let outcome = scan_once(&scanner, options).await?;
    let summary = summary(&outcome);
    if args.json {
        let records = store::list_current_buckets(&store, account)
            .await
            .map_err(failed("could not read the buckets"))?;
        let buckets: Vec<_> = records.iter().map(BucketView::from_record).collect();
        println!("{}", serde_json::json!({ "buckets": buckets }));
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    let s = outcome.summary;
    if args.fail_on_noncompliant && (s.noncompliant > 0 || s.unknown > 0) {
        return Err(CliError::NonCompliant(format!(
            "{} buckets are non-compliant and {} could not be read (unknown)",
            s.noncompliant, s.unknown
        )));
    }
    if outcome.status == ScanStatus::Partial {
        let failed = outcome
            .parts
            .iter()
            .filter(|p| matches!(p.result, PartResult::Failed(_)))
            .count();
        return Err(CliError::refused(format!(
            "scan {} was partial: {failed} of {} accounts could not be scanned",
            outcome.scan,
            outcome.parts.len()
        )));
    }
    Ok(())
}

/// The account called `name`, which must be in the estate.
async fn active_account(store: &Store, name: &AccountName) -> Result<AccountId, CliError> {
    let account = store::find_account_by_name(store, name)
        .await
        .map_err(failed("could not read the accounts"))?;
    match account {
        Some(account) if account.removed_at.is_none() => Ok(account.id),
        Some(_) => Err(CliError::config(format!(
            "account {name} was removed; `oss-audit account add` brings it back"
        ))),
        None => Err(CliError::config(format!(
            "no account is called {name}; `oss-audit account list` shows them"
        ))),
    }
}

/// Runs one scan with a progress display, interrupting it cleanly on Ctrl-C.
pub(super) async fn scan_once(
    scanner: &Scanner,
    options: ScanOptions,
) -> Result<ScanOutcome, CliError> {
    let (sender, receiver) = watch::channel(ScanProgress::default());
    let display = progress::show(receiver);
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    let signals = tokio::spawn(async move {
        crate::startup::shutdown_signal().await;
        on_signal.cancel();
    });
    let result = scanner.run(options, sender, cancel).await;
    signals.abort();
    let _ = display.await;
    result.map_err(|e| CliError::failed("the scan did not complete", e))
}

/// The closing summary: one line for the scan, then one per account.
pub(super) fn summary(outcome: &ScanOutcome) -> String {
    let s = outcome.summary;
    let mut text = format!(
        "scan {} {} in {:.1} s: {} buckets, {} encrypted, {} unencrypted, {} unknown; {:.1}% compliant; {} changes recorded",
        outcome.scan,
        outcome.status,
        outcome.duration.as_secs_f64(),
        s.buckets,
        s.encrypted,
        s.unencrypted,
        s.unknown,
        percent(s.compliant, s.buckets),
        s.changes
    );
    if outcome.parts.len() > 1 || outcome.status != ScanStatus::Completed {
        for part in &outcome.parts {
            let line = match &part.result {
                PartResult::Completed(done) => {
                    let p = done.summary;
                    format!(
                        "{} buckets, {} unencrypted, {} unknown; {:.1}% compliant",
                        p.buckets,
                        p.unencrypted,
                        p.unknown,
                        percent(p.compliant, p.buckets)
                    )
                }
                PartResult::Failed(failure) => format!(
                    "FAILED {} (request id {}): {}",
                    failure.code.as_deref().unwrap_or("-"),
                    failure.request_id.as_deref().unwrap_or("none"),
                    failure.message
                ),
                PartResult::Interrupted => "interrupted".to_owned(),
            };
            text.push_str(&format!("\n  {}: {line}", part.account));
        }
    }
    text
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
