//! A forward proxy between a client and the sandbox that records the host of every request the
//! client asked it to reach (and whether it carried a signature or an STS token), then passes the
//! request on to the sandbox.

use std::sync::{Arc, Mutex};

use oss_audit::sandbox::SandboxHandle;
use tokio_util::sync::CancellationToken;

use crate::secrets::proxy::{header, recording};

/// One request as the client sent it to the proxy.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The host of the absolute request URI: where the client meant the request to go.
    pub host: String,
    pub signed: bool,
    pub security_token: Option<String>,
}

/// Starts the proxy in front of `sandbox` until `stop`; returns its URL and what it saw.
pub async fn start(
    sandbox: &SandboxHandle,
    stop: CancellationToken,
) -> (url::Url, Arc<Mutex<Vec<Seen>>>) {
    recording(sandbox, stop, |parts| {
        Some(Seen {
            host: parts.uri.host().unwrap_or_default().to_owned(),
            signed: header(parts, "authorization").is_some(),
            security_token: header(parts, "x-oss-security-token"),
        })
    })
    .await
}
