//! `oss-audit bucket-encryption get|put|delete`: one bucket's default encryption.

use serde_json::json;

use super::CliError;
use crate::domain::{
    BucketName, EncryptionRule, KmsDataEncryption, KmsKeyId, Region, SseAlgorithm,
};
use crate::oss::{Answer, BucketAddress, OssClient};

/// The three verbs.
#[derive(Debug, clap::Subcommand)]
pub enum EncryptionCommand {
    /// Show the bucket's default encryption.
    Get(Target),
    /// Set the bucket's default encryption, then show what OSS now reports.
    Put {
        #[command(flatten)]
        target: Target,
        /// SSE algorithm: AES256, SM4 or KMS.
        #[arg(long)]
        algorithm: SseAlgorithm,
        /// Customer master key id, alias or ARN (KMS only; default: the OSS-managed key).
        #[arg(long)]
        kms_key_id: Option<KmsKeyId>,
        /// Encrypt object data with SM4 under KMS (KMS only).
        #[arg(long)]
        kms_data_encryption: Option<KmsDataEncryption>,
    },
    /// Remove the bucket's default encryption, then show what OSS now reports.
    Delete(Target),
}

/// The bucket a verb acts on.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The bucket name.
    bucket: BucketName,
    /// The bucket's region (default: found through ListBuckets).
    #[arg(long)]
    region: Option<Region>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub(super) async fn run(client: OssClient, command: EncryptionCommand) -> Result<(), CliError> {
    match command {
        EncryptionCommand::Get(target) => {
            let address = locate(&client, &target).await?;
            let state = client.get_bucket_encryption(&address).await?;
            show(&target, &address, &state, None);
        }
        EncryptionCommand::Put {
            target,
            algorithm,
            kms_key_id,
            kms_data_encryption,
        } => {
            // Refuse invalid combinations before any request is made.
            let rule = EncryptionRule::from_parts(algorithm, kms_key_id, kms_data_encryption)
                .map_err(CliError::config)?;
            let address = locate(&client, &target).await?;
            let put = client.put_bucket_encryption(&address, &rule).await?;
            let state = client.get_bucket_encryption(&address).await?;
            show(&target, &address, &state, Some(("put", put.request_id)));
        }
        EncryptionCommand::Delete(target) => {
            let address = locate(&client, &target).await?;
            let deleted = client.delete_bucket_encryption(&address).await?;
            let state = client.get_bucket_encryption(&address).await?;
            show(
                &target,
                &address,
                &state,
                Some(("delete", deleted.request_id)),
            );
        }
    }
    Ok(())
}

/// The bucket's address: from `--region`, or from ListBuckets.
async fn locate(client: &OssClient, target: &Target) -> Result<BucketAddress, CliError> {
    if let Some(region) = &target.region {
        return Ok(BucketAddress::in_region(
            target.bucket.clone(),
            region.clone(),
        ));
    }
    match client.find_bucket(&target.bucket).await? {
        Some(summary) => Ok(BucketAddress::from(&summary)),
        None => Err(CliError::refused(format!(
            "bucket {} is not in this account's ListBuckets; check the name, or give --region",
            target.bucket
        ))),
    }
}

fn show(
    target: &Target,
    address: &BucketAddress,
    state: &Answer<Option<EncryptionRule>>,
    change: Option<(&str, Option<String>)>,
) {
    let rule = state.value.as_ref();
    if target.json {
        let mut out = json!({
            "bucket": address.name,
            "region": address.region,
            "status": if rule.is_some() { "encrypted" } else { "unencrypted" },
            "sse_algorithm": rule.map(|r| r.algorithm().as_str()),
            "kms_master_key_id": rule.and_then(|r| r.kms_key_id()),
            "kms_data_encryption": rule.and_then(|r| r.kms_data_encryption()).map(|d| d.as_str()),
            "request_id": state.request_id,
        });
        if let Some((verb, request_id)) = change {
            out[format!("{verb}_request_id")] = json!(request_id);
        }
        println!("{out}");
        return;
    }
    if let Some((verb, request_id)) = &change {
        println!(
            "{verb}: done (request id {})",
            request_id.as_deref().unwrap_or("none")
        );
    }
    let described = rule.map_or_else(
        || "not encrypted (no default SSE rule)".to_owned(),
        ToString::to_string,
    );
    println!("{} ({}): {described}", address.name, address.region);
    println!(
        "read with request id {}",
        state.request_id.as_deref().unwrap_or("none")
    );
}
