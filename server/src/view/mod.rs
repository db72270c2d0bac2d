//! The JSON shapes shared by the CLI, the API and reports, built from stored records.

mod bucket;

pub use bucket::{BucketView, rfc3339, state_json};
