//! `GET /remediate` (the preview: what changes, what is left alone) and `POST /remediate` (the
//! confirmation, answered with the results page itself). Operators and admins only: every
//! non-compliant bucket needs the operator role on every account (it spans the estate); a user
//! who is operator on some accounts only picks buckets on the bucket list, and each one is
//! checked against its own account (the preview sets the others apart, the confirmation refuses
//! them with 403).

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use app::model::{FailureRow, RemediateResultModel};
use app::{Nav, Page};

use super::remediate_preview::{self as preview, MAX_NAMED};
use super::{PageError, chrome, render, show_page};
use crate::actions::remediation::{
    Confirmation, RemediationError, RemediationFailure, Selection, remediate,
};
use crate::domain::{BucketName, Role};
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, HtmlError};

/// `/remediate`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/remediate", axum::routing::get(show).post(confirm))
}

/// `GET /remediate[?bucket=NAME...[&force=1]][&offset=N]`: the preview of every readable
/// non-compliant bucket, or of exactly the buckets named (less those already compliant or exempt,
/// unless `force`).
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let mut names = Vec::new();
    let mut offset = 0;
    let mut force = false;
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "bucket" if !value.trim().is_empty() => names.push(value.trim().to_owned()),
            "offset" => offset = value.parse::<i64>().unwrap_or(0).max(0),
            "force" => force = value == "1",
            _ => {}
        }
    }
    let model = if names.is_empty() {
        if let Err(refused) = user.require(Role::Operator) {
            return Ok(refused.into_response());
        }
        preview::all(&state, offset).await?
    } else {
        preview::named(&state, user.access(), &names, force).await?
    };
    Ok(show_page(&user, &jar, Nav::Remediate, Page::Remediate(model)).await)
}

/// `POST /remediate`: remediates exactly the previewed buckets (`bucket` fields), or every
/// non-compliant bucket (`all=1`), while the plan is still the one previewed (`plan_digest`:
/// the buckets, their states and the target), and answers with the outcome per bucket. Named
/// buckets are an explicit choice: without a digest they are changed as named, less those
/// already compliant or exempt unless `force=1`.
pub async fn confirm(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let field = |name: &'static str| form.iter().filter(move |(k, _)| k == name).map(|(_, v)| v);
    let names: Vec<&String> = field("bucket").collect();
    let all = field("all").any(|v| v == "1");
    let force = field("force").any(|v| v == "1");
    let digest = field("plan_digest").find(|v| !v.trim().is_empty()).cloned();
    let selection = if !names.is_empty() {
        let parsed: Result<Vec<_>, _> = names.iter().map(|n| BucketName::parse(n)).collect();
        let parsed = match parsed {
            Ok(parsed) if parsed.len() <= MAX_NAMED => parsed,
            // Our preview never carries these: the form did not come from it.
            _ => return Ok(HtmlError::BadRequest.into_response()),
        };
        if !user.role().allows(Role::Operator) {
            for name in &parsed {
                if let Err(refused) = user
                    .require_on_bucket(state.store(), name, Role::Operator)
                    .await
                {
                    return Ok(refused.into_response());
                }
            }
        }
        Selection::Named {
            buckets: parsed,
            force,
        }
    } else if all {
        if let Err(refused) = user.require(Role::Operator) {
            return Ok(refused.into_response());
        }
        Selection::AllNonCompliant
    } else {
        return Ok(HtmlError::BadRequest.into_response());
    };
    let confirmation = match (digest, &selection) {
        (Some(digest), _) => Confirmation::Digest(digest),
        (None, Selection::Named { .. }) => Confirmation::Force,
        // Every non-compliant bucket is never changed without the plan that was previewed.
        (None, Selection::AllNonCompliant) => Confirmation::Digest(String::new()),
    };
    let actor = user.principal.actor();
    let (plan, report) = match remediate(state.changer(&actor), &selection, &confirmation).await {
        Ok(done) => done,
        Err(RemediationError::Stale { .. }) => {
            return stale(&state, &user, &jar, &selection).await;
        }
        Err(RemediationError::Store(err)) => return Err(err.into()),
    };
    let target = plan.target.to_string();
    tracing::info!(
        actor = %actor,
        remediated = report.remediated.len(),
        failed = report.failed.len(),
        "remediation confirmed on the dashboard"
    );
    let model = RemediateResultModel {
        run: report.run.map(|r| r.get()),
        target,
        remediated: report.remediated,
        failed: report.failed.iter().map(failure_row).collect(),
    };
    Ok(show_page(&user, &jar, Nav::Remediate, Page::RemediateResult(model)).await)
}

/// The preview again (409), saying the buckets changed since it was shown; nothing was changed.
async fn stale(
    state: &AppState,
    user: &CurrentUser,
    jar: &CookieJar,
    selection: &Selection,
) -> Result<Response, PageError> {
    let mut model = match selection {
        Selection::AllNonCompliant => preview::all(state, 0).await?,
        Selection::Named { buckets, force } => {
            let names: Vec<String> = buckets.iter().map(ToString::to_string).collect();
            preview::named(state, user.access(), &names, *force).await?
        }
    };
    model.error = Some(
        "Nothing was changed: the buckets, their encryption or the remediation target changed since the preview. Review the plan below and confirm again."
            .to_owned(),
    );
    Ok(render(
        chrome(user, Nav::Remediate, jar),
        Page::Remediate(model),
        StatusCode::CONFLICT,
    )
    .await)
}

/// Splits `actions::remediation::describe`'s `CODE: message (request id ID)` into its parts; a reason in
/// another shape (not in the inventory, a network failure) is kept whole as the message.
fn failure_row(failure: &RemediationFailure) -> FailureRow {
    let text = failure.error.as_str();
    let (rest, request_id, from_oss) = match text.rfind(" (request id ") {
        Some(at) if text.ends_with(')') => {
            let id = &text[at + " (request id ".len()..text.len() - 1];
            (&text[..at], (id != "none").then(|| id.to_owned()), true)
        }
        _ => (text, None, false),
    };
    let (code, message) = match rest.split_once(": ") {
        Some((code, message)) if from_oss && !code.is_empty() && !code.contains(' ') => {
            (code.to_owned(), message.to_owned())
        }
        _ => (String::new(), rest.to_owned()),
    };
    FailureRow {
        name: failure.name.clone(),
        code,
        message,
        request_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(error: &str) -> FailureRow {
        failure_row(&RemediationFailure {
            account: None,
            name: "b".into(),
            error: error.into(),
        })
    }

    #[test]
    fn oss_failures_split_into_code_message_and_request_id() {
        let r = row("AccessDenied: You have no right to access this object. (request id 5F3A)");
        assert_eq!(r.code, "AccessDenied");
        assert_eq!(r.message, "You have no right to access this object.");
        assert_eq!(r.request_id.as_deref(), Some("5F3A"));
        let none = row("NoSuchBucket: gone (request id none)");
        assert_eq!(
            (none.code.as_str(), none.request_id),
            ("NoSuchBucket", None)
        );
        let other = row("bucket x is not in the inventory; run a scan if it was created recently");
        assert_eq!(other.code, "");
        assert!(other.message.starts_with("bucket x is not"));
    }
}
