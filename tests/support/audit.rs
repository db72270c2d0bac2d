//! What the audit log says about a change, read from the database of a test.

use serde_json::{Value, json};

use super::db::TestDb;

/// Asserts that `db` logged exactly one policy change, the one the policy tests make (the default
/// policy `any` with target AES256, to `kms` with target KMS and the OSS-managed key), by
/// `actor`, with the policy before and after in the shape of `GET /api/v1/policy`, written
/// together with the policy itself (the same time and actor).
pub async fn assert_policy_change_logged(db: &TestDb, actor: &str) {
    /// Actor, outcome, bucket, before, after, and whether it was written with the policy.
    type Entry = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    );
    let rows: Vec<Entry> = sqlx::query_as(
        "SELECT c.actor, c.outcome, c.bucket, c.before, c.after,
                c.at = p.updated_at AND c.actor = p.updated_by
         FROM change_log c LEFT JOIN policy p ON p.account_id = c.account_id
         WHERE c.action = 'set-policy'",
    )
    .fetch_all(db.pool().await)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "one set-policy entry: {rows:?}");
    let (logged_actor, outcome, bucket, before, after, with_the_policy) = rows[0].clone();
    assert_eq!((logged_actor.as_str(), outcome.as_str()), (actor, "ok"));
    assert_eq!(bucket, None);
    let parsed = |text: Option<String>| -> Value {
        serde_json::from_str(&text.expect("before and after are logged")).unwrap()
    };
    let policy = |requirement: &str, algorithm: &str| {
        json!({
            "requirement": requirement,
            "allowed_kms_keys": [],
            "remediation_target": {
                "sse_algorithm": algorithm,
                "kms_master_key_id": null,
                "kms_data_encryption": null,
            },
        })
    };
    assert_eq!(parsed(before), policy("any", "AES256"));
    assert_eq!(parsed(after), policy("kms", "KMS"));
    assert!(
        with_the_policy,
        "the entry is written with the policy: the same time and actor"
    );
}
