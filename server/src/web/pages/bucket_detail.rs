//! `GET /buckets/{name}`: one bucket, its history and its audit-log entries.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::CookieJar;

use app::model::{AuditRow, BucketDetailModel, CurrentEncryption, EncryptionForm, HistoryRow};
use app::{Nav, Page};

use super::audit_words::in_words;
use super::{PageError, chrome, not_found, render};
use crate::domain::{Access, BucketName, Decision, EncryptionState, Role, Rules};
use crate::store::{self, ChangeFilter, ChangeRecord, StateRecord, StoreError};
use crate::view::{BucketView, rfc3339};
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// How many recorded states the timeline shows.
const HISTORY_SHOWN: i64 = 100;
/// How many audit-log entries the page shows.
const CHANGES_SHOWN: i64 = 50;

/// The bucket name of a path, `None` for anything that is not one (shown as 404).
pub fn path_name(path: Result<Path<String>, PathRejection>) -> Option<BucketName> {
    let Path(raw) = path.ok()?;
    BucketName::parse(&raw).ok()
}

/// Renders the bucket page.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    let Some(name) = path_name(path) else {
        return Ok(not_found(Ok(user), jar).await);
    };
    Ok(match load(&state, user.access(), &name).await? {
        Some(mut model) => {
            if let Some(record) = store::find_bucket_by_name(state.store(), &name).await? {
                model.exemptions = super::exemptions::naming(&state, &user, &record).await?;
            }
            page(&user, &jar, model, StatusCode::OK).await
        }
        None => not_found(Ok(user), jar).await,
    })
}

/// Renders `model` as the bucket page with `status` (400 when the form needs correcting).
pub async fn page(
    user: &CurrentUser,
    jar: &CookieJar,
    model: BucketDetailModel,
    status: StatusCode,
) -> Response {
    render(
        chrome(user, Nav::Buckets, jar),
        Page::BucketDetail(model),
        status,
    )
    .await
}

/// The page model of bucket `name` as `access` sees it (the change forms for an operator on its
/// account); `None` when the inventory has never seen it.
pub async fn load(
    state: &AppState,
    access: &Access,
    name: &BucketName,
) -> Result<Option<BucketDetailModel>, StoreError> {
    let store = state.store();
    let Some(record) = store::find_bucket_by_name(store, name).await? else {
        return Ok(None);
    };
    let mut history =
        store::list_recent_bucket_history(store, record.id, HISTORY_SHOWN + 1).await?;
    let history_truncated = history.len() as i64 > HISTORY_SHOWN;
    history.truncate(HISTORY_SHOWN as usize);
    let filter = ChangeFilter {
        account: Some(record.account_id),
        bucket: Some(name.as_str().to_owned()),
        limit: CHANGES_SHOWN,
        ..ChangeFilter::default()
    };
    let changes = store::list_changes(store, &filter).await?;
    let rules = store::current_rules(store, state.account()).await?;
    let inventory = store::load_inventory(store, None, Some(record.id)).await?;
    let judged_by = inventory
        .buckets
        .first()
        .map(|b| judged_by(&rules, rules.decide(&inventory.facts(b))));
    let view = BucketView::from_record(&record);
    let form = EncryptionForm {
        sse_algorithm: view
            .sse_algorithm
            .clone()
            .unwrap_or_else(|| "AES256".to_owned()),
        kms_master_key_id: view.kms_master_key_id.clone().unwrap_or_default(),
        sm4: view.kms_data_encryption.is_some(),
        ..EncryptionForm::default()
    };
    let current = Some(CurrentEncryption {
        status: view.status.clone(),
        sse_algorithm: view.sse_algorithm.clone(),
        kms_master_key_id: view.kms_master_key_id.clone(),
        kms_data_encryption: view.kms_data_encryption.clone(),
        compliant: view.compliant.and_then(crate::view::Judgement::judged),
        exempt: record.exemption.is_some(),
        judged_by,
        scanned_at: view.scanned_at.clone(),
        request_id: record.request_id.clone(),
        error: match &record.state {
            EncryptionState::Unknown { code, message } if message.is_empty() => Some(code.clone()),
            EncryptionState::Unknown { code, message } => Some(format!("{code}: {message}")),
            _ => None,
        },
    });
    Ok(Some(BucketDetailModel {
        name: record.name.to_string(),
        account: record.account.to_string(),
        may_change: access.role_for(record.account_id).allows(Role::Operator),
        region: record.region.to_string(),
        extranet_endpoint: record.extranet_endpoint.clone(),
        intranet_endpoint: record.intranet_endpoint.clone(),
        created_at: record.created_at.map(rfc3339),
        first_seen_at: rfc3339(record.first_seen_at),
        gone_at: record.gone_at.map(rfc3339),
        current,
        history: history.into_iter().map(history_row).collect(),
        history_truncated,
        changes: changes.into_iter().map(audit_row).collect(),
        form,
        exemptions: Vec::new(),
    }))
}

/// Which rule decides a bucket and why, in words: its number, its scope and its requirement.
pub fn judged_by(rules: &Rules, decision: Decision) -> String {
    let total = rules.len();
    match decision {
        Decision::Rule(index) => {
            let policy = rules.policy(index);
            let scope = rules.scope(index).map_or_else(
                || "the default: every bucket no rule before it matches".to_owned(),
                |s| format!("it matches {s}"),
            );
            format!(
                "Rule {} of {total}, because {scope}: requires {} (remediation sets {})",
                index + 1,
                policy.requirement.as_str(),
                policy.remediation_target
            )
        }
        Decision::Undetermined(index) => format!(
            "Not judged yet: rule {} of {total} ({}) uses a tag not read yet for this bucket's account; the next scan reads it",
            index + 1,
            rules
                .scope(index)
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
    }
}

/// What a state holds, in a few words: `KMS (key alias/prod, data SM4)`, `no default encryption`,
/// `AccessDenied`.
pub fn describe(state: &EncryptionState) -> String {
    match state {
        EncryptionState::Encrypted(rule) => rule.to_string(),
        EncryptionState::Unencrypted => "no default encryption".to_owned(),
        EncryptionState::Unknown { code, .. } => format!("could not be read ({code})"),
    }
}

fn history_row(s: StateRecord) -> HistoryRow {
    HistoryRow {
        observed_at: rfc3339(s.observed_at),
        status: s.state.status().as_str().to_owned(),
        description: describe(&s.state),
        scan: s.scan_id.map(|id| id.get()),
        request_id: s.request_id,
    }
}

fn audit_row(c: ChangeRecord) -> AuditRow {
    AuditRow {
        at: rfc3339(c.at),
        actor: c.actor,
        action: c.action,
        // Worded as the audit-log page words them; an absent `after` means OSS refused.
        before: in_words(c.before.as_deref(), false),
        after: in_words(c.after.as_deref(), c.outcome != "ok"),
        outcome: c.outcome,
        request_id: c.request_id,
        detail: c.detail,
    }
}
