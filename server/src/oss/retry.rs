//! When and how long to wait before trying an OSS request again.

use std::time::Duration;

use rand::Rng;

use super::OssError;

/// Bounded retries with exponential backoff and full jitter, as the official v2 SDKs do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (at least 1).
    pub max_attempts: u32,
    /// The backoff before the first retry is drawn from `[0, base_delay)`, then doubles.
    pub base_delay: Duration,
    /// No single wait is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// OSS codes that mean "slow down", whatever their HTTP status.
pub const THROTTLING_CODES: [&str; 4] = [
    "MetaOperationQpsLimitExceeded",
    "TotalQpsLimitExceeded",
    "QpsLimitExceeded",
    "ActiveRequestLimitExceeded",
];

/// Whether an error says OSS is throttling us (the scanner lowers its rate on these).
pub fn is_throttling(err: &OssError) -> bool {
    match err.service() {
        Some(e) => e.status == 429 || THROTTLING_CODES.contains(&e.code.as_str()),
        None => false,
    }
}

/// Whether trying again may succeed: 5xx, 408, 429, throttling codes, timeouts and connection
/// errors. Other 4xx answers (denied, invalid, missing) will not change by asking again.
pub fn is_retryable(err: &OssError) -> bool {
    match err {
        OssError::Service(e) => {
            e.status >= 500 || e.status == 408 || e.status == 429 || is_throttling(err)
        }
        OssError::Transport { .. } => true,
        // A proxy's HTML error page or a cut-off body is a transient fault more often than not.
        OssError::MalformedResponse { status, .. } => *status >= 500 || *status == 429,
        // The provider retries its own service; asking it again at once would repeat its answer.
        OssError::ResponseTooLarge { .. }
        | OssError::Config(_)
        | OssError::Credentials(_)
        | OssError::UntrustedEndpoint { .. } => false,
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first retry): uniform in `[0, cap)` where
    /// `cap = min(base * 2^(retry-1), max)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = 2u32.saturating_pow(retry.saturating_sub(1));
        let cap = self.base_delay.saturating_mul(exp).min(self.max_delay);
        if cap.is_zero() {
            return Duration::ZERO;
        }
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oss::ServiceError;

    fn service(status: u16, code: &str) -> OssError {
        ServiceError {
            status,
            code: code.into(),
            message: String::new(),
            request_id: None,
            host_id: None,
            ec: None,
            endpoint: None,
        }
        .into()
    }

    #[test]
    fn retries_server_errors_and_throttling_only() {
        assert!(is_retryable(&service(503, "ServiceUnavailable")));
        assert!(is_retryable(&service(500, "InternalError")));
        assert!(is_retryable(&service(429, "QpsLimitExceeded")));
        assert!(is_retryable(&service(503, "MetaOperationQpsLimitExceeded")));
        assert!(!is_retryable(&service(403, "AccessDenied")));
        assert!(!is_retryable(&service(404, "NoSuchBucket")));
        assert!(!is_retryable(&service(400, "InvalidArgument")));
        assert!(is_throttling(&service(
            503,
            "MetaOperationQpsLimitExceeded"
        )));
        assert!(!is_throttling(&service(503, "ServiceUnavailable")));
    }

    #[test]
    fn backoff_is_jittered_below_an_exponential_cap() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        for _ in 0..200 {
            assert!(policy.backoff(1) < Duration::from_millis(100));
            assert!(policy.backoff(2) < Duration::from_millis(200));
            assert!(policy.backoff(3) < Duration::from_millis(350));
            assert!(policy.backoff(30) < Duration::from_millis(350));
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|_| policy.backoff(3)).collect();
        assert!(spread.len() > 10, "backoff should be jittered");
    }
}
