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
use super::keys::Caller;
use super::routing::{Operation, Route};
use super::state::{SandboxBucket, SandboxState};
use super::xml::XmlWriter;
use crate::domain::{AccountUid, RamAction};

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

/// The RAM action an operation needs, for the operations a principal can be denied.
fn ram_action(operation: Operation) -> Option<RamAction> {
    match operation {
        Operation::ListBuckets => Some(RamAction::OssListBuckets),
        Operation::GetEncryption => Some(RamAction::OssGetBucketEncryption),
        Operation::PutEncryption => Some(RamAction::OssPutBucketEncryption),
        Operation::DeleteEncryption => Some(RamAction::OssDeleteBucketEncryption),
        Operation::GetInfo => Some(RamAction::OssGetBucketInfo),
        Operation::GetTagging => Some(RamAction::OssGetBucketTagging),
        Operation::GetLocation
        | Operation::ReadObject
        | Operation::NotImplemented
        | Operation::MethodNotAllowed => None,
    }
}

/// Runs a request `caller` has authenticated.
pub(crate) async fn dispatch(
    state: &SandboxState,
    caller: &Caller,
    operation: Operation,
    route: &Route,
    query: &[(String, String)],
    parts: &Parts,
    body: Body,
) -> Result<Reply, OssError> {
    // The caller's RAM policy is checked after the bucket's addressing, as OSS does: a missing
    // bucket is NoSuchBucket whatever the policy says.
    let denied =
        ram_action(operation).is_some_and(|action| state.denials.denies(&caller.principal, action));
    match operation {
        Operation::ListBuckets if denied => Err(OssError::bucket_access_denied()),
        Operation::ListBuckets => {
            list_buckets::list_buckets(state, &caller.account, query, &parts.headers)
        }
        Operation::MethodNotAllowed => Err(OssError::method_not_allowed()),
        Operation::NotImplemented if route.bucket().is_none() => Err(OssError::not_implemented()),
        _ => {
            let bucket = addressed_bucket(state, &caller.account, route)?;
            if denied {
                return Err(OssError::bucket_access_denied());
            }
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
    // A bucket whose policy denies the caller refuses everything a RAM policy governs.
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
        Operation::GetTagging => denied().map(|()| tagging(bucket)),
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
    if let Some(forged) = state.faults.forged.redirect_of(name) {
        return Err(OssError::wrong_endpoint(name, &forged));
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

/// GetBucketTagging: the bucket's tags, by key; a bucket without tags has an empty `TagSet`.
fn tagging(bucket: &SandboxBucket) -> Reply {
    let mut xml = XmlWriter::new("Tagging");
    xml.start("TagSet");
    for (key, value) in &bucket.tags {
        xml.start("Tag").leaf("Key", key).leaf("Value", value).end();
    }
    xml.end();
    Reply::xml(xml.finish())
}

/// OSS's timestamp format, e.g. `2014-02-17T18:12:43.000Z`.
pub(crate) fn iso8601(time: chrono::DateTime<chrono::Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
