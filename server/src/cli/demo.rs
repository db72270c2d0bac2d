//! `oss-audit demo`: the full dashboard on a seeded sandbox estate (the hub and two member accounts
//! of its Resource Directory, one whose role refuses the hub), scanned into a fresh database.

use std::net::SocketAddr;

use tokio_util::sync::CancellationToken;

use super::scan::summary;
use super::serve::admin_password;
use super::{CliError, failed};
use crate::actions;
use crate::auth::password::Password;
use crate::domain::RoleName;
use crate::domain::{Actor, Trigger};
use crate::report::ReportTrigger;
use crate::sandbox::{self, RESOURCEMANAGER_ENDPOINT, STS_ENDPOINT, SandboxConfig};
use crate::scan::{ScanError, ScanOptions, ScanProgress};
use crate::startup::{Application, Settings, shutdown_signal};

/// The demo's accounts: the hub and two members, the last of which does not trust the hub.
const ACCOUNTS: usize = 3;

/// Flags of `oss-audit demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// How many buckets the sandbox seeds in each account.
    #[arg(long, default_value_t = 60)]
    buckets: usize,
    /// The seed of the sandbox population.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where the dashboard listens.
    #[arg(long, env = "OSS_AUDIT_LISTEN", default_value = crate::startup::DEFAULT_LISTEN)]
    listen: SocketAddr,
}

/// Days until the demo's dying key is deleted.
const DELETION_IN_DAYS: i64 = 14;

/// The first seeded key of the hub that a readable bucket's rule names.
fn dying_key(sandbox: &sandbox::SandboxHandle) -> Option<crate::domain::KmsKeyId> {
    let hub = sandbox.hub();
    sandbox
        .buckets_of(&hub.uid)
        .into_iter()
        .filter(|b| !b.access_denied)
        .filter_map(|b| b.encryption.and_then(|r| r.kms_key_id().cloned()))
        .find(|key| sandbox.kms_key(key).is_some())
}

pub(super) async fn run(args: DemoArgs) -> Result<(), CliError> {
    let sandbox = sandbox::start(SandboxConfig {
        accounts: ACCOUNTS,
        untrusted_roles: 1,
        ..SandboxConfig::on_free_port(args.buckets, args.seed)
    })
    .await
    .map_err(failed("could not start the sandbox"))?;
    println!(
        "OSS sandbox with {ACCOUNTS} accounts of {} buckets each listening on {}",
        args.buckets,
        sandbox.local_addr()
    );
    // One of the hub's customer keys is scheduled for deletion, so the overview opens with the
    // critical finding a dying key is ("readable until …").
    if let Some(key) = dying_key(&sandbox) {
        let at = chrono::Utc::now() + chrono::TimeDelta::days(DELETION_IN_DAYS);
        sandbox.schedule_kms_key_deletion(&key, at);
        println!(
            "customer key {key} is pending deletion on {}",
            at.format("%Y-%m-%d")
        );
    }

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
    settings.sts_endpoint =
        url::Url::parse(STS_ENDPOINT).unwrap_or_else(|_| unreachable!("STS_ENDPOINT is a URL"));
    settings.resourcemanager_endpoint = url::Url::parse(RESOURCEMANAGER_ENDPOINT)
        .unwrap_or_else(|_| unreachable!("RESOURCEMANAGER_ENDPOINT is a URL"));
    let app = Application::build(settings)
        .await
        .map_err(failed("could not start the dashboard"))?;
    let state = app.state().clone();

    // Three weeks of past scans of the hub give the trend and the bucket histories something to
    // show; today's scan then covers the whole estate.
    actions::demo_history::seed(state.store(), state.clients().hub(), state.account(), 21)
        .await
        .map_err(failed("seeding past scans failed"))?;

    // The members come from the sandbox's Resource Directory, as `account discover` finds them.
    let role = RoleName::parse(sandbox::DEFAULT_ROLE_NAME)
        .unwrap_or_else(|_| unreachable!("a valid role name"));
    let found = actions::accounts::discover(
        state.store(),
        state.directory(),
        state.clients().hub(),
        &role,
        None,
        &Actor::named("demo"),
    )
    .await
    .map_err(failed("could not discover the sandbox's accounts"))?;
    for account in &found.added {
        println!("account {} added from the Resource Directory", account.name);
    }

    // The first scan ends before the dashboard is announced, so it opens with data. One member's
    // role does not trust the hub: its part fails with STS's NoPermission, the scan is partial.
    let options = ScanOptions {
        concurrency: 16,
        ..ScanOptions::new(Trigger::Demo)
    };
    let (progress, _) = tokio::sync::watch::channel(ScanProgress::default());
    match state
        .scanner()
        .run(options, progress, CancellationToken::new())
        .await
    {
        Ok(outcome) => println!("{}", summary(&outcome)),
        Err(err @ ScanError::Failed { .. }) => println!("{err}"),
        Err(err) => return Err(CliError::failed("the first scan failed", err)),
    }
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
