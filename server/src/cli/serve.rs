//! `oss-audit serve`: the long-running process (HTTP and the scan scheduler).

use std::net::SocketAddr;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::CliError;
use super::policy::{PolicyArgs, apply_from_args};
use super::scan::PaceArgs;
use crate::oss::ClientConfig;
use crate::startup::{Application, Settings, shutdown_signal};

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
    pub pace: PaceArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub access: crate::web::session::AccessArgs,
    #[command(flatten)]
    pub notify: crate::notify::NotifyArgs,
    #[command(flatten)]
    pub notify_targets: crate::notify::EnvTargetArgs,
}

/// Parses a humantime duration, with a bare `0` meaning "disabled".
pub fn parse_interval(raw: &str) -> Result<Duration, String> {
    if raw.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(raw.trim()).map_err(|e| format!("{e} (expected e.g. 1h, 30m or 0)"))
}

pub(super) async fn run(
    mut client: ClientConfig,
    database_url: String,
    args: ServeArgs,
) -> Result<(), CliError> {
    client.max_rps = args.pace.max_rps;
    let env_targets = args.notify_targets.targets().map_err(CliError::Config)?;
    let settings = Settings {
        database_url,
        listen: args.listen,
        scan_interval: args.scan_interval,
        report_schedule: args.report_schedule,
        scan_concurrency: args.pace.concurrency,
        client,
        admin_password: args.access.admin_password(),
        access: args.access.config(),
        notify: args.notify.config(env_targets),
    };
    let app = Application::build(settings)
        .await
        .map_err(|e| CliError::Failed(e.to_string()))?;
    apply_from_args(app.state().store(), app.state().account(), &args.policy).await?;
    println!("oss-audit listening on http://{}", app.local_addr());
    let shutdown = CancellationToken::new();
    let trigger = shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        trigger.cancel();
    });
    app.run_until_stopped(shutdown)
        .await
        .map_err(|e| CliError::Failed(format!("server error: {e}")))
}
