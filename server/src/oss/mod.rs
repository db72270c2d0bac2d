//! The OSS client: signing, XML, errors, retries and the bucket operations oss-audit needs.

mod client;
mod config;
pub mod credentials;
mod error;
mod rate;
pub mod retry;
pub mod sign;
pub mod xml;

pub(crate) use client::error_chain;
pub use client::{
    Answer, BucketAddress, ListBucketsQuery, OssClient, http_client_builder, user_agent,
};
pub use config::{ClientConfig, DEFAULT_ENDPOINT, OssArgs, RequestObserver, parse_endpoint};
pub use credentials::{
    Credentials, CredentialsError, CredentialsProvider, Secret, StaticCredentials,
};
pub use error::{OssError, ServiceError};
pub use rate::RateLimiter;
pub use retry::RetryPolicy;
