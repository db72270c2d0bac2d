//! `oss-audit report create|list|verify|show`: audit reports from the command line. Needs only the
//! database, never OSS credentials.

use std::io::Write;
use std::path::PathBuf;

use super::user::when;
use super::{CliError, failed, find_account};
use crate::actions;
use crate::domain::{Actor, ReportId};
use crate::report::{self, ReportError, ReportFormat, ReportTrigger};
use crate::store::{self, Store};

/// `oss-audit report ...`
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Make a report of the compliance state now (needs a completed scan, and something new
    /// since the latest report unless --force).
    Create {
        /// Make a report even when the latest one already covers everything.
        #[arg(long)]
        force: bool,
    },
    /// List reports, newest first: id, created, trigger, by whom, totals and digest.
    List {
        /// At most this many reports.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        limit: i64,
    },
    /// Check every report's digest and the chain linking them; exit 1 naming the first broken
    /// report and why.
    Verify,
    /// Print one report (or save it with --output).
    Show {
        /// A report id (see `report list`), or `latest`.
        #[arg(value_parser = parse_selector)]
        report: Selector,
        /// csv, json (the stored bytes, whose SHA-256 is the digest) or html.
        #[arg(long, default_value = "json")]
        format: ReportFormat,
        /// Write the report to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// Which report `show` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    Latest,
    Id(ReportId),
}

fn parse_selector(raw: &str) -> Result<Selector, String> {
    if raw.trim().eq_ignore_ascii_case("latest") {
        return Ok(Selector::Latest);
    }
    ReportId::parse(raw)
        .map(Selector::Id)
        .ok_or_else(|| format!("{raw:?} is not a report id or `latest` (see `report list`)"))
}

pub(super) async fn run(store: Store, command: ReportCommand) -> Result<(), CliError> {
    match command {
        ReportCommand::Create { force } => create(&store, force).await,
        ReportCommand::List { limit } => list(&store, limit).await,
        ReportCommand::Verify => verify(&store).await,
        ReportCommand::Show {
            report,
            format,
            output,
        } => show(&store, report, format, output).await,
    }
}

async fn create(store: &Store, force: bool) -> Result<(), CliError> {
    // Without the default account, nothing was ever scanned into this database.
    let Some(account) = find_account(store).await? else {
        return Err(CliError::failed(
            "could not make a report",
            ReportError::NoCompletedScan,
        ));
    };
    let created =
        actions::reports::create(store, account, ReportTrigger::Cli, &Actor::cli(), force)
            .await
            .map_err(failed("could not make a report"))?;
    let t = created.totals;
    println!(
        "created report {}: {} buckets, {} compliant, {} non-compliant, {} unknown",
        created.id, t.buckets, t.compliant, t.noncompliant, t.unknown
    );
    println!("sha256 {}", created.digest);
    Ok(())
}

async fn list(store: &Store, limit: i64) -> Result<(), CliError> {
    let Some(account) = find_account(store).await? else {
        println!("no reports yet");
        return Ok(());
    };
    let reports = store::list_reports(store, account, limit)
        .await
        .map_err(failed("could not list the reports"))?;
    if reports.is_empty() {
        println!("no reports yet");
        return Ok(());
    }
    println!(
        "{:>4}  {:<20}  {:<9}  {:<16}  {:>8}  {:>9}  {:>13}  {:>7}  SHA-256",
        "ID", "CREATED", "TRIGGER", "BY", "BUCKETS", "COMPLIANT", "NON-COMPLIANT", "UNKNOWN"
    );
    for r in reports {
        println!(
            "{:>4}  {:<20}  {:<9}  {:<16}  {:>8}  {:>9}  {:>13}  {:>7}  {}",
            r.id,
            when(Some(r.created_at)),
            r.trigger,
            r.created_by,
            r.buckets,
            r.compliant,
            r.noncompliant,
            r.unknown,
            r.digest
        );
    }
    Ok(())
}

async fn verify(store: &Store) -> Result<(), CliError> {
    let check = report::verify_chain(store)
        .await
        .map_err(failed("could not check the reports"))?;
    match check.broken {
        None => {
            println!(
                "the report chain holds: {} reports, every digest matches its content and names its predecessor",
                check.checked
            );
            Ok(())
        }
        Some(link) => Err(CliError::refused(format!(
            "the report chain is broken at {link}"
        ))),
    }
}

async fn show(
    store: &Store,
    selector: Selector,
    format: ReportFormat,
    output: Option<PathBuf>,
) -> Result<(), CliError> {
    let missing = || match selector {
        Selector::Latest => CliError::refused("there is no report yet (`report create` makes one)"),
        Selector::Id(id) => {
            CliError::refused(format!("there is no report {id} (see `report list`)"))
        }
    };
    let account = find_account(store).await?.ok_or_else(missing)?;
    let found = match selector {
        Selector::Latest => store::find_latest_report_content(store, account).await,
        Selector::Id(id) => store::find_report(store, account, id).await,
    }
    .map_err(failed("could not read the report"))?;
    let (record, content) = found.ok_or_else(missing)?;
    let rendered =
        report::render(&record, content, format).map_err(failed("could not render the report"))?;
    match output {
        Some(path) => {
            std::fs::write(&path, &rendered.bytes)
                .map_err(|e| CliError::failed(format!("could not write {}", path.display()), e))?;
            eprintln!(
                "wrote report {} ({format}) to {}; sha256 of its JSON: {}",
                record.id,
                path.display(),
                rendered.digest
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&rendered.bytes)
                .and_then(|()| stdout.flush())
                .map_err(failed("could not write the report"))?;
        }
    }
    Ok(())
}
