//! How the client reaches OSS: endpoint, region, signature version, timeouts, retries, proxy.

use std::time::Duration;

use url::Url;

use super::retry::RetryPolicy;
use super::sign::SignatureVersion;
use super::{Credentials, OssError};
use crate::domain::Region;

/// The default service endpoint, as in the official SDKs' documentation.
pub const DEFAULT_ENDPOINT: &str = "https://oss-cn-hangzhou.aliyuncs.com";

/// Everything the client needs to know, resolved and validated.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The service endpoint ListBuckets is sent to; its scheme applies to regional endpoints too.
    pub endpoint: Url,
    /// The V4 signing region of the service endpoint.
    pub region: Region,
    pub signature_version: SignatureVersion,
    /// Address buckets on their `IntranetEndpoint` (from ECS/VPC) instead of `ExtranetEndpoint`.
    pub use_internal_endpoints: bool,
    pub connect_timeout: Duration,
    /// The whole request, response body included.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// At most this many requests per second from this client (0: unlimited). Throttling answers
    /// lower the rate temporarily either way.
    pub max_rps: u32,
    /// An explicit HTTP proxy for every request. Without it, HTTP_PROXY / HTTPS_PROXY / NO_PROXY
    /// from the environment apply, as for any well-behaved client.
    pub proxy: Option<Url>,
    pub credentials: Credentials,
    /// Told about every attempt (operation and outcome code), e.g. to count requests for metrics.
    pub observer: Option<RequestObserver>,
}

/// A callback told the operation and outcome (`ok`, or the OSS error code or failure kind) of every
/// request attempt.
#[derive(Clone)]
pub struct RequestObserver(pub std::sync::Arc<ObserveFn>);

/// The observer's signature: operation, outcome code.
pub type ObserveFn = dyn Fn(&'static str, &str) + Send + Sync;

impl std::fmt::Debug for RequestObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestObserver")
    }
}

/// The endpoint and transport flags shared by every command that talks to OSS.
#[derive(Debug, Clone, clap::Args)]
pub struct OssArgs {
    /// OSS service endpoint (ListBuckets goes here; its scheme applies to every regional endpoint).
    #[arg(long = "endpoint", env = "OSS_ENDPOINT", default_value = DEFAULT_ENDPOINT, global = true)]
    pub endpoint: String,
    /// Signing region of the service endpoint (default: read from the endpoint host).
    #[arg(long = "oss-region", env = "OSS_REGION", global = true)]
    pub region: Option<Region>,
    /// Signature version: 4 (OSS4-HMAC-SHA256) or 1 (HMAC-SHA1).
    #[arg(
        long = "signature-version",
        env = "OSS_SIGNATURE_VERSION",
        default_value = "4",
        global = true
    )]
    pub signature_version: SignatureVersion,
    /// Address buckets on their internal (VPC) endpoints.
    #[arg(
        long = "internal-endpoints",
        env = "OSS_USE_INTERNAL_ENDPOINT",
        global = true
    )]
    pub use_internal_endpoints: bool,
    /// Connect timeout, e.g. `5s`.
    #[arg(long = "connect-timeout", env = "OSS_CONNECT_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration, global = true)]
    pub connect_timeout: Duration,
    /// Timeout of one whole request, e.g. `30s`.
    #[arg(long = "request-timeout", env = "OSS_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub request_timeout: Duration,
    /// Attempts per request, the first included, for throttling, 5xx, timeouts and connection errors.
    #[arg(long = "max-attempts", env = "OSS_MAX_ATTEMPTS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20), global = true)]
    pub max_attempts: u32,
}

impl OssArgs {
    /// Resolves the flags and the credentials into a client configuration.
    pub fn into_config(self, credentials: Credentials) -> Result<ClientConfig, OssError> {
        let endpoint = parse_endpoint(&self.endpoint)?;
        let host = endpoint.host_str().unwrap_or_default();
        let region = match self.region {
            Some(region) => region,
            None => Region::from_endpoint_host(host).ok_or_else(|| {
                OssError::Config(format!(
                    "cannot tell the signing region from the endpoint host {host:?}; set OSS_REGION"
                ))
            })?,
        };
        Ok(ClientConfig {
            endpoint,
            region,
            signature_version: self.signature_version,
            use_internal_endpoints: self.use_internal_endpoints,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            retry: RetryPolicy {
                max_attempts: self.max_attempts,
                ..RetryPolicy::default()
            },
            max_rps: 0,
            proxy: None,
            credentials,
            observer: None,
        })
    }
}

/// Parses an endpoint given with or without a scheme (`oss-cn-beijing.aliyuncs.com` means https).
pub fn parse_endpoint(raw: &str) -> Result<Url, OssError> {
    let raw = raw.trim();
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| OssError::Config(format!("endpoint {raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(OssError::Config(format!(
            "endpoint {raw:?} must use http or https"
        )));
    }
    if url.host_str().is_none() || url.path() != "/" || url.query().is_some() {
        return Err(OssError::Config(format!(
            "endpoint {raw:?} must be a bare host such as https://oss-cn-hangzhou.aliyuncs.com"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_without_scheme_default_to_https() {
        let url = parse_endpoint("oss-cn-beijing.aliyuncs.com").unwrap();
        assert_eq!(url.as_str(), "https://oss-cn-beijing.aliyuncs.com/");
        assert_eq!(
            parse_endpoint("http://oss-cn-beijing.aliyuncs.com")
                .unwrap()
                .scheme(),
            "http"
        );
    }

    #[test]
    fn refuses_endpoints_that_are_not_bare_hosts() {
        assert!(parse_endpoint("ftp://oss-cn-beijing.aliyuncs.com").is_err());
        assert!(parse_endpoint("https://oss-cn-beijing.aliyuncs.com/bucket").is_err());
        assert!(parse_endpoint("https://").is_err());
    }
}
