//! GetBucketEncryption and DeleteBucketEncryption.

use http::StatusCode;

use super::Reply;
use crate::domain::EncryptionRule;
use crate::sandbox::error::OssError;
use crate::sandbox::state::{SandboxBucket, SandboxState};
use crate::sandbox::xml::XmlWriter;

/// The `ServerSideEncryptionRule` document; KMSMasterKeyID and KMSDataEncryption appear only
/// when set, as OSS prints them.
pub(crate) fn rule_xml(rule: &EncryptionRule) -> String {
    let mut xml = XmlWriter::new("ServerSideEncryptionRule");
    xml.start("ApplyServerSideEncryptionByDefault")
        .leaf("SSEAlgorithm", rule.algorithm().as_str());
    if let Some(key) = rule.kms_key_id() {
        xml.leaf("KMSMasterKeyID", key.as_str());
    }
    if let Some(data) = rule.kms_data_encryption() {
        xml.leaf("KMSDataEncryption", data.as_str());
    }
    xml.finish()
}

/// 200 with the rule, or 404 NoSuchServerSideEncryptionRule.
pub(crate) fn get(bucket: &SandboxBucket) -> Result<Reply, OssError> {
    match &bucket.encryption {
        Some(rule) => Ok(Reply::xml(rule_xml(rule))),
        None => Err(OssError::no_such_encryption_rule(bucket.name.as_str())),
    }
}

/// 204, whether or not a rule existed (as OSS does).
pub(crate) fn delete(state: &SandboxState, bucket: &SandboxBucket) -> Result<Reply, OssError> {
    let name = bucket.name.as_str();
    if state.update(name, |b| b.encryption = None) {
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    } else {
        // Removed between the addressing check and now.
        Err(OssError::no_such_bucket(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BucketName, KmsDataEncryption, KmsKeyId, Region};

    #[test]
    fn the_rule_document_has_only_the_fields_that_are_set() {
        let aes = rule_xml(&EncryptionRule::Aes256);
        assert!(aes.contains("<SSEAlgorithm>AES256</SSEAlgorithm>"));
        assert!(!aes.contains("KMSMasterKeyID") && !aes.contains("KMSDataEncryption"));
        let kms = rule_xml(&EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("9468da86-3509-4f8d-a61e-6eab1eac0000").unwrap()),
            data_encryption: Some(KmsDataEncryption::Sm4),
        });
        assert_eq!(
            kms,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServerSideEncryptionRule>\n  <ApplyServerSideEncryptionByDefault>\n    <SSEAlgorithm>KMS</SSEAlgorithm>\n    <KMSMasterKeyID>9468da86-3509-4f8d-a61e-6eab1eac0000</KMSMasterKeyID>\n    <KMSDataEncryption>SM4</KMSDataEncryption>\n  </ApplyServerSideEncryptionByDefault>\n</ServerSideEncryptionRule>\n"
        );
    }

    #[test]
    fn no_rule_is_a_404() {
        let bucket = SandboxBucket::new(
            BucketName::parse("b-1").unwrap(),
            Region::parse("cn-hangzhou").unwrap(),
        );
        let err = get(&bucket).unwrap_err();
        assert_eq!(
            (err.status.as_u16(), err.code),
            (404, "NoSuchServerSideEncryptionRule")
        );
        assert_eq!(
            err.message,
            "The server side encryption configuration was not found"
        );
    }
}
