//! The OSS client: signing, XML, errors, retries and the bucket operations oss-audit needs.

mod client;
mod config;
pub mod credentials;
mod error;
mod proxy;
mod rate;
pub mod retry;
pub mod sign;
pub(crate) mod wire;
pub mod xml;

/// The client keeps its secrets in the domain's [`Secret`], under the name the sandbox and the
/// signing tests know.
pub use crate::domain::Secret;
pub use client::error_chain;
pub use client::{
    Answer, BucketAddress, ListBucketsQuery, OssClient, http_client_builder, user_agent,
};
pub use config::{ClientConfig, DEFAULT_ENDPOINT, RequestObserver, parse_endpoint};
pub(crate) use config::{EndpointRefusal, bare_host};
pub use credentials::{Credentials, CredentialsError, CredentialsProvider, StaticCredentials};
pub use error::{OssError, ServiceError};
pub use proxy::ProxyUrl;
pub use rate::RateLimiter;
pub use retry::RetryPolicy;
