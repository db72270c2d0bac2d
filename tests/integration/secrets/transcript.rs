//! Everything the product wrote during the run, as places to search: each log line, each response
//! body and each response header, with what the place is.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A line the process wrote (stdout or stderr).
    Log,
    /// A response body.
    Body,
    /// A response header.
    Header,
}

/// One piece of text the product produced.
#[derive(Debug)]
pub struct Place {
    /// For the failure message, e.g. `serve stderr line 12` or `GET /login: body`.
    pub location: String,
    pub kind: Kind,
    /// The request path, for responses.
    pub path: String,
    /// For `Set-Cookie` headers: the name of the cookie set.
    pub cookie: Option<String>,
    /// An HTML page (its forms legitimately carry CSRF tokens).
    pub html: bool,
    pub text: String,
}

/// Everything seen, in order.
#[derive(Default)]
pub struct Transcript {
    pub places: Vec<Place>,
    pub responses: usize,
}

/// A response as the test needs it.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    }

    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

impl Transcript {
    /// Sends `request`, records its status, every header and the body, and returns them.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        request: reqwest::RequestBuilder,
    ) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let html = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let path_only = path.split('?').next().unwrap_or(path).to_owned();
        let at = format!("{method} {path} ({status})");
        for (name, value) in &headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let cookie = (name == "set-cookie").then(|| {
                value
                    .split('=')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            });
            self.places.push(Place {
                location: format!("{at}: header {name}"),
                kind: Kind::Header,
                path: path_only.clone(),
                cookie,
                html,
                text: value,
            });
        }
        self.places.push(Place {
            location: format!("{at}: body"),
            kind: Kind::Body,
            path: path_only,
            cookie: None,
            html,
            text: text.clone(),
        });
        self.responses += 1;
        Answer {
            status,
            headers,
            text,
        }
    }

    /// Records the output of a process, line by line, under `name`.
    pub fn logs(&mut self, name: &str, text: &str) {
        for (n, line) in text.lines().enumerate() {
            self.places.push(Place {
                location: format!("{name} line {}", n + 1),
                kind: Kind::Log,
                path: String::new(),
                cookie: None,
                html: false,
                text: strip_ansi(line),
            });
        }
    }
}

/// `text` without terminal colour codes (the log formatter styles field names).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
