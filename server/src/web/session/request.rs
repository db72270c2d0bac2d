//! What a request says about its client: the address sign-in throttling counts, whether it
//! came over HTTPS, and the cookies set in answer.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, SameSite};

use super::AccessConfig;
use crate::web::AppState;

/// The session cookie.
pub const SESSION_COOKIE: &str = "oss_audit_session";
/// The login CSRF cookie (double-submit: the sign-in form carries the same value).
pub const LOGIN_CSRF_COOKIE: &str = "oss_audit_login_csrf";

/// What sign-in and sign-out need to know about the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// See [`client_address`].
    pub address: String,
    /// See [`wants_secure_cookies`].
    pub secure_cookies: bool,
}

impl axum::extract::FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self {
            address: client_address(parts, state.access()),
            secure_cookies: wants_secure_cookies(parts, state.access()),
        })
    }
}

/// The client's address: the socket peer, or, behind a trusted proxy, the last address in
/// `X-Forwarded-For` (the one the proxy itself appended; earlier ones are the client's word).
pub fn client_address(parts: &Parts, access: &AccessConfig) -> String {
    if access.trust_proxy
        && let Some(forwarded) = last_forwarded_for(&parts.headers)
    {
        return forwarded;
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_owned(),
            |ConnectInfo(addr)| addr.ip().to_string(),
        )
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty())
        .map(|v| v.chars().take(64).collect())
}

/// Whether cookies set in answer to this request must be `Secure`: always when configured, when
/// the request itself was HTTPS, or when a trusted proxy says the client used HTTPS.
pub fn wants_secure_cookies(parts: &Parts, access: &AccessConfig) -> bool {
    access.secure_cookies
        || parts.uri.scheme_str() == Some("https")
        || (access.trust_proxy
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

/// A cookie as every cookie of ours is set: `HttpOnly`, `SameSite=Strict`, and `Secure` when
/// asked. Its value is a secret; the cookie's `Display` is only ever written into a header.
pub fn cookie(
    name: &'static str,
    value: String,
    path: &'static str,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path(path)
        .secure(secure)
        .build()
}

/// The cookie that deletes `name` (same attributes, empty, expired).
pub fn removal(name: &'static str, path: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = cookie(name, String::new(), path, secure);
    cookie.make_removal();
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = Request::builder().uri("/login");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 1, 2, 3], 5555))));
        parts
    }

    #[test]
    fn forwarded_headers_count_only_behind_a_trusted_proxy() {
        let request = parts(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let untrusted = AccessConfig::default();
        assert_eq!(client_address(&request, &untrusted), "10.1.2.3");
        assert!(!wants_secure_cookies(&request, &untrusted));
        let trusted = AccessConfig {
            trust_proxy: true,
            ..AccessConfig::default()
        };
        assert_eq!(client_address(&request, &trusted), "203.0.113.9");
        assert!(wants_secure_cookies(&request, &trusted));
        assert_eq!(client_address(&parts(&[]), &trusted), "10.1.2.3");
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_when_asked() {
        let shown = cookie(SESSION_COOKIE, "v".into(), "/", true).to_string();
        assert!(shown.contains("HttpOnly"), "{shown}");
        assert!(shown.contains("SameSite=Strict"), "{shown}");
        assert!(shown.contains("Path=/"), "{shown}");
        assert!(shown.contains("Secure"), "{shown}");
        assert!(
            !cookie(SESSION_COOKIE, "v".into(), "/", false)
                .to_string()
                .contains("Secure")
        );
        let gone = removal(SESSION_COOKIE, "/", false).to_string();
        assert!(gone.contains("Max-Age=0"), "{gone}");
    }
}
