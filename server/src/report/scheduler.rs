//! Scheduled reports: a loop around one testable step, `run_due_report`, with a cursor in SQLite
//! so that occurrences missed while the server was down make one report at the next start.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use super::schedule::ReportSchedule;
use super::{CreatedReport, ReportError, ReportTrigger, create_report_in};
use crate::domain::AccountId;
use crate::store::{self, Store};

/// The longest the loop sleeps between checks, so a changed clock is noticed.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// What one step did.
#[derive(Debug)]
pub enum ReportStep {
    /// Scheduled reports are off; the cursor follows the clock so nothing counts as missed.
    Off,
    /// The first start with a schedule: the cursor starts now, so occurrences before oss-audit
    /// ran make no report.
    Started,
    /// Nothing due; the next occurrence.
    NotDue(Option<DateTime<Utc>>),
    /// One or more occurrences were due: one report was made.
    Created(CreatedReport),
    /// Due, but no scan has completed yet: the occurrence is passed over (logged).
    SkippedNoScan,
    /// Due, but this report already covers the latest scan and nothing changed since: no copy
    /// is made.
    SkippedNothingNew(crate::domain::ReportId),
}

/// Makes one report if at least one occurrence of `schedule` lies in (cursor, now], then moves the
/// cursor to `now`; the report and the cursor move commit together, so a crash can neither make
/// the report twice nor lose it. Safe to run twice: the second run finds nothing due.
pub async fn run_due_report(
    store: &Store,
    account: AccountId,
    schedule: &ReportSchedule,
    now: DateTime<Utc>,
) -> Result<ReportStep, ReportError> {
    let text = schedule.to_string();
    let mut tx = store.begin().await?;
    let cursor = store::find_report_schedule(&mut tx, account).await?;
    let step = match (schedule, cursor) {
        (ReportSchedule::Off, _) => ReportStep::Off,
        (_, None) => ReportStep::Started,
        (_, Some((checked, recorded))) if !schedule.is_due(checked, now) => {
            // The cursor stays where it is (nothing was handled); only the recorded schedule
            // follows a changed configuration.
            if recorded != text {
                store::put_report_schedule(&mut tx, account, checked, &text).await?;
            }
            tx.commit().await.map_err(store::StoreError::from)?;
            return Ok(ReportStep::NotDue(schedule.next_after(now)));
        }
        (_, Some(_)) => {
            let made = create_report_in(
                &mut tx,
                account,
                ReportTrigger::Schedule,
                "schedule",
                now,
                false,
            )
            .await;
            match made {
                Ok(created) => ReportStep::Created(created),
                Err(ReportError::NoCompletedScan) => ReportStep::SkippedNoScan,
                Err(ReportError::NothingNew { report, .. }) => {
                    ReportStep::SkippedNothingNew(report)
                }
                Err(err) => return Err(err),
            }
        }
    };
    store::put_report_schedule(&mut tx, account, now, &text).await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    Ok(step)
}

/// Runs `run_due_report` at every occurrence of `schedule` until `cancel` fires. When the
/// schedule is off it records that once and returns.
pub async fn run_report_scheduler(
    store: Store,
    account: AccountId,
    schedule: ReportSchedule,
    cancel: CancellationToken,
) {
    if schedule == ReportSchedule::Off {
        if let Err(err) = run_due_report(&store, account, &schedule, Utc::now()).await {
            tracing::error!(error = %err, "could not record that scheduled reports are off");
        }
        tracing::info!("scheduled reports are disabled (OSS_AUDIT_REPORT_SCHEDULE=off)");
        return;
    }
    tracing::info!(schedule = %schedule, "scheduled reports enabled");
    while !cancel.is_cancelled() {
        let now = Utc::now();
        let next = match run_due_report(&store, account, &schedule, now).await {
            Ok(ReportStep::Created(report)) => {
                tracing::info!(report.id = %report.id, digest = %report.digest, "scheduled report made");
                schedule.next_after(now)
            }
            Ok(ReportStep::SkippedNothingNew(report)) => {
                tracing::info!(report.id = %report,
                    "a scheduled report was due, but the latest report already covers everything; none was made");
                schedule.next_after(now)
            }
            Ok(ReportStep::SkippedNoScan) => {
                tracing::warn!(
                    "a scheduled report was due, but no scan has completed yet; it was skipped"
                );
                schedule.next_after(now)
            }
            Ok(ReportStep::NotDue(next)) => next,
            Ok(ReportStep::Started | ReportStep::Off) => schedule.next_after(now),
            Err(err) => {
                // Nothing moved: the report stays due and is tried again.
                tracing::error!(error = %err, "a scheduled report could not be made");
                None
            }
        };
        let sleep = next
            .and_then(|next| (next - Utc::now()).to_std().ok())
            .map_or(MAX_SLEEP, |wait| wait.min(MAX_SLEEP));
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = cancel.cancelled() => {}
        }
    }
}
