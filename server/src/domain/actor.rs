//! `Actor`: who made a change, as the audit log, events and stored records name them.

use std::fmt;

/// Who made a change: `user:alice` (the dashboard), `token:ci` (the API), `cli:root` (a shell), or
/// a part of oss-audit itself (`environment`, `schedule`, `demo`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor(String);

impl Actor {
    /// A signed-in dashboard user.
    pub fn user(name: &str) -> Self {
        Self(format!("user:{name}"))
    }

    /// An API token, by its name.
    pub fn token(name: &str) -> Self {
        Self(format!("token:{name}"))
    }

    /// The operator of a command run from a shell: `cli:$USER`, or `cli` when the shell does not
    /// say who it is.
    pub fn cli() -> Self {
        Self(std::env::var("USER").map_or_else(|_| "cli".to_owned(), |user| format!("cli:{user}")))
    }

    /// oss-audit itself acting on its configuration or schedule (`environment`, `env`,
    /// `schedule`, `demo`), or any other name a caller records as given.
    pub fn named(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
