//! Sign-in throttling: too many failures for one user name, or from one address, lock further
//! attempts until the failures age out of the window.

use std::time::Duration;

use crate::store::{self, Store, StoreError};
use chrono::{DateTime, Utc};

/// The limits; the defaults are 5 failures per user name and 20 per address in 15 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_failures_per_user: u32,
    pub max_failures_per_address: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            max_failures_per_user: 5,
            max_failures_per_address: 20,
        }
    }
}

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused until this time.
    Locked {
        until: DateTime<Utc>,
    },
}

impl Verdict {
    /// Whole minutes until the lock ends, rounded up (at least 1), for the message.
    pub fn minutes_left(&self, now: DateTime<Utc>) -> i64 {
        match self {
            Self::Allowed => 0,
            Self::Locked { until } => {
                let seconds = (*until - now).num_seconds().max(1);
                (seconds + 59) / 60
            }
        }
    }
}

impl ThrottlePolicy {
    /// Judges an attempt for `username` from `address` at `now`. The same answer is given for
    /// user names that exist and those that do not.
    pub async fn check(
        &self,
        store: &Store,
        username: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Verdict, StoreError> {
        let window = chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX);
        let since = now - window;
        let by_user = store::find_nth_recent_failure_for_user(
            store,
            username,
            since,
            self.max_failures_per_user,
        )
        .await?;
        let by_address = store::find_nth_recent_failure_from_address(
            store,
            address,
            since,
            self.max_failures_per_address,
        )
        .await?;
        // Locked until the failure that reached the limit leaves the window.
        Ok(match by_user.into_iter().chain(by_address).max() {
            Some(at) => Verdict::Locked { until: at + window },
            None => Verdict::Allowed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_left_round_up() {
        let now = Utc::now();
        let locked = |s| Verdict::Locked {
            until: now + chrono::Duration::seconds(s),
        };
        assert_eq!(locked(1).minutes_left(now), 1);
        assert_eq!(locked(60).minutes_left(now), 1);
        assert_eq!(locked(61).minutes_left(now), 2);
        assert_eq!(locked(15 * 60).minutes_left(now), 15);
        assert_eq!(locked(-5).minutes_left(now), 1);
    }
}
