//! `GET`, `POST /api/v1/accounts` and `DELETE /api/v1/accounts/{name}`: the estate's accounts
//! (viewers read, admins change), and the `?account=NAME` filter of the other lists.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::query::Params;
use super::{ApiError, ApiJson, ApiPath, ApiPrincipal};
use crate::actions::accounts::{AccountError, AccountInput, Added, add, remove};
use crate::domain::{AccountId, AccountName, ExternalId, Role, RoleArn};
use crate::store;
use crate::view::AccountView;
use crate::web::AppState;

/// The accounts of the estate, the hub first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub accounts: Vec<AccountView>,
}

/// A member account to add.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    /// 1 to 64 letters, digits, `-`, `_` or `.`, starting with a letter or digit.
    #[schema(
        example = "payments-prod",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
    )]
    pub name: String,
    /// The RAM role to assume from the hub identity.
    #[schema(example = "acs:ram::1763082937549132:role/oss-audit")]
    pub role_arn: String,
    /// The ExternalId the role's trust policy asks for.
    pub external_id: Option<String>,
    /// Its own OSS endpoint (default: the hub's), e.g. `oss-ap-southeast-1.aliyuncs.com`.
    pub endpoint: Option<String>,
}

impl TryFrom<AccountRequest> for AccountInput {
    type Error = ApiError;

    fn try_from(body: AccountRequest) -> Result<Self, ApiError> {
        let invalid = |e: &dyn std::fmt::Display| ApiError::invalid(e.to_string());
        Ok(Self {
            name: AccountName::parse(&body.name).map_err(|e| invalid(&e))?,
            role_arn: RoleArn::parse(&body.role_arn).map_err(|e| invalid(&e))?,
            external_id: body
                .external_id
                .filter(|id| !id.is_empty())
                .map(|id| ExternalId::parse(&id))
                .transpose()
                .map_err(|e| invalid(&e))?,
            endpoint: body.endpoint.filter(|e| !e.trim().is_empty()),
        })
    }
}

impl From<AccountError> for ApiError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::NotFound(_) => ApiError::not_found(err.to_string()),
            AccountError::Hub(_) | AccountError::Conflict(_) => ApiError::conflict(err.to_string()),
            AccountError::Endpoint(_) => ApiError::invalid(err.to_string()),
            AccountError::Store(e) => e.into(),
            AccountError::Directory(_) | AccountError::HubUid(_) => {
                tracing::error!(error = %err, "account discovery failed");
                ApiError::internal("the accounts could not be discovered")
            }
        }
    }
}

/// Lists the accounts with how their last scan went.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    params(("removed" = Option<bool>, Query, description = "Also list removed accounts (default false)")),
    responses((status = 200, body = AccountList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_accounts(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Json<AccountList>, ApiError> {
    principal.require(Role::Viewer)?;
    let removed = Params::parse(raw.as_deref())
        .boolean("removed")?
        .unwrap_or(false);
    let accounts = store::list_accounts(state.store(), removed).await?;
    let last = store::list_last_parts(state.store()).await?;
    Ok(Json(AccountList {
        accounts: accounts
            .iter()
            .map(|a| AccountView::new(a, last.get(&a.id)))
            .collect(),
    }))
}

/// Adds a member account, reached by assuming its role (the next scan covers it). Adding a
/// removed account's name brings it back; adding an account again with the same role changes
/// nothing.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts",
    request_body = AccountRequest,
    responses((status = 201, body = AccountView, description = "Added, or a removed account brought back"),
        (status = 200, body = AccountView, description = "Already there with this role: unchanged"),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody, description = "The name is the hub's, or taken with another role, or the account is audited under another name")),
    security(("bearer" = [])))]
pub async fn add_account(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiJson(body): ApiJson<AccountRequest>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    principal.require(Role::Admin)?;
    let input = AccountInput::try_from(body)?;
    let hub_endpoint = state.clients().hub().config().endpoint.to_string();
    let added = add(state.store(), &hub_endpoint, &input, &principal.actor()).await?;
    let status = match added {
        Added::Unchanged(_) => StatusCode::OK,
        Added::New(_) | Added::Revived(_) => StatusCode::CREATED,
    };
    Ok((status, Json(AccountView::new(added.account(), None))))
}

/// Removes a member account from the estate: it is no longer scanned; its history stays.
#[utoipa::path(delete, path = "/api/v1/accounts/{name}", tag = "accounts",
    params(("name" = String, Path, description = "Account name", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")),
    responses((status = 200, body = AccountView, description = "Removed (or already removed)"),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody, description = "The hub cannot be removed")),
    security(("bearer" = [])))]
pub async fn remove_account(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<AccountView>, ApiError> {
    principal.require(Role::Admin)?;
    let name = AccountName::parse(&name)
        .map_err(|e| ApiError::invalid(format!("invalid account name {name:?}: {e}")))?;
    remove(state.store(), &name, &principal.actor()).await?;
    let account = store::find_account_by_name(state.store(), &name)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no account is called {name}")))?;
    let last = store::list_last_parts(state.store()).await?;
    Ok(Json(AccountView::new(&account, last.get(&account.id))))
}

/// The account `?account=NAME` names, if given: a 400 when no account has that name.
pub async fn account_filter(
    state: &AppState,
    params: &Params,
) -> Result<Option<AccountId>, ApiError> {
    let Some(raw) = params.get("account") else {
        return Ok(None);
    };
    let name =
        AccountName::parse(raw).map_err(|e| ApiError::invalid(format!("account={raw:?}: {e}")))?;
    match store::find_account_by_name(state.store(), &name).await? {
        Some(account) => Ok(Some(account.id)),
        None => Err(ApiError::invalid(format!("no account is called {name}"))),
    }
}
