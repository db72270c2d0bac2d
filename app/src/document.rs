//! The one page shell: the HTML document around every page (dashboard, sign-in and status pages,
//! the printable report), and the one way to render a view to HTML.

use leptos::prelude::*;

use crate::components::Text;

/// How a document gets its style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stylesheet {
    /// The dashboard's stylesheet at this (content-hashed) path, which the Content-Security-Policy
    /// allows. It supports light and dark schemes, which the head announces so that the browser
    /// paints the right background before the stylesheet arrives.
    Linked(String),
    /// CSS written into the document itself, for pages that must stand alone (the printable
    /// report is saved and opened offline).
    Inline(&'static str),
}

/// A whole HTML document titled `title`, styled by `stylesheet`, with `children` as its body. The
/// title is escaped as the report's values are ([`Text`]): the report's title names its account.
#[component]
pub fn Document(title: String, stylesheet: Stylesheet, children: Children) -> impl IntoView {
    let style = match stylesheet {
        Stylesheet::Linked(href) => view! {
            <meta name="color-scheme" content="light dark" />
            <title>{Text(title)}</title>
            <link rel="stylesheet" href=href />
        }
        .into_any(),
        // Style elements hold raw text: Leptos does not escape their children, so the CSS is
        // written as is. It is ours, compiled in, never user data.
        Stylesheet::Inline(css) => view! {
            <title>{Text(title)}</title>
            <style>{css}</style>
        }
        .into_any(),
    };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                {style}
            </head>
            <body>{children()}</body>
        </html>
    }
}

/// Renders the view `make` builds to a string of HTML.
///
/// No page waits for data (there is no Suspense and no resource: the server loads every view
/// model before rendering), so rendering is synchronous and needs no async executor. The owner
/// gives components a reactive scope while they render and is dropped afterwards.
pub fn render_html<V: IntoView + 'static>(make: impl FnOnce() -> V) -> String {
    let owner = Owner::new();
    owner.with(|| make().to_html())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(stylesheet: Stylesheet) -> String {
        render_html(move || {
            view! {
                <Document title="A <title>".to_owned() stylesheet>
                    <p>"body"</p>
                </Document>
            }
        })
    }

    #[test]
    fn a_linked_stylesheet_document_is_whole_and_has_no_script() {
        let html = page(Stylesheet::Linked("/style-0123abcd.css".to_owned()));
        assert_eq!(
            html,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"color-scheme\" content=\"light dark\"><title>A &lt;title&gt;</title>\
             <link rel=\"stylesheet\" href=\"/style-0123abcd.css\"></head>\
             <body><p>body</p></body></html>"
        );
    }

    #[test]
    fn inline_css_is_written_unescaped_and_nothing_is_linked() {
        let html = page(Stylesheet::Inline("a > b { content: \"&\"; }"));
        assert!(
            html.contains("<style>a > b { content: \"&\"; }</style>"),
            "{html}"
        );
        assert!(!html.contains("<link"), "{html}");
        assert!(!html.contains("color-scheme"), "{html}");
    }
}
