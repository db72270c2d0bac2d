//! `oss-audit revert CHANGE_ID | --remediation RUN_ID`: give buckets back the encryption they had
//! before a change or a whole run, or (`--dry-run`) print what that would do and its digest, which
//! `--plan-digest` binds the revert to.

use super::args::{DbArgs, HubArgs, OssArgs, StsArgs};
use super::change_tools::ChangeTools;
use super::{CliError, find_account, open};
use crate::actions::reverts::{
    self, BucketResult, Include, PlannedBucket, RevertError, RevertTarget, RevertView, Verdict,
};
use crate::domain::{ChangeId, EncryptionState, RunId};

/// Flags of `oss-audit revert`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["change", "remediation"])))]
pub struct RevertArgs {
    /// The audit-log entry to revert (its id, from the audit log).
    #[arg(value_parser = parse_change)]
    pub change: Option<ChangeId>,
    /// Revert a whole run instead: a remediation's run id, or an earlier revert's.
    #[arg(long, value_name = "RUN_ID", value_parser = parse_run)]
    pub remediation: Option<RunId>,
    /// Print the plan only; change nothing (needs only the database, no OSS credentials).
    #[arg(long)]
    pub dry_run: bool,
    /// The digest a dry run printed: the revert goes ahead only if the plan is still the same.
    #[arg(long, value_name = "DIGEST", conflicts_with = "dry_run")]
    pub plan_digest: Option<String>,
    /// Also restore buckets that changed again since the change (left alone otherwise).
    #[arg(long)]
    pub include_changed: bool,
    /// Print JSON (the shape of `POST /api/v1/reverts`) instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub oss: OssArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub hub: HubArgs,
    #[command(flatten)]
    pub sts: StsArgs,
}

fn parse_change(raw: &str) -> Result<ChangeId, String> {
    ChangeId::parse(raw).ok_or_else(|| format!("{raw:?} is not an audit-log entry id"))
}

fn parse_run(raw: &str) -> Result<RunId, String> {
    RunId::parse(raw).ok_or_else(|| format!("{raw:?} is not a run id"))
}

pub(super) async fn run(args: RevertArgs) -> Result<(), CliError> {
    let target = match (args.change, args.remediation) {
        (Some(change), None) => RevertTarget::Change(change),
        (None, Some(run)) => RevertTarget::Run(run),
        _ => return Err(CliError::config("give a CHANGE_ID or --remediation RUN_ID")),
    };
    let include = if args.include_changed {
        Include::All
    } else {
        Include::None
    };
    if args.dry_run {
        // A plan needs only the database: no OSS credentials.
        let store = open(&args.db).await?;
        let account = find_account(&store)
            .await?
            .ok_or_else(|| CliError::config("this database has no audit log yet"))?;
        let plan = reverts::plan(&store, account, target)
            .await
            .map_err(refusal)?;
        if args.json {
            println!("{}", to_json(&RevertView::of_plan(&plan, &include)));
            return Ok(());
        }
        println!("Revert {}", plan.describes);
        for bucket in &plan.buckets {
            let line = if include.restores(bucket) {
                format!("would restore  {}: {}", bucket.name, restoring(bucket))
            } else {
                format!("would leave    {}: {}", bucket.name, bucket.reason())
            };
            println!("  {line}");
        }
        let restored = plan.buckets.iter().filter(|b| include.restores(b)).count();
        println!(
            "Dry run: nothing was changed. {restored} would be restored, {} left alone. Plan digest {}.",
            plan.buckets.len() - restored,
            plan.digest
        );
        return Ok(());
    }
    let tools = ChangeTools::open(&args.oss, &args.db, &args.hub, &args.sts).await?;
    let changer = tools.changer();
    let report = reverts::revert(changer, target, &include, args.plan_digest.as_deref())
        .await
        .map_err(refusal)?;
    let counts = report.counts();
    if args.json {
        println!("{}", to_json(&RevertView::of_report(&report)));
    } else {
        println!("Revert {}", report.plan.describes);
        for (bucket, result) in report.plan.buckets.iter().zip(&report.results) {
            let line = match result {
                BucketResult::Restored { after } => {
                    format!("restored    {}: now {after}", bucket.name)
                }
                BucketResult::Failed {
                    code,
                    message,
                    request_id,
                } => format!(
                    "failed      {}: {code}: {message} (request id {})",
                    bucket.name,
                    request_id.as_deref().unwrap_or("none")
                ),
                BucketResult::LeftAlone => {
                    format!("left alone  {}: {}", bucket.name, bucket.reason())
                }
            };
            println!("  {line}");
        }
        let run = report.run.map_or_else(String::new, |run| {
            format!(" This revert is run {run}: `oss-audit revert --remediation {run}` undoes it.")
        });
        println!(
            "{} restored, {} failed, {} left alone.{run}",
            counts.changed, counts.failed, counts.left_alone
        );
    }
    if counts.failed > 0 {
        return Err(CliError::refused(format!(
            "OSS refused {} of the buckets to restore",
            counts.failed
        )));
    }
    Ok(())
}

/// What restoring `bucket` writes, in words.
fn restoring(bucket: &PlannedBucket) -> String {
    let to = match &bucket.restore {
        Some(EncryptionState::Encrypted(rule)) => format!("PutBucketEncryption {rule}"),
        _ => "no rule (DeleteBucketEncryption)".to_owned(),
    };
    let now = bucket
        .now
        .as_ref()
        .map_or_else(|| "nothing known".to_owned(), ToString::to_string);
    let changed = if bucket.verdict == Verdict::ChangedSince {
        " (changed since, included)"
    } else {
        ""
    };
    format!("{now} → {to}{changed}")
}

fn to_json(view: &RevertView) -> String {
    serde_json::to_string(view).unwrap_or_else(|_| "{}".to_owned())
}

/// A revert that was not made: an unknown id is a mistake in the input (exit 2), the rest are
/// refusals (exit 1).
fn refusal(err: RevertError) -> CliError {
    match err {
        RevertError::NoSuchChange(_) | RevertError::NoSuchRun(_) => CliError::config(err),
        RevertError::Store(_) => CliError::failed("could not read the audit log", err),
        _ => CliError::refused(err.to_string()),
    }
}
