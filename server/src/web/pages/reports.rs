//! `GET /reports` (stored reports, digests, downloads and the schedule), `POST /reports` ("Create
//! report now", operators and admins), `GET /reports/{id}/download?format=csv|json|html` and
//! `GET /reports/{id}` (the printable report: notifications link there) for any signed-in user.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Utc;

use app::model::{ReportRow, ReportsModel};
use app::{FlashKind, Nav, Page};

use super::{PageError, flash, not_found, show_page};
use crate::actions;
use crate::domain::{ReportId, Role};
use crate::report::{self, ReportError, ReportFormat, ReportSchedule, ReportTrigger};
use crate::store::{self, ReportRecord, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, HtmlError, NoFields};

/// Reports listed on the page (older ones: `oss-audit report list`, `GET /api/v1/reports`).
const LISTED: i64 = 100;

/// `/reports` and the downloads.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", axum::routing::get(show).post(create))
        .route("/reports/{id}", axum::routing::get(open))
        .route("/reports/{id}/download", axum::routing::get(download))
}

/// `GET /reports`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let model = load(&state).await?;
    Ok(show_page(&user, &jar, Nav::Reports, Page::Reports(model)).await)
}

async fn load(state: &AppState) -> Result<ReportsModel, StoreError> {
    let (store, account) = (state.store(), state.account());
    let reports = store::list_reports(store, account, LISTED).await?;
    let has_completed_scan = store::find_last_completed_scan(store).await?.is_some();
    let schedule = store::find_report_schedule(store, account)
        .await?
        .map(|(_, schedule)| schedule);
    // The schedule was valid when the server stored it; should it not parse, no time is shown.
    let next_run = schedule
        .as_deref()
        .and_then(|s| ReportSchedule::parse(s).ok())
        .and_then(|s| s.next_after(Utc::now()))
        .map(rfc3339);
    Ok(ReportsModel {
        reports: reports.into_iter().map(row).collect(),
        schedule,
        next_run,
        has_completed_scan,
    })
}

fn row(r: ReportRecord) -> ReportRow {
    ReportRow {
        id: r.id.get(),
        created_at: rfc3339(r.created_at),
        trigger: r.trigger,
        created_by: r.created_by,
        buckets: r.buckets,
        compliant: r.compliant,
        noncompliant: r.noncompliant,
        unknown: r.unknown,
        digest: r.digest,
        previous_digest: r.previous_digest,
    }
}

/// `POST /reports`: makes a report now and goes back to the list, where it shows first.
pub async fn create(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Response {
    if let Err(refused) = user.require(Role::Operator) {
        return refused.into_response();
    }
    let actor = user.principal.actor();
    let made = actions::reports::create(
        state.store(),
        state.account(),
        ReportTrigger::Dashboard,
        &actor,
        false,
    )
    .await;
    let (kind, text, to) = match made {
        Ok(created) => (
            FlashKind::Success,
            format!(
                "Report {} created: {} buckets, {} compliant. SHA-256 {}.",
                created.id, created.totals.buckets, created.totals.compliant, created.digest
            ),
            format!("/reports#report-{}", created.id),
        ),
        Err(ReportError::NothingNew { report, .. }) => (
            FlashKind::Error,
            format!(
                "Report {report} already covers the latest scan and nothing has changed since; no copy was made. Run a scan first."
            ),
            format!("/reports#report-{report}"),
        ),
        Err(ReportError::NoCompletedScan) => (
            FlashKind::Error,
            "No scan has completed yet: a report needs the results of one. Run a scan first."
                .to_owned(),
            "/reports".to_owned(),
        ),
        Err(err) => {
            tracing::error!(error = %err, "could not make a report from the dashboard");
            (
                FlashKind::Error,
                "The report could not be made. Try again in a moment; the server log says why."
                    .to_owned(),
                "/reports".to_owned(),
            )
        }
    };
    (flash(jar, kind, &text), Redirect::to(&to)).into_response()
}

/// `GET /reports/{id}`: the report's own address, as `report_ready` notifications link it; it
/// opens the printable HTML.
pub async fn open(user: CurrentUser, jar: CookieJar, Path(id): Path<String>) -> Response {
    match ReportId::parse(&id) {
        Some(id) => Redirect::to(&format!("/reports/{id}/download?format=html")).into_response(),
        None => not_found(Ok(user), jar).await,
    }
}

/// `GET /reports/{id}/download?format=csv|json|html` (JSON when no format is given).
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let format = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "format")
        .map(|(_, value)| value.parse::<ReportFormat>());
    let format = match format {
        None => ReportFormat::Json,
        Some(Ok(format)) => format,
        Some(Err(_)) => return Ok(HtmlError::BadRequest.into_response()),
    };
    let Some(id) = ReportId::parse(&id) else {
        return Ok(not_found(Ok(user), jar).await);
    };
    let Some((record, content)) = store::find_report(state.store(), state.account(), id).await?
    else {
        return Ok(not_found(Ok(user), jar).await);
    };
    Ok(report::render(&record, content, format)?.into_response())
}
