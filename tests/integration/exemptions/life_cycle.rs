//! Request, approve, revoke: four eyes, roles, and what an approved exemption changes.

use oss_audit::domain::Role;
use serde_json::json;

use super::{CDN_UNENCRYPTED, at, logged, names, request, start, step};

#[tokio::test]
async fn a_request_changes_nothing_until_a_different_admin_approves_it_and_a_revocation_undoes_it()
{
    let (app, clock) = start().await;
    let (operator, admin) = (app.api(Role::Operator).await, app.api(Role::Admin).await);
    let requested = request(&operator, &clock, "cdn-*", 30).await;
    let id = requested["id"].as_i64().unwrap();
    assert_eq!(requested["status"], "requested");
    assert_eq!(requested["requested_by"], "token:operator-token");
    assert_eq!(requested["approved_by"], serde_json::Value::Null);

    // Requested only: every judgement stands.
    assert_eq!(
        names(&operator, "false").await,
        ["cdn-images", "cdn-videos", "vendor-drop"]
    );
    assert!(names(&operator, "exempt").await.is_empty());

    // An operator may not approve, not even someone else's request.
    assert_eq!(step(&operator, id, "approve").await.0, 403);
    let (status, approved) = step(&admin, id, "approve").await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approved_by"], "token:admin-token");
    assert_eq!(approved["exempt_buckets"], 3);

    // Exempt: neither compliant nor non-compliant, and said so in the bucket's own judgement.
    assert_eq!(
        names(&operator, "exempt").await,
        ["cdn-assets", "cdn-images", "cdn-videos"]
    );
    assert_eq!(names(&operator, "false").await, ["vendor-drop"]);
    assert_eq!(names(&operator, "true").await, ["payments-data"]);
    let images = operator.get("/api/v1/buckets/cdn-images").await.json;
    assert_eq!(images["compliant"], "exempt");
    assert_eq!(images["exemption_id"], id);
    assert_eq!(
        images["status"], "unencrypted",
        "OSS still holds what it held"
    );

    let (status, revoked) = step(&admin, id, "revoke").await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["revoked_by"], "token:admin-token");
    assert!(names(&operator, "exempt").await.is_empty());
    let mut noncompliant = CDN_UNENCRYPTED.to_vec();
    noncompliant.push("vendor-drop");
    assert_eq!(names(&operator, "false").await, noncompliant);
    assert_eq!(step(&admin, id, "revoke").await.0, 409, "already ended");

    assert_eq!(
        logged(&app).await,
        [
            (
                "request-exemption".to_owned(),
                "token:operator-token".to_owned()
            ),
            (
                "approve-exemption".to_owned(),
                "token:admin-token".to_owned()
            ),
            (
                "revoke-exemption".to_owned(),
                "token:admin-token".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn an_admin_cannot_approve_their_own_request_and_it_stays_without_effect() {
    let (app, clock) = start().await;
    let admin = app.api(Role::Admin).await;
    let id = request(&admin, &clock, "vendor-drop", 90).await["id"]
        .as_i64()
        .unwrap();

    let (status, refused) = step(&admin, id, "approve").await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"]["code"], "four_eyes", "{refused}");
    let listed = admin.get("/api/v1/exemptions").await.json;
    assert_eq!(listed["exemptions"][0]["status"], "requested");
    assert_eq!(
        names(&admin, "false").await,
        ["cdn-images", "cdn-videos", "vendor-drop"]
    );

    // A second admin is a second pair of eyes.
    let second = app.api_token("second-admin", Role::Admin).await;
    let (status, approved) = step(&second, id, "approve").await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["requested_by"], "token:admin-token");
    assert_eq!(approved["approved_by"], "token:second-admin");
    assert_eq!(names(&admin, "exempt").await, ["vendor-drop"]);
    assert_eq!(step(&second, id, "approve").await.0, 409, "approved once");
}

#[tokio::test]
async fn viewers_read_exemptions_but_cannot_request_approve_or_revoke_them() {
    let (app, clock) = start().await;
    let viewer = app.api(Role::Viewer).await;
    let id = request(&app.api(Role::Operator).await, &clock, "cdn-*", 30).await["id"]
        .as_i64()
        .unwrap();
    let body = json!({"buckets": "vendor-drop", "reason": "pending migration", "expires_at": "2099-01-01"});
    let refused = viewer.call("POST", "/api/v1/exemptions", Some(body)).await;
    assert_eq!(refused.status, 403, "{}", refused.json);
    assert_eq!(step(&viewer, id, "approve").await.0, 403);
    assert_eq!(step(&viewer, id, "revoke").await.0, 403);
    let listed = viewer.get("/api/v1/exemptions?status=requested").await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json["exemptions"].as_array().unwrap().len(), 1);
    assert_eq!(listed.json["exemptions"][0]["buckets"], "cdn-*");
    assert_eq!(app.anonymous().get("/api/v1/exemptions").await.status, 401);
}

#[tokio::test]
async fn a_request_without_a_reason_or_with_an_expiry_past_or_beyond_a_year_is_refused() {
    use oss_audit::domain::Clock;
    let (app, clock) = start().await;
    let operator = app.api(Role::Operator).await;
    let now = clock.now();
    let cases = [
        json!({"buckets": "cdn-*", "reason": "  ", "expires_at": at(now + chrono::Duration::days(10))}),
        json!({"buckets": "cdn-*", "reason": "site", "expires_at": at(now - chrono::Duration::hours(1))}),
        json!({"buckets": "cdn-*", "reason": "site", "expires_at": at(now + chrono::Duration::days(366))}),
        json!({"buckets": "*", "reason": "everything", "expires_at": at(now + chrono::Duration::days(10))}),
        json!({"buckets": "cdn-*", "reason": "site", "expires_at": at(now + chrono::Duration::days(10)), "account": "nobody"}),
    ];
    for body in cases {
        let reply = operator
            .call("POST", "/api/v1/exemptions", Some(body.clone()))
            .await;
        assert_eq!(reply.status, 400, "{body} → {}", reply.json);
    }
    let year = json!({"buckets": "cdn-*", "reason": "site", "expires_at": at(now + chrono::Duration::days(365))});
    assert_eq!(
        operator
            .call("POST", "/api/v1/exemptions", Some(year))
            .await
            .status,
        201
    );
    assert!(
        logged(&app).await.len() == 1,
        "only the accepted request is logged"
    );
}

#[tokio::test]
async fn an_exemption_limited_to_a_region_covers_only_that_regions_buckets() {
    use oss_audit::domain::Clock;
    let (app, clock) = start().await;
    let body = json!({
        "buckets": "cdn-*", "region": "cn-shanghai", "account": "default",
        "reason": "the Shanghai CDN origin", "expires_at": at(clock.now() + chrono::Duration::days(30)),
    });
    let requested = app
        .api(Role::Operator)
        .await
        .call("POST", "/api/v1/exemptions", Some(body))
        .await;
    assert_eq!(requested.status, 201, "{}", requested.json);
    assert_eq!(requested.json["region"], "cn-shanghai");
    assert_eq!(requested.json["account"], "default");
    let id = requested.json["id"].as_i64().unwrap();
    assert_eq!(
        step(&app.api(Role::Admin).await, id, "approve").await.0,
        200
    );
    assert_eq!(
        names(&app.api(Role::Viewer).await, "exempt").await,
        ["cdn-videos"]
    );
}
