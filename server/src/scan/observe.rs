//! Turning one GetBucketEncryption answer into an observation.

use chrono::Utc;

use crate::domain::{BucketId, EncryptionRule, EncryptionState};
use crate::oss::{Answer, OssError};
use crate::store::Observation;

/// What a read found: the rule, no rule, or `unknown` with the error code, message and request id.
/// A failed read is never taken as "not encrypted".
pub fn observation(
    bucket: BucketId,
    read: Result<Answer<Option<EncryptionRule>>, OssError>,
) -> Observation {
    let (state, request_id) = match read {
        Ok(Answer {
            value: Some(rule),
            request_id,
        }) => (EncryptionState::Encrypted(rule), request_id),
        Ok(Answer {
            value: None,
            request_id,
        }) => (EncryptionState::Unencrypted, request_id),
        Err(err) => {
            let request_id = err.request_id().map(str::to_owned);
            let message = match err.service() {
                Some(service) => service.message.clone(),
                None => err.to_string(),
            };
            (
                EncryptionState::Unknown {
                    code: err.kind_code().to_owned(),
                    message,
                },
                request_id,
            )
        }
    };
    Observation {
        bucket,
        state,
        request_id,
        observed_at: Utc::now(),
    }
}
