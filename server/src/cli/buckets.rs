//! `oss-audit buckets`: every bucket of the account with its region.

use serde_json::json;

use super::CliError;
use super::args::OssArgs;

/// Flags of `oss-audit buckets`.
#[derive(Debug, clap::Args)]
pub struct BucketsArgs {
    #[command(flatten)]
    oss: OssArgs,
    /// Only buckets whose names start with this.
    #[arg(long)]
    prefix: Option<String>,
    /// Only buckets of this resource group (`rg-default-id` for the default group).
    #[arg(long)]
    resource_group: Option<String>,
    /// Print JSON (`{"buckets":[...]}`) instead of a table.
    #[arg(long)]
    json: bool,
}

pub(super) async fn run(args: BucketsArgs) -> Result<(), CliError> {
    let client = args.oss.client(0)?;
    let buckets = client
        .list_all_buckets(args.prefix.as_deref(), args.resource_group.as_deref())
        .await?;
    if args.json {
        let rows: Vec<_> = buckets
            .iter()
            .map(|b| {
                json!({
                    "name": b.name,
                    "region": b.region,
                    "extranet_endpoint": b.extranet_endpoint,
                    "intranet_endpoint": b.intranet_endpoint,
                    "creation_date": b.creation_date.map(|d| d.to_rfc3339()),
                    "storage_class": b.storage_class,
                    "resource_group_id": b.resource_group_id,
                })
            })
            .collect();
        println!("{}", json!({ "buckets": rows }));
        return Ok(());
    }
    let width = buckets
        .iter()
        .map(|b| b.name.as_str().len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:width$}  {:16}  CREATED", "NAME", "REGION");
    for b in &buckets {
        let created = b
            .creation_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        println!(
            "{:width$}  {:16}  {created}",
            b.name.as_str(),
            b.region.as_str()
        );
    }
    println!("{} buckets", buckets.len());
    Ok(())
}
