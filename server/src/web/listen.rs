//! The HTTP listener of `serve`: at most so many connections at once, HTTP/1.1 with a deadline
//! for every request head and every request body, and a graceful stop.
//!
//! `axum::serve` offers none of these limits: a client that sent half a request header kept its
//! connection, and a task, for as long as it liked. HTTP/2 is not offered: browsers speak it only
//! over TLS, which ends in front of oss-audit, and the HTTP/1-or-2 detection of hyper's `auto`
//! server reads the first bytes without any deadline.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower_layer::Layer as _;

use super::body_deadline;

/// A request head must arrive whole within this (`OSS_AUDIT_HEADER_TIMEOUT`).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A request body must arrive whole within this (`OSS_AUDIT_BODY_TIMEOUT`).
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once (`OSS_AUDIT_MAX_CONNECTIONS`).
pub const DEFAULT_MAX_CONNECTIONS: u32 = 512;

/// How long stopping waits for the requests in flight before it closes their connections, so
/// that a client that stopped reading cannot hold the process up.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// What one client may hold of the server, and for how long.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// Time from the first byte of a request head (or from the end of the previous answer, on a
    /// kept-alive connection) to its last; the connection is closed when it runs out.
    pub header_read_timeout: Duration,
    /// Time from the request head to the last byte of its body; a slower body is answered 408.
    pub body_read_timeout: Duration,
    /// Connections served at once. Further ones wait, unanswered, in the listen backlog until one
    /// closes: each holds a task, buffers and a file descriptor.
    pub max_connections: u32,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` fires; then stops accepting,
/// lets requests in flight finish (for a while), and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &HttpLimits,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let router = router.layer(axum::middleware::from_fn_with_state(
        limits.body_read_timeout,
        body_deadline::bound,
    ));
    let permits = Arc::new(Semaphore::new(
        usize::try_from(limits.max_connections.max(1)).unwrap_or(Semaphore::MAX_PERMITS),
    ));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        // The permit is taken before accepting: over the limit, connections wait in the backlog
        // rather than being accepted and left unserved.
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = shutdown.cancelled() => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    pause_after_accept_error(&err).await;
                    continue;
                }
            },
            () = shutdown.cancelled() => break,
        };
        // Small request/response exchanges must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(
            Extension(ConnectInfo::<SocketAddr>(remote)).layer(router.clone()),
        );
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                // Timeouts and clients that went away end here; nothing for an operator.
                tracing::debug!(error = %err, remote = %remote, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("connections still open after the shutdown grace period; closing them");
        }
    }
    Ok(())
}

/// After a failed accept: nothing for a connection the client already dropped, a pause when the
/// process is out of file descriptors (accepting again at once would spin).
async fn pause_after_accept_error(err: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        err.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "could not accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
