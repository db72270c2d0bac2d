//! `ScanStatus`: where a scan, or one account's part of it, stands.

use std::fmt;

/// The status of a scan or of one account's part of it. A part is never `Partial`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, sqlx::Type,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum ScanStatus {
    Running,
    /// Every part completed.
    Completed,
    /// Some parts failed (their accounts keep their previous picture), the others completed.
    Partial,
    /// Nothing completed: every part failed, or the scan could not start.
    Failed,
    /// Stopped before it ended (a shutdown, Ctrl-C, or a process that died).
    Interrupted,
}

impl ScanStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Running,
        Self::Completed,
        Self::Partial,
        Self::Failed,
        Self::Interrupted,
    ];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Partial => "partial",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether its results are in the picture: completed, or partial (the completed parts are).
    pub fn has_results(self) -> bool {
        matches!(self, Self::Completed | Self::Partial)
    }

    /// How a scan ended given how many of its `parts` completed and failed (the rest were
    /// interrupted): interrupted when any part was, else completed, partial or failed.
    pub fn of_parts(completed: usize, failed: usize, parts: usize) -> Self {
        if completed + failed < parts {
            Self::Interrupted
        } else if failed == 0 && parts > 0 {
            Self::Completed
        } else if completed > 0 {
            Self::Partial
        } else {
            Self::Failed
        }
    }
}

impl fmt::Display for ScanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_ends_as_its_parts_did() {
        assert_eq!(ScanStatus::of_parts(3, 0, 3), ScanStatus::Completed);
        assert_eq!(ScanStatus::of_parts(2, 1, 3), ScanStatus::Partial);
        assert_eq!(ScanStatus::of_parts(0, 3, 3), ScanStatus::Failed);
        assert_eq!(ScanStatus::of_parts(2, 0, 3), ScanStatus::Interrupted);
        assert_eq!(ScanStatus::of_parts(0, 0, 0), ScanStatus::Failed);
        for status in ScanStatus::ALL {
            assert_eq!(ScanStatus::parse(status.as_str()), Some(status));
        }
        assert!(ScanStatus::Partial.has_results() && !ScanStatus::Failed.has_results());
    }
}
