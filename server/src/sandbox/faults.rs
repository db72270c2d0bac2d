//! Fault injection: random 503 ServiceUnavailable and MetaOperationQpsLimitExceeded answers, and
//! forged bucket endpoints, as a tampered answer would name them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use rand::Rng as _;

use super::error::OssError;

/// The fault and throttle rates, each a probability in `0.0..=1.0`, changeable while serving.
/// Stored as `f64` bits in atomics so the hot path takes no lock.
#[derive(Debug)]
pub(crate) struct Faults {
    fault_rate: AtomicU64,
    throttle_rate: AtomicU64,
    /// Endpoints named falsely for some buckets.
    pub(crate) forged: ForgedEndpoints,
}

/// Bucket endpoints the sandbox names falsely, by bucket name: what a client would see if an
/// answer were tampered with on the way or forged, so that tests can check that it never sends a
/// request (its signature, its STS token) to such a host.
#[derive(Debug, Default)]
pub(crate) struct ForgedEndpoints {
    /// Shown as the bucket's `ExtranetEndpoint` and `IntranetEndpoint` in ListBuckets.
    listed: Mutex<HashMap<String, String>>,
    /// Named as the `Endpoint` of a wrong-region 403 answering every request for the bucket.
    redirects: Mutex<HashMap<String, String>>,
}

impl ForgedEndpoints {
    pub(crate) fn list(&self, bucket: &str, endpoint: &str) {
        lock(&self.listed).insert(bucket.to_owned(), endpoint.to_owned());
    }

    pub(crate) fn redirect(&self, bucket: &str, endpoint: &str) {
        lock(&self.redirects).insert(bucket.to_owned(), endpoint.to_owned());
    }

    /// Every forged ListBuckets endpoint (a copy: a page is written without holding the lock).
    pub(crate) fn listed(&self) -> HashMap<String, String> {
        lock(&self.listed).clone()
    }

    /// The endpoint a request for `bucket` is re-routed to, if forged.
    pub(crate) fn redirect_of(&self, bucket: &str) -> Option<String> {
        lock(&self.redirects).get(bucket).cloned()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Clamps a rate into `0.0..=1.0`; NaN counts as 0 (never inject).
pub(crate) fn clamp_rate(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

impl Faults {
    pub(crate) fn new(fault_rate: f64, throttle_rate: f64) -> Self {
        let faults = Self {
            fault_rate: AtomicU64::new(0),
            throttle_rate: AtomicU64::new(0),
            forged: ForgedEndpoints::default(),
        };
        faults.set_fault_rate(fault_rate);
        faults.set_throttle_rate(throttle_rate);
        faults
    }

    pub(crate) fn set_fault_rate(&self, rate: f64) {
        self.fault_rate
            .store(clamp_rate(rate).to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn set_throttle_rate(&self, rate: f64) {
        self.throttle_rate
            .store(clamp_rate(rate).to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn fault_rate(&self) -> f64 {
        f64::from_bits(self.fault_rate.load(Ordering::Relaxed))
    }

    pub(crate) fn throttle_rate(&self) -> f64 {
        f64::from_bits(self.throttle_rate.load(Ordering::Relaxed))
    }

    /// Draws the fault for one request, if any: first ServiceUnavailable with `fault_rate`, then,
    /// independently, MetaOperationQpsLimitExceeded with `throttle_rate`. A rate of 1.0 always
    /// fires and 0.0 never does (`random::<f64>()` lies in `[0, 1)`).
    pub(crate) fn draw(&self) -> Option<OssError> {
        let mut rng = rand::rng();
        if rng.random::<f64>() < self.fault_rate() {
            return Some(OssError::service_unavailable());
        }
        if rng.random::<f64>() < self.throttle_rate() {
            return Some(OssError::meta_qps_limit_exceeded());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_of_zero_and_one_are_exact() {
        let never = Faults::new(0.0, 0.0);
        assert!((0..1000).all(|_| never.draw().is_none()));
        let always = Faults::new(1.0, 0.0);
        assert!((0..100).all(|_| always.draw().map(|e| e.code) == Some("ServiceUnavailable")));
        let throttled = Faults::new(0.0, 1.0);
        assert!(
            (0..100)
                .all(|_| throttled.draw().map(|e| e.code) == Some("MetaOperationQpsLimitExceeded"))
        );
    }

    #[test]
    fn rates_are_clamped_and_nan_is_zero() {
        let faults = Faults::new(7.0, -1.0);
        assert_eq!((faults.fault_rate(), faults.throttle_rate()), (1.0, 0.0));
        faults.set_fault_rate(f64::NAN);
        assert_eq!(faults.fault_rate(), 0.0);
    }

    #[test]
    fn a_half_rate_fires_about_half_the_time() {
        let faults = Faults::new(0.5, 0.0);
        let fired = (0..4000).filter(|_| faults.draw().is_some()).count();
        assert!((1700..=2300).contains(&fired), "{fired}");
    }
}
