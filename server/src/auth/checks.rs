//! Password checks: each argon2 verification costs memory and CPU, so at most a few run at once
//! (a caller that finds no room is told to come back, not queued), and each one is counted.

use std::sync::Arc;

use prometheus_client::metrics::counter::Counter;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::password::verify_password_blocking;
use crate::domain::{Secret, UserName};
use crate::store::{self, Store, StoreError, UserRecord};

/// Password verifications run at once by default: each takes 19 MiB and a core for a moment.
pub const DEFAULT_CONCURRENT_CHECKS: usize = 4;

/// The places for password verifications, shared by every request.
#[derive(Debug, Clone)]
pub struct PasswordChecks {
    places: Arc<Semaphore>,
    /// Incremented at every verification (the `password_verifications` metric).
    verified: Counter,
}

/// A place taken for one password verification.
#[derive(Debug)]
pub struct PasswordCheck {
    _place: OwnedSemaphorePermit,
    verified: Counter,
}

impl PasswordChecks {
    /// At most `places` verifications at once (at least one), each counted on `verified`.
    pub fn new(places: usize, verified: Counter) -> Self {
        Self {
            places: Arc::new(Semaphore::new(places.max(1))),
            verified,
        }
    }

    /// A place for one verification, or `None` when every place is taken.
    pub fn try_begin(&self) -> Option<PasswordCheck> {
        let place = Arc::clone(&self.places).try_acquire_owned().ok()?;
        Some(PasswordCheck {
            _place: place,
            verified: self.verified.clone(),
        })
    }
}

impl PasswordCheck {
    /// Whether `candidate` matches the PHC string `stored` (`None`: a user that does not exist,
    /// verified against a dummy hash so the answer takes as long). The one place oss-audit runs
    /// argon2 verification.
    pub async fn verify(&self, stored: Option<String>, candidate: Secret) -> bool {
        self.verified.inc();
        verify_password_blocking(stored, candidate).await
    }

    /// The enabled user `name` when `password` is theirs, else `None`. Unknown names, invalid
    /// names and disabled users cost one verification too, so the time taken does not tell which.
    pub async fn verify_credentials(
        &self,
        store: &Store,
        name: &str,
        password: Secret,
    ) -> Result<Option<UserRecord>, StoreError> {
        let user = match UserName::parse(name) {
            Ok(name) => store::find_user_by_name(store, name.as_str()).await?,
            Err(_) => None,
        };
        let stored = user.as_ref().map(|u| u.password_hash.expose().to_owned());
        let matches = self.verify(stored, password).await;
        Ok(user.filter(|u| matches && u.disabled_at.is_none()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn places_run_out_and_come_back_and_every_verification_counts() {
        let counted = Counter::default();
        let checks = PasswordChecks::new(2, counted.clone());
        let first = checks.try_begin().expect("a place");
        let second = checks.try_begin().expect("a second place");
        assert!(checks.try_begin().is_none(), "both places are taken");
        assert!(!first.verify(None, Secret::new("guess")).await);
        drop(first);
        let third = checks.try_begin().expect("a place came back");
        assert!(!third.verify(None, Secret::new("guess")).await);
        assert_eq!(counted.get(), 2);
        drop((second, third));
    }
}
