//! Exemptions end to end, through the running application, its API, its pages, its timer and its
//! delivery worker, over the sandbox: four eyes, what `exempt` changes (lists, the compliance
//! rate, remediation, reports) and what expiry brings back.

mod cli;
mod expiry;
mod life_cycle;
mod pages;
mod surfaces;

use std::sync::Arc;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use oss_audit::domain::{BucketName, EncryptionRule, ManualClock, Region, Role};
use oss_audit::sandbox::SandboxBucket;
use serde_json::{Value, json};

use crate::support::{Api, Receiver, TestApp, manual_clock};

/// The buckets every test starts from: three `cdn-*` (two unencrypted, one encrypted), a vendor
/// bucket without encryption and an encrypted one.
pub const CDN_UNENCRYPTED: [&str; 2] = ["cdn-images", "cdn-videos"];

/// A sandbox bucket in `region` holding `encryption`.
fn bucket(name: &str, region: &str, encryption: Option<EncryptionRule>) -> SandboxBucket {
    let mut bucket = SandboxBucket::new(
        BucketName::parse(name).unwrap(),
        Region::parse(region).unwrap(),
    );
    bucket.encryption = encryption;
    bucket
}

/// The application on a clock the test moves, over the five buckets, scanned once.
pub async fn start() -> (TestApp, Arc<ManualClock>) {
    let clock = manual_clock();
    let app = TestApp::launch()
        .clock(clock.clone())
        .public_url("https://audit.example.com/")
        .fast_notifications()
        .start()
        .await;
    for b in [
        bucket("cdn-images", "cn-hangzhou", None),
        bucket("cdn-videos", "cn-shanghai", None),
        bucket("cdn-assets", "cn-hangzhou", Some(EncryptionRule::Aes256)),
        bucket("vendor-drop", "cn-hangzhou", None),
        bucket("payments-data", "cn-hangzhou", Some(EncryptionRule::Aes256)),
    ] {
        app.sandbox.insert_bucket(b);
    }
    app.scan().await;
    (app, clock)
}

/// RFC 3339, as the API takes times.
pub fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `who` requests an exemption of `buckets` expiring `days` days after the clock's now.
pub async fn request(who: &Api, clock: &ManualClock, buckets: &str, days: i64) -> Value {
    use oss_audit::domain::Clock;
    let reply = who
        .call(
            "POST",
            "/api/v1/exemptions",
            Some(json!({
                "buckets": buckets,
                "reason": "public static site: visitors cannot read KMS-encrypted objects",
                "expires_at": at(clock.now() + Duration::days(days)),
            })),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    reply.json
}

/// `who` takes `step` (`approve` or `revoke`) on exemption `id`: the status and the answer.
pub async fn step(who: &Api, id: i64, step: &str) -> (u16, Value) {
    let reply = who
        .call("POST", &format!("/api/v1/exemptions/{id}/{step}"), None)
        .await;
    (reply.status, reply.json)
}

/// The names of the buckets `GET /api/v1/buckets?compliant=WHICH` lists, sorted.
pub async fn names(who: &Api, compliant: &str) -> Vec<String> {
    let mut names: Vec<String> = who
        .all_buckets(&format!("&compliant={compliant}"))
        .await
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The audit-log actions recorded, oldest first, with their actor.
pub async fn logged(app: &TestApp) -> Vec<(String, String)> {
    let reply = app
        .api(Role::Viewer)
        .await
        .get("/api/v1/audit-log?limit=1000")
        .await;
    let mut entries: Vec<(String, String)> = reply.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().ends_with("-exemption"))
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    entries.reverse();
    entries
}

/// A webhook target on a real receiver.
pub async fn receiver(app: &TestApp) -> Receiver {
    let hooks = Receiver::start().await;
    app.add_target(
        "webhook",
        "security-team",
        &hooks.url("/hooks"),
        "exempt-secret",
    )
    .await;
    hooks
}
