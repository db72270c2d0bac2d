//! The scheduler: a loop around one testable step, `run_due_scan`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::{ScanError, ScanOptions, ScanOutcome, ScanProgress, Scanner};
use crate::domain::Trigger;
use crate::store::{self, Store, StoreError};

/// The longest the loop sleeps between checks, so a scan started elsewhere or a changed clock is
/// noticed.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// What one step did.
#[derive(Debug)]
pub enum Step {
    /// A scan ran (completed, or ended with the error).
    Ran(Result<ScanOutcome, ScanError>),
    /// Nothing is due yet; the next scan is due after this long.
    NotDue(Duration),
}

/// How long until a scan is due, given when the last finished scan started: due when it is older
/// than `interval`. Measuring from the last scan (not from process start) means a restart does not
/// rescan needlessly, and a long outage catches up with one scan, not many.
pub fn due_in(
    last_started: Option<DateTime<Utc>>,
    interval: Duration,
    now: DateTime<Utc>,
) -> Duration {
    let Some(last) = last_started else {
        return Duration::ZERO;
    };
    let age = (now - last).to_std().unwrap_or(Duration::ZERO);
    interval.saturating_sub(age)
}

/// Runs a scan of the whole estate if one is due, paced as `pace` says.
pub async fn run_due_scan(
    scanner: &Scanner,
    store: &Store,
    interval: Duration,
    pace: ScanOptions,
    progress: watch::Sender<ScanProgress>,
    cancel: CancellationToken,
) -> Result<Step, StoreError> {
    let last = store::find_latest_finished_scan(store).await?;
    let wait = due_in(last.map(|s| s.started_at), interval, Utc::now());
    if !wait.is_zero() {
        return Ok(Step::NotDue(wait));
    }
    let options = ScanOptions {
        trigger: Trigger::Schedule,
        account: None,
        ..pace
    };
    Ok(Step::Ran(scanner.run(options, progress, cancel).await))
}

/// Runs scans every `interval` until `cancel` fires. A disabled schedule (`interval` zero) returns
/// at once.
pub async fn run_scheduler(
    scanner: Scanner,
    store: Store,
    interval: Duration,
    pace: ScanOptions,
    progress: watch::Sender<ScanProgress>,
    cancel: CancellationToken,
) {
    if interval.is_zero() {
        tracing::info!("scheduled scans are disabled (OSS_AUDIT_SCAN_INTERVAL=0)");
        return;
    }
    tracing::info!(interval = %humantime::format_duration(interval), "scheduled scans enabled");
    while !cancel.is_cancelled() {
        let sleep = match run_due_scan(
            &scanner,
            &store,
            interval,
            pace,
            progress.clone(),
            cancel.clone(),
        )
        .await
        {
            Ok(Step::NotDue(wait)) => wait.min(MAX_SLEEP),
            Ok(Step::Ran(Ok(_))) => Duration::ZERO,
            Ok(Step::Ran(Err(ScanError::AlreadyRunning(id)))) => {
                tracing::info!(scan.id = %id, "a scan is already running; the schedule waits for it");
                MAX_SLEEP
            }
            // The failure is recorded with the scan; the next try comes after the interval.
            Ok(Step::Ran(Err(_))) => Duration::ZERO,
            Err(err) => {
                tracing::error!(error = %err, "the scheduler could not read the database");
                MAX_SLEEP
            }
        };
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = cancel.cancelled() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_is_due_when_the_last_is_older_than_the_interval() {
        let now = Utc::now();
        let hour = Duration::from_secs(3600);
        assert_eq!(due_in(None, hour, now), Duration::ZERO);
        let recent = now - chrono::Duration::minutes(20);
        assert_eq!(
            due_in(Some(recent), hour, now),
            Duration::from_secs(40 * 60)
        );
        // A week-long outage catches up with one scan now, not 168.
        let long_ago = now - chrono::Duration::days(7);
        assert_eq!(due_in(Some(long_ago), hour, now), Duration::ZERO);
        // A clock that went backwards does not postpone forever.
        let future = now + chrono::Duration::minutes(5);
        assert_eq!(due_in(Some(future), hour, now), hour);
    }
}
