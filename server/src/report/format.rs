//! The download formats: the stored JSON as is, or CSV and HTML rendered from it.

use std::fmt;
use std::str::FromStr;

use super::document::ReportDocument;
use super::{ReportError, csv, html};
use crate::store::ReportRecord;

/// A download format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportFormat {
    Csv,
    /// The stored bytes, exactly: `sha256sum` of the file is the report's digest.
    #[default]
    Json,
    Html,
}

impl ReportFormat {
    /// Every format, by name.
    pub const ALL: [Self; 3] = [Self::Csv, Self::Json, Self::Html];

    /// `csv`, `json` or `html`: the query value and the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Html => "html",
        }
    }

    /// The media type of the download.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Html => "text/html; charset=utf-8",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportFormat {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(raw.trim()))
            .ok_or_else(|| format!("{raw:?} is not a report format (csv, json or html)"))
    }
}

/// A report ready to send or save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedReport {
    pub format: ReportFormat,
    pub bytes: Vec<u8>,
    /// `report-N.csv` and so on.
    pub filename: String,
    /// Hex SHA-256 of the stored JSON.
    pub digest: String,
}

/// Renders a stored report in `format`. Rendering is deterministic: the same stored report gives
/// the same bytes every time.
pub fn render(
    record: &ReportRecord,
    content: Vec<u8>,
    format: ReportFormat,
) -> Result<RenderedReport, ReportError> {
    let bytes = match format {
        ReportFormat::Json => content,
        ReportFormat::Csv => csv::render(&parse(record, &content)?)?,
        ReportFormat::Html => html::render(parse(record, &content)?, record).into_bytes(),
    };
    Ok(RenderedReport {
        format,
        bytes,
        filename: format!("report-{}.{}", record.id, format.as_str()),
        digest: record.digest.clone(),
    })
}

fn parse(record: &ReportRecord, content: &[u8]) -> Result<ReportDocument, ReportError> {
    ReportDocument::parse(content).map_err(|e| ReportError::Unreadable {
        report: record.id,
        reason: e.to_string(),
    })
}
