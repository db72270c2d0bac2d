//! What a report holds, checked against what the sandbox (OSS) holds after scans, drift, a change
//! and a remediation; and the CSV and HTML renderings against the JSON.

use std::collections::BTreeMap;

use oss_audit::sandbox::SandboxBucket;
use serde_json::{Value, json};

use oss_audit::domain::Role;

use super::{create_report, download, sha256_hex};
use crate::support::{TestApp, read_csv, readable_encrypted, readable_unencrypted};

/// Checks every bucket of `report` against the sandbox, and the totals against the buckets.
fn assert_matches_the_sandbox(report: &Value, truth: &BTreeMap<String, SandboxBucket>) {
    let buckets = report["buckets"].as_array().expect("buckets");
    let names: Vec<&str> = buckets
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = truth.keys().map(String::as_str).collect();
    assert_eq!(names, expected, "one entry per bucket, by name");
    let (mut compliant, mut noncompliant, mut unknown, mut encrypted) = (0, 0, 0, 0);
    for b in buckets {
        let name = b["name"].as_str().unwrap();
        let oss = &truth[name];
        assert_eq!(b["region"], oss.region.as_str(), "{name}");
        assert_eq!(b["exemption"], Value::Null, "reserved: {name}");
        assert!(b["state_since"].is_string(), "{name}");
        match (&oss.encryption, oss.access_denied) {
            (_, true) => {
                assert_eq!(b["status"], "unknown", "{name}");
                assert_eq!(
                    b["compliant"],
                    Value::Null,
                    "unknown is never judged: {name}"
                );
                assert!(b["error_code"].is_string(), "{name}");
                unknown += 1;
            }
            (None, false) => {
                assert_eq!(b["status"], "unencrypted", "{name}");
                assert_eq!(b["sse_algorithm"], Value::Null, "{name}");
                assert_eq!(b["compliant"], false, "{name}");
                noncompliant += 1;
            }
            (Some(rule), false) => {
                assert_eq!(b["status"], "encrypted", "{name}");
                assert_eq!(b["sse_algorithm"], rule.algorithm().as_str(), "{name}");
                assert_eq!(
                    b["kms_master_key_id"].as_str(),
                    rule.kms_key_id().map(|k| k.as_str()),
                    "{name}"
                );
                assert_eq!(
                    b["kms_data_encryption"].as_str(),
                    rule.kms_data_encryption().map(|d| d.as_str()),
                    "{name}"
                );
                assert_eq!(
                    b["compliant"], true,
                    "the default policy: any rule ({name})"
                );
                compliant += 1;
                encrypted += 1;
            }
        }
    }
    let totals = &report["totals"];
    assert_eq!(totals["buckets"], truth.len());
    assert_eq!(totals["compliant"], compliant);
    assert_eq!(totals["noncompliant"], noncompliant);
    assert_eq!(totals["unknown"], unknown);
    assert_eq!(totals["encrypted"], encrypted);
    assert_eq!(totals["unencrypted"], noncompliant);
}

fn names(
    truth: &BTreeMap<String, SandboxBucket>,
    keep: impl Fn(&SandboxBucket) -> bool,
) -> Vec<String> {
    truth
        .values()
        .filter(|b| keep(b))
        .map(|b| b.name.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn reports_hold_what_oss_holds_after_scans_drift_changes_and_remediation() {
    let app = TestApp::scanned(40).await;
    let operator = app.api(Role::Operator).await;
    let before = app.truth();
    assert!(
        before.values().any(|b| b.access_denied),
        "the seed has denied buckets"
    );

    // The first report: the state of the first scan, every bucket first seen, no action yet.
    let first = create_report(&app).await;
    let one = download(&app, "1", "json").await;
    let one = one.json;
    assert_matches_the_sandbox(&one, &before);
    assert_eq!(one["schema_version"], 2);
    assert_eq!(one["report_id"], 1);
    assert_eq!(one["account"], "default");
    assert_eq!(one["trigger"], "api");
    assert_eq!(one["created_by"], "token:operator-token");
    assert_eq!(one["previous_digest"], Value::Null);
    assert_eq!(one["period"]["from"], Value::Null);
    assert_eq!(one["policy"]["requirement"], "any");
    assert_eq!(
        one["policy"]["remediation_target"]["sse_algorithm"],
        "AES256"
    );
    let scans: Vec<i64> = one["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(scans, [1]);
    let seen = one["changes"]["encryption"].as_array().unwrap();
    assert_eq!(seen.len(), 40, "every bucket's first state");
    assert!(
        seen.iter()
            .all(|c| c["before"].is_null() && c["seen_by"] == "scan" && c["scan_id"] == 1)
    );
    assert_eq!(one["changes"]["actions"], json!([]));
    assert_eq!(first["digest"], one_digest(&app, "1").await);

    // Drift outside oss-audit, seen by a scan; a change and a remediation through oss-audit.
    let readable_encrypted = names(&before, readable_encrypted);
    let (drifted, changed) = (&readable_encrypted[0], &readable_encrypted[1]);
    assert!(app.sandbox.set_encryption(drifted, None));
    let second_scan = app.scan().await;
    let path = format!("/api/v1/buckets/{changed}/encryption");
    let body = json!({"sse_algorithm": "KMS", "kms_master_key_id": "alias/audit"});
    let put = operator.call("PUT", &path, Some(body)).await;
    assert_eq!(put.status, 200, "{}", put.text());
    let remediation = operator
        .call("POST", "/api/v1/remediations", Some(json!({"force": true})))
        .await;
    assert_eq!(remediation.status, 200, "{}", remediation.text());
    let remediated: Vec<String> = remediation.json["remediated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    assert!(
        remediated.contains(drifted),
        "the drifted bucket is fixed too: {remediated:?}"
    );

    create_report(&app).await;
    let two = download(&app, "latest", "json").await.json;
    let after = app.truth();
    assert_matches_the_sandbox(&two, &after);
    assert!(
        names(&after, readable_unencrypted).is_empty(),
        "remediation left no readable bucket unencrypted"
    );
    assert_eq!(two["report_id"], 2);
    assert_eq!(two["previous_report_id"], 1);
    assert_eq!(two["previous_digest"], first["digest"]);
    assert_eq!(two["period"]["from"], one["created_at"]);
    let scans: Vec<i64> = two["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        scans,
        [second_scan],
        "only the scans since the previous report"
    );

    let seen = two["changes"]["encryption"].as_array().unwrap();
    let of =
        |bucket: &str| -> Vec<&Value> { seen.iter().filter(|c| c["bucket"] == bucket).collect() };
    let drift = of(drifted);
    assert_eq!(drift[0]["seen_by"], "scan");
    assert_eq!(drift[0]["scan_id"], second_scan);
    assert_eq!(drift[0]["before"]["status"], "encrypted");
    assert_eq!(drift[0]["after"]["status"], "unencrypted");
    assert_eq!(
        drift[1]["seen_by"], "change",
        "the re-read after the remediation"
    );
    assert_eq!(drift[1]["after"]["sse_algorithm"], "AES256");
    let change = of(changed);
    assert_eq!(change.len(), 1);
    assert_eq!(change[0]["seen_by"], "change");
    assert_eq!(change[0]["after"]["sse_algorithm"], "KMS");
    assert_eq!(change[0]["after"]["kms_master_key_id"], "alias/audit");
    assert!(
        seen.iter().all(|c| !c["before"].is_null()),
        "nothing is first seen in report 2"
    );
    assert_eq!(
        seen.len(),
        1 + 1 + remediated.len(),
        "the drift, the change and each remediation"
    );

    let actions = two["changes"]["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1 + remediated.len());
    assert_eq!(actions[0]["action"], "put-encryption");
    assert_eq!(actions[0]["bucket"], changed.as_str());
    assert_eq!(actions[0]["actor"], "token:operator-token");
    assert_eq!(actions[0]["outcome"], "ok");
    assert_eq!(actions[0]["after"]["kms_master_key_id"], "alias/audit");
    assert!(
        actions[1..]
            .iter()
            .all(|a| a["action"] == "remediate" && a["outcome"] == "ok")
    );

    let bucket = |name: &str| {
        two["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(bucket(changed)["last_change"]["action"], "put-encryption");
    assert_eq!(
        bucket(changed)["last_change"]["actor"],
        "token:operator-token"
    );
    assert_eq!(bucket(drifted)["last_change"]["action"], "remediate");
    let untouched = names(&after, |b| b.access_denied).pop().unwrap();
    assert_eq!(bucket(&untouched)["last_change"], Value::Null);

    // A report right after has an empty window, and says which scan its states come from.
    create_report(&app).await;
    let three = download(&app, "3", "json").await.json;
    assert_eq!(three["scans"].as_array().unwrap().len(), 1);
    assert_eq!(three["scans"][0]["id"], second_scan);
    assert_eq!(three["changes"], json!({"encryption": [], "actions": []}));
    assert_eq!(three["buckets"], two["buckets"]);
}

async fn one_digest(app: &TestApp, id: &str) -> String {
    let json = download(app, id, "json").await;
    let digest = json.header("x-report-digest");
    assert_eq!(
        sha256_hex(&json.body),
        digest,
        "the digest is the SHA-256 of the JSON bytes"
    );
    digest
}

#[tokio::test]
async fn the_csv_has_one_row_per_bucket_matching_the_json_and_the_html_shows_it_all() {
    let app = TestApp::scanned(30).await;
    let names = app.truth();
    let quirky_bucket = names.values().find(|b| !b.access_denied).unwrap();
    let quirky = quirky_bucket.name.as_str().to_owned();
    // Changes are refused unless KMS has the key Enabled: the hub gets one by that id.
    let mut key = app
        .sandbox
        .create_kms_key(&app.sandbox.hub().uid, &quirky_bucket.region);
    key.key_id = oss_audit::domain::KmsKeyId::parse("-2-3.cmd").unwrap();
    key.arn = oss_audit::domain::KmsKeyArn::new(
        &quirky_bucket.region,
        &app.sandbox.hub().uid,
        &key.key_id,
    );
    app.sandbox.insert_kms_key(key);
    // A key id a spreadsheet would read as a formula, set by a token whose name is markup.
    let marked_up = app.api_token("<b>\"ops\"&</b>", Role::Operator).await;
    let path = format!("/api/v1/buckets/{quirky}/encryption");
    let body = json!({"sse_algorithm": "KMS", "kms_master_key_id": "-2-3.cmd"});
    let put = marked_up.call("PUT", &path, Some(body)).await;
    assert_eq!(put.status, 200, "{}", put.text());
    let created = create_report(&app).await;
    let json = download(&app, "1", "json").await;
    let csv = download(&app, "1", "csv").await;
    let html = download(&app, "1", "html").await;
    let report = json.json.clone();

    for download in [&json, &csv, &html] {
        assert_eq!(download.header("x-report-digest"), created["digest"]);
    }
    let (header, rows) = read_csv(csv.body.as_slice());
    assert_eq!(
        header,
        [
            "account",
            "name",
            "region",
            "status",
            "sse_algorithm",
            "kms_master_key_id",
            "kms_data_encryption",
            "compliant",
            "error_code",
            "exemption",
            "state_since",
            "last_change_at",
            "last_change_actor",
            "last_change_action",
            "last_change_request_id"
        ]
    );
    let buckets = report["buckets"].as_array().unwrap();
    assert_eq!(rows.len(), buckets.len());
    assert_eq!(rows.len(), 30);
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (row, b) in rows.iter().zip(buckets) {
        let cell = |name: &str| {
            row.get(header.iter().position(|h| h == name).unwrap())
                .unwrap()
                .to_owned()
        };
        assert_eq!(cell("name"), text(&b["name"]));
        assert_eq!(cell("region"), text(&b["region"]));
        assert_eq!(cell("status"), text(&b["status"]));
        assert_eq!(cell("sse_algorithm"), text(&b["sse_algorithm"]));
        assert_eq!(cell("kms_data_encryption"), text(&b["kms_data_encryption"]));
        assert_eq!(cell("compliant"), text(&b["compliant"]));
        assert_eq!(cell("error_code"), text(&b["error_code"]));
        assert_eq!(cell("exemption"), "");
        assert_eq!(cell("state_since"), text(&b["state_since"]));
        assert_eq!(cell("last_change_actor"), text(&b["last_change"]["actor"]));
        if b["name"] == quirky.as_str() {
            assert_eq!(
                cell("kms_master_key_id"),
                "'-2-3.cmd",
                "formulas are defused"
            );
            assert_eq!(cell("last_change_action"), "put-encryption");
        } else {
            assert_eq!(cell("kms_master_key_id"), text(&b["kms_master_key_id"]));
        }
    }

    let page = html.text();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(!page.contains("<script"), "no script");
    assert!(
        !page.contains("src=") && !page.contains("<link"),
        "no external asset"
    );
    assert!(page.contains(created["digest"].as_str().unwrap()));
    assert!(page.contains("none: this is the first report of the chain"));
    for b in buckets {
        assert!(page.contains(&format!("<td>{}</td>", b["name"].as_str().unwrap())));
    }
    assert!(
        page.contains("put-encryption by token:&lt;b&gt;&quot;ops&quot;&amp;&lt;/b&gt;"),
        "escaped"
    );
    assert!(!page.contains("<b>\"ops"), "never raw markup");

    // Rendering is deterministic: the same report gives the same bytes again.
    assert_eq!(download(&app, "1", "csv").await.body, csv.body);
    assert_eq!(download(&app, "1", "html").await.body, html.body);
}
