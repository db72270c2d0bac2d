//! CSRF on sign-out and sign-in, and the security headers of pages.

use oss_audit::domain::Role;

use crate::support::{PASSWORD, SESSION_COOKIE, TestApp, bare_browser, set_cookie};

#[tokio::test]
async fn signing_out_without_the_right_csrf_token_is_refused_and_the_session_survives() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    web.login("alice", PASSWORD).await;

    let missing = web.post_logout(None).await;
    let wrong = web.post_logout(Some("not-the-token")).await;

    assert_eq!(missing.status(), 403);
    assert_eq!(wrong.status(), 403);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("This form has expired")
    );
    assert_eq!(web.home().await.status(), 200, "still signed in");
    assert_eq!(app.rows("session").await, 1);
    let token = web.session_csrf_token().await;
    assert_eq!(web.post_logout(Some(&token)).await.status(), 303);
    assert_eq!(app.rows("session").await, 0);
}

#[tokio::test]
async fn a_csrf_token_of_another_session_does_not_work() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    web.login("alice", PASSWORD).await;
    let first_token = web.session_csrf_token().await;
    web.login("alice", PASSWORD).await;

    assert_ne!(
        web.session_csrf_token().await,
        first_token,
        "new session, new token"
    );
    assert_eq!(web.post_logout(Some(&first_token)).await.status(), 403);
}

#[tokio::test]
async fn the_sign_in_form_refuses_posts_without_its_csrf_cookie_and_value() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    let token = web.open_login_page().await;

    // A cross-site form: the right field value, but no cookie (another browser).
    let forged = bare_browser()
        .post(web.url("/login"))
        .form(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    let mismatched = web
        .submit_login(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", "other"),
        ])
        .await;

    assert_eq!(forged.status(), 403);
    assert!(set_cookie(&forged, SESSION_COOKIE).is_none());
    assert_eq!(mismatched.status(), 403);
    assert!(set_cookie(&mismatched, SESSION_COOKIE).is_none());
    assert_eq!(app.rows("session").await, 0);
    assert_eq!(
        app.rows("login_attempt").await,
        0,
        "not even counted as attempts"
    );
}

#[tokio::test]
async fn html_pages_carry_the_security_headers_and_a_request_id() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;

    let login = web.fetch("/login").await;
    let headers = login.headers();
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
    let first_id = headers["x-request-id"].to_str().unwrap().to_owned();
    let (_, login_cookie) = set_cookie(&login, "oss_audit_login_csrf").expect("login CSRF cookie");
    assert!(login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Strict"));
    let html = login.text().await.unwrap();
    assert!(!html.contains("<script"), "no script at all: {html}");
    assert!(
        html.contains(r#"<label for="username">"#) && html.contains(r#"<label for="password">"#)
    );

    web.login("alice", PASSWORD).await;
    let home = web.home().await;
    assert_eq!(home.headers()["cache-control"], "no-store");
    assert!(home.headers().contains_key("content-security-policy"));
    assert_ne!(home.headers()["x-request-id"].to_str().unwrap(), first_id);

    let health = web.fetch("/healthz").await;
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    assert!(health.headers().contains_key("x-request-id"));
}

/// The `href` of the page's stylesheet link.
fn stylesheet_href(html: &str) -> String {
    let marker = r#"<link rel="stylesheet" href=""#;
    let at = html.find(marker).expect("a stylesheet link") + marker.len();
    html[at..at + html[at..].find('"').expect("closing quote")].to_owned()
}

#[tokio::test]
async fn the_sign_in_page_and_the_dashboard_link_the_same_stylesheet_cached_for_good() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;

    let on_sign_in = stylesheet_href(&web.fetch("/login").await.text().await.unwrap());
    web.login("alice", PASSWORD).await;
    let on_dashboard = stylesheet_href(&web.home().await.text().await.unwrap());
    assert_eq!(on_sign_in, on_dashboard);
    assert!(
        on_sign_in.starts_with("/style-") && on_sign_in.ends_with(".css"),
        "named by its content: {on_sign_in}"
    );

    let css = bare_browser()
        .get(app.url(&on_sign_in))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(css.text().await.unwrap().contains("color-scheme"));
}
