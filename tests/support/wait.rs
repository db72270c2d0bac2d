//! Waiting for what happens in the background (a scan, a delivery, a request), with one deadline.

use std::fmt::Display;
use std::time::Duration;

/// How long anything a test waits for may take before the test fails: generous, because it only
/// bounds a hang; no test measures time with it.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Polls `check` until it returns `Some`, and returns what it found; fails the test, saying
/// `what` was awaited, after [`DEADLINE`].
pub async fn until<T>(what: impl Display, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited {DEADLINE:?} for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
