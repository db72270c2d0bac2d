//! `Trigger`: what started a scan.

/// What started a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    Cli,
    Api,
    Dashboard,
    Demo,
}

impl Trigger {
    /// The name stored with the scan.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Cli => "cli",
            Self::Api => "api",
            Self::Dashboard => "dashboard",
            Self::Demo => "demo",
        }
    }
}
