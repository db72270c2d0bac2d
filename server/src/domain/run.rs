//! `RunKind`: what a run (one request that changes many buckets) does.

use std::fmt;

/// What a run does to the buckets it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunKind {
    /// One-click remediation: the policy's target rule on every bucket chosen.
    Remediate,
    /// A revert: each bucket gets back the state it had before a change or a run.
    Revert,
}

impl RunKind {
    /// The name stored and shown: `remediate` or `revert` (the audit-log action of its entries).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Remediate => "remediate",
            Self::Revert => "revert",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "remediate" => Some(Self::Remediate),
            "revert" => Some(Self::Revert),
            _ => None,
        }
    }
}

impl fmt::Display for RunKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_as_stored_and_nothing_else_reads() {
        for kind in [RunKind::Remediate, RunKind::Revert] {
            assert_eq!(RunKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RunKind::parse("Revert"), None);
        assert_eq!(RunKind::parse(""), None);
    }
}
