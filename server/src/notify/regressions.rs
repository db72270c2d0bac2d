//! The other two ways a bucket becomes non-compliant or unknown, besides a scan seeing it: someone
//! changes its encryption, or sets a policy that refuses what it holds. Neither would ever alert
//! otherwise: the next scan finds the stored state (and judgement) already moved.

use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::event::{Became, Cause};
use super::hooks::{Regressions, became};
use crate::changes::{Change, Changer};
use crate::domain::{AccountId, BucketId, BucketName, EncryptionState};
use crate::policy::{Requirement, judge};
use crate::store::{self, StoreError};

/// Queues, in the transaction that records a change's re-read, one event when the change left
/// `bucket` non-compliant or unknown and it was not so `before` (`None`: never read). A
/// remediation queues nothing here: it reports once, when it finishes, however many buckets it
/// touched.
pub async fn encryption_changed(
    conn: &mut SqliteConnection,
    changer: Changer<'_>,
    bucket: &BucketName,
    change: &Change,
    before: Option<&EncryptionState>,
    after: &EncryptionState,
    requirement: &Requirement,
) -> Result<(), StoreError> {
    let Some(became) = change_became(change, requirement, before, after) else {
        return Ok(());
    };
    let mut regressions = Regressions::new(Cause::Change, None, Some(changer.actor));
    regressions.push(bucket.as_str().to_owned(), became, after, false);
    regressions.enqueue(conn, changer.account).await
}

/// What `change` made of a bucket, if it is news: a remediation never is on its own.
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

/// Queues, in the transaction that applies a policy and before it stores the new judgements, one
/// event listing the buckets judged compliant until now that `requirement` refuses. `states` are
/// the current states by bucket. Nothing is queued (nor read) when no target is enabled.
pub async fn policy_applied(
    conn: &mut SqliteConnection,
    account: AccountId,
    actor: &str,
    requirement: &Requirement,
    states: &HashMap<BucketId, EncryptionState>,
) -> Result<(), StoreError> {
    if !store::has_enabled_notification_targets(&mut *conn, account).await? {
        return Ok(());
    }
    let mut regressions = Regressions::new(Cause::Policy, None, Some(actor));
    for (bucket, name) in store::list_compliant_buckets(&mut *conn, account).await? {
        let Some(state) = states.get(&bucket) else {
            continue;
        };
        // A policy judges what OSS holds; only an unreadable state is unknown, and that was
        // never compliant.
        if judge(requirement, state) == Some(false) {
            regressions.push(name, Became::Noncompliant, state, false);
        }
    }
    regressions.enqueue(conn, account).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EncryptionRule;

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
