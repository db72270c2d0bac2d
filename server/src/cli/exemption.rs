//! `oss-audit exemption request|approve|revoke|list`: exemptions from a shell (needs no OSS
//! credentials). The shell's user (`cli:$USER`) acts as an admin, as for every other command;
//! four eyes still hold: the user who requested cannot approve.

use chrono::{DateTime, Utc};

use super::{CliError, failed, find_account};
use crate::actions::exemptions::{ExemptionInput, ExemptionStepError, Exemptions};
use crate::domain::{
    Access, AccountName, Actor, BucketPattern, ExemptionId, ExemptionReason, ExemptionStatus,
    Region, Role, SystemClock, parse_expiry,
};
use crate::store::{self, ExemptionRecord, Store};
use crate::view::ExemptionView;

/// `oss-audit exemption ...`
#[derive(Debug, clap::Subcommand)]
pub enum ExemptionCommand {
    /// Request an exemption: it changes nothing until a different admin approves it.
    Request {
        /// A bucket name, or a name pattern with `*` wildcards, e.g. `cdn-*`.
        buckets: String,
        /// Why the buckets may stay as they are.
        #[arg(long)]
        reason: String,
        /// When it ends: RFC 3339 or YYYY-MM-DD (midnight UTC), at most 365 days ahead.
        #[arg(long = "expires", value_parser = expiry)]
        expires: DateTime<Utc>,
        /// Only this account's buckets.
        #[arg(long)]
        account: Option<AccountName>,
        /// Only buckets in this region, e.g. cn-hangzhou.
        #[arg(long)]
        region: Option<Region>,
    },
    /// Approve a requested exemption (not one you requested yourself).
    Approve {
        /// The exemption's id.
        #[arg(value_parser = exemption_id)]
        id: ExemptionId,
    },
    /// Revoke an exemption, or refuse a request: its buckets are judged by the policy again.
    Revoke {
        /// The exemption's id.
        #[arg(value_parser = exemption_id)]
        id: ExemptionId,
    },
    /// List exemptions, newest first.
    List {
        /// Only those in this status: requested, approved, revoked or expired.
        #[arg(long, value_parser = status)]
        status: Option<ExemptionStatus>,
        /// Print them as JSON (`{"exemptions":[...]}`).
        #[arg(long)]
        json: bool,
    },
}

fn expiry(raw: &str) -> Result<DateTime<Utc>, String> {
    parse_expiry(raw).map_err(|e| e.to_string())
}

fn status(raw: &str) -> Result<ExemptionStatus, String> {
    ExemptionStatus::parse(raw)
        .ok_or_else(|| "expected requested, approved, revoked or expired".to_owned())
}

fn exemption_id(raw: &str) -> Result<ExemptionId, String> {
    ExemptionId::parse(raw).ok_or_else(|| format!("{raw:?} is not an exemption id"))
}

pub(super) async fn run(store: Store, command: ExemptionCommand) -> Result<(), CliError> {
    let hub = find_account(&store).await?.ok_or_else(|| {
        CliError::refused("the database has no accounts yet: run a scan or start the server first")
    })?;
    let steps = Exemptions {
        store: &store,
        hub,
        clock: &SystemClock,
    };
    let actor = Actor::cli();
    match command {
        ExemptionCommand::Request {
            buckets,
            reason,
            expires,
            account,
            region,
        } => {
            let input = ExemptionInput {
                pattern: BucketPattern::parse(&buckets).map_err(CliError::config)?,
                account,
                region,
                reason: ExemptionReason::parse(&reason).map_err(CliError::config)?,
                expires_at: expires,
            };
            let made = steps
                .request(&input, &actor, &Access::everywhere(Role::Admin))
                .await
                .map_err(step_error)?;
            println!(
                "exemption {} of {} requested by {actor}; a different admin must approve it",
                made.id, made.pattern
            );
        }
        ExemptionCommand::Approve { id } => {
            let made = steps
                .approve(id, &actor, Role::Admin)
                .await
                .map_err(step_error)?;
            println!(
                "exemption {} approved: {} bucket(s) exempt until {}",
                made.id,
                made.buckets,
                crate::view::rfc3339(made.expires_at)
            );
        }
        ExemptionCommand::Revoke { id } => {
            let made = steps
                .revoke(id, &actor, Role::Admin)
                .await
                .map_err(step_error)?;
            println!(
                "exemption {} revoked: its buckets are judged by the policy again",
                made.id
            );
        }
        ExemptionCommand::List { status, json } => {
            let records = store::list_exemptions(&store, status)
                .await
                .map_err(failed("could not read the exemptions"))?;
            print_list(&records, json);
        }
    }
    Ok(())
}

fn step_error(err: ExemptionStepError) -> CliError {
    match err {
        ExemptionStepError::Store(e) => CliError::failed("the exemption could not be changed", e),
        ExemptionStepError::FourEyes(_) | ExemptionStepError::NotOperator => {
            CliError::refused(err.to_string())
        }
        other => CliError::config(other),
    }
}

fn print_list(records: &[ExemptionRecord], json: bool) {
    let views: Vec<ExemptionView> = records.iter().map(ExemptionView::new).collect();
    if json {
        println!("{}", serde_json::json!({ "exemptions": views }));
        return;
    }
    println!(
        "{:<5} {:<10} {:<24} {:<21} {:<8} {:<16} {:<16} REASON",
        "ID", "STATUS", "BUCKETS", "EXPIRES", "EXEMPT", "REQUESTED BY", "APPROVED BY"
    );
    for v in &views {
        let scope = match (&v.account, &v.region) {
            (None, None) => v.buckets.clone(),
            (a, r) => format!(
                "{} ({})",
                v.buckets,
                [a.as_deref(), r.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        println!(
            "{:<5} {:<10} {:<24} {:<21} {:<8} {:<16} {:<16} {}",
            v.id,
            v.status,
            scope,
            v.expires_at,
            v.exempt_buckets,
            v.requested_by,
            v.approved_by.as_deref().unwrap_or("-"),
            v.reason
        );
    }
}
