//! Setting an account's policy: store it and re-judge every bucket in one transaction.

use chrono::Utc;

use super::{Policy, judge};
use crate::domain::AccountId;
use crate::store::{self, Store, StoreError};

/// Stores `policy` for `account` (recording `actor`) and re-judges every bucket's current state,
/// so compliance figures change the moment the policy does.
pub async fn apply_policy(
    store: &Store,
    account: AccountId,
    policy: &Policy,
    actor: &str,
) -> Result<usize, StoreError> {
    let mut tx = store.begin().await?;
    store::put_policy(&mut tx, account, policy, actor, Utc::now()).await?;
    let states = store::load_current_states(&mut tx, account).await?;
    let judgements: Vec<_> = states
        .iter()
        .map(|(bucket, state)| (*bucket, judge(&policy.requirement, state)))
        .collect();
    // Before the judgements are stored: the hook compares them with the ones in force.
    crate::notify::policy_applied(&mut tx, account, actor, &policy.requirement, &states).await?;
    store::update_compliance(&mut tx, &judgements).await?;
    tx.commit().await?;
    Ok(judgements.len())
}

/// The account's policy, or the default when none was set.
pub async fn current_policy(store: &Store, account: AccountId) -> Result<Policy, StoreError> {
    let mut conn = store.pool().acquire().await?;
    Ok(store::find_policy(&mut conn, account)
        .await?
        .unwrap_or_default())
}
