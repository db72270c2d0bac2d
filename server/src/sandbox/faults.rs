//! Fault injection: random 503 ServiceUnavailable and MetaOperationQpsLimitExceeded answers.

use std::sync::atomic::{AtomicU64, Ordering};

use rand::Rng as _;

use super::error::OssError;

/// The fault and throttle rates, each a probability in `0.0..=1.0`, changeable while serving.
/// Stored as `f64` bits in atomics so the hot path takes no lock.
#[derive(Debug)]
pub(crate) struct Faults {
    fault_rate: AtomicU64,
    throttle_rate: AtomicU64,
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
