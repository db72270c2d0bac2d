//! `Secret`: a string that never prints itself (access key secrets, tokens, passwords, webhook
//! URLs and signing keys).

use std::fmt;

/// A secret string (access key secret, STS token). `Debug` and `Display` print a placeholder, so a
/// secret that reaches a log line or an error message by mistake is still not disclosed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for signing. Call sites of this are the only places a secret is read.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}
