//! The controls section of a report: per control auditors name, how many of the report's buckets
//! pass, fail, are exempt or unknown.

use super::document::{BucketEntry, ControlEntry};
use crate::domain::{
    EncryptionRule, EncryptionState, KmsDataEncryption, KmsKeyId, SseAlgorithm, count_controls,
};

/// The state a bucket entry records (`None` when it cannot be rebuilt: counted unknown).
fn state(entry: &BucketEntry) -> Option<EncryptionState> {
    match entry.status.as_str() {
        "unencrypted" => Some(EncryptionState::Unencrypted),
        "encrypted" => {
            let algorithm = SseAlgorithm::parse(entry.sse_algorithm.as_deref()?).ok()?;
            let key = match entry.kms_master_key_id.as_deref() {
                Some(k) => Some(KmsKeyId::parse(k).ok()?),
                None => None,
            };
            let data = match entry.kms_data_encryption.as_deref() {
                Some(d) => Some(KmsDataEncryption::parse(d).ok()?),
                None => None,
            };
            EncryptionRule::from_parts(algorithm, key, data)
                .ok()
                .map(EncryptionState::Encrypted)
        }
        _ => None,
    }
}

/// Every control, counted over `buckets` (an exempt bucket counts as exempt).
pub fn controls_section(buckets: &[BucketEntry]) -> Vec<ControlEntry> {
    let states: Vec<_> = buckets
        .iter()
        .map(|b| (state(b), b.exemption.is_some()))
        .collect();
    count_controls(states.iter().map(|(s, exempt)| (s.as_ref(), *exempt)))
        .into_iter()
        .map(|(control, counts)| ControlEntry {
            id: control.id.to_owned(),
            framework: control.framework.to_owned(),
            reference: control.reference.to_owned(),
            title: control.title.to_owned(),
            requirement: control.requirement.as_str().to_owned(),
            passing: counts.passing,
            failing: counts.failing,
            exempt: counts.exempt,
            unknown: counts.unknown,
        })
        .collect()
}
