//! The first rule whose scope matches decides; moving a rule judges every bucket again at once;
//! one-click remediation gives each bucket the target of the rule that decides it.

use oss_audit::domain::{EncryptionRule, KmsDataEncryption, Role};
use serde_json::json;

use super::{any_default, bucket, kms, put_rules, rule, verdicts};
use crate::support::TestApp;

#[tokio::test]
async fn the_first_rule_whose_scope_matches_decides_every_buckets_verdict() {
    let app = TestApp::start(0).await;
    let confidential = [("data-class", "confidential")];
    let sm4 = Some(EncryptionRule::Sm4);
    let aes = Some(EncryptionRule::Aes256);
    let kms_sm4 = Some(EncryptionRule::Kms {
        key_id: None,
        data_encryption: Some(KmsDataEncryption::Sm4),
    });
    for b in [
        bucket(
            "secret-data",
            "cn-hangzhou",
            aes.clone(),
            &confidential,
            None,
        ),
        bucket(
            "secret-logs",
            "cn-shanghai",
            kms(Some("alias/prod")),
            &confidential,
            None,
        ),
        bucket("web-logs", "cn-shanghai", sm4.clone(), &[], None),
        bucket("old-logs", "cn-shanghai", aes.clone(), &[], None),
        bucket("app-logs", "cn-hangzhou", aes.clone(), &[], None),
        bucket(
            "pay-ledger",
            "cn-beijing",
            kms(None),
            &[],
            Some("rg-payments"),
        ),
        bucket(
            "pay-export",
            "cn-beijing",
            aes.clone(),
            &[],
            Some("rg-payments"),
        ),
        bucket(
            "pay-archive",
            "cn-shanghai",
            kms_sm4,
            &[],
            Some("rg-payments"),
        ),
        bucket("default-acct", "cn-hangzhou", aes.clone(), &[], None),
        bucket("plain", "cn-hangzhou", None, &[], None),
    ] {
        app.sandbox.insert_bucket(b);
    }
    put_rules(
        &app,
        json!([
            rule(
                json!({"tag": "data-class=confidential"}),
                "kms-cmk",
                json!({"sse_algorithm": "KMS", "kms_master_key_id": "alias/prod"})
            ),
            rule(
                json!({"region": "cn-shanghai", "bucket": "*-logs"}),
                "sm4",
                json!({"sse_algorithm": "SM4"})
            ),
            rule(
                json!({"resource_group": "rg-payments"}),
                "kms",
                json!({"sse_algorithm": "KMS"})
            ),
            rule(
                json!({"account": "default", "bucket": "default-*"}),
                "kms",
                json!({"sse_algorithm": "KMS"})
            ),
            any_default(),
        ]),
    )
    .await;
    app.scan().await;

    // (bucket, verdict, why)
    let table = [
        (
            "secret-data",
            Some(false),
            "rule 1: tagged, AES256 is not a customer CMK",
        ),
        (
            "secret-logs",
            Some(true),
            "rule 1 before rule 2: a CMK, though not SM4",
        ),
        ("web-logs", Some(true), "rule 2: SM4 in cn-shanghai"),
        ("old-logs", Some(false), "rule 2: AES256 is not SM4"),
        (
            "app-logs",
            Some(true),
            "the default: *-logs but not in cn-shanghai",
        ),
        (
            "pay-ledger",
            Some(true),
            "rule 3: KMS in the resource group",
        ),
        ("pay-export", Some(false), "rule 3: AES256 is not KMS"),
        (
            "pay-archive",
            Some(true),
            "rule 3: KMS with SM4 data; not *-logs",
        ),
        (
            "default-acct",
            Some(false),
            "rule 4: account and name both match",
        ),
        ("plain", Some(false), "the default: no encryption at all"),
    ];
    let judged = verdicts(&app).await;
    for (name, want, why) in table {
        assert_eq!(judged[name], want, "{name}: {why}");
    }

    // The SM4 rule moved first: the tagged logs bucket is now judged by it, at once.
    let admin = app.api(Role::Admin).await;
    let mut rules = admin.get("/api/v1/policy/rules").await.json["rules"].clone();
    let list = rules.as_array_mut().unwrap();
    list.swap(0, 1);
    put_rules(&app, rules).await;
    let moved = verdicts(&app).await;
    assert_eq!(
        moved["secret-logs"],
        Some(false),
        "now rule 1 is the SM4 rule"
    );
    assert_eq!(moved["secret-data"], Some(false));
    assert_eq!(moved["web-logs"], Some(true));

    // The bucket page says which rule judged it and why.
    let viewer = app.sign_in("vera", Role::Viewer).await;
    let (status, html) = viewer.get("/buckets/secret-logs").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(
            "Rule 1 of 5, because it matches region cn-shanghai and bucket *-logs: requires sm4"
        ),
        "{html}"
    );
    let (_, html) = viewer.get("/buckets/plain").await;
    assert!(html.contains("Rule 5 of 5, because the default"), "{html}");
}

#[tokio::test]
async fn rules_that_cannot_be_used_are_refused_and_change_nothing() {
    let app = TestApp::start(0).await;
    let admin = app.api(Role::Admin).await;
    let cases = [
        json!([
            rule(
                json!({"tag": "data-class"}),
                "kms",
                json!({"sse_algorithm": "KMS"})
            ),
            any_default()
        ]),
        json!([
            rule(json!({}), "kms", json!({"sse_algorithm": "KMS"})),
            any_default()
        ]),
        json!([rule(
            json!({"bucket": "logs-*"}),
            "kms",
            json!({"sse_algorithm": "KMS"})
        )]),
        json!([
            rule(
                json!({"bucket": "logs-*"}),
                "kms",
                json!({"sse_algorithm": "AES256"})
            ),
            any_default()
        ]),
        json!([
            rule(
                json!({"bucket": "Logs_*"}),
                "kms",
                json!({"sse_algorithm": "KMS"})
            ),
            any_default()
        ]),
    ];
    for rules in cases {
        let reply = admin
            .call(
                "PUT",
                "/api/v1/policy/rules",
                Some(json!({ "rules": rules })),
            )
            .await;
        assert_eq!(reply.status, 400, "{rules}: {}", reply.json);
    }
    assert_eq!(app.count("SELECT count(*) FROM policy_rule").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM change_log WHERE action = 'set-policy-rules'")
            .await,
        0
    );
    let viewer = app.api(Role::Viewer).await;
    let refused = viewer
        .call(
            "PUT",
            "/api/v1/policy/rules",
            Some(json!({ "rules": [any_default()] })),
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn one_click_remediation_gives_each_bucket_the_target_of_the_rule_that_decides_it() {
    use oss_audit::actions::remediation::{Selection, plan, preview};

    let app = TestApp::start(0).await;
    for b in [
        bucket("pay-plain", "cn-beijing", None, &[], None),
        bucket("web-plain", "cn-hangzhou", None, &[], None),
    ] {
        app.sandbox.insert_bucket(b);
    }
    put_rules(
        &app,
        json!([
            rule(
                json!({"region": "cn-beijing"}),
                "kms",
                json!({"sse_algorithm": "KMS"})
            ),
            any_default(),
        ]),
    )
    .await;
    app.scan().await;
    let (db, hub) = (app.store(), app.account());
    let every = Selection::AllNonCompliant;
    let digest = preview(db, hub, &every, &[]).await.unwrap().digest;
    assert_eq!(digest, plan(db, hub, &every).await.unwrap().digest);
    let operator = app.api(Role::Operator).await;
    // The preview says what each bucket gets.
    let olga = app.sign_in("olga", Role::Operator).await;
    let (_, html) = olga.get("/remediate").await;
    let row = |name: &str| {
        let at = html
            .find(&format!(">{name}</a>"))
            .unwrap_or_else(|| panic!("{html}"));
        html[at..at + html[at..].find("</tr>").unwrap()].to_owned()
    };
    assert!(row("pay-plain").contains("→ KMS"), "{}", row("pay-plain"));
    assert!(
        row("web-plain").contains("→ AES256"),
        "{}",
        row("web-plain")
    );
    assert!(html.contains("Will be encrypted (2)"), "{html}");
    assert!(
        html.contains("Encrypt 2 buckets, each with its rule&#x27;s target")
            || html.contains("Encrypt 2 buckets, each with its rule's target"),
        "{html}"
    );

    let dry = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"dry_run": true})),
        )
        .await;
    assert_eq!(dry.json["plan_digest"], digest.as_str());
    assert_eq!(
        dry.json["target"],
        "the remediation target of each bucket's rule"
    );
    let run = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"plan_digest": digest})),
        )
        .await;

    assert_eq!(run.status, 200, "{}", run.json);
    assert_eq!(run.json["remediated"], json!(["pay-plain", "web-plain"]));
    let truth = app.truth();
    assert_eq!(truth["pay-plain"].encryption, kms(None));
    assert_eq!(truth["web-plain"].encryption, Some(EncryptionRule::Aes256));
}
