//! `oss-audit scan`: one scan, stored, summarised; a gate for pipelines.

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::args::{DbArgs, OssArgs};
use super::policy::{PolicyArgs, apply_from_args};
use super::{CliError, open_account, progress};
use crate::domain::{AccountId, Trigger};
use crate::oss::OssClient;
use crate::scan::{ScanOptions, ScanOutcome, ScanProgress, Scanner};
use crate::store::{self, Store};
use crate::view::BucketView;

/// Flags of `oss-audit scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Print every bucket as JSON (`{"buckets":[...]}`) on stdout; the summary goes to stderr.
    #[arg(long)]
    pub json: bool,
    /// Exit with code 3 when any bucket is non-compliant or unknown.
    #[arg(long)]
    pub fail_on_noncompliant: bool,
    #[command(flatten)]
    pub oss: OssArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub pace: PaceArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// How hard a scan may push OSS.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct PaceArgs {
    /// Bucket reads in flight at once.
    #[arg(long, env = "OSS_AUDIT_SCAN_CONCURRENCY", default_value_t = crate::scan::DEFAULT_CONCURRENCY,
          value_parser = parse_concurrency)]
    pub concurrency: usize,
    /// At most this many OSS requests per second (0: unlimited); throttling lowers it further.
    #[arg(long, env = "OSS_AUDIT_MAX_RPS", default_value_t = crate::scan::DEFAULT_MAX_RPS)]
    pub max_rps: u32,
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
    let (store, account) = open_account(&args.db, client.config().endpoint.as_str()).await?;
    apply_from_args(&store, account, &args.policy).await?;
    let outcome = scan_once(
        client,
        store.clone(),
        account,
        args.pace.concurrency,
        Trigger::Cli,
    )
    .await?;
    let summary_line = summary(&outcome);
    if args.json {
        let records = store::list_current_buckets(&store, account)
            .await
            .map_err(|e| CliError::failed("could not read the buckets", e))?;
        let buckets: Vec<_> = records.iter().map(BucketView::from_record).collect();
        println!("{}", serde_json::json!({ "buckets": buckets }));
        eprintln!("{summary_line}");
    } else {
        println!("{summary_line}");
    }
    let s = outcome.summary;
    if args.fail_on_noncompliant && (s.noncompliant > 0 || s.unknown > 0) {
        return Err(CliError::NonCompliant(format!(
            "{} buckets are non-compliant and {} could not be read (unknown)",
            s.noncompliant, s.unknown
        )));
    }
    Ok(())
}

/// Runs one scan with a progress display, interrupting it cleanly on Ctrl-C.
pub(super) async fn scan_once(
    client: OssClient,
    store: Store,
    account: AccountId,
    concurrency: usize,
    trigger: Trigger,
) -> Result<ScanOutcome, CliError> {
    let scanner = Scanner::new(client, store, account);
    let (sender, receiver) = watch::channel(ScanProgress::default());
    let display = progress::show(receiver);
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    let signals = tokio::spawn(async move {
        crate::startup::shutdown_signal().await;
        on_signal.cancel();
    });
    let options = ScanOptions {
        concurrency,
        trigger,
    };
    let result = scanner.run(options, sender, cancel).await;
    signals.abort();
    let _ = display.await;
    result.map_err(|e| CliError::failed("the scan did not complete", e))
}

/// The closing summary line.
pub(super) fn summary(outcome: &ScanOutcome) -> String {
    let s = outcome.summary;
    let compliant = if s.buckets == 0 {
        100.0
    } else {
        s.compliant as f64 * 100.0 / s.buckets as f64
    };
    format!(
        "scan {} completed in {:.1} s: {} buckets, {} encrypted, {} unencrypted, {} unknown; {compliant:.1}% compliant; {} changes recorded",
        outcome.scan,
        outcome.duration.as_secs_f64(),
        s.buckets,
        s.encrypted,
        s.unencrypted,
        s.unknown,
        s.changes
    )
}
