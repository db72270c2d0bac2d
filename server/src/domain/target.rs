//! Notification targets as typed values: a kind, a name, a URL and a secret, parsed once from a
//! form, a flag or a variable, with a message per field when they are unusable.

use std::fmt;

use url::Url;

use super::Secret;

/// Where a notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// Any HTTP endpoint: a JSON body signed with HMAC-SHA256.
    Webhook,
    /// A DingTalk custom robot with its signing secret.
    DingTalk,
    /// A Slack incoming webhook (the URL is the credential).
    Slack,
}

impl TargetKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 3] = [Self::Webhook, Self::DingTalk, Self::Slack];

    /// The name used in forms, the CLI and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::DingTalk => "dingtalk",
            Self::Slack => "slack",
        }
    }

    /// Parses a kind name.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "webhook" => Ok(Self::Webhook),
            "dingtalk" => Ok(Self::DingTalk),
            "slack" => Ok(Self::Slack),
            _ => Err("choose webhook, dingtalk or slack".to_owned()),
        }
    }

    /// Whether deliveries are signed with a secret the admin must give.
    pub fn needs_secret(self) -> bool {
        matches!(self, Self::Webhook | Self::DingTalk)
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest target name.
pub const MAX_NAME: usize = 64;
/// The longest URL or secret accepted.
const MAX_URL: usize = 2048;
const MAX_SECRET: usize = 512;

/// A target's name: 1 to 64 printable characters, unique per account (case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetName(String);

impl TargetName {
    /// Parses a name (trimmed).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(format!(
                "use 1 to {MAX_NAME} printable characters, e.g. security-team"
            ));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TargetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A target's URL. It may carry a credential (a Slack webhook path, a DingTalk access_token), so
/// it is held as a secret: its `Debug` and `Display` show only [`masked_url`].
#[derive(Clone, PartialEq, Eq)]
pub struct TargetUrl(Url);

impl TargetUrl {
    /// Parses an absolute `http` or `https` URL with a host, checking what `kind` needs.
    pub fn parse(raw: &str, kind: TargetKind) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("enter the URL the receiver gave you".to_owned());
        }
        if raw.len() > MAX_URL {
            return Err(format!("a URL of at most {MAX_URL} characters"));
        }
        let url = Url::parse(raw).map_err(|_| {
            "not a URL; expected e.g. https://hooks.example.com/oss-audit".to_owned()
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err("use an https:// (or http://) URL".to_owned());
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("the URL has no host".to_owned());
        }
        if kind == TargetKind::DingTalk && !url.query_pairs().any(|(k, _)| k == "access_token") {
            return Err(
                "a DingTalk robot URL carries its access_token, e.g. https://oapi.dingtalk.com/robot/send?access_token=…"
                    .to_owned(),
            );
        }
        Ok(Self(url))
    }

    /// The URL itself, for sending. Call sites of this are the only places the URL is read.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// Scheme, host and port, with the path and query masked.
    pub fn masked(&self) -> String {
        masked_url(self.0.as_str())
    }
}

impl fmt::Debug for TargetUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TargetUrl({})", self.masked())
    }
}

impl fmt::Display for TargetUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// What may be shown of a stored URL: `https://hooks.slack.com/…`. Only the scheme, host and
/// port survive; the path and query (where webhook credentials live) become `…`.
pub fn masked_url(raw: &str) -> String {
    let Ok(url) = Url::parse(raw) else {
        return "(unreadable URL)".to_owned();
    };
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    if url.path() != "/" || url.query().is_some() {
        shown.push_str("/…");
    }
    shown
}

/// A target as an admin asked for it, before it is stored.
#[derive(Debug, Clone)]
pub struct NewTarget {
    pub kind: TargetKind,
    pub name: TargetName,
    pub url: TargetUrl,
    /// Required for webhooks and DingTalk robots; `None` for Slack.
    pub secret: Option<Secret>,
}

/// The raw fields of the add-target form, flags or variables.
#[derive(Debug, Clone, Default)]
pub struct TargetInput<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    pub secret: &'a str,
}

/// Why a new target was refused: a message per field, for the form to show next to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetErrors {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
    pub secret: Option<String>,
}

impl fmt::Display for TargetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = [
            ("kind", &self.kind),
            ("name", &self.name),
            ("URL", &self.url),
            ("secret", &self.secret),
        ];
        let messages: Vec<String> = fields
            .iter()
            .filter_map(|(field, message)| message.as_ref().map(|m| format!("{field}: {m}")))
            .collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for TargetErrors {}

impl NewTarget {
    /// Parses every field, collecting a message for each unusable one.
    pub fn parse(input: &TargetInput<'_>) -> Result<Self, TargetErrors> {
        let mut errors = TargetErrors::default();
        let kind = TargetKind::parse(input.kind)
            .map_err(|e| errors.kind = Some(e))
            .ok();
        let name = TargetName::parse(input.name)
            .map_err(|e| errors.name = Some(e))
            .ok();
        let url = kind.and_then(|kind| {
            TargetUrl::parse(input.url, kind)
                .map_err(|e| errors.url = Some(e))
                .ok()
        });
        let secret = input.secret.trim();
        let secret = match kind {
            Some(kind) if kind.needs_secret() && secret.is_empty() => {
                errors.secret = Some(match kind {
                    TargetKind::DingTalk => {
                        "enter the robot's signing secret (it starts with SEC)".to_owned()
                    }
                    _ => "enter a secret the receiver verifies signatures with".to_owned(),
                });
                None
            }
            Some(TargetKind::Slack) if !secret.is_empty() => {
                errors.secret = Some(
                    "a Slack incoming webhook takes no secret: its URL is the credential"
                        .to_owned(),
                );
                None
            }
            _ if secret.chars().count() > MAX_SECRET || secret.chars().any(char::is_control) => {
                errors.secret = Some(format!("use at most {MAX_SECRET} printable characters"));
                None
            }
            _ => (!secret.is_empty()).then(|| Secret::new(secret)),
        };
        match (kind, name, url) {
            (Some(kind), Some(name), Some(url)) if errors == TargetErrors::default() => Ok(Self {
                kind,
                name,
                url,
                secret,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(kind: &'a str, url: &'a str, secret: &'a str) -> TargetInput<'a> {
        TargetInput {
            kind,
            name: "ops",
            url,
            secret,
        }
    }

    #[test]
    fn masking_keeps_only_scheme_host_and_port() {
        assert_eq!(
            masked_url("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(
            masked_url("https://oapi.dingtalk.com/robot/send?access_token=abc"),
            "https://oapi.dingtalk.com/…"
        );
        assert_eq!(
            masked_url("http://127.0.0.1:8080/"),
            "http://127.0.0.1:8080"
        );
        let url = TargetUrl::parse("https://h.example/s/k3y", TargetKind::Slack).unwrap();
        assert!(!format!("{url:?} {url}").contains("k3y"));
    }

    #[test]
    fn secrets_are_required_where_deliveries_are_signed_and_refused_for_slack() {
        let webhook = NewTarget::parse(&input("webhook", "https://h.example/in", "")).unwrap_err();
        assert!(webhook.secret.is_some(), "{webhook}");
        let ding = NewTarget::parse(&input(
            "dingtalk",
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "",
        ))
        .unwrap_err();
        assert!(ding.secret.unwrap().contains("SEC"));
        let slack =
            NewTarget::parse(&input("slack", "https://hooks.slack.com/x", "s")).unwrap_err();
        assert!(slack.secret.is_some());
        let ok = NewTarget::parse(&input("slack", "https://hooks.slack.com/x", "")).unwrap();
        assert!(ok.secret.is_none());
    }

    #[test]
    fn unusable_fields_each_get_a_message() {
        let errors = NewTarget::parse(&TargetInput {
            kind: "pager",
            name: "",
            url: "ftp://x",
            secret: "",
        })
        .unwrap_err();
        assert!(errors.kind.is_some() && errors.name.is_some());
        let bad_scheme =
            NewTarget::parse(&input("webhook", "ftp://files.example/x", "s")).unwrap_err();
        assert!(bad_scheme.url.unwrap().contains("https://"));
        let no_token = NewTarget::parse(&input(
            "dingtalk",
            "https://oapi.dingtalk.com/robot/send",
            "SEC1",
        ))
        .unwrap_err();
        assert!(no_token.url.unwrap().contains("access_token"));
        let long = "n".repeat(MAX_NAME + 1);
        assert!(TargetName::parse(&long).is_err());
    }
}
