//! Property tests of every OSS answer parser: whatever bytes arrive (random, a token soup of the
//! documents' own names, or a real answer cut short, with bytes flipped, removed or repeated), a
//! parser never panics and never returns part of a document: it either refuses the body or
//! returns a value that, written back as XML, parses to itself.

use proptest::prelude::*;
use quick_xml::escape::escape;

use super::*;
use crate::domain::EncryptionRule;

/// A real ListBuckets page (a truncated one, with every element OSS sends).
const LIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult>
  <Prefix>my</Prefix><Marker>mb</Marker><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated><NextMarker>mybucket10</NextMarker>
  <Owner><ID>512**</ID><DisplayName>51264</DisplayName></Owner>
  <Buckets>
    <Bucket>
      <Comment></Comment>
      <CreationDate>2014-02-17T18:12:43.000Z</CreationDate>
      <ExtranetEndpoint>oss-cn-shanghai.aliyuncs.com</ExtranetEndpoint>
      <IntranetEndpoint>oss-cn-shanghai-internal.aliyuncs.com</IntranetEndpoint>
      <Location>oss-cn-shanghai</Location>
      <Name>app-base-oss</Name>
      <Region>cn-shanghai</Region>
      <StorageClass>Standard</StorageClass>
      <ResourceGroupId>rg-aek27tc****</ResourceGroupId>
    </Bucket>
    <Bucket>
      <CreationDate>2014-02-25T11:21:04.000Z</CreationDate>
      <Location>oss-cn-hangzhou</Location>
      <Name>mybucket10</Name>
      <StorageClass>IA</StorageClass>
    </Bucket>
  </Buckets>
</ListAllMyBucketsResult>
"#;

/// A real GetBucketEncryption answer.
const RULE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ServerSideEncryptionRule>
  <ApplyServerSideEncryptionByDefault>
    <SSEAlgorithm>KMS</SSEAlgorithm>
    <KMSMasterKeyID>9468da86-3509-4f8d-a61e-6eab1eac0000</KMSMasterKeyID>
    <KMSDataEncryption>SM4</KMSDataEncryption>
  </ApplyServerSideEncryptionByDefault>
</ServerSideEncryptionRule>
"#;

/// A real GetBucketInfo answer.
const INFO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<BucketInfo>
  <Bucket>
    <AccessMonitor>Enabled</AccessMonitor>
    <CreationDate>2013-07-31T10:56:21.000Z</CreationDate>
    <ExtranetEndpoint>oss-cn-hangzhou.aliyuncs.com</ExtranetEndpoint>
    <IntranetEndpoint>oss-cn-hangzhou-internal.aliyuncs.com</IntranetEndpoint>
    <Location>oss-cn-hangzhou</Location>
    <StorageClass>Standard</StorageClass>
    <Name>oss-example</Name>
    <Owner><DisplayName>username</DisplayName><ID>27183473914****</ID></Owner>
    <AccessControlList><Grant>private</Grant></AccessControlList>
    <ServerSideEncryptionRule>
      <SSEAlgorithm>KMS</SSEAlgorithm>
      <KMSMasterKeyID>alias/prod</KMSMasterKeyID>
      <KMSDataEncryption>None</KMSDataEncryption>
    </ServerSideEncryptionRule>
    <BucketPolicy><LogBucket>examplebucket</LogBucket><LogPrefix>log/</LogPrefix></BucketPolicy>
  </Bucket>
</BucketInfo>
"#;

/// A real wrong-endpoint error answer.
const ERROR: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message>
  <RequestId>5C3D9175B6FC201293AD4890</RequestId>
  <HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
  <Bucket>bucket</Bucket>
  <Endpoint>oss-cn-beijing.aliyuncs.com</Endpoint>
  <EC>0003-00001403</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0003-00001403</RecommendDoc>
</Error>
"#;

/// The names and bits of the four documents, for token soups that get past the first checks.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "<?xml version=\"1.0\"?>",
    " ",
    "\n",
    "&amp;",
    "&lt;",
    "&#0;",
    "&bogus;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "\"",
    "=",
    "x",
    "None",
    "true",
    "false",
    "KMS",
    "AES256",
    "SM4",
    "cn-hangzhou",
    "oss-cn-beijing",
    "my-bucket",
    "2014-02-17T18:12:43.000Z",
    "ListAllMyBucketsResult",
    "Buckets",
    "Bucket",
    "Name",
    "Region",
    "Location",
    "IsTruncated",
    "NextMarker",
    "ExtranetEndpoint",
    "CreationDate",
    "ServerSideEncryptionRule",
    "ApplyServerSideEncryptionByDefault",
    "SSEAlgorithm",
    "KMSMasterKeyID",
    "KMSDataEncryption",
    "BucketInfo",
    "Error",
    "Code",
    "Message",
    "Endpoint",
    "RequestId",
];

/// One change to a document.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    Remove { at: usize, len: usize },
    Repeat { at: usize, len: usize },
    Insert { at: usize, token: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (any::<usize>(), 1..64usize).prop_map(|(at, len)| Mutation::Remove { at, len }),
        (any::<usize>(), 1..64usize).prop_map(|(at, len)| Mutation::Repeat { at, len }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, token)| Mutation::Insert { at, token }),
    ]
}

/// `doc` with `mutations` applied (positions wrap around its length).
fn mutate(doc: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = doc.as_bytes().to_vec();
    for mutation in mutations {
        let len = bytes.len().max(1);
        match *mutation {
            Mutation::Flip { at, byte } => {
                if let Some(b) = bytes.get_mut(at % len) {
                    *b = byte;
                }
            }
            Mutation::Remove { at, len: n } => {
                let start = (at % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Mutation::Repeat { at, len: n } => {
                let start = (at % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Insert { at, token } => {
                let at = (at % len).min(bytes.len());
                let token = TOKENS[token % TOKENS.len()].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
        }
    }
    bytes
}

fn leaf(xml: &mut String, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        xml.push_str(&format!("<{name}>{}</{name}>", escape(value)));
    }
}

/// A ListBuckets page written back as OSS would send it.
fn list_xml(page: &ListBucketsPage) -> String {
    let mut xml = String::from("<ListAllMyBucketsResult>");
    if let Some(marker) = &page.next_marker {
        xml.push_str("<IsTruncated>true</IsTruncated>");
        leaf(&mut xml, "NextMarker", Some(marker));
    }
    if let Some(owner) = &page.owner_id {
        xml.push_str("<Owner>");
        leaf(&mut xml, "ID", Some(owner));
        xml.push_str("</Owner>");
    }
    xml.push_str("<Buckets>");
    for bucket in &page.buckets {
        xml.push_str("<Bucket>");
        leaf(&mut xml, "Name", Some(bucket.name.as_str()));
        leaf(&mut xml, "Region", Some(bucket.region.as_str()));
        leaf(
            &mut xml,
            "ExtranetEndpoint",
            Some(&bucket.extranet_endpoint),
        );
        leaf(
            &mut xml,
            "IntranetEndpoint",
            Some(&bucket.intranet_endpoint),
        );
        let created = bucket.creation_date.map(|d| d.to_rfc3339());
        leaf(&mut xml, "CreationDate", created.as_deref());
        leaf(&mut xml, "StorageClass", bucket.storage_class.as_deref());
        leaf(
            &mut xml,
            "ResourceGroupId",
            bucket.resource_group_id.as_deref(),
        );
        xml.push_str("</Bucket>");
    }
    xml.push_str("</Buckets></ListAllMyBucketsResult>");
    xml
}

/// The flat rule fields of GetBucketInfo (or the GetBucketEncryption body's inner part).
fn rule_fields(xml: &mut String, rule: &EncryptionRule) {
    leaf(xml, "SSEAlgorithm", Some(rule.algorithm().as_str()));
    leaf(xml, "KMSMasterKeyID", rule.kms_key_id().map(|k| k.as_str()));
    leaf(
        xml,
        "KMSDataEncryption",
        rule.kms_data_encryption().map(|d| d.as_str()),
    );
}

/// A GetBucketInfo answer written back.
fn info_xml(info: &BucketInfo) -> String {
    let mut xml = String::from("<BucketInfo><Bucket>");
    leaf(&mut xml, "Name", Some(info.name.as_str()));
    leaf(&mut xml, "Location", Some(&info.region.location()));
    leaf(
        &mut xml,
        "ExtranetEndpoint",
        info.extranet_endpoint.as_deref(),
    );
    leaf(
        &mut xml,
        "IntranetEndpoint",
        info.intranet_endpoint.as_deref(),
    );
    if let Some(rule) = &info.encryption {
        xml.push_str("<ServerSideEncryptionRule>");
        rule_fields(&mut xml, rule);
        xml.push_str("</ServerSideEncryptionRule>");
    }
    xml.push_str("</Bucket></BucketInfo>");
    xml
}

/// An error body written back.
fn error_xml(body: &ErrorBody) -> String {
    let mut xml = String::from("<Error>");
    for (name, value) in [
        ("Code", &body.code),
        ("Message", &body.message),
        ("RequestId", &body.request_id),
        ("HostId", &body.host_id),
        ("EC", &body.ec),
        ("Endpoint", &body.endpoint),
        ("Bucket", &body.bucket),
        ("RecommendDoc", &body.recommend_doc),
    ] {
        leaf(&mut xml, name, value.as_deref());
    }
    xml.push_str("</Error>");
    xml
}

/// Parses `body` with each parser; what a parser accepts must survive being written back.
fn check_every_parser(body: &[u8]) {
    if let Ok(page) = parse_list_buckets(body) {
        assert_eq!(parse_list_buckets(list_xml(&page).as_bytes()), Ok(page));
    }
    if let Ok(rule) = parse_encryption_rule(body) {
        assert_eq!(
            parse_encryption_rule(encryption_rule_body(&rule).as_bytes()),
            Ok(rule)
        );
    }
    if let Ok(info) = parse_bucket_info(body) {
        assert_eq!(parse_bucket_info(info_xml(&info).as_bytes()), Ok(info));
    }
    if let Ok(error) = parse_error_body(body) {
        assert_eq!(parse_error_body(error_xml(&error).as_bytes()), Ok(error));
    }
}

#[test]
fn the_real_answers_parse_and_survive_being_written_back() {
    assert_eq!(
        parse_list_buckets(LIST.as_bytes()).unwrap().buckets.len(),
        2
    );
    assert!(parse_encryption_rule(RULE.as_bytes()).is_ok());
    assert!(
        parse_bucket_info(INFO.as_bytes())
            .unwrap()
            .encryption
            .is_some()
    );
    assert!(
        parse_error_body(ERROR.as_bytes())
            .unwrap()
            .endpoint
            .is_some()
    );
    for doc in [LIST, RULE, INFO, ERROR] {
        check_every_parser(doc.as_bytes());
    }
}

#[test]
fn every_cut_of_a_real_answer_is_refused() {
    type Parse = fn(&[u8]) -> bool;
    let parsers: [(&str, Parse); 4] = [
        (LIST, |b| parse_list_buckets(b).is_ok()),
        (RULE, |b| parse_encryption_rule(b).is_ok()),
        (INFO, |b| parse_bucket_info(b).is_ok()),
        (ERROR, |b| parse_error_body(b).is_ok()),
    ];
    for (doc, parses) in parsers {
        let whole = doc.trim_end();
        for cut in 0..whole.len() {
            assert!(
                !parses(&doc.as_bytes()[..cut]),
                "a body cut after {cut} bytes was accepted: {:?}",
                &doc[..cut]
            );
        }
        assert!(parses(whole.as_bytes()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_are_refused_or_read_whole(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_every_parser(&body);
    }

    #[test]
    fn token_soups_are_refused_or_read_whole(
        tokens in proptest::collection::vec(0..TOKENS.len(), 0..96)
    ) {
        let body: String = tokens.iter().map(|&t| TOKENS[t]).collect();
        check_every_parser(body.as_bytes());
    }

    #[test]
    fn damaged_real_answers_are_refused_or_read_whole(
        doc in prop_oneof![Just(LIST), Just(RULE), Just(INFO), Just(ERROR)],
        mutations in proptest::collection::vec(mutation(), 1..5),
    ) {
        check_every_parser(&mutate(doc, &mutations));
    }
}
