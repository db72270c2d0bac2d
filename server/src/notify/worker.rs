//! The delivery worker of `serve`: a loop around [`Deliverer::deliver_due`], woken when something
//! is queued in this process, when a retry falls due, or at the latest every poll interval (for
//! deliveries queued by another process, such as `oss-audit scan`).

use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::QUEUED;
use super::deliver::Deliverer;
use crate::store;

/// Delivers until `shutdown` fires. A send in flight at shutdown is abandoned; its lease expires
/// and the next start sends it again.
pub async fn run_worker(deliverer: Deliverer, shutdown: CancellationToken) {
    let poll = deliverer.config().timing.poll_interval;
    loop {
        // Registered before the pass, so an event queued during it wakes the next wait.
        let woken = QUEUED.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let pass = tokio::select! {
            pass = deliverer.deliver_due(Utc::now()) => pass,
            () = shutdown.cancelled() => return,
        };
        let wait = match pass {
            Ok(_) => until_next_due(&deliverer, poll).await,
            Err(err) => {
                tracing::error!(error = %err, "could not deliver notifications");
                poll
            }
        };
        tokio::select! {
            () = &mut woken => {}
            () = tokio::time::sleep(wait) => {}
            () = shutdown.cancelled() => return,
        }
    }
}

/// How long to sleep: until the next retry falls due, at most `poll`.
async fn until_next_due(deliverer: &Deliverer, poll: Duration) -> Duration {
    let next = store::find_next_delivery_due(deliverer.store())
        .await
        .ok()
        .flatten();
    next.map_or(poll, |due| {
        (due - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(poll)
    })
}
