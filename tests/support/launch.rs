//! `Launch`: how a test starts its [`TestApp`] — the sandbox's buckets, the settings that differ
//! from the tests' defaults, a restart on a stopped application's sandbox and database, and
//! whether a first scan completes before the test begins.

use std::time::Duration;

use oss_audit::oss::Secret;
use oss_audit::report::ReportSchedule;
use oss_audit::sandbox::SandboxConfig;
use oss_audit::startup::{Application, Settings, StartError};

use super::app::{Stopped, TestApp};
use super::db::TestDb;
use super::engine::new_target;
use super::sandbox::{estate, sandbox};

/// A change to the tests' settings, applied before the application is built.
type Tweak = Box<dyn FnOnce(&mut Settings)>;

/// A change to an estate sandbox's configuration.
type SandboxTweak = Box<dyn FnOnce(&mut SandboxConfig)>;

/// How to start a [`TestApp`]: the sandbox, the settings that differ from the tests' defaults,
/// and whether a first scan completes before the test begins.
#[must_use]
pub struct Launch {
    buckets: usize,
    /// A sandbox of this many accounts, adjusted: the hub and its Resource Directory's members.
    estate: Option<(usize, SandboxTweak)>,
    /// Add every member of the sandbox's Resource Directory before the first scan.
    members: bool,
    over: Option<Stopped>,
    settings: Vec<Tweak>,
    scanned: bool,
}

impl Launch {
    /// An empty sandbox, the tests' settings, no scan.
    pub(super) fn new() -> Self {
        Self {
            buckets: 0,
            estate: None,
            members: false,
            over: None,
            settings: Vec::new(),
            scanned: false,
        }
    }

    /// Seeds the sandbox with `buckets` buckets (none by default).
    pub fn buckets(mut self, buckets: usize) -> Self {
        self.buckets = buckets;
        self
    }

    /// A sandbox of `accounts` accounts, each with the buckets asked for: the hub (the keys' own)
    /// and the members of its Resource Directory, each with a role for the hub, adjusted by
    /// `tweak` (ExternalIds, refusing roles, short STS sessions, latency).
    pub fn estate(
        mut self,
        accounts: usize,
        tweak: impl FnOnce(&mut SandboxConfig) + 'static,
    ) -> Self {
        self.estate = Some((accounts, Box::new(tweak)));
        self
    }

    /// Adds every member of the sandbox's Resource Directory as an account before the first scan,
    /// as `oss-audit account discover --role-name oss-audit` does.
    pub fn members(mut self) -> Self {
        self.members = true;
        self
    }

    /// At most `rps` OSS requests per second per account.
    pub fn max_rps(self, rps: u32) -> Self {
        self.set(move |s| s.client.max_rps = rps)
    }

    /// `accounts` accounts scanned at once, `concurrency` reads in flight in each.
    pub fn pace(self, accounts: usize, concurrency: usize) -> Self {
        self.set(move |s| {
            s.scan_accounts = accounts;
            s.scan_concurrency = concurrency;
        })
    }

    /// Starts on the sandbox and database of a stopped application instead of new ones.
    pub fn over(mut self, stopped: Stopped) -> Self {
        self.over = Some(stopped);
        self
    }

    /// Completes a first scan before handing the application over.
    pub fn scanned(mut self) -> Self {
        self.scanned = true;
        self
    }

    fn set(mut self, tweak: impl FnOnce(&mut Settings) + 'static) -> Self {
        self.settings.push(Box::new(tweak));
        self
    }

    /// The bootstrap administrator's password (`OSS_AUDIT_ADMIN_PASSWORD`).
    pub fn admin_password(self, password: &str) -> Self {
        let password = Secret::new(password);
        self.set(move |s| s.admin_password = Some(password))
    }

    /// Believes `X-Forwarded-For` and `X-Forwarded-Proto`, as behind a proxy.
    pub fn trust_proxy(self) -> Self {
        self.set(|s| s.access.trust_proxy = true)
    }

    /// Sessions end after `idle` without a request, and `max` after sign-in whatever happens.
    pub fn session_lifetime(self, idle: Duration, max: Duration) -> Self {
        self.set(move |s| {
            s.access.lifetime.idle = idle;
            s.access.lifetime.max = max;
        })
    }

    /// How often expired sessions and old sign-in attempts are deleted.
    pub fn housekeeping_interval(self, every: Duration) -> Self {
        self.set(move |s| s.access.housekeeping_interval = every)
    }

    /// What a failed sign-in waits before answering.
    pub fn failed_login_delay(self, delay: Duration) -> Self {
        self.set(move |s| s.access.failed_login_delay = delay)
    }

    /// The dashboard's public address, for links in notifications.
    pub fn public_url(self, url: &str) -> Self {
        let url = url::Url::parse(url).expect("a URL");
        self.set(move |s| s.notify.public_url = Some(url))
    }

    /// Retries deliveries after milliseconds and looks for due ones five times a second.
    pub fn fast_notifications(self) -> Self {
        self.set(|s| {
            s.notify.timing.retry_base = Duration::from_millis(10);
            s.notify.timing.poll_interval = Duration::from_millis(200);
        })
    }

    /// How long a delivery waits for a receiver's answer.
    pub fn notify_request_timeout(self, timeout: Duration) -> Self {
        self.set(move |s| s.notify.timing.request_timeout = timeout)
    }

    /// Refuses notification receivers on internal addresses, as `serve` does by default (the
    /// harness allows them otherwise, for its receivers on loopback).
    pub fn public_receivers_only(self) -> Self {
        self.set(|s| s.notify.receivers.allow_private = false)
    }

    /// A notification target from the environment, stored at start.
    pub fn env_target(self, kind: &str, name: &str, url: &str, secret: &str) -> Self {
        let target = new_target(kind, name, url, secret);
        self.set(move |s| s.notify.env_targets.push(target))
    }

    /// How long a client may take over a request head, and over a request body.
    pub fn request_timeouts(self, head: Duration, body: Duration) -> Self {
        self.set(move |s| {
            s.http.header_read_timeout = head;
            s.http.body_read_timeout = body;
        })
    }

    /// Connections served at once.
    pub fn max_connections(self, connections: u32) -> Self {
        self.set(move |s| s.http.max_connections = connections)
    }

    /// Exemptions expire by `clock` (which the test moves with [`super::move_clock`]) instead of
    /// the system's.
    pub fn clock(self, clock: std::sync::Arc<oss_audit::domain::ManualClock>) -> Self {
        self.set(move |s| s.clock = clock)
    }

    /// When reports are made on their own.
    pub fn report_schedule(self, schedule: ReportSchedule) -> Self {
        self.set(move |s| s.report_schedule = schedule)
    }

    /// Starts the application (failing the test when it cannot start).
    pub async fn start(self) -> TestApp {
        self.try_start().await.expect("the application starts")
    }

    /// Starts the application, or says why it did not.
    pub async fn try_start(self) -> Result<TestApp, StartError> {
        let Stopped { sandbox, db } = match (self.over, self.estate) {
            (Some(stopped), _) => stopped,
            (None, Some((accounts, tweak))) => Stopped {
                sandbox: estate(accounts, self.buckets, tweak).await,
                db: TestDb::new(),
            },
            (None, None) => Stopped {
                sandbox: sandbox(self.buckets).await,
                db: TestDb::new(),
            },
        };
        let mut client = sandbox.client_config();
        client.retry.base_delay = Duration::from_millis(2);
        let mut settings = Settings::for_tests(db.url.clone(), client);
        // The tests' receivers listen on loopback (OSS_AUDIT_NOTIFY_ALLOW_PRIVATE=true).
        settings.notify.receivers.allow_private = true;
        settings.sts_endpoint = url::Url::parse(oss_audit::sandbox::STS_ENDPOINT).expect("a URL");
        settings.resourcemanager_endpoint =
            url::Url::parse(oss_audit::sandbox::RESOURCEMANAGER_ENDPOINT).expect("a URL");
        for tweak in self.settings {
            tweak(&mut settings);
        }
        let app = TestApp::run(Application::build(settings).await?, sandbox, db);
        if self.members {
            app.discover().await;
        }
        if self.scanned {
            app.scan().await;
        }
        Ok(app)
    }
}
