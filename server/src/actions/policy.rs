//! Setting the policy (its default rule, or its whole list of rules): store it, judge every
//! bucket again, queue the news and record it in the audit log, all in one transaction, whether
//! the page, the API or the CLI asked.

use chrono::Utc;
use sqlx::SqliteConnection;

use crate::domain::{AccountId, Actor, Became, BucketId, Cause, Policy, Regressions, Rules};
use crate::notify;
use crate::store::{self, Inventory, NewChange, Store, StoreError};
use crate::view::{policy_json, rules_json};

/// Sets the default rule (what `policy set`, `PUT /api/v1/policy` and the policy form change),
/// keeping the scoped rules, and judges every bucket again. The audit log gets a `set-policy`
/// entry with the default before and after (see [`policy_json`]). Returns how many buckets were
/// judged again.
pub async fn set(
    store: &Store,
    account: AccountId,
    policy: &Policy,
    actor: &Actor,
) -> Result<usize, StoreError> {
    let mut tx = store.begin().await?;
    let before = store::current_rules(&mut *tx, account).await?;
    let after = before.with_default(policy.clone());
    let logged = (
        "set-policy",
        policy_json(before.default_policy()),
        policy_json(policy),
    );
    let judged = apply(&mut tx, account, &after, actor, logged).await?;
    tx.commit().await?;
    tracing::info!(%actor, requirement = policy.requirement.as_str(), judged, "policy set");
    Ok(judged)
}

/// Replaces the whole list of rules and judges every bucket again. The audit log gets a
/// `set-policy-rules` entry with the list before and after (see [`rules_json`]).
pub async fn set_rules(
    store: &Store,
    account: AccountId,
    rules: &Rules,
    actor: &Actor,
) -> Result<usize, StoreError> {
    let mut tx = store.begin().await?;
    let before = store::current_rules(&mut *tx, account).await?;
    let logged = ("set-policy-rules", rules_json(&before), rules_json(rules));
    let judged = apply(&mut tx, account, rules, actor, logged).await?;
    tx.commit().await?;
    tracing::info!(%actor, rules = rules.len(), judged, "policy rules set");
    Ok(judged)
}

/// Stores `rules`, judges every bucket that has a state, queues the buckets that stopped being
/// compliant and writes the audit-log row. Returns how many buckets were judged.
async fn apply(
    conn: &mut SqliteConnection,
    account: AccountId,
    rules: &Rules,
    actor: &Actor,
    (action, before, after): (&str, serde_json::Value, serde_json::Value),
) -> Result<usize, StoreError> {
    let now = Utc::now();
    store::put_policy(
        &mut *conn,
        account,
        rules.default_policy(),
        actor.as_str(),
        now,
    )
    .await?;
    store::replace_policy_rules(&mut *conn, rules.scoped()).await?;
    let inventory = store::load_inventory(&mut *conn, None, None).await?;
    let (judged, changed) = inventory.rejudge(rules);
    // Before the judgements are stored: the news is what they change.
    queue_regressions(&mut *conn, account, actor, &inventory, &changed).await?;
    store::update_compliance(&mut *conn, &changed).await?;
    // An unusable key fails its buckets whatever the rules say.
    store::apply_key_judgements(&mut *conn, None).await?;
    store::insert_change(
        &mut *conn,
        &NewChange {
            account,
            at: now,
            actor: actor.as_str(),
            action,
            bucket: None,
            before: Some(before.to_string()),
            after: Some(after.to_string()),
            request_id: None,
            outcome: "ok",
            detail: None,
            run: None,
            reverts: None,
        },
    )
    .await?;
    Ok(judged)
}

/// Queues one event listing the present buckets judged compliant until now that the new rules
/// refuse. Nothing is queued (nor read) when no target is enabled.
async fn queue_regressions(
    conn: &mut SqliteConnection,
    account: AccountId,
    actor: &Actor,
    inventory: &Inventory,
    changed: &[(BucketId, Option<bool>)],
) -> Result<(), StoreError> {
    if !store::has_enabled_notification_targets(&mut *conn, account).await? {
        return Ok(());
    }
    let refused: std::collections::HashSet<BucketId> = changed
        .iter()
        .filter(|(_, compliant)| *compliant == Some(false))
        .map(|(id, _)| *id)
        .collect();
    let mut regressions = Regressions::new(Cause::Policy, None, None, Some(actor.as_str()));
    let mut buckets: Vec<_> = inventory
        .buckets
        .iter()
        .filter(|b| b.compliant == Some(true) && !b.gone && refused.contains(&b.id))
        .filter(|b| !inventory.accounts[b.account].removed)
        .collect();
    buckets.sort_by(|a, b| {
        (a.name.as_str(), inventory.accounts[a.account].name.as_str())
            .cmp(&(b.name.as_str(), inventory.accounts[b.account].name.as_str()))
    });
    for bucket in buckets {
        if let Some(state) = &bucket.state {
            let account = inventory.accounts[bucket.account].name.as_str();
            regressions.push(
                account,
                bucket.name.to_string(),
                Became::Noncompliant,
                state,
                false,
            );
        }
    }
    match regressions.into_event() {
        Some(event) => notify::enqueue(conn, account, &event).await,
        None => Ok(()),
    }
}
