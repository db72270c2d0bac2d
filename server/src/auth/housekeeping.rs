//! A timer that deletes expired sessions and sign-in attempts too old to count, so a flood of
//! failed sign-ins (which never reaches the sign-in that also cleans up) cannot grow the table
//! without end.

use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::sessions::{self, SessionLifetime};
use super::throttle::ThrottlePolicy;
use crate::store::{Store, StoreError};

/// How often the housekeeping runs unless configured otherwise.
pub const DEFAULT_HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// One round: expired sessions and old attempts go; returns how many of each.
pub async fn sweep(
    store: &Store,
    lifetime: &SessionLifetime,
    throttle: &ThrottlePolicy,
) -> Result<(u64, u64), StoreError> {
    let sessions = sessions::delete_expired(store, lifetime).await?;
    let attempts = throttle.prune(store, Utc::now()).await?;
    Ok((sessions, attempts))
}

/// Sweeps every `every` until `cancel` fires (the first round right away). A failed round is
/// logged; the next one tries again.
pub async fn run_housekeeping(
    store: Store,
    lifetime: SessionLifetime,
    throttle: ThrottlePolicy,
    every: Duration,
    cancel: CancellationToken,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match sweep(&store, &lifetime, &throttle).await {
            Ok((0, 0)) => {}
            Ok((sessions, attempts)) => {
                tracing::debug!(
                    sessions,
                    attempts,
                    "deleted expired sessions and old sign-in attempts"
                );
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not delete expired sessions or old sign-in attempts");
            }
        }
    }
}
