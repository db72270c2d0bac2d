//! `Application`: opens the store, builds the client and scanner, binds the listener (port 0
//! works, for tests), and runs the HTTP server and the scheduler until told to stop.

use std::net::SocketAddr;
use std::time::Duration;

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::cloud::{AccountClients, DirectoryClient, RpcError, StsClient};
use crate::domain::{AccountId, AccountName};
use crate::oss::{ClientConfig, OssClient, OssError};
use crate::scan::{ScanOptions, schedule};
use crate::store::{self, Store, StoreError};
use crate::web::metrics::Metrics;
use crate::web::{self, AppState, StateParts};

/// How the long-running process is set up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub listen: SocketAddr,
    /// Time between scheduled scans; zero disables them.
    pub scan_interval: Duration,
    /// Bucket reads in flight per account.
    pub scan_concurrency: usize,
    /// Accounts scanned at once (`OSS_AUDIT_SCAN_ACCOUNTS`).
    pub scan_accounts: usize,
    /// How the hub (the account of `client.credentials`) is called (`OSS_AUDIT_ACCOUNT_NAME`).
    pub account_name: AccountName,
    /// The hub's OSS client; its `max_rps` applies to each account on its own.
    pub client: ClientConfig,
    /// Where member accounts' roles are assumed (`OSS_AUDIT_STS_ENDPOINT`).
    pub sts_endpoint: url::Url,
    /// Where the Settings › Accounts page lists the Resource Directory's members
    /// (`OSS_AUDIT_RESOURCEMANAGER_ENDPOINT`).
    pub resourcemanager_endpoint: url::Url,
    /// Password of the `admin` user created on an empty database (`None`: a random one, which
    /// [`Application::generated_admin_password`] hands to the caller to show once, never logged).
    pub admin_password: Option<crate::domain::Secret>,
    /// Sessions, sign-in throttling, proxy trust and cookie security.
    pub access: crate::web::session::AccessConfig,
    /// When scheduled audit reports are made (`Off`: on demand only).
    pub report_schedule: crate::report::ReportSchedule,
    /// Notification delivery (retries, timeouts, public URL) and targets from the environment.
    pub notify: crate::notify::NotifyConfig,
    /// Deadlines for request heads and bodies, and the most connections served at once.
    pub http: crate::web::listen::HttpLimits,
    /// The time exemptions expire by: the system clock, except in tests, which build the
    /// application through the library with a clock they move.
    pub clock: crate::domain::SharedClock,
    /// The longest the exemption timer sleeps without looking again.
    pub exemption_tick: Duration,
}

impl Settings {
    /// The defaults of `serve` (see the README) with `database_url` and `client`: listening on
    /// [`DEFAULT_LISTEN`], hourly scans, weekly reports, a random first password.
    pub fn new(database_url: String, client: ClientConfig) -> Self {
        Self {
            database_url,
            listen: default_listen(),
            scan_interval: Duration::from_secs(3600),
            scan_concurrency: crate::scan::DEFAULT_CONCURRENCY,
            scan_accounts: crate::scan::DEFAULT_SCAN_ACCOUNTS,
            account_name: default_account_name(),
            client,
            sts_endpoint: url::Url::parse(crate::cloud::DEFAULT_STS_ENDPOINT)
                .unwrap_or_else(|_| unreachable!("DEFAULT_STS_ENDPOINT is a URL")),
            resourcemanager_endpoint: url::Url::parse(
                crate::cloud::DEFAULT_RESOURCEMANAGER_ENDPOINT,
            )
            .unwrap_or_else(|_| unreachable!("DEFAULT_RESOURCEMANAGER_ENDPOINT is a URL")),
            admin_password: None,
            access: crate::web::session::AccessConfig::default(),
            report_schedule: crate::report::ReportSchedule::default(),
            notify: crate::notify::NotifyConfig::default(),
            http: crate::web::listen::HttpLimits::default(),
            clock: crate::domain::system_clock(),
            exemption_tick: crate::actions::exemption_timer::DEFAULT_TICK,
        }
    }

    /// Settings for tests: port 0, no scheduled scans or reports, 16 reads in flight.
    pub fn for_tests(database_url: String, client: ClientConfig) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            scan_interval: Duration::ZERO,
            scan_concurrency: 16,
            report_schedule: crate::report::ReportSchedule::Off,
            ..Self::new(database_url, client)
        }
    }
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not open the database: {0}")]
    Store(#[from] StoreError),
    #[error("could not set up the OSS client: {0}")]
    Oss(#[from] OssError),
    #[error("could not set up the STS client: {0}")]
    Sts(#[from] RpcError),
    #[error("could not create the first administrator: {0}")]
    Bootstrap(#[from] crate::auth::bootstrap::BootstrapError),
    #[error("could not store the notification targets of the environment: {0}")]
    Targets(#[from] crate::actions::targets::TargetError),
    #[error("notification target {name} refused: {source}")]
    Receiver {
        name: String,
        #[source]
        source: crate::notify::AddressError,
    },
    #[error("could not set up notification delivery: {0}")]
    Delivery(#[source] reqwest::Error),
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A built application, listening, not yet serving.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
    settings: Settings,
    /// Sends queued notifications while the application runs.
    deliverer: crate::notify::Deliverer,
    /// The first administrator's generated password, when this start made one.
    generated_admin_password: Option<crate::domain::Secret>,
}

/// The name of the hub account (the keys' own) unless `OSS_AUDIT_ACCOUNT_NAME` says otherwise.
pub const DEFAULT_ACCOUNT: &str = "default";

/// [`DEFAULT_ACCOUNT`] as a name.
pub fn default_account_name() -> AccountName {
    AccountName::parse(DEFAULT_ACCOUNT).unwrap_or_else(|_| unreachable!("a valid account name"))
}

/// Where `serve` and `demo` listen unless told otherwise (`OSS_AUDIT_LISTEN`).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";

/// [`DEFAULT_LISTEN`] as an address.
pub fn default_listen() -> SocketAddr {
    DEFAULT_LISTEN
        .parse()
        .unwrap_or_else(|_| unreachable!("DEFAULT_LISTEN is a socket address"))
}

/// Opens the store, marks scans left running by a dead process as interrupted, and returns the
/// hub account, named `hub_name` (renamed, and logged, when it was called otherwise) with
/// `endpoint` recorded.
pub async fn open_store(
    database_url: &str,
    hub_name: &AccountName,
    endpoint: &str,
) -> Result<(Store, AccountId), StoreError> {
    let store = Store::open(database_url).await?;
    let mut tx = store.begin().await?;
    let now = chrono::Utc::now();
    let interrupted = store::mark_dangling_scans_interrupted(
        &mut tx,
        process_is_alive,
        now - chrono::Duration::minutes(10),
        now,
    )
    .await?;
    let hub = store::ensure_hub(&mut tx, hub_name, endpoint).await?;
    tx.commit().await?;
    for scan in interrupted {
        tracing::warn!(scan.id = %scan, "a scan left running by a stopped process was marked interrupted");
    }
    if let Some(old) = hub.renamed_from {
        tracing::warn!(account.previous = %old, account = %hub_name, "the hub account was renamed (OSS_AUDIT_ACCOUNT_NAME)");
    }
    Ok((store, hub.id))
}

/// Whether a process with this id runs on this machine (a scan's owner).
fn process_is_alive(pid: i64) -> bool {
    if i64::from(std::process::id()) == pid {
        // Our own pid on a fresh start means the row is from an earlier process that had it.
        return false;
    }
    let proc = std::path::Path::new("/proc");
    if !proc.exists() {
        // Without /proc we cannot tell; rely on the heartbeat.
        return true;
    }
    proc.join(pid.to_string()).exists()
}

impl Application {
    /// Builds everything and binds the listener.
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let (store, account) = open_store(
            &settings.database_url,
            &settings.account_name,
            settings.client.endpoint.as_str(),
        )
        .await?;
        // A generated password goes to the caller, never to the log: log collectors keep lines
        // where a password must not be.
        let generated_admin_password =
            crate::auth::bootstrap::ensure_admin(&store, settings.admin_password.clone()).await?;
        let metrics = Arc::new(Metrics::default());
        let mut client_config = settings.client.clone();
        client_config.observer = Some(metrics.oss_observer());
        let sts = StsClient::new(settings.sts_endpoint.clone(), &client_config)?;
        let directory =
            DirectoryClient::new(settings.resourcemanager_endpoint.clone(), &client_config)?;
        let clients = AccountClients::new(OssClient::new(client_config)?, sts);
        let listener =
            TcpListener::bind(settings.listen)
                .await
                .map_err(|source| StartError::Listen {
                    addr: settings.listen,
                    source,
                })?;
        let receivers = settings.notify.receivers;
        if receivers.allow_private {
            tracing::warn!(
                "{} is on: notifications may be sent to loopback, private and metadata addresses",
                crate::notify::ALLOW_PRIVATE_VAR
            );
        }
        let mut env_targets = Vec::new();
        for target in &settings.notify.env_targets {
            let name = target.name.to_string();
            let admitted = receivers
                .admit(target.clone())
                .await
                .map_err(|source| StartError::Receiver { name, source })?;
            env_targets.push(admitted);
        }
        crate::actions::targets::upsert_env_targets(&store, account, &env_targets).await?;
        let listen = listener.local_addr().unwrap_or(settings.listen);
        let deliverer =
            crate::notify::Deliverer::new(store.clone(), settings.notify.delivery(listen))
                .map_err(StartError::Delivery)?;
        let state = AppState::new(StateParts {
            store,
            clients,
            directory,
            hub: account,
            scan_pace: ScanOptions {
                concurrency: settings.scan_concurrency,
                accounts_at_once: settings.scan_accounts,
                ..ScanOptions::new(crate::domain::Trigger::Schedule)
            },
            metrics,
            access: settings.access.clone(),
            scan_interval: settings.scan_interval,
            receivers,
            clock: settings.clock.clone(),
        });
        Ok(Self {
            listener,
            state,
            settings,
            deliverer,
            generated_admin_password,
        })
    }

    /// The first administrator's password when this start generated it (an empty database and no
    /// `OSS_AUDIT_ADMIN_PASSWORD`): for the caller to show once on the terminal. It must be
    /// changed at the first sign-in.
    pub fn generated_admin_password(&self) -> Option<&crate::domain::Secret> {
        self.generated_admin_password.as_ref()
    }

    /// The address actually bound (the port, when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.settings.listen)
    }

    /// The shared state (for tests and the demo).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves HTTP and runs the scheduler until `shutdown` fires; running scans are then
    /// interrupted cleanly (recorded as such) before this returns.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let state = self.state;
        let stopping = state.shutdown().clone();
        tokio::spawn(async move {
            shutdown.cancelled().await;
            stopping.cancel();
        });
        let scheduler = tokio::spawn(schedule::run_scheduler(
            state.scanner().clone(),
            state.store().clone(),
            self.settings.scan_interval,
            state.scan_pace(),
            state.progress_sender(),
            state.shutdown().child_token(),
        ));
        let notifications = tokio::spawn(crate::notify::run_worker(
            self.deliverer,
            state.shutdown().child_token(),
        ));
        let reports = tokio::spawn(crate::report::run_report_scheduler(
            state.store().clone(),
            state.account(),
            self.settings.report_schedule.clone(),
            state.shutdown().child_token(),
        ));
        let access = state.access();
        let housekeeping = tokio::spawn(crate::auth::housekeeping::run_housekeeping(
            state.store().clone(),
            access.lifetime,
            access.throttle,
            access.housekeeping_interval,
            state.shutdown().child_token(),
        ));
        let exemptions = tokio::spawn(crate::actions::exemption_timer::run_exemption_timer(
            state.store().clone(),
            state.account(),
            self.settings.clock.clone(),
            self.settings.exemption_tick,
            state.shutdown().child_token(),
        ));
        let app = web::router(state.clone());
        tracing::info!(addr = %self.listener.local_addr()?, "oss-audit is listening");
        let served = web::listen::serve(
            self.listener,
            app,
            &self.settings.http,
            state.shutdown().clone(),
        )
        .await;
        state.shutdown().cancel();
        if let Err(err) = scheduler.await {
            tracing::error!(error = %err, "the scheduler stopped abnormally");
        }
        if let Err(err) = housekeeping.await {
            tracing::error!(error = %err, "the housekeeping timer stopped abnormally");
        }
        if let Err(err) = notifications.await {
            tracing::error!(error = %err, "the notification worker stopped abnormally");
        }
        if let Err(err) = reports.await {
            tracing::error!(error = %err, "the report scheduler stopped abnormally");
        }
        if let Err(err) = exemptions.await {
            tracing::error!(error = %err, "the exemption timer stopped abnormally");
        }
        state.tasks().close();
        state.tasks().wait().await;
        state.store().close().await;
        served
    }
}

/// Resolves when the process receives Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    crate::signal::stop_requested().await;
    tracing::info!("shutting down");
}
