use super::*;
use crate::cloud::rpc::RpcServiceError;

/// DescribeKey's documented sample answer (the masked account id made whole).
pub(crate) const SAMPLE: &str = r#"{"KeyMetadata":{"CreationDate":"2021-05-20T06:34:21Z","Description":"","KeyId":"05754286-3ba2-4fa6-8d41-4323aca6f2a1","KeySpec":"Aliyun_AES_256","KeyState":"Enabled","KeyUsage":"ENCRYPT/DECRYPT","PrimaryKeyVersion":"515e0b0a-624f-45ab-92b5-54f9b5510000","DeleteDate":"","Creator":"1540355698848459","Arn":"acs:kms:cn-hangzhou:1540355698848459:key/05754286-3ba2-4fa6-8d41-4323aca6f2a1","Origin":"Aliyun_KMS","MaterialExpireTime":"","ProtectionLevel":"HSM","LastRotationDate":"2021-05-20T06:34:21Z","AutomaticRotation":"Disabled","DeletionProtection":"Enabled"},"RequestId":"f1fdfa9d-bd49-418b-942f-8f3e3ec00a4f"}"#;

fn hangzhou() -> Region {
    Region::parse("cn-hangzhou").unwrap()
}

pub(crate) fn reply(body: &str) -> Reply {
    Reply {
        status: 200,
        body: bytes::Bytes::copy_from_slice(body.as_bytes()),
        request_id: Some("HEADER-ID".into()),
    }
}

#[test]
fn the_documented_sample_parses_with_empty_strings_as_unset() {
    let described = parse_describe_key(&hangzhou(), &reply(SAMPLE)).unwrap();
    let key = &described.metadata;
    assert_eq!(described.request_id, "f1fdfa9d-bd49-418b-942f-8f3e3ec00a4f");
    assert_eq!(key.key_id.as_str(), "05754286-3ba2-4fa6-8d41-4323aca6f2a1");
    assert_eq!(key.arn.account().as_str(), "1540355698848459");
    assert_eq!(key.state, KmsKeyState::Enabled);
    assert_eq!((key.delete_date, key.material_expire_time), (None, None));
    assert_eq!(key.origin, KeyOrigin::AliyunKms);
    assert_eq!(key.protection_level, ProtectionLevel::Hsm);
    assert_eq!(key.rotation.status, RotationStatus::Disabled);
    assert_eq!(key.rotation.interval, None);
    assert!(key.rotation.last.is_some() && key.deletion_protection);
    assert_eq!(key.creation_date.to_rfc3339(), "2021-05-20T06:34:21+00:00");
}

#[test]
fn a_key_pending_deletion_with_rotation_and_byok_material_parses_every_date() {
    let body = SAMPLE
        .replace(r#""KeyState":"Enabled""#, r#""KeyState":"PendingDeletion""#)
        .replace(r#""DeleteDate":"""#, r#""DeleteDate":"2026-12-20T00:00:00Z""#)
        .replace(r#""Origin":"Aliyun_KMS""#, r#""Origin":"EXTERNAL""#)
        .replace(r#""MaterialExpireTime":"""#, r#""MaterialExpireTime":"2027-01-01T00:00:00Z""#)
        .replace(
            r#""AutomaticRotation":"Disabled""#,
            r#""AutomaticRotation":"Enabled","RotationInterval":"31536000s","NextRotationDate":"2026-05-20T06:34:21Z""#,
        );
    let key = parse_describe_key(&hangzhou(), &reply(&body))
        .unwrap()
        .metadata;
    assert_eq!(key.state, KmsKeyState::PendingDeletion);
    assert_eq!(
        key.readable_until().map(|d| d.to_rfc3339()),
        Some("2026-12-20T00:00:00+00:00".into())
    );
    assert_eq!(key.origin, KeyOrigin::External);
    assert!(key.material_expire_time.is_some());
    assert!(key.rotation.is_on());
    assert_eq!(
        key.rotation.interval.map(RotationInterval::as_secs),
        Some(31_536_000)
    );
    assert!(key.rotation.next.is_some());
}

#[test]
fn unknown_states_are_kept_and_never_usable() {
    let body = SAMPLE.replace(r#""KeyState":"Enabled""#, r#""KeyState":"Archived""#);
    let key = parse_describe_key(&hangzhou(), &reply(&body))
        .unwrap()
        .metadata;
    assert_eq!(key.state, KmsKeyState::Other("Archived".into()));
    assert!(!key.is_usable());
}

#[test]
fn answers_missing_or_garbling_a_field_are_malformed_with_the_request_id() {
    let cases = [
        (SAMPLE.replace(r#""KeyState":"Enabled","#, ""), "KeyState"),
        (
            SAMPLE.replace(r#""KeyState":"Enabled""#, r#""KeyState":"""#),
            "KeyState",
        ),
        (
            SAMPLE.replace(
                r#""CreationDate":"2021-05-20T06:34:21Z""#,
                r#""CreationDate":"""#,
            ),
            "CreationDate",
        ),
        (
            SAMPLE.replace(r#""DeleteDate":"""#, r#""DeleteDate":"tomorrow""#),
            "DeleteDate",
        ),
        (
            SAMPLE.replace(r#""KeySpec":"Aliyun_AES_256""#, r#""KeySpec":" ""#),
            "KeySpec",
        ),
        (
            SAMPLE.replace(
                r#""DeletionProtection":"Enabled""#,
                r#""DeletionProtection":"yes""#,
            ),
            "DeletionProtection",
        ),
        (SAMPLE.replace("key/05754286", "key/99754286"), "Arn"),
        (
            SAMPLE.replace("acs:kms:cn-hangzhou", "acs:kms:cn-beijing"),
            "region",
        ),
        (
            SAMPLE.replace(
                r#""AutomaticRotation":"Disabled""#,
                r#""AutomaticRotation":"Enabled","RotationInterval":"1y""#,
            ),
            "RotationInterval",
        ),
    ];
    for (body, field) in cases {
        let err = parse_describe_key(&hangzhou(), &reply(&body)).unwrap_err();
        assert!(matches!(err, RpcError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains(field), "{field}: {err}");
        // The body's id once the JSON is read, else the header's.
        assert!(
            matches!(
                err.request_id(),
                Some("f1fdfa9d-bd49-418b-942f-8f3e3ec00a4f" | "HEADER-ID")
            ),
            "{err}"
        );
    }
    let cut = parse_describe_key(&hangzhou(), &reply(&SAMPLE[..SAMPLE.len() / 2])).unwrap_err();
    assert_eq!(cut.request_id(), Some("HEADER-ID"));
}

#[test]
fn refusals_are_named_only_for_kms_itself() {
    let refusal = |product: &'static str, code: &str| {
        KmsRefusal::of(&RpcError::from(RpcServiceError {
            product,
            action: "DescribeKey",
            status: 403,
            code: code.into(),
            message: String::new(),
            request_id: Some("R".into()),
            host_id: None,
            recommend: None,
        }))
    };
    assert_eq!(
        refusal("Kms", "Forbidden.KeyNotFound"),
        Some(KmsRefusal::KeyNotFound)
    );
    assert_eq!(
        refusal("Kms", "Forbidden.AliasNotFound"),
        Some(KmsRefusal::AliasNotFound)
    );
    assert_eq!(
        refusal("Kms", "Forbidden.NoPermission"),
        Some(KmsRefusal::NoPermission)
    );
    assert_eq!(
        refusal("Kms", "NoPermission"),
        Some(KmsRefusal::NoPermission)
    );
    assert_eq!(
        refusal("Kms", "Forbidden.KmsServiceNotEnabled"),
        Some(KmsRefusal::NotActivated)
    );
    assert_eq!(refusal("Kms", "Throttling"), None);
    assert_eq!(refusal("Sts", "NoPermission"), None);
    assert!(KmsRefusal::KeyNotFound.is_not_found() && !KmsRefusal::NoPermission.is_not_found());
}

#[test]
fn endpoints_are_regional() {
    assert_eq!(
        kms_endpoint(&hangzhou(), "https").as_str(),
        "https://kms.cn-hangzhou.aliyuncs.com/"
    );
}
