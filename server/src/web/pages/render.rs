//! Rendering a page: the server builds the view model, the app renders it in the page shell, and
//! the flash message of the previous action is shown once.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;

use app::{Chrome, Flash, FlashKind, Nav, Page};

use crate::domain::Role;
use crate::view::rfc3339;
use crate::web::assets::STYLESHEET_PATH;
use crate::web::session::{CurrentUser, FLASH_COOKIE};

/// The chrome of a page for `user`, taking the pending flash message out of `jar`.
pub fn chrome(user: &CurrentUser, active: Nav, jar: &CookieJar) -> Chrome {
    Chrome {
        user: user.name().to_owned(),
        role: user.role().as_str().to_owned(),
        grants: user
            .access()
            .grants()
            .filter(|(_, _, role)| *role != user.role())
            .map(|(_, account, role)| format!("{role} on {account}"))
            .collect(),
        operates_somewhere: user.access().max_role().allows(Role::Operator),
        csrf_token: user.csrf_token.clone(),
        stylesheet: STYLESHEET_PATH.clone(),
        active,
        flash: read_flash(jar),
        now: rfc3339(chrono::Utc::now()),
    }
}

/// Renders `page` in the shell with `status`, clearing the flash message it showed.
///
/// Rendering is synchronous (every view model is loaded before); the function stays `async` so
/// that the page handlers calling it need not change.
pub async fn render(chrome: Chrome, page: Page, status: StatusCode) -> Response {
    let had_flash = chrome.flash.is_some();
    let response = (status, Html(app::render_page(chrome, page))).into_response();
    if had_flash {
        let jar = CookieJar::new().add(crate::web::session::removal(FLASH_COOKIE, "/", false));
        return (jar, response).into_response();
    }
    response
}

/// A cookie jar that leaves `text` for the next page.
pub fn flash(jar: CookieJar, kind: FlashKind, text: &str) -> CookieJar {
    let prefix = match kind {
        FlashKind::Success => "ok:",
        FlashKind::Error => "err:",
    };
    let value: String =
        url::form_urlencoded::byte_serialize(format!("{prefix}{text}").as_bytes()).collect();
    jar.add(crate::web::session::cookie(FLASH_COOKIE, value, "/", false))
}

fn read_flash(jar: &CookieJar) -> Option<Flash> {
    let raw = jar.get(FLASH_COOKIE)?.value().to_owned();
    let decoded: String = url::form_urlencoded::parse(format!("v={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    let (kind, text) = if let Some(text) = decoded.strip_prefix("ok:") {
        (FlashKind::Success, text)
    } else {
        (FlashKind::Error, decoded.strip_prefix("err:")?)
    };
    // A flash is a short sentence; anything longer was not written by us.
    (text.len() <= 500).then(|| Flash {
        kind,
        text: text.to_owned(),
    })
}
