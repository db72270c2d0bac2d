//! The bucket page: the change form, the removal, OSS refusals, and who may do what.

use oss_audit::domain::{EncryptionRule, KmsDataEncryption, KmsKeyId};

use super::{first, sign_in_both, truth_status};
use crate::support::{TestApp, csrf_field, location};

#[tokio::test]
async fn the_change_form_sets_kms_with_a_key_and_sm4_and_the_page_shows_it() {
    let app = TestApp::scanned(30).await;
    let (operator, _viewer) = sign_in_both(&app).await;
    let name = first(&app, |b| truth_status(b) == "unencrypted");
    let detail = format!("/buckets/{name}");
    let (status, html) = operator.get(&detail).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"action="/buckets/{name}/encryption""#)));

    let token = operator.csrf.clone();
    let answer = operator
        .post_form(
            &format!("{detail}/encryption"),
            &[
                ("csrf_token", token.as_str()),
                ("sse_algorithm", "KMS"),
                ("kms_master_key_id", "alias/page-test"),
                ("kms_data_encryption", "SM4"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), detail);
    assert_eq!(
        app.sandbox.bucket(&name).unwrap().encryption,
        Some(EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("alias/page-test").unwrap()),
            data_encryption: Some(KmsDataEncryption::Sm4),
        })
    );

    let (_, html) = operator.get(&detail).await;
    assert!(
        html.contains(&format!(
            "Encryption of {name} set to KMS (key alias/page-test, data SM4); OSS now reports KMS (key alias/page-test, data SM4)."
        )),
        "{html}"
    );
    assert!(html.contains("alias/page-test"));
    assert!(
        html.contains("re-read after a change"),
        "the timeline shows the re-read"
    );
    assert!(
        html.contains("user:olivia"),
        "the audit log names who did it"
    );
    assert!(
        html.contains(r#"<option value="KMS" selected"#),
        "the form shows the new state"
    );
}

#[tokio::test]
async fn invalid_change_input_is_told_next_to_the_field_and_nothing_reaches_oss() {
    let app = TestApp::scanned(30).await;
    let (operator, _viewer) = sign_in_both(&app).await;
    let name = first(&app, |b| truth_status(b) == "unencrypted");
    let path = format!("/buckets/{name}/encryption");
    let token = operator.csrf.clone();
    let served = app.sandbox.requests_served();

    let answer = operator
        .post_form(
            &path,
            &[
                ("csrf_token", token.as_str()),
                ("sse_algorithm", "AES256"),
                ("kms_master_key_id", "alias/kept-value"),
                ("kms_data_encryption", "SM4"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 400);
    let html = answer.text().await.unwrap();
    assert!(
        html.contains(r#"<p class="error" id="kms-key-id-error">"#),
        "{html}"
    );
    assert!(html.contains(r#"aria-describedby="kms-key-id-hint kms-key-id-error""#));
    assert!(html.contains(r#"<p class="error" id="kms-data-encryption-error">"#));
    assert!(html.contains("only used with KMS"));
    assert!(
        html.contains(r#"value="alias/kept-value""#),
        "the submitted value is kept"
    );
    assert!(html.contains(r#"<option value="AES256" selected"#));
    assert!(!html.contains(r#"id="sse-algorithm-error""#));

    for (algorithm, key, field) in [
        ("KMS", "not a key!", "kms-key-id-error"),
        ("DES", "", "sse-algorithm-error"),
    ] {
        let answer = operator
            .post_form(
                &path,
                &[
                    ("csrf_token", token.as_str()),
                    ("sse_algorithm", algorithm),
                    ("kms_master_key_id", key),
                ],
            )
            .await;
        assert_eq!(answer.status(), 400);
        let html = answer.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"<p class="error" id="{field}">"#)),
            "{html}"
        );
    }
    assert_eq!(
        app.sandbox.requests_served(),
        served,
        "no request reached OSS"
    );
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, None);
}

#[tokio::test]
async fn removing_encryption_asks_first_and_then_the_sandbox_has_no_rule() {
    let app = TestApp::scanned(30).await;
    let (operator, _viewer) = sign_in_both(&app).await;
    let name = first(&app, |b| truth_status(b) == "encrypted");
    let (status, html) = operator.get(&format!("/buckets/{name}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"href="/buckets/{name}/remove""#)));

    let (status, html) = operator.get(&format!("/buckets/{name}/remove")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(
        "New objects written to {name} will no longer be encrypted by default. Objects already stored keep their encryption."
    )), "{html}");
    assert!(html.contains(&format!(r#"method="post" action="/buckets/{name}/remove""#)));
    assert!(html.contains(&format!(r#"<a href="/buckets/{name}">Cancel</a>"#)));
    assert!(
        app.sandbox.bucket(&name).unwrap().encryption.is_some(),
        "asking changes nothing"
    );

    let token = csrf_field(&html);
    let answer = operator
        .post_form(
            &format!("/buckets/{name}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), format!("/buckets/{name}"));
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, None);
    let (_, html) = operator.get(&format!("/buckets/{name}")).await;
    assert!(
        html.contains(&format!(
            "Default encryption of {name} removed; OSS now reports no default encryption."
        )),
        "{html}"
    );
}

#[tokio::test]
async fn an_oss_refusal_shows_its_code_and_request_id() {
    let app = TestApp::scanned(30).await;
    let (operator, _viewer) = sign_in_both(&app).await;
    let name = first(&app, |b| b.access_denied);
    let before = app.sandbox.bucket(&name).unwrap().encryption;
    let token = operator.csrf.clone();
    let answer = operator
        .post_form(
            &format!("/buckets/{name}/encryption"),
            &[("csrf_token", token.as_str()), ("sse_algorithm", "AES256")],
        )
        .await;
    assert_eq!(answer.status(), 303);
    let (_, html) = operator.get(&format!("/buckets/{name}")).await;
    let at = html
        .find("OSS refused: AccessDenied (request id ")
        .expect("the refusal is shown");
    let rest = &html[at + "OSS refused: AccessDenied (request id ".len()..];
    let request_id = &rest[..rest.find(')').unwrap()];
    assert!(
        request_id.len() >= 8 && request_id != "none",
        "{request_id}"
    );
    assert!(
        html.matches(request_id).count() >= 2,
        "the audit log lists it too"
    );
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, before);
}

#[tokio::test]
async fn viewers_see_no_forms_and_their_posts_change_nothing() {
    let app = TestApp::scanned(30).await;
    let (operator, viewer) = sign_in_both(&app).await;
    let name = first(&app, |b| truth_status(b) == "encrypted");
    let before = app.sandbox.bucket(&name).unwrap().encryption;

    let (status, html) = viewer.get("/buckets").await;
    assert_eq!(status, 200);
    assert!(!html.contains(r#"action="/remediate""#) && !html.contains(r#"name="bucket""#));
    let (_, operator_html) = operator.get("/buckets").await;
    assert!(
        operator_html.contains(r#"<form method="get" action="/remediate""#),
        "{operator_html}"
    );
    assert!(operator_html.contains(&format!(r#"name="bucket" value="{name}""#)));
    assert!(operator_html.contains("Remediate selected buckets"));

    let (status, html) = viewer.get(&format!("/buckets/{name}")).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("/encryption\"") && !html.contains("/remove\""),
        "{html}"
    );
    assert!(!html.contains("Change encryption"));

    let served = app.sandbox.requests_served();
    let token = viewer.csrf.clone();
    let answer = viewer
        .post_form(
            &format!("/buckets/{name}/encryption"),
            &[("csrf_token", token.as_str()), ("sse_algorithm", "SM4")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    let answer = viewer
        .post_form(
            &format!("/buckets/{name}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(answer.status(), 403);
    let (status, _) = viewer.get(&format!("/buckets/{name}/remove")).await;
    assert_eq!(status, 403);
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, before);
    assert_eq!(app.sandbox.requests_served(), served);
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    let app = TestApp::scanned(30).await;
    let (operator, _viewer) = sign_in_both(&app).await;
    let name = first(&app, |b| truth_status(b) == "encrypted");
    let before = app.sandbox.bucket(&name).unwrap().encryption;
    let answer = operator
        .post_form(
            &format!("/buckets/{name}/encryption"),
            &[("sse_algorithm", "SM4")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    let answer = operator
        .post_form(
            &format!("/buckets/{name}/remove"),
            &[("csrf_token", "forged")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, before);
}

#[tokio::test]
async fn unknown_or_invalid_bucket_names_get_the_404_page() {
    let app = TestApp::scanned(10).await;
    let (operator, viewer) = sign_in_both(&app).await;
    for path in [
        "/buckets/no-such-bucket",
        "/buckets/Not_A_Bucket",
        "/buckets/%FF%FE",
    ] {
        let (status, _) = viewer.get(path).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = operator.get("/buckets/no-such-bucket/remove").await;
    assert_eq!(status, 404);
    let name = first(&app, |_| true);
    let (status, html) = viewer.get(&format!("/buckets/{name}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("OSS request id"), "{html}");
}
