//! The JSON API black-box over HTTP against the real application and the sandbox.

use oss_audit::domain::Role;
use serde_json::{Value, json};

use crate::support::{Api, Reply, TestApp, assert_policy_change_logged, readable_unencrypted};

fn is_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.json);
    assert_eq!(reply.json["error"]["code"], code, "{}", reply.json);
    assert!(
        reply.json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

#[tokio::test]
async fn buckets_are_listed_filtered_and_paged_by_cursor() {
    let app = TestApp::start(260).await;
    let viewer = app.api(Role::Viewer).await;
    app.scan_through_api().await;
    let truth = app.sandbox.buckets();
    let all = viewer.all_buckets("").await;
    assert_eq!(all.len(), 260);
    let names: Vec<_> = all
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    let truth_names: Vec<_> = truth.iter().map(|b| b.name.as_str().to_owned()).collect();
    assert_eq!(names, truth_names);

    let unencrypted = truth.iter().filter(|b| readable_unencrypted(b)).count();
    assert_eq!(
        viewer.all_buckets("&status=unencrypted").await.len(),
        unencrypted
    );
    assert_eq!(
        viewer.all_buckets("&compliant=false").await.len(),
        unencrypted
    );
    let denied = truth.iter().filter(|b| b.access_denied).count();
    let unknown = viewer.all_buckets("&status=unknown").await;
    assert_eq!(unknown.len(), denied);
    assert!(
        unknown
            .iter()
            .all(|b| b["compliant"].is_null() && b["error_code"] == "AccessDenied")
    );
    let kms = truth
        .iter()
        .filter(|b| {
            !b.access_denied
                && b.encryption
                    .as_ref()
                    .is_some_and(|r| r.algorithm().as_str() == "KMS")
        })
        .count();
    assert_eq!(viewer.all_buckets("&sse_algorithm=KMS").await.len(), kms);
    let region = truth[0].region.as_str();
    let in_region = truth.iter().filter(|b| b.region.as_str() == region).count();
    assert_eq!(
        viewer.all_buckets(&format!("&region={region}")).await.len(),
        in_region
    );
    let part = &truth[5].name.as_str()[..6];
    let matching = truth
        .iter()
        .filter(|b| b.name.as_str().contains(part))
        .count();
    assert_eq!(
        viewer.all_buckets(&format!("&q={part}")).await.len(),
        matching
    );
}

#[tokio::test]
async fn a_bucket_comes_with_its_history() {
    let app = TestApp::start(30).await;
    let viewer = app.api(Role::Viewer).await;
    app.scan_through_api().await;
    let target = app
        .sandbox
        .buckets()
        .into_iter()
        .find(readable_unencrypted)
        .unwrap();
    let detail = viewer
        .get(&format!("/api/v1/buckets/{}", target.name))
        .await;
    assert_eq!(detail.status, 200);
    assert_eq!(detail.json["status"], "unencrypted");
    assert_eq!(detail.json["history"].as_array().unwrap().len(), 1);
    assert!(detail.json["request_id"].is_string());
    is_error(
        &viewer.get("/api/v1/buckets/not-in-the-inventory").await,
        404,
        "not_found",
    );
    is_error(
        &viewer.get("/api/v1/buckets/Bad_Name").await,
        400,
        "invalid_input",
    );
}

#[tokio::test]
async fn put_and_delete_change_oss_re_read_it_and_log_who_did_it() {
    let app = TestApp::start(40).await;
    let viewer = app.api(Role::Viewer).await;
    let operator = app.api(Role::Operator).await;
    app.scan_through_api().await;
    let target = app
        .sandbox
        .buckets()
        .into_iter()
        .find(readable_unencrypted)
        .unwrap();
    let path = format!("/api/v1/buckets/{}/encryption", target.name);
    let body = json!({"sse_algorithm": "KMS", "kms_master_key_id": "alias/prod", "kms_data_encryption": "SM4"});
    let put = operator.call("PUT", &path, Some(body)).await;
    assert_eq!(put.status, 200, "{}", put.json);
    assert_eq!(put.json["status"], "encrypted");
    assert_eq!(put.json["sse_algorithm"], "KMS");
    assert_eq!(put.json["kms_master_key_id"], "alias/prod");
    assert_eq!(put.json["kms_data_encryption"], "SM4");
    assert_eq!(put.json["compliant"], true);
    let held = app
        .sandbox
        .bucket(target.name.as_str())
        .unwrap()
        .encryption
        .unwrap();
    assert_eq!(held.kms_key_id().map(|k| k.as_str()), Some("alias/prod"));

    let delete = operator.call("DELETE", &path, None).await;
    assert_eq!(delete.status, 200, "{}", delete.json);
    assert_eq!(delete.json["status"], "unencrypted");
    assert_eq!(
        app.sandbox.bucket(target.name.as_str()).unwrap().encryption,
        None
    );

    let log = viewer
        .get(&format!("/api/v1/audit-log?bucket={}", target.name))
        .await;
    let entries = log.json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["action"], "delete-encryption");
    assert_eq!(entries[1]["action"], "put-encryption");
    for entry in entries {
        assert_eq!(entry["actor"], "token:operator-token");
        assert_eq!(entry["outcome"], "ok");
        assert!(entry["request_id"].is_string());
    }
    assert_eq!(entries[1]["before"]["status"], "unencrypted");
    assert_eq!(entries[1]["after"]["sse_algorithm"], "KMS");
    let detail = viewer
        .get(&format!("/api/v1/buckets/{}", target.name))
        .await;
    assert_eq!(
        detail.json["history"].as_array().unwrap().len(),
        3,
        "unencrypted -> KMS -> unencrypted"
    );
}

#[tokio::test]
async fn an_oss_refusal_is_a_502_with_code_and_request_id_and_is_logged() {
    let app = TestApp::start(60).await;
    let viewer = app.api(Role::Viewer).await;
    let operator = app.api(Role::Operator).await;
    app.scan_through_api().await;
    let denied = app
        .sandbox
        .buckets()
        .into_iter()
        .find(|b| b.access_denied)
        .unwrap();
    let detail = viewer
        .get(&format!("/api/v1/buckets/{}", denied.name))
        .await;
    assert_eq!(detail.json["status"], "unknown");
    let path = format!("/api/v1/buckets/{}/encryption", denied.name);
    let put = operator
        .call("PUT", &path, Some(json!({"sse_algorithm": "AES256"})))
        .await;
    is_error(&put, 502, "AccessDenied");
    assert!(put.json["error"]["request_id"].is_string());
    let log = viewer
        .get(&format!("/api/v1/audit-log?bucket={}", denied.name))
        .await;
    assert_eq!(log.json["entries"][0]["outcome"], "AccessDenied");
    assert_eq!(log.json["entries"][0]["after"], Value::Null);
}

#[tokio::test]
async fn invalid_requests_are_400s_that_change_nothing() {
    let app = TestApp::start(20).await;
    let viewer = app.api(Role::Viewer).await;
    let operator = app.api(Role::Operator).await;
    app.scan_through_api().await;
    let target = app
        .sandbox
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied)
        .unwrap();
    let path = format!("/api/v1/buckets/{}/encryption", target.name);
    let before = app.sandbox.requests_served();
    let bodies = [
        json!({"sse_algorithm": "DES"}),
        json!({"sse_algorithm": "AES256", "kms_master_key_id": "alias/x"}),
        json!({"sse_algorithm": "SM4", "kms_data_encryption": "SM4"}),
        json!({"sse_algorithm": "KMS", "kms_data_encryption": "AES256"}),
        json!({"sse_algorithm": "KMS", "kms_master_key_id": "bad key id"}),
        json!({"algorithm": "AES256"}),
        json!(["AES256"]),
    ];
    for body in bodies {
        is_error(
            &operator.call("PUT", &path, Some(body)).await,
            400,
            "invalid_input",
        );
    }
    let raw = |body: String| {
        operator
            .request("PUT", &path)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for body in [
        "{\"sse_algorithm\": ".to_owned(),
        format!("{{\"sse_algorithm\": \"{}\"}}", "A".repeat(70 * 1024)),
    ] {
        let response = raw(body).await.unwrap();
        assert_eq!(response.status(), 400);
        let json: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(json["error"]["code"], "invalid_input");
    }
    is_error(
        &viewer.get("/api/v1/buckets?status=bogus").await,
        400,
        "invalid_input",
    );
    is_error(
        &viewer.get("/api/v1/buckets?limit=0").await,
        400,
        "invalid_input",
    );
    is_error(
        &operator
            .call(
                "PUT",
                "/api/v1/buckets/Bad_Name/encryption",
                Some(json!({"sse_algorithm": "AES256"})),
            )
            .await,
        400,
        "invalid_input",
    );
    is_error(
        &operator
            .call(
                "PUT",
                "/api/v1/buckets/not-in-the-inventory/encryption",
                Some(json!({"sse_algorithm": "AES256"})),
            )
            .await,
        404,
        "not_found",
    );
    assert_eq!(
        app.sandbox.requests_served(),
        before,
        "OSS was never called"
    );
    is_error(&viewer.get("/api/v1/no-such-route").await, 404, "not_found");
}

#[tokio::test]
async fn tokens_and_roles_are_enforced() {
    let app = TestApp::start(10).await;
    let viewer = app.api(Role::Viewer).await;
    let operator = app.api(Role::Operator).await;
    app.scan_through_api().await;
    is_error(
        &app.anonymous().call("GET", "/api/v1/buckets", None).await,
        401,
        "unauthorized",
    );
    is_error(
        &Api::new(&app.base, Some("oa_not-a-real-token".to_owned()))
            .call("GET", "/api/v1/buckets", None)
            .await,
        401,
        "unauthorized",
    );
    let bucket = app.sandbox.buckets()[0].name.to_string();
    let put = viewer
        .call(
            "PUT",
            &format!("/api/v1/buckets/{bucket}/encryption"),
            Some(json!({"sse_algorithm": "AES256"})),
        )
        .await;
    is_error(&put, 403, "forbidden");
    is_error(
        &viewer.call("POST", "/api/v1/scans", None).await,
        403,
        "forbidden",
    );
    is_error(
        &operator.call("PUT", "/api/v1/policy", Some(json!({"requirement": "any", "remediation_target": {"sse_algorithm": "AES256"}})),
        )
        .await,
        403,
        "forbidden",
    );
}

/// Every API route, with the least role it needs, for the role x route matrix. Its account
/// dimension (a role on one account, another elsewhere) is in `access::grants`.
const ROUTES: &[(&str, &str, Option<&str>)] = &[
    ("GET", "/api/v1/buckets", None),
    ("GET", "/api/v1/buckets/no-such-bucket", None),
    (
        "PUT",
        "/api/v1/buckets/no-such-bucket/encryption",
        Some(r#"{"sse_algorithm":"AES256"}"#),
    ),
    ("DELETE", "/api/v1/buckets/no-such-bucket/encryption", None),
    ("GET", "/api/v1/scans", None),
    ("GET", "/api/v1/scans/999999", None),
    (
        "POST",
        "/api/v1/remediations",
        Some(r#"{"buckets":["no-such-bucket"]}"#),
    ),
    ("GET", "/api/v1/audit-log", None),
    ("GET", "/api/v1/policy", None),
    (
        "PUT",
        "/api/v1/policy",
        Some(r#"{"requirement":"bogus","remediation_target":{"sse_algorithm":"AES256"}}"#),
    ),
    ("GET", "/metrics", None),
];

fn least_role(method: &str, path: &str) -> usize {
    match (method, path) {
        ("PUT", "/api/v1/policy") => 2,
        ("GET", _) => 0,
        _ => 1,
    }
}

#[tokio::test]
async fn every_route_refuses_anonymous_callers_and_roles_below_its_own() {
    let app = TestApp::start(5).await;
    let viewer = app.api(Role::Viewer).await;
    let operator = app.api(Role::Operator).await;
    let admin = app.api(Role::Admin).await;
    app.scan_through_api().await;
    let tokens = [&viewer, &operator, &admin];
    for (method, path, body) in ROUTES {
        let body: Option<Value> = body.map(|b| serde_json::from_str(b).unwrap());
        let anonymous = app.anonymous().call(method, path, body.clone()).await;
        assert_eq!(anonymous.status, 401, "{method} {path} anonymous");
        for (rank, token) in tokens.iter().enumerate() {
            let reply = token.call(method, path, body.clone()).await;
            if rank < least_role(method, path) {
                assert_eq!(reply.status, 403, "{method} {path} as rank {rank}");
            } else {
                assert!(
                    ![401, 403].contains(&reply.status),
                    "{method} {path} as rank {rank}: {}",
                    reply.status
                );
            }
        }
    }
    // POST /api/v1/scans starts work, so it is checked last.
    assert_eq!(
        app.anonymous()
            .call("POST", "/api/v1/scans", None)
            .await
            .status,
        401
    );
    assert_eq!(viewer.call("POST", "/api/v1/scans", None).await.status, 403);
    assert_eq!(
        operator.call("POST", "/api/v1/scans", None).await.status,
        202
    );
}

#[tokio::test]
async fn a_second_scan_request_is_a_409_while_one_runs() {
    let app = TestApp::start(200).await;
    let viewer = app.api(Role::Viewer).await;
    let operator = app.api(Role::Operator).await;
    let admin = app.api(Role::Admin).await;
    app.sandbox.set_latency_ms(20);
    let first = operator.call("POST", "/api/v1/scans", None).await;
    assert_eq!(first.status, 202);
    is_error(
        &admin.call("POST", "/api/v1/scans", None).await,
        409,
        "conflict",
    );
    let id = first.json["id"].as_i64().unwrap();
    app.wait_for_scan(id).await;
    let scan = viewer.get(&format!("/api/v1/scans/{id}")).await.json;
    assert_eq!(scan["status"], "completed");
    assert_eq!(scan["buckets_total"], 200);
    assert_eq!(scan["buckets_done"], 200);
    for key in ["started_at", "finished_at", "buckets_failed", "trigger"] {
        assert!(!scan[key].is_null(), "{key}");
    }
    let list = viewer.get("/api/v1/scans").await;
    assert_eq!(list.json["scans"][0]["id"], id);
}

#[tokio::test]
async fn one_click_remediation_encrypts_readable_unencrypted_buckets_and_nothing_else() {
    let app = TestApp::start(120).await;
    let viewer = app.api(Role::Viewer).await;
    let operator = app.api(Role::Operator).await;
    app.scan_through_api().await;
    let before = app.sandbox.buckets();
    let result = operator
        .call("POST", "/api/v1/remediations", Some(json!({"force": true})))
        .await;
    assert_eq!(result.status, 200, "{}", result.json);
    let mut remediated: Vec<_> = result.json["remediated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    remediated.sort();
    let expected: Vec<_> = before
        .iter()
        .filter(|b| readable_unencrypted(b))
        .map(|b| b.name.to_string())
        .collect();
    assert_eq!(remediated, expected);
    assert_eq!(result.json["failed"], json!([]));
    for (old, new) in before.iter().zip(app.sandbox.buckets()) {
        if expected.contains(&old.name.to_string()) {
            assert_eq!(
                new.encryption,
                Some(oss_audit::domain::EncryptionRule::Aes256),
                "{}",
                old.name
            );
        } else {
            assert_eq!(
                new.encryption, old.encryption,
                "{} was not touched",
                old.name
            );
        }
    }
    assert_eq!(viewer.all_buckets("&compliant=false").await.len(), 0);
    let log = viewer.get("/api/v1/audit-log?limit=1000").await;
    let remediations = log.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "remediate")
        .count();
    assert_eq!(remediations, expected.len());

    // Naming a denied bucket explicitly tries it, and reports why it failed.
    let denied = before
        .iter()
        .find(|b| b.access_denied)
        .unwrap()
        .name
        .to_string();
    let named = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"buckets": [denied], "force": true})),
        )
        .await;
    assert_eq!(named.json["remediated"], json!([]));
    assert_eq!(named.json["failed"][0]["name"], denied);
    assert!(
        named.json["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("AccessDenied")
    );
}

#[tokio::test]
async fn the_policy_is_read_by_viewers_and_set_by_admins_only() {
    let app = TestApp::start(80).await;
    let viewer = app.api(Role::Viewer).await;
    let admin = app.api(Role::Admin).await;
    app.scan_through_api().await;
    let policy = viewer.get("/api/v1/policy").await;
    assert_eq!(policy.json["requirement"], "any");
    assert_eq!(policy.json["remediation_target"]["sse_algorithm"], "AES256");
    let invalid = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "AES256"}});
    is_error(
        &admin.call("PUT", "/api/v1/policy", Some(invalid)).await,
        400,
        "invalid_input",
    );
    let kms = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "KMS"}});
    let set = admin.call("PUT", "/api/v1/policy", Some(kms)).await;
    assert_eq!(set.status, 200, "{}", set.json);
    let compliant = viewer.all_buckets("&compliant=true").await;
    assert!(compliant.iter().all(|b| b["sse_algorithm"] == "KMS"));
    assert!(!compliant.is_empty());
    let log = viewer
        .get("/api/v1/audit-log?actor=token:admin-token")
        .await;
    assert_eq!(log.json["entries"][0]["action"], "set-policy");
}

#[tokio::test]
async fn setting_the_policy_through_the_api_logs_it_as_the_page_and_the_cli_do() {
    let app = TestApp::start(1).await;
    let admin = app.api(Role::Admin).await;
    let kms = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "KMS"}});
    let set = admin.call("PUT", "/api/v1/policy", Some(kms)).await;
    assert_eq!(set.status, 200, "{}", set.json);
    assert_policy_change_logged(&app.db, "token:admin-token").await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::start(1).await;
    let doc = app
        .anonymous()
        .call("GET", "/api/v1/openapi.json", None)
        .await;
    assert_eq!(doc.status, 200);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.json["paths"].as_object().unwrap();
    for path in [
        "/api/v1/buckets",
        "/api/v1/buckets/{name}",
        "/api/v1/buckets/{name}/encryption",
        "/api/v1/scans",
        "/api/v1/scans/{id}",
        "/api/v1/remediations",
        "/api/v1/audit-log",
        "/api/v1/policy",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
}

#[tokio::test]
async fn metrics_count_buckets_oss_requests_and_http_requests() {
    let app = TestApp::start(30).await;
    let viewer = app.api(Role::Viewer).await;
    app.scan_through_api().await;
    let response = viewer.request("GET", "/metrics").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let denied = app
        .sandbox
        .buckets()
        .iter()
        .filter(|b| b.access_denied)
        .count();
    assert!(
        text.contains(&format!(
            "oss_audit_buckets{{account=\"default\",status=\"unknown\",compliant=\"unknown\"}} {denied}"
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "oss_audit_oss_requests_total{operation=\"GetBucketEncryption\",code=\"AccessDenied\"}"
        ),
        "{text}"
    );
    assert!(text.contains("oss_audit_http_requests_total{route=\"/api/v1/scans/{id}\",method=\"GET\",status=\"200\"}"), "{text}");
    assert!(
        text.contains("oss_audit_scans{status=\"completed\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("oss_audit_account_last_scan{account=\"default\",status=\"completed\"} 1"),
        "{text}"
    );
    let health = app.anonymous().call("GET", "/healthz", None).await;
    assert_eq!(health.status, 200);
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let app = TestApp::start(1).await;
    let admin = app.api(Role::Admin).await;
    let reply = admin.call("PATCH", "/api/v1/policy", None).await;
    is_error(&reply, 405, "method_not_allowed");
}
