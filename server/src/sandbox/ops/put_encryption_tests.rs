//! PutBucketEncryption body validation: every refusal with OSS's code and EC.

use super::*;

const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn body(fields: &str) -> String {
    format!(
        "{DECL}<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault>{fields}</ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>"
    )
}

fn refusal(body: &str) -> (u16, &'static str, &'static str) {
    let err = parse_rule(body.as_bytes()).unwrap_err();
    (err.status.as_u16(), err.code, err.ec)
}

#[test]
fn accepts_every_rule_oss_accepts() {
    let key = KmsKeyId::parse("9468da86-3509-4f8d-a61e-6eab1eac0000").unwrap();
    let cases = [
        (
            body("<SSEAlgorithm>AES256</SSEAlgorithm>"),
            EncryptionRule::Aes256,
        ),
        (
            body("<SSEAlgorithm>SM4</SSEAlgorithm>"),
            EncryptionRule::Sm4,
        ),
        (
            body("<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID></KMSMasterKeyID>"),
            EncryptionRule::Aes256,
        ),
        (
            body("<SSEAlgorithm>SM4</SSEAlgorithm><KMSMasterKeyID/>"),
            EncryptionRule::Sm4,
        ),
        (
            body("<SSEAlgorithm>KMS</SSEAlgorithm>"),
            EncryptionRule::Kms {
                key_id: None,
                data_encryption: None,
            },
        ),
        (
            body(
                "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>9468da86-3509-4f8d-a61e-6eab1eac0000</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption>",
            ),
            EncryptionRule::Kms {
                key_id: Some(key.clone()),
                data_encryption: Some(KmsDataEncryption::Sm4),
            },
        ),
        // Pretty-printed, with comments, a CDATA section and character references.
        (
            format!(
                "{DECL}<!-- rule -->\n<ServerSideEncryptionRule>\n  <ApplyServerSideEncryptionByDefault>\n    <SSEAlgorithm> KMS </SSEAlgorithm>\n    <KMSMasterKeyID><![CDATA[alias/x]]>&#45;y</KMSMasterKeyID>\n  </ApplyServerSideEncryptionByDefault>\n  <Unknown>ignored</Unknown>\n</ServerSideEncryptionRule>\n"
            ),
            EncryptionRule::Kms {
                key_id: Some(KmsKeyId::parse("alias/x-y").unwrap()),
                data_encryption: None,
            },
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(parse_rule(body.as_bytes()), Ok(expected), "{body}");
    }
}

#[test]
fn malformed_bodies_are_malformed_xml() {
    let two_applies = "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><ApplyServerSideEncryptionByDefault/></ServerSideEncryptionRule>";
    for bad in [
        String::new(),
        "not xml at all".to_owned(),
        "<WrongRoot><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></WrongRoot>".to_owned(),
        "<ServerSideEncryptionRule><SSEAlgorithm>AES256</SSEAlgorithm></ServerSideEncryptionRule>".to_owned(),
        "<ServerSideEncryptionRule/>".to_owned(),
        body("<SSEAlgorithm>AES256</SSEAlgorithm>").replace("</ServerSideEncryptionRule>", ""),
        body("<SSEAlgorithm>AES256</SSEAlgorithm>") + "<ServerSideEncryptionRule/>",
        body("<SSEAlgorithm>AES256</SSEAlgorithm>") + "trailing text",
        body("<SSEAlgorithm>AES256</SSEAlgorithm><SSEAlgorithm>KMS</SSEAlgorithm>"),
        body("<SSEAlgorithm><b>AES256</b></SSEAlgorithm>"),
        body("<SSEAlgorithm>AES256</SSEAlgorithm2>"),
        body("<SSEAlgorithm>AES&unknown;256</SSEAlgorithm>"),
        two_applies.to_owned(),
    ] {
        assert_eq!(refusal(&bad), (400, "MalformedXML", "0005-00000001"), "{bad}");
    }
    let not_utf8 = [b"<ServerSideEncryptionRule>".as_slice(), &[0xff, 0xfe]].concat();
    assert_eq!(parse_rule(&not_utf8).unwrap_err().code, "MalformedXML");
}

#[test]
fn unsupported_algorithms_are_invalid_encryption_algorithm_error() {
    for fields in [
        "<SSEAlgorithm>DES</SSEAlgorithm>",
        "<SSEAlgorithm>aes256</SSEAlgorithm>",
        "<SSEAlgorithm></SSEAlgorithm>",
        "<KMSMasterKeyID>k</KMSMasterKeyID>",
        "",
    ] {
        let expected = (400, "InvalidEncryptionAlgorithmError", "0005-00000003");
        assert_eq!(refusal(&body(fields)), expected, "{fields}");
    }
    let err = parse_rule(body("<SSEAlgorithm>DES</SSEAlgorithm>").as_bytes()).unwrap_err();
    assert_eq!(
        err.message,
        "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4"
    );
}

#[test]
fn a_key_id_without_kms_is_invalid_argument_204() {
    for algorithm in ["AES256", "SM4"] {
        let fields = format!(
            "<SSEAlgorithm>{algorithm}</SSEAlgorithm><KMSMasterKeyID>some-key-id</KMSMasterKeyID>"
        );
        assert_eq!(
            refusal(&body(&fields)),
            (400, "InvalidArgument", "0005-00000204")
        );
    }
    let err = parse_rule(
        body("<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID>").as_bytes(),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "KMSMasterKeyID is not applicable if the default sse algorithm is not KMS"
    );
    assert!(
        err.extra
            .contains(&("ArgumentName", "KMSMasterKeyID".to_owned()))
    );
}

#[test]
fn data_encryption_needs_kms_and_sm4_invalid_argument_203() {
    for fields in [
        "<SSEAlgorithm>AES256</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption>",
        "<SSEAlgorithm>SM4</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption>",
        "<SSEAlgorithm>KMS</SSEAlgorithm><KMSDataEncryption>AES256</KMSDataEncryption>",
        "<SSEAlgorithm>KMS</SSEAlgorithm><KMSDataEncryption>sm4</KMSDataEncryption>",
    ] {
        assert_eq!(
            refusal(&body(fields)),
            (400, "InvalidArgument", "0005-00000203"),
            "{fields}"
        );
    }
}

#[test]
fn an_unusable_key_id_is_invalid_argument() {
    let fields = "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>key with spaces</KMSMasterKeyID>";
    assert_eq!(refusal(&body(fields)).1, "InvalidArgument");
}

fn md5_headers(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-md5", value.parse().unwrap());
    headers
}

#[test]
fn content_md5_must_match_the_body() {
    // The reference's V1-2 vector: this body has MD5 wHX5z4OeRTRe1gZaYyzrOQ==.
    let body = body(
        "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>9468da86-3509-4f8d-a61e-6eab1eac0000</KMSMasterKeyID>",
    );
    assert_eq!(
        check_content_md5(&md5_headers("wHX5z4OeRTRe1gZaYyzrOQ=="), body.as_bytes()),
        Ok(())
    );
    assert_eq!(
        check_content_md5(&HeaderMap::new(), body.as_bytes()),
        Ok(())
    );
    for bad in ["1B2M2Y8AsgTpgAmY7PhCfg==", "not base64!", ""] {
        let err = check_content_md5(&md5_headers(bad), body.as_bytes()).unwrap_err();
        assert_eq!(
            (err.status.as_u16(), err.code),
            (400, "InvalidDigest"),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused_without_reading_them_all() {
    let mut declared = HeaderMap::new();
    declared.insert(http::header::CONTENT_LENGTH, "65537".parse().unwrap());
    let err = read_body(&declared, Body::from("small")).await.unwrap_err();
    assert_eq!((err.status.as_u16(), err.code), (400, "EntityTooLarge"));

    let chunks = (0..100).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 1024]));
    let streamed = Body::from_stream(futures_util::stream::iter(chunks));
    let err = read_body(&HeaderMap::new(), streamed).await.unwrap_err();
    assert_eq!(err.code, "EntityTooLarge");

    let exact = vec![b'x'; MAX_BODY_BYTES];
    assert_eq!(
        read_body(&HeaderMap::new(), Body::from(exact.clone())).await,
        Ok(exact)
    );
}
