//! The `__Host-` prefix on our cookies whenever they are `Secure`. A browser accepts a
//! `__Host-` cookie only from this very host, over HTTPS, with `Path=/` and no `Domain`, so a
//! sibling subdomain or a plain-HTTP answer cannot plant or overwrite one.
//!
//! The rest of the server names its cookies without the prefix; this layer, at the edge, renames
//! them both ways for requests whose cookies are `Secure` (see [`wants_secure_cookies`]): the
//! prefixed cookies a browser sends are handed on under their plain names, plain ones of ours
//! are dropped (they may have been planted), and every cookie of ours set in the answer gets the
//! prefix, `Secure` and `Path=/`. Plain-HTTP answers (the local demo) are left as they are.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::Cookie;

use super::request::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, wants_secure_cookies};
use crate::web::AppState;

/// What a browser requires of a cookie name to hold it to this host.
pub const HOST_PREFIX: &str = "__Host-";

/// The cookie that carries a one-time message to the next page.
pub const FLASH_COOKIE: &str = "oss_audit_flash";

/// Every cookie oss-audit sets.
const OURS: [&str; 3] = [SESSION_COOKIE, LOGIN_CSRF_COOKIE, FLASH_COOKIE];

/// The layer: see the module comment.
pub async fn host_prefixed_cookies(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let secure = wants_secure_cookies(&parts, state.access());
    if secure {
        let sent: Vec<String> = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(strip_prefixes)
            .collect();
        parts.headers.remove(COOKIE);
        for header in sent.into_iter().filter(|h| !h.is_empty()) {
            if let Ok(value) = HeaderValue::from_str(&header) {
                parts.headers.append(COOKIE, value);
            }
        }
    }
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if secure {
        let set: Vec<HeaderValue> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| add_prefix(value).unwrap_or_else(|| value.clone()))
            .collect();
        let headers = response.headers_mut();
        headers.remove(SET_COOKIE);
        for value in set {
            headers.append(SET_COOKIE, value);
        }
    }
    response
}

/// One `Cookie` header as the server reads it: `__Host-NAME` of ours becomes `NAME`, a plain
/// `NAME` of ours is dropped, anything else is kept.
fn strip_prefixes(header: &str) -> String {
    header
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            match name.strip_prefix(HOST_PREFIX) {
                Some(plain) if OURS.contains(&plain) => Some(&pair[HOST_PREFIX.len()..]),
                _ if OURS.contains(&name) => None,
                _ => Some(pair),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A `Set-Cookie` of ours as the browser gets it: prefixed, `Secure`, `Path=/`, no `Domain`.
/// `None` for anything else.
fn add_prefix(value: &HeaderValue) -> Option<HeaderValue> {
    let mut cookie = Cookie::parse(value.to_str().ok()?.to_owned()).ok()?;
    if !OURS.contains(&cookie.name()) {
        return None;
    }
    cookie.set_name(format!("{HOST_PREFIX}{}", cookie.name()));
    cookie.set_secure(true);
    cookie.set_path("/");
    cookie.unset_domain();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_cookies_of_ours_are_read_and_plain_ones_of_ours_dropped() {
        let read = strip_prefixes(
            "oss_audit_session=planted; __Host-oss_audit_session=real; other=1; __Host-x=2",
        );
        assert_eq!(read, "oss_audit_session=real; other=1; __Host-x=2");
        assert_eq!(strip_prefixes("oss_audit_flash=ok"), "");
    }

    #[test]
    fn cookies_of_ours_are_set_with_the_prefix_secure_at_the_root() {
        let set = HeaderValue::from_static(
            "oss_audit_login_csrf=v; HttpOnly; SameSite=Strict; Path=/login",
        );
        let shown = add_prefix(&set).unwrap();
        let shown = shown.to_str().unwrap();
        assert!(
            shown.starts_with("__Host-oss_audit_login_csrf=v"),
            "{shown}"
        );
        assert!(
            shown.contains("Secure") && shown.contains("Path=/"),
            "{shown}"
        );
        assert!(!shown.contains("/login"), "{shown}");
        assert!(add_prefix(&HeaderValue::from_static("theirs=1")).is_none());
    }
}
