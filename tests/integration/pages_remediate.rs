//! One-click remediation through the pages: the preview lists exactly what changes and, apart,
//! what does not; the confirmation changes exactly that in OSS; the results say how each went.

use oss_audit::domain::{EncryptionRule, Role};

use crate::support::{TestApp, between, readable_encrypted, readable_unencrypted};

/// Whether `html` links to the bucket page of `name`.
fn links_bucket(html: &str, name: &str) -> bool {
    html.contains(&format!(r#"<a href="/buckets/{name}">{name}</a>"#))
}

/// The hidden `name=value` inputs of a form.
fn hidden(html: &str, name: &str) -> Vec<String> {
    let marker = format!(r#"<input type="hidden" name="{name}" value=""#);
    html.split(&marker)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn remediating_every_bucket_encrypts_exactly_the_readable_unencrypted_ones() {
    let app = TestApp::scanned(80).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let before = app.sandbox.buckets();
    let expected = app.names(readable_unencrypted);
    let denied = app.names(|b| b.access_denied);
    let encrypted = app.names(readable_encrypted);
    assert!(!expected.is_empty() && !denied.is_empty() && !encrypted.is_empty());

    let (status, html) = operator.get("/remediate").await;
    assert_eq!(status, 200, "{html}");
    let will_change = between(&html, r#"id="will-change""#, r#"id="untouched""#);
    let untouched = between(&html, r#"id="untouched""#, "</section>");
    for name in &expected {
        assert!(links_bucket(will_change, name), "{name} will change");
        assert!(!untouched.contains(name.as_str()), "{name}");
    }
    for name in &denied {
        assert!(links_bucket(untouched, name), "{name} listed apart");
        assert!(!will_change.contains(name.as_str()), "{name} not touched");
    }
    for name in &encrypted {
        assert!(!html.contains(name.as_str()), "{name} is compliant");
    }
    assert!(untouched.contains("Will not be touched"), "{untouched}");
    assert!(untouched.contains("could not be read (AccessDenied)"));
    let button = format!("Encrypt {} buckets with AES256", expected.len());
    assert!(html.contains(&button), "{html}");
    assert_eq!(hidden(&html, "all"), ["1"]);
    let digest = hidden(&html, "plan_digest");
    assert_eq!(digest.len(), 1, "{html}");
    assert_eq!(digest[0].len(), 64, "a SHA-256: {digest:?}");

    let answer = operator
        .post("/remediate", &[("all", "1"), ("plan_digest", &digest[0])])
        .await;
    assert_eq!(answer.status(), 200);
    let results = answer.text().await.unwrap();
    assert!(results.contains("Remediation results"), "{results}");
    assert!(
        results.contains(&format!(
            "{} encrypted with AES256, 0 failed.",
            expected.len()
        )),
        "{results}"
    );
    for name in &expected {
        assert!(links_bucket(&results, name), "{name} reported");
    }
    for (old, new) in before.iter().zip(app.sandbox.buckets()) {
        if expected.contains(&old.name.to_string()) {
            assert_eq!(new.encryption, Some(EncryptionRule::Aes256), "{}", old.name);
        } else {
            assert_eq!(new.encryption, old.encryption, "{} untouched", old.name);
        }
    }
    let logged = app
        .count("SELECT count(*) FROM change_log WHERE action = 'remediate' AND actor = 'user:olga'")
        .await;
    assert_eq!(logged, expected.len() as i64);

    let (_, html) = operator.get("/remediate").await;
    assert!(html.contains("Nothing to remediate"), "{html}");
    assert!(!html.contains(r#"action="/remediate""#), "no form left");
}

#[tokio::test]
async fn a_named_selection_previews_and_changes_exactly_the_chosen_buckets() {
    let app = TestApp::scanned(60).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let before = app.sandbox.buckets();
    let unencrypted = app.names(readable_unencrypted);
    let (a, b) = (&unencrypted[0], &unencrypted[1]);
    let denied = &app.names(|b| b.access_denied)[0];
    let other = &unencrypted[2];

    let path = format!("/remediate?bucket={a}&bucket={denied}&bucket={b}&bucket=no-such-bucket-x");
    let (status, html) = operator.get(&path).await;
    assert_eq!(status, 200, "{html}");
    let will_change = between(&html, r#"id="will-change""#, r#"id="untouched""#);
    for name in [a, b, denied] {
        assert!(links_bucket(will_change, name), "{name} chosen");
    }
    assert!(!html.contains(other.as_str()), "{other} was not chosen");
    assert_eq!(
        hidden(&html, "bucket"),
        [a.clone(), denied.clone(), b.clone()]
    );
    assert!(hidden(&html, "all").is_empty());
    assert!(between(&html, r#"id="untouched""#, "</table>").contains("no-such-bucket-x"));
    assert!(html.contains("Encrypt 3 buckets with AES256"), "{html}");

    let answer = operator
        .post(
            "/remediate",
            &[("bucket", a.as_str()), ("bucket", denied), ("bucket", b)],
        )
        .await;
    assert_eq!(answer.status(), 200);
    let results = answer.text().await.unwrap();
    assert!(
        results.contains("2 encrypted with AES256, 1 failed."),
        "{results}"
    );
    let failed = between(&results, "Failed (1)", "</table>");
    assert!(links_bucket(failed, denied), "{failed}");
    assert!(failed.contains("<code>AccessDenied</code>"), "{failed}");
    assert!(!failed.contains("<code>—</code>"), "a request id: {failed}");
    for (old, new) in before.iter().zip(app.sandbox.buckets()) {
        if [a, b].contains(&&old.name.to_string()) {
            assert_eq!(new.encryption, Some(EncryptionRule::Aes256), "{}", old.name);
        } else {
            assert_eq!(new.encryption, old.encryption, "{} untouched", old.name);
        }
    }
}

#[tokio::test]
async fn chosen_buckets_already_compliant_are_left_alone_unless_the_preview_says_to_change_them_too()
 {
    let app = TestApp::scanned(30).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let plain = &app.names(readable_unencrypted)[0];
    let compliant = &app.names(readable_encrypted)[0];

    let (status, html) = operator
        .get(&format!("/remediate?bucket={plain}&bucket={compliant}"))
        .await;

    assert_eq!(status, 200, "{html}");
    let will_change = between(&html, r#"id="will-change""#, r#"id="untouched""#);
    assert!(links_bucket(will_change, plain), "{will_change}");
    assert!(!will_change.contains(compliant.as_str()), "{will_change}");
    let untouched = between(&html, r#"id="untouched""#, "</section>");
    assert!(links_bucket(untouched, compliant), "{untouched}");
    assert!(untouched.contains("already compliant ("), "{untouched}");
    assert_eq!(hidden(&html, "bucket"), std::slice::from_ref(plain));
    assert!(hidden(&html, "force").is_empty());
    let forced = format!("/remediate?bucket={plain}&amp;bucket={compliant}&amp;force=1");
    assert!(
        html.contains(&format!(r#"<a href="{forced}">Change them too</a>"#)),
        "{html}"
    );

    let (_, only) = operator
        .get(&format!("/remediate?bucket={compliant}"))
        .await;
    assert!(
        only.contains("None of the chosen buckets will change"),
        "{only}"
    );
    assert!(!only.contains(r#"action="/remediate""#), "no form");
    assert!(only.contains("Change them too"), "{only}");

    let (_, html) = operator.get(&forced.replace("&amp;", "&")).await;
    let will_change = between(&html, r#"id="will-change""#, "</section>");
    assert!(links_bucket(will_change, compliant), "{will_change}");
    assert_eq!(hidden(&html, "bucket"), [plain.clone(), compliant.clone()]);
    assert_eq!(hidden(&html, "force"), ["1"]);
    assert!(!html.contains("Change them too"), "{html}");
    let digest = hidden(&html, "plan_digest").remove(0);
    let answer = operator
        .post(
            "/remediate",
            &[
                ("bucket", plain.as_str()),
                ("bucket", compliant),
                ("force", "1"),
                ("plan_digest", &digest),
            ],
        )
        .await;
    let results = answer.text().await.unwrap();
    assert!(
        results.contains("2 encrypted with AES256, 0 failed."),
        "{results}"
    );
    let changed = app
        .count(&format!(
            "SELECT count(*) FROM change_log WHERE action = 'remediate' AND bucket = '{compliant}'"
        ))
        .await;
    assert_eq!(changed, 1, "forced, the compliant bucket was changed too");
}

#[tokio::test]
async fn a_confirmation_for_a_plan_that_changed_since_the_preview_changes_nothing() {
    let app = TestApp::scanned(40).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let (_, html) = operator.get("/remediate").await;
    let digest = hidden(&html, "plan_digest").remove(0);
    // Someone else encrypts one of the previewed buckets in the meantime.
    let unencrypted = app.names(readable_unencrypted);
    let meanwhile = operator
        .post("/remediate", &[("bucket", unencrypted[0].as_str())])
        .await;
    assert_eq!(meanwhile.status(), 200);
    let before = app.sandbox.buckets();
    let left = unencrypted.len() - 1;

    for stale in [digest.as_str(), "", "0123"] {
        let answer = operator
            .post("/remediate", &[("all", "1"), ("plan_digest", stale)])
            .await;

        assert_eq!(answer.status(), 409, "{stale:?}");
        let html = answer.text().await.unwrap();
        assert!(html.contains("Nothing was changed"), "{html}");
        assert!(html.contains(&format!("Encrypt {left} buckets")), "{html}");
        assert_ne!(hidden(&html, "plan_digest")[0], digest, "the new plan");
    }
    assert_eq!(app.sandbox.buckets(), before);
}

#[tokio::test]
async fn viewers_and_forms_without_the_csrf_token_cannot_remediate() {
    let app = TestApp::scanned(30).await;
    let viewer = app.sign_in("vera", Role::Viewer).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let before = app.sandbox.buckets();
    let count = app.names(readable_unencrypted).len().to_string();
    let fields = [("all", "1"), ("expected", count.as_str())];

    assert_eq!(viewer.get("/remediate").await.0, 403);
    let (_, overview) = viewer.get("/").await;
    assert!(
        !overview.contains(r#"href="/remediate""#),
        "no button for viewers"
    );
    assert_eq!(viewer.post("/remediate", &fields).await.status(), 403);
    assert_eq!(
        operator.post_form("/remediate", &fields).await.status(),
        403
    );
    assert_eq!(
        operator
            .post_form("/remediate", &[("all", "1"), ("csrf_token", "forged")])
            .await
            .status(),
        403
    );

    assert_eq!(app.sandbox.buckets(), before, "nothing changed in OSS");
    assert_eq!(app.count("SELECT count(*) FROM change_log").await, 0);
}
