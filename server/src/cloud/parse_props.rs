//! Property tests of the RPC answer parsers (AssumeRole, ListAccounts, DescribeKey, error bodies):
//! arbitrary bytes, cut-off and mutated valid answers never panic them, and whatever they accept
//! is whole.

use proptest::prelude::*;

use super::directory::parse_accounts_page;
use super::kms::parse_describe_key;
use super::rpc::{Reply, RpcError, service_error};
use super::sts::parse_assume_role;
use crate::domain::Region;

const ASSUME_ROLE: &str = r#"{"RequestId":"6894B13B-6D71-4EF5-88FA-F32781734A7F","AssumedRoleUser":{"Arn":"acs:ram::1763082937549132:role/oss-audit/oss-audit","AssumedRoleId":"344584339364951186:oss-audit"},"Credentials":{"AccessKeyId":"STS.NUgYrLnoC37mZZCNnAbez2ddd","AccessKeySecret":"TemporarySecret000000000","SecurityToken":"CAIStoken","Expiration":"2031-04-09T11:52:19Z"}}"#;
const LIST_ACCOUNTS: &str = r#"{"RequestId":"R","TotalCount":2,"PageNumber":1,"PageSize":100,"Accounts":{"Account":[{"AccountId":"1763082937541213","DisplayName":"Hub","Type":"CloudAccount","Status":"CreateSuccess","FolderId":"fd-1","ResourceDirectoryId":"rd-1","JoinMethod":"invited","JoinTime":"2021-01-01T00:00:00Z"},{"AccountId":"1763082937549132","DisplayName":"Payments Prod","Type":"ResourceAccount","Status":"PromoteVerifying"}]}}"#;
const DESCRIBE_KEY: &str = r#"{"KeyMetadata":{"CreationDate":"2021-05-20T06:34:21Z","KeyId":"05754286-3ba2-4fa6-8d41-4323aca6f2a1","KeySpec":"Aliyun_AES_256","KeyState":"PendingDeletion","KeyUsage":"ENCRYPT/DECRYPT","DeleteDate":"2026-12-20T00:00:00Z","Arn":"acs:kms:cn-hangzhou:1540355698848459:key/05754286-3ba2-4fa6-8d41-4323aca6f2a1","Origin":"EXTERNAL","MaterialExpireTime":"2027-01-01T00:00:00Z","ProtectionLevel":"SOFTWARE","LastRotationDate":"2021-05-20T06:34:21Z","AutomaticRotation":"Enabled","RotationInterval":"31536000s","NextRotationDate":"2026-05-20T06:34:21Z","DeletionProtection":"Disabled"},"RequestId":"f1fdfa9d-bd49-418b-942f-8f3e3ec00a4f"}"#;
const ERROR_BODY: &str = r#"{"RequestId":"R-1","HostId":"kms.cn-hangzhou.aliyuncs.com","Code":"Forbidden.NoPermission","Message":"This operation is forbidden by permission system.","Recommend":"https://api.aliyun.com/troubleshoot?q=Forbidden.NoPermission"}"#;

/// Fields every answer must hold; dropping any one of them must spoil the whole answer.
const REQUIRED: [(&str, &[&str]); 3] = [
    (
        ASSUME_ROLE,
        &[
            "RequestId",
            "AssumedRoleUser",
            "Credentials",
            "Arn",
            "AssumedRoleId",
            "AccessKeyId",
            "AccessKeySecret",
            "SecurityToken",
            "Expiration",
        ],
    ),
    (
        LIST_ACCOUNTS,
        &[
            "RequestId",
            "TotalCount",
            "Accounts",
            "AccountId",
            "DisplayName",
            "Status",
        ],
    ),
    (
        DESCRIBE_KEY,
        &[
            "RequestId",
            "KeyMetadata",
            "KeyId",
            "Arn",
            "KeyState",
            "KeySpec",
            "KeyUsage",
            "Origin",
            "ProtectionLevel",
            "CreationDate",
        ],
    ),
];

fn reply(body: &[u8]) -> Reply {
    Reply {
        status: 200,
        body: bytes::Bytes::copy_from_slice(body),
        request_id: None,
    }
}

fn hangzhou() -> Region {
    Region::parse("cn-hangzhou").unwrap_or_else(|_| unreachable!())
}

/// Runs every parser on `body`; each either refuses it or gives a whole, consistent value.
fn check_all(body: &[u8]) -> [bool; 3] {
    let assumed = parse_assume_role(&reply(body));
    if let Ok(role) = &assumed {
        let c = &role.credentials;
        assert!(!c.access_key_id.is_empty() && !c.access_key_secret.expose().is_empty());
        assert!(
            c.security_token
                .as_ref()
                .is_some_and(|t| !t.expose().is_empty())
        );
    }
    let page = parse_accounts_page(&reply(body));
    if let Ok(page) = &page {
        assert!(page.accounts.iter().all(|a| !a.uid.as_str().is_empty()));
    }
    let key = parse_describe_key(&hangzhou(), &reply(body));
    if let Ok(key) = &key {
        let m = &key.metadata;
        assert_eq!(m.arn.key_id(), &m.key_id);
        assert_eq!(m.arn.region(), &hangzhou());
        assert!(!m.key_spec.trim().is_empty() && !m.key_usage.trim().is_empty());
    }
    for status in [400, 403, 404, 503] {
        match service_error("Kms", "DescribeKey", status, body, Some("H".into())) {
            Ok(err) => assert!(!err.code.is_empty() && err.request_id.is_some()),
            Err(err) => assert!(matches!(err, RpcError::Malformed { .. })),
        }
    }
    [assumed.is_ok(), page.is_ok(), key.is_ok()]
}

/// `body` without its first member called `name`, searched depth first.
fn without_member(body: &str, name: &str) -> String {
    fn remove(value: &mut serde_json::Value, name: &str) -> bool {
        match value {
            serde_json::Value::Object(map) => {
                map.remove(name).is_some() || map.values_mut().any(|v| remove(v, name))
            }
            serde_json::Value::Array(items) => items.iter_mut().any(|v| remove(v, name)),
            _ => false,
        }
    }
    let mut value: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("a JSON sample: {e}"));
    assert!(remove(&mut value, name), "{name} in the sample");
    value.to_string()
}

#[test]
fn the_samples_parse_and_dropping_any_required_field_spoils_them() {
    assert_eq!(check_all(ASSUME_ROLE.as_bytes()), [true, false, false]);
    assert_eq!(check_all(LIST_ACCOUNTS.as_bytes()), [false, true, false]);
    assert_eq!(check_all(DESCRIBE_KEY.as_bytes()), [false, false, true]);
    for (index, (sample, fields)) in REQUIRED.iter().enumerate() {
        for field in *fields {
            let body = without_member(sample, field);
            assert!(
                !check_all(body.as_bytes())[index],
                "accepted without {field}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_a_parser(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_all(&body);
    }

    #[test]
    fn a_cut_off_answer_is_always_refused(sample in 0usize..4, cut in any::<prop::sample::Index>()) {
        let body = [ASSUME_ROLE, LIST_ACCOUNTS, DESCRIBE_KEY, ERROR_BODY][sample].as_bytes();
        let prefix = &body[..cut.index(body.len())];
        prop_assert_eq!(check_all(prefix), [false, false, false]);
    }

    #[test]
    fn mutated_answers_are_refused_or_whole(
        sample in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut body = [ASSUME_ROLE, LIST_ACCOUNTS, DESCRIBE_KEY, ERROR_BODY][sample]
            .as_bytes()
            .to_vec();
        for (at, byte, kind) in edits {
            let i = at.index(body.len());
            match kind {
                0 => body[i] = byte,
                1 => { body.remove(i); }
                _ => body.insert(i, byte),
            }
        }
        check_all(&body);
    }
}
