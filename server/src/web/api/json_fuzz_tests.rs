//! Property tests of the API's JSON bodies: whatever bytes arrive, reading a request body never
//! panics, and it yields a value exactly when the whole body is a valid document of that shape
//! (never a value read from part of it).

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use proptest::prelude::*;
use serde::de::DeserializeOwned;

use super::ApiJson;
use super::accounts::AccountRequest;
use super::encryption::EncryptionRequest;
use super::policy::PolicyView;
use super::remediations::RemediationRequest;
use super::reverts::RevertRequest;

/// Bodies a client could send: each shape's valid documents, then cut, spliced or garbled.
const VALID: &[&str] = &[
    r#"{"name":"payments-prod","role_arn":"acs:ram::1763082937549132:role/oss-audit"}"#,
    r#"{"sse_algorithm":"KMS","kms_master_key_id":"alias/prod","kms_data_encryption":"SM4"}"#,
    r#"{"requirement":"kms","remediation_target":{"sse_algorithm":"AES256"}}"#,
    r#"{"buckets":["a-bucket"],"dry_run":true,"plan_digest":"ab12","force":false}"#,
    r#"{"change":7,"remediation":null,"dry_run":false,"include_changed":true}"#,
];

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        (0..VALID.len(), 0..200usize).prop_map(|(i, cut)| {
            let bytes = VALID[i].as_bytes();
            bytes[..cut.min(bytes.len())].to_vec()
        }),
        (0..VALID.len(), 0..200usize, any::<u8>()).prop_map(|(i, at, byte)| {
            let mut bytes = VALID[i].as_bytes().to_vec();
            let at = at % bytes.len();
            bytes[at] = byte;
            bytes
        }),
        (0..VALID.len(), 0..VALID.len()).prop_map(|(a, b)| [VALID[a], VALID[b]].concat().into()),
    ]
}

/// Reads `bytes` as an `ApiJson<T>` body and checks it against a plain whole-document parse.
fn reads_whole_or_refuses<T: DeserializeOwned + Send>(bytes: &[u8]) -> Result<(), TestCaseError> {
    let request = Request::builder()
        .method("POST")
        .header("content-type", "application/json")
        .body(Body::from(bytes.to_vec()))
        .expect("a request");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let read = runtime.block_on(ApiJson::<T>::from_request(request, &()));
    let whole = serde_json::from_slice::<T>(bytes);
    prop_assert_eq!(
        read.is_ok(),
        whole.is_ok(),
        "the body reader and a whole-document parse disagree on {:?}",
        String::from_utf8_lossy(bytes)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn account_bodies_are_read_whole_or_refused(bytes in body()) {
        reads_whole_or_refuses::<AccountRequest>(&bytes)?;
    }

    #[test]
    fn encryption_bodies_are_read_whole_or_refused(bytes in body()) {
        reads_whole_or_refuses::<EncryptionRequest>(&bytes)?;
    }

    #[test]
    fn policy_bodies_are_read_whole_or_refused(bytes in body()) {
        reads_whole_or_refuses::<PolicyView>(&bytes)?;
    }

    #[test]
    fn remediation_bodies_are_read_whole_or_refused(bytes in body()) {
        reads_whole_or_refuses::<RemediationRequest>(&bytes)?;
    }

    #[test]
    fn revert_bodies_are_read_whole_or_refused(bytes in body()) {
        reads_whole_or_refuses::<RevertRequest>(&bytes)?;
    }
}

#[test]
fn the_valid_bodies_are_read() {
    // Guards the generator: were these refused, the properties above would only ever see refusals.
    reads_whole_or_refuses::<AccountRequest>(VALID[0].as_bytes()).unwrap();
    assert!(serde_json::from_str::<AccountRequest>(VALID[0]).is_ok());
    assert!(serde_json::from_str::<EncryptionRequest>(VALID[1]).is_ok());
    assert!(serde_json::from_str::<PolicyView>(VALID[2]).is_ok());
    assert!(serde_json::from_str::<RemediationRequest>(VALID[3]).is_ok());
    assert!(serde_json::from_str::<RevertRequest>(VALID[4]).is_ok());
}
