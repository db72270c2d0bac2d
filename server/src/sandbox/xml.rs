//! A small XML writer for response bodies: fixed element names, every text escaped.

use quick_xml::escape::escape;

/// The declaration every OSS XML body starts with.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Builds an indented document the way OSS prints them (two spaces per level). Element names are
/// `&'static str` written by this module's callers, never request data; all text goes through
/// quick-xml's `escape`, so a bucket name, marker or key id can never inject markup.
#[derive(Debug)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// Starts a document with the declaration and opens `root`.
    pub(crate) fn new(root: &'static str) -> Self {
        let mut writer = Self {
            out: String::with_capacity(512),
            open: Vec::new(),
        };
        writer.out.push_str(DECLARATION);
        writer.start(root);
        writer
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    /// Opens a container element.
    pub(crate) fn start(&mut self, name: &'static str) -> &mut Self {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.open.push(name);
        self
    }

    /// Closes the innermost open element (does nothing when all are closed).
    pub(crate) fn end(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        self
    }

    /// Writes `<name>text</name>` with `text` escaped.
    pub(crate) fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        self
    }

    /// Closes every open element and returns the document.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

/// A one-element document, `<?xml ...?>\n<name>text</name>` (GetBucketLocation's shape).
pub(crate) fn single(name: &'static str, text: &str) -> String {
    format!("{DECLARATION}<{name}>{}</{name}>", escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_and_indents_like_oss() {
        let mut w = XmlWriter::new("Root");
        w.start("Owner").leaf("ID", "1").end().leaf("Name", "b");
        assert_eq!(
            w.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Root>\n  <Owner>\n    <ID>1</ID>\n  </Owner>\n  <Name>b</Name>\n</Root>\n"
        );
    }

    #[test]
    fn escapes_every_text() {
        let mut w = XmlWriter::new("Error");
        w.leaf("Message", "a<b>&\"c\"'d'</Message><Injected>");
        let doc = w.finish();
        assert!(
            doc.contains(
                "<Message>a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&lt;/Message&gt;&lt;Injected&gt;</Message>"
            ),
            "{doc}"
        );
        assert!(!doc.contains("<Injected>"));
        assert_eq!(
            single("LocationConstraint", "x&y"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint>x&amp;y</LocationConstraint>"
        );
    }

    #[test]
    fn escaped_text_reads_back_unchanged() {
        let nasty = "<&>\"' \n\t ünï ]]> --> <!-- &amp;";
        let mut w = XmlWriter::new("Root");
        w.leaf("Text", nasty);
        let doc = w.finish();
        let mut reader = quick_xml::Reader::from_str(&doc);
        let mut text = String::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Text(t) => {
                    text.push_str(&quick_xml::escape::unescape(&t.decode().unwrap()).unwrap())
                }
                quick_xml::events::Event::GeneralRef(r) => {
                    let name = r.decode().unwrap();
                    text.push_str(quick_xml::escape::resolve_predefined_entity(&name).unwrap());
                }
                quick_xml::events::Event::End(e) if e.name().as_ref() == b"Text" => break,
                quick_xml::events::Event::Start(e) if e.name().as_ref() == b"Text" => text.clear(),
                _ => {}
            }
        }
        assert_eq!(text, nasty);
    }
}
