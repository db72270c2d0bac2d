//! ListBuckets: one page, or every page of the account.

use futures_util::{Stream, TryStreamExt, stream};
use http::{HeaderMap, HeaderValue, Method};

use super::transport::Call;
use super::{Answer, OssClient};
use crate::domain::BucketName;
use crate::oss::OssError;
use crate::oss::xml::{BucketSummary, ListBucketsPage, XmlError, parse_list_buckets};

/// A page of 1000 buckets is about 600 KB; anything far larger is not a ListBuckets answer.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListBucketsQuery {
    /// Only buckets whose names start with this.
    pub prefix: Option<String>,
    /// Start after this bucket name (exclusive).
    pub marker: Option<String>,
    /// Page size, 1 to 1000 (OSS default 100). `None` sends no `max-keys`.
    pub max_keys: Option<u16>,
    /// Only buckets of this resource group (`x-oss-resource-group-id`); empty means the default group.
    pub resource_group_id: Option<String>,
    /// Only buckets carrying this tag (`tag-key`, `tag-value`): one listing per tag instead of a
    /// GetBucketTagging per bucket.
    pub tag: Option<(String, String)>,
}

impl OssClient {
    /// Lists one page of buckets.
    pub async fn list_buckets_page(
        &self,
        query: &ListBucketsQuery,
    ) -> Result<Answer<ListBucketsPage>, OssError> {
        let mut params = Vec::new();
        if let Some(prefix) = &query.prefix {
            params.push(("prefix".to_owned(), prefix.clone()));
        }
        if let Some(marker) = &query.marker {
            params.push(("marker".to_owned(), marker.clone()));
        }
        if let Some(max_keys) = query.max_keys {
            params.push(("max-keys".to_owned(), max_keys.clamp(1, 1000).to_string()));
        }
        if let Some((key, value)) = &query.tag {
            params.push(("tag-key".to_owned(), key.clone()));
            params.push(("tag-value".to_owned(), value.clone()));
        }
        let mut headers = HeaderMap::new();
        if let Some(group) = &query.resource_group_id {
            let value = HeaderValue::try_from(group.as_str()).map_err(|_| {
                OssError::Config(format!(
                    "resource group id {group:?} is not a valid header value"
                ))
            })?;
            headers.insert("x-oss-resource-group-id", value);
        }
        let config = self.config();
        let host = match config.endpoint.port() {
            Some(port) => format!("{}:{port}", config.endpoint.host_str().unwrap_or_default()),
            None => config.endpoint.host_str().unwrap_or_default().to_owned(),
        };
        let reply = self
            .send(Call {
                operation: "ListBuckets",
                method: Method::GET,
                bucket: None,
                host,
                region: config.region.clone(),
                query: params,
                headers,
                body: None,
                max_response_bytes: MAX_PAGE_BYTES,
            })
            .await?;
        let page =
            parse_list_buckets(&reply.body).map_err(|source| OssError::MalformedResponse {
                operation: "ListBuckets",
                status: reply.status,
                request_id: reply.request_id.clone(),
                source,
            })?;
        Ok(Answer {
            value: page,
            request_id: reply.request_id,
        })
    }

    /// Lists every bucket, following `NextMarker` across pages of 1000 until the last page.
    pub async fn list_all_buckets(
        &self,
        prefix: Option<&str>,
        resource_group_id: Option<&str>,
    ) -> Result<Vec<BucketSummary>, OssError> {
        self.list_bucket_pages(prefix, resource_group_id)
            .try_concat()
            .await
    }

    /// Lists every bucket page by page (pages of 1000, following `NextMarker`), so a caller can
    /// work on a page while the next one is fetched. The stream ends after the last page, or with
    /// the first error.
    pub fn list_bucket_pages(
        &self,
        prefix: Option<&str>,
        resource_group_id: Option<&str>,
    ) -> impl Stream<Item = Result<Vec<BucketSummary>, OssError>> + Send + 'static {
        let first = ListBucketsQuery {
            prefix: prefix.map(str::to_owned),
            marker: None,
            max_keys: Some(1000),
            resource_group_id: resource_group_id.map(str::to_owned),
            tag: None,
        };
        self.pages(first)
    }

    /// The names of every bucket carrying the tag `key=value` (every page of one tag-filtered
    /// listing).
    pub async fn list_tagged_buckets(
        &self,
        key: &str,
        value: &str,
    ) -> Result<Vec<BucketName>, OssError> {
        let first = ListBucketsQuery {
            max_keys: Some(1000),
            tag: Some((key.to_owned(), value.to_owned())),
            ..ListBucketsQuery::default()
        };
        let buckets = self.pages(first).try_concat().await?;
        Ok(buckets.into_iter().map(|b| b.name).collect())
    }

    /// Every page of the listing `first` starts, following `NextMarker`.
    fn pages(
        &self,
        first: ListBucketsQuery,
    ) -> impl Stream<Item = Result<Vec<BucketSummary>, OssError>> + Send + 'static {
        stream::try_unfold((self.clone(), Some(first)), |(client, query)| async move {
            let Some(mut query) = query else {
                return Ok(None);
            };
            let answer = client.list_buckets_page(&query).await?;
            let next = match answer.value.next_marker {
                None => None,
                // Pages are sorted by name; a marker that does not move forward would loop forever.
                Some(next)
                    if query
                        .marker
                        .as_ref()
                        .is_some_and(|previous| next <= *previous) =>
                {
                    return Err(OssError::MalformedResponse {
                        operation: "ListBuckets",
                        status: 200,
                        request_id: answer.request_id,
                        source: XmlError::Value {
                            element: "NextMarker",
                            detail: format!("{next:?} does not advance past the previous marker"),
                        },
                    });
                }
                Some(next) => {
                    query.marker = Some(next);
                    Some(query)
                }
            };
            Ok(Some((answer.value.buckets, (client, next))))
        })
    }

    /// The uid of the account these credentials belong to, as ListBuckets names the owner of its
    /// buckets (one request for a page of one bucket); `None` when the answer names none.
    pub async fn find_owner(&self) -> Result<Answer<Option<String>>, OssError> {
        let query = ListBucketsQuery {
            max_keys: Some(1),
            ..ListBucketsQuery::default()
        };
        let answer = self.list_buckets_page(&query).await?;
        Ok(Answer {
            value: answer.value.owner_id,
            request_id: answer.request_id,
        })
    }

    /// Finds one bucket by name through ListBuckets (its region and endpoints), or `None` when the
    /// account has no such bucket.
    pub async fn find_bucket(&self, name: &BucketName) -> Result<Option<BucketSummary>, OssError> {
        // Names sort with a name before every longer name it prefixes, so the first match is exact
        // when the bucket exists.
        let query = ListBucketsQuery {
            prefix: Some(name.as_str().to_owned()),
            max_keys: Some(1),
            ..ListBucketsQuery::default()
        };
        let page = self.list_buckets_page(&query).await?.value;
        Ok(page.buckets.into_iter().find(|b| &b.name == name))
    }
}
