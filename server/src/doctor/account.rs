//! The checks of one account, in the order a scan needs them: the hub's keys sign (or the
//! member's role is assumed), ListBuckets, GetBucketEncryption on a sample of each region's
//! buckets, and DescribeKey on a key one of those buckets names. A check that cannot run because
//! an earlier one failed is reported as skipped, never as passed.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::outcomes::{self, assume_fix, oss_failure, rpc_failure};
use super::{Check, Outcome, SAMPLE_PER_REGION};
use crate::cloud::{AccountAccess, AccountClients, KmsClient, KmsRefusal};
use crate::domain::{AccountUid, KmsKeyId, RamAction, Region};
use crate::oss::{
    BucketAddress, CredentialsProvider, ListBucketsQuery, OssClient, StaticCredentials,
};
use crate::store::AccountRecord;

/// The checks of one account.
pub(super) struct AccountCheck<'a> {
    clients: &'a AccountClients,
    account: &'a AccountRecord,
    hub_uid: Option<&'a AccountUid>,
    checks: Vec<Check>,
}

impl<'a> AccountCheck<'a> {
    pub(super) fn new(
        clients: &'a AccountClients,
        account: &'a AccountRecord,
        hub_uid: Option<&'a AccountUid>,
    ) -> Self {
        Self {
            clients,
            account,
            hub_uid,
            checks: Vec::new(),
        }
    }

    fn push(&mut self, check: impl Into<String>, outcome: Outcome) {
        self.checks.push(Check {
            account: self.account.name.as_str().to_owned(),
            check: check.into(),
            outcome,
        });
    }

    /// Skips the checks that follow a failed one.
    fn skip_rest(&mut self, why: &str) -> (Vec<Check>, Option<AccountUid>) {
        for check in [
            RamAction::OssListBuckets.as_str(),
            RamAction::OssGetBucketEncryption.as_str(),
            RamAction::KmsDescribeKey.as_str(),
        ] {
            if !self.checks.iter().any(|c| c.check == check) {
                self.push(
                    check,
                    Outcome::Skipped {
                        reason: why.to_owned(),
                    },
                );
            }
        }
        (std::mem::take(&mut self.checks), None)
    }

    /// Runs the checks; returns them and, for the hub, the uid its listing names as owner.
    pub(super) async fn run(mut self) -> (Vec<Check>, Option<AccountUid>) {
        let Some((client, keys)) = self.connect().await else {
            return self.skip_rest("skipped: no credentials for this account");
        };
        let hub = self.account.is_hub();
        let mut buckets = Vec::new();
        let mut query = ListBucketsQuery {
            max_keys: Some(1000),
            ..ListBucketsQuery::default()
        };
        let mut owner = None;
        loop {
            let page = match client.list_buckets_page(&query).await {
                Ok(page) => page.value,
                Err(err) => {
                    if hub && query.marker.is_none() {
                        self.push("credentials", outcomes::credentials(Some(&err)));
                        if self.checks.iter().any(|c| c.outcome.word() == "FAILED") {
                            return self.skip_rest("skipped: the keys were refused");
                        }
                    }
                    self.push(
                        RamAction::OssListBuckets.as_str(),
                        oss_failure(&err, RamAction::OssListBuckets),
                    );
                    return self.skip_rest("skipped: the buckets could not be listed");
                }
            };
            if query.marker.is_none() {
                owner = page.owner_id.and_then(|o| AccountUid::parse(&o).ok());
                if hub {
                    self.push("credentials", outcomes::credentials(None));
                }
            }
            buckets.extend(page.buckets);
            match page.next_marker {
                Some(next) if query.marker.as_ref().is_none_or(|m| next > *m) => {
                    query.marker = Some(next);
                }
                _ => break,
            }
        }
        let mut regions: BTreeMap<Region, Vec<BucketAddress>> = BTreeMap::new();
        for bucket in &buckets {
            regions
                .entry(bucket.region.clone())
                .or_default()
                .push(BucketAddress::from(bucket));
        }
        self.push(
            RamAction::OssListBuckets.as_str(),
            Outcome::Ok {
                detail: format!("{} buckets in {} regions", buckets.len(), regions.len()),
            },
        );
        if regions.is_empty() {
            self.push(
                RamAction::OssGetBucketEncryption.as_str(),
                Outcome::Skipped {
                    reason: "skipped: the account has no buckets".to_owned(),
                },
            );
        }
        let (mut key, mut any_read) = (None, false);
        for (region, sample) in &regions {
            let (read, found) = self.read_sample(&client, region, sample).await;
            any_read |= read;
            key = key.or(found);
        }
        if any_read || regions.is_empty() {
            self.describe_key(key, keys).await;
        } else {
            let reason = "skipped: no sampled bucket could be read, so no KMS key is known";
            self.push(
                RamAction::KmsDescribeKey.as_str(),
                Outcome::Skipped {
                    reason: reason.to_owned(),
                },
            );
        }
        (std::mem::take(&mut self.checks), owner.filter(|_| hub))
    }

    /// The account's OSS client and the keys it signs with: the hub's own, or the member's role,
    /// assumed now (with its check line).
    async fn connect(&mut self) -> Option<(OssClient, Arc<dyn CredentialsProvider>)> {
        let hub = self.clients.hub();
        let access = match AccountAccess::new(
            self.account.id,
            self.account.name.clone(),
            self.account.role_arn.as_ref(),
            self.account.external_id.as_ref(),
            self.account.oss_endpoint.as_deref(),
        ) {
            Ok(access) => access,
            Err(err) => {
                self.push(
                    "endpoint",
                    Outcome::Failed {
                        code: err.kind_code().to_owned(),
                        request_id: None,
                        message: err.to_string(),
                        fix: "a usable OSS endpoint for the account (`oss-audit account add --endpoint`)"
                            .to_owned(),
                    },
                );
                return None;
            }
        };
        let Some(role) = &access.role else {
            let keys: Arc<dyn CredentialsProvider> =
                Arc::new(StaticCredentials::new(hub.config().credentials.clone()));
            return Some((hub.clone(), keys));
        };
        let check = RamAction::StsAssumeRole.as_str();
        match self.clients.sts().assume_role(role).await {
            Ok(assumed) => {
                self.push(
                    check,
                    Outcome::Ok {
                        detail: format!("assumed {}", role.role_arn),
                    },
                );
                let keys: Arc<dyn CredentialsProvider> =
                    Arc::new(StaticCredentials::new(assumed.credentials));
                Some((hub.for_account(access.endpoint, keys.clone()), keys))
            }
            Err(err) => {
                let outcome = rpc_failure(&err, assume_fix(role, self.hub_uid, &err));
                self.push(check, outcome);
                None
            }
        }
    }

    /// Reads up to [`SAMPLE_PER_REGION`] buckets of `region`; passes when one read works (a
    /// refusal of some buckets only is their bucket policy's, which the scan shows as unknown).
    /// Returns whether a bucket was read, and a KMS key a read bucket names.
    async fn read_sample(
        &mut self,
        client: &OssClient,
        region: &Region,
        buckets: &[BucketAddress],
    ) -> (bool, Option<(Region, KmsKeyId)>) {
        let check = format!("{} {region}", RamAction::OssGetBucketEncryption);
        let (mut read, mut refused, mut key) = (Vec::new(), Vec::new(), None);
        for bucket in buckets.iter().take(SAMPLE_PER_REGION) {
            match client.get_bucket_encryption(bucket).await {
                Ok(answer) => {
                    if let Some(id) = answer.value.as_ref().and_then(|r| r.kms_key_id()) {
                        key = key.or_else(|| Some((region.clone(), id.clone())));
                    }
                    read.push(bucket.name.as_str().to_owned());
                }
                Err(err) => refused.push((bucket.name.as_str().to_owned(), err)),
            }
        }
        let outcome = match refused.first() {
            Some((name, err)) if read.is_empty() => {
                let mut outcome = oss_failure(err, RamAction::OssGetBucketEncryption);
                if let Outcome::Failed { message, .. } = &mut outcome {
                    *message = format!("bucket {name}: {message}");
                }
                outcome
            }
            _ => {
                let mut detail = format!(
                    "read {} of {} sampled buckets",
                    read.len(),
                    read.len() + refused.len()
                );
                for (name, err) in &refused {
                    detail.push_str(&format!(
                        "; {name} refused ({}, request id {}): its bucket policy, shown as unknown by scans",
                        err.kind_code(),
                        err.request_id().unwrap_or("none")
                    ));
                }
                Outcome::Ok { detail }
            }
        };
        self.push(check, outcome);
        (!read.is_empty(), key)
    }

    /// DescribeKey on a key a sampled bucket names, in its region, with the account's keys.
    async fn describe_key(
        &mut self,
        key: Option<(Region, KmsKeyId)>,
        keys: Arc<dyn CredentialsProvider>,
    ) {
        let check = RamAction::KmsDescribeKey.as_str();
        let Some((region, key_id)) = key else {
            self.push(
                check,
                Outcome::Skipped {
                    reason: "skipped: no KMS key referenced by the sampled buckets".to_owned(),
                },
            );
            return;
        };
        let kms = match KmsClient::new(region.clone(), self.clients.hub().config(), keys) {
            Ok(kms) => kms,
            Err(err) => {
                let outcome = rpc_failure(&err, "a usable KMS endpoint".to_owned());
                self.push(check, outcome);
                return;
            }
        };
        let outcome = match kms.describe_key(&key_id).await {
            Ok(described) => Outcome::Ok {
                detail: format!(
                    "key {key_id} in {region} is {}",
                    described.metadata.state.as_str()
                ),
            },
            Err(err) => match KmsRefusal::of(&err) {
                Some(refusal) if refusal.is_not_found() => Outcome::Ok {
                    detail: format!(
                        "KMS answered for key {key_id} in {region}: not found ({}); scans report its buckets",
                        err.code()
                    ),
                },
                Some(KmsRefusal::NotActivated) => {
                    rpc_failure(&err, "activate KMS in this account".to_owned())
                }
                _ => rpc_failure(&err, RamAction::KmsDescribeKey.as_str().to_owned()),
            },
        };
        self.push(check, outcome);
    }
}
