//! `BucketInfo`: GetBucketInfo, whose flat `ServerSideEncryptionRule` says `None` when there is no rule.

use serde::Deserialize;

use super::encryption::{RawApply, rule_from_fields};
use super::{XmlError, deserialize, present};
use crate::domain::{BucketName, EncryptionRule, Region};

const ROOT: &str = "BucketInfo";

/// What oss-audit reads from GetBucketInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketInfo {
    pub name: BucketName,
    pub region: Region,
    pub extranet_endpoint: Option<String>,
    pub intranet_endpoint: Option<String>,
    /// The default encryption; `None` when OSS reports `None` or no rule element at all.
    pub encryption: Option<EncryptionRule>,
}

#[derive(Deserialize)]
struct RawInfo {
    #[serde(rename = "Bucket")]
    bucket: RawBucket,
}

#[derive(Deserialize)]
struct RawBucket {
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Location")]
    location: Option<String>,
    #[serde(rename = "ExtranetEndpoint")]
    extranet_endpoint: Option<String>,
    #[serde(rename = "IntranetEndpoint")]
    intranet_endpoint: Option<String>,
    #[serde(rename = "ServerSideEncryptionRule")]
    sse: Option<RawApply>,
}

/// Parses a GetBucketInfo response body.
pub fn parse_bucket_info(body: &[u8]) -> Result<BucketInfo, XmlError> {
    let raw: RawInfo = deserialize(body, ROOT)?;
    let bucket = raw.bucket;
    let name = present(bucket.name).ok_or(XmlError::Value {
        element: "Name",
        detail: "missing".into(),
    })?;
    let name = BucketName::parse(&name).map_err(|e| XmlError::Value {
        element: "Name",
        detail: e.to_string(),
    })?;
    let location = present(bucket.location).ok_or(XmlError::Value {
        element: "Location",
        detail: "missing".into(),
    })?;
    let region = Region::parse(&location).map_err(|e| XmlError::Value {
        element: "Location",
        detail: e.to_string(),
    })?;
    let encryption = match bucket.sse {
        Some(sse) => rule_from_fields(sse)?,
        None => None,
    };
    Ok(BucketInfo {
        name,
        region,
        extranet_endpoint: present(bucket.extranet_endpoint),
        intranet_endpoint: present(bucket.intranet_endpoint),
        encryption,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{KmsDataEncryption, KmsKeyId};

    fn info(sse: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<BucketInfo><Bucket>
  <AccessMonitor>Enabled</AccessMonitor><CreationDate>2013-07-31T10:56:21.000Z</CreationDate>
  <ExtranetEndpoint>oss-cn-hangzhou.aliyuncs.com</ExtranetEndpoint>
  <IntranetEndpoint>oss-cn-hangzhou-internal.aliyuncs.com</IntranetEndpoint>
  <Location>oss-cn-hangzhou</Location><StorageClass>Standard</StorageClass>
  <Name>oss-example</Name><ResourceGroupId>rg-aek27tc****</ResourceGroupId>
  <Owner><DisplayName>username</DisplayName><ID>27183473914****</ID></Owner>
  <AccessControlList><Grant>private</Grant></AccessControlList>
  {sse}
  <BucketPolicy><LogBucket>examplebucket</LogBucket><LogPrefix>log/</LogPrefix></BucketPolicy>
</Bucket></BucketInfo>"#
        )
    }

    #[test]
    fn none_means_no_rule() {
        let xml = info(
            "<ServerSideEncryptionRule><SSEAlgorithm>None</SSEAlgorithm><KMSMasterKeyID>None</KMSMasterKeyID></ServerSideEncryptionRule>",
        );
        let parsed = parse_bucket_info(xml.as_bytes()).unwrap();
        assert_eq!(parsed.encryption, None);
        assert_eq!(parsed.region.as_str(), "cn-hangzhou");
        assert_eq!(
            parse_bucket_info(info("").as_bytes()).unwrap().encryption,
            None
        );
    }

    #[test]
    fn reads_the_flat_rule() {
        let xml = info(
            "<ServerSideEncryptionRule><SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>alias/prod</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption></ServerSideEncryptionRule>",
        );
        assert_eq!(
            parse_bucket_info(xml.as_bytes()).unwrap().encryption,
            Some(EncryptionRule::Kms {
                key_id: Some(KmsKeyId::parse("alias/prod").unwrap()),
                data_encryption: Some(KmsDataEncryption::Sm4),
            })
        );
        let sm4 = info(
            "<ServerSideEncryptionRule><SSEAlgorithm>SM4</SSEAlgorithm><KMSDataEncryption>None</KMSDataEncryption></ServerSideEncryptionRule>",
        );
        assert_eq!(
            parse_bucket_info(sm4.as_bytes()).unwrap().encryption,
            Some(EncryptionRule::Sm4)
        );
    }

    #[test]
    fn refuses_malformed_info() {
        assert!(parse_bucket_info(b"<BucketInfo><Bucket><Name>x</Name>").is_err());
        assert!(parse_bucket_info(b"<BucketInfo></BucketInfo>").is_err());
        let bad = info(
            "<ServerSideEncryptionRule><SSEAlgorithm>ROT13</SSEAlgorithm></ServerSideEncryptionRule>",
        );
        assert!(matches!(
            parse_bucket_info(bad.as_bytes()),
            Err(XmlError::Value {
                element: "SSEAlgorithm",
                ..
            })
        ));
    }
}
