//! `oss-audit serve`: the long-running process (HTTP and the scan scheduler).

use std::net::SocketAddr;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::CliError;
use super::args::{DbArgs, DirectoryArgs, HubArgs, OssArgs, StsArgs};
use super::notify::{EnvTargetArgs, NotifyArgs};
use super::policy::{PolicyArgs, apply_from_args};
use super::scan::PaceArgs;
use crate::auth::sessions::SessionLifetime;
use crate::domain::Secret;
use crate::startup::{Application, Settings, shutdown_signal};
use crate::web::session::{ADMIN_PASSWORD_VAR, AccessConfig};

/// Flags of `oss-audit serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "OSS_AUDIT_LISTEN", default_value = crate::startup::DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Time between scheduled scans, e.g. `1h` or `30m`; `0` disables the schedule.
    #[arg(long, env = "OSS_AUDIT_SCAN_INTERVAL", default_value = "1h", value_parser = parse_interval)]
    pub scan_interval: Duration,
    /// When scheduled audit reports are made: a cron expression (minute hour day month
    /// weekday), after `TZ=<IANA zone> ` to read it in that zone (UTC otherwise), or `off`.
    #[arg(long, env = "OSS_AUDIT_REPORT_SCHEDULE", default_value = crate::report::DEFAULT_SCHEDULE,
          value_parser = crate::report::ReportSchedule::parse)]
    pub report_schedule: crate::report::ReportSchedule,
    #[command(flatten)]
    pub oss: OssArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub hub: HubArgs,
    #[command(flatten)]
    pub sts: StsArgs,
    #[command(flatten)]
    pub directory: DirectoryArgs,
    #[command(flatten)]
    pub pace: PaceArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub access: AccessArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub notify_targets: EnvTargetArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// The access flags of `oss-audit serve`; each also reads its environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct AccessArgs {
    /// A session unused this long ends, e.g. `30m`.
    #[arg(long = "session-idle", env = "OSS_AUDIT_SESSION_IDLE", default_value = "30m", value_parser = parse_lifetime)]
    session_idle: Duration,
    /// A session ends this long after sign-in, however busy, e.g. `12h`.
    #[arg(long = "session-max", env = "OSS_AUDIT_SESSION_MAX", default_value = "12h", value_parser = parse_lifetime)]
    session_max: Duration,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy in front of oss-audit.
    #[arg(long = "trust-proxy", env = "OSS_AUDIT_TRUST_PROXY")]
    trust_proxy: bool,
    /// Always mark cookies `Secure` and `__Host-` prefixed (when TLS ends before oss-audit without
    /// the proxy saying so). On by default when `OSS_AUDIT_PUBLIC_URL` is https.
    #[arg(long = "secure-cookies", env = "OSS_AUDIT_SECURE_COOKIES")]
    secure_cookies: bool,
    /// How often expired sessions and sign-in attempts too old to count are deleted, e.g. `10m`.
    #[arg(long = "housekeeping-interval", env = "OSS_AUDIT_HOUSEKEEPING_INTERVAL", default_value = "10m", value_parser = parse_positive)]
    housekeeping_interval: Duration,
}

/// A session lifetime: a humantime duration of at least one second.
fn parse_lifetime(raw: &str) -> Result<Duration, String> {
    let lifetime = humantime::parse_duration(raw.trim())
        .map_err(|e| format!("{e} (expected e.g. 30m or 12h)"))?;
    if lifetime < Duration::from_secs(1) {
        return Err("a session must last at least 1s".into());
    }
    Ok(lifetime)
}

impl AccessArgs {
    /// The access settings these flags describe.
    fn config(&self) -> AccessConfig {
        AccessConfig {
            lifetime: SessionLifetime {
                idle: self.session_idle,
                max: self.session_max,
            },
            trust_proxy: self.trust_proxy,
            secure_cookies: self.secure_cookies,
            housekeeping_interval: self.housekeeping_interval,
            ..AccessConfig::default()
        }
    }
}

/// What one HTTP client may hold of `serve`, and for how long.
#[derive(Debug, clap::Args)]
pub struct HttpArgs {
    /// Time a client has to send a whole request head (and to start the next one on a kept-alive
    /// connection) before it is disconnected, e.g. `10s`.
    #[arg(long, env = "OSS_AUDIT_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_positive)]
    pub header_timeout: Duration,
    /// Time a client has to send a whole request body, counted from its head, e.g. `30s`.
    #[arg(long, env = "OSS_AUDIT_BODY_TIMEOUT", default_value = "30s", value_parser = parse_positive)]
    pub body_timeout: Duration,
    /// Connections served at once; more wait until one closes.
    #[arg(long, env = "OSS_AUDIT_MAX_CONNECTIONS", default_value_t = crate::web::listen::DEFAULT_MAX_CONNECTIONS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
}

impl HttpArgs {
    fn limits(&self) -> crate::web::listen::HttpLimits {
        crate::web::listen::HttpLimits {
            header_read_timeout: self.header_timeout,
            body_read_timeout: self.body_timeout,
            max_connections: self.max_connections,
        }
    }
}

/// Parses a humantime duration that must not be zero (a zero deadline would refuse everyone).
fn parse_positive(raw: &str) -> Result<Duration, String> {
    match humantime::parse_duration(raw.trim()) {
        Ok(duration) if duration.is_zero() => Err("must be longer than 0".to_owned()),
        Ok(duration) => Ok(duration),
        Err(e) => Err(format!("{e} (expected e.g. 10s)")),
    }
}

/// The password of the `admin` user created on an empty database: the environment variable
/// `OSS_AUDIT_ADMIN_PASSWORD` (deliberately no flag, which other local users could read in the
/// process list). Unset or empty: a random password, printed once to standard error (never to
/// the log), to be changed at the first sign-in.
pub fn admin_password() -> Option<Secret> {
    std::env::var(ADMIN_PASSWORD_VAR)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Secret::new)
}

/// Writes the generated first password straight to standard error, once: not through the log
/// (whose lines collectors keep), and not to standard output (which scripts capture).
fn show_generated_password(password: &Secret) {
    use std::io::Write as _;
    let mut stderr = std::io::stderr().lock();
    // The one place a generated password is shown; if standard error is gone, nobody can read it
    // anyway, and the operator can set one with `oss-audit user set-password admin`.
    let _ = writeln!(
        stderr,
        "\nCreated the user admin. Sign in with this password, shown only now; you will be asked to choose a new one:\n\n    {}\n",
        password.expose()
    );
}

/// Parses a humantime duration, with a bare `0` meaning "disabled".
pub fn parse_interval(raw: &str) -> Result<Duration, String> {
    if raw.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(raw.trim()).map_err(|e| format!("{e} (expected e.g. 1h, 30m or 0)"))
}

pub(super) async fn run(args: ServeArgs) -> Result<(), CliError> {
    let mut client = args.oss.config()?;
    client.max_rps = args.pace.max_rps;
    let env_targets = args
        .notify_targets
        .targets()
        .check()
        .map_err(CliError::config)?;
    let mut access = args.access.config();
    // Served to people over HTTPS: cookies are Secure (and `__Host-` prefixed) on every answer,
    // not only on requests that show they came over HTTPS.
    access.secure_cookies |= args
        .notify
        .public_url
        .as_ref()
        .is_some_and(|url| url.scheme() == "https");
    let settings = Settings {
        database_url: args.db.database_url,
        listen: args.listen,
        scan_interval: args.scan_interval,
        report_schedule: args.report_schedule,
        scan_concurrency: args.pace.concurrency,
        scan_accounts: args.pace.accounts,
        account_name: args.hub.account_name,
        client,
        sts_endpoint: args.sts.sts_endpoint,
        resourcemanager_endpoint: args.directory.resourcemanager_endpoint,
        admin_password: admin_password(),
        access,
        notify: args.notify.config(env_targets),
        http: args.http.limits(),
        clock: crate::domain::system_clock(),
        exemption_tick: crate::actions::exemption_timer::DEFAULT_TICK,
    };
    let app = Application::build(settings)
        .await
        .map_err(|e| CliError::failed("could not start", e))?;
    apply_from_args(app.state().store(), app.state().account(), &args.policy).await?;
    if let Some(password) = app.generated_admin_password() {
        show_generated_password(password);
    }
    println!("oss-audit listening on http://{}", app.local_addr());
    let shutdown = CancellationToken::new();
    let trigger = shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        trigger.cancel();
    });
    app.run_until_stopped(shutdown)
        .await
        .map_err(|e| CliError::failed("server error", e))
}
