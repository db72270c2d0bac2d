//! A person in a browser: the sign-in form with a wrong password and then the right one, every
//! page, and signing out.

use oss_audit::auth::secrets::sha256_hex;
use oss_audit::web::session::{LOGIN_CSRF_COOKIE, SESSION_COOKIE};

use super::leaks::{excerpt, login_form_or_cookie, nowhere, own_session_cookie, page_forms};
use super::{Run, with_session_cookie};
use crate::support::{Serving, csrf_field};

/// Signs `admin` in through the form, first with `wrong_password`; returns the session id.
pub async fn sign_in(
    run: &mut Run,
    server: &Serving,
    web: &reqwest::Client,
    admin_password: &str,
    wrong_password: &str,
) -> String {
    let transcript = &mut run.transcript;
    let login = transcript
        .send("GET", "/login", web.get(server.url("/login")))
        .await;
    assert_eq!(login.status, 200);
    let login_csrf = csrf_field(&login.text);
    assert_eq!(
        login.set_cookie(LOGIN_CSRF_COOKIE).as_deref(),
        Some(login_csrf.as_str())
    );
    let refused = transcript
        .send(
            "POST",
            "/login",
            web.post(server.url("/login")).form(&[
                ("username", "admin"),
                ("password", wrong_password),
                ("csrf_token", login_csrf.as_str()),
            ]),
        )
        .await;
    assert_eq!(refused.status, 303);
    assert!(refused.location().contains("error=invalid"));
    let again = transcript
        .send(
            "GET",
            refused.location(),
            web.get(server.url(refused.location())),
        )
        .await;
    assert_eq!(again.status, 200);
    let signed_in = transcript
        .send(
            "POST",
            "/login",
            web.post(server.url("/login")).form(&[
                ("username", "admin"),
                ("password", admin_password),
                ("csrf_token", csrf_field(&again.text).as_str()),
                ("next", "/"),
            ]),
        )
        .await;
    assert_eq!(signed_in.status, 303, "signed in: {}", signed_in.text);
    let session = signed_in
        .set_cookie(SESSION_COOKIE)
        .expect("a session cookie");
    let home = transcript.send("GET", "/", web.get(server.url("/"))).await;
    assert_eq!(home.status, 200);
    let session_csrf = csrf_field(&home.text);
    run.secret("the login CSRF token", login_csrf, login_form_or_cookie);
    run.secret("the session id", session.clone(), own_session_cookie);
    run.secret(
        "the digest of the session id",
        sha256_hex(&session),
        nowhere,
    );
    run.secret("the session's CSRF token", session_csrf, page_forms);
    session
}

/// Opens every page, now that there are scans, changes and a token; a page that does not exist
/// (yet) answers 404, never 5xx.
pub async fn open_every_page(run: &mut Run, server: &Serving, web: &reqwest::Client, plain: &str) {
    let bucket_page = format!("/buckets/{plain}");
    for path in [
        "/",
        "/buckets",
        "/buckets?status=unencrypted",
        bucket_page.as_str(),
        "/buckets.csv",
        "/scans",
        "/audit-log",
        "/remediate",
        "/settings",
        "/reports",
        "/settings/notifications",
        "/settings/accounts",
        "/login",
        "/healthz",
        "/metrics",
        "/api/v1/buckets",
        "/no-such-page",
    ] {
        let page = run
            .transcript
            .send("GET", path, web.get(server.url(path)))
            .await;
        assert!(page.status < 500, "GET {path}: {}", excerpt(&page.text));
    }
}

/// Signs out; the old session id no longer works.
pub async fn sign_out(run: &mut Run, server: &Serving, web: &reqwest::Client, session: &str) {
    let transcript = &mut run.transcript;
    let page = transcript.send("GET", "/", web.get(server.url("/"))).await;
    let out = transcript
        .send(
            "POST",
            "/logout",
            web.post(server.url("/logout"))
                .form(&[("csrf_token", csrf_field(&page.text))]),
        )
        .await;
    assert_eq!(out.status, 303);
    let replayed = with_session_cookie(run, server, "/", session).await;
    assert_eq!(replayed.status, 303, "the ended session is refused");
}
