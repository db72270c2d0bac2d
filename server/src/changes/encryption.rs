//! Put or delete one bucket's default encryption, then re-read it from OSS.

use chrono::Utc;

use super::{ChangeError, Changer};
use crate::domain::{BucketName, EncryptionRule};
use crate::notify;
use crate::oss::BucketAddress;
use crate::policy::{current_policy, judge};
use crate::scan::observe;
use crate::store::{self, BucketRecord, NewChange};
use crate::view::state_json;

/// The change to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// PutBucketEncryption with this rule; `remediation` marks one-click fixes in the audit log.
    Put {
        rule: EncryptionRule,
        remediation: bool,
    },
    /// DeleteBucketEncryption.
    Delete,
}

impl Change {
    fn action(&self) -> &'static str {
        match self {
            Self::Put {
                remediation: true, ..
            } => "remediate",
            Self::Put { .. } => "put-encryption",
            Self::Delete => "delete-encryption",
        }
    }
}

/// Makes `change` on bucket `name` and returns the bucket as OSS now reports it. Only buckets in
/// the inventory can be changed; an OSS refusal is logged and returned with its code and request id.
pub async fn change_encryption(
    changer: Changer<'_>,
    name: &BucketName,
    change: &Change,
) -> Result<BucketRecord, ChangeError> {
    let record = find(changer, name).await?;
    let before = record.state()?;
    let address = BucketAddress {
        name: name.clone(),
        region: crate::domain::Region::parse(&record.region)
            .map_err(|e| store::StoreError::Corrupt(e.to_string()))?,
        extranet_endpoint: record.extranet_endpoint.clone(),
        intranet_endpoint: record.intranet_endpoint.clone(),
    };
    let written = match change {
        Change::Put { rule, .. } => changer.client.put_bucket_encryption(&address, rule).await,
        Change::Delete => changer.client.delete_bucket_encryption(&address).await,
    };
    let request_id = match written {
        Ok(answer) => answer.request_id,
        Err(err) => {
            let mut conn = changer
                .store
                .pool()
                .acquire()
                .await
                .map_err(store::StoreError::from)?;
            let message = err
                .service()
                .map_or_else(|| err.to_string(), |e| e.message.clone());
            store::insert_change(
                &mut conn,
                &NewChange {
                    account: changer.account,
                    at: Utc::now(),
                    actor: changer.actor,
                    action: change.action(),
                    bucket: Some(name.as_str()),
                    before: Some(state_json(before.as_ref()).to_string()),
                    after: None,
                    request_id: err.request_id(),
                    outcome: err.kind_code(),
                    detail: Some(&message),
                },
            )
            .await?;
            tracing::warn!(bucket.name = %name, actor = changer.actor, code = err.kind_code(), "OSS refused the change");
            return Err(err.into());
        }
    };

    // Re-read, so the store shows what OSS really holds now.
    let reread = observe::observation(
        record.id,
        changer.client.get_bucket_encryption(&address).await,
    );
    let policy = current_policy(changer.store, changer.account).await?;
    let mut tx = changer.store.begin().await?;
    if !before.as_ref().is_some_and(|b| b.same_as(&reread.state)) {
        store::record_reread(&mut tx, &reread, judge(&policy.requirement, &reread.state)).await?;
        // Only a new state can newly be non-compliant or unknown.
        notify::encryption_changed(
            &mut tx,
            changer,
            name,
            change,
            before.as_ref(),
            &reread.state,
            &policy.requirement,
        )
        .await?;
    }
    store::insert_change(
        &mut tx,
        &NewChange {
            account: changer.account,
            at: Utc::now(),
            actor: changer.actor,
            action: change.action(),
            bucket: Some(name.as_str()),
            before: Some(state_json(before.as_ref()).to_string()),
            after: Some(state_json(Some(&reread.state)).to_string()),
            request_id: request_id.as_deref(),
            outcome: "ok",
            detail: None,
        },
    )
    .await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    tracing::info!(bucket.name = %name, actor = changer.actor, action = change.action(), after = %reread.state, "encryption changed");
    find(changer, name).await
}

async fn find(changer: Changer<'_>, name: &BucketName) -> Result<BucketRecord, ChangeError> {
    let mut conn = changer
        .store
        .pool()
        .acquire()
        .await
        .map_err(store::StoreError::from)?;
    store::find_bucket_by_name(&mut conn, changer.account, name)
        .await?
        .filter(|b| b.gone_at.is_none())
        .ok_or_else(|| ChangeError::NotInInventory(name.clone()))
}
