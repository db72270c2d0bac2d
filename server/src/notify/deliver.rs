//! One delivery pass: claim the due deliveries, send them (a few at a time, each with a timeout),
//! and record each outcome — delivered, due again after a backoff, or failed for good.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use rand::Rng as _;

use super::config::DeliveryConfig;
use super::send::{SendFailure, send};
use crate::store::{self, ClaimedDelivery, Store, StoreError};

/// Deliveries claimed per transaction.
const BATCH: i64 = 32;
/// Requests to receivers in flight at once: one slow receiver must not hold up the others.
const IN_FLIGHT: usize = 8;
/// How long past its timeout a claimed delivery stays leased before another pass may retry it
/// (a sender that died mid-request).
const LEASE_MARGIN: Duration = Duration::from_secs(60);

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub delivered: u64,
    /// Failed attempts that will be retried.
    pub retrying: u64,
    /// Deliveries that failed for good (last attempt, or a refusal no retry can fix).
    pub failed: u64,
}

impl Pass {
    /// Whether the pass sent anything.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Sends queued notifications.
#[derive(Debug, Clone)]
pub struct Deliverer {
    store: Store,
    http: reqwest::Client,
    config: DeliveryConfig,
}

impl Deliverer {
    /// A deliverer with its own HTTP client (system proxy variables are honoured: chat services
    /// are often reached through a proxy). Host names resolve to public addresses only (see
    /// [`ReceiverPolicy::resolver`](super::ReceiverPolicy::resolver)), so the address a request
    /// connects to is one that was checked.
    pub fn new(store: Store, config: DeliveryConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.timing.request_timeout.min(Duration::from_secs(10)))
            // A receiver answering with a redirect would get the signed body elsewhere, and could
            // point the request at an internal address the guard never saw.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(config.receivers.resolver())
            .build()?;
        Ok(Self {
            store,
            http,
            config,
        })
    }

    /// The store it delivers from.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings it delivers with.
    pub fn config(&self) -> &DeliveryConfig {
        &self.config
    }

    /// Sends every delivery due at `now` (batch after batch, until none is due), and records the
    /// outcomes. Safe to run concurrently with itself: claims are taken in write transactions.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> Result<Pass, StoreError> {
        let mut pass = Pass::default();
        let lease = chrono::Duration::from_std(self.config.timing.request_timeout + LEASE_MARGIN)
            .unwrap_or_else(|_| chrono::Duration::hours(1));
        loop {
            let claimed = {
                let mut tx = self.store.begin().await?;
                let claimed = store::claim_due_deliveries(&mut tx, now, now + lease, BATCH).await?;
                tx.commit().await?;
                claimed
            };
            let full = claimed.len() as i64 == BATCH;
            let outcomes: Vec<(ClaimedDelivery, Result<(), SendFailure>)> = stream::iter(claimed)
                .map(|delivery| async move {
                    let outcome = send(&self.http, &self.config, &delivery).await;
                    (delivery, outcome)
                })
                .buffer_unordered(IN_FLIGHT)
                .collect()
                .await;
            for (delivery, outcome) in outcomes {
                self.record(&delivery, outcome, now, &mut pass).await?;
            }
            if !full {
                return Ok(pass);
            }
        }
    }

    async fn record(
        &self,
        delivery: &ClaimedDelivery,
        outcome: Result<(), SendFailure>,
        now: DateTime<Utc>,
        pass: &mut Pass,
    ) -> Result<(), StoreError> {
        match outcome {
            Ok(()) => {
                store::mark_delivery_delivered(&self.store, delivery.id, now).await?;
                pass.delivered += 1;
                tracing::info!(
                    delivery.id = %delivery.id,
                    target.name = %delivery.target.name,
                    event = %delivery.event_type,
                    attempts = delivery.attempts,
                    "notification delivered"
                );
            }
            Err(failure) => {
                let last = failure.permanent
                    || delivery.attempts >= i64::from(self.config.timing.max_attempts);
                let retry_at = (!last).then(|| {
                    now + chrono::Duration::from_std(backoff(&self.config, delivery.attempts))
                        .unwrap_or_else(|_| chrono::Duration::hours(1))
                });
                store::mark_delivery_failed_attempt(
                    &self.store,
                    delivery.id,
                    &failure.message,
                    now,
                    retry_at,
                )
                .await?;
                if last {
                    pass.failed += 1;
                } else {
                    pass.retrying += 1;
                }
                tracing::warn!(
                    delivery.id = %delivery.id,
                    target.name = %delivery.target.name,
                    event = %delivery.event_type,
                    attempts = delivery.attempts,
                    error = %failure.message,
                    retry = !last,
                    "notification not delivered"
                );
            }
        }
        Ok(())
    }
}

/// The wait after `failed_attempts` failures: the base doubled per earlier failure, capped, with
/// "equal jitter" (half fixed, half random) so receivers that come back are not hit by every
/// queued delivery at once.
pub fn backoff(config: &DeliveryConfig, failed_attempts: i64) -> Duration {
    let doublings = u32::try_from(failed_attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let full = config
        .timing
        .retry_base
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(config.timing.retry_max);
    let half = full / 2;
    let jitter = rand::rng().random_range(0..=half.as_millis().min(u128::from(u64::MAX)) as u64);
    half + Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        let mut config = DeliveryConfig::new(url::Url::parse("http://127.0.0.1:3000").unwrap());
        config.timing.retry_base = Duration::from_secs(30);
        config.timing.retry_max = Duration::from_secs(3600);
        for (failures, full) in [(1, 30), (2, 60), (3, 120), (8, 3600), (40, 3600)] {
            let full = Duration::from_secs(full);
            for _ in 0..50 {
                let wait = backoff(&config, failures);
                assert!(wait >= full / 2 && wait <= full, "{failures}: {wait:?}");
            }
        }
    }
}
