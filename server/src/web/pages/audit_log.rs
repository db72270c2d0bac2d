//! `GET /audit-log`: every change, newest first, filtered by account, bucket, user and date range
//! (UTC days) through a plain GET form, paged backwards with `before=<id>`.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use chrono::{DateTime, NaiveDate, Utc};

use app::model::{AuditFilter, AuditFilterErrors, AuditLogModel, AuditLogRow};
use app::{Nav, Page};

use super::audit_words::in_words;
use super::{PageError, chrome, render, show_page};
use crate::actions::reverts::revertible;
use crate::domain::{AccountId, AccountName, ChangeId};
use crate::store::{self, ChangeFilter, ChangeRecord, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// Entries per page.
const PAGE: i64 = 100;

/// `/audit-log`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/audit-log", axum::routing::get(show))
}

/// `GET /audit-log[?account=&bucket=&actor=&since=&until=&before=]`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let mut form = AuditFilter::default();
    let mut before = None;
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let value: String = value.trim().chars().take(200).collect();
        match key.as_ref() {
            "account" => form.account = value,
            "bucket" => form.bucket = value,
            "actor" => form.actor = value,
            "since" => form.since = value,
            "until" => form.until = value,
            "before" => before = ChangeId::parse(&value),
            _ => {}
        }
    }
    let (mut filter, mut errors) = parse_filter(&form, before);
    filter.account = account_filter(&state, &form.account, &mut errors.account).await?;
    let mut model = AuditLogModel {
        filter: form,
        paged: before.is_some(),
        accounts: store::list_accounts(state.store(), true)
            .await?
            .into_iter()
            .map(|a| a.name.to_string())
            .collect(),
        ..AuditLogModel::default()
    };
    if errors.any() {
        model.errors = errors;
        return Ok(render(
            chrome(&user, Nav::AuditLog, &jar),
            Page::AuditLog(model),
            StatusCode::BAD_REQUEST,
        )
        .await);
    }
    let mut entries = store::list_changes(state.store(), &filter).await?;
    if entries.len() as i64 > PAGE {
        entries.truncate(PAGE as usize);
        model.older = entries.last().map(|e| older_link(&model.filter, e.id));
    }
    model.entries = entries.into_iter().map(row).collect();
    Ok(show_page(&user, &jar, Nav::AuditLog, Page::AuditLog(model)).await)
}

/// The id of the account named `name` (none when empty); a name no account has leaves a message
/// in `error`. Removed accounts count: their history stays in the log.
async fn account_filter(
    state: &AppState,
    name: &str,
    error: &mut Option<String>,
) -> Result<Option<AccountId>, StoreError> {
    if name.is_empty() {
        return Ok(None);
    }
    let found = match AccountName::parse(name) {
        Ok(name) => store::find_account_by_name(state.store(), &name).await?,
        Err(_) => None,
    };
    if found.is_none() {
        *error = Some("No account has that name.".to_owned());
    }
    Ok(found.map(|a| a.id))
}

/// The store filter the form asks for, or a message per field it cannot use.
fn parse_filter(form: &AuditFilter, before: Option<ChangeId>) -> (ChangeFilter, AuditFilterErrors) {
    let mut errors = AuditFilterErrors::default();
    let since = day_start(&form.since, &mut errors.since);
    // `until` is inclusive: everything before the start of the next day.
    let until = day_start(&form.until, &mut errors.until).map(|t| t + chrono::Duration::days(1));
    if let (Some(since), Some(until)) = (since, until)
        && until <= since
    {
        errors.until = Some("The end date is before the start date.".to_owned());
    }
    let actor = match form.actor.as_str() {
        "" => None,
        // A bare name means a dashboard user; `token:ci` or `cli:root` are taken as written.
        name if !name.contains(':') => Some(format!("user:{name}")),
        actor => Some(actor.to_owned()),
    };
    let filter = ChangeFilter {
        account: None,
        bucket: (!form.bucket.is_empty()).then(|| form.bucket.clone()),
        actor,
        since,
        until,
        before_id: before,
        limit: PAGE + 1,
    };
    (filter, errors)
}

/// Midnight UTC of a `YYYY-MM-DD` day; an unreadable day leaves a message in `error`.
fn day_start(raw: &str, error: &mut Option<String>) -> Option<DateTime<Utc>> {
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(day) => Some(day.and_time(chrono::NaiveTime::MIN).and_utc()),
        Err(_) => {
            *error = Some("Use a date like 2026-11-26 (YYYY-MM-DD).".to_owned());
            None
        }
    }
}

/// The next page: the same filters, entries older than `last`.
fn older_link(filter: &AuditFilter, last: ChangeId) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("account", &filter.account),
        ("bucket", &filter.bucket),
        ("actor", &filter.actor),
        ("since", &filter.since),
        ("until", &filter.until),
    ] {
        if !value.is_empty() {
            query.append_pair(key, value);
        }
    }
    query.append_pair("before", &last.to_string());
    format!("/audit-log?{}", query.finish())
}

fn row(entry: ChangeRecord) -> AuditLogRow {
    let refused = entry.outcome != "ok";
    let revertible = revertible(&entry);
    AuditLogRow {
        id: entry.id.get(),
        account: entry.account.to_string(),
        at: rfc3339(entry.at),
        before: in_words(entry.before.as_deref(), false),
        after: in_words(entry.after.as_deref(), refused),
        actor: entry.actor,
        action: entry.action,
        bucket: entry.bucket,
        outcome: entry.outcome,
        detail: entry.detail,
        request_id: entry.request_id,
        run: entry.run_id.map(|r| r.get()),
        revertible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(since: &str, until: &str, actor: &str) -> AuditFilter {
        AuditFilter {
            since: since.into(),
            until: until.into(),
            actor: actor.into(),
            ..AuditFilter::default()
        }
    }

    #[test]
    fn days_are_utc_and_the_end_day_is_included() {
        let (filter, errors) = parse_filter(&form("2026-11-01", "2026-11-01", "alice"), None);
        assert!(!errors.any());
        assert_eq!(
            filter.since.map(rfc3339).as_deref(),
            Some("2026-11-01T00:00:00Z")
        );
        assert_eq!(
            filter.until.map(rfc3339).as_deref(),
            Some("2026-11-02T00:00:00Z")
        );
        assert_eq!(filter.actor.as_deref(), Some("user:alice"));
        let (filter, _) = parse_filter(&form("", "", "token:ci"), None);
        assert_eq!(filter.actor.as_deref(), Some("token:ci"));
    }

    #[test]
    fn unreadable_or_reversed_dates_are_refused_next_to_the_field() {
        let (_, errors) = parse_filter(&form("yesterday", "", ""), None);
        assert!(errors.since.is_some() && errors.until.is_none());
        let (_, errors) = parse_filter(&form("2026-11-05", "2026-11-01", ""), None);
        assert!(errors.until.is_some());
    }
}
