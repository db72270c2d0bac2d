//! Making an audit report on demand (the dashboard, the API, the CLI, the demo): built, stored
//! and announced in one transaction. Scheduled reports are made by `report::run_due_report`,
//! which moves its schedule cursor in the same transaction.

use chrono::Utc;

use crate::domain::{AccountId, Actor};
use crate::report::{CreatedReport, ReportError, ReportTrigger, create_report_in};
use crate::store::{Store, StoreError};

/// Makes and stores a report of `account` now; unless `force`d, only when something is new since
/// the latest report (see [`create_report_in`]).
pub async fn create(
    store: &Store,
    account: AccountId,
    trigger: ReportTrigger,
    actor: &Actor,
    force: bool,
) -> Result<CreatedReport, ReportError> {
    let mut tx = store.begin().await?;
    let created =
        create_report_in(&mut tx, account, trigger, actor.as_str(), Utc::now(), force).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(report.id = %created.id, digest = %created.digest, trigger = trigger.as_str(),
        %actor, bytes = created.size, "report stored");
    Ok(created)
}
