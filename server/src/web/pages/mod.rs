//! The dashboard's HTML routes: one module per page, each loading its view model and rendering it
//! through `leptos_axum`; forms post here and are answered with a redirect (no script needed).

mod audit_log;
mod audit_words;
mod bucket_change;
mod bucket_detail;
mod bucket_form;
mod buckets;
mod csv;
mod overview;
mod remediate;
mod remediate_preview;
mod render;
mod reports;
mod scans;
mod settings;
mod settings_notifications;
mod settings_policy;
mod settings_tokens;
mod settings_users;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;

pub use overview::CountsCache;
pub use render::{chrome, flash, render};

use super::AppState;
use super::session::{CurrentUser, HtmlError};
use app::{Nav, Page};

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::show))
        .route("/buckets", get(buckets::show))
        .route("/buckets.csv", get(csv::export))
        .route("/buckets/{name}", get(bucket_detail::show))
        .route(
            "/buckets/{name}/encryption",
            post(bucket_change::set_encryption),
        )
        .route(
            "/buckets/{name}/remove",
            get(bucket_change::confirm_remove).post(bucket_change::remove),
        )
        .merge(remediate::routes())
        .merge(scans::routes())
        .merge(reports::routes())
        .merge(audit_log::routes())
        .merge(settings::routes())
        .merge(settings_notifications::routes())
}

/// The 404 page for every address nothing else answers (signed-in users see it in the shell).
pub async fn not_found(user: Result<CurrentUser, HtmlError>, jar: CookieJar) -> Response {
    match user {
        Ok(user) => {
            render(
                chrome(&user, Nav::None, &jar),
                Page::NotFound,
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(_) => (StatusCode::NOT_FOUND, "Not found\n").into_response(),
    }
}

/// Renders a page whose model `loaded` produced, or — when loading failed — logs why once and
/// renders the error page. `what` names the page in the log line.
pub async fn render_loaded<E: std::fmt::Display>(
    user: &CurrentUser,
    jar: &CookieJar,
    nav: Nav,
    loaded: Result<Page, E>,
    what: &str,
) -> Response {
    match loaded {
        Ok(page) => render(chrome(user, nav, jar), page, StatusCode::OK).await,
        Err(err) => {
            tracing::error!(error = %err, page = what, "could not load the page");
            error_page(user, jar).await
        }
    }
}

/// The error page for a failure the user cannot fix; the cause was logged where it happened.
pub async fn error_page(user: &CurrentUser, jar: &CookieJar) -> Response {
    let page = Page::Error {
        title: "Something went wrong".to_owned(),
        text: "The page could not be loaded. Try again in a moment; if it keeps failing, the server log says why."
            .to_owned(),
    };
    render(
        chrome(user, Nav::None, jar),
        page,
        StatusCode::INTERNAL_SERVER_ERROR,
    )
    .await
}
