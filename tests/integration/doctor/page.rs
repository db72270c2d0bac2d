//! Settings › Permissions: admins run the checks with a button (a form, no script) and see one
//! row per check and both policy documents; everyone else is refused.

use oss_audit::domain::{RamAction, Role};
use oss_audit::sandbox::SandboxPrincipal;

use crate::support::{TestApp, between};

const PAGE: &str = "/settings/permissions";

#[tokio::test]
async fn admins_run_the_checks_from_the_page_and_see_each_result_and_the_policies() {
    let app = TestApp::launch().buckets(4).start().await;
    for bucket in app.sandbox.buckets() {
        app.sandbox.set_access_denied(bucket.name.as_str(), false);
    }
    let admin = app.sign_in("ada", Role::Admin).await;
    let (status, html) = admin.get(PAGE).await;
    assert_eq!(status, 200);
    for document in ["permission_policy", "hub_policy", "trust_policy"] {
        assert!(html.contains(document), "{document}: {html}");
    }
    assert!(
        html.contains("oss:PutBucketEncryption"),
        "the remediate policy is shown"
    );
    assert!(html.contains(r#"action="/settings/permissions""#), "{html}");
    assert!(
        !html.contains(r#"class="data permissions""#),
        "no results before a run"
    );

    let ran = admin.post(PAGE, &[]).await;
    assert_eq!(ran.status(), 200);
    let html = ran.text().await.unwrap();
    let table = between(&html, r#"class="data permissions""#, "</table>");
    for check in [
        "credentials",
        "oss:ListBuckets",
        "oss:GetBucketEncryption",
        "kms:DescribeKey",
    ] {
        assert!(table.contains(check), "{check}: {table}");
    }
    assert!(!table.contains("FAILED"), "{table}");
    assert!(html.contains("0 FAILED"), "{html}");

    let hub_key = SandboxPrincipal::AccessKey(app.sandbox.credentials().access_key_id.clone());
    assert!(app.sandbox.deny(hub_key, RamAction::OssListBuckets));
    let html = admin.post(PAGE, &[]).await.text().await.unwrap();
    let table = between(&html, r#"class="data permissions""#, "</table>");
    assert!(
        table.contains("FAILED") && table.contains("AccessDenied"),
        "{table}"
    );
    assert!(table.contains("oss:ListBuckets"), "{table}");
}

#[tokio::test]
async fn viewers_and_operators_are_refused_and_a_post_without_its_csrf_token_is_refused() {
    let app = TestApp::start(1).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    for role in [Role::Viewer, Role::Operator] {
        let who = app.sign_in(&format!("u{}", role.as_str()), role).await;
        assert_eq!(who.get(PAGE).await.0, 403, "{role:?}");
        assert_eq!(who.post(PAGE, &[]).await.status(), 403, "{role:?}");
    }
    assert_eq!(admin.post_form(PAGE, &[]).await.status(), 403);
    let (_, settings) = admin.get("/settings").await;
    assert!(
        settings.contains(r#"href="/settings/permissions""#),
        "linked from Settings"
    );
}
