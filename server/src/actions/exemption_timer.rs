//! The exemption timer of `serve`: warns seven days before an exemption ends, and ends it at its
//! expiry, as close to the time as the clock allows. It sleeps until the next thing is due (at
//! most [`DEFAULT_TICK`]), and wakes early when an exemption is approved or revoked, or when a
//! test moves its clock.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::exemptions::{Exemptions, timer_bell};
use crate::domain::{AccountId, SharedClock};
use crate::store::Store;

/// The longest the timer sleeps without looking again (a clock that jumps, a database another
/// process changed).
pub const DEFAULT_TICK: Duration = Duration::from_secs(60);

/// Runs until `shutdown`: each round ends due exemptions, sends due warnings, then sleeps.
pub async fn run_exemption_timer(
    store: Store,
    hub: AccountId,
    clock: SharedClock,
    tick: Duration,
    shutdown: CancellationToken,
) {
    let steps = Exemptions {
        store: &store,
        hub,
        clock: clock.as_ref(),
    };
    loop {
        // Listening before the round, so a wake during it starts another round at once.
        let woken = timer_bell().notified();
        let mut woken = std::pin::pin!(woken);
        woken.as_mut().enable();
        let mut failed = false;
        if let Err(err) = steps.expire_due().await {
            tracing::error!(error = %err, "could not end the exemptions that expired");
            failed = true;
        }
        if let Err(err) = steps.warn_expiring().await {
            tracing::error!(error = %err, "could not warn of the exemptions that expire soon");
            failed = true;
        }
        let sleep = match steps.next_due().await {
            // What failed is still due: try again after a tick, not in a tight loop.
            Ok(_) if failed => tick,
            Ok(Some(at)) => (at - clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(tick),
            Ok(None) => tick,
            Err(err) => {
                tracing::error!(error = %err, "could not read when the next exemption is due");
                tick
            }
        };
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = woken => {}
            () = tokio::time::sleep(sleep.max(Duration::from_millis(10))) => {}
        }
    }
}
