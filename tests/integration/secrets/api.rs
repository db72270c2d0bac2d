//! The API with a token made by the CLI: every route, a token that does not exist, and the
//! browser's cookie offered instead of a token.

use oss_audit::auth::secrets::{random_token, sha256_hex};
use serde_json::{Value, json};

use super::leaks::nowhere;
use super::{Run, oss_audit, with_session_cookie};
use crate::support::{Serving, TestDb, first_named, until};

/// Makes an admin token with `oss-audit token create`, whose standard output shows it once, on
/// the last line; returns it.
pub async fn create_token(run: &mut Run, db: &TestDb, proxy: &str) -> String {
    let created = oss_audit(
        db,
        proxy,
        &["token", "create", "--name", "leak-check", "--role", "admin"],
    )
    .output()
    .await;
    let created_out = String::from_utf8_lossy(&created.stdout).into_owned();
    let created_err = String::from_utf8_lossy(&created.stderr).into_owned();
    assert!(created.status.success(), "token create: {created_err}");
    let (announcement, token) = created_out
        .trim_end()
        .rsplit_once('\n')
        .expect("two lines: the announcement, then the token");
    let token = token.trim().to_owned();
    assert!(token.starts_with("oa_"), "a token on the last line");
    run.transcript
        .logs("token create stdout (all but the token line)", announcement);
    run.transcript.logs("token create stderr", &created_err);
    run.secret("the API token", token.clone(), nowhere);
    run.secret("the digest of the API token", sha256_hex(&token), nowhere);
    token
}

/// Calls every API route with `token`, and with a token that does not exist and the browser's
/// `session` cookie instead; returns the name of a bucket that was unencrypted.
pub async fn call_every_route(
    run: &mut Run,
    server: &Serving,
    token: &str,
    session: &str,
) -> String {
    let bogus_token = format!("oa_{}", random_token(32));
    run.secret(
        "a rejected Bearer token",
        bogus_token.chars().skip(3).collect(),
        nowhere,
    );
    let api = reqwest::Client::new();
    let call = |method: &str, path: &str, body: Option<Value>| {
        let mut request = api
            .request(method.parse().unwrap(), server.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
    };
    let scan = run
        .transcript
        .send("POST", "/api/v1/scans", call("POST", "/api/v1/scans", None))
        .await;
    assert_eq!(scan.status, 202, "{}", scan.text);
    let scan_path = format!("/api/v1/scans/{}", scan.json()["id"]);
    let finished = until("the scan finishes", async || {
        let progress = run
            .transcript
            .send("GET", &scan_path, call("GET", &scan_path, None))
            .await;
        (progress.json()["status"] != "running").then_some(progress)
    })
    .await;
    assert_eq!(finished.json()["status"], "completed", "{}", finished.text);
    let list = run
        .transcript
        .send(
            "GET",
            "/api/v1/buckets",
            call("GET", "/api/v1/buckets?limit=1000", None),
        )
        .await;
    let buckets = list.json()["buckets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(buckets.len(), 30, "{}", list.text);
    let (plain, denied) = (
        first_named(&buckets, "unencrypted"),
        first_named(&buckets, "unknown"),
    );
    let encryption = format!("/api/v1/buckets/{plain}/encryption");
    let denied_encryption = format!("/api/v1/buckets/{denied}/encryption");
    let policy = run
        .transcript
        .send("GET", "/api/v1/policy", call("GET", "/api/v1/policy", None))
        .await;
    assert_eq!(policy.status, 200);
    let calls: Vec<(&str, String, Option<Value>, u16)> = vec![
        ("GET", "/api/v1/openapi.json".into(), None, 200),
        (
            "GET",
            "/api/v1/buckets?status=unencrypted&limit=5".into(),
            None,
            200,
        ),
        ("GET", format!("/api/v1/buckets/{plain}"), None, 200),
        ("GET", format!("/api/v1/buckets/{denied}"), None, 200),
        ("GET", "/api/v1/buckets/Not_A_Name".into(), None, 400),
        (
            "PUT",
            encryption.clone(),
            Some(json!({"sse_algorithm": "KMS", "kms_master_key_id": "alias/leak-check"})),
            200,
        ),
        (
            "PUT",
            encryption.clone(),
            Some(json!({"sse_algorithm": "AES256"})),
            200,
        ),
        ("DELETE", encryption.clone(), None, 200),
        (
            "PUT",
            encryption.clone(),
            Some(json!({"sse_algorithm": "DES"})),
            400,
        ),
        (
            "PUT",
            denied_encryption.clone(),
            Some(json!({"sse_algorithm": "AES256"})),
            502,
        ),
        ("DELETE", denied_encryption, None, 502),
        ("PUT", "/api/v1/policy".into(), Some(policy.json()), 200),
        (
            "POST",
            "/api/v1/remediations".into(),
            Some(json!({"buckets": [plain, denied], "force": true})),
            200,
        ),
        (
            "POST",
            "/api/v1/remediations".into(),
            Some(json!({"force": true})),
            200,
        ),
        ("GET", "/api/v1/audit-log?limit=1000".into(), None, 200),
        (
            "GET",
            format!("/api/v1/audit-log?bucket={plain}"),
            None,
            200,
        ),
        ("GET", "/api/v1/scans".into(), None, 200),
        ("GET", "/api/v1/accounts".into(), None, 200),
        (
            "POST",
            "/api/v1/accounts".into(),
            Some(
                json!({"name": "leak-check", "role_arn": "acs:ram::1111222233334444:role/oss-audit", "external_id": "tenant-1"}),
            ),
            201,
        ),
        ("DELETE", "/api/v1/accounts/leak-check".into(), None, 200),
        ("GET", "/api/v1/accounts?removed=true".into(), None, 200),
        (
            "GET",
            "/api/v1/buckets?account=payments-prod".into(),
            None,
            200,
        ),
        ("GET", "/api/v1/scans/999999".into(), None, 404),
        ("GET", "/api/v1/no-such-route".into(), None, 404),
        ("GET", "/metrics".into(), None, 200),
        ("GET", "/healthz".into(), None, 200),
    ];
    for (method, path, body, expected) in calls {
        let answer = run
            .transcript
            .send(method, &path, call(method, &path, body))
            .await;
        assert_eq!(answer.status, expected, "{method} {path}: {}", answer.text);
    }
    // A token that does not exist, and the browser's cookie offered to the API: both refused.
    let rejected = run
        .transcript
        .send(
            "GET",
            "/api/v1/buckets",
            api.get(server.url("/api/v1/buckets"))
                .bearer_auth(&bogus_token),
        )
        .await;
    assert_eq!(rejected.status, 401);
    let cookie_only = with_session_cookie(run, server, "/api/v1/policy", session).await;
    assert_eq!(cookie_only.status, 401);

    plain
}
