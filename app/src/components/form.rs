//! Pieces of the settings forms: a `<select>` with the current value chosen, and the message next
//! to a field that was refused.

use leptos::prelude::*;

/// A `<select>` with `current` selected.
#[component]
pub fn Choice(
    id: &'static str,
    options: Vec<(&'static str, &'static str)>,
    current: String,
    #[prop(optional)] described_by: Option<&'static str>,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(value, label)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! { <select id=id name=id aria-describedby=described_by>{options}</select> }
}

/// A message next to a field, when there is one.
pub fn field_error(text: Option<String>, id: &'static str) -> impl IntoView {
    text.map(|t| {
        view! { <p class="error" id=id role="alert"><span aria-hidden="true">"✗ "</span>{t}</p> }
    })
}
