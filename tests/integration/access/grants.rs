//! Per-account roles: a principal who is operator on `payments-prod` and viewer elsewhere may
//! change the buckets of `payments-prod` and no others, in the API and in the pages; estate-wide
//! actions need the role on every account; an exemption of one account's buckets needs it on that
//! account; admins give the roles on the users page, where they are shown and from where they are
//! audit-logged.

use oss_audit::domain::Role;
use serde_json::{Value, json};

use crate::reverts::put;
use crate::support::{PASSWORD, TestApp};

/// The value of the hidden input `name` of a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"<input type="hidden" name="{name}" value=""#);
    let rest = &html[html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in {html}"))
        + marker.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The hub (`default`) and two members (`payments-prod`, `analytics-dev`), scanned.
async fn estate() -> TestApp {
    let app = TestApp::launch()
        .buckets(4)
        .estate(3, |_| {})
        .members()
        .start()
        .await;
    app.scan_estate().await;
    app
}

/// A readable bucket of `account`, as the API lists it.
async fn bucket_of(app: &TestApp, account: &str) -> String {
    let admin = app.api(Role::Admin).await;
    let mut listed = admin
        .all_buckets(&format!("&account={account}&status=unencrypted"))
        .await;
    listed.extend(
        admin
            .all_buckets(&format!("&account={account}&status=encrypted"))
            .await,
    );
    let bucket = listed
        .first()
        .unwrap_or_else(|| panic!("{account} has a readable bucket"));
    assert_eq!(bucket["account"], account, "{bucket}");
    bucket["name"].as_str().unwrap().to_owned()
}

/// Every API route that changes a bucket, `{bucket}` standing for the bucket's name and
/// `{change}` for an audit-log entry that changed it.
const BUCKET_ROUTES: &[(&str, &str, Option<&str>)] = &[
    (
        "PUT",
        "/api/v1/buckets/{bucket}/encryption",
        Some(r#"{"sse_algorithm":"AES256"}"#),
    ),
    ("DELETE", "/api/v1/buckets/{bucket}/encryption", None),
    (
        "POST",
        "/api/v1/remediations",
        Some(r#"{"buckets":["{bucket}"]}"#),
    ),
    (
        "POST",
        "/api/v1/reverts",
        Some(r#"{"change":{change},"dry_run":true}"#),
    ),
    (
        "POST",
        "/api/v1/reverts",
        Some(r#"{"change":{change},"include_changed":true}"#),
    ),
];

/// An audit-log entry that changed `bucket` (AES256 first, so KMS always writes something).
async fn changed(app: &TestApp, bucket: &str) -> i64 {
    put(app, bucket, json!({"sse_algorithm": "AES256"})).await;
    put(app, bucket, json!({"sse_algorithm": "KMS"})).await
}

fn call_on(
    route: &(&str, &str, Option<&str>),
    bucket: &str,
    change: i64,
) -> (String, String, Option<Value>) {
    let (method, path, body) = route;
    let fill = |text: &str| {
        text.replace("{bucket}", bucket)
            .replace("{change}", &change.to_string())
    };
    (
        (*method).to_owned(),
        fill(path),
        body.map(|b| serde_json::from_str(&fill(b)).unwrap()),
    )
}

#[tokio::test]
async fn every_api_route_on_a_bucket_follows_the_role_on_the_buckets_account() {
    let app = estate().await;
    let payments = bucket_of(&app, "payments-prod").await;
    let analytics = bucket_of(&app, "analytics-dev").await;
    let hub = bucket_of(&app, "default").await;
    // Operator on payments-prod only, and the reverse: operator but for payments-prod.
    let there = app
        .api_token_with("there", Role::Viewer, &["payments-prod=operator"])
        .await;
    let elsewhere = app
        .api_token_with("elsewhere", Role::Operator, &["payments-prod=viewer"])
        .await;
    let cases = [
        (&there, &payments, true),
        (&there, &analytics, false),
        (&there, &hub, false),
        (&elsewhere, &payments, false),
        (&elsewhere, &analytics, true),
        (&elsewhere, &hub, true),
    ];
    for (token, bucket, allowed) in cases {
        let change = changed(&app, bucket).await;
        let before = token.get(&format!("/api/v1/buckets/{bucket}")).await;
        assert_eq!(before.status, 200, "everyone signed in reads every account");
        for route in BUCKET_ROUTES {
            let (method, path, body) = call_on(route, bucket, change);
            let reply = token.call(&method, &path, body).await;
            if allowed {
                assert!(
                    ![401, 403].contains(&reply.status),
                    "{method} {path} on an operator's account: {} {}",
                    reply.status,
                    reply.json
                );
            } else {
                assert_eq!(reply.status, 403, "{method} {path}: {}", reply.json);
                assert_eq!(reply.json["error"]["code"], "forbidden");
            }
        }
        if !allowed {
            let after = token.get(&format!("/api/v1/buckets/{bucket}")).await;
            assert_eq!(
                after.json["bucket"]["status"], before.json["bucket"]["status"],
                "a refused change leaves the bucket alone"
            );
        }
    }
    // Estate-wide actions need the role on every account.
    for token in [&there, &elsewhere] {
        let all = token
            .call("POST", "/api/v1/remediations", Some(json!({})))
            .await;
        assert_eq!(all.status, 403, "{}", all.json);
        assert!(
            all.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("every account"),
            "{}",
            all.json
        );
        assert_eq!(token.call("POST", "/api/v1/scans", None).await.status, 403);
        assert_eq!(token.get("/api/v1/audit-log").await.status, 200);
        assert_eq!(token.get("/api/v1/buckets").await.status, 200);
    }
}

#[tokio::test]
async fn every_page_action_on_a_bucket_follows_the_role_on_the_buckets_account() {
    let app = estate().await;
    let payments = bucket_of(&app, "payments-prod").await;
    let analytics = bucket_of(&app, "analytics-dev").await;
    let hub = bucket_of(&app, "default").await;
    let alice = app
        .sign_in_with("alice", Role::Viewer, &["payments-prod=operator"])
        .await;
    let (_, home) = alice.get("/").await;
    assert!(home.contains("operator on payments-prod"), "{home}");
    for (bucket, allowed) in [(&payments, true), (&analytics, false), (&hub, false)] {
        // Reverting a change needs the operator role on the changed bucket's account.
        let change = changed(&app, bucket).await;
        let (status, preview) = alice.get(&format!("/revert?change={change}")).await;
        assert_eq!(
            status,
            if allowed { 200 } else { 403 },
            "revert preview {bucket}"
        );
        let digest = if allowed {
            hidden(&preview, "plan_digest")
        } else {
            "0".repeat(64)
        };
        let reverted = alice
            .post(
                "/revert",
                &[("change", &change.to_string()), ("plan_digest", &digest)],
            )
            .await;
        let status = reverted.status().as_u16();
        assert_eq!(status, if allowed { 200 } else { 403 }, "revert {bucket}");
        let (status, page) = alice.get(&format!("/buckets/{bucket}")).await;
        assert_eq!(status, 200);
        assert_eq!(
            page.contains(&format!("/buckets/{bucket}/encryption")),
            allowed,
            "the change form is shown to operators of the bucket's account only"
        );
        let expect = |status: u16, ok: u16, what: &str| {
            if allowed {
                assert_eq!(status, ok, "{what} {bucket}");
            } else {
                assert_eq!(status, 403, "{what} {bucket}");
            }
        };
        let set = alice
            .post(
                &format!("/buckets/{bucket}/encryption"),
                &[("sse_algorithm", "AES256")],
            )
            .await;
        expect(set.status().as_u16(), 303, "set encryption");
        let (confirm, _) = alice.get(&format!("/buckets/{bucket}/remove")).await;
        expect(confirm, 200, "confirm removal");
        let remove = alice.post(&format!("/buckets/{bucket}/remove"), &[]).await;
        expect(remove.status().as_u16(), 303, "remove encryption");
        let remediate = alice.post("/remediate", &[("bucket", bucket)]).await;
        let status = remediate.status().as_u16();
        let body = remediate.text().await.unwrap();
        expect(status, 200, "remediate");
        if !allowed {
            assert!(body.contains("on account"), "{body}");
        }
        let (_, preview) = alice.get(&format!("/remediate?bucket={bucket}")).await;
        assert_eq!(
            preview.contains("not operator"),
            !allowed,
            "the preview sets apart the buckets of other accounts"
        );
    }
    // Every non-compliant bucket spans the estate: refused, and said why.
    let (status, page) = alice.get("/remediate").await;
    assert_eq!(status, 403);
    assert!(page.contains("every account"), "{page}");
    let all = alice
        .post("/remediate", &[("all", "1"), ("plan_digest", "0")])
        .await;
    assert_eq!(all.status(), 403);
    assert_eq!(alice.post("/scans", &[]).await.status(), 403);
}

#[tokio::test]
async fn per_account_roles_are_given_on_the_users_page_shown_and_audit_logged() {
    let app = estate().await;
    let root = app.sign_in("root", Role::Admin).await;
    let added = root
        .post(
            "/settings/users",
            &[
                ("name", "bob"),
                ("role", "viewer"),
                ("accounts", "payments-prod=operator"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let row = |html: &str, id: &str| {
        crate::support::between(html, &format!(r#"id="{id}""#), "</tr>").to_owned()
    };
    let (_, settings) = root.get("/settings").await;
    assert!(
        row(&settings, "user-bob").contains("payments-prod=operator"),
        "{settings}"
    );

    let set = root
        .post(
            "/settings/users/bob/role",
            &[("role", "operator"), ("accounts", "analytics-dev=viewer")],
        )
        .await;
    assert_eq!(set.status(), 303);
    let (_, settings) = root.get("/settings").await;
    let bob = row(&settings, "user-bob");
    assert!(
        bob.contains("analytics-dev=viewer") && !bob.contains("payments-prod"),
        "{bob}"
    );
    let (_, log) = root.get("/audit-log?actor=root").await;
    assert!(
        log.contains("set-role")
            && log.contains(
                "set the role of user bob to operator, viewer on analytics-dev (was viewer, operator on payments-prod)"
            ),
        "{log}"
    );

    // Bob now acts with his new roles.
    let bob = app
        .try_sign_in("bob", PASSWORD)
        .await
        .expect("bob signs in");
    let analytics = bucket_of(&app, "analytics-dev").await;
    let payments = bucket_of(&app, "payments-prod").await;
    let (_, page) = bob.get(&format!("/buckets/{analytics}")).await;
    assert!(!page.contains(&format!("/buckets/{analytics}/encryption")));
    let (_, page) = bob.get(&format!("/buckets/{payments}")).await;
    assert!(page.contains(&format!("/buckets/{payments}/encryption")));

    // Unknown accounts and admin per account are refused, with the reason next to the field.
    for (accounts, says) in [
        ("nowhere=operator", "no account called nowhere"),
        ("payments-prod=admin", "admin applies to every account"),
        ("payments-prod", "is not ACCOUNT=ROLE"),
    ] {
        let refused = root
            .post(
                "/settings/users",
                &[
                    ("name", "carol"),
                    ("role", "viewer"),
                    ("accounts", accounts),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(refused.status(), 400, "{accounts}");
        let body = refused.text().await.unwrap();
        assert!(body.contains(says), "{accounts}: {body}");
    }

    // Tokens take per-account roles too.
    let created = root
        .post(
            "/settings/tokens",
            &[
                ("name", "payments-ci"),
                ("role", "viewer"),
                ("accounts", "payments-prod=operator"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let body = created.text().await.unwrap();
    assert!(body.contains("viewer, operator on payments-prod"), "{body}");
    let (_, log) = root.get("/audit-log?actor=root").await;
    assert!(
        log.contains("\"payments-ci\" with role viewer, operator on payments-prod")
            || log.contains("&quot;payments-ci&quot; with role viewer, operator on payments-prod"),
        "{log}"
    );
}

#[tokio::test]
async fn the_cli_gives_per_account_roles_to_users_and_tokens() {
    let app = estate().await;
    let run = |args: &'static [&'static str], stdin: &'static str| {
        crate::support::OssAudit::new(args)
            .database(&app.db)
            .env("USER", "ops")
            .stdin(stdin)
            .output()
    };
    let added = run(
        &[
            "user",
            "add",
            "dave",
            "--role",
            "viewer",
            "--account",
            "payments-prod=operator",
        ],
        "a long enough password\n",
    )
    .await;
    assert!(added.status.success(), "{}", crate::support::stderr(&added));
    let dave = |list: String| {
        list.lines()
            .find(|l| l.starts_with("dave "))
            .unwrap_or_else(|| panic!("{list}"))
            .to_owned()
    };
    let listed = dave(crate::support::stdout(&run(&["user", "list"], "").await));
    assert!(listed.contains("payments-prod=operator"), "{listed}");

    let set = run(&["user", "set-role", "dave", "--role", "operator"], "").await;
    assert!(set.status.success(), "{}", crate::support::stderr(&set));
    let listed = dave(crate::support::stdout(&run(&["user", "list"], "").await));
    assert!(
        listed.contains("operator") && !listed.contains("payments-prod"),
        "{listed}"
    );

    let unknown = run(
        &[
            "user",
            "set-role",
            "dave",
            "--role",
            "viewer",
            "--account",
            "nowhere=operator",
        ],
        "",
    )
    .await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        crate::support::stderr(&unknown).contains("no account called nowhere"),
        "{}",
        crate::support::stderr(&unknown)
    );

    let created = run(
        &[
            "token",
            "create",
            "--name",
            "payments-ci",
            "--role",
            "viewer",
            "--account",
            "payments-prod=operator",
        ],
        "",
    )
    .await;
    let out = crate::support::stdout(&created);
    assert!(
        created.status.success(),
        "{}",
        crate::support::stderr(&created)
    );
    assert!(out.contains("viewer, operator on payments-prod"), "{out}");
    let token = out.lines().last().unwrap().to_owned();
    let api = crate::support::Api::new(&app.base, Some(token));
    let payments = bucket_of(&app, "payments-prod").await;
    let analytics = bucket_of(&app, "analytics-dev").await;
    let body = json!({"sse_algorithm": "AES256"});
    let there = api
        .call(
            "PUT",
            &format!("/api/v1/buckets/{payments}/encryption"),
            Some(body.clone()),
        )
        .await;
    assert_eq!(there.status, 200, "{}", there.json);
    let elsewhere = api
        .call(
            "PUT",
            &format!("/api/v1/buckets/{analytics}/encryption"),
            Some(body),
        )
        .await;
    assert_eq!(elsewhere.status, 403, "{}", elsewhere.json);
    let tokens = crate::support::stdout(&run(&["token", "list"], "").await);
    assert!(
        tokens
            .lines()
            .any(|l| l.contains("payments-ci") && l.contains("payments-prod=operator")),
        "{tokens}"
    );
}

#[tokio::test]
async fn an_operator_of_one_account_requests_exemptions_of_that_accounts_buckets_only() {
    let app = estate().await;
    let there = app
        .api_token_with("there", Role::Viewer, &["payments-prod=operator"])
        .await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(30))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let ask = |account: Option<&str>| {
        json!({"buckets": "pay-*", "account": account, "reason": "a migration in progress",
               "expires_at": expires})
    };
    for (account, allowed) in [
        (Some("payments-prod"), true),
        (Some("analytics-dev"), false),
        (None, false),
    ] {
        let reply = there
            .call("POST", "/api/v1/exemptions", Some(ask(account)))
            .await;
        let want = if allowed { 201 } else { 403 };
        assert_eq!(reply.status, want, "{account:?}: {}", reply.json);
    }
    let listed = app.api(Role::Admin).await.get("/api/v1/exemptions").await;
    assert_eq!(
        listed.json["exemptions"].as_array().map(Vec::len),
        Some(1),
        "{}",
        listed.json
    );

    // The page offers the form to such an operator, and refuses the request of another account.
    let alice = app
        .sign_in_with("alice", Role::Viewer, &["payments-prod=operator"])
        .await;
    let (_, page) = alice.get("/exemptions").await;
    assert!(page.contains(r#"action="/exemptions""#), "{page}");
    let fields = [
        ("buckets", "pay-*"),
        ("account", "analytics-dev"),
        ("reason", "a migration in progress"),
        ("expires", &expires[..10]),
    ];
    let refused = alice.post("/exemptions", &fields).await;
    assert_eq!(refused.status(), 403);
    let mine = [
        ("account", "payments-prod"),
        fields[0],
        fields[2],
        fields[3],
    ];
    let made = alice.post("/exemptions", &mine).await;
    assert_eq!(made.status(), 303, "{:?}", made.text().await);
}
