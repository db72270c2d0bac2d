//! Sign-in throttling: too many failures for one user name from one address, or from one address
//! for any names, lock further attempts until the failures age out of the window. An attempt is
//! reserved (recorded as failed) before its password is checked, so a burst of parallel guesses
//! gets no more checks than the limit; and the lock per user name is per address too, so a flood
//! from one address does not lock the user out from another. IPv6 clients are counted per /64,
//! the block one subscriber usually holds.

use std::net::IpAddr;
use std::time::Duration;

use crate::store::{self, Store, StoreError};
use chrono::{DateTime, Utc};

/// The limits; the defaults are 5 failures per user name and address, and 20 per address, in
/// 15 minutes.
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

/// An attempt allowed to check its password: recorded as failed until [`ThrottlePolicy::succeeded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    attempt: i64,
}

/// What [`ThrottlePolicy::reserve`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    /// Check the password, then report a success with [`ThrottlePolicy::succeeded`].
    Granted(Reservation),
    /// Refused; nothing was recorded.
    Refused(Verdict),
}

/// The address attempts are counted under: an IPv4 address as it is (an IPv4-mapped IPv6 one as
/// its IPv4 address), an IPv6 address as its /64 (`2001:db8:1:2::/64`), since one subscriber
/// usually holds a whole /64 and could otherwise change address at every guess. Anything that is
/// not an address (a proxy's odd header) is kept as given.
pub fn address_key(address: &str) -> String {
    match address.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & (u128::MAX << 64);
                format!("{}/64", std::net::Ipv6Addr::from(prefix))
            }
        },
        Err(_) => address.trim().chars().take(64).collect(),
    }
}

impl ThrottlePolicy {
    fn window(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX)
    }

    /// Judges an attempt for `username` from `address` at `now` and, when it may go ahead, records
    /// it as failed in the same write transaction, before any password is checked: attempts made
    /// at the same time are judged one after the other, each counting those before it. The same
    /// answer is given for user names that exist and those that do not.
    pub async fn reserve(
        &self,
        store: &Store,
        username: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Reserved, StoreError> {
        let key = address_key(address);
        let window = self.window();
        let since = now - window;
        let mut tx = store.begin().await?;
        let by_user = store::find_nth_recent_failure_for_user(
            &mut tx,
            username,
            &key,
            since,
            self.max_failures_per_user,
        )
        .await?;
        let by_address = store::find_nth_recent_failure_from_address(
            &mut tx,
            &key,
            since,
            self.max_failures_per_address,
        )
        .await?;
        // Locked until the failure that reached the limit leaves the window.
        if let Some(at) = by_user.into_iter().chain(by_address).max() {
            return Ok(Reserved::Refused(Verdict::Locked { until: at + window }));
        }
        let attempt = store::insert_login_attempt(&mut tx, username, &key, false, now).await?;
        tx.commit().await?;
        Ok(Reserved::Granted(Reservation { attempt }))
    }

    /// Records that the reserved attempt found the right password (which resets the count of
    /// that user name from that address).
    pub async fn succeeded(
        &self,
        store: &Store,
        reservation: Reservation,
    ) -> Result<(), StoreError> {
        store::update_login_attempt_succeeded(store, reservation.attempt).await
    }

    /// Deletes attempts too old to count for anything (a day, or the window when longer); returns
    /// how many. One step of `serve`'s housekeeping.
    pub async fn prune(&self, store: &Store, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let keep = self.window().max(chrono::Duration::days(1));
        store::delete_login_attempts_before(store, now - keep).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(address_key("203.0.113.9"), "203.0.113.9");
        assert_eq!(address_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(
            address_key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(address_key("2001:db8:1:3::1"), "2001:db8:1:3::/64");
        assert_eq!(address_key("::ffff:198.51.100.4"), "198.51.100.4");
        assert_eq!(address_key(" unknown "), "unknown");
    }

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
