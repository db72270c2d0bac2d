//! `ApiPrincipal`: the API token behind a request (Bearer only: no cookies, so no CSRF surface).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;
use crate::auth::Principal;
use crate::auth::tokens::TokenCheck;
use crate::domain::{AccountId, Actor, Role};
use crate::web::AppState;

/// The authenticated caller of an API route.
#[derive(Debug, Clone)]
pub struct ApiPrincipal(pub Principal);

impl ApiPrincipal {
    /// Refuses with 403 unless the caller's role is at least `required`.
    pub fn require(&self, required: Role) -> Result<(), ApiError> {
        if self.0.role().allows(required) {
            Ok(())
        } else {
            Err(ApiError::forbidden(required))
        }
    }

    /// Refuses with 403 unless the caller holds `required` on `account` (the account of the
    /// bucket or part asked about). A role applies to every account today; a grant limited to
    /// some accounts is checked here, so every per-account route already asks this way.
    pub fn require_on(&self, account: AccountId, required: Role) -> Result<(), ApiError> {
        let _ = account;
        self.require(required)
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
