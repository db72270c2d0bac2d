//! `CliError`: the one error type of the command line, with its exit codes.

use std::process::ExitCode;

use crate::oss::OssError;

/// What went wrong, as the operator should read it.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Unusable configuration or input, refused before any request (exit 2).
    #[error("{0}")]
    Config(String),
    /// OSS refused or failed (exit 1); the message carries the OSS code and request id.
    #[error("{0}")]
    Oss(#[from] OssError),
    /// Anything else that failed (exit 1).
    #[error("{0}")]
    Failed(String),
    /// `--fail-on-noncompliant` found non-compliant or unknown buckets (exit 3).
    #[error("{0}")]
    NonCompliant(String),
}

impl CliError {
    /// The process exit code: 2 for input and configuration errors (as clap), 1 for failures,
    /// 3 for a failed compliance gate.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Config(_) => ExitCode::from(2),
            Self::Oss(_) | Self::Failed(_) => ExitCode::from(1),
            Self::NonCompliant(_) => ExitCode::from(3),
        }
    }
}
