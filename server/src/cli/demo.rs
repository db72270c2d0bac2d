//! `oss-audit demo`: a seeded sandbox, scanned through the real client into a fresh database.

use super::CliError;
use super::scan::{scan_once, summary};
use crate::oss::OssClient;
use crate::sandbox::{self, SandboxConfig};
use crate::scan::Trigger;
use crate::store;
use crate::view::BucketView;

/// Flags of `oss-audit demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// How many buckets the sandbox seeds.
    #[arg(long, default_value_t = 60)]
    buckets: usize,
    /// The seed of the sandbox population.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

pub(super) async fn run(args: DemoArgs) -> Result<(), CliError> {
    let config = SandboxConfig::for_tests(args.buckets, args.seed);
    let sandbox = sandbox::start(config)
        .await
        .map_err(|e| CliError::Failed(format!("could not start the sandbox: {e}")))?;
    println!("OSS sandbox listening on {}", sandbox.local_addr());
    let database = std::env::temp_dir().join(format!("oss-audit-demo-{}.db", std::process::id()));
    let database_url = format!("sqlite://{}", database.display());
    let client_config = sandbox.client_config();
    let (store, account) =
        crate::startup::open_store(&database_url, client_config.endpoint.as_str())
            .await
            .map_err(|e| CliError::Failed(e.to_string()))?;
    println!("database {}", database.display());
    let client = OssClient::new(client_config).map_err(|e| CliError::Config(e.to_string()))?;
    let outcome = scan_once(client, store.clone(), account, 16, Trigger::Demo).await?;

    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(|e| CliError::Failed(e.to_string()))?;
    let records = store::list_current_buckets(&mut conn, account)
        .await
        .map_err(|e| CliError::Failed(e.to_string()))?;
    println!("ListBuckets: {} buckets across every page\n", records.len());
    let width = records
        .iter()
        .map(|b| b.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    println!(
        "{:width$}  {:15}  {:11}  {:9}  DETAIL",
        "BUCKET", "REGION", "STATUS", "COMPLIANT"
    );
    for record in &records {
        let view = BucketView::from_record(record).map_err(|e| CliError::Failed(e.to_string()))?;
        let detail = match record.state().ok().flatten() {
            Some(crate::domain::EncryptionState::Encrypted(rule)) => rule.to_string(),
            Some(crate::domain::EncryptionState::Unknown { code, .. }) => format!(
                "{code} (request id {})",
                record.request_id.as_deref().unwrap_or("none")
            ),
            _ => String::new(),
        };
        let compliant = match view.compliant {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        println!(
            "{:width$}  {:15}  {:11}  {compliant:9}  {detail}",
            view.name, view.region, view.status
        );
    }
    println!("\n{}", summary(&outcome));
    drop(conn);
    store.close().await;
    sandbox.shutdown().await;
    Ok(())
}
