//! The `oss-audit` binary: parse the command line, start logging, run the command.

use std::process::ExitCode;

use oss_audit::cli::Cli;
use oss_audit::oss::error_chain;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::from_command_line();
    let filter = EnvFilter::try_from_env("OSS_AUDIT_LOG")
        .unwrap_or_else(|_| EnvFilter::new(cli.default_log_filter()));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match cli.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error_chain(&err));
            err.exit_code()
        }
    }
}
