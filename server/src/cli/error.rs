//! `CliError`: the one error type of the command line, with its exit codes. It keeps the cause
//! of a failure, and `main` prints the whole chain on one line.

use std::error::Error;
use std::process::ExitCode;

use crate::oss::OssError;

/// A cause of any kind, kept for the chain.
pub type Cause = Box<dyn Error + Send + Sync>;

/// What went wrong, as the operator should read it.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Unusable configuration or input, refused before any request (exit 2).
    #[error(transparent)]
    Config(Cause),
    /// OSS refused or failed (exit 1); the message carries the OSS code and request id.
    #[error(transparent)]
    Oss(#[from] OssError),
    /// Anything else that failed (exit 1): what could not be done, and why.
    #[error("{what}")]
    Failed {
        what: String,
        #[source]
        source: Option<Cause>,
    },
    /// `--fail-on-noncompliant` found non-compliant or unknown buckets (exit 3).
    #[error("{0}")]
    NonCompliant(String),
}

impl CliError {
    /// Unusable input: a message, or the error that refused it.
    pub fn config(cause: impl Into<Cause>) -> Self {
        Self::Config(cause.into())
    }

    /// `what` could not be done because of `cause`.
    pub fn failed(what: impl Into<String>, cause: impl Into<Cause>) -> Self {
        Self::Failed {
            what: what.into(),
            source: Some(cause.into()),
        }
    }

    /// A failure that is said in full by `what`.
    pub fn refused(what: impl Into<String>) -> Self {
        Self::Failed {
            what: what.into(),
            source: None,
        }
    }

    /// The process exit code: 2 for input and configuration errors (as clap), 1 for failures,
    /// 3 for a failed compliance gate.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Config(_) => ExitCode::from(2),
            Self::Oss(_) | Self::Failed { .. } => ExitCode::from(1),
            Self::NonCompliant(_) => ExitCode::from(3),
        }
    }
}
