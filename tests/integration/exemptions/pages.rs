//! The pages: a request from a bucket's page, the approval on the Exemptions page by another
//! admin (never by the requester), viewers reading only, and CSRF on every form.

use chrono::Duration;
use oss_audit::domain::{Clock, Role};

use super::{names, start};
use crate::support::{between, location};

const REASON: &str = "vendor bucket pending migration to the new account";

#[tokio::test]
async fn a_request_from_a_bucket_page_is_approved_on_the_exemptions_page_by_another_admin() {
    let (app, clock) = start().await;
    let olga = app.sign_in("olga", Role::Operator).await;
    let ada = app.sign_in("ada", Role::Admin).await;
    let vic = app.sign_in("vic", Role::Viewer).await;
    let expires = (clock.now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();

    let (_, bucket_page) = olga.get("/buckets/vendor-drop").await;
    let section = between(&bucket_page, "id=\"exemptions-heading\"", "</section>");
    assert!(section.contains("Request an exemption"), "{section}");
    assert!(section.contains("value=\"vendor-drop\""), "{section}");

    let fields = [
        ("buckets", "vendor-drop"),
        ("reason", REASON),
        ("expires", expires.as_str()),
    ];
    let no_csrf = olga.post_form("/exemptions", &fields).await;
    assert_eq!(
        no_csrf.status(),
        403,
        "a form without the session's CSRF token"
    );
    let made = olga.post("/exemptions", &fields).await;
    assert_eq!(made.status(), 303);
    assert_eq!(location(&made), "/exemptions#exemption-1");

    // The viewer reads it, with no button and no form; the operator cannot approve it.
    let (status, seen) = vic.get("/exemptions").await;
    assert_eq!(status, 200);
    assert!(
        seen.contains(REASON) && seen.contains("user:olga"),
        "{seen}"
    );
    assert!(!seen.contains("/exemptions/1/approve") && !seen.contains("Request an exemption"));
    assert_eq!(vic.post("/exemptions", &fields).await.status(), 403);
    let (_, olgas) = olga.get("/exemptions").await;
    assert!(
        !olgas.contains("/exemptions/1/approve"),
        "operators do not approve"
    );
    assert!(
        names(&app.api(Role::Viewer).await, "exempt")
            .await
            .is_empty()
    );

    let (_, adas) = ada.get("/exemptions").await;
    assert!(adas.contains("action=\"/exemptions/1/approve\""), "{adas}");
    let approved = ada.post("/exemptions/1/approve", &[]).await;
    assert_eq!(approved.status(), 303);
    assert_eq!(
        names(&app.api(Role::Viewer).await, "exempt").await,
        ["vendor-drop"]
    );
    let (_, bucket_page) = vic.get("/buckets/vendor-drop").await;
    let facts = between(&bucket_page, "id=\"current-heading\"", "</section>");
    assert!(facts.contains("exempt"), "{facts}");
    let (_, listed) = vic.get("/buckets?compliant=exempt").await;
    assert!(listed.contains("vendor-drop") && !listed.contains("cdn-images"));
}

#[tokio::test]
async fn the_exemptions_page_offers_no_approval_to_the_admin_who_asked_and_refuses_one_posted_anyway()
 {
    let (app, clock) = start().await;
    let ada = app.sign_in("ada", Role::Admin).await;
    let expires = (clock.now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let fields = [
        ("buckets", "cdn-*"),
        ("reason", REASON),
        ("expires", expires.as_str()),
    ];
    assert_eq!(ada.post("/exemptions", &fields).await.status(), 303);
    let (_, page) = ada.get("/exemptions").await;
    assert!(
        !page.contains("/exemptions/1/approve"),
        "no button for one's own request"
    );
    assert!(
        page.contains("/exemptions/1/revoke"),
        "an admin may still refuse it"
    );

    let refused = ada.post("/exemptions/1/approve", &[]).await;
    assert_eq!(refused.status(), 303);
    let (_, after) = ada.get("/exemptions").await;
    assert!(
        after.contains("a different admin must approve it"),
        "{after}"
    );
    assert!(
        names(&app.api(Role::Viewer).await, "exempt")
            .await
            .is_empty()
    );

    let (_, nav) = ada.get("/").await;
    assert!(nav.contains("href=\"/exemptions\""), "a navigation entry");
}

#[tokio::test]
async fn a_request_the_page_cannot_accept_is_shown_again_with_why() {
    let (app, _clock) = start().await;
    let olga = app.sign_in("olga", Role::Operator).await;
    let fields = [
        ("buckets", "cdn-*"),
        ("reason", REASON),
        ("expires", "2020-01-01"),
    ];
    let refused = olga.post("/exemptions", &fields).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("is not in the future"), "{html}");
    assert!(html.contains(REASON), "what was typed is kept");
}
