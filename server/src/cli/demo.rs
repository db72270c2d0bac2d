//! `oss-audit demo`: the full dashboard on a seeded sandbox, scanned into a fresh database.

use std::net::SocketAddr;

use tokio_util::sync::CancellationToken;

use super::CliError;
use super::scan::summary;
use crate::auth::password::Password;
use crate::report::{DEFAULT_SCHEDULE, ReportSchedule, ReportTrigger, create_report};
use crate::sandbox::{self, SandboxConfig};
use crate::scan::{ScanOptions, ScanProgress, Trigger};
use crate::startup::{Application, Settings, shutdown_signal};

/// Flags of `oss-audit demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// How many buckets the sandbox seeds.
    #[arg(long, default_value_t = 60)]
    buckets: usize,
    /// The seed of the sandbox population.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where the dashboard listens.
    #[arg(long, env = "OSS_AUDIT_LISTEN", default_value = crate::startup::DEFAULT_LISTEN)]
    listen: SocketAddr,
}

pub(super) async fn run(args: DemoArgs) -> Result<(), CliError> {
    let sandbox = sandbox::start(SandboxConfig::for_tests(args.buckets, args.seed))
        .await
        .map_err(|e| failed("could not start the sandbox", &e))?;
    println!(
        "OSS sandbox with {} buckets listening on {}",
        args.buckets,
        sandbox.local_addr()
    );

    let database = std::env::temp_dir().join(format!("oss-audit-demo-{}.db", std::process::id()));
    let password = match std::env::var("OSS_AUDIT_ADMIN_PASSWORD") {
        Ok(given) if !given.is_empty() => {
            Password::new(&given).map_err(|e| CliError::Config(e.to_string()))?
        }
        _ => Password::generate(),
    };
    let mut settings = Settings::for_tests(
        format!("sqlite://{}", database.display()),
        sandbox.client_config(),
    );
    settings.listen = args.listen;
    settings.scan_interval = std::time::Duration::from_secs(3600);
    settings.admin_password = Some(password.clone().into_secret());
    settings.report_schedule = ReportSchedule::parse(DEFAULT_SCHEDULE)
        .map_err(|e| failed("the default report schedule", &e))?;
    let app = Application::build(settings)
        .await
        .map_err(|e| failed("could not start the dashboard", &e))?;

    // The first scan completes before the dashboard is announced, so it opens with data.
    let state = app.state().clone();
    let options = ScanOptions {
        concurrency: 16,
        trigger: Trigger::Demo,
    };
    let (progress, _) = tokio::sync::watch::channel(ScanProgress::default());
    let outcome = state
        .scanner()
        .run(options, progress, CancellationToken::new())
        .await
        .map_err(|e| failed("the first scan failed", &e))?;
    println!("{}", summary(&outcome));
    // A first report, so the Reports page opens with evidence to download and verify.
    let report = create_report(state.store(), state.account(), ReportTrigger::Demo, "demo")
        .await
        .map_err(|e| failed("the first report failed", &e))?;
    println!("report {} stored, SHA-256 {}", report.id, report.digest);
    println!("database {}", database.display());
    println!();
    println!("Dashboard: http://{}/", app.local_addr());
    println!("Sign in as admin with password {}", password.expose());
    println!("(Ctrl-C stops the demo)");

    let shutdown = CancellationToken::new();
    let trigger = shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        trigger.cancel();
    });
    app.run_until_stopped(shutdown)
        .await
        .map_err(|e| failed("server error", &e))?;
    sandbox.shutdown().await;
    Ok(())
}

fn failed(what: &str, err: &dyn std::fmt::Display) -> CliError {
    CliError::Failed(format!("{what}: {err}"))
}
