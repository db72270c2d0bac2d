//! The demo's past: a few weeks of daily scans that end in what the account holds today, with
//! drift on the way (buckets that gained encryption, buckets that lost it, a KMS key that was
//! rotated, buckets that appeared), so the trend and each bucket's history show something real.
//!
//! The past is written the way scans write it (the store's scan, inventory and state functions,
//! one transaction per scan), only with past times: readers cannot tell it from scans that ran.

use chrono::{Duration, Utc};
use futures_util::TryStreamExt;

use crate::domain::{
    AccountId, EncryptionRule, EncryptionState, KmsKeyId, Policy, ScanStatus, Status, Trigger,
    judge,
};
use crate::oss::{BucketAddress, OssClient, OssError};
use crate::store::{self, BucketSync, ListedBucket, Observation, Store, StoreError};

/// Why the past could not be seeded.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("listing the account's buckets failed")]
    Listing(#[source] OssError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the account already has scans; its past is not invented over them")]
    NotEmpty,
}

/// The key a rotated bucket used before its rotation.
const OLD_KEY: &str = "5f0c3a1e-7d24-4b8e-9a61-2c4e8f0b7d13";

/// One bucket's past: what it held until `until` (a scan index) and what it holds today.
struct Past {
    listed: ListedBucket,
    today: EncryptionState,
    /// The state of the scans before `until`; `None` = always today's.
    before: Option<(EncryptionState, usize)>,
    /// The first scan that lists it.
    from: usize,
}

impl Past {
    /// What scan `scan` saw of it, or `None` when it did not exist yet.
    fn at(&self, scan: usize) -> Option<&EncryptionState> {
        if scan < self.from {
            return None;
        }
        match &self.before {
            Some((state, until)) if scan < *until => Some(state),
            _ => Some(&self.today),
        }
    }
}

/// Writes `days` daily scans ending yesterday, in a store that has none, for the buckets `client`
/// lists and the states it reads now. A change planned for "today" is left for the next real scan
/// to see. Returns the number of scans written.
pub async fn seed(
    store: &Store,
    client: &OssClient,
    account: AccountId,
    days: usize,
) -> Result<usize, HistoryError> {
    let now = Utc::now();
    if store::find_last_completed_scan(store).await?.is_some() {
        return Err(HistoryError::NotEmpty);
    }
    let mut listed: Vec<_> = client
        .list_bucket_pages(None, None)
        .try_concat()
        .await
        .map_err(HistoryError::Listing)?;
    listed.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    let mut pasts = Vec::with_capacity(listed.len());
    for bucket in &listed {
        let today = client
            .read_encryption_state(&BucketAddress::from(bucket))
            .await
            .value;
        let listed = ListedBucket {
            name: bucket.name.clone(),
            region: bucket.region.clone(),
            extranet_endpoint: bucket.extranet_endpoint.clone(),
            intranet_endpoint: bucket.intranet_endpoint.clone(),
            created_at: bucket.creation_date,
        };
        pasts.push(Past {
            listed,
            today,
            before: None,
            from: 0,
        });
    }
    plan_drift(&mut pasts, days);
    let policy = store::find_policy(store, account)
        .await?
        .unwrap_or_else(Policy::default);
    let mut current: Vec<Option<EncryptionState>> = vec![None; pasts.len()];
    for scan_index in 0..days {
        let at = now - Duration::days((days - scan_index) as i64);
        // A scan of the hub alone: one part.
        let trigger = Trigger::Demo.as_str();
        let scan = store::insert_running_scan(store, trigger, 1, at).await?;
        let part = store::insert_account_scan(store, scan, account, trigger, at).await?;
        let mut tx = store.begin().await?;
        let mut sync = BucketSync::load(&mut tx, account).await?;
        let seen: Vec<usize> = (0..pasts.len())
            .filter(|i| pasts[*i].at(scan_index).is_some())
            .collect();
        let page: Vec<ListedBucket> = seen.iter().map(|i| pasts[*i].listed.clone()).collect();
        let synced = sync.sync_page(&mut tx, &page, at).await?;
        let mut observations = Vec::new();
        let mut judgements = Vec::new();
        for (i, id) in seen.into_iter().zip(synced) {
            let Some(state) = pasts[i].at(scan_index) else {
                continue;
            };
            if current[i].as_ref().is_some_and(|c| c.same_as(state)) {
                continue;
            }
            current[i] = Some(state.clone());
            judgements.push((id, judge(&policy.requirement, state)));
            observations.push(Observation {
                bucket: id,
                state: state.clone(),
                request_id: None,
                observed_at: at,
            });
        }
        let unknown = current
            .iter()
            .flatten()
            .filter(|s| s.status() == Status::Unknown)
            .count() as i64;
        let read = page.len() as i64;
        let done = at + Duration::seconds(40);
        store::update_account_scan_progress(&mut tx, part, read, read, unknown, at).await?;
        store::insert_observations(&mut tx, Some(part), &observations).await?;
        store::update_compliance(&mut tx, &judgements).await?;
        store::complete_account_scan(&mut tx, part, account, done).await?;
        store::finish_scan(&mut tx, scan, ScanStatus::Completed, None, done).await?;
        tx.commit().await.map_err(StoreError::from)?;
    }
    Ok(days)
}

/// Decides the drift, by position in name order (the same buckets every run): some of today's
/// encrypted buckets were unencrypted until a day along the way, one of them until today; two of
/// today's unencrypted buckets lost their rule along the way; a bucket with a customer key had
/// another key before; three buckets appear a week in.
fn plan_drift(pasts: &mut [Past], days: usize) {
    if days < 2 {
        return;
    }
    let (mut gained, mut lost, mut appeared, mut rotated) = (0, 0, 0, false);
    for (i, past) in pasts.iter_mut().enumerate() {
        let before = match &past.today {
            EncryptionState::Encrypted(EncryptionRule::Kms {
                key_id: Some(_),
                data_encryption,
            }) if !rotated => {
                rotated = true;
                let old = EncryptionRule::Kms {
                    key_id: KmsKeyId::parse(OLD_KEY).ok(),
                    data_encryption: *data_encryption,
                };
                Some((EncryptionState::Encrypted(old), days / 2))
            }
            EncryptionState::Encrypted(_) if i % 3 == 0 && gained < 6 => {
                // Spread over the weeks; the first is left for the next real scan to find.
                let until = match gained {
                    0 => days,
                    n => 1 + n * (days - 1) / 6,
                };
                gained += 1;
                Some((EncryptionState::Unencrypted, until))
            }
            EncryptionState::Unencrypted if lost < 2 => {
                lost += 1;
                let until = (days - 1).saturating_sub(lost * (days / 4)).max(1);
                Some((EncryptionState::Encrypted(EncryptionRule::Aes256), until))
            }
            _ => None,
        };
        if before.is_some() {
            past.before = before;
        } else if i % 11 == 5 && appeared < 3 {
            appeared += 1;
            past.from = (days / 3).min(days - 1);
        }
    }
}
