//! The operations the sandbox serves, after authentication: one file per OSS API.

mod bucket_info;
mod encryption;
mod list_buckets;
mod location;
mod put_encryption;

use axum::body::Body;
use http::request::Parts;
use http::{HeaderMap, StatusCode};

use super::error::OssError;
use super::routing::{Operation, Route};
use super::state::{SandboxBucket, SandboxState};
use crate::domain::AccountUid;

/// A successful answer: status and optional XML body (headers are added by the service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) xml: Option<String>,
}

impl Reply {
    /// 200 with an XML body.
    pub(crate) fn xml(xml: String) -> Self {
        Self {
            status: StatusCode::OK,
            xml: Some(xml),
        }
    }

    /// A body-less answer.
    pub(crate) fn empty(status: StatusCode) -> Self {
        Self { status, xml: None }
    }
}

/// Runs a request `caller` has authenticated.
pub(crate) async fn dispatch(
    state: &SandboxState,
    caller: &AccountUid,
    operation: Operation,
    route: &Route,
    query: &[(String, String)],
    parts: &Parts,
    body: Body,
) -> Result<Reply, OssError> {
    match operation {
        Operation::ListBuckets => list_buckets::list_buckets(state, caller, query, &parts.headers),
        Operation::MethodNotAllowed => Err(OssError::method_not_allowed()),
        Operation::NotImplemented if route.bucket().is_none() => Err(OssError::not_implemented()),
        _ => {
            let bucket = addressed_bucket(state, caller, route)?;
            bucket_operation(state, operation, route, &bucket, &parts.headers, body).await
        }
    }
}

async fn bucket_operation(
    state: &SandboxState,
    operation: Operation,
    route: &Route,
    bucket: &SandboxBucket,
    headers: &HeaderMap,
    body: Body,
) -> Result<Reply, OssError> {
    let denied = || {
        if bucket.access_denied {
            Err(OssError::bucket_access_denied())
        } else {
            Ok(())
        }
    };
    match operation {
        Operation::GetEncryption => denied().and_then(|()| encryption::get(bucket)),
        Operation::PutEncryption => {
            denied()?;
            put_encryption::put(state, bucket, headers, body).await
        }
        Operation::DeleteEncryption => denied().and_then(|()| encryption::delete(state, bucket)),
        Operation::GetInfo => denied().map(|()| bucket_info::get(bucket)),
        Operation::GetLocation => Ok(location::get(bucket)),
        Operation::ReadObject => Err(OssError::no_such_key(route.key().unwrap_or_default())),
        Operation::ListBuckets | Operation::NotImplemented => Err(OssError::not_implemented()),
        Operation::MethodNotAllowed => Err(OssError::method_not_allowed()),
    }
}

/// The bucket a request addresses, after OSS's addressing checks: it must exist and belong to the
/// caller's account (else 403 AccessDenied, as OSS answers for another account's bucket), and
/// when the host names a region, the bucket must live there. Otherwise 403 with the endpoint to
/// use (the internal one when the request came on an internal host).
fn addressed_bucket(
    state: &SandboxState,
    caller: &AccountUid,
    route: &Route,
) -> Result<SandboxBucket, OssError> {
    let name = route.bucket().unwrap_or_default();
    let bucket = state
        .bucket(name)
        .ok_or_else(|| OssError::no_such_bucket(name))?;
    if &bucket.owner != caller {
        return Err(OssError::not_bucket_owner());
    }
    if let Some(endpoint) = &route.endpoint
        && endpoint.region != bucket.region
    {
        let correct = if endpoint.internal {
            bucket.region.intranet_endpoint()
        } else {
            bucket.region.extranet_endpoint()
        };
        return Err(OssError::wrong_endpoint(name, &correct));
    }
    Ok(bucket)
}

/// OSS's timestamp format, e.g. `2014-02-17T18:12:43.000Z`.
pub(crate) fn iso8601(time: chrono::DateTime<chrono::Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
