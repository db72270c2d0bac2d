//! Small pages: a titled message (403, 429, errors), and the signed-in placeholder with its
//! sign-out form.

use leptos::prelude::*;

use crate::document::{Document, Stylesheet, render_html};

/// A page that only says something, with an optional link onwards.
#[component]
pub fn MessagePage(
    title: String,
    message: String,
    link: Option<(String, String)>,
) -> impl IntoView {
    view! {
        <main class="message">
            <h1>{title}</h1>
            <p>{message}</p>
            {link.map(|(href, label)| view! { <p><a href=href>{label}</a></p> })}
        </main>
    }
}

/// The whole message document, styled by the stylesheet at `stylesheet`; `link` is
/// `(href, label)`.
pub fn render_message_page(
    stylesheet: &str,
    title: String,
    message: String,
    link: Option<(String, String)>,
) -> String {
    let stylesheet = Stylesheet::Linked(stylesheet.to_owned());
    render_html(move || {
        view! {
            <Document title=format!("{title} — oss-audit") stylesheet>
                <MessagePage title message link />
            </Document>
        }
    })
}

/// The sign-out button: a POST form carrying the session's CSRF token.
#[component]
pub fn LogoutForm(csrf_token: String) -> impl IntoView {
    view! {
        <form method="post" action="/logout" class="logout">
            <input type="hidden" name="csrf_token" value=csrf_token />
            <button type="submit">"Sign out"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_pages_show_title_message_and_link() {
        let html = render_message_page(
            "/s.css",
            "Forbidden".into(),
            "Not for you.".into(),
            Some(("/".into(), "Back".into())),
        );
        assert!(html.contains("<h1>Forbidden</h1>"), "{html}");
        assert!(html.contains("<p>Not for you.</p>"), "{html}");
        assert!(html.contains(r#"<a href="/">Back</a>"#), "{html}");
    }
}
