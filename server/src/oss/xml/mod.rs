//! OSS XML bodies: strict parsing of every response shape the client reads, and the PUT body it writes.

mod bucket_info;
mod encryption;
mod error_body;
#[cfg(test)]
mod fuzz_tests;
mod list_buckets;

pub use bucket_info::{BucketInfo, parse_bucket_info};
pub use encryption::{encryption_rule_body, parse_encryption_rule};
pub use error_body::{ErrorBody, parse_error_body};
pub use list_buckets::{BucketSummary, ListBucketsPage, parse_list_buckets};

use quick_xml::Reader;
use quick_xml::events::Event;

/// A response body that is not the XML document we expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the response body is empty")]
    Empty,
    #[error("the response body is not XML: {0}")]
    NotXml(String),
    #[error("the response body is truncated (the XML document does not end)")]
    Truncated,
    #[error("expected a <{expected}> document, got <{found}>")]
    UnexpectedRoot {
        expected: &'static str,
        found: String,
    },
    #[error("the <{expected}> document does not have the expected shape: {detail}")]
    Shape {
        expected: &'static str,
        detail: String,
    },
    #[error("invalid value in <{element}>: {detail}")]
    Value {
        element: &'static str,
        detail: String,
    },
}

/// Checks that `body` is one complete, well-formed XML document whose root element is `expected`.
///
/// serde deserialisation alone would accept a document cut off after its last complete child, so a
/// truncated ListBuckets page could silently lose buckets; reading every event first rules that out.
pub(crate) fn check_document(body: &[u8], expected: &'static str) -> Result<(), XmlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(XmlError::Empty);
    }
    let mut reader = Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut root_seen = false;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            // A document that stops in the middle of a tag, inside the root, was cut off.
            Err(quick_xml::Error::Syntax(_))
                if root_seen && depth > 0 && reader.buffer_position() as usize >= body.len() =>
            {
                return Err(XmlError::Truncated);
            }
            Err(e) => return Err(XmlError::NotXml(e.to_string())),
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if !root_seen {
                    check_root(start.name().as_ref(), expected)?;
                    root_seen = true;
                } else if depth == 0 {
                    return Err(XmlError::NotXml("more than one root element".into()));
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(text) if depth == 0 && !text.iter().all(u8::is_ascii_whitespace) => {
                return Err(XmlError::NotXml("text outside the root element".into()));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !root_seen {
        return Err(XmlError::NotXml("no root element".into()));
    }
    if depth != 0 {
        return Err(XmlError::Truncated);
    }
    Ok(())
}

fn check_root(found: &[u8], expected: &'static str) -> Result<(), XmlError> {
    if found == expected.as_bytes() {
        Ok(())
    } else {
        Err(XmlError::UnexpectedRoot {
            expected,
            found: String::from_utf8_lossy(found).into_owned(),
        })
    }
}

/// Deserialises a checked document into its raw serde shape.
pub(crate) fn deserialize<T: serde::de::DeserializeOwned>(
    body: &[u8],
    expected: &'static str,
) -> Result<T, XmlError> {
    check_document(body, expected)?;
    let text = std::str::from_utf8(body).map_err(|e| XmlError::NotXml(e.to_string()))?;
    quick_xml::de::from_str(text).map_err(|e| XmlError::Shape {
        expected,
        detail: e.to_string(),
    })
}

/// Treats an absent, empty or literal `None` element as absent (GetBucketInfo writes `None`).
pub(crate) fn present(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v != "None")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_complete_document() {
        assert_eq!(
            check_document(b"<?xml version=\"1.0\"?>\n<A><B>x</B></A>", "A"),
            Ok(())
        );
        assert_eq!(check_document(b"<A/>", "A"), Ok(()));
    }

    #[test]
    fn refuses_empty_truncated_html_and_wrong_roots() {
        assert_eq!(check_document(b"  \n", "A"), Err(XmlError::Empty));
        assert_eq!(
            check_document(b"<A><B>x</B>", "A"),
            Err(XmlError::Truncated)
        );
        assert!(matches!(
            check_document(b"<A><B>x</A>", "A"),
            Err(XmlError::NotXml(_))
        ));
        assert!(matches!(
            check_document(b"<html><body>502 Bad Gateway</body></html>", "A"),
            Err(XmlError::UnexpectedRoot { .. })
        ));
        assert!(matches!(
            check_document(b"Bad Gateway", "A"),
            Err(XmlError::NotXml(_))
        ));
        assert!(matches!(
            check_document(b"{\"json\":1}", "A"),
            Err(XmlError::NotXml(_))
        ));
        assert!(matches!(
            check_document(b"<A/><A/>", "A"),
            Err(XmlError::NotXml(_))
        ));
    }
}
