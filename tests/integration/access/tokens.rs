//! API token lifetimes and owners: every token expires (90 days unless asked otherwise), an
//! expired one is refused with its own 401, and a token belongs to the user who made it.

use oss_audit::domain::Role;

use crate::support::{OssAudit, TestApp, between, stdout};

/// Moves token `id`'s expiry into the past, as the passing of its lifetime would.
async fn let_expire(app: &TestApp, id: &str) {
    sqlx::query("UPDATE api_token SET expires_at = '2026-01-01T00:00:00+00:00' WHERE id = ?1")
        .bind(id.parse::<i64>().unwrap())
        .execute(app.db.pool().await)
        .await
        .unwrap();
}

/// Days from now until token `id` expires, as stored.
async fn days_left(app: &TestApp, id: &str) -> i64 {
    app.count(&format!(
        "SELECT CAST(julianday(expires_at) - julianday('now') + 0.5 AS INTEGER) FROM api_token WHERE id = {id}"
    ))
    .await
}

/// Creates a token on the settings page as `admin` and returns (its id, the token).
async fn create_on_page(
    admin: &crate::support::Visitor,
    name: &str,
    days: &str,
) -> (String, String) {
    let created = admin
        .post(
            "/settings/tokens",
            &[
                ("name", name),
                ("role", "viewer"),
                ("expires_in_days", days),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let html = created.text().await.unwrap();
    let at = html.find(r#"value="oa_"#).expect("the token is shown") + r#"value=""#.len();
    let token = html[at..at + html[at..].find('"').unwrap()].to_owned();
    let row = html
        .split(r#"<tr id="token-"#)
        .find(|row| row.contains(&format!("<td>{name}</td>")))
        .expect("the token is listed");
    let id = row[..row.find('"').unwrap()].to_owned();
    (id, token)
}

#[tokio::test]
async fn a_cli_token_lives_ninety_days_unless_asked_and_is_refused_with_token_expired_after() {
    let app = TestApp::start(0).await;
    let create = async |args: &[&str]| {
        let mut all = vec!["token", "create", "--role", "viewer"];
        all.extend_from_slice(args);
        let output = OssAudit::new(&all).database(&app.db).output().await;
        assert!(output.status.success(), "{output:?}");
        stdout(&output).lines().last().unwrap().trim().to_owned()
    };
    let standard = create(&["--name", "standard"]).await;
    let short = create(&["--name", "short", "--expires-in", "2d"]).await;
    let refused = OssAudit::new(&[
        "token",
        "create",
        "--role",
        "viewer",
        "--name",
        "x",
        "--expires-in",
        "800d",
    ])
    .database(&app.db)
    .output()
    .await;
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");

    assert_eq!(days_left(&app, "1").await, 90);
    assert_eq!(days_left(&app, "2").await, 2);
    let listed = stdout(
        &OssAudit::new(&["token", "list"])
            .database(&app.db)
            .output()
            .await,
    );
    assert!(
        listed.lines().next().unwrap().contains("EXPIRES"),
        "{listed}"
    );
    let api = |token: &str| crate::support::Api::new(&app.base, Some(token.to_owned()));
    assert_eq!(api(&short).get("/api/v1/buckets").await.status, 200);

    let_expire(&app, "2").await;

    let answer = api(&short).get("/api/v1/buckets").await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.json["error"]["code"], "token_expired",
        "{}",
        answer.json
    );
    let message = answer.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("expired at 2026-01-01 00:00 UTC"),
        "{message}"
    );
    assert!(!answer.text().contains(&short));
    assert_eq!(api(&standard).get("/api/v1/buckets").await.status, 200);
    let unknown = api(&format!("oa_{}", "B".repeat(43)))
        .get("/api/v1/buckets")
        .await;
    assert_eq!(unknown.json["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn the_settings_page_sets_a_token_lifetime_in_days_and_lists_its_expiry() {
    let app = TestApp::start(0).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let (_, page) = admin.get("/settings").await;
    assert!(page.contains(r#"name="expires_in_days""#), "{page}");
    assert!(
        page.contains(r#"value="90""#),
        "the default is offered: {page}"
    );
    for days in ["0", "731", "soon"] {
        let refused = admin
            .post(
                "/settings/tokens",
                &[
                    ("name", "ci"),
                    ("role", "viewer"),
                    ("expires_in_days", days),
                ],
            )
            .await;
        assert_eq!(refused.status(), 400, "{days}");
        let html = refused.text().await.unwrap();
        assert!(
            html.contains("Use a whole number of days from 1 to 730."),
            "{html}"
        );
    }
    assert_eq!(app.rows("api_token").await, 0);

    let (id, token) = create_on_page(&admin, "weekly", "7").await;

    assert_eq!(days_left(&app, &id).await, 7);
    let api = crate::support::Api::new(&app.base, Some(token.clone()));
    assert_eq!(api.get("/api/v1/buckets").await.status, 200);
    let_expire(&app, &id).await;
    assert_eq!(api.get("/api/v1/buckets").await.status, 401);
    let (_, html) = admin.get("/settings").await;
    let row = between(&html, &format!(r#"id="token-{id}""#), "</tr>");
    assert!(row.contains("expired"), "{row}");
    assert!(!row.contains("Revoke"), "{row}");
}

#[tokio::test]
async fn disabling_a_user_revokes_the_tokens_they_made_and_only_those() {
    let app = TestApp::start(0).await;
    let alice = app.sign_in("alice", Role::Admin).await;
    let bob = app.sign_in("bob", Role::Admin).await;
    let (_, alices) = create_on_page(&alice, "alice-ci", "30").await;
    let (_, bobs) = create_on_page(&bob, "bob-ci", "30").await;
    let api = |token: &str| crate::support::Api::new(&app.base, Some(token.to_owned()));
    assert_eq!(api(&alices).get("/api/v1/buckets").await.status, 200);

    let disabled = bob.post("/settings/users/alice/disable", &[]).await;
    assert_eq!(disabled.status(), 303);

    assert_eq!(api(&alices).get("/api/v1/buckets").await.status, 401);
    assert_eq!(api(&bobs).get("/api/v1/buckets").await.status, 200);
    let logged = app
        .count("SELECT count(*) FROM change_log WHERE action = 'disable-user' AND detail LIKE '%1 of their API tokens revoked%'")
        .await;
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn viewers_and_operators_cannot_revoke_a_token_and_its_owner_can() {
    let app = TestApp::start(0).await;
    let ada = app.sign_in("ada", Role::Admin).await;
    let (id, token) = create_on_page(&ada, "ada-ci", "30").await;
    let api = crate::support::Api::new(&app.base, Some(token));
    let revoke = format!("/settings/tokens/{id}/revoke");
    for role in [Role::Viewer, Role::Operator] {
        let who = app.sign_in(&format!("{role}-user"), role).await;
        assert_eq!(who.post(&revoke, &[]).await.status(), 403, "{role}");
    }
    assert_eq!(api.get("/api/v1/buckets").await.status, 200, "still works");

    assert_eq!(ada.post(&revoke, &[]).await.status(), 303);

    assert_eq!(api.get("/api/v1/buckets").await.status, 401);
}
