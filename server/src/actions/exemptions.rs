//! Exemptions, step by step: request (an operator or an admin), approve (a different admin),
//! revoke (an admin, at any time) and expire (the timer, at the expiry). Each step is one
//! transaction with its audit-log entry, and the step that says which buckets are exempt now
//! ([`store::apply_exemptions`]) runs in it, after the policy's judgement and apart from it.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use crate::domain::{
    Access, AccountId, AccountName, Actor, Became, BucketPattern, Cause, Clock,
    EXPIRY_WARNING_DAYS, Event, ExemptionError, ExemptionExpired, ExemptionExpiring, ExemptionId,
    ExemptionReason, FourEyesError, Region, Regressions, Role, check_expiry, may_approve,
    may_revoke,
};
use crate::notify;
use crate::store::{self, ExemptionRecord, NewChange, NewExemption, Store, StoreError};
use crate::view::ExemptionView;

/// Wakes the exemption timers of this process: process-wide, because exemptions change from
/// places that hold no handle on the timer (every surface's action), and a test that moves its
/// clock rings it too.
static TIMER_BELL: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Makes the exemption timers of this process look again now.
pub fn wake_timer() {
    TIMER_BELL.notify_waiters();
}

/// What the timer listens to.
pub(super) fn timer_bell() -> &'static tokio::sync::Notify {
    &TIMER_BELL
}

/// What the exemption steps act with.
#[derive(Debug, Clone, Copy)]
pub struct Exemptions<'a> {
    pub store: &'a Store,
    /// The hub: holds the notification targets, and the audit-log entries of exemptions that
    /// span accounts.
    pub hub: AccountId,
    /// Where "now" comes from: expiries are checked and reached by it.
    pub clock: &'a dyn Clock,
}

/// An exemption as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionInput {
    pub pattern: BucketPattern,
    pub account: Option<AccountName>,
    pub region: Option<Region>,
    pub reason: ExemptionReason,
    pub expires_at: DateTime<Utc>,
}

/// Why an exemption step was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ExemptionStepError {
    #[error("{0}")]
    Invalid(#[from] ExemptionError),
    #[error("{0}")]
    FourEyes(#[from] FourEyesError),
    #[error(
        "an exemption needs the operator role on the account it names, or on every account when it names none"
    )]
    NotOperator,
    #[error("no account is called {0}")]
    UnknownAccount(AccountName),
    #[error("no exemption has id {0}")]
    NotFound(ExemptionId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Exemptions<'_> {
    /// Records a request. It changes no judgement until a different admin approves it.
    pub async fn request(
        &self,
        input: &ExemptionInput,
        actor: &Actor,
        access: &Access,
    ) -> Result<ExemptionRecord, ExemptionStepError> {
        if !access.max_role().allows(Role::Operator) {
            return Err(ExemptionStepError::NotOperator);
        }
        let now = self.clock.now();
        check_expiry(input.expires_at, now)?;
        let mut tx = self.store.begin().await?;
        let account = match &input.account {
            Some(name) => Some(
                store::find_account_by_name(&mut *tx, name)
                    .await?
                    .filter(|a| a.removed_at.is_none())
                    .ok_or_else(|| ExemptionStepError::UnknownAccount(name.clone()))?
                    .id,
            ),
            None => None,
        };
        // An exemption of one account's buckets needs the operator role there; one that names
        // no account reaches every account's buckets, so it needs the role everywhere.
        let role = account.map_or_else(|| access.everywhere_role(), |id| access.role_for(id));
        if !role.allows(Role::Operator) {
            return Err(ExemptionStepError::NotOperator);
        }
        let id = store::insert_exemption(
            &mut tx,
            &NewExemption {
                pattern: &input.pattern,
                account,
                region: input.region.as_ref(),
                reason: &input.reason,
                expires_at: input.expires_at,
                requested_by: actor.as_str(),
                requested_at: now,
            },
        )
        .await?;
        let record = get(&mut tx, id).await?;
        log(
            &mut tx,
            self.hub,
            &record,
            actor,
            "request-exemption",
            None,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(%actor, exemption.id = %id, buckets = %input.pattern, "exemption requested");
        Ok(record)
    }

    /// Approves a request: from now on the buckets it names are judged `exempt`.
    pub async fn approve(
        &self,
        id: ExemptionId,
        actor: &Actor,
        role: Role,
    ) -> Result<ExemptionRecord, ExemptionStepError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let before = get(&mut tx, id).await?;
        may_approve(before.status, &before.requested_by, actor, role)?;
        if before.expires_at <= now {
            return Err(ExemptionError::ExpiryPast(crate::view::rfc3339(before.expires_at)).into());
        }
        store::update_exemption_approved(&mut tx, id, actor.as_str(), now).await?;
        let record = self
            .stepped(tx, &before, actor, "approve-exemption", now)
            .await?;
        tracing::info!(%actor, exemption.id = %id, buckets = record.buckets, "exemption approved");
        Ok(record)
    }

    /// Revokes an exemption (or refuses a request): its buckets are judged by the policy again
    /// at once.
    pub async fn revoke(
        &self,
        id: ExemptionId,
        actor: &Actor,
        role: Role,
    ) -> Result<ExemptionRecord, ExemptionStepError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let before = get(&mut tx, id).await?;
        may_revoke(before.status, role)?;
        store::update_exemption_revoked(&mut tx, id, actor.as_str(), now).await?;
        let record = self
            .stepped(tx, &before, actor, "revoke-exemption", now)
            .await?;
        tracing::info!(%actor, exemption.id = %id, "exemption revoked");
        Ok(record)
    }

    /// After an approval or a revocation in `tx`: judges the buckets again, logs `action` with
    /// the exemption before and after, commits, and wakes the expiry timer (the next expiry may
    /// have changed). Returns the exemption as it is now.
    async fn stepped(
        &self,
        mut tx: store::Tx,
        before: &ExemptionRecord,
        actor: &Actor,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<ExemptionRecord, ExemptionStepError> {
        store::apply_exemptions(&mut tx, now).await?;
        let record = get(&mut tx, before.id).await?;
        log(&mut tx, self.hub, &record, actor, action, Some(before), now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        wake_timer();
        Ok(record)
    }

    /// Queues the `exemption_expiring` notification of every approved exemption that ends
    /// within [`EXPIRY_WARNING_DAYS`] days and has not had one. Returns how many were queued.
    pub async fn warn_expiring(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        let horizon = now + Duration::days(EXPIRY_WARNING_DAYS);
        let due = store::list_approved_exemptions_expiring(self.store, horizon, true).await?;
        let mut warned = 0;
        for exemption in due {
            let mut tx = self.store.begin().await?;
            if store::update_exemption_warned(&mut tx, exemption.id, now).await? {
                let event = Event::ExemptionExpiring(ExemptionExpiring {
                    exemption: exemption.id,
                    pattern: exemption.pattern.to_string(),
                    account: exemption.account.as_ref().map(ToString::to_string),
                    region: exemption.region.as_ref().map(ToString::to_string),
                    reason: exemption.reason.to_string(),
                    requested_by: exemption.requested_by.clone(),
                    approved_by: exemption.approved_by.clone().unwrap_or_default(),
                    expires_at: exemption.expires_at,
                    buckets: u64::try_from(exemption.buckets).unwrap_or(0),
                });
                notify::enqueue(&mut tx, self.hub, &event).await?;
                warned += 1;
            }
            tx.commit().await?;
        }
        Ok(warned)
    }

    /// Ends every approved exemption whose expiry has come: its buckets are judged by the
    /// policy again at once, and those that are not compliant are announced
    /// (`exemption_expired`). Returns how many ended.
    pub async fn expire_due(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        let due = store::list_approved_exemptions_expiring(self.store, now, false).await?;
        let actor = Actor::named("schedule");
        let mut ended = 0;
        for exemption in due {
            let mut tx = self.store.begin().await?;
            let covered = store::list_exempt_bucket_ids(&mut *tx, exemption.id).await?;
            if !store::update_exemption_expired(&mut tx, exemption.id, now).await? {
                continue;
            }
            store::apply_exemptions(&mut tx, now).await?;
            let mut findings = Regressions::new(Cause::Exemption, None, None, None);
            for bucket in store::list_buckets_by_id(&mut *tx, &covered).await? {
                // Still exempt (another exemption covers it) or compliant: no news.
                if bucket.exemption.is_some() || bucket.compliant == Some(true) {
                    continue;
                }
                let became = match bucket.compliant {
                    Some(_) => Became::Noncompliant,
                    None => Became::Unknown,
                };
                findings.push(
                    bucket.account.as_str(),
                    bucket.name.to_string(),
                    became,
                    &bucket.state,
                    false,
                );
            }
            if let Some(Event::BucketsNoncompliant(found)) = findings.into_event() {
                let event = Event::ExemptionExpired(ExemptionExpired {
                    exemption: exemption.id,
                    pattern: exemption.pattern.to_string(),
                    account: exemption.account.as_ref().map(ToString::to_string),
                    region: exemption.region.as_ref().map(ToString::to_string),
                    reason: exemption.reason.to_string(),
                    requested_by: exemption.requested_by.clone(),
                    approved_by: exemption.approved_by.clone().unwrap_or_default(),
                    expired_at: now,
                    noncompliant: found.noncompliant,
                    unknown: found.unknown,
                    buckets: found.buckets,
                });
                notify::enqueue(&mut tx, self.hub, &event).await?;
            }
            let record = store::get_exemption(&mut *tx, exemption.id)
                .await?
                .unwrap_or_else(|| exemption.clone());
            log(
                &mut tx,
                self.hub,
                &record,
                &actor,
                "expire-exemption",
                Some(&exemption),
                now,
            )
            .await?;
            tx.commit().await?;
            tracing::info!(exemption.id = %exemption.id, buckets = covered.len(), "exemption expired");
            ended += 1;
        }
        Ok(ended)
    }

    /// When the timer has something to do next: the soonest expiry, or the soonest warning.
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let (expiry, unwarned) = store::find_next_exemption_expiries(self.store).await?;
        let warning = unwarned.map(|at| at - Duration::days(EXPIRY_WARNING_DAYS));
        Ok([expiry, warning].into_iter().flatten().min())
    }
}

async fn get(
    conn: &mut SqliteConnection,
    id: ExemptionId,
) -> Result<ExemptionRecord, ExemptionStepError> {
    store::get_exemption(conn, id)
        .await?
        .ok_or(ExemptionStepError::NotFound(id))
}

/// The audit-log entry of a step: the exemption before and after, as the API shows it, under its
/// account (the hub's log for an exemption of every account).
async fn log(
    conn: &mut SqliteConnection,
    hub: AccountId,
    record: &ExemptionRecord,
    actor: &Actor,
    action: &str,
    before: Option<&ExemptionRecord>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let json = |r: &ExemptionRecord| serde_json::to_string(&ExemptionView::new(r)).ok();
    let detail = format!(
        "exemption {} of {}: {}",
        record.id, record.pattern, record.reason
    );
    store::insert_change(
        conn,
        &NewChange {
            account: record.account_id.unwrap_or(hub),
            at,
            actor: actor.as_str(),
            action,
            bucket: None,
            before: before.and_then(json),
            after: json(record),
            request_id: None,
            outcome: "ok",
            detail: Some(&detail),
            run: None,
            reverts: None,
        },
    )
    .await
    .map(|_| ())
}
