//! Put or delete one bucket's default encryption, then re-read it from OSS: the new state, its
//! judgement, the news and the audit-log entry are written together.

use chrono::Utc;
use sqlx::SqliteConnection;

use super::{ChangeError, Changer};
use crate::domain::{
    Became, BucketName, Cause, ChangeId, EncryptionRule, EncryptionState, Regressions, Requirement,
    RunId, became, judge,
};
use crate::notify;
use crate::oss::BucketAddress;
use crate::store::{self, BucketRecord, NewChange, Observation, StoreError};
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

/// Where a change belongs in the audit log: the run it is part of, and the entry it undoes (which
/// makes it a `revert`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Provenance {
    pub run: Option<RunId>,
    pub reverts: Option<ChangeId>,
}

impl Provenance {
    /// The audit-log detail of a change that OSS accepted (`message: None`) or refused.
    fn detail(&self, change: &Change, message: Option<&str>) -> Option<String> {
        let about = match (self.reverts, self.run) {
            (Some(undone), _) => Some(format!("reverts change {undone}")),
            (None, Some(run)) if change.action() == "remediate" => {
                Some(format!("remediation run {run}"))
            }
            _ => None,
        };
        match (about, message) {
            (Some(about), Some(message)) => Some(format!("{about}: {message}")),
            (about, message) => about.or(message.map(str::to_owned)),
        }
    }
}

/// A change OSS accepted: the bucket as OSS now reports it, what it held before, and the
/// audit-log entry.
#[derive(Debug, Clone)]
pub struct Changed {
    pub bucket: BucketRecord,
    pub before: EncryptionState,
    /// The state re-read from OSS after the write.
    pub after: EncryptionState,
    pub entry: ChangeId,
}

/// Makes `change` on bucket `name` and returns the bucket as OSS now reports it. Only buckets in
/// the inventory can be changed; an OSS refusal is logged and returned with its code and request id.
pub async fn change_encryption(
    changer: Changer<'_>,
    name: &BucketName,
    change: &Change,
) -> Result<BucketRecord, ChangeError> {
    change_encryption_in(changer, name, change, Provenance::default())
        .await
        .map(|changed| changed.bucket)
}

/// [`change_encryption`] as part of a run or as a revert (`provenance`). A revert does not alert
/// per bucket: the revert queues one event for all the buckets it changed.
pub async fn change_encryption_in(
    changer: Changer<'_>,
    name: &BucketName,
    change: &Change,
    provenance: Provenance,
) -> Result<Changed, ChangeError> {
    let record = find(changer, name).await?;
    let account = store::get_account(changer.store, record.account_id).await?;
    let client = changer.client_of(&account)?;
    let before = Some(record.state.clone());
    let address = BucketAddress {
        name: name.clone(),
        region: record.region.clone(),
        extranet_endpoint: record.extranet_endpoint.clone(),
        intranet_endpoint: record.intranet_endpoint.clone(),
    };
    // The audit-log entry of this change: what OSS held before, and what it answered.
    let before_json = state_json(before.as_ref()).to_string();
    let action = match provenance.reverts {
        Some(_) => "revert",
        None => change.action(),
    };
    let logged = |after, request_id, outcome, detail| NewChange {
        account: record.account_id,
        at: Utc::now(),
        actor: changer.actor.as_str(),
        action,
        bucket: Some(name.as_str()),
        before: Some(before_json.clone()),
        after,
        request_id,
        outcome,
        detail,
        run: provenance.run,
        reverts: provenance.reverts,
    };
    if let Change::Put { rule, .. } = change
        && let Some(key) = rule.kms_key_id()
    {
        let check = super::keys::require_enabled(&client, &record.region, key);
        match changer.key_answers {
            Some(known) => {
                known
                    .require(record.account_id, &record.region, key, check)
                    .await?;
            }
            None => check.await?,
        }
    }
    let written = match change {
        Change::Put { rule, .. } => client.put_bucket_encryption(&address, rule).await,
        Change::Delete => client.delete_bucket_encryption(&address).await,
    };
    let request_id = match written {
        Ok(answer) => answer.request_id,
        Err(err) => {
            let message = err
                .service()
                .map_or_else(|| err.to_string(), |e| e.message.clone());
            let mut tx = changer.store.begin().await?;
            let detail = provenance.detail(change, Some(&message));
            let entry = logged(None, err.request_id(), err.kind_code(), detail.as_deref());
            store::insert_change(&mut tx, &entry).await?;
            tx.commit().await.map_err(StoreError::from)?;
            tracing::warn!(account = %account.name, bucket.name = %name, actor = %changer.actor, code = err.kind_code(), "OSS refused the change");
            return Err(err.into());
        }
    };

    // Re-read, so the store shows what OSS really holds now.
    let read = client.read_encryption_state(&address).await;
    let reread = Observation::now(record.id, read.value, read.request_id);
    let mut tx = changer.store.begin().await?;
    if !before.as_ref().is_some_and(|b| b.same_as(&reread.state)) {
        // Judged by the rule that decides this bucket.
        let rules = store::current_rules(&mut *tx, changer.hub).await?;
        let inventory = store::load_inventory(&mut *tx, None, Some(record.id)).await?;
        let requirement = inventory
            .policy_of(&rules, record.id)
            .map(|p| &p.requirement);
        let compliant = requirement.and_then(|r| judge(r, &reread.state));
        store::record_reread(&mut tx, &reread, compliant).await?;
        let key = match &reread.state {
            EncryptionState::Encrypted(rule) => rule.kms_key_id().map(|k| k.as_str()),
            _ => None,
        };
        store::unlink_bucket_key_unless(&mut tx, record.id, key).await?;
        // An unusable key fails the bucket whatever its rule says.
        store::apply_key_judgements(&mut tx, Some(record.id)).await?;
        // Only a new state can newly be non-compliant or unknown.
        let became = requirement
            .and_then(|r| change_became(change, r, before.as_ref(), &reread.state))
            .filter(|_| provenance.reverts.is_none());
        queue_regression(&mut tx, changer, &record, became, &reread.state).await?;
    }
    let after = Some(state_json(Some(&reread.state)).to_string());
    let detail = provenance.detail(change, None);
    let entry = logged(after, request_id.as_deref(), "ok", detail.as_deref());
    let entry = store::insert_change(&mut tx, &entry).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(account = %account.name, bucket.name = %name, actor = %changer.actor, action, after = %reread.state, "encryption changed");
    Ok(Changed {
        bucket: find(changer, name).await?,
        before: record.state,
        after: reread.state,
        entry,
    })
}

/// The present bucket called `name`, whichever account holds it.
async fn find(changer: Changer<'_>, name: &BucketName) -> Result<BucketRecord, ChangeError> {
    store::find_bucket_by_name(changer.store, name)
        .await?
        .filter(|b| b.gone_at.is_none())
        .ok_or_else(|| ChangeError::NotInInventory(name.clone()))
}

/// What `change` made of a bucket, if it is news: a remediation never is on its own (it reports
/// once, when it finishes, however many buckets it touched).
fn change_became(
    change: &Change,
    requirement: &Requirement,
    before: Option<&EncryptionState>,
    after: &EncryptionState,
) -> Option<Became> {
    match change {
        Change::Put {
            remediation: true, ..
        } => None,
        _ => became(requirement, before, after),
    }
}

/// Queues the event of a change that left `bucket` non-compliant or unknown (`became`), inside
/// the transaction that records the re-read.
async fn queue_regression(
    conn: &mut SqliteConnection,
    changer: Changer<'_>,
    bucket: &BucketRecord,
    became: Option<Became>,
    after: &EncryptionState,
) -> Result<(), StoreError> {
    // An exempt bucket may be as it is: a change to it is in the audit log, not news.
    let Some(became) = became.filter(|_| bucket.exemption.is_none()) else {
        return Ok(());
    };
    let account = bucket.account.as_str();
    let mut regressions = Regressions::new(
        Cause::Change,
        Some(account),
        None,
        Some(changer.actor.as_str()),
    );
    regressions.push(account, bucket.name.to_string(), became, after, false);
    match regressions.into_event() {
        Some(event) => notify::enqueue(conn, changer.hub, &event).await,
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown() -> EncryptionState {
        EncryptionState::Unknown {
            code: "AccessDenied".into(),
            message: String::new(),
        }
    }

    #[test]
    fn a_change_alerts_only_when_it_leaves_a_bucket_newly_refused_or_unreadable() {
        let aes = EncryptionState::Encrypted(EncryptionRule::Aes256);
        let plain = EncryptionState::Unencrypted;
        let delete = Change::Delete;
        let put = Change::Put {
            rule: EncryptionRule::Aes256,
            remediation: false,
        };
        let any = Requirement::Any;
        let cases = [
            (
                &delete,
                &any,
                Some(&aes),
                &plain,
                Some(Became::Noncompliant),
            ),
            (&delete, &any, None, &plain, Some(Became::Noncompliant)),
            (
                &delete,
                &any,
                Some(&unknown()),
                &plain,
                Some(Became::Noncompliant),
            ),
            (&delete, &any, Some(&aes), &unknown(), Some(Became::Unknown)),
            (&put, &Requirement::Kms, Some(&plain), &aes, None),
            (
                &put,
                &Requirement::Kms,
                Some(&unknown()),
                &aes,
                Some(Became::Noncompliant),
            ),
            (&put, &any, Some(&plain), &aes, None),
        ];
        for (change, requirement, before, after, want) in cases {
            assert_eq!(
                change_became(change, requirement, before, after),
                want,
                "{change:?} under {requirement:?}: {before:?} -> {after}"
            );
        }
    }

    #[test]
    fn a_remediation_never_alerts_per_bucket_even_when_it_leaves_one_unreadable() {
        let remediation = Change::Put {
            rule: EncryptionRule::Aes256,
            remediation: true,
        };
        let before = EncryptionState::Unencrypted;
        let after = unknown();
        assert_eq!(
            became(&Requirement::Any, Some(&before), &after),
            Some(Became::Unknown),
            "the same outcome from a direct change would alert"
        );
        assert_eq!(
            change_became(&remediation, &Requirement::Any, Some(&before), &after),
            None
        );
    }
}
