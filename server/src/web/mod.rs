//! The HTTP surface of `oss-audit serve`.

mod health;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::sync::watch;

use crate::domain::AccountId;
use crate::oss::OssClient;
use crate::scan::{ScanProgress, Scanner};
use crate::store::Store;

/// Everything a request handler needs; built once at start, shared by every request.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<StateInner>,
}

#[derive(Debug)]
struct StateInner {
    /// The database.
    store: Store,
    /// The one pooled OSS client.
    client: OssClient,
    /// Scans the account (the scheduler and "scan now" share it).
    scanner: Scanner,
    /// The account being audited.
    account: AccountId,
    /// Progress of the running scan, if any.
    progress: watch::Receiver<ScanProgress>,
}

impl AppState {
    /// Bundles the shared parts.
    pub fn new(
        store: Store,
        client: OssClient,
        scanner: Scanner,
        account: AccountId,
        progress: watch::Receiver<ScanProgress>,
    ) -> Self {
        Self {
            inner: Arc::new(StateInner {
                store,
                client,
                scanner,
                account,
                progress,
            }),
        }
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The OSS client.
    pub fn client(&self) -> &OssClient {
        &self.inner.client
    }

    /// The scanner.
    pub fn scanner(&self) -> &Scanner {
        &self.inner.scanner
    }

    /// The audited account.
    pub fn account(&self) -> AccountId {
        self.inner.account
    }

    /// The latest progress of the running scan.
    pub fn progress(&self) -> ScanProgress {
        *self.inner.progress.borrow()
    }
}

/// The router of every route.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .with_state(state)
}
