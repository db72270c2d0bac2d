//! The change-password page: the current password, the new one twice. Every user has it; a user
//! whose password was generated for them sees nothing else until they have chosen their own.

use leptos::prelude::*;

use super::message::LogoutForm;
use crate::components::field_error;
use crate::document::{Document, Stylesheet, render_html};

/// What the change-password page shows. Messages are chosen by the server, never user input; the
/// passwords typed are never sent back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordForm {
    /// Who is changing their password.
    pub user: String,
    /// The session's CSRF token, for the form and the sign-out button.
    pub csrf_token: String,
    /// The password was generated: it must be changed before anything else opens.
    pub required: bool,
    /// The shortest password accepted, in characters.
    pub min_length: usize,
    pub current_error: Option<String>,
    pub new_error: Option<String>,
    pub confirm_error: Option<String>,
}

/// The form.
#[component]
pub fn PasswordPage(form: PasswordForm) -> impl IntoView {
    let intro = if form.required {
        "Your password was generated when oss-audit was set up and has been shown on a terminal. \
         Choose your own before you continue."
    } else {
        "Your other sessions end when you change it; this one continues."
    };
    let back = (!form.required).then(|| view! { <p><a href="/">"Back to the dashboard"</a></p> });
    let hint = format!("At least {} characters.", form.min_length);
    view! {
        <main class="login">
            <h1>"oss-audit"</h1>
            <h2>"Change your password"</h2>
            <p>{format!("Signed in as {}. ", form.user)}{intro}</p>
            <form method="post" action="/account/password">
                <input type="hidden" name="csrf_token" value=form.csrf_token.clone() />
                <p>
                    <label for="current_password">"Current password"</label>
                    <input id="current_password" name="current_password" type="password"
                        autocomplete="current-password" maxlength="1024" required=true autofocus=true
                        aria-describedby="current-error" />
                    {field_error(form.current_error.clone(), "current-error")}
                </p>
                <p>
                    <label for="new_password">"New password"</label>
                    <input id="new_password" name="new_password" type="password"
                        autocomplete="new-password" minlength=form.min_length.to_string()
                        maxlength="1024" required=true aria-describedby="new-hint new-error" />
                    <span class="hint" id="new-hint">{hint}</span>
                    {field_error(form.new_error.clone(), "new-error")}
                </p>
                <p>
                    <label for="confirm_password">"New password again"</label>
                    <input id="confirm_password" name="confirm_password" type="password"
                        autocomplete="new-password" maxlength="1024" required=true
                        aria-describedby="confirm-error" />
                    {field_error(form.confirm_error.clone(), "confirm-error")}
                </p>
                <p>
                    <button type="submit" class="primary">"Change password"</button>
                </p>
            </form>
            {back}
            <LogoutForm csrf_token=form.csrf_token.clone() />
        </main>
    }
}

/// The whole change-password document, styled by the stylesheet at `stylesheet`.
pub fn render_password_page(stylesheet: &str, form: PasswordForm) -> String {
    let stylesheet = Stylesheet::Linked(stylesheet.to_owned());
    render_html(move || {
        view! {
            <Document title="Change your password — oss-audit".to_owned() stylesheet>
                <PasswordPage form />
            </Document>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PasswordForm {
        PasswordForm {
            user: "alice".into(),
            csrf_token: "tok<en".into(),
            min_length: 12,
            ..PasswordForm::default()
        }
    }

    #[test]
    fn the_form_posts_three_password_fields_with_the_csrf_token() {
        let html = render_password_page("/s.css", form());
        assert!(html.contains(r#"action="/account/password""#), "{html}");
        for field in ["current_password", "new_password", "confirm_password"] {
            assert!(
                html.contains(&format!(r#"name="{field}" type="password""#)),
                "{html}"
            );
        }
        assert!(html.contains(r#"value="tok&lt;en""#), "{html}");
        assert!(html.contains(r#"minlength="12""#), "{html}");
        assert!(html.contains(r#"href="/""#), "a way back: {html}");
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn a_required_change_offers_no_way_around_it_but_signing_out() {
        let html = render_password_page(
            "/s.css",
            PasswordForm {
                required: true,
                new_error: Some("Use at least 12 characters.".into()),
                ..form()
            },
        );
        assert!(
            html.contains("Choose your own before you continue."),
            "{html}"
        );
        assert!(!html.contains(r#"href="/""#), "{html}");
        assert!(html.contains(r#"action="/logout""#), "{html}");
        assert!(html.contains("Use at least 12 characters."), "{html}");
    }
}
