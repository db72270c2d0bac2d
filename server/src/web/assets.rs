//! The stylesheet, served under a name that changes with its content so browsers may cache it
//! forever.

use std::sync::LazyLock;

use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The one stylesheet, compiled into the binary.
const STYLESHEET: &str = include_str!("../../../style/main.css");

/// `/style-<first 8 hex of its SHA-256>.css`.
pub static STYLESHEET_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(STYLESHEET.as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("/style-{hex}.css")
});

/// The stylesheet: under its content-named path it is cached for a year; under `/style.css`
/// (used by the sign-in pages) it is revalidated.
pub async fn stylesheet(uri: Uri) -> Response {
    let cache = if uri.path() == STYLESHEET_PATH.as_str() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        STYLESHEET,
    )
        .into_response()
}
