//! `GET /revert?change=ID` or `?run=ID` (the preview: what each bucket gets back, and what is left
//! alone) and `POST /revert` (the confirmation, bound to the previewed plan by its digest, answered
//! with the results page). Operators only, on the account of every bucket in the plan.

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use app::model::{FailureRow, RevertPreviewModel, RevertResultModel, RevertRow};
use app::{Nav, Page};

use super::{PageError, chrome, render, show_page};
use crate::actions::reverts::{
    self, BucketResult, Include, PlannedBucket, RevertError, RevertPlan, RevertTarget, Verdict,
};
use crate::domain::{AccountName, BucketName, ChangeId, EncryptionState, Role, RunId};
use crate::store::{self, Store};
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, HtmlError};

/// `/revert`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/revert", axum::routing::get(show).post(confirm))
}

/// What `change=ID` or `run=ID` (exactly one) names.
fn target<'a>(fields: impl Iterator<Item = (&'a str, &'a str)>) -> Option<RevertTarget> {
    let mut found = None;
    for (key, value) in fields {
        let this = match key {
            "change" => RevertTarget::Change(ChangeId::parse(value)?),
            "run" => RevertTarget::Run(RunId::parse(value)?),
            _ => continue,
        };
        if found.replace(this).is_some() {
            return None;
        }
    }
    found
}

/// `GET /revert?change=ID` or `?run=ID`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let Some(target) = target(query.iter().map(|(k, v)| (k.as_str(), v.as_str()))) else {
        return Ok(HtmlError::BadRequest.into_response());
    };
    let model = match reverts::plan(state.store(), state.account(), target).await {
        Ok(plan) => {
            if let Err(refused) = require_on_plan(&user, state.store(), &plan).await {
                return Ok(refused.into_response());
            }
            preview(&plan)
        }
        // Not a plan reverts answer with; shown as it is all the same.
        Err(RevertError::Stale(plan)) => {
            if let Err(refused) = require_on_plan(&user, state.store(), &plan).await {
                return Ok(refused.into_response());
            }
            preview(&plan)
        }
        // The refusal names no bucket.
        Err(RevertError::NotRevertible(why)) => refused(target, why),
        Err(RevertError::NoSuchChange(_) | RevertError::NoSuchRun(_)) => {
            return Ok(not_found(&user, &jar).await);
        }
        Err(RevertError::Store(err)) => return Err(err.into()),
    };
    Ok(show_page(&user, &jar, Nav::AuditLog, Page::Revert(model)).await)
}

/// `POST /revert`: reverts what the preview showed (`change` or `run`, `plan_digest`), restoring
/// too the buckets changed since that were ticked (`include`), and answers with the outcome.
pub async fn confirm(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let fields = || form.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let (Some(target), Some(digest)) = (
        target(fields()),
        fields().find_map(|(k, v)| (k == "plan_digest").then_some(v)),
    ) else {
        // Our preview always carries both: the form did not come from it.
        return Ok(HtmlError::BadRequest.into_response());
    };
    let include: BTreeSet<String> = fields()
        .filter(|(k, _)| *k == "include")
        .map(|(_, v)| v.to_owned())
        .collect();
    match reverts::plan(state.store(), state.account(), target).await {
        Ok(plan) => {
            if let Err(refused) = require_on_plan(&user, state.store(), &plan).await {
                return Ok(refused.into_response());
            }
        }
        Err(RevertError::Stale(plan)) => {
            if let Err(refused) = require_on_plan(&user, state.store(), &plan).await {
                return Ok(refused.into_response());
            }
        }
        // The revert below answers these; a refusal names no bucket.
        Err(
            RevertError::NotRevertible(_)
            | RevertError::NoSuchChange(_)
            | RevertError::NoSuchRun(_),
        ) => {}
        Err(RevertError::Store(err)) => return Err(err.into()),
    }
    let actor = user.principal.actor();
    let changer = state.changer(&actor);
    let report = match reverts::revert(changer, target, &Include::Only(include), Some(digest)).await
    {
        Ok(report) => report,
        Err(RevertError::Stale(plan)) => {
            let mut model = preview(&plan);
            model.error = Some(
                "Nothing was changed: the buckets changed since the preview. Review the plan below and confirm again."
                    .to_owned(),
            );
            return Ok(render(
                chrome(&user, Nav::AuditLog, &jar),
                Page::Revert(model),
                StatusCode::CONFLICT,
            )
            .await);
        }
        Err(RevertError::NotRevertible(why)) => {
            let page = Page::Revert(refused(target, why));
            return Ok(render(
                chrome(&user, Nav::AuditLog, &jar),
                page,
                StatusCode::CONFLICT,
            )
            .await);
        }
        Err(RevertError::NoSuchChange(_) | RevertError::NoSuchRun(_)) => {
            return Ok(not_found(&user, &jar).await);
        }
        Err(RevertError::Store(err)) => return Err(err.into()),
    };
    let counts = report.counts();
    tracing::info!(actor = %actor, target = %target.words(), restored = counts.changed,
        failed = counts.failed, "revert confirmed on the dashboard");
    let mut model = RevertResultModel {
        describes: report.plan.describes.clone(),
        run: report.run.map(|r| r.get()),
        ..RevertResultModel::default()
    };
    for (bucket, result) in report.plan.buckets.iter().zip(&report.results) {
        match result {
            BucketResult::Restored { after } => {
                model
                    .restored
                    .push((bucket.name.clone(), words(Some(after))));
            }
            BucketResult::Failed {
                code,
                message,
                request_id,
            } => model.failed.push(FailureRow {
                name: bucket.name.clone(),
                code: code.clone(),
                message: message.clone(),
                request_id: request_id.clone(),
            }),
            BucketResult::LeftAlone => {
                model
                    .left_alone
                    .push((bucket.name.clone(), bucket.reason()));
            }
        }
    }
    Ok(show_page(&user, &jar, Nav::AuditLog, Page::RevertResult(model)).await)
}

/// The 403 page unless the user is an operator on the account of every bucket in
/// `plan`: the account the change was made in, and the account of the present bucket of that
/// name (the one a revert writes to).
async fn require_on_plan(
    user: &CurrentUser,
    store: &Store,
    plan: &RevertPlan,
) -> Result<(), HtmlError> {
    if user.role().allows(Role::Operator) {
        return Ok(());
    }
    for bucket in &plan.buckets {
        let account = match AccountName::parse(&bucket.account) {
            Ok(name) => store::find_account_by_name(store, &name).await?,
            Err(_) => None,
        };
        match account {
            Some(account) => user.require_on(account.id, &account.name, Role::Operator)?,
            None => user.require(Role::Operator)?,
        }
        if let Ok(name) = BucketName::parse(&bucket.name) {
            user.require_on_bucket(store, &name, Role::Operator).await?;
        }
    }
    Ok(())
}

/// The preview of `plan`.
fn preview(plan: &RevertPlan) -> RevertPreviewModel {
    let (target_field, target_id) = field(plan.target);
    let mut model = RevertPreviewModel {
        target_field,
        target_id,
        describes: plan.describes.clone(),
        digest: plan.digest.clone(),
        ..RevertPreviewModel::default()
    };
    for bucket in &plan.buckets {
        let row = row(bucket);
        match bucket.verdict {
            Verdict::Restore => model.restores.push(row),
            Verdict::ChangedSince => model.changed.push(row),
            _ => model.apart.push(row),
        }
    }
    model
}

/// The page of a target that cannot be reverted at all, saying why.
fn refused(target: RevertTarget, why: String) -> RevertPreviewModel {
    let (target_field, target_id) = field(target);
    RevertPreviewModel {
        target_field,
        target_id,
        describes: target.words(),
        refusal: Some(why),
        ..RevertPreviewModel::default()
    }
}

fn field(target: RevertTarget) -> (String, i64) {
    match target {
        RevertTarget::Change(id) => ("change".to_owned(), id.get()),
        RevertTarget::Run(id) => ("run".to_owned(), id.get()),
    }
}

fn row(bucket: &PlannedBucket) -> RevertRow {
    let restore = match &bucket.restore {
        Some(EncryptionState::Encrypted(rule)) => rule.to_string(),
        Some(EncryptionState::Unencrypted) => "no rule (DeleteBucketEncryption)".to_owned(),
        _ => "—".to_owned(),
    };
    RevertRow {
        name: bucket.name.clone(),
        region: bucket.region.clone().unwrap_or_default(),
        now: words(bucket.now.as_ref()),
        restore,
        reason: bucket.reason(),
    }
}

/// A state in words: `AES256`, `no rule`, `unknown (AccessDenied)`.
fn words(state: Option<&EncryptionState>) -> String {
    match state {
        Some(EncryptionState::Encrypted(rule)) => rule.to_string(),
        Some(EncryptionState::Unencrypted) => "no rule".to_owned(),
        Some(EncryptionState::Unknown { code, .. }) => format!("unknown ({code})"),
        None => "not in the inventory".to_owned(),
    }
}

async fn not_found(user: &CurrentUser, jar: &CookieJar) -> Response {
    render(
        chrome(user, Nav::None, jar),
        Page::NotFound,
        StatusCode::NOT_FOUND,
    )
    .await
}
