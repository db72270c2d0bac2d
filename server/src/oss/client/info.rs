//! GetBucketInfo: a bucket's region, endpoints and flat SSE rule in one call.

use http::{HeaderMap, Method};

use super::transport::Call;
use super::{Answer, BucketAddress, OssClient};
use crate::oss::OssError;
use crate::oss::xml::{BucketInfo, parse_bucket_info};

const MAX_INFO_BYTES: usize = 256 * 1024;

impl OssClient {
    /// Reads a bucket's info; its `encryption` is `None` when OSS reports no rule.
    pub async fn get_bucket_info(
        &self,
        bucket: &BucketAddress,
    ) -> Result<Answer<BucketInfo>, OssError> {
        let reply = self
            .send(Call {
                operation: "GetBucketInfo",
                method: Method::GET,
                bucket: Some(&bucket.name),
                host: self.bucket_host(bucket),
                region: bucket.region.clone(),
                query: vec![("bucketInfo".to_owned(), String::new())],
                headers: HeaderMap::new(),
                body: None,
                max_response_bytes: MAX_INFO_BYTES,
            })
            .await?;
        let info =
            parse_bucket_info(&reply.body).map_err(|source| OssError::MalformedResponse {
                operation: "GetBucketInfo",
                status: reply.status,
                request_id: reply.request_id.clone(),
                source,
            })?;
        Ok(Answer {
            value: info,
            request_id: reply.request_id,
        })
    }
}
