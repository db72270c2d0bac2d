//! Extractors for HTML routes: `CurrentUser` (a valid session, or off to sign in),
//! `RequireRole<R>` (and a 403 page below it) and `CsrfForm<T>` (a form carrying this
//! session's CSRF token, compared in constant time).

use std::marker::PhantomData;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::Method;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;
use serde::de::DeserializeOwned;

use super::pages::{CHANGE_PASSWORD_PATH, HtmlError};
use super::request::{SESSION_COOKIE, wants_secure_cookies};
use crate::auth::Principal;
use crate::auth::secrets::constant_time_eq;
use crate::auth::sessions::{self, ActiveSession};
use crate::domain::{Access, AccountId, AccountName, BucketName, Role};
use crate::store::{self, Store};
use crate::web::AppState;

/// The signed-in user of an HTML request, and the CSRF token their forms must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// Always `Principal::User`.
    pub principal: Principal,
    /// Put it in a hidden `csrf_token` field of every state-changing form.
    pub csrf_token: String,
    /// The user must choose a new password before anything else (only the change-password page
    /// and signing out let them through).
    pub must_change_password: bool,
}

impl CurrentUser {
    /// The user's name.
    pub fn name(&self) -> &str {
        match &self.principal {
            Principal::User { name, .. } | Principal::Token { name, .. } => name,
        }
    }

    /// The user's role on every account.
    pub fn role(&self) -> Role {
        self.principal.role()
    }

    /// The user's roles per account.
    pub fn access(&self) -> &Access {
        self.principal.access()
    }

    /// Refuses with the 403 page unless the user's role on every account is at least
    /// `required` (estate-wide pages and actions).
    pub fn require(&self, required: Role) -> Result<(), HtmlError> {
        if self.role().allows(required) {
            Ok(())
        } else if self.access().max_role().allows(required) {
            Err(HtmlError::ForbiddenEverywhere { required })
        } else {
            Err(HtmlError::Forbidden { required })
        }
    }

    /// Refuses with the 403 page unless the user holds `required` on `account` (the account of
    /// the bucket acted on).
    pub fn require_on(
        &self,
        account: AccountId,
        name: &AccountName,
        required: Role,
    ) -> Result<(), HtmlError> {
        if self.principal.role_for(account).allows(required) {
            Ok(())
        } else {
            Err(HtmlError::ForbiddenOn {
                required,
                account: name.to_string(),
            })
        }
    }

    /// Refuses with the 403 page unless the user holds `required` on at least one account.
    pub fn require_somewhere(&self, required: Role) -> Result<(), HtmlError> {
        if self.access().max_role().allows(required) {
            Ok(())
        } else {
            Err(HtmlError::Forbidden { required })
        }
    }

    /// Refuses with the 403 page unless the user holds `required` on the account of bucket
    /// `name` (the present one of that name, as the actions resolve it). A bucket not in the
    /// inventory needs the role somewhere; the action then says it is unknown.
    pub async fn require_on_bucket(
        &self,
        store: &Store,
        name: &BucketName,
        required: Role,
    ) -> Result<(), HtmlError> {
        match store::find_bucket_by_name(store, name).await? {
            Some(bucket) => self.require_on(bucket.account_id, &bucket.account, required),
            None => self.require_somewhere(required),
        }
    }

    /// Refuses with 403 unless `submitted` is this session's CSRF token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), HtmlError> {
        if !submitted.is_empty() && constant_time_eq(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(HtmlError::CsrfRejected)
        }
    }
}

/// Whether a user who must change their password may reach `path`.
fn open_before_password_change(path: &str) -> bool {
    path == CHANGE_PASSWORD_PATH || path == "/logout"
}

/// The page a browser asked for, to come back to after signing in. Only a GET can be repeated
/// by a redirect; after a refused POST the user starts again from the dashboard.
fn requested_path(parts: &Parts) -> String {
    if parts.method != Method::GET {
        return "/".to_owned();
    }
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned())
}

/// Browsers say they accept HTML; API clients and scripts usually do not.
fn is_browser(parts: &Parts) -> bool {
    parts
        .headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = HtmlError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // One lookup per request, however many extractors ask.
        let session = match parts.extensions.get::<ActiveSession>() {
            Some(found) => found.clone(),
            None => {
                let loaded = Self::load(parts, state).await?;
                parts.extensions.insert(loaded.clone());
                loaded
            }
        };
        // A generated password was shown to whoever started the server: until its user chooses
        // their own, every page and form leads to the change-password page.
        if session.must_change_password && !open_before_password_change(parts.uri.path()) {
            return Err(HtmlError::PasswordChangeRequired);
        }
        Ok(Self {
            principal: session.principal,
            csrf_token: session.csrf_token,
            must_change_password: session.must_change_password,
        })
    }
}

impl CurrentUser {
    /// The live session of the request's cookie, or the refusal that sends the client to sign in.
    async fn load(parts: &Parts, state: &AppState) -> Result<ActiveSession, HtmlError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie_value = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty());
        let session = match &cookie_value {
            Some(value) => sessions::load(state.store(), value, &state.access().lifetime).await?,
            None => None,
        };
        let Some(session) = session else {
            return Err(HtmlError::SignInRequired {
                next: requested_path(parts),
                browser: is_browser(parts),
                clear_cookie: cookie_value
                    .is_some()
                    .then(|| wants_secure_cookies(parts, state.access())),
            });
        };
        Ok(session)
    }
}

/// The lowest role a route admits, as a type: `RequireRole<Operators>`.
pub trait MinimumRole: Send + Sync + 'static {
    /// The role.
    const ROLE: Role;
}

/// Every signed-in user.
#[derive(Debug, Clone, Copy)]
pub struct Viewers;
/// Operators and admins.
#[derive(Debug, Clone, Copy)]
pub struct Operators;
/// Admins only.
#[derive(Debug, Clone, Copy)]
pub struct Admins;

impl MinimumRole for Viewers {
    const ROLE: Role = Role::Viewer;
}
impl MinimumRole for Operators {
    const ROLE: Role = Role::Operator;
}
impl MinimumRole for Admins {
    const ROLE: Role = Role::Admin;
}

/// A signed-in user whose role is at least `R::ROLE`; others get the 403 page.
#[derive(Debug, Clone)]
pub struct RequireRole<R: MinimumRole>(pub CurrentUser, PhantomData<R>);

impl<R: MinimumRole> FromRequestParts<AppState> for RequireRole<R> {
    type Rejection = HtmlError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.require(R::ROLE)?;
        Ok(Self(user, PhantomData))
    }
}

/// A form with no fields besides its CSRF token (a button that acts on what its URL names).
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

/// A URL-encoded form of a signed-in user whose `csrf_token` field matched their session.
/// `T` ignores the `csrf_token` field (serde skips unknown fields unless told otherwise).
#[derive(Debug, Clone)]
pub struct CsrfForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = HtmlError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(HtmlError::BadRequest);
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| HtmlError::BadRequest)?;
        let field: CsrfField =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| HtmlError::CsrfRejected)?;
        user.check_csrf(&field.csrf_token)?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| HtmlError::BadRequest)?;
        Ok(Self { user, form })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;

    fn user(role: Role) -> CurrentUser {
        CurrentUser {
            principal: Principal::User {
                id: UserId::new(1),
                name: "alice".into(),
                access: Access::everywhere(role),
            },
            csrf_token: "the-token".into(),
            must_change_password: false,
        }
    }

    #[test]
    fn roles_below_the_requirement_are_forbidden() {
        assert!(user(Role::Operator).require(Role::Operator).is_ok());
        assert!(user(Role::Admin).require(Role::Operator).is_ok());
        assert!(matches!(
            user(Role::Viewer).require(Role::Operator),
            Err(HtmlError::Forbidden {
                required: Role::Operator
            })
        ));
    }

    #[test]
    fn only_the_sessions_own_csrf_token_passes() {
        let alice = user(Role::Viewer);
        assert!(alice.check_csrf("the-token").is_ok());
        assert!(matches!(
            alice.check_csrf("the-toke"),
            Err(HtmlError::CsrfRejected)
        ));
        assert!(matches!(alice.check_csrf(""), Err(HtmlError::CsrfRejected)));
    }

    #[test]
    fn only_gets_are_returned_to_after_signing_in() {
        let parts = |method: &str| {
            axum::http::Request::builder()
                .method(method)
                .uri("/buckets?x=1")
                .body(())
                .unwrap()
                .into_parts()
                .0
        };
        assert_eq!(requested_path(&parts("GET")), "/buckets?x=1");
        assert_eq!(requested_path(&parts("POST")), "/");
    }
}
