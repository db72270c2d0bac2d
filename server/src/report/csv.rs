//! The CSV of a report: one row per bucket under one header line, for spreadsheets. The report's
//! other parts (totals, policy, changes) are in the JSON and HTML.

use super::ReportError;
use super::document::ReportDocument;
use crate::view::CsvTable;

/// The columns, in order.
pub const COLUMNS: [&str; 15] = [
    "account",
    "name",
    "region",
    "status",
    "sse_algorithm",
    "kms_master_key_id",
    "kms_data_encryption",
    "compliant",
    "error_code",
    "exemption",
    "state_since",
    "last_change_at",
    "last_change_actor",
    "last_change_action",
    "last_change_request_id",
];

/// The CSV text of `report`'s buckets.
pub fn render(report: &ReportDocument) -> Result<Vec<u8>, ReportError> {
    let mut table = CsvTable::with_capacity(report.buckets.len() * 200 + 256);
    table.header(&COLUMNS).map_err(ReportError::Csv)?;
    for b in &report.buckets {
        let change = b.last_change.as_ref();
        let cells = [
            b.account.clone(),
            Some(b.name.clone()),
            Some(b.region.clone()),
            Some(b.status.clone()),
            b.sse_algorithm.clone(),
            b.kms_master_key_id.clone(),
            b.kms_data_encryption.clone(),
            b.compliant.map(|c| c.to_string()),
            b.error_code.clone(),
            b.exemption
                .as_ref()
                .and_then(|e| serde_json::to_string(e).ok()),
            Some(b.state_since.clone()),
            change.map(|c| c.at.clone()),
            change.map(|c| c.actor.clone()),
            change.map(|c| c.action.clone()),
            change.and_then(|c| c.request_id.clone()),
        ];
        table.row(&cells).map_err(ReportError::Csv)?;
    }
    table.into_bytes().map_err(ReportError::Csv)
}
