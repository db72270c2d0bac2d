//! The keys behind an account's SSE-KMS buckets: once the part has read every bucket, ask KMS
//! DescribeKey once per distinct customer key (in the bucket's region, with the account's
//! credentials, paced by the account's rate limiter), record what it said, judge the buckets with
//! it, and queue one `key_unusable` event for keys that became unusable.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use futures_util::{StreamExt, stream};
use sqlx::SqliteConnection;

use crate::cloud::{KmsClient, KmsRefusal, RpcError};
use crate::domain::{
    AccountId, AccountName, AccountScanId, BucketId, BucketName, EncryptionState, Event,
    KeyCondition, KeyStanding, KeysUnusable, KmsKeyId, Region, ScanId, UnusableKey,
};
use crate::notify;
use crate::oss::OssClient;
use crate::store::{self, KeyCheck, StoreError};

/// A bucket read this scan whose rule names a customer key.
#[derive(Debug, Clone)]
pub(super) struct KeyUse {
    pub bucket: BucketId,
    pub name: BucketName,
    pub region: Region,
    pub key: KmsKeyId,
}

impl KeyUse {
    /// The use of `state`'s customer key by a bucket, if it names one.
    pub fn of(
        bucket: BucketId,
        name: &BucketName,
        region: &Region,
        state: &EncryptionState,
    ) -> Option<Self> {
        let EncryptionState::Encrypted(rule) = state else {
            return None;
        };
        Some(Self {
            bucket,
            name: name.clone(),
            region: region.clone(),
            key: rule.kms_key_id()?.clone(),
        })
    }
}

/// Asks KMS about every distinct key of `uses`, `concurrency` at a time: one call per key.
pub(super) async fn check(
    client: &OssClient,
    uses: &[KeyUse],
    concurrency: usize,
) -> Result<HashMap<(Region, KmsKeyId), KeyCheck>, RpcError> {
    let distinct: BTreeMap<(String, String), (Region, KmsKeyId)> = uses
        .iter()
        .map(|u| {
            let id = (u.region.as_str().to_owned(), u.key.as_str().to_owned());
            (id, (u.region.clone(), u.key.clone()))
        })
        .collect();
    let mut clients: HashMap<Region, KmsClient> = HashMap::new();
    for (region, _) in distinct.values() {
        if !clients.contains_key(region) {
            let kms = KmsClient::new(region.clone(), client.config(), client.credentials())?;
            clients.insert(region.clone(), kms);
        }
    }
    let clients = &clients;
    let checks = stream::iter(distinct.into_values())
        .map(|(region, key)| async move {
            client.pace().await;
            let kms = &clients[&region];
            let check = describe(kms, &region, &key).await;
            ((region, key), check)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    Ok(checks)
}

async fn describe(kms: &KmsClient, region: &Region, key: &KmsKeyId) -> KeyCheck {
    let alias = key
        .as_str()
        .starts_with("alias/")
        .then(|| key.as_str().to_owned());
    let refused = |condition: KeyCondition, err: &RpcError| KeyCheck {
        region: region.as_str().to_owned(),
        key_id: key.as_str().to_owned(),
        alias: alias.clone(),
        condition,
        metadata: None,
        error_code: Some(err.code().to_owned()),
        error_message: Some(err.to_string()),
        request_id: err.request_id().map(str::to_owned),
    };
    match kms.describe_key(key).await {
        Ok(described) => KeyCheck {
            region: region.as_str().to_owned(),
            key_id: described.metadata.key_id.as_str().to_owned(),
            alias: alias.clone(),
            condition: KeyCondition::State(described.metadata.state.clone()),
            metadata: Some(described.metadata),
            error_code: None,
            error_message: None,
            request_id: Some(described.request_id),
        },
        Err(err) if KmsRefusal::of(&err).is_some_and(KmsRefusal::is_not_found) => {
            refused(KeyCondition::NotFound, &err)
        }
        Err(err) => {
            tracing::warn!(region = %region, key = %key, code = err.code(), request_id = err.request_id().unwrap_or("none"), "KMS could not describe a bucket's key");
            refused(KeyCondition::Unknown, &err)
        }
    }
}

/// Records `checks` in the transaction that completes `part`, links each bucket to its key,
/// fails the buckets whose key is unusable on top of their rule's judgement, and queues one `key_unusable`
/// event listing the keys whose state changed to unusable with every bucket that depends on them.
pub(super) async fn record(
    conn: &mut SqliteConnection,
    hub: AccountId,
    account: (AccountId, &AccountName),
    scan: ScanId,
    part: AccountScanId,
    uses: &[KeyUse],
    checks: &HashMap<(Region, KmsKeyId), KeyCheck>,
) -> Result<(), StoreError> {
    let ordered: Vec<(&(Region, KmsKeyId), &KeyCheck)> = checks.iter().collect();
    let list: Vec<KeyCheck> = ordered.iter().map(|(_, c)| (*c).clone()).collect();
    let recorded =
        store::record_key_checks(&mut *conn, account.0, Some(part), &list, Utc::now()).await?;
    let rows: HashMap<&(Region, KmsKeyId), (store::RecordedKey, &KeyCheck)> = ordered
        .iter()
        .zip(&recorded)
        .map(|((id, check), rec)| (*id, (*rec, *check)))
        .collect();

    let mut links = Vec::with_capacity(uses.len());
    let mut unusable: BTreeMap<i64, UnusableKey> = BTreeMap::new();
    for u in uses {
        let Some((rec, check)) = rows.get(&(u.region.clone(), u.key.clone())) else {
            continue;
        };
        links.push((u.bucket, rec.id));
        let standing = check.condition.standing();
        if rec.changed && standing == KeyStanding::Unusable {
            unusable
                .entry(rec.id)
                .or_insert_with(|| UnusableKey {
                    key_id: check.key_id.clone(),
                    region: check.region.clone(),
                    state: check.condition.as_str().to_owned(),
                    readable_until: check.metadata.as_ref().and_then(|m| m.readable_until()),
                    buckets: Vec::new(),
                })
                .buckets
                .push(u.name.to_string());
        }
    }
    store::link_bucket_keys(&mut *conn, account.0, &links).await?;
    // The rules judged these buckets already in this transaction; the key's standing goes on top.
    store::apply_key_judgements(&mut *conn, None).await?;
    if unusable.is_empty() {
        return Ok(());
    }
    tracing::warn!(account = %account.1, keys = unusable.len(), "customer keys behind SSE-KMS are unusable");
    let event = Event::KeyUnusable(KeysUnusable {
        account: Some(account.1.to_string()),
        scan: Some(scan),
        keys: unusable.into_values().collect(),
    });
    notify::enqueue(conn, hub, &event).await
}
