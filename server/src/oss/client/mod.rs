//! `OssClient`: one pooled HTTP client that signs, retries and routes every OSS call.

mod encryption;
mod info;
mod list;
mod transport;
mod trust;

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use super::credentials::{CredentialsProvider, StaticCredentials};
use super::rate::RateLimiter;
use super::xml::BucketSummary;
use super::{ClientConfig, OssError};
use crate::domain::{BucketName, Region};

pub use list::ListBucketsQuery;
pub use transport::error_chain;

/// The OSS client. Cheap to clone: clones share the connection pool and the clock-skew correction.
#[derive(Debug, Clone)]
pub struct OssClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    /// Asked for the credentials of every attempt: `config.credentials` for a plain client, an
    /// assumed role's refreshed temporary keys for a member account.
    credentials: Arc<dyn CredentialsProvider>,
    /// Paces every attempt, retries included, and slows down on throttling answers.
    limiter: RateLimiter,
    /// Milliseconds to add to the local clock when signing, learnt from `RequestTimeTooSkewed`.
    clock_offset_ms: AtomicI64,
}

/// Where a bucket lives: what every bucket operation needs to address and sign it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketAddress {
    pub name: BucketName,
    pub region: Region,
    pub extranet_endpoint: String,
    pub intranet_endpoint: String,
}

impl From<&BucketSummary> for BucketAddress {
    fn from(summary: &BucketSummary) -> Self {
        Self {
            name: summary.name.clone(),
            region: summary.region.clone(),
            extranet_endpoint: summary.extranet_endpoint.clone(),
            intranet_endpoint: summary.intranet_endpoint.clone(),
        }
    }
}

impl BucketAddress {
    /// The address of a bucket in `region` on that region's standard endpoints.
    pub fn in_region(name: BucketName, region: Region) -> Self {
        Self {
            extranet_endpoint: region.extranet_endpoint(),
            intranet_endpoint: region.intranet_endpoint(),
            name,
            region,
        }
    }
}

/// A successful answer together with the OSS request id that produced it (kept as evidence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<T> {
    pub value: T,
    pub request_id: Option<String>,
}

/// The `User-Agent` every request carries, e.g. `oss-audit/0.1.0 (linux; x86_64)`.
pub fn user_agent() -> String {
    format!(
        "oss-audit/{} ({}; {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The HTTP client settings every Alibaba Cloud client of oss-audit shares: user agent, connect and
/// request timeouts, no redirects, and the explicit proxy when one is configured (else the
/// environment's HTTP_PROXY / HTTPS_PROXY / NO_PROXY). OSS and the RPC services (STS, Resource
/// Directory) build on it, so they always reach the cloud the same way.
pub fn http_client_builder(config: &ClientConfig) -> Result<reqwest::ClientBuilder, OssError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(user_agent())
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        // OSS answers redirects only for website hosting; following one would re-send a signed
        // request to a host it was not signed for.
        .redirect(reqwest::redirect::Policy::none());
    if let Some(proxy) = &config.proxy {
        // `proxy` prints masked; reqwest's error may repeat the URL, so it is not shown.
        let proxy = reqwest::Proxy::all(proxy.expose())
            .map_err(|_| OssError::Config(format!("proxy {proxy} is not usable")))?;
        builder = builder.proxy(proxy);
    }
    Ok(builder)
}

impl OssClient {
    /// Builds the client and its connection pool; it signs with `config.credentials`.
    pub fn new(config: ClientConfig) -> Result<Self, OssError> {
        let credentials = Arc::new(StaticCredentials::new(config.credentials.clone()));
        Self::with_credentials(config, credentials)
    }

    /// Builds a client that asks `credentials` before every attempt (e.g. an assumed role whose
    /// temporary keys are refreshed during a scan); `config.credentials` is then not used to sign.
    pub fn with_credentials(
        config: ClientConfig,
        credentials: Arc<dyn CredentialsProvider>,
    ) -> Result<Self, OssError> {
        let http = http_client_builder(&config)?
            // Every bucket has its own host (virtual-hosted addressing), so a kept connection is
            // almost never reused: a scan of 10,000 buckets would otherwise hold 10,000 idle
            // connections (and about 200 MB) until they time out. Measured in benches/scan_throughput.
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|e| OssError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                limiter: RateLimiter::new(config.max_rps),
                config,
                credentials,
                clock_offset_ms: AtomicI64::new(0),
            }),
        })
    }

    /// A client of another account that shares this client's connection pool (and so its proxy,
    /// timeouts and user agent): it signs with `credentials`, sends ListBuckets to `endpoint`
    /// (this client's when `None`), and has a rate limiter of its own at this client's
    /// `max_rps`, since OSS limits request rates per account.
    pub fn for_account(
        &self,
        endpoint: Option<(url::Url, Region)>,
        credentials: Arc<dyn CredentialsProvider>,
    ) -> Self {
        let mut config = self.inner.config.clone();
        if let Some((endpoint, region)) = endpoint {
            config.endpoint = endpoint;
            config.region = region;
        }
        Self {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                limiter: RateLimiter::new(config.max_rps),
                config,
                credentials,
                clock_offset_ms: AtomicI64::new(0),
            }),
        }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// What this client signs with: the KMS calls of the same account sign with it too.
    pub fn credentials(&self) -> Arc<dyn CredentialsProvider> {
        Arc::clone(&self.inner.credentials)
    }

    /// Waits until this account's rate limiter lets one more request go (a KMS call of a scan
    /// counts against the account's pace like its OSS reads).
    pub async fn pace(&self) {
        self.inner.limiter.acquire().await;
    }

    /// The current request-rate limit (`None`: unlimited), for progress displays.
    pub fn current_rate_limit(&self) -> Option<f64> {
        self.inner.limiter.current_rate()
    }

    /// The host a bucket is addressed on: `<bucket>.<endpoint>`, internal when configured.
    fn bucket_host(&self, bucket: &BucketAddress) -> String {
        let endpoint = if self.inner.config.use_internal_endpoints {
            &bucket.intranet_endpoint
        } else {
            &bucket.extranet_endpoint
        };
        format!("{}.{}", bucket.name, endpoint)
    }
}
