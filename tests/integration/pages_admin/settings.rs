//! Settings: admins only; the policy form re-judges compliance, users are added and disabled,
//! tokens are shown once, work against the API, and stop when revoked.

use oss_audit::domain::{EncryptionRule, Role};

use crate::support::{PASSWORD, TestApp, assert_policy_change_logged, between, location};

/// The policy form filled in for `kms`, remediated with KMS and the OSS-managed key.
const KMS_POLICY: [(&str, &str); 5] = [
    ("requirement", "kms"),
    ("allowed_keys", ""),
    ("target_algorithm", "KMS"),
    ("target_key", ""),
    ("target_data_encryption", ""),
];

#[tokio::test]
async fn only_admins_open_settings_or_post_its_forms() {
    let app = TestApp::start(1).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let viewer = app.sign_in("vera", Role::Viewer).await;

    let (status, html) = admin.get("/settings").await;
    assert_eq!(status, 200);
    for section in [
        r#"id="policy""#,
        r#"id="users""#,
        r#"id="tokens""#,
        r#"id="schedule""#,
    ] {
        assert!(html.contains(section), "{section}");
    }
    assert!(
        html.contains(r#"href="/settings" aria-current="page""#),
        "{html}"
    );
    for who in [&operator, &viewer] {
        assert_eq!(who.get("/settings").await.0, 403);
        let (_, overview) = who.get("/").await;
        assert!(!overview.contains(r#"href="/settings""#));
        let policy = [("requirement", "kms"), ("target_algorithm", "KMS")];
        assert_eq!(who.post("/settings/policy", &policy).await.status(), 403);
        let user = [
            ("name", "mallory"),
            ("role", "admin"),
            ("password", PASSWORD),
        ];
        assert_eq!(who.post("/settings/users", &user).await.status(), 403);
        let token = [("name", "stolen"), ("role", "admin")];
        assert_eq!(who.post("/settings/tokens", &token).await.status(), 403);
    }
    let user = [
        ("name", "mallory"),
        ("role", "admin"),
        ("password", PASSWORD),
    ];
    assert_eq!(
        admin.post_form("/settings/users", &user).await.status(),
        403
    );
    assert_eq!(
        app.count("SELECT count(*) FROM app_user WHERE name = 'mallory'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT count(*) FROM api_token").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM policy").await, 0);
}

#[tokio::test]
async fn changing_the_policy_judges_every_bucket_again_and_is_logged() {
    let app = TestApp::scanned(60).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let kms =
        app.names(|b| !b.access_denied && matches!(b.encryption, Some(EncryptionRule::Kms { .. })));
    assert!(!kms.is_empty());

    let refused = admin
        .post(
            "/settings/policy",
            &[("requirement", "kms"), ("target_algorithm", "AES256")],
        )
        .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    let field = between(&html, r#"id="target_algorithm""#, "</div>");
    assert!(field.contains("AES256 does not satisfy kms"), "{field}");
    assert_eq!(
        app.count("SELECT count(*) FROM policy").await,
        0,
        "nothing saved"
    );

    let saved = admin.post("/settings/policy", &KMS_POLICY).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), "/settings#policy");
    let compliant = app
        .count("SELECT count(*) FROM bucket WHERE compliant = 1")
        .await;
    assert_eq!(compliant, kms.len() as i64);
    let (_, overview) = admin.get("/").await;
    assert!(overview.contains("<strong>kms</strong>"), "{overview}");
    let (_, remediate) = admin.get("/remediate").await;
    assert!(
        remediate.contains("with KMS (OSS-managed key)"),
        "{remediate}"
    );
    let (_, log) = admin.get("/audit-log?actor=ada").await;
    let row = between(&log, "set-policy", "</tr>");
    assert!(
        row.contains("policy any, target AES256 → policy kms, target KMS, OSS-managed key"),
        "{row}"
    );
}

#[tokio::test]
async fn setting_the_policy_on_the_page_logs_it_as_the_api_and_the_cli_do() {
    let app = TestApp::start(1).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let saved = admin.post("/settings/policy", &KMS_POLICY).await;
    assert_eq!(saved.status(), 303);
    assert_policy_change_logged(&app.db, "user:ada").await;
}

#[tokio::test]
async fn admins_add_and_disable_users_but_not_themselves() {
    let app = TestApp::start(1).await;
    let admin = app.sign_in("ada", Role::Admin).await;

    let short = admin
        .post(
            "/settings/users",
            &[
                ("name", "bob"),
                ("role", "operator"),
                ("password", "too short"),
            ],
        )
        .await;
    assert_eq!(short.status(), 400);
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("Use at least 12 characters.")
    );
    let added = admin
        .post(
            "/settings/users",
            &[
                ("name", "bob"),
                ("role", "operator"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let (_, html) = admin.get("/settings").await;
    assert!(
        html.contains("User bob added with role operator."),
        "{html}"
    );
    let row = between(&html, r#"id="user-bob""#, "</tr>");
    assert!(row.contains("operator") && row.contains("active"), "{row}");
    let bob = app
        .try_sign_in("bob", PASSWORD)
        .await
        .expect("bob signs in");
    assert_eq!(bob.get("/scans").await.0, 200);

    let disabled = admin.post("/settings/users/bob/disable", &[]).await;
    assert_eq!(disabled.status(), 303);
    assert_eq!(bob.get("/scans").await.0, 303, "bob's session ended");
    assert!(app.try_sign_in("bob", PASSWORD).await.is_none());
    let (_, html) = admin.get("/settings").await;
    assert!(between(&html, r#"id="user-bob""#, "</tr>").contains("disabled"));

    let own = admin.post("/settings/users/ada/disable", &[]).await;
    assert_eq!(own.status(), 303);
    let (status, html) = admin.get("/settings").await;
    assert_eq!(status, 200, "still signed in");
    assert!(
        html.contains("You cannot disable your own account"),
        "{html}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM app_user WHERE name = 'ada' AND disabled_at IS NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn a_new_token_is_shown_once_works_on_the_api_and_stops_when_revoked() {
    let app = TestApp::scanned(5).await;
    let admin = app.sign_in("ada", Role::Admin).await;

    let created = admin
        .post(
            "/settings/tokens",
            &[("name", "ci-pipeline"), ("role", "viewer")],
        )
        .await;
    assert_eq!(created.status(), 200);
    assert_eq!(created.headers()["cache-control"], "no-store");
    assert!(
        created
            .headers()
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().contains("oa_"))
    );
    let html = created.text().await.unwrap();
    assert!(
        html.contains("Copy it now; it will not be shown again."),
        "{html}"
    );
    let at = html.find(r#"value="oa_"#).expect("the token is shown") + r#"value=""#.len();
    let token = html[at..at + html[at..].find('"').unwrap()].to_owned();
    assert_eq!(token.len(), 46, "{token}");

    let (_, later) = admin.get("/settings").await;
    assert!(!later.contains(&token), "shown once only");
    assert!(later.contains("ci-pipeline"));
    let api = |token: String| {
        let url = app.url("/api/v1/buckets");
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(api(token.clone()).await, 200);

    let id =
        between(&later, "/settings/tokens/", "/revoke")["/settings/tokens/".len()..].to_owned();
    let revoked = admin
        .post(&format!("/settings/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(api(token).await, 401);
    let (_, html) = admin.get("/settings").await;
    assert!(between(&html, &format!(r#"id="token-{id}""#), "</tr>").contains("revoked"));
    let (_, log) = admin.get("/audit-log?actor=ada").await;
    assert!(
        log.contains("create-token") && log.contains("revoke-token"),
        "{log}"
    );
}
