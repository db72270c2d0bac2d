//! Cookies over HTTPS: `Secure` and `__Host-` prefixed (so no sibling host or plain-HTTP answer
//! can plant one), on by default when the public URL is https; the plain-HTTP demo keeps plain
//! names.

use oss_audit::sandbox::SandboxHandle;

use crate::support::{
    OssAudit, PASSWORD, SESSION_COOKIE, Serving, TestDb, bare_browser, csrf_field, location,
    sandbox, set_cookie,
};

/// `oss-audit serve` with the public URL `public_url` and the admin password [`PASSWORD`].
async fn serve(public_url: &str) -> (Serving, SandboxHandle, TestDb) {
    let sandbox = sandbox(0).await;
    let db = TestDb::new();
    let command = OssAudit::new(&["serve", "--listen", "127.0.0.1:0", "--scan-interval", "0"])
        .database(&db)
        .sandbox(&sandbox)
        .env("OSS_AUDIT_ADMIN_PASSWORD", PASSWORD)
        .env("OSS_AUDIT_PUBLIC_URL", public_url);
    (Serving::start(command).await, sandbox, db)
}

/// Signs in as admin the way a browser that keeps `__Host-` cookies would; returns the session
/// cookie's value and its whole `Set-Cookie`.
async fn sign_in(serve: &Serving) -> (String, String) {
    let http = bare_browser();
    let page = http.get(serve.url("/login")).send().await.unwrap();
    let (login_csrf, header) =
        set_cookie(&page, "__Host-oss_audit_login_csrf").expect("the prefixed login cookie");
    assert!(
        header.contains("Secure") && header.contains("Path=/"),
        "{header}"
    );
    assert!(
        !header.contains("Path=/login") && !header.contains("Domain"),
        "{header}"
    );
    let token = csrf_field(&page.text().await.unwrap());
    let signed_in = http
        .post(serve.url("/login"))
        .header(
            "cookie",
            format!("__Host-oss_audit_login_csrf={login_csrf}"),
        )
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/");
    assert!(
        set_cookie(&signed_in, SESSION_COOKIE).is_none(),
        "no plain name"
    );
    set_cookie(&signed_in, "__Host-oss_audit_session").expect("the prefixed session cookie")
}

#[tokio::test]
async fn an_https_public_url_makes_every_cookie_secure_and_host_prefixed() {
    let (serve, _sandbox, _db) = serve("https://audit.example.com").await;

    let (session, header) = sign_in(&serve).await;

    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(header.contains(attribute), "{attribute}: {header}");
    }
    let http = bare_browser();
    let get = async |cookie: String| {
        http.get(serve.url("/settings"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    };
    let page = get(format!("__Host-oss_audit_session={session}")).await;
    assert_eq!(page.status(), 200);
    // The same value under the plain name is what a sibling host could plant: not read.
    let planted = get(format!("oss_audit_session={session}")).await;
    assert_eq!(planted.status(), 303);
    assert!(location(&planted).starts_with("/login"));

    // The one-time message cookie follows the same rule.
    let csrf = csrf_field(&page.text().await.unwrap());
    let changed = http
        .post(serve.url("/account/password"))
        .header("cookie", format!("__Host-oss_audit_session={session}"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("current_password", PASSWORD),
            ("new_password", "another long passphrase"),
            ("confirm_password", "another long passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&changed), "/");
    let (_, flash) = set_cookie(&changed, "__Host-oss_audit_flash").expect("prefixed flash");
    assert!(
        flash.contains("Secure") && flash.contains("Path=/"),
        "{flash}"
    );
}

#[tokio::test]
async fn an_http_public_url_keeps_plain_cookies_for_the_local_demo() {
    let (serve, _sandbox, _db) = serve("http://127.0.0.1:3000").await;
    let http = bare_browser();

    let page = http.get(serve.url("/login")).send().await.unwrap();

    let (_, header) = set_cookie(&page, "oss_audit_login_csrf").expect("plain login cookie");
    assert!(!header.contains("Secure"), "{header}");
    assert!(
        crate::support::Visitor::new(&serve.base)
            .signed_in("admin", PASSWORD)
            .await
            .is_some(),
        "a browser signs in over plain HTTP"
    );
}
