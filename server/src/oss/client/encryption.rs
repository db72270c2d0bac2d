//! Get, put and delete a bucket's default encryption rule.

use bytes::Bytes;
use http::{HeaderMap, Method};

use super::transport::{Call, Reply};
use super::{Answer, BucketAddress, OssClient};
use crate::domain::{EncryptionRule, EncryptionState};
use crate::oss::OssError;
use crate::oss::xml::{encryption_rule_body, parse_encryption_rule};

/// An encryption rule is a few hundred bytes.
const MAX_RULE_BYTES: usize = 64 * 1024;

impl OssClient {
    /// Reads a bucket's default encryption; `None` when OSS says `NoSuchServerSideEncryptionRule`.
    pub async fn get_bucket_encryption(
        &self,
        bucket: &BucketAddress,
    ) -> Result<Answer<Option<EncryptionRule>>, OssError> {
        let reply = match self
            .send(self.encryption_call(bucket, "GetBucketEncryption", Method::GET, None))
            .await
        {
            Ok(reply) => reply,
            Err(OssError::Service(err))
                if err.status == 404 && err.code == "NoSuchServerSideEncryptionRule" =>
            {
                return Ok(Answer {
                    value: None,
                    request_id: err.request_id,
                });
            }
            Err(err) => return Err(err),
        };
        let rule =
            parse_encryption_rule(&reply.body).map_err(|source| malformed(&reply, source))?;
        Ok(Answer {
            value: Some(rule),
            request_id: reply.request_id,
        })
    }

    /// What reading a bucket's default encryption found: the rule, no rule, or `unknown` with the
    /// error code and message (and the request id when OSS answered). A failed read is never taken
    /// as "not encrypted".
    pub async fn read_encryption_state(&self, bucket: &BucketAddress) -> Answer<EncryptionState> {
        match self.get_bucket_encryption(bucket).await {
            Ok(Answer { value, request_id }) => Answer {
                value: value.map_or(EncryptionState::Unencrypted, EncryptionState::Encrypted),
                request_id,
            },
            Err(err) => {
                let message = match err.service() {
                    Some(service) => service.message.clone(),
                    None => err.to_string(),
                };
                Answer {
                    request_id: err.request_id().map(str::to_owned),
                    value: EncryptionState::Unknown {
                        code: err.kind_code().to_owned(),
                        message,
                    },
                }
            }
        }
    }

    /// Sets a bucket's default encryption.
    pub async fn put_bucket_encryption(
        &self,
        bucket: &BucketAddress,
        rule: &EncryptionRule,
    ) -> Result<Answer<()>, OssError> {
        let body = Bytes::from(encryption_rule_body(rule));
        let reply = self
            .send(self.encryption_call(bucket, "PutBucketEncryption", Method::PUT, Some(body)))
            .await?;
        Ok(Answer {
            value: (),
            request_id: reply.request_id,
        })
    }

    /// Removes a bucket's default encryption (succeeds when there was none).
    pub async fn delete_bucket_encryption(
        &self,
        bucket: &BucketAddress,
    ) -> Result<Answer<()>, OssError> {
        let reply = self
            .send(self.encryption_call(bucket, "DeleteBucketEncryption", Method::DELETE, None))
            .await?;
        Ok(Answer {
            value: (),
            request_id: reply.request_id,
        })
    }

    fn encryption_call<'a>(
        &self,
        bucket: &'a BucketAddress,
        operation: &'static str,
        method: Method,
        body: Option<Bytes>,
    ) -> Call<'a> {
        Call {
            operation,
            method,
            bucket: Some(&bucket.name),
            host: self.bucket_host(bucket),
            region: bucket.region.clone(),
            query: vec![("encryption".to_owned(), String::new())],
            headers: HeaderMap::new(),
            body,
            max_response_bytes: MAX_RULE_BYTES,
        }
    }
}

fn malformed(reply: &Reply, source: crate::oss::xml::XmlError) -> OssError {
    OssError::MalformedResponse {
        operation: "GetBucketEncryption",
        status: reply.status,
        request_id: reply.request_id.clone(),
        source,
    }
}
