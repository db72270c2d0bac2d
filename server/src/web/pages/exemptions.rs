//! `GET /exemptions` (everyone signed in): every exemption; `POST /exemptions` requests one
//! (operators of the account it names, or of every account when it names none); `POST /exemptions/{id}/{approve,revoke}` (admins). Each step goes
//! through `actions::exemptions`, which keeps the four-eyes rule and the audit log.

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::model::{ExemptionForm, ExemptionRow, ExemptionsModel};
use app::{FlashKind, Nav, Page};

use super::{PageError, chrome, flash, render};
use crate::actions::exemptions::{ExemptionInput, ExemptionStepError};
use crate::domain::{
    AccountName, BucketPattern, ExemptionId, ExemptionReason, ExemptionStatus, Region, Role,
    parse_expiry,
};
use crate::store::{self, ExemptionRecord, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

const PAGE: &str = "/exemptions";

/// The page and the routes of its forms.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(show).post(request))
        .route("/exemptions/{id}/{step}", post(step))
}

/// `GET /exemptions`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    page(
        &state,
        &user,
        &jar,
        StatusCode::OK,
        ExemptionForm::default(),
    )
    .await
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    jar: &CookieJar,
    status: StatusCode,
    form: ExemptionForm,
) -> Result<Response, PageError> {
    let records = store::list_exemptions(state.store(), None).await?;
    let model = ExemptionsModel {
        rows: rows(&records, user),
        form,
    };
    Ok(render(
        chrome(user, Nav::Exemptions, jar),
        Page::Exemptions(model),
        status,
    )
    .await)
}

/// The rows of `records` with the buttons `user` may use.
pub fn rows(records: &[ExemptionRecord], user: &CurrentUser) -> Vec<ExemptionRow> {
    let actor = user.principal.actor();
    let admin = user.role() == Role::Admin;
    records
        .iter()
        .map(|e| {
            let open = matches!(
                e.status,
                ExemptionStatus::Requested | ExemptionStatus::Approved
            );
            let scope = [
                e.account.as_ref().map(|a| format!("account {a}")),
                e.region.as_ref().map(|r| format!("region {r}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            ExemptionRow {
                id: e.id.get(),
                buckets: e.pattern.to_string(),
                scope,
                reason: e.reason.to_string(),
                expires_at: rfc3339(e.expires_at),
                status: e.status.as_str().to_owned(),
                requested_by: e.requested_by.clone(),
                approved_by: e.approved_by.clone(),
                ended_by: match e.status {
                    ExemptionStatus::Revoked => e.revoked_by.clone(),
                    ExemptionStatus::Expired => Some("its expiry".to_owned()),
                    _ => None,
                },
                exempt_buckets: e.buckets,
                can_approve: admin
                    && e.status == ExemptionStatus::Requested
                    && e.requested_by != actor.as_str(),
                can_revoke: admin && open,
            }
        })
        .collect()
}

/// The request form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct RequestInput {
    #[serde(default)]
    buckets: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    expires: String,
}

impl RequestInput {
    fn parse(&self) -> Result<ExemptionInput, String> {
        let optional = |raw: &str| {
            Some(raw.trim())
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
        };
        Ok(ExemptionInput {
            pattern: BucketPattern::parse(&self.buckets).map_err(|e| e.to_string())?,
            account: optional(&self.account)
                .map(|a| AccountName::parse(&a))
                .transpose()
                .map_err(|e| e.to_string())?,
            region: optional(&self.region)
                .map(|r| Region::parse(&r))
                .transpose()
                .map_err(|e| e.to_string())?,
            reason: ExemptionReason::parse(&self.reason).map_err(|e| e.to_string())?,
            expires_at: parse_expiry(&self.expires).map_err(|e| e.to_string())?,
        })
    }
}

/// `POST /exemptions`: records the request and shows the list, or the form again (400) with why.
pub async fn request(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<RequestInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let shown = |error: String| ExemptionForm {
        buckets: form.buckets.chars().take(63).collect(),
        account: form.account.chars().take(64).collect(),
        region: form.region.chars().take(64).collect(),
        reason: form.reason.chars().take(1000).collect(),
        expires: form.expires.chars().take(32).collect(),
        error: Some(error),
    };
    let input = match form.parse() {
        Ok(input) => input,
        Err(why) => return page(&state, &user, &jar, StatusCode::BAD_REQUEST, shown(why)).await,
    };
    let actor = user.principal.actor();
    match state
        .exemptions()
        .request(&input, &actor, user.access())
        .await
    {
        Ok(made) => {
            let text = format!(
                "Exemption {} of {} requested; a different admin must approve it.",
                made.id, made.pattern
            );
            let back = Redirect::to(&format!("{PAGE}#exemption-{}", made.id));
            Ok((flash(jar, FlashKind::Success, &text), back).into_response())
        }
        Err(ExemptionStepError::Store(err)) => Err(err.into()),
        Err(err) => {
            let status = match err {
                ExemptionStepError::NotOperator => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            page(&state, &user, &jar, status, shown(err.to_string())).await
        }
    }
}

/// `POST /exemptions/{id}/{approve|revoke}`.
pub async fn step(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<(String, String)>, PathRejection>,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let back = Redirect::to(PAGE);
    let Some((id, step)) = path
        .ok()
        .and_then(|Path((id, step))| ExemptionId::parse(&id).map(|id| (id, step)))
    else {
        return Ok((
            flash(jar, FlashKind::Error, "There is no such exemption."),
            back,
        )
            .into_response());
    };
    let (steps, actor) = (state.exemptions(), user.principal.actor());
    let done = match step.as_str() {
        "approve" => steps.approve(id, &actor, user.role()).await.map(|e| {
            format!(
                "Exemption {id} approved: {} bucket(s) exempt now.",
                e.buckets
            )
        }),
        "revoke" => steps.revoke(id, &actor, user.role()).await.map(|_| {
            format!("Exemption {id} revoked: its buckets are judged by the policy again.")
        }),
        _ => return Ok((StatusCode::NOT_FOUND, "Not found\n").into_response()),
    };
    let (kind, text) = match done {
        Ok(text) => (FlashKind::Success, text),
        Err(ExemptionStepError::Store(err)) => return Err(PageError::from(err)),
        Err(err) => (FlashKind::Error, format!("Not done: {err}.")),
    };
    Ok((flash(jar, kind, &text), back).into_response())
}

/// The exemptions naming a bucket, for its page.
pub async fn naming(
    state: &AppState,
    user: &CurrentUser,
    record: &store::BucketRecord,
) -> Result<Vec<ExemptionRow>, StoreError> {
    let records = store::list_exemptions_naming(
        state.store(),
        record.account_id,
        record.name.as_str(),
        &record.region,
    )
    .await?;
    Ok(rows(&records, user))
}
