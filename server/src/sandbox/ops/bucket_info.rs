//! GetBucketInfo: the bucket's details with the flat ServerSideEncryptionRule.

use super::{Reply, iso8601};
use crate::sandbox::state::SandboxBucket;
use crate::sandbox::xml::XmlWriter;

/// The `BucketInfo` document (reference §2.5). With no rule, `SSEAlgorithm` is the literal
/// `None`; KMSMasterKeyID and KMSDataEncryption appear only when set.
pub(crate) fn get(bucket: &SandboxBucket) -> Reply {
    let mut xml = XmlWriter::new("BucketInfo");
    xml.start("Bucket")
        .leaf("AccessMonitor", "Disabled")
        .leaf("CreationDate", &iso8601(bucket.creation_date))
        .leaf("ExtranetEndpoint", &bucket.region.extranet_endpoint())
        .leaf("IntranetEndpoint", &bucket.region.intranet_endpoint())
        .leaf("Location", &bucket.region.location())
        .leaf("StorageClass", bucket.storage_class.as_str())
        .leaf("TransferAcceleration", "Disabled")
        .leaf("CrossRegionReplication", "Disabled")
        .leaf("DataRedundancyType", "LRS")
        .leaf("Name", bucket.name.as_str())
        .leaf("ResourceGroupId", bucket.resource_group_shown())
        .leaf("Comment", "")
        .leaf("BlockPublicAccess", "false");
    xml.start("Owner")
        .leaf("DisplayName", bucket.owner.as_str())
        .leaf("ID", bucket.owner.as_str())
        .end();
    xml.start("AccessControlList")
        .leaf("Grant", "private")
        .end();
    xml.start("ServerSideEncryptionRule");
    match &bucket.encryption {
        None => {
            xml.leaf("SSEAlgorithm", "None");
        }
        Some(rule) => {
            xml.leaf("SSEAlgorithm", rule.algorithm().as_str());
            if let Some(key) = rule.kms_key_id() {
                xml.leaf("KMSMasterKeyID", key.as_str());
            }
            if let Some(data) = rule.kms_data_encryption() {
                xml.leaf("KMSDataEncryption", data.as_str());
            }
        }
    }
    xml.end();
    xml.start("BucketPolicy")
        .leaf("LogBucket", "")
        .leaf("LogPrefix", "")
        .end();
    Reply::xml(xml.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BucketName, EncryptionRule, KmsKeyId, Region};

    fn bucket(rule: Option<EncryptionRule>) -> String {
        let mut b = SandboxBucket::new(
            BucketName::parse("b-1").unwrap(),
            Region::parse("eu-central-1").unwrap(),
        );
        b.encryption = rule;
        get(&b).xml.unwrap()
    }

    #[test]
    fn no_rule_reads_as_the_literal_none() {
        let xml = bucket(None);
        assert!(xml.contains(
            "<ServerSideEncryptionRule>\n      <SSEAlgorithm>None</SSEAlgorithm>\n    </ServerSideEncryptionRule>"
        ));
        assert!(xml.contains("<Location>oss-eu-central-1</Location>"));
        assert!(xml.contains("<ExtranetEndpoint>oss-eu-central-1.aliyuncs.com</ExtranetEndpoint>"));
    }

    #[test]
    fn the_rule_is_flat_with_only_the_fields_that_are_set() {
        let xml = bucket(Some(EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("alias/prod").unwrap()),
            data_encryption: None,
        }));
        assert!(!xml.contains("ApplyServerSideEncryptionByDefault"));
        assert!(xml.contains("<SSEAlgorithm>KMS</SSEAlgorithm>"));
        assert!(xml.contains("<KMSMasterKeyID>alias/prod</KMSMasterKeyID>"));
        assert!(!xml.contains("KMSDataEncryption"));
    }
}
