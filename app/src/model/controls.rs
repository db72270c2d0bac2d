//! Controls auditors name (CIS, Cloud Config, MLPS) and how the buckets stand against each: the
//! Controls page, and the controls section of a printable report.

/// The Controls page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlsModel {
    pub rows: Vec<ControlRow>,
    /// Present buckets counted.
    pub buckets: u64,
}

/// One control and its counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlRow {
    /// e.g. `cis-5.8`: the bucket list filters on it (`/buckets?control=cis-5.8&result=failing`).
    pub id: String,
    pub framework: String,
    pub reference: String,
    pub title: String,
    /// The oss-audit requirement a bucket must meet to pass.
    pub requirement: String,
    pub passing: u64,
    pub failing: u64,
    pub exempt: u64,
    pub unknown: u64,
}
