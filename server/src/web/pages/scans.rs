//! `GET /scans` (the history, newest first, and the progress of a running scan) and `POST /scans`
//! ("Scan now", operators and admins).

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Utc};

use app::model::{RunningScan, ScanPartRow, ScanRow, ScansModel};
use app::{FlashKind, Nav, Page};

use super::{PageError, flash, show_page};
use crate::domain::{AccountId, AccountName, Role, ScanId, ScanStatus, Trigger};
use crate::scan::ScanError;
use crate::store::{self, AccountScanRecord, ScanRecord, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

/// Scans per page of the history.
const PAGE: i64 = 50;

/// `/scans`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/scans", axum::routing::get(show).post(start))
}

/// `GET /scans[?account=NAME][&before=ID]`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    // `before` pages back to older scans; anything unreadable shows the newest. `account`
    // narrows the history to that account's parts.
    let (mut before, mut account) = (None, String::new());
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "before" => before = ScanId::parse(&value),
            "account" => account = value.trim().chars().take(100).collect(),
            _ => {}
        }
    }
    let model = load(&state, before, account).await?;
    Ok(show_page(&user, &jar, Nav::Scans, Page::Scans(model)).await)
}

async fn load(
    state: &AppState,
    before: Option<ScanId>,
    account: String,
) -> Result<ScansModel, StoreError> {
    let store = state.store();
    let (filter, notes) = account_filter(state, &account).await?;
    let mut scans = store::list_scans(store, filter, before, PAGE + 1).await?;
    let older = (scans.len() as i64 > PAGE).then(|| {
        scans.truncate(PAGE as usize);
        scans.last().map(|s| s.id.get())
    });
    let ids: Vec<ScanId> = scans.iter().map(|s| s.id).collect();
    let parts = store::list_account_scans_of(store, &ids).await?;
    // Only one scan runs at a time and none starts while it does, so it is the newest one.
    let running = store::list_scans(store, None, None, 1)
        .await?
        .into_iter()
        .find(|s| s.status == ScanStatus::Running)
        .map(|s| RunningScan {
            id: s.id.get(),
            done: s.buckets_done,
            total: s.buckets_total,
        });
    let now = Utc::now();
    let mut rows = Vec::with_capacity(scans.len());
    for scan in &scans {
        let own: Vec<_> = parts
            .iter()
            .filter(|p| p.scan_id == scan.id && filter.is_none_or(|a| p.account_id == a))
            .collect();
        if let (Some(_), Some(part)) = (filter, own.first()) {
            // One account's part shows that part's own counts, as the scan recorded them.
            rows.push(part_row(scan, part, now));
            continue;
        }
        let mut row = row(scan, &own, now);
        // First sightings are not changes: the first scan lists every bucket once, as new.
        if let Some(changes) = scan.changes.filter(|n| *n > 0) {
            let first_seen = store::count_scan_first_sightings(store, scan.id).await?;
            row.changes = Some(changes - first_seen);
            row.first_seen = Some(first_seen);
        }
        rows.push(row);
    }
    Ok(ScansModel {
        scans: rows,
        running,
        older: older.flatten(),
        paged: before.is_some(),
        account: if filter.is_some() {
            account
        } else {
            String::new()
        },
        accounts: store::list_accounts(store, true)
            .await?
            .into_iter()
            .map(|a| a.name.to_string())
            .collect(),
        notes,
    })
}

/// The account `name` names (none when empty), or a note saying it was ignored.
async fn account_filter(
    state: &AppState,
    name: &str,
) -> Result<(Option<AccountId>, Vec<String>), StoreError> {
    if name.is_empty() {
        return Ok((None, Vec::new()));
    }
    let found = match AccountName::parse(name) {
        Ok(parsed) => store::find_account_by_name(state.store(), &parsed).await?,
        Err(_) => None,
    };
    Ok(match found {
        Some(account) => (Some(account.id), Vec::new()),
        None => (
            None,
            vec![format!(
                "Ignored account “{name}”: no account has that name."
            )],
        ),
    })
}

/// A scan as one account's part of it shows it: that account's status, counts and failure.
fn part_row(scan: &ScanRecord, part: &AccountScanRecord, now: DateTime<Utc>) -> ScanRow {
    let base = row(scan, &[part], now);
    let duration = match part.finished_at {
        Some(end) => duration(end - part.started_at),
        None if part.status == ScanStatus::Running => {
            format!("running for {}", duration(now - part.started_at))
        }
        None => "—".to_owned(),
    };
    let summary = part.summary.as_ref();
    ScanRow {
        status: part.status.as_str().to_owned(),
        started_at: rfc3339(part.started_at),
        duration,
        buckets: part.buckets_total,
        encrypted: summary.map(|s| s.encrypted),
        unencrypted: summary.map(|s| s.unencrypted),
        unknown: summary.map(|s| s.unknown),
        changes: summary.map(|s| s.changes),
        error: part.error.clone(),
        ..base
    }
}

fn row(scan: &ScanRecord, parts: &[&AccountScanRecord], now: DateTime<Utc>) -> ScanRow {
    let duration = match scan.finished_at {
        Some(end) => duration(end - scan.started_at),
        None if scan.status == ScanStatus::Running => {
            format!("running for {}", duration(now - scan.started_at))
        }
        None => "—".to_owned(),
    };
    ScanRow {
        id: scan.id.get(),
        trigger: scan.trigger.clone(),
        status: scan.status.as_str().to_owned(),
        started_at: rfc3339(scan.started_at),
        duration,
        buckets: scan.buckets_total,
        encrypted: scan.encrypted,
        unencrypted: scan.unencrypted,
        unknown: scan.unknown,
        changes: scan.changes,
        first_seen: None,
        error: scan.error.clone().or_else(|| failed_parts(parts)),
        parts: parts
            .iter()
            .map(|p| ScanPartRow {
                account: p.account.to_string(),
                status: p.status.as_str().to_owned(),
                error_code: p.error_code.clone(),
            })
            .collect(),
    }
}

/// What a partial scan's failed parts say: each account, its code and request id.
fn failed_parts(parts: &[&AccountScanRecord]) -> Option<String> {
    let failed: Vec<String> = parts
        .iter()
        .filter(|p| p.status == ScanStatus::Failed)
        .map(|p| {
            format!(
                "account {}: {} (request id {})",
                p.account,
                p.error_code.as_deref().unwrap_or("failed"),
                p.request_id.as_deref().unwrap_or("none")
            )
        })
        .collect();
    (!failed.is_empty()).then(|| failed.join("; "))
}

/// A duration as a person reads it: `12.4 s`, `3 min 20 s`, `2 h 5 min`.
fn duration(span: chrono::TimeDelta) -> String {
    let ms = span.num_milliseconds().max(0);
    let s = ms / 1000;
    match s {
        0..60 => format!("{:.1} s", ms as f64 / 1000.0),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// `POST /scans`: starts a scan in the background and goes back to the history, where its
/// progress shows; a scan already running is said so in the flash.
pub async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Response {
    if let Err(refused) = user.require(Role::Operator) {
        return refused.into_response();
    }
    let (kind, text, to) = match state.start_scan(Trigger::Dashboard).await {
        Ok(id) => {
            tracing::info!(scan.id = %id, actor = %user.principal.actor(), "scan started from the dashboard");
            (
                FlashKind::Success,
                format!("Scan {id} started."),
                format!("/scans#scan-{id}"),
            )
        }
        Err(ScanError::AlreadyRunning(id)) => (
            FlashKind::Error,
            format!("Scan {id} is already running; its progress is shown below."),
            format!("/scans#scan-{id}"),
        ),
        Err(err) => {
            tracing::error!(error = %err, "could not start a scan from the dashboard");
            (
                FlashKind::Error,
                "The scan could not be started. Try again in a moment; the server log says why."
                    .to_owned(),
                "/scans".to_owned(),
            )
        }
    };
    (flash(jar, kind, &text), Redirect::to(&to)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_would_say_them() {
        assert_eq!(duration(chrono::TimeDelta::milliseconds(12_400)), "12.4 s");
        assert_eq!(duration(chrono::TimeDelta::seconds(200)), "3 min 20 s");
        assert_eq!(duration(chrono::TimeDelta::seconds(7_500)), "2 h 5 min");
        assert_eq!(duration(chrono::TimeDelta::seconds(-3)), "0.0 s");
    }
}
