//! Our client's AssumeRole and ListAccounts requests, recomputed by a second RPC signer written
//! here from the specification (it calls nothing of ours), the way the oss2 tests judge OSS
//! signatures.

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use oss_audit::cloud::{AssumeRole, DirectoryClient, StsClient};
use oss_audit::domain::{ExternalId, RoleArn};
use percent_encoding::percent_decode_str;
use sha1::Sha1;

use crate::support::{ASSUMED_ROLE_ANSWER, Captured, RpcStandIn, STAND_IN_SECRET, stand_in_config};

/// RFC 3986 encoding, byte by byte: unreserved characters stay, all else is `%XX` (uppercase).
fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The specification's signature: sorted `name=value` of every parameter but `Signature`,
/// `METHOD&%2F&encode(canonical)`, HMAC-SHA1 keyed with `secret&`, base64.
fn independent_signature(method: &str, params: &BTreeMap<String, String>, secret: &str) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| name.as_str() != "Signature")
        .map(|(name, value)| (encode(name), encode(value)))
        .collect();
    pairs.sort();
    let canonical: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let string_to_sign = format!("{method}&{}&{}", encode("/"), encode(&canonical.join("&")));
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn decode_pairs(raw: &str) -> BTreeMap<String, String> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode_str(s).decode_utf8().unwrap().into_owned();
            (decode(name), decode(value))
        })
        .collect()
}

/// Checks one captured request against the specification and returns (query, body) parameters.
pub(super) fn judge(
    request: &Captured,
    action: &str,
    version: &str,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert!(
        !request.body.contains('+'),
        "spaces are %20: {}",
        request.body
    );
    let query = decode_pairs(&request.query);
    let body = decode_pairs(&request.body);
    let common = [
        "AccessKeyId",
        "Action",
        "Format",
        "Signature",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureVersion",
        "Timestamp",
        "Version",
    ];
    for name in common {
        assert!(query.contains_key(name), "{name} in the query: {query:?}");
        assert!(!body.contains_key(name), "{name} not in the body");
    }
    assert_eq!(query["Action"], action);
    assert_eq!(query["Version"], version);
    assert_eq!(query["Format"], "JSON");
    assert_eq!(query["SignatureMethod"], "HMAC-SHA1");
    assert_eq!(query["SignatureVersion"], "1.0");
    let sent = NaiveDateTime::parse_from_str(&query["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
        .expect("Timestamp is YYYY-MM-DDThh:mm:ssZ")
        .and_utc();
    assert!((Utc::now() - sent).num_seconds().abs() < 120, "{sent}");
    let nonce: Vec<usize> = query["SignatureNonce"].split('-').map(str::len).collect();
    assert_eq!(nonce, [8, 4, 4, 4, 12], "the nonce is a UUID");
    // The signature covers the union of the query's and the body's parameters.
    let mut all = query.clone();
    all.extend(body.clone());
    assert_eq!(
        query["Signature"],
        independent_signature("POST", &all, STAND_IN_SECRET),
        "the signature of {action} recomputed from the specification"
    );
    (query, body)
}

#[test]
fn the_test_signer_reproduces_the_published_vector() {
    let params: BTreeMap<String, String> = [
        ("AccessKeyId", "testid"),
        ("Action", "DescribeRegions"),
        ("Format", "XML"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("SignatureVersion", "1.0"),
        ("Timestamp", "2016-02-23T12:46:24Z"),
        ("Version", "2014-05-26"),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(
        independent_signature("GET", &params, "testsecret"),
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    );
    assert_eq!(
        independent_signature("POST", &params, "testsecret"),
        "MxbnVAM4w6sft9xjVpe/GCKueuk="
    );
}

#[tokio::test]
async fn assume_role_requests_are_signed_as_the_specification_says() {
    let stand_in = RpcStandIn::start(&[(200, ASSUMED_ROLE_ANSWER)]).await;
    let sts = StsClient::new(stand_in.endpoint.clone(), &stand_in_config(None)).unwrap();
    let arn = RoleArn::parse("acs:ram::1763082937549132:role/oss-audit").unwrap();
    let mut request = AssumeRole::new(arn, Some(ExternalId::parse("tenant:42/a+b=c").unwrap()));
    request.duration_secs = 1800;
    let assumed = sts.assume_role(&request).await.unwrap();
    assert_eq!(
        assumed.credentials.access_key_id,
        "STS.NUgYrLnoC37mZZCNnAbez2ddd"
    );
    assert_eq!(assumed.expiration.to_rfc3339(), "2031-04-09T11:52:19+00:00");
    assert_eq!(assumed.request_id, "6894B13B-6D71-4EF5-88FA-F32781734A7F");

    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    let (query, body) = judge(&requests[0], "AssumeRole", "2015-04-01");
    assert!(
        !query.contains_key("SecurityToken"),
        "permanent keys send no token"
    );
    assert_eq!(
        body,
        BTreeMap::from([
            ("DurationSeconds".into(), "1800".into()),
            ("ExternalId".into(), "tenant:42/a+b=c".into()),
            (
                "RoleArn".into(),
                "acs:ram::1763082937549132:role/oss-audit".into()
            ),
            ("RoleSessionName".into(), "oss-audit".into()),
        ])
    );
}

#[tokio::test]
async fn a_hub_with_sts_keys_signs_its_security_token_too() {
    let stand_in = RpcStandIn::start(&[(200, ASSUMED_ROLE_ANSWER)]).await;
    let sts = StsClient::new(
        stand_in.endpoint.clone(),
        &stand_in_config(Some("CAIS+hub/token=")),
    )
    .unwrap();
    let arn = RoleArn::parse("acs:ram::1763082937549132:role/oss-audit").unwrap();
    sts.assume_role(&AssumeRole::new(arn, None)).await.unwrap();
    let (query, body) = judge(&stand_in.requests()[0], "AssumeRole", "2015-04-01");
    assert_eq!(query["SecurityToken"], "CAIS+hub/token=");
    assert!(!body.contains_key("ExternalId"));
}

#[tokio::test]
async fn list_accounts_requests_are_signed_on_every_page() {
    let page = |n: u32, ids: &[&str]| {
        let accounts: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"AccountId":"{id}","DisplayName":"Member {id}","Type":"ResourceAccount","Status":"CreateSuccess"}}"#))
            .collect();
        format!(
            r#"{{"RequestId":"R-{n}","TotalCount":5,"PageNumber":{n},"PageSize":100,"Accounts":{{"Account":[{}]}}}}"#,
            accounts.join(",")
        )
    };
    let pages = [
        page(1, &["1000000000000001", "1000000000000002"]),
        page(2, &["1000000000000003", "1000000000000004"]),
        page(3, &["1000000000000005"]),
    ];
    let stand_in = RpcStandIn::start(&[
        (200, pages[0].as_str()),
        (200, pages[1].as_str()),
        (200, pages[2].as_str()),
    ])
    .await;
    let directory =
        DirectoryClient::new(stand_in.endpoint.clone(), &stand_in_config(None)).unwrap();
    let members = directory.list_accounts().await.unwrap();
    let uids: Vec<&str> = members.iter().map(|m| m.uid.as_str()).collect();
    assert_eq!(uids.len(), 5);
    assert_eq!(uids[4], "1000000000000005");

    let requests = stand_in.requests();
    assert_eq!(requests.len(), 3);
    let mut nonces = std::collections::HashSet::new();
    for (i, request) in requests.iter().enumerate() {
        let (query, body) = judge(request, "ListAccounts", "2020-03-31");
        assert_eq!(body["PageNumber"], (i + 1).to_string());
        assert_eq!(body["PageSize"], "100");
        nonces.insert(query["SignatureNonce"].clone());
    }
    assert_eq!(nonces.len(), 3, "every request has its own nonce");
}

#[tokio::test]
async fn retries_after_throttling_and_server_errors_are_signed_anew() {
    let throttled = r#"{"RequestId":"T","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#;
    let stand_in =
        RpcStandIn::start(&[(503, ""), (400, throttled), (200, ASSUMED_ROLE_ANSWER)]).await;
    let sts = StsClient::new(stand_in.endpoint.clone(), &stand_in_config(None)).unwrap();
    let arn = RoleArn::parse("acs:ram::1763082937549132:role/oss-audit").unwrap();
    sts.assume_role(&AssumeRole::new(arn, None)).await.unwrap();
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 3);
    let nonces: std::collections::HashSet<String> = requests
        .iter()
        .map(|r| judge(r, "AssumeRole", "2015-04-01").0["SignatureNonce"].clone())
        .collect();
    assert_eq!(nonces.len(), 3);
}
