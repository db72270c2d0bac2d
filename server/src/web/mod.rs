//! The HTTP surface of `oss-audit serve`.

pub mod api;
mod assets;
mod body_deadline;
pub mod headers;
mod health;
pub mod listen;
pub mod metrics;
pub mod pages;
pub mod session;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::actions::Changer;
use crate::cloud::{AccountClients, DirectoryClient};
use crate::domain::{AccountId, Actor, ScanId, Trigger};
use crate::scan::{ScanError, ScanOptions, ScanProgress, Scanner};
use crate::store::Store;
use metrics::Metrics;

/// Everything a request handler needs; built once at start, shared by every request.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<StateInner>,
}

#[derive(Debug)]
struct StateInner {
    /// The database.
    store: Store,
    /// The OSS client of each account (one pool; each with its own rate limit and keys).
    clients: AccountClients,
    /// Resource Directory, as the hub calls it (Settings › Accounts discovers members with it).
    directory: DirectoryClient,
    /// Scans the estate (the scheduler, the API and the pages share it).
    scanner: Scanner,
    /// The hub account: the keys' own, which holds the estate-wide policy, reports and targets.
    hub: AccountId,
    /// How hard scans push: reads in flight per account, accounts at once.
    scan_pace: ScanOptions,
    /// Progress of the running scan, published by whoever runs it.
    progress: watch::Sender<ScanProgress>,
    /// Fires when the process shuts down; running scans stop and record themselves interrupted.
    shutdown: CancellationToken,
    /// Background work (scans started by requests) that shutdown waits for.
    tasks: TaskTracker,
    /// Prometheus counters and gauges.
    metrics: Arc<Metrics>,
    /// Sessions, sign-in throttling, proxy trust and cookie security.
    access: session::AccessConfig,
    /// Time between scheduled scans (zero: disabled); the settings page shows it.
    scan_interval: std::time::Duration,
    /// The overview's bucket counts, with the data version they belong to.
    overview_counts: std::sync::Mutex<Option<pages::CountsCache>>,
    /// Places for CSV exports, each of which holds a database connection for its whole download.
    exports: Arc<tokio::sync::Semaphore>,
    /// Which addresses notification receivers may have, checked when a target is saved.
    receivers: crate::notify::ReceiverPolicy,
    /// Places for argon2 password verifications, each counted in the metrics.
    password_checks: crate::auth::checks::PasswordChecks,
    /// Where exemption steps take the time from.
    clock: crate::domain::SharedClock,
}

/// CSV exports streamed at once. Each holds one of the store's eight connections until its client
/// has read the last byte, so slow downloads must not be able to take them all.
pub const MAX_CONCURRENT_EXPORTS: usize = 2;

/// The parts `AppState` is made of.
#[derive(Debug)]
pub struct StateParts {
    pub store: Store,
    pub clients: AccountClients,
    pub directory: DirectoryClient,
    pub hub: AccountId,
    /// The pace of every scan (its trigger and account are set per scan).
    pub scan_pace: ScanOptions,
    pub metrics: Arc<Metrics>,
    pub access: session::AccessConfig,
    pub scan_interval: std::time::Duration,
    pub receivers: crate::notify::ReceiverPolicy,
    /// Where exemption steps take the time from.
    pub clock: crate::domain::SharedClock,
}

impl AppState {
    /// Bundles the shared parts.
    pub fn new(parts: StateParts) -> Self {
        let scanner = Scanner::new(parts.store.clone(), parts.clients.clone(), parts.hub);
        let password_checks = crate::auth::checks::PasswordChecks::new(
            parts.access.concurrent_password_checks,
            parts.metrics.password_verifications(),
        );
        Self {
            inner: Arc::new(StateInner {
                store: parts.store,
                clients: parts.clients,
                directory: parts.directory,
                scanner,
                hub: parts.hub,
                scan_pace: parts.scan_pace,
                progress: watch::Sender::new(ScanProgress::default()),
                shutdown: CancellationToken::new(),
                tasks: TaskTracker::new(),
                metrics: parts.metrics,
                overview_counts: std::sync::Mutex::new(None),
                exports: Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_EXPORTS)),
                access: parts.access,
                scan_interval: parts.scan_interval,
                receivers: parts.receivers,
                password_checks,
                clock: parts.clock,
            }),
        }
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The OSS clients of the estate's accounts.
    pub fn clients(&self) -> &AccountClients {
        &self.inner.clients
    }

    /// Resource Directory, called with the hub's keys.
    pub fn directory(&self) -> &DirectoryClient {
        &self.inner.directory
    }

    /// The scanner.
    pub fn scanner(&self) -> &Scanner {
        &self.inner.scanner
    }

    /// The exemption steps, acting on this application's store, hub and clock.
    pub fn exemptions(&self) -> crate::actions::exemptions::Exemptions<'_> {
        crate::actions::exemptions::Exemptions {
            store: &self.inner.store,
            hub: self.inner.hub,
            clock: self.inner.clock.as_ref(),
        }
    }

    /// The hub account, which holds what is estate-wide: the policy, the reports and their
    /// schedule, the notification targets, and the audit-log entries of estate-wide changes.
    pub fn account(&self) -> AccountId {
        self.inner.hub
    }

    /// The pace of every scan: reads in flight per account, accounts at once.
    pub fn scan_pace(&self) -> ScanOptions {
        self.inner.scan_pace
    }

    /// The latest progress of the running scan.
    pub fn progress(&self) -> ScanProgress {
        self.inner.progress.borrow().clone()
    }

    /// The sender scans publish their progress on.
    pub fn progress_sender(&self) -> watch::Sender<ScanProgress> {
        self.inner.progress.clone()
    }

    /// The process-wide shutdown signal.
    pub fn shutdown(&self) -> &CancellationToken {
        &self.inner.shutdown
    }

    /// Background tasks shutdown waits for.
    pub fn tasks(&self) -> &TaskTracker {
        &self.inner.tasks
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Sessions, sign-in throttling, proxy trust and cookie security.
    pub fn access(&self) -> &session::AccessConfig {
        &self.inner.access
    }

    /// Time between scheduled scans; zero when they are disabled.
    pub fn scan_interval(&self) -> std::time::Duration {
        self.inner.scan_interval
    }

    /// Places for password verifications.
    pub fn password_checks(&self) -> &crate::auth::checks::PasswordChecks {
        &self.inner.password_checks
    }

    /// Which addresses notification receivers may have.
    pub fn receivers(&self) -> crate::notify::ReceiverPolicy {
        self.inner.receivers
    }

    /// Places for CSV exports ([`MAX_CONCURRENT_EXPORTS`]).
    pub fn exports(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.inner.exports
    }

    /// The cached overview counts, if any.
    pub fn overview_counts(&self) -> Option<pages::CountsCache> {
        self.inner
            .overview_counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the cached overview counts.
    pub fn set_overview_counts(&self, counts: pages::CountsCache) {
        *self
            .inner
            .overview_counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(counts);
    }

    /// What an encryption change that `actor` asked for acts with.
    pub fn changer<'a>(&'a self, actor: &'a Actor) -> Changer<'a> {
        Changer {
            store: self.store(),
            clients: self.clients(),
            hub: self.account(),
            actor,
            key_answers: None,
        }
    }

    /// Starts a scan of the whole estate in the background and returns its id at once (refused
    /// while one runs).
    pub async fn start_scan(&self, trigger: Trigger) -> Result<ScanId, ScanError> {
        let options = ScanOptions {
            trigger,
            account: None,
            ..self.scan_pace()
        };
        let begun = self.scanner().begin(&options).await?;
        let scan = begun.id;
        let scanner = self.scanner().clone();
        let progress = self.progress_sender();
        let cancel = self.shutdown().child_token();
        self.tasks().spawn(async move {
            // The outcome is recorded with the scan and logged by the scanner.
            let _ = scanner.run_begun(begun, options, progress, cancel).await;
        });
        Ok(scan)
    }
}

/// The router of every route.
pub fn router(state: AppState) -> Router {
    headers::wrap(
        Router::new()
            .route("/healthz", get(health::healthz))
            .route("/metrics", get(metrics::metrics))
            .nest("/api/v1", api::routes())
            .merge(session::routes())
            .merge(pages::routes(state.clone()))
            .route(assets::STYLESHEET_PATH.as_str(), get(assets::stylesheet))
            .fallback(pages::not_found)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                metrics::count_requests,
            ))
            // A panicking handler answers 500 instead of dropping the connection.
            .layer(tower_http::catch_panic::CatchPanicLayer::new())
            // Outside every handler, so each of them names its cookies without the prefix.
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                session::host_prefixed_cookies,
            ))
            .with_state(state),
    )
}
