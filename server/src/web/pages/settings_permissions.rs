//! `GET /settings/permissions` (admins): the RAM policies oss-audit needs; `POST` runs the
//! permission checks (the same as `oss-audit doctor`) and shows their results on the page. The
//! checks only read, so the answer is the page itself rather than a redirect.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;

use app::model::{CheckRow, PermissionResults, PermissionsModel};
use app::{Nav, Page};

use super::{PageError, chrome, render};
use crate::doctor::{self, Diagnosis, Outcome, PolicyMode};
use crate::domain::{AccountUid, Role};
use crate::store;
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

const PAGE: &str = "/settings/permissions";

/// The page and its form.
pub fn routes() -> Router<AppState> {
    Router::new().route(PAGE, get(show).post(run))
}

/// `GET /settings/permissions`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    page(&state, &user, &jar, None).await
}

/// `POST /settings/permissions`: runs every check and shows the page with their results.
pub async fn run(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let diagnosis = doctor::diagnose(state.store(), state.clients()).await?;
    page(&state, &user, &jar, Some(diagnosis)).await
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    jar: &CookieJar,
    diagnosis: Option<Diagnosis>,
) -> Result<Response, PageError> {
    let accounts = store::list_accounts(state.store(), false).await?;
    let mut inputs = doctor::policy::inputs_of(&accounts);
    // A run has just learned the hub's uid from its listing, even when none is stored yet.
    if let Some(uid) = diagnosis.as_ref().and_then(|d| d.hub_uid.as_deref()) {
        inputs.hub_uid = inputs.hub_uid.or_else(|| AccountUid::parse(uid).ok());
    }
    let read_only = doctor::documents(PolicyMode::ReadOnly, &inputs);
    let remediate = doctor::documents(PolicyMode::Remediate, &inputs);
    let pretty = |value: &serde_json::Value| {
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    };
    let model = PermissionsModel {
        results: diagnosis.map(results),
        read_only_policy: pretty(&read_only["permission_policy"]),
        remediate_policy: pretty(&remediate["permission_policy"]),
        hub_policy: pretty(&read_only["hub_policy"]),
        trust_policy: pretty(&read_only["trust_policy"]),
        placeholders: read_only["placeholders"]
            .as_array()
            .map(|p| {
                p.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok(render(
        chrome(user, Nav::Settings, jar),
        Page::Permissions(model),
        StatusCode::OK,
    )
    .await)
}

fn results(diagnosis: Diagnosis) -> PermissionResults {
    PermissionResults {
        summary: diagnosis.summary(),
        failed: diagnosis.failed(),
        rows: diagnosis
            .checks
            .into_iter()
            .map(|check| {
                let status = check.outcome.word().to_owned();
                let (detail, code, request_id, fix) = match check.outcome {
                    Outcome::Ok { detail } => (detail, None, None, None),
                    Outcome::Skipped { reason } => (reason, None, None, None),
                    Outcome::Failed {
                        code,
                        request_id,
                        message,
                        fix,
                    } => (message, Some(code), request_id, Some(fix)),
                };
                CheckRow {
                    account: check.account,
                    check: check.check,
                    status,
                    detail,
                    code,
                    request_id,
                    fix,
                }
            })
            .collect(),
    }
}
