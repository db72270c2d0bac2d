//! A viewer in a browser: no change, remove or remediate controls, and the POSTs behind them
//! refused even with a valid session and CSRF token.

use reqwest::StatusCode;

use crate::driver::with_browser;
use crate::start;
use crate::support::{
    PASSWORD, SESSION_COOKIE, TestApp, bare_browser, readable_encrypted, readable_unencrypted,
};

/// Posts `fields` to `path` from a plain HTTP client carrying the browser's `session` cookie: the
/// request a page would send, for forms a page does not offer.
async fn post_with_session(
    app: &TestApp,
    path: &str,
    session: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    bare_browser()
        .post(app.url(path))
        .header("cookie", format!("{SESSION_COOKIE}={session}"))
        .form(fields)
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn a_viewer_sees_no_change_forms_and_a_direct_post_is_refused() {
    let app = start(60).await;
    let unencrypted = app.names(readable_unencrypted)[0].clone();
    let encrypted = app.names(readable_encrypted)[0].clone();
    let before = app.truth();
    let (mut session, mut token) = (String::new(), String::new());

    with_browser("viewer", async |b| {
        b.sign_in(&app.base, "viewer", PASSWORD).await;
        b.shot("overview").await;
        assert!(
            b.find_all("a[href='/remediate']").await.is_empty(),
            "no remediate button"
        );

        b.visit(&app.url("/buckets"), "buckets").await;
        assert!(
            !b.find_all("table.buckets tbody tr").await.is_empty(),
            "the list shows"
        );
        assert!(
            b.find_all("input[type=checkbox]").await.is_empty(),
            "no selection to remediate"
        );
        assert!(b.find_all("form[action='/remediate']").await.is_empty());

        for name in [&unencrypted, &encrypted] {
            b.visit(
                &app.url(&format!("/buckets/{name}")),
                &format!("bucket-{name}"),
            )
            .await;
            assert!(
                b.text("h1").await.contains(name.as_str()),
                "the bucket page shows"
            );
            assert!(
                b.find_all("form[method=post]:not(.signout)")
                    .await
                    .is_empty(),
                "no forms"
            );
            assert!(
                b.find_all(&format!("a[href='/buckets/{name}/remove']"))
                    .await
                    .is_empty()
            );
        }

        session = b.session_cookie().await;
        token = b.csrf_token().await;
    })
    .await;

    let fields = |more: &[(&'static str, &'static str)]| {
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(more);
        all
    };
    let refused = [
        (
            format!("/buckets/{unencrypted}/encryption"),
            fields(&[("sse_algorithm", "AES256"), ("kms_master_key_id", "")]),
        ),
        (format!("/buckets/{encrypted}/remove"), fields(&[])),
        (
            "/remediate".to_owned(),
            fields(&[("all", "1"), ("plan_digest", "0")]),
        ),
    ];
    for (path, form) in &refused {
        let response = post_with_session(&app, path, &session, form).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "POST {path} as a viewer"
        );
        assert_eq!(app.truth(), before, "POST {path} changed nothing in OSS");
    }

    // The same session and token are good: signing out with them works, so the 403s above were
    // the role's doing, not a stale token's.
    let signed_out = post_with_session(&app, "/logout", &session, &fields(&[])).await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
}
