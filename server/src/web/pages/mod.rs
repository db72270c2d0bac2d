//! The dashboard's HTML routes: one module per page, each loading its view model and rendering it
//! through the app's page shell; forms post here and are answered with a redirect (no script
//! needed).

mod account;
mod audit_log;
mod audit_words;
mod bucket_change;
mod bucket_detail;
mod bucket_form;
mod buckets;
mod controls;
mod csv;
mod error;
mod exemptions;
#[cfg(test)]
mod fuzz_tests;
mod keys;
mod overview;
mod overview_estate;
mod remediate;
mod remediate_preview;
mod render;
mod reports;
mod revert;
mod scans;
mod settings;
mod settings_accounts;
mod settings_notifications;
mod settings_permissions;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;

pub use error::PageError;
pub use overview::CountsCache;
pub use render::{chrome, flash, render};

use super::AppState;
use super::session::{CurrentUser, HtmlError};
use app::{Nav, Page};

/// The page routes; a failure any of them answers with a [`PageError`] shows the error page.
pub fn routes(state: AppState) -> Router<AppState> {
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
        .merge(account::routes())
        .merge(remediate::routes())
        .merge(revert::routes())
        .merge(scans::routes())
        .merge(keys::routes())
        .merge(controls::routes())
        .merge(reports::routes())
        .merge(audit_log::routes())
        .merge(exemptions::routes())
        .merge(settings::routes())
        .merge(settings_notifications::routes())
        .merge(settings_accounts::routes())
        .merge(settings_permissions::routes())
        .layer(axum::middleware::from_fn_with_state(
            state,
            error::error_pages,
        ))
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

/// `page` in the shell, with 200.
pub async fn show_page(user: &CurrentUser, jar: &CookieJar, nav: Nav, page: Page) -> Response {
    render(chrome(user, nav, jar), page, StatusCode::OK).await
}

/// The error page for a failure the user cannot fix; the cause was logged by [`PageError`].
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
