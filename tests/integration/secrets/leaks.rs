//! The secrets of the run, where each may legitimately appear, and the search for every place a
//! secret, a signature or a credential header appears where it may not.

use std::time::Instant;

use oss_audit::web::session::{LOGIN_CSRF_COOKIE, SESSION_COOKIE};

use super::transcript::{Kind, Place, Transcript};

/// A secret and the only places it may appear.
pub struct Secret {
    pub label: String,
    pub value: String,
    pub allowed: fn(&Place) -> bool,
}

/// Secrets that must appear nowhere the product writes.
pub fn nowhere(_: &Place) -> bool {
    false
}

/// The session id: only in the `Set-Cookie` header that delivers it.
pub fn own_session_cookie(place: &Place) -> bool {
    place.kind == Kind::Header && place.cookie.as_deref() == Some(SESSION_COOKIE)
}

/// The login CSRF value: its own cookie and the hidden field of the sign-in form, never a log.
pub fn login_form_or_cookie(place: &Place) -> bool {
    (place.kind == Kind::Header && place.cookie.as_deref() == Some(LOGIN_CSRF_COOKIE))
        || (place.kind == Kind::Body && place.html && place.path == "/login")
}

/// A session's CSRF token: in the forms of that user's pages, never a log or a header.
pub fn page_forms(place: &Place) -> bool {
    place.kind == Kind::Body && place.html && !place.path.starts_with("/api/")
}

pub fn excerpt(text: &str) -> String {
    text.chars().take(400).collect()
}

/// `secret` as a failure message may show it: its length and first characters only.
fn hint(secret: &str) -> String {
    let start: String = secret.chars().take(4).collect();
    format!("{start}… ({} characters)", secret.chars().count())
}

/// The line of `text` at byte `at`, every secret in it replaced by its label, cut to about 300
/// characters around `focus` (what was found, as it reads once the secrets are replaced).
fn context(text: &str, at: usize, secrets: &[Secret], focus: &str) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut line = text[start..end].to_owned();
    for secret in secrets {
        line = line.replace(&secret.value, &format!("<{}>", secret.label));
    }
    let chars: Vec<char> = line.chars().collect();
    let focus_at = line
        .to_ascii_lowercase()
        .find(&focus.to_ascii_lowercase())
        .map_or(0, |byte| line[..byte].chars().count());
    let from = focus_at.saturating_sub(100);
    chars[from..(from + 300).min(chars.len())].iter().collect()
}

/// The runs of 64 or more lowercase hex digits in `text`: the shape of an HMAC-SHA256 signature
/// and of the SHA-256 digests the database keeps of session ids and tokens.
fn hex_runs(text: &str) -> Vec<&str> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, b) in text.bytes().chain(std::iter::once(b' ')).enumerate() {
        let hex = b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        match (hex, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 64 {
                    runs.push(&text[s..i]);
                }
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Every place a secret appears where it may not.
fn leaks(transcript: &Transcript, secrets: &[Secret]) -> Vec<String> {
    let mut found = Vec::new();
    for place in &transcript.places {
        for secret in secrets {
            if let Some(at) = place.text.find(&secret.value)
                && !(secret.allowed)(place)
            {
                found.push(format!(
                    "{} [{}] in {}: {}",
                    secret.label,
                    hint(&secret.value),
                    place.location,
                    context(&place.text, at, secrets, &format!("<{}>", secret.label))
                ));
            }
        }
        // Signatures and credential headers, whatever their value. (API error messages may
        // name the header, `Authorization: Bearer <token>`, so those markers are for logs.)
        let lower = place.text.to_ascii_lowercase();
        let markers: &[&str] = match place.kind {
            Kind::Log => &[
                "signature=",
                "oss4-hmac-sha256 ",
                "x-oss-security-token",
                "authorization: oss",
                "authorization: bearer",
                "\"authorization\"",
                "bearer oa_",
            ],
            Kind::Body | Kind::Header => &["signature=", "bearer oa_"],
        };
        for marker in markers {
            if let Some(at) = lower.find(marker) {
                found.push(format!(
                    "{marker:?} in {}: {}",
                    place.location,
                    context(&place.text, at, secrets, marker)
                ));
            }
        }
        if place.kind == Kind::Log
            && let Some(run) = hex_runs(&place.text).first()
        {
            found.push(format!(
                "a {}-hex-digit value (a signature or a session or token digest) in {}: {}",
                run.len(),
                place.location,
                context(
                    &place.text,
                    place.text.find(run).unwrap_or(0),
                    secrets,
                    &run[..16]
                )
            ));
        }
    }
    found
}

/// Fails unless the transcript is big enough to mean something and no secret in `secrets`
/// appears where it may not; says what was searched, and how long the run took since `started`.
pub fn assert_none(transcript: &Transcript, secrets: &[Secret], started: Instant) {
    for secret in secrets {
        assert!(
            secret.value.len() >= 16,
            "{} is long enough to search",
            secret.label
        );
    }
    let log_lines = transcript
        .places
        .iter()
        .filter(|p| p.kind == Kind::Log)
        .count();
    assert!(log_lines > 500, "{log_lines} log lines captured");
    assert!(
        transcript.responses > 40,
        "{} responses",
        transcript.responses
    );
    let found = leaks(transcript, secrets);
    assert!(
        found.is_empty(),
        "{} leak(s) in {log_lines} log lines and {} responses:\n{}",
        found.len(),
        transcript.responses,
        found
            .iter()
            .take(40)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "searched {log_lines} log lines and {} responses for {} secrets in {:?}",
        transcript.responses,
        secrets.len(),
        started.elapsed()
    );
}
