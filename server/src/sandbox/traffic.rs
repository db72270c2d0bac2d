//! OSS requests per account and per second, so tests can check per-account rate limits.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use crate::domain::AccountUid;

/// Seconds of history kept per account: longer than any test or bench scan runs.
const KEEP_SECONDS: usize = 3600;

/// Requests by account, counted per wall-clock second (real time, not the sandbox clock: rates are
/// about real seconds even when the sandbox clock is skewed).
#[derive(Debug, Default)]
pub(crate) struct Traffic {
    accounts: Mutex<HashMap<AccountUid, AccountTraffic>>,
}

#[derive(Debug, Default)]
struct AccountTraffic {
    total: u64,
    /// `(unix second, requests)`, oldest first, only seconds that had requests.
    seconds: VecDeque<(i64, u64)>,
}

/// One account's requests: the total and every second that had any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountRequests {
    pub total: u64,
    /// `(unix second, requests in it)`, oldest first; seconds without requests are left out.
    pub per_second: Vec<(i64, u64)>,
}

impl AccountRequests {
    /// The busiest second's count (0 without requests).
    pub fn peak_per_second(&self) -> u64 {
        self.per_second.iter().map(|(_, n)| *n).max().unwrap_or(0)
    }
}

impl Traffic {
    /// Counts one request of `account` in second `unix_second`.
    pub(crate) fn count(&self, account: AccountUid, unix_second: i64) {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        let traffic = accounts.entry(account).or_default();
        traffic.total += 1;
        match traffic.seconds.back_mut() {
            Some((second, n)) if *second == unix_second => *n += 1,
            // Requests finish out of order by a few milliseconds; a late one joins its second.
            _ => match traffic
                .seconds
                .iter_mut()
                .rev()
                .find(|(s, _)| *s == unix_second)
            {
                Some((_, n)) => *n += 1,
                None => {
                    let at = traffic.seconds.partition_point(|(s, _)| *s < unix_second);
                    traffic.seconds.insert(at, (unix_second, 1));
                    if traffic.seconds.len() > KEEP_SECONDS {
                        traffic.seconds.pop_front();
                    }
                }
            },
        }
    }

    /// What `account` has sent so far.
    pub(crate) fn of(&self, account: &AccountUid) -> AccountRequests {
        let accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        accounts
            .get(account)
            .map(|t| AccountRequests {
                total: t.total,
                per_second: t.seconds.iter().copied().collect(),
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_per_account_and_second() {
        let traffic = Traffic::default();
        let a = AccountUid::parse("1763082937541213").unwrap();
        let b = AccountUid::parse("1763082937549132").unwrap();
        for second in [100, 100, 101, 100, 103, 103, 103] {
            traffic.count(a.clone(), second);
        }
        traffic.count(b.clone(), 100);
        let of_a = traffic.of(&a);
        assert_eq!(of_a.total, 7);
        assert_eq!(of_a.per_second, [(100, 3), (101, 1), (103, 3)]);
        assert_eq!(of_a.peak_per_second(), 3);
        assert_eq!(traffic.of(&b).per_second, [(100, 1)]);
        let none = traffic.of(&AccountUid::parse("1111222233334444").unwrap());
        assert_eq!((none.total, none.peak_per_second()), (0, 0));
    }
}
