//! The settings page as every settings form answers with it: loaded from the store, adjusted by
//! the form (its messages, or a token shown once), and rendered.

use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use chrono::Utc;

use app::model::{PolicyForm, ScheduleInfo, SettingsModel, TokenRow, UserRow};
use app::{Nav, Page};

use crate::auth::tokens::TokenLifetime;
use crate::domain::{Policy, Role};
use crate::store::{self, Grantee, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::pages::{PageError, chrome, render};
use crate::web::session::CurrentUser;

/// The settings page with `status`, after `adjust` changed its model (a form shown again with
/// its messages, or a token just created).
pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    jar: &CookieJar,
    status: StatusCode,
    adjust: impl FnOnce(&mut SettingsModel),
) -> Result<Response, PageError> {
    let mut model = load(state, user).await?;
    adjust(&mut model);
    Ok(render(
        chrome(user, Nav::Settings, jar),
        Page::Settings(model),
        status,
    )
    .await)
}

async fn load(state: &AppState, user: &CurrentUser) -> Result<SettingsModel, StoreError> {
    let store = state.store();
    let rules = store::current_rules(store, state.account()).await?;
    let policy = rules.default_policy().clone();
    let grants = store::list_grants(store).await?;
    let grants_of = |grantee: Grantee| -> Vec<String> {
        grants
            .iter()
            .filter(|g| g.grantee == grantee)
            .map(|g| format!("{}={}", g.account, g.role))
            .collect()
    };
    let users = store::list_users(store)
        .await?
        .into_iter()
        .map(|u| UserRow {
            is_self: u.name.eq_ignore_ascii_case(user.name()),
            grants: grants_of(Grantee::User(u.id)),
            name: u.name,
            role: u.role.as_str().to_owned(),
            created_at: rfc3339(u.created_at),
            disabled_at: u.disabled_at.map(rfc3339),
        })
        .collect();
    // Newest first: the token just created or used is the one looked for.
    let now = Utc::now();
    let tokens = store::list_api_tokens(store)
        .await?
        .into_iter()
        .rev()
        .map(|t| TokenRow {
            expired: t.expired(now),
            expires_at: t.expires_at.map(rfc3339),
            id: t.id.get(),
            grants: grants_of(Grantee::Token(t.id)),
            name: t.name,
            role: t.role.as_str().to_owned(),
            prefix: t.prefix,
            created_at: rfc3339(t.created_at),
            created_by: t.created_by,
            last_used_at: t.last_used_at.map(rfc3339),
            revoked_at: t.revoked_at.map(rfc3339),
        })
        .collect();
    let last = store::find_latest_finished_scan(store).await?;
    let mut model = SettingsModel {
        policy: policy_form(&policy),
        rules: super::rules_table::rules_model(&rules),
        users,
        tokens,
        schedule: schedule(state.scan_interval(), last.map(|s| s.started_at)),
        ..SettingsModel::default()
    };
    model.new_user.role = Role::Viewer.as_str().to_owned();
    model.new_token.role = Role::Viewer.as_str().to_owned();
    model.new_token.expires_in_days = TokenLifetime::DEFAULT_DAYS.to_string();
    Ok(model)
}

/// The policy form filled in with `policy`.
fn policy_form(policy: &Policy) -> PolicyForm {
    let target = &policy.remediation_target;
    PolicyForm {
        requirement: policy.requirement.as_str().to_owned(),
        allowed_keys: policy
            .requirement
            .allowed_keys()
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        target_algorithm: target.algorithm().as_str().to_owned(),
        target_key: target
            .kms_key_id()
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        target_data_encryption: target
            .kms_data_encryption()
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default(),
        errors: Default::default(),
    }
}

/// The schedule as the scheduler sees it: due `interval` after the start of the last finished
/// scan (see `scan::schedule::due_in`).
fn schedule(
    interval: std::time::Duration,
    last_started: Option<chrono::DateTime<Utc>>,
) -> ScheduleInfo {
    if interval.is_zero() {
        return ScheduleInfo::default();
    }
    let due = last_started
        .and_then(|at| chrono::Duration::from_std(interval).ok().map(|i| at + i))
        .filter(|due| *due > Utc::now());
    ScheduleInfo {
        interval: Some(humantime::format_duration(interval).to_string()),
        next_due: due.map(rfc3339),
        last_started: last_started.map(rfc3339),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_next_scan_is_due_one_interval_after_the_last_one_started() {
        let hour = Duration::from_secs(3600);
        assert_eq!(schedule(Duration::ZERO, None), ScheduleInfo::default());
        let never = schedule(hour, None);
        assert_eq!(never.interval.as_deref(), Some("1h"));
        assert_eq!(never.next_due, None, "due now");
        let started = Utc::now() - chrono::Duration::minutes(20);
        let recent = schedule(hour, Some(started));
        assert_eq!(
            recent.next_due,
            Some(rfc3339(started + chrono::Duration::hours(1)))
        );
    }
}
