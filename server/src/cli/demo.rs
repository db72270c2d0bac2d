//! `oss-audit demo`: the full dashboard on a seeded sandbox, scanned into a fresh database.

use std::net::SocketAddr;

use tokio_util::sync::CancellationToken;

use super::scan::summary;
use super::serve::admin_password;
use super::{CliError, failed};
use crate::actions;
use crate::auth::password::Password;
use crate::domain::{Actor, Trigger};
use crate::report::ReportTrigger;
use crate::sandbox::{self, SandboxConfig};
use crate::scan::{ScanOptions, ScanProgress};
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
    let sandbox = sandbox::start(SandboxConfig::on_free_port(args.buckets, args.seed))
        .await
        .map_err(failed("could not start the sandbox"))?;
    println!(
        "OSS sandbox with {} buckets listening on {}",
        args.buckets,
        sandbox.local_addr()
    );

    let database = std::env::temp_dir().join(format!("oss-audit-demo-{}.db", std::process::id()));
    let password = match admin_password() {
        Some(given) => Password::new(given.expose()).map_err(CliError::config)?,
        None => Password::generate(),
    };
    let mut settings = Settings::new(
        format!("sqlite://{}", database.display()),
        sandbox.client_config(),
    );
    settings.listen = args.listen;
    settings.admin_password = Some(password.clone().into_secret());
    let app = Application::build(settings)
        .await
        .map_err(failed("could not start the dashboard"))?;

    // The first scan completes before the dashboard is announced, so it opens with data; three
    // weeks of past scans before it give the trend and the bucket histories something to show.
    let state = app.state().clone();
    actions::demo_history::seed(state.store(), state.client(), state.account(), 21)
        .await
        .map_err(failed("seeding past scans failed"))?;
    let options = ScanOptions {
        concurrency: 16,
        trigger: Trigger::Demo,
    };
    let (progress, _) = tokio::sync::watch::channel(ScanProgress::default());
    let outcome = state
        .scanner()
        .run(options, progress, CancellationToken::new())
        .await
        .map_err(failed("the first scan failed"))?;
    println!("{}", summary(&outcome));
    // A first report, so the Reports page opens with evidence to download and verify.
    let actor = Actor::named("demo");
    let report = actions::reports::create(
        state.store(),
        state.account(),
        ReportTrigger::Demo,
        &actor,
        true,
    )
    .await
    .map_err(failed("the first report failed"))?;
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
        .map_err(failed("server error"))?;
    sandbox.shutdown().await;
    Ok(())
}
