//! A request-rate limit that halves on throttling and climbs back (AIMD-like), so a scan never
//! keeps pushing an account that OSS is already throttling.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The lowest rate the limiter falls to, requests per second.
const MIN_RATE: f64 = 5.0;
/// After a throttling answer, further ones within this window do not halve the rate again: they
/// were sent at the old rate.
const COOL_DOWN: Duration = Duration::from_secs(1);
/// Without throttling, the rate grows by `RAISE_FACTOR` every `RAISE_EVERY` (about 2.6x a second).
const RAISE_EVERY: Duration = Duration::from_millis(100);
const RAISE_FACTOR: f64 = 1.1;

/// Paces requests to at most `rate` per second; the rate adapts to throttling answers.
#[derive(Debug)]
pub struct RateLimiter {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The configured limit; `None` is unlimited.
    ceiling: Option<f64>,
    /// The current limit; `None` while unlimited and not throttled.
    rate: Option<f64>,
    next_slot: Instant,
    last_cut: Option<Instant>,
    last_raise: Instant,
    /// Requests started in the current one-second window, and the rate of the last full window:
    /// what "half the current rate" means while unlimited.
    window_start: Instant,
    window_count: u32,
    observed_rate: f64,
}

impl RateLimiter {
    /// A limiter of at most `max_rps` requests per second; `0` is unlimited (until throttled).
    pub fn new(max_rps: u32) -> Self {
        let ceiling = (max_rps > 0).then_some(f64::from(max_rps));
        Self {
            state: Mutex::new(State::new(ceiling)),
        }
    }

    /// Waits for the next slot.
    pub async fn acquire(&self) {
        let wait = {
            let mut state = self.lock();
            let now = Instant::now();
            state.count(now);
            match state.rate {
                None => Duration::ZERO,
                Some(rate) => {
                    let slot = state.next_slot.max(now);
                    state.next_slot = slot + Duration::from_secs_f64(1.0 / rate);
                    slot - now
                }
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// OSS said "slow down": halve the rate (once per cool-down).
    pub fn on_throttled(&self) {
        self.lock().cut(Instant::now());
    }

    /// A request succeeded: climb back towards the ceiling.
    pub fn on_success(&self) {
        self.lock().raise(Instant::now());
    }

    /// The current limit in requests per second (`None`: unlimited).
    pub fn current_rate(&self) -> Option<f64> {
        self.lock().rate
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state invalid; keep going.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl State {
    /// Limited to `ceiling` (`None`: unlimited), with nothing sent or throttled yet.
    fn new(ceiling: Option<f64>) -> Self {
        let now = Instant::now();
        Self {
            ceiling,
            rate: ceiling,
            next_slot: now,
            last_cut: None,
            last_raise: now,
            window_start: now,
            window_count: 0,
            observed_rate: 0.0,
        }
    }

    fn count(&mut self, now: Instant) {
        let elapsed = now.duration_since(self.window_start);
        if elapsed >= Duration::from_secs(1) {
            self.observed_rate = f64::from(self.window_count) / elapsed.as_secs_f64();
            self.window_start = now;
            self.window_count = 0;
        }
        self.window_count += 1;
    }

    fn cut(&mut self, now: Instant) {
        if self
            .last_cut
            .is_some_and(|at| now.duration_since(at) < COOL_DOWN)
        {
            return;
        }
        let current = self.rate.unwrap_or_else(|| {
            // Unlimited so far: half of what we were actually sending.
            let window = now
                .duration_since(self.window_start)
                .as_secs_f64()
                .max(0.05);
            self.observed_rate
                .max(f64::from(self.window_count) / window)
        });
        let cut = (current / 2.0).max(MIN_RATE);
        tracing::warn!(
            from_rps = current as u64,
            to_rps = cut as u64,
            "OSS is throttling; lowering the request rate"
        );
        self.rate = Some(cut);
        self.last_cut = Some(now);
        self.last_raise = now;
    }

    fn raise(&mut self, now: Instant) {
        let Some(rate) = self.rate else { return };
        if now.duration_since(self.last_raise) < RAISE_EVERY {
            return;
        }
        self.last_raise = now;
        let raised = rate * RAISE_FACTOR;
        self.rate = match self.ceiling {
            Some(ceiling) => Some(raised.min(ceiling)),
            // Unlimited by configuration: once well past the rate throttling began at, lift the limit.
            None if raised > 4.0 * self.observed_rate.max(MIN_RATE) => None,
            None => Some(raised),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_halves_the_rate_once_per_cool_down_and_success_recovers_it() {
        let mut state = State::new(Some(200.0));
        let t0 = Instant::now();
        state.cut(t0);
        assert_eq!(state.rate, Some(100.0));
        state.cut(t0 + Duration::from_millis(300));
        assert_eq!(
            state.rate,
            Some(100.0),
            "a burst of throttling answers cuts once"
        );
        state.raise(t0 + Duration::from_millis(50));
        assert_eq!(state.rate, Some(100.0), "no raise right after a cut");
        for step in 1..=100 {
            state.raise(t0 + RAISE_EVERY * step);
        }
        assert_eq!(
            state.rate,
            Some(200.0),
            "recovers up to the ceiling, not beyond"
        );
        state.cut(t0 + Duration::from_secs(20));
        assert_eq!(state.rate, Some(100.0), "a later burst cuts again");
    }

    #[test]
    fn an_unlimited_limiter_limits_at_half_the_observed_rate_then_lifts_the_limit() {
        let mut state = State::new(None);
        let t0 = Instant::now();
        state.observed_rate = 400.0;
        state.cut(t0);
        assert_eq!(state.rate, Some(200.0));
        for step in 1..=200 {
            state.raise(t0 + RAISE_EVERY * step);
        }
        assert_eq!(state.rate, None);
    }

    #[test]
    fn the_rate_never_falls_below_the_floor() {
        let mut state = State::new(Some(6.0));
        let t0 = Instant::now();
        for n in 0..10 {
            state.cut(t0 + COOL_DOWN * n);
        }
        assert_eq!(state.rate, Some(MIN_RATE));
    }

    #[tokio::test]
    async fn paces_requests_to_the_rate() {
        let limiter = RateLimiter::new(100);
        let started = Instant::now();
        for _ in 0..21 {
            limiter.acquire().await;
        }
        // 21 slots at 100/s: the last one starts 200 ms after the first.
        assert!(
            started.elapsed() >= Duration::from_millis(190),
            "{:?}",
            started.elapsed()
        );
    }
}
