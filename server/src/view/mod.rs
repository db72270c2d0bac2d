//! The JSON shapes shared by the CLI, the API and reports, built from stored records.

mod bucket;

pub use bucket::BucketView;
