//! One module per page; `render` picks the page the server chose.

mod errors;
mod overview;

use leptos::prelude::*;

use crate::model::{Chrome, Page};

/// The content of `page`.
pub fn render(page: Page, chrome: Chrome) -> AnyView {
    match page {
        Page::Overview(model) => {
            overview::Overview(overview::OverviewProps { model, chrome }).into_any()
        }
        Page::NotFound => errors::NotFound().into_any(),
        Page::Error { title, text } => {
            errors::ErrorPage(errors::ErrorPageProps { title, text }).into_any()
        }
    }
}
