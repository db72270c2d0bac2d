//! Reverting from the dashboard: the links (operators only), the preview, the tick boxes for
//! buckets changed since, the digest-bound confirmation and the results.

use oss_audit::domain::{EncryptionRule, Role};
use serde_json::json;

use super::{app_with, held, kms, newest_entry, put};
use crate::support::between;

/// The value of the hidden input `name` of a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"<input type="hidden" name="{name}" value=""#);
    let rest = &html[html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in {html}"))
        + marker.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn an_operator_reverts_a_change_from_the_audit_log_through_the_preview() {
    let app = app_with(&[("ledger", Some(EncryptionRule::Aes256))]).await;
    let change = put(&app, "ledger", json!({"sse_algorithm": "KMS"})).await;
    let operator = app.sign_in("olga", Role::Operator).await;

    let (status, log) = operator.get("/audit-log").await;
    assert_eq!(status, 200);
    let link = format!(r#"href="/revert?change={change}""#);
    assert!(log.contains(&link), "{log}");

    let (status, preview) = operator.get(&format!("/revert?change={change}")).await;
    assert_eq!(status, 200, "{preview}");
    let restores = between(&preview, r#"id="will-restore""#, "</section>");
    assert!(restores.contains("Will be restored (1)"), "{restores}");
    assert!(
        restores.contains("ledger") && restores.contains("→ AES256"),
        "{restores}"
    );
    assert!(preview.contains("Revert 1 bucket"), "{preview}");
    assert_eq!(
        held(&app, "ledger"),
        Some(kms()),
        "the preview changes nothing"
    );
    let digest = hidden(&preview, "plan_digest");
    assert_eq!(hidden(&preview, "change"), change.to_string());

    let change_text = change.to_string();
    let answer = operator
        .post(
            "/revert",
            &[("change", &change_text), ("plan_digest", &digest)],
        )
        .await;
    assert_eq!(answer.status(), 200);
    let results = answer.text().await.unwrap();
    assert!(
        results.contains("1 restored, 0 failed, 0 left alone."),
        "{results}"
    );
    assert!(results.contains("Revert this revert"), "{results}");
    assert_eq!(held(&app, "ledger"), Some(EncryptionRule::Aes256));
    let logged = newest_entry(&app, "ledger").await;
    assert_eq!(
        (logged["action"].as_str(), logged["actor"].as_str()),
        (Some("revert"), Some("user:olga"))
    );

    // The audit-log page shows the revert, naming the change, with its own Revert link.
    let the_revert = logged["id"].as_i64().unwrap();
    let (_, log) = operator.get("/audit-log").await;
    let row = between(&log, &format!(r#"id="change-{the_revert}""#), "</tr>");
    assert!(
        row.contains("user:olga") && row.contains(&format!("reverts change {change}")),
        "{row}"
    );
    assert!(
        row.contains(&format!(r#"href="/revert?change={the_revert}""#)),
        "{row}"
    );

    // The same confirmation again is stale: the bucket no longer holds what the change left.
    let again = operator
        .post(
            "/revert",
            &[("change", &change_text), ("plan_digest", &digest)],
        )
        .await;
    assert_eq!(again.status(), 409);
    let page = again.text().await.unwrap();
    assert!(page.contains("Nothing was changed"), "{page}");
    assert!(
        page.contains("already holds the state before the change"),
        "{page}"
    );
    assert_eq!(held(&app, "ledger"), Some(EncryptionRule::Aes256));
}

#[tokio::test]
async fn a_remediation_reverted_from_its_results_page_restores_only_the_ticked_changed_buckets() {
    let app = app_with(&[("alpha", None), ("bravo", None), ("charlie", None)]).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let (_, preview) = operator.get("/remediate").await;
    let digest = hidden(&preview, "plan_digest");
    let answer = operator
        .post("/remediate", &[("all", "1"), ("plan_digest", &digest)])
        .await;
    let results = answer.text().await.unwrap();
    let link = between(&results, "/revert?run=", "\"").to_owned();
    assert!(results.contains("Revert this remediation"), "{results}");
    put(&app, "bravo", json!({"sse_algorithm": "KMS"})).await;
    put(&app, "charlie", json!({"sse_algorithm": "SM4"})).await;

    let (status, preview) = operator.get(&link).await;
    assert_eq!(status, 200, "{link}: {preview}");
    let changed = between(&preview, r#"id="changed-since""#, "</section>");
    let tick = r#"<input type="checkbox" form="confirm" name="include" id="include-"#;
    assert_eq!(changed.matches(tick).count(), 2, "{changed}");
    for name in ["bravo", "charlie"] {
        assert!(
            changed.contains(&format!(r#"value="{name}""#)),
            "{name}: {changed}"
        );
    }
    assert!(!changed.contains("alpha"));
    let run = hidden(&preview, "run");
    let digest = hidden(&preview, "plan_digest");

    let answer = operator
        .post(
            "/revert",
            &[
                ("run", &run),
                ("plan_digest", &digest),
                ("include", "bravo"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 200);
    let results = answer.text().await.unwrap();
    assert!(
        results.contains("2 restored, 0 failed, 1 left alone."),
        "{results}"
    );
    assert_eq!(held(&app, "alpha"), None);
    assert_eq!(held(&app, "bravo"), None, "ticked: restored");
    assert_eq!(
        held(&app, "charlie"),
        Some(EncryptionRule::Sm4),
        "not ticked"
    );
}

#[tokio::test]
async fn viewers_see_no_revert_links_and_are_refused_403_if_they_post() {
    let app = app_with(&[("ledger", Some(EncryptionRule::Aes256))]).await;
    let change = put(&app, "ledger", json!({"sse_algorithm": "KMS"})).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let (_, preview) = operator.get(&format!("/revert?change={change}")).await;
    let digest = hidden(&preview, "plan_digest");

    let viewer = app.sign_in("vera", Role::Viewer).await;
    let (status, log) = viewer.get("/audit-log").await;
    assert_eq!(status, 200);
    assert!(log.contains("ledger"));
    assert!(!log.contains("/revert?"), "{log}");
    let (status, _) = viewer.get(&format!("/revert?change={change}")).await;
    assert_eq!(status, 403);
    let change_text = change.to_string();
    let answer = viewer
        .post(
            "/revert",
            &[("change", &change_text), ("plan_digest", &digest)],
        )
        .await;
    assert_eq!(answer.status(), 403);
    assert_eq!(held(&app, "ledger"), Some(kms()));

    // Without the session's CSRF token, an operator's post is refused too.
    let forged = operator
        .post_form(
            "/revert",
            &[
                ("change", &change_text),
                ("plan_digest", &digest),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(held(&app, "ledger"), Some(kms()));
}

#[tokio::test]
async fn a_change_oss_refused_shows_why_it_cannot_be_reverted_and_no_form() {
    let app = crate::support::TestApp::scanned(40).await;
    let denied = app.names(|b| b.access_denied)[0].clone();
    let operator = app.sign_in("olga", Role::Operator).await;
    let api = app.api(Role::Operator).await;
    let path = format!("/api/v1/buckets/{denied}/encryption");
    let refused = api.call("DELETE", &path, None).await;
    assert_eq!(refused.status, 502);
    let entry = newest_entry(&app, &denied).await;
    let id = entry["id"].as_i64().unwrap();

    let (_, log) = operator.get("/audit-log").await;
    assert!(
        !log.contains(&format!("/revert?change={id}\"")),
        "no link for a refused change"
    );
    let (status, page) = operator.get(&format!("/revert?change={id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("nothing was written"), "{page}");
    assert!(!page.contains(r#"action="/revert""#), "no form: {page}");
    let (status, _) = operator.get("/revert?change=99999").await;
    assert_eq!(status, 404);
}
