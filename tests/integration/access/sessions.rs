//! Signing in and out, session ids, and session expiry.

use std::time::Duration;

use oss_audit::auth::secrets::sha256_hex;
use oss_audit::domain::Role;

use crate::support::{
    PASSWORD, SESSION_COOKIE, TestApp, bare_browser, csrf_field, location, set_cookie,
};

const LOGIN_CSRF_COOKIE: &str = "oss_audit_login_csrf";

#[tokio::test]
async fn signing_in_sets_an_http_only_strict_session_cookie_and_shows_who_is_signed_in() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Operator, PASSWORD).await;

    let response = web.login("alice", PASSWORD).await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let (value, header) = set_cookie(&response, SESSION_COOKIE).expect("session cookie set");
    assert_eq!(value.len(), 43, "32 random bytes, base64url");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            header.contains(attribute),
            "{attribute} missing from {header}"
        );
    }
    assert!(
        !header.contains("Secure"),
        "plain HTTP without a proxy: {header}"
    );
    let home = web.home().await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(
        html.contains("<span class=\"who\">alice · operator</span>"),
        "{html}"
    );
    // Only the digest of the cookie is stored.
    let stored: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM session")
        .fetch_all(app.db.pool().await)
        .await
        .unwrap();
    assert_eq!(stored, vec![sha256_hex(&value)]);
}

#[tokio::test]
async fn cookies_are_secure_behind_a_trusted_proxy_that_saw_https() {
    let app = TestApp::launch().trust_proxy().start().await;
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    let http = bare_browser();
    let page = http
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let (login_csrf, _) = set_cookie(&page, &format!("__Host-{LOGIN_CSRF_COOKIE}")).unwrap();
    let token = csrf_field(&page.text().await.unwrap());

    let response = http
        .post(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .header("cookie", format!("__Host-{LOGIN_CSRF_COOKIE}={login_csrf}"))
        .form(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 303);
    let (_, header) = set_cookie(&response, &format!("__Host-{SESSION_COOKIE}")).unwrap();
    assert!(header.contains("Secure"), "{header}");
}

#[tokio::test]
async fn each_sign_in_gets_a_new_session_id_and_the_old_one_stops_working() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    web.login("alice", PASSWORD).await;
    let first = web.session_cookie().expect("first session");

    // The browser still sends the first cookie with this sign-in.
    let second_login = web.login("alice", PASSWORD).await;
    let second = web.session_cookie().expect("second session");

    assert_eq!(second_login.status(), 303);
    assert_ne!(first, second);
    let old = web.get_with_session("/", &first).await;
    assert_eq!(old.status(), 303, "the old id is dead");
    assert!(location(&old).starts_with("/login"));
    assert_eq!(web.get_with_session("/", &second).await.status(), 200);
    assert_eq!(app.rows("session").await, 1, "the old session row is gone");
}

#[tokio::test]
async fn signing_out_destroys_the_session_and_clears_the_cookie() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    web.login("alice", PASSWORD).await;
    let session = web.session_cookie().unwrap();

    let response = web.logout().await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login");
    let (value, header) = set_cookie(&response, SESSION_COOKIE).expect("cookie cleared");
    assert!(value.is_empty() && header.contains("Max-Age=0"), "{header}");
    assert_eq!(web.session_cookie(), None);
    assert_eq!(app.rows("session").await, 0);
    let replayed = web.get_with_session("/", &session).await;
    assert_eq!(replayed.status(), 303, "a copied cookie no longer works");
}

#[tokio::test]
async fn pages_without_a_session_send_browsers_to_sign_in_and_back() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;

    let page = web.fetch("/?region=cn-hangzhou").await;
    assert_eq!(page.status(), 303);
    assert_eq!(location(&page), "/login?next=%2F%3Fregion%3Dcn-hangzhou");
    let script = reqwest::Client::new()
        .get(app.url("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        script.status(),
        401,
        "non-browser clients are not redirected"
    );

    let signed_in = web
        .login_then("alice", PASSWORD, "/?region=cn-hangzhou")
        .await;
    assert_eq!(location(&signed_in), "/?region=cn-hangzhou");
    web.logout().await;
    let elsewhere = web
        .login_then("alice", PASSWORD, "https://evil.example/")
        .await;
    assert_eq!(location(&elsewhere), "/", "never off-site");
}

#[tokio::test]
async fn an_idle_session_expires_but_activity_keeps_it_alive() {
    let app = TestApp::launch()
        .session_lifetime(Duration::from_secs(2), Duration::from_secs(3600))
        .start()
        .await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    web.login("alice", PASSWORD).await;

    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(
            web.home().await.status(),
            200,
            "activity within the idle time"
        );
    }
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let idle = web.home().await;

    assert_eq!(idle.status(), 303);
    assert!(location(&idle).starts_with("/login"));
    assert_eq!(
        app.rows("session").await,
        0,
        "the expired session was deleted"
    );
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_expiry_however_busy() {
    let app = TestApp::launch()
        .session_lifetime(Duration::from_secs(3600), Duration::from_secs(3))
        .start()
        .await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    web.login("alice", PASSWORD).await;

    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(web.home().await.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let expired = web.home().await;

    assert_eq!(expired.status(), 303);
    assert!(location(&expired).starts_with("/login"));
}

#[tokio::test]
async fn a_disabled_user_is_signed_out_at_once_and_cannot_sign_in() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    web.login("alice", PASSWORD).await;

    let admin = app.sign_in("ada", Role::Admin).await;
    let disabled = admin.post("/settings/users/alice/disable", &[]).await;

    assert_eq!(disabled.status(), 303);
    assert_eq!(web.home().await.status(), 303);
    let again = web.login("alice", PASSWORD).await;
    assert_eq!(location(&again), "/login?error=invalid");
}
