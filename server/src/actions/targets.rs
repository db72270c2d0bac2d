//! Notification targets (the settings page, the CLI and the environment all go through here):
//! each change is made and recorded in the audit log in one transaction, naming the target by
//! kind, name and masked URL, never by its URL or secret. Only targets whose receiver passed the
//! address guard ([`AdmittedTarget`]) are stored.

use chrono::Utc;
use sqlx::SqliteConnection;

use super::record;
use crate::domain::{AccountId, Actor, Event, NewTarget, TargetErrors, TargetId, TestMessage};
use crate::notify::{self, AdmittedTarget};
use crate::store::{self, Store, StoreError, TargetFields, TargetRecord};

/// Why a target could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{0}")]
    Invalid(#[from] TargetErrors),
    #[error("a notification target named {0:?} already exists")]
    NameTaken(String),
    #[error("there is no notification target {0}")]
    NotFound(String),
    #[error("notification target {0:?} is disabled; enable it first")]
    Disabled(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TargetError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

fn describe(kind: &str, name: &str, masked_url: &str) -> String {
    format!("{kind} notification target {name:?} ({masked_url})")
}

/// How the audit log names a stored target.
fn describe_stored(target: &TargetRecord) -> String {
    describe(target.kind.as_str(), &target.name, &target.url.masked())
}

/// The target `id` of `account`, or `NotFound`.
async fn existing(
    conn: &mut SqliteConnection,
    account: AccountId,
    id: TargetId,
) -> Result<TargetRecord, TargetError> {
    store::find_notification_target(conn, account, id)
        .await?
        .ok_or_else(|| TargetError::NotFound(id.to_string()))
}

/// Stores a new, enabled target and records who added it.
pub async fn add(
    store: &Store,
    account: AccountId,
    target: &AdmittedTarget,
    actor: &Actor,
) -> Result<TargetId, TargetError> {
    let target = target.target();
    let mut tx = store.begin().await?;
    if store::find_notification_target_by_name(&mut tx, account, target.name.as_str())
        .await?
        .is_some()
    {
        return Err(TargetError::NameTaken(target.name.to_string()));
    }
    let id = store::insert_notification_target(&mut tx, &fields(account, target, actor)).await?;
    let what = describe(
        target.kind.as_str(),
        target.name.as_str(),
        &target.url.masked(),
    );
    record(
        &mut tx,
        account,
        actor,
        "add-notification-target",
        &format!("added {what}"),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%actor, target.id = %id, target.name = %target.name, kind = %target.kind, "notification target added");
    Ok(id)
}

fn fields<'a>(account: AccountId, target: &'a NewTarget, actor: &'a Actor) -> TargetFields<'a> {
    TargetFields {
        account,
        kind: target.kind,
        name: target.name.as_str(),
        url: &target.url,
        secret: target.secret.as_ref(),
        created_by: actor.as_str(),
        now: Utc::now(),
    }
}

/// Deletes a target with its queue, and records who removed it.
pub async fn remove(
    store: &Store,
    account: AccountId,
    id: TargetId,
    actor: &Actor,
) -> Result<TargetRecord, TargetError> {
    let mut tx = store.begin().await?;
    let target = existing(&mut tx, account, id).await?;
    store::delete_notification_target(&mut tx, account, id).await?;
    let what = describe_stored(&target);
    record(
        &mut tx,
        account,
        actor,
        "remove-notification-target",
        &format!("removed {what}"),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%actor, target.id = %id, target.name = %target.name, "notification target removed");
    Ok(target)
}

/// Enables or disables a target, and records who did.
pub async fn set_enabled(
    store: &Store,
    account: AccountId,
    id: TargetId,
    enabled: bool,
    actor: &Actor,
) -> Result<TargetRecord, TargetError> {
    let mut tx = store.begin().await?;
    let target = existing(&mut tx, account, id).await?;
    store::update_notification_target_enabled(&mut tx, account, id, enabled).await?;
    let (action, verb) = if enabled {
        ("enable-notification-target", "enabled")
    } else {
        ("disable-notification-target", "disabled")
    };
    let what = describe_stored(&target);
    record(&mut tx, account, actor, action, &format!("{verb} {what}")).await?;
    tx.commit().await?;
    if enabled {
        // Deliveries that waited while it was disabled are due now.
        notify::wake();
    }
    Ok(target)
}

/// Queues a test message for one enabled target.
pub async fn send_test(
    store: &Store,
    account: AccountId,
    id: TargetId,
    actor: &Actor,
) -> Result<TargetRecord, TargetError> {
    let mut tx = store.begin().await?;
    let target = existing(&mut tx, account, id).await?;
    let event = Event::Test(TestMessage {
        actor: actor.to_string(),
    });
    if !notify::enqueue_for(&mut tx, account, id, &event).await? {
        return Err(TargetError::Disabled(target.name));
    }
    tx.commit().await?;
    Ok(target)
}

/// Stores the targets configured by environment variables (`env-webhook` and so on): added when
/// new, their URL and secret replaced when changed. Whether each is enabled stays as an admin
/// set it. Returns how many were added or changed.
pub async fn upsert_env_targets(
    store: &Store,
    account: AccountId,
    targets: &[AdmittedTarget],
) -> Result<usize, TargetError> {
    let actor = Actor::named("env");
    let mut changed = 0;
    let mut tx = store.begin().await?;
    for target in targets.iter().map(AdmittedTarget::target) {
        let existing =
            store::find_notification_target_by_name(&mut tx, account, target.name.as_str()).await?;
        let what = describe(
            target.kind.as_str(),
            target.name.as_str(),
            &target.url.masked(),
        );
        match existing {
            None => {
                store::insert_notification_target(&mut tx, &fields(account, target, &actor))
                    .await?;
                let detail = format!("added {what} from the environment");
                record(&mut tx, account, &actor, "add-notification-target", &detail).await?;
            }
            Some(stored)
                if stored.kind != target.kind
                    || stored.url != target.url
                    || stored.secret.as_ref().map(|s| s.expose())
                        != target.secret.as_ref().map(|s| s.expose()) =>
            {
                store::update_notification_target(&mut tx, &fields(account, target, &actor))
                    .await?;
                let detail = format!("changed {what} from the environment");
                record(
                    &mut tx,
                    account,
                    &actor,
                    "change-notification-target",
                    &detail,
                )
                .await?;
            }
            Some(_) => continue,
        }
        changed += 1;
    }
    tx.commit().await?;
    Ok(changed)
}
