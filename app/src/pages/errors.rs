//! 404 and the error page (which never shows internals).

use leptos::prelude::*;

/// Nothing at this address.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>"Not found"</h1>
        <p>"There is nothing at this address. "<a href="/">"Back to the overview"</a></p>
    }
}

/// Something went wrong.
#[component]
pub fn ErrorPage(title: String, text: String) -> impl IntoView {
    view! {
        <h1>{title}</h1>
        <p>{text}</p>
        <p><a href="/">"Back to the overview"</a></p>
    }
}
