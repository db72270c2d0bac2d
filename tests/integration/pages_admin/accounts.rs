//! Settings › Accounts: everyone signed in reads the estate's accounts and how their last scan
//! went; admins add, remove and discover accounts through plain forms, each change in the audit
//! log; viewers and operators cannot change them.

use oss_audit::domain::Role;

use crate::support::{TestApp, between, location};

/// An estate of the hub and two members (`payments-prod`, `analytics-dev`), none added yet.
async fn estate(buckets: usize, untrusted: usize) -> TestApp {
    TestApp::launch()
        .buckets(buckets)
        .estate(3, move |c| c.untrusted_roles = untrusted)
        .start()
        .await
}

#[tokio::test]
async fn admins_add_an_account_on_the_page_and_remove_it_keeping_its_history() {
    let app = estate(4, 0).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let member = app.sandbox.members()[0].clone();
    let arn = member.role_arn.to_string();

    let (status, html) = admin.get("/settings/accounts").await;
    assert_eq!(status, 200);
    let hub = between(&html, r#"id="account-default""#, "</tr>");
    assert!(hub.contains("its own keys (hub)"), "{hub}");
    assert!(html.contains(r#"action="/settings/accounts""#), "{html}");

    let refused = admin
        .post(
            "/settings/accounts",
            &[
                ("name", "payments prod"),
                ("role_arn", "arn:aws:iam::1:role/x"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    let name_field = between(&html, r#"id="account-name""#, "</div>");
    assert!(
        name_field.contains("may only contain letters"),
        "{name_field}"
    );
    let role_field = between(&html, r#"id="account-role""#, "</div>");
    assert!(role_field.contains("acs:ram::"), "{role_field}");
    assert_eq!(app.rows("account").await, 1, "nothing added");

    let added = admin
        .post(
            "/settings/accounts",
            &[
                ("name", "payments-prod"),
                ("role_arn", &arn),
                ("external_id", "tenant-7"),
                ("endpoint", ""),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    assert_eq!(location(&added), "/settings/accounts#account-payments-prod");
    let (_, html) = admin.get("/settings/accounts").await;
    assert!(html.contains("Account payments-prod added"), "the flash");
    let row = between(&html, r#"id="account-payments-prod""#, "</tr>");
    assert!(
        row.contains(&arn) && row.contains(member.uid.as_str()),
        "{row}"
    );
    assert!(
        row.contains("<td>set</td>"),
        "the ExternalId is said to be set: {row}"
    );
    assert!(row.contains("not scanned yet"), "{row}");
    assert!(row.contains("added by user:ada"), "{row}");
    assert!(
        !html.contains("tenant-7"),
        "the ExternalId's value stays off the page"
    );
    let viewer = app.api(Role::Viewer).await;
    let listed = viewer.get("/api/v1/accounts").await.json;
    let api_row = listed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "payments-prod")
        .unwrap_or_else(|| panic!("the API lists the account: {listed}"));
    assert_eq!(api_row["role_arn"], arn.as_str());
    assert_eq!(api_row["external_id"], "tenant-7");

    // Its first scan covers it; its buckets are then part of its history.
    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "completed", "{scan}");
    let (_, html) = admin.get("/settings/accounts").await;
    let row = between(&html, r#"id="account-payments-prod""#, "</tr>");
    assert!(row.contains("completed"), "{row}");
    let buckets = app
        .count(
            "SELECT count(*) FROM bucket b JOIN account a ON a.id = b.account_id
             WHERE a.name = 'payments-prod'",
        )
        .await;
    assert_eq!(buckets, 4);

    let removed = admin
        .post("/settings/accounts/payments-prod/remove", &[])
        .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(location(&removed), "/settings/accounts");
    let (_, html) = admin.get("/settings/accounts").await;
    assert!(html.contains("payments-prod removed"), "the flash");
    let row = between(&html, r#"id="account-payments-prod""#, "</tr>");
    assert!(row.contains("removed") && !row.contains("<button"), "{row}");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM account WHERE name = 'payments-prod' AND removed_at IS NOT NULL"
        )
        .await,
        1
    );
    let kept = app
        .count(
            "SELECT count(*) FROM bucket b JOIN account a ON a.id = b.account_id
             WHERE a.name = 'payments-prod'",
        )
        .await;
    assert_eq!(kept, 4, "its buckets' history stays");
    let next = app.scan_estate().await;
    assert!(
        next["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["account"] != "payments-prod"),
        "a removed account is not scanned: {next}"
    );

    let (_, log) = admin.get("/audit-log?actor=ada").await;
    let add_row = between(&log, "add-account", "</tr>");
    assert!(
        add_row.contains(&format!("added account payments-prod with role {arn}")),
        "{add_row}"
    );
    let remove_row = between(&log, "remove-account", "</tr>");
    assert!(
        remove_row.contains("removed account payments-prod"),
        "{remove_row}"
    );
}

#[tokio::test]
async fn the_hub_cannot_be_removed_and_a_name_taken_with_another_role_is_refused() {
    let app = estate(1, 0).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let members = app.sandbox.members();

    let hub = admin.post("/settings/accounts/default/remove", &[]).await;
    assert_eq!(hub.status(), 303);
    let (_, html) = admin.get("/settings/accounts").await;
    assert!(html.contains("it cannot be removed"), "the flash: {html}");
    assert_eq!(
        app.count("SELECT count(*) FROM account WHERE removed_at IS NULL")
            .await,
        1
    );

    let first = [
        ("name", "payments-prod"),
        ("role_arn", members[0].role_arn.as_str()),
    ];
    assert_eq!(admin.post("/settings/accounts", &first).await.status(), 303);
    let other = [
        ("name", "payments-prod"),
        ("role_arn", members[1].role_arn.as_str()),
    ];
    let refused = admin.post("/settings/accounts", &other).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    let field = between(&html, r#"id="account-name""#, "</div>");
    assert!(
        field.contains("already exists with another role"),
        "{field}"
    );
    let role = app
        .count(&format!(
            "SELECT count(*) FROM account WHERE name = 'payments-prod' AND role_arn = '{}'",
            members[0].role_arn
        ))
        .await;
    assert_eq!(role, 1, "the first role stays");
}

#[tokio::test]
async fn viewers_and_operators_read_the_accounts_but_cannot_change_them() {
    let app = estate(1, 0).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let viewer = app.sign_in("vera", Role::Viewer).await;
    let member = app.sandbox.members()[0].clone();
    let other = app.sandbox.members()[1].clone();
    let add = [
        ("name", "payments-prod"),
        ("role_arn", member.role_arn.as_str()),
    ];
    assert_eq!(admin.post("/settings/accounts", &add).await.status(), 303);

    for who in [&operator, &viewer] {
        let (status, html) = who.get("/settings/accounts").await;
        assert_eq!(status, 200);
        let row = between(&html, r#"id="account-payments-prod""#, "</tr>");
        assert!(row.contains(member.role_arn.as_str()), "{row}");
        assert!(
            !html.contains("<form method=\"post\" action=\"/settings/accounts"),
            "no forms: {html}"
        );
        assert!(
            html.contains(r#"href="/settings/accounts" aria-current="page""#),
            "the navigation leads to it"
        );
        let another = [
            ("name", "analytics-dev"),
            ("role_arn", other.role_arn.as_str()),
        ];
        assert_eq!(who.post("/settings/accounts", &another).await.status(), 403);
        let remove = who
            .post("/settings/accounts/payments-prod/remove", &[])
            .await;
        assert_eq!(remove.status(), 403);
        let discover = who
            .post("/settings/accounts/discover", &[("role_name", "oss-audit")])
            .await;
        assert_eq!(discover.status(), 403);
    }
    // An admin's form without the session's CSRF token is refused too.
    let forged = admin
        .post_form("/settings/accounts/payments-prod/remove", &[])
        .await;
    assert_eq!(forged.status(), 403);
    let forged = admin
        .post_form("/settings/accounts/discover", &[("role_name", "oss-audit")])
        .await;
    assert_eq!(forged.status(), 403);

    assert_eq!(
        app.count("SELECT count(*) FROM account WHERE removed_at IS NULL")
            .await,
        2,
        "the hub and payments-prod, unchanged"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM change_log WHERE action LIKE '%account%'")
            .await,
        1,
        "only the admin's addition was recorded"
    );
}

#[tokio::test]
async fn discovering_on_the_page_adds_new_members_once_and_reports_those_that_left() {
    let app = estate(1, 0).await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let form = [("role_name", "oss-audit"), ("external_id", "")];

    let first = admin.post("/settings/accounts/discover", &form).await;
    assert_eq!(first.status(), 200);
    let html = first.text().await.unwrap();
    let added = between(&html, r#"id="discovered-added""#, "</dd>");
    for member in app.sandbox.members() {
        assert!(added.contains(member.role_arn.as_str()), "{added}");
    }
    assert!(
        html.contains(r#"id="account-payments-prod""#)
            && html.contains(r#"id="account-analytics-dev""#)
    );
    assert_eq!(app.rows("account").await, 3);

    let leaving = app.sandbox.members()[1].clone();
    assert!(app.sandbox.set_in_directory(&leaving.uid, false));
    let second = admin.post("/settings/accounts/discover", &form).await;
    assert_eq!(second.status(), 200);
    let html = second.text().await.unwrap();
    assert!(html.contains("Added (0)"), "nothing new: {html}");
    let known = between(&html, r#"id="discovered-known""#, "</dd>");
    assert!(known.contains("payments-prod"), "{known}");
    let left = between(&html, r#"id="discovered-left""#, "</dd>");
    assert!(left.contains("analytics-dev"), "{left}");
    assert_eq!(
        app.rows("account").await,
        3,
        "a member that left is not removed"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM change_log WHERE action = 'add-account' AND actor = 'user:ada'"
        )
        .await,
        2
    );

    let refused = admin
        .post(
            "/settings/accounts/discover",
            &[("role_name", "no such/role")],
        )
        .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    let field = between(&html, r#"id="discover-role""#, "</div>");
    assert!(field.contains("Role name must be"), "{field}");
}

#[tokio::test]
async fn a_role_that_refuses_the_hub_shows_its_code_and_request_id_on_the_accounts_page() {
    let app = estate(2, 1).await;
    app.discover().await;
    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "partial", "{scan}");
    let failed = scan["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["status"] == "failed")
        .unwrap_or_else(|| panic!("a failed part: {scan}"));
    let request_id = failed["request_id"].as_str().expect("STS's request id");
    let name = failed["account"].as_str().unwrap();

    let viewer = app.sign_in("vera", Role::Viewer).await;
    let (_, html) = viewer.get("/settings/accounts").await;
    let row = between(&html, &format!(r#"id="account-{name}""#), "</tr>");
    assert!(row.contains("failed"), "{row}");
    assert!(
        row.contains(&format!("NoPermission, request id {request_id}")),
        "{row}"
    );
    let fine = between(&html, r#"id="account-default""#, "</tr>");
    assert!(
        fine.contains("completed") && !fine.contains("NoPermission"),
        "{fine}"
    );
}
