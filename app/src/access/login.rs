//! The sign-in page: a plain POST form, so it works with JavaScript switched off.

use leptos::prelude::*;

use crate::document::{Document, Stylesheet, render_html};

/// The sign-in form. `csrf_token` is the login CSRF value (also sent as a cookie); `next` is
/// where to go after signing in; `error` is a message chosen by the server, never user input.
#[component]
pub fn LoginPage(csrf_token: String, next: Option<String>, error: Option<String>) -> impl IntoView {
    view! {
        <main class="login">
            <h1>"oss-audit"</h1>
            <h2>"Sign in"</h2>
            {error.map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <form method="post" action="/login">
                <input type="hidden" name="csrf_token" value=csrf_token />
                {next.map(|next| view! { <input type="hidden" name="next" value=next /> })}
                <p>
                    <label for="username">"User name"</label>
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        maxlength="64"
                        required=true
                        autofocus=true
                    />
                </p>
                <p>
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        maxlength="1024"
                        required=true
                    />
                </p>
                <p>
                    <button type="submit">"Sign in"</button>
                </p>
            </form>
        </main>
    }
}

/// The whole sign-in document, styled by the stylesheet at `stylesheet`.
pub fn render_login_page(
    stylesheet: &str,
    csrf_token: String,
    next: Option<String>,
    error: Option<String>,
) -> String {
    let stylesheet = Stylesheet::Linked(stylesheet.to_owned());
    render_html(move || {
        view! {
            <Document title="Sign in — oss-audit".to_owned() stylesheet>
                <LoginPage csrf_token next error />
            </Document>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_posts_to_login_with_labels_and_the_token() {
        let html = render_login_page(
            "/style-0123abcd.css",
            "tok<en".into(),
            Some("/buckets?x=1&y=2".into()),
            None,
        );
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
            "{html}"
        );
        assert!(
            html.contains(r#"<form method="post" action="/login">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"name="csrf_token" value="tok&lt;en""#),
            "{html}"
        );
        assert!(
            html.contains(r#"name="next" value="/buckets?x=1&amp;y=2""#),
            "{html}"
        );
        assert!(html.contains(r#"<label for="username">"#), "{html}");
        assert!(html.contains(r#"<label for="password">"#), "{html}");
        assert!(html.contains(r#"href="/style-0123abcd.css""#), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("role=\"alert\""), "{html}");
    }

    #[test]
    fn errors_are_shown_escaped() {
        let html = render_login_page("/s.css", "t".into(), None, Some("<b>no</b>".into()));
        assert!(html.contains("&lt;b&gt;no&lt;/b&gt;"), "{html}");
        assert!(!html.contains("name=\"next\""), "{html}");
    }
}
