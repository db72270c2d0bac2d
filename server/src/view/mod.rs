//! The JSON shapes shared by the CLI, the API and reports, built from stored records, and the CSV
//! table the bucket export and reports write.

mod bucket;
mod csv;

pub use bucket::{BucketView, rfc3339, state_json};
pub use csv::CsvTable;
