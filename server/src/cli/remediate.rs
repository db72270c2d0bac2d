//! `oss-audit remediate [--bucket NAME]...`: encrypt every readable non-compliant bucket (or the
//! buckets named) with its rule's remediation target, or (`--dry-run`) print the plan and its
//! digest; a run needs that `--plan-digest` (and changes nothing if the plan changed since) or
//! `--force`.

use super::args::{DbArgs, HubArgs, OssArgs, StsArgs};
use super::change_tools::ChangeTools;
use super::{CliError, find_account, open};
use crate::actions::remediation::{
    Confirmation, Plan, RemediationError, Selection, plan, remediate,
};
use crate::domain::BucketName;

/// Flags of `oss-audit remediate`.
#[derive(Debug, clap::Args)]
pub struct RemediateArgs {
    /// Only this bucket (repeat for more); without it, every readable non-compliant bucket.
    /// Named buckets already compliant or exempt are left alone unless --force.
    #[arg(long = "bucket", value_name = "NAME", value_parser = parse_bucket)]
    pub buckets: Vec<BucketName>,
    /// Print the plan and its digest only; change nothing (needs only the database).
    #[arg(long, conflicts_with = "plan_digest")]
    pub dry_run: bool,
    /// The digest a dry run printed: the run goes ahead only if the plan is still the same.
    #[arg(long, value_name = "DIGEST")]
    pub plan_digest: Option<String>,
    /// Run whatever the plan is now, and change named buckets even when already compliant or
    /// exempt.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub oss: OssArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub hub: HubArgs,
    #[command(flatten)]
    pub sts: StsArgs,
}

fn parse_bucket(raw: &str) -> Result<BucketName, String> {
    BucketName::parse(raw).map_err(|e| format!("{raw:?} is not a bucket name: {e}"))
}

pub(super) async fn run(args: RemediateArgs) -> Result<(), CliError> {
    let selection = if args.buckets.is_empty() {
        Selection::AllNonCompliant
    } else {
        Selection::Named {
            buckets: args.buckets.clone(),
            force: args.force,
        }
    };
    if args.dry_run {
        // A plan needs only the database: no OSS credentials.
        let store = open(&args.db).await?;
        let hub = find_account(&store)
            .await?
            .ok_or_else(|| CliError::config("this database has no scan yet"))?;
        let planned = plan(&store, hub, &selection)
            .await
            .map_err(|e| CliError::failed("could not read the inventory", e))?;
        print_plan(&planned);
        println!(
            "Dry run: nothing was changed. {} would be encrypted, {} left alone. Plan digest {}.",
            planned.steps.len(),
            planned.skipped.len(),
            planned.digest
        );
        return Ok(());
    }
    let confirmation = match (args.plan_digest, args.force) {
        (Some(digest), _) => Confirmation::Digest(digest),
        (None, true) => Confirmation::Force,
        (None, false) => {
            return Err(CliError::config(
                "say which plan to run: --plan-digest from a --dry-run, or --force",
            ));
        }
    };
    let tools = ChangeTools::open(&args.oss, &args.db, &args.hub, &args.sts).await?;
    let changer = tools.changer();
    let (planned, report) = match remediate(changer, &selection, &confirmation).await {
        Ok(done) => done,
        Err(RemediationError::Stale { current }) => {
            return Err(CliError::refused(format!(
                "nothing was changed: the buckets, their states or the remediation target changed since the dry run; its plan digest is now {}",
                current.digest
            )));
        }
        Err(RemediationError::Store(e)) => {
            return Err(CliError::failed("could not read the inventory", e));
        }
    };
    for name in &report.remediated {
        println!("  encrypted   {name}");
    }
    for failure in &report.failed {
        println!("  failed      {}: {}", failure.name, failure.error);
    }
    for skipped in &planned.skipped {
        println!("  left alone  {}: {}", skipped.name, skipped.reason);
    }
    let run = report.run.map_or_else(String::new, |run| {
        format!(" This remediation is run {run}: `oss-audit revert --remediation {run}` undoes it.")
    });
    println!(
        "{} encrypted with {}, {} failed, {} left alone.{run}",
        report.remediated.len(),
        planned.target,
        report.failed.len(),
        planned.skipped.len()
    );
    if !report.failed.is_empty() {
        return Err(CliError::refused(format!(
            "{} of the buckets could not be encrypted",
            report.failed.len()
        )));
    }
    Ok(())
}

/// The plan, a line per bucket: what it gets, or why it is left alone.
fn print_plan(plan: &Plan) {
    println!("Remediate with {}", plan.target);
    for step in &plan.steps {
        let account = step.account.as_ref().map_or("-", |a| a.as_str());
        println!(
            "  would encrypt  {} ({account}) → {}",
            step.name, step.target
        );
    }
    for skipped in &plan.skipped {
        println!(
            "  would leave    {} ({}): {}",
            skipped.name, skipped.account, skipped.reason
        );
    }
}
