//! The HTML document around a page: doctype, head with the stylesheet, body.

use leptos::prelude::*;

/// Renders `body` as a complete HTML document titled `title` (the stylesheet is `/style.css`,
/// allowed by the Content-Security-Policy; there is no script).
pub fn render_document(title: String, body: impl IntoView + 'static) -> String {
    let owner = Owner::new();
    let html = owner.with(|| {
        view! {
            <html lang="en">
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <title>{title}</title>
                    <link rel="stylesheet" href="/style.css" />
                </head>
                <body>{body}</body>
            </html>
        }
        .to_html()
    });
    format!("<!DOCTYPE html>{html}")
}
