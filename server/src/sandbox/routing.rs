//! Where a request goes: host and path pick the service endpoint, a bucket or an object; the
//! method and query pick the operation.

use http::{HeaderMap, Method, Uri};
use percent_encoding::percent_decode_str;

use super::error::OssError;
use super::state::RequestKind;
use crate::domain::{BucketName, Region};

/// The OSS endpoint domain; hosts under it are addressed like OSS, all others path-style.
const OSS_DOMAIN: &str = ".aliyuncs.com";

/// The regional endpoint a request's host names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostEndpoint {
    pub(crate) region: Region,
    /// Came on `oss-<region>-internal.aliyuncs.com`.
    pub(crate) internal: bool,
}

/// What the host and path address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The service itself (ListBuckets).
    Service,
    /// A bucket (`key: None`) or an object in it.
    Bucket { name: String, key: Option<String> },
}

/// A request's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    /// The host without port, lowercased: OSS's `HostId`.
    pub(crate) host: String,
    /// The region the host names; `None` for path-style hosts (IPs, localhost) and for
    /// region-less OSS hosts such as `oss-accelerate.aliyuncs.com`, which reach every region.
    pub(crate) endpoint: Option<HostEndpoint>,
    pub(crate) target: Target,
}

impl Route {
    /// The bucket name, for bucket and object requests.
    pub(crate) fn bucket(&self) -> Option<&str> {
        match &self.target {
            Target::Service => None,
            Target::Bucket { name, .. } => Some(name),
        }
    }

    /// The object key, for object requests.
    pub(crate) fn key(&self) -> Option<&str> {
        match &self.target {
            Target::Bucket { key, .. } => key.as_deref(),
            Target::Service => None,
        }
    }
}

/// The request's host: from the absolute-form target (forward-proxy use) or else `Host`,
/// without port, lowercased, without a trailing dot. Empty when neither is usable.
pub(crate) fn request_host(uri: &Uri, headers: &HeaderMap) -> String {
    let raw = match uri.authority() {
        Some(authority) => authority.host().to_owned(),
        None => headers
            .get(http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(strip_port)
            .unwrap_or_default()
            .to_owned(),
    };
    raw.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        // An IPv6 literal: `[::1]:9444`.
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.split(':').next().unwrap_or(host)
}

/// Routes `host` + `path`. OSS hosts: `oss-<region>[-internal].aliyuncs.com` is the service and
/// `<bucket>.oss-...` a bucket (virtual-hosted); path-style there is refused as OSS refuses it.
/// Any other host (IP, localhost) is path-style: `/` is the service, `/<bucket>/[key]` a bucket.
pub(crate) fn route(host: &str, path: &str) -> Result<Route, OssError> {
    let path = if path.is_empty() { "/" } else { path };
    if let Some(labels) = host.strip_suffix(OSS_DOMAIN) {
        let labels: Vec<&str> = labels.split('.').collect();
        if let Some(endpoint_label) = labels.last().filter(|l| l.starts_with("oss-")) {
            let endpoint = Region::from_endpoint_host(endpoint_label).map(|region| HostEndpoint {
                region,
                internal: endpoint_label.ends_with("-internal"),
            });
            let target = match &labels[..labels.len() - 1] {
                [] if path == "/" => Target::Service,
                [] => return Err(OssError::second_level_domain_forbidden()),
                [bucket] => Target::Bucket {
                    name: bucket_name(bucket)?,
                    key: object_key(path),
                },
                dotted => return Err(OssError::invalid_bucket_name(&dotted.join("."))),
            };
            return Ok(Route {
                host: host.to_owned(),
                endpoint,
                target,
            });
        }
    }
    let target = match path.trim_start_matches('/').split_once('/') {
        _ if path == "/" => Target::Service,
        None => Target::Bucket {
            name: bucket_name(&decode(path.trim_start_matches('/')))?,
            key: None,
        },
        Some((bucket, rest)) => Target::Bucket {
            name: bucket_name(&decode(bucket))?,
            key: (!rest.is_empty()).then(|| decode(rest)),
        },
    };
    Ok(Route {
        host: host.to_owned(),
        endpoint: None,
        target,
    })
}

fn bucket_name(raw: &str) -> Result<String, OssError> {
    BucketName::parse(raw)
        .map(|name| name.as_str().to_owned())
        .map_err(|_| OssError::invalid_bucket_name(raw))
}

/// The key of a virtual-hosted path; `None` for `/`.
fn object_key(path: &str) -> Option<String> {
    let key = path.strip_prefix('/').unwrap_or(path);
    (!key.is_empty()).then(|| decode(key))
}

fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// The query as decoded `(name, value)` pairs in request order; a bare `?encryption` has value
/// `""`. Only `%XX` is decoded (`+` stays `+`), as OSS signs what the SDKs percent-encode.
pub(crate) fn decode_query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// The first value of query parameter `name`.
pub(crate) fn query_value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// What the sandbox will do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    ListBuckets,
    GetEncryption,
    PutEncryption,
    DeleteEncryption,
    GetInfo,
    GetLocation,
    /// GetBucketTagging (the sandbox's buckets carry no tags).
    GetTagging,
    /// GET/HEAD of an object: the sandbox holds none, so NoSuchKey.
    ReadObject,
    NotImplemented,
    MethodNotAllowed,
}

impl Operation {
    /// The counter this operation is counted under.
    pub(crate) fn kind(self) -> RequestKind {
        match self {
            Self::ListBuckets => RequestKind::ListBuckets,
            Self::GetEncryption => RequestKind::GetBucketEncryption,
            Self::PutEncryption => RequestKind::PutBucketEncryption,
            Self::DeleteEncryption => RequestKind::DeleteBucketEncryption,
            Self::GetInfo => RequestKind::GetBucketInfo,
            Self::GetLocation => RequestKind::GetBucketLocation,
            Self::GetTagging => RequestKind::GetBucketTagging,
            Self::ReadObject | Self::NotImplemented | Self::MethodNotAllowed => RequestKind::Other,
        }
    }
}

/// Picks the operation. HEAD is served like GET without a body, as OSS does.
pub(crate) fn operation(method: &Method, target: &Target, query: &[(String, String)]) -> Operation {
    let read = *method == Method::GET || *method == Method::HEAD;
    let has = |name: &str| query.iter().any(|(k, _)| k == name);
    match target {
        Target::Service if !read => Operation::MethodNotAllowed,
        // Other service parameters (the `tagging` filter, `regions`) select behaviour the sandbox
        // lacks; ignoring them would silently answer a different question.
        Target::Service
            if query.iter().all(|(k, _)| {
                matches!(
                    k.as_str(),
                    "prefix" | "marker" | "max-keys" | "tag-key" | "tag-value"
                )
            }) =>
        {
            Operation::ListBuckets
        }
        Target::Service => Operation::NotImplemented,
        Target::Bucket { key: Some(_), .. } if read => Operation::ReadObject,
        Target::Bucket { key: Some(_), .. } => Operation::NotImplemented,
        Target::Bucket { key: None, .. } if has("encryption") => match *method {
            Method::GET | Method::HEAD => Operation::GetEncryption,
            Method::PUT => Operation::PutEncryption,
            Method::DELETE => Operation::DeleteEncryption,
            _ => Operation::MethodNotAllowed,
        },
        Target::Bucket { key: None, .. } if has("bucketInfo") && read => Operation::GetInfo,
        Target::Bucket { key: None, .. } if has("location") && read => Operation::GetLocation,
        Target::Bucket { key: None, .. } if has("tagging") && read => Operation::GetTagging,
        Target::Bucket { key: None, .. } if has("bucketInfo") || has("location") => {
            Operation::MethodNotAllowed
        }
        Target::Bucket { .. } => Operation::NotImplemented,
    }
}

#[cfg(test)]
#[path = "routing_tests.rs"]
mod tests;
