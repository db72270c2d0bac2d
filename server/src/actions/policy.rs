//! Setting an account's policy: store it, judge every bucket again, queue the news and record it
//! in the audit log, all in one transaction, whether the page, the API or the CLI asked.

use std::collections::HashMap;

use chrono::Utc;
use sqlx::SqliteConnection;

use crate::domain::{
    AccountId, Actor, Became, BucketId, Cause, EncryptionState, Policy, Regressions, Requirement,
    judge,
};
use crate::notify;
use crate::store::{self, NewChange, Store, StoreError};
use crate::view::policy_json;

/// Stores `policy` (estate-wide, kept with the hub account `account`) and re-judges the current
/// state of every bucket of every account, so compliance figures change the moment the policy does. The audit log gets a `set-policy` entry with the policy
/// before and after (see [`policy_json`]). Returns how many buckets were judged again.
pub async fn set(
    store: &Store,
    account: AccountId,
    policy: &Policy,
    actor: &Actor,
) -> Result<usize, StoreError> {
    let now = Utc::now();
    let mut tx = store.begin().await?;
    let before = store::current_policy(&mut *tx, account).await?;
    store::put_policy(&mut tx, account, policy, actor.as_str(), now).await?;
    let states = store::load_current_states(&mut tx, None).await?;
    let judgements: Vec<_> = states
        .iter()
        .map(|(bucket, state)| (*bucket, judge(&policy.requirement, state)))
        .collect();
    // Before the judgements are stored: the news is what they change.
    queue_regressions(&mut tx, account, actor, &policy.requirement, &states).await?;
    store::update_compliance(&mut tx, &judgements).await?;
    // An unusable key fails its buckets whatever the policy says.
    store::apply_key_judgements(&mut tx, None).await?;
    store::insert_change(
        &mut tx,
        &NewChange {
            account,
            at: now,
            actor: actor.as_str(),
            action: "set-policy",
            bucket: None,
            before: Some(policy_json(&before).to_string()),
            after: Some(policy_json(policy).to_string()),
            request_id: None,
            outcome: "ok",
            detail: None,
            run: None,
            reverts: None,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%actor, requirement = policy.requirement.as_str(), judged = judgements.len(), "policy set");
    Ok(judgements.len())
}

/// Queues one event listing the buckets judged compliant until now that `requirement` refuses
/// (a policy judges what OSS holds: only an unreadable state is unknown, and that was never
/// compliant). `states` are the current states by bucket. Nothing is queued (nor read) when no
/// target is enabled.
async fn queue_regressions(
    conn: &mut SqliteConnection,
    account: AccountId,
    actor: &Actor,
    requirement: &Requirement,
    states: &HashMap<BucketId, EncryptionState>,
) -> Result<(), StoreError> {
    if !store::has_enabled_notification_targets(&mut *conn, account).await? {
        return Ok(());
    }
    let mut regressions = Regressions::new(Cause::Policy, None, None, Some(actor.as_str()));
    for (bucket, name, in_account) in store::list_compliant_buckets(&mut *conn).await? {
        let Some(state) = states.get(&bucket) else {
            continue;
        };
        if judge(requirement, state) == Some(false) {
            regressions.push(&in_account, name, Became::Noncompliant, state, false);
        }
    }
    match regressions.into_event() {
        Some(event) => notify::enqueue(conn, account, &event).await,
        None => Ok(()),
    }
}
