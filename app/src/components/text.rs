//! [`Text`]: a text node escaped the way the printable report has always been escaped.
//!
//! A report is an audit record that people save and compare, and the same stored report should
//! render to the same text on every version of oss-audit. Its values (actor names, OSS error
//! details, key ids, the account in its title) have always been written with `&`, `<`, `>` and
//! `"` escaped; Leptos's own text nodes leave `"` as is (just as safe in text, but other bytes).
//! `Text` keeps the report's escaping and otherwise behaves like a Leptos string.

use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

/// A value of the report, written as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self(text)
    }
}

/// Appends `text` to `buf` with `&`, `<`, `>` and `"` escaped.
fn escape_into(buf: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' => buf.push_str("&quot;"),
            c => buf.push(c),
        }
    }
}

// In the browser (never, here: nothing is hydrated) a `Text` is the same text node as a `String`.
impl Render for Text {
    type State = <String as Render>::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state);
    }
}

impl AddAnyAttr for Text {
    type Output<SomeNewAttr: Attribute> = Self;

    fn add_any_attr<NewAttr: Attribute>(self, _attr: NewAttr) -> Self::Output<NewAttr> {
        self
    }
}

impl RenderHtml for Text {
    type AsyncOutput = Self;
    type Owned = Self;

    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Self::AsyncOutput {
        self
    }

    fn html_len(&self) -> usize {
        self.0.len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        _mark_branches: bool,
        _extra_attrs: Vec<AnyAttribute>,
    ) {
        // As for Leptos's strings: a marker between two text nodes, so that they stay two.
        if matches!(position, Position::NextChildAfterText) {
            buf.push_str("<!>");
        }
        // Unlike Leptos's strings, an empty value writes nothing (Leptos writes a space, for
        // hydration to find a node; a report is never hydrated and its empty cells stay empty).
        if escape {
            escape_into(buf, &self.0);
        } else {
            buf.push_str(&self.0);
        }
        *position = Position::NextChildAfterText;
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        self
    }
}

#[cfg(test)]
mod tests {
    use leptos::prelude::*;

    use super::*;

    #[test]
    fn quotes_are_escaped_as_well_as_markup() {
        let html = view! { <td>{Text::from(r#"token:<b>"ops"&</b>"#)}</td> }.to_html();
        assert_eq!(
            html,
            "<td>token:&lt;b&gt;&quot;ops&quot;&amp;&lt;/b&gt;</td>"
        );
    }

    #[test]
    fn an_empty_value_writes_nothing() {
        let html = view! { <code>{Text::default()}</code> }.to_html();
        assert_eq!(html, "<code></code>");
    }
}
