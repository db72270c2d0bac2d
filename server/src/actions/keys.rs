//! The check every encryption change makes before it calls OSS: the target customer key must be
//! `Enabled` in the bucket's account and region, asked of KMS with the account's credentials
//! (once per key, account and region in a run of many changes).

use std::collections::HashMap;

use super::ChangeError;
use crate::cloud::{KmsClient, KmsRefusal};
use crate::domain::{AccountId, KmsKeyId, Region};
use crate::oss::OssClient;

/// KMS's answer about each target key during one run, so a remediation of 10,000 buckets to one
/// key asks KMS once per account and region, not once per bucket (and a disabled key fails every
/// bucket with the one answer, request id included, without asking 10,000 times). A KMS that
/// could not be reached, after the client's own retries, is kept as the answer too: the run does
/// not hammer it, and a second run asks again.
#[derive(Debug, Default)]
pub struct KeyAnswers(tokio::sync::Mutex<HashMap<(AccountId, Region, KmsKeyId), Answer>>);

/// `None`: usable; else why not, as [`ChangeError::KeyNotUsable`] says it.
type Answer = Option<(String, String)>;

impl KeyAnswers {
    /// Runs `check` (the question to KMS) unless KMS already answered about `key` for `account`
    /// in `region` during this run, and answers as it did. One question at a time: buckets
    /// changed at once wait for the first answer instead of each asking.
    pub async fn require(
        &self,
        account: AccountId,
        region: &Region,
        key: &KmsKeyId,
        check: impl Future<Output = Result<(), ChangeError>>,
    ) -> Result<(), ChangeError> {
        let mut answers = self.0.lock().await;
        let asked = (account, region.clone(), key.clone());
        let answer = match answers.get(&asked) {
            Some(answer) => answer.clone(),
            None => {
                let answer = match check.await {
                    Ok(()) => None,
                    Err(ChangeError::KeyNotUsable { state, detail, .. }) => Some((state, detail)),
                    Err(other) => return Err(other),
                };
                answers.insert(asked, answer.clone());
                answer
            }
        };
        match answer {
            None => Ok(()),
            Some((state, detail)) => Err(ChangeError::KeyNotUsable {
                key: key.clone(),
                region: region.clone(),
                state,
                detail,
            }),
        }
    }
}

/// Refuses `key` unless KMS says it is `Enabled` in `region` for the account `client` signs for:
/// a disabled key, one pending deletion or a missing one would leave the bucket unwritable, and
/// a key KMS cannot describe is never assumed fine.
pub async fn require_enabled(
    client: &OssClient,
    region: &Region,
    key: &KmsKeyId,
) -> Result<(), ChangeError> {
    let refuse = |state: &str, detail: String| ChangeError::KeyNotUsable {
        key: key.clone(),
        region: region.clone(),
        state: state.to_owned(),
        detail,
    };
    let kms = KmsClient::new(region.clone(), client.config(), client.credentials())
        .map_err(|e| refuse("unknown", format!(" (KMS could not be reached: {e})")))?;
    client.pace().await;
    match kms.describe_key(key).await {
        Ok(described) if described.metadata.is_usable() => Ok(()),
        Ok(described) => {
            let until = described
                .metadata
                .readable_until()
                .map_or_else(String::new, |at| {
                    format!(", deleted {}", at.format("%Y-%m-%d"))
                });
            Err(refuse(described.metadata.state.as_str(), until))
        }
        Err(err) => {
            let state = if KmsRefusal::of(&err).is_some_and(KmsRefusal::is_not_found) {
                "NotFound"
            } else {
                "unknown"
            };
            Err(refuse(
                state,
                format!(
                    " (KMS answered {}, request id {})",
                    err.code(),
                    err.request_id().unwrap_or("none")
                ),
            ))
        }
    }
}
