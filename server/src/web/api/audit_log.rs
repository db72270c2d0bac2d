//! `GET /api/v1/audit-log`: every change, with who made it.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::Params;
use super::{ApiError, ApiPrincipal};
use crate::domain::ChangeId;
use crate::domain::Role;
use crate::store::{self, ChangeFilter, ChangeRecord};
use crate::view::rfc3339;
use crate::web::AppState;

/// Audit-log entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// The account of the bucket or account changed; the hub's for estate-wide changes (policy,
    /// users, tokens, notification targets).
    pub account: String,
    pub at: String,
    /// `user:NAME`, `token:NAME` or `cli:USER`.
    pub actor: String,
    /// put-encryption | delete-encryption | remediate | revert | set-policy | add-account |
    /// remove-account | …
    pub action: String,
    pub bucket: Option<String>,
    /// The state before the change (null when it was not recorded).
    #[schema(value_type = Option<Object>)]
    pub before: serde_json::Value,
    /// The state OSS reported after the change (null when it was refused).
    #[schema(value_type = Option<Object>)]
    pub after: serde_json::Value,
    /// The OSS request id of the change.
    pub request_id: Option<String>,
    /// `ok`, or the OSS error code.
    pub outcome: String,
    /// What else there is to say: the OSS message of a refusal, `remediation run 3`,
    /// `reverts change 12`.
    pub detail: Option<String>,
    /// The run (remediation or revert) the change was part of.
    pub run: Option<i64>,
    /// For a `revert`: the entry it undid.
    pub reverts: Option<i64>,
}

impl From<ChangeRecord> for AuditEntry {
    fn from(c: ChangeRecord) -> Self {
        let json = |text: Option<String>| {
            text.and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(serde_json::Value::Null)
        };
        Self {
            id: c.id.get(),
            account: c.account.to_string(),
            at: rfc3339(c.at),
            actor: c.actor,
            action: c.action,
            bucket: c.bucket,
            before: json(c.before),
            after: json(c.after),
            request_id: c.request_id,
            outcome: c.outcome,
            detail: c.detail,
            run: c.run_id.map(|r| r.get()),
            reverts: c.reverts_change_id.map(|r| r.get()),
        }
    }
}

/// Lists changes, newest first, filtered by bucket, actor and time.
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "audit",
    params(
        ("account" = Option<String>, Query, description = "Only changes recorded against this account (its name)"),
        ("bucket" = Option<String>, Query, description = "Bucket name"),
        ("actor" = Option<String>, Query, description = "e.g. user:alice or token:ci"),
        ("since" = Option<String>, Query, description = "RFC 3339"),
        ("until" = Option<String>, Query, description = "RFC 3339"),
        ("before" = Option<i64>, Query, description = "Only entries with a smaller id (paging)", minimum = 1),
        ("limit" = Option<i64>, Query, description = "1 to 1000, default 100", minimum = 1, maximum = 1000),
    ),
    responses((status = 200, body = AuditLog), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_audit_log(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Json<AuditLog>, ApiError> {
    principal.require(Role::Viewer)?;
    let params = Params::parse(raw.as_deref());
    let before_id = params.get("before").map(|raw| {
        ChangeId::parse(raw)
            .ok_or_else(|| ApiError::invalid(format!("before={raw:?} is not an entry id")))
    });
    let filter = ChangeFilter {
        account: super::accounts::account_filter(&state, &params).await?,
        bucket: params.get("bucket").map(str::to_owned),
        actor: params.get("actor").map(str::to_owned),
        since: params.time("since")?,
        until: params.time("until")?,
        before_id: before_id.transpose()?,
        limit: params.integer("limit", 1..=1000, 100)?,
    };
    let entries = store::list_changes(state.store(), &filter).await?;
    Ok(Json(AuditLog {
        entries: entries.into_iter().map(AuditEntry::from).collect(),
    }))
}
