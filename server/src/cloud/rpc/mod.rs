//! Calling Alibaba Cloud's RPC-style APIs (STS, Resource Directory, KMS): signed POSTs, retries,
//! JSON.

mod error;
pub mod sign;
mod transport;

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use url::Url;

pub use error::{RpcError, RpcServiceError};

#[cfg(test)]
pub(crate) use transport::service_error;
pub(crate) use transport::{Reply, parse_json};

use crate::oss::{
    ClientConfig, CredentialsProvider, EndpointRefusal, RetryPolicy, StaticCredentials, bare_host,
    http_client_builder,
};

/// One RPC-style API: the product name (for messages) and the `Version` every call sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// E.g. `Sts`, as the services name themselves in their errors.
    pub product: &'static str,
    /// E.g. `2015-04-01`.
    pub version: &'static str,
}

/// A client of one RPC-style API at one endpoint, signing with the keys a provider hands out: the
/// hub identity's, or an assumed role's refreshed temporary keys. Cheap to clone: clones share the
/// connection pool and the clock-skew correction.
#[derive(Debug, Clone)]
pub struct RpcClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    api: Api,
    endpoint: Url,
    /// Asked for the keys of every attempt: the hub identity's for STS and Resource Directory,
    /// a member account's assumed role for KMS. Never temporary keys from a call's answer.
    credentials: Arc<dyn CredentialsProvider>,
    retry: RetryPolicy,
    /// Milliseconds to add to the local clock, learnt from `InvalidTimeStamp.Expired` answers.
    clock_offset_ms: AtomicI64,
}

/// Answers larger than this are refused: the largest legitimate one (a ListAccounts page of 100
/// members) is about 60 KB.
const MAX_ANSWER_BYTES: usize = 1 << 20;

impl RpcClient {
    /// A client of `api` at `endpoint` that reaches the cloud exactly as the OSS client configured
    /// by `config` does (proxy, timeouts, user agent), retries as it does, and signs with its
    /// credentials.
    pub fn new(api: Api, endpoint: Url, config: &ClientConfig) -> Result<Self, RpcError> {
        let credentials = Arc::new(StaticCredentials::new(config.credentials.clone()));
        Self::with_credentials(api, endpoint, config, credentials)
    }

    /// Like [`Self::new`], but asks `credentials` for the keys of every attempt (e.g. an assumed
    /// role whose keys are refreshed while a scan runs); `config.credentials` is then not used.
    pub fn with_credentials(
        api: Api,
        endpoint: Url,
        config: &ClientConfig,
        credentials: Arc<dyn CredentialsProvider>,
    ) -> Result<Self, RpcError> {
        let config_error = |detail: String| RpcError::Config {
            product: api.product,
            detail,
        };
        let http = http_client_builder(config)
            .map_err(|e| config_error(e.to_string()))?
            .build()
            .map_err(|e| config_error(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                api,
                endpoint,
                credentials,
                retry: config.retry,
                clock_offset_ms: AtomicI64::new(0),
            }),
        })
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Url {
        &self.inner.endpoint
    }

    /// The API this client calls.
    pub fn api(&self) -> Api {
        self.inner.api
    }
}

/// Parses an endpoint given with or without a scheme (`sts.cn-hangzhou.aliyuncs.com` means https);
/// it must be a bare host, since RPC calls always go to `/`.
pub fn parse_endpoint(product: &'static str, raw: &str) -> Result<Url, RpcError> {
    let raw = raw.trim();
    bare_host(raw).map_err(|refusal| RpcError::Config {
        product,
        detail: match refusal {
            EndpointRefusal::Unparsable(e) => format!("endpoint {raw:?} is not a URL: {e}"),
            EndpointRefusal::OtherScheme | EndpointRefusal::BeyondHost => format!(
                "endpoint {raw:?} must be a bare http(s) host such as https://sts.aliyuncs.com"
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_bare_hosts_defaulting_to_https() {
        let url = parse_endpoint("Sts", "sts.cn-hangzhou.aliyuncs.com").unwrap();
        assert_eq!(url.as_str(), "https://sts.cn-hangzhou.aliyuncs.com/");
        assert_eq!(
            parse_endpoint("Sts", "http://127.0.0.1:9444")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9444/"
        );
        for bad in [
            "ftp://sts.aliyuncs.com",
            "https://sts.aliyuncs.com/x",
            "https://",
            "https://sts.aliyuncs.com/?a=1",
        ] {
            let err = parse_endpoint("Sts", bad).unwrap_err();
            assert_eq!(err.code(), "ConfigError", "{bad}");
        }
    }
}
