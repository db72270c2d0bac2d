//! The stylesheet, served under a name that changes with its content so browsers may cache it
//! forever.

use std::sync::LazyLock;

use axum::http::header;
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

/// The stylesheet, cached for a year: a new stylesheet comes under a new path.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLESHEET,
    )
        .into_response()
}
