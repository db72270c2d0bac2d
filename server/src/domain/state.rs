//! `EncryptionState`: what reading a bucket's encryption found, including "could not read".

use std::fmt;

use super::EncryptionRule;

/// The three statuses used everywhere: UI, API, reports, CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// A default SSE rule exists.
    Encrypted,
    /// OSS answered `NoSuchServerSideEncryptionRule`.
    Unencrypted,
    /// We could not read it (denied, gone, errors after retries). Never compliant, never
    /// counted as unencrypted.
    Unknown,
}

impl Status {
    /// Every status, in display order.
    pub const ALL: [Self; 3] = [Self::Encrypted, Self::Unencrypted, Self::Unknown];

    /// The name used in JSON, SQL and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Encrypted => "encrypted",
            Self::Unencrypted => "unencrypted",
            Self::Unknown => "unknown",
        }
    }

    /// Parses a status name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one read of a bucket's default encryption found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EncryptionState {
    Encrypted(EncryptionRule),
    Unencrypted,
    /// The read failed; `code` is the OSS error code (or the kind of failure), `message` its text.
    Unknown {
        code: String,
        message: String,
    },
}

impl EncryptionState {
    /// The status of this state.
    pub fn status(&self) -> Status {
        match self {
            Self::Encrypted(_) => Status::Encrypted,
            Self::Unencrypted => Status::Unencrypted,
            Self::Unknown { .. } => Status::Unknown,
        }
    }

    /// The rule, when encrypted.
    pub fn rule(&self) -> Option<&EncryptionRule> {
        match self {
            Self::Encrypted(rule) => Some(rule),
            _ => None,
        }
    }

    /// The error code, when unknown.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Unknown { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether `other` is the same observation for history purposes: same rule, or the same
    /// failure code (a new message or request id for the same failure is not a change).
    pub fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Unknown { code: a, .. }, Self::Unknown { code: b, .. }) => a == b,
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for EncryptionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Encrypted(rule) => write!(f, "encrypted ({rule})"),
            Self::Unencrypted => f.write_str("unencrypted"),
            Self::Unknown { code, .. } => write!(f, "unknown ({code})"),
        }
    }
}
