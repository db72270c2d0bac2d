//! Status and compliance shown by text and icon, never by colour alone.

use leptos::prelude::*;

/// `encrypted`, `unencrypted` or `unknown`, with an icon and a class for colour.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let (icon, class) = match status.as_str() {
        "encrypted" => ("✓", "badge ok"),
        "unencrypted" => ("⚠", "badge bad"),
        _ => ("?", "badge unknown"),
    };
    view! {
        <span class=class>
            <span aria-hidden="true">{icon}</span>
            " "
            {status}
        </span>
    }
}

/// Compliant, non-compliant, not judged (unknown state), or exempt (an approved exemption sets
/// the judgement aside).
#[component]
pub fn ComplianceBadge(compliant: Option<bool>, #[prop(optional)] exempt: bool) -> impl IntoView {
    let (icon, class, text) = match compliant {
        _ if exempt => ("⊘", "badge unknown", "exempt"),
        Some(true) => ("✓", "badge ok", "compliant"),
        Some(false) => ("✗", "badge bad", "non-compliant"),
        None => ("?", "badge unknown", "not judged"),
    };
    view! {
        <span class=class>
            <span aria-hidden="true">{icon}</span>
            " "
            {text}
        </span>
    }
}
