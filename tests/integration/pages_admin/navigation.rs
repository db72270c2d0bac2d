//! The navigation: every page marks exactly one entry as the current one, and it is its own.

use oss_audit::domain::Role;

use crate::support::{TestApp, between, readable_encrypted, readable_unencrypted};

/// The labels of the entries `html`'s pages mark as current (`aria-current="page"`), anywhere.
fn current_entries(html: &str) -> Vec<String> {
    html.split(r#"aria-current="page">"#)
        .skip(1)
        .map(|rest| rest[..rest.find('<').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn every_page_highlights_exactly_its_own_navigation_entry() {
    let app = TestApp::scanned(20).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let encrypted = app.names(readable_encrypted).remove(0);
    let unencrypted = app.names(readable_unencrypted).remove(0);
    let pages = [
        ("/".to_owned(), "Overview"),
        ("/buckets".to_owned(), "Buckets"),
        (format!("/buckets/{encrypted}"), "Buckets"),
        (format!("/buckets/{encrypted}/remove"), "Buckets"),
        ("/remediate".to_owned(), "Remediate"),
        (format!("/remediate?bucket={unencrypted}"), "Remediate"),
        ("/scans".to_owned(), "Scans"),
        ("/reports".to_owned(), "Reports"),
        ("/audit-log".to_owned(), "Audit log"),
        ("/settings".to_owned(), "Settings"),
        ("/settings/notifications".to_owned(), "Settings"),
    ];
    for (path, entry) in &pages {
        let (status, html) = admin.get(path).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert_eq!(current_entries(&html), [*entry], "{path}");
        let nav = between(&html, r#"<nav aria-label="Main">"#, "</nav>");
        assert!(
            nav.contains(r#"aria-current="page""#),
            "{path}: the current entry is in the main navigation: {nav}"
        );
    }

    // The results of a remediation are the Remediate page's too.
    let answer = admin.post("/remediate", &[("bucket", &unencrypted)]).await;
    assert_eq!(answer.status(), 200);
    let html = answer.text().await.unwrap();
    assert!(html.contains("Remediation results"), "{html}");
    assert_eq!(current_entries(&html), ["Remediate"]);

    // Reverting is reached from the audit log, and belongs to it.
    let marker = r#"href="/revert?run="#;
    let at = html.find(marker).expect("a link to revert the remediation") + r#"href=""#.len();
    let revert = &html[at..at + html[at..].find('"').unwrap()];
    let (status, html) = admin.get(revert).await;
    assert_eq!(status, 200, "{revert}: {html}");
    assert_eq!(current_entries(&html), ["Audit log"], "{revert}");

    // A page outside the navigation marks nothing.
    let (status, html) = admin.get("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(current_entries(&html).is_empty(), "{html}");
}

#[tokio::test]
async fn viewers_have_no_remediate_entry_and_operators_do() {
    let app = TestApp::scanned(10).await;
    let viewer = app.sign_in("victor", Role::Viewer).await;
    let operator = app.sign_in("olga", Role::Operator).await;

    let (_, html) = viewer.get("/").await;
    let nav = between(&html, r#"<nav aria-label="Main">"#, "</nav>");
    assert!(!nav.contains(r#"href="/remediate""#), "{nav}");

    let (_, html) = operator.get("/").await;
    let nav = between(&html, r#"<nav aria-label="Main">"#, "</nav>");
    assert!(
        nav.contains(r#"<a href="/remediate">Remediate</a>"#),
        "{nav}"
    );
    assert_eq!(current_entries(&html), ["Overview"]);
}
