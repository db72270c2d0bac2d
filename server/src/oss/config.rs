//! How the client reaches OSS: endpoint, region, signature version, timeouts, retries, proxy.

use std::time::Duration;

use url::Url;

use super::retry::RetryPolicy;
use super::sign::SignatureVersion;
use super::{Credentials, OssError, ProxyUrl};
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
    /// from the environment apply, as for any well-behaved client. Its password never prints.
    pub proxy: Option<ProxyUrl>,
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

impl ClientConfig {
    /// The configuration of a client of the service at `endpoint` (with or without a scheme),
    /// signing for `region` (default: read from the endpoint host), with the documented defaults:
    /// V4 signatures, public endpoints, 5 s to connect, 30 s per request, the default retries, no
    /// rate limit, the environment's proxy.
    pub fn new(
        endpoint: &str,
        region: Option<Region>,
        credentials: Credentials,
    ) -> Result<Self, OssError> {
        let endpoint = parse_endpoint(endpoint)?;
        let host = endpoint.host_str().unwrap_or_default();
        let region = match region {
            Some(region) => region,
            None => Region::from_endpoint_host(host).ok_or_else(|| {
                OssError::Config(format!(
                    "cannot tell the signing region from the endpoint host {host:?}; set OSS_REGION"
                ))
            })?,
        };
        Ok(Self {
            endpoint,
            region,
            signature_version: SignatureVersion::V4,
            use_internal_endpoints: false,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
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
    bare_host(raw).map_err(|refusal| {
        OssError::Config(match refusal {
            EndpointRefusal::Unparsable(e) => format!("endpoint {raw:?} is not a URL: {e}"),
            EndpointRefusal::OtherScheme => format!("endpoint {raw:?} must use http or https"),
            EndpointRefusal::BeyondHost => format!(
                "endpoint {raw:?} must be a bare host such as https://oss-cn-hangzhou.aliyuncs.com"
            ),
        })
    })
}

/// Why an endpoint was refused; each client words it for its own service.
pub(crate) enum EndpointRefusal {
    Unparsable(url::ParseError),
    OtherScheme,
    /// A path, a query or no host: the clients address the endpoint itself, nothing below it.
    BeyondHost,
}

/// An endpoint given with or without a scheme (a bare name means https) as an http or https URL
/// of a host alone: what the OSS client and the RPC clients both send their requests to.
pub(crate) fn bare_host(raw: &str) -> Result<Url, EndpointRefusal> {
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let url = Url::parse(&with_scheme).map_err(EndpointRefusal::Unparsable)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(EndpointRefusal::OtherScheme);
    }
    if url.host_str().is_none() || url.path() != "/" || url.query().is_some() {
        return Err(EndpointRefusal::BeyondHost);
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
