//! `ApiPrincipal`: the API token behind a request (Bearer only: no cookies, so no CSRF surface).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;
use crate::auth::Principal;
use crate::auth::tokens::TokenCheck;
use crate::domain::{AccountId, Actor, BucketName, Role};
use crate::store::{self, Store};
use crate::web::AppState;

/// The authenticated caller of an API route.
#[derive(Debug, Clone)]
pub struct ApiPrincipal(pub Principal);

impl ApiPrincipal {
    /// Refuses with 403 unless the caller's role on every account is at least `required`
    /// (estate-wide routes: scans of the estate, reports, policy, accounts).
    pub fn require(&self, required: Role) -> Result<(), ApiError> {
        if self.0.role().allows(required) {
            Ok(())
        } else if self.0.access().max_role().allows(required) {
            Err(ApiError::forbidden_everywhere(required))
        } else {
            Err(ApiError::forbidden(required))
        }
    }

    /// Refuses with 403 unless the caller holds `required` on `account` (the account of the
    /// bucket or part asked about), by its role everywhere or a grant on that account.
    pub fn require_on(&self, account: AccountId, required: Role) -> Result<(), ApiError> {
        if self.0.role_for(account).allows(required) {
            Ok(())
        } else {
            Err(ApiError::forbidden(required))
        }
    }

    /// Refuses with 403 unless the caller holds `required` on at least one account.
    pub fn require_somewhere(&self, required: Role) -> Result<(), ApiError> {
        if self.0.access().max_role().allows(required) {
            Ok(())
        } else {
            Err(ApiError::forbidden(required))
        }
    }

    /// Refuses with 403 unless the caller holds `required` on the account of bucket `name` (the
    /// present one of that name, as the actions resolve it). A bucket not in the inventory
    /// needs the role somewhere; the action then answers 404.
    pub async fn require_on_bucket(
        &self,
        store: &Store,
        name: &BucketName,
        required: Role,
    ) -> Result<(), ApiError> {
        match store::find_bucket_by_name(store, name).await? {
            Some(bucket) if self.0.role_for(bucket.account_id).allows(required) => Ok(()),
            Some(bucket) => Err(ApiError::forbidden_on(required, bucket.account.as_str())),
            None => self.require_somewhere(required),
        }
    }

    /// How the audit log names the caller.
    pub fn actor(&self) -> Actor {
        self.0.actor()
    }
}

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or_else(ApiError::unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::unauthorized());
        }
        match crate::auth::tokens::check(state.store(), token.trim()).await? {
            TokenCheck::Valid(principal) => Ok(Self(principal)),
            TokenCheck::Expired { at } => Err(ApiError::token_expired(at)),
            TokenCheck::Invalid => Err(ApiError::unauthorized()),
        }
    }
}
