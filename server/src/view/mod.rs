//! The JSON shapes shared by the CLI, the API, reports and the audit log, built from stored
//! records and domain values, and the CSV table the bucket export and reports write.

mod account;
mod bucket;
mod csv;
mod exemption;
mod key;
mod policy;

pub use account::{AccountView, LastScanView};
pub use bucket::{
    BucketView, ExemptWord, Judgement, StateFields, rfc3339, state_from_json, state_json,
};
pub use csv::CsvTable;
pub use exemption::{ExemptionNote, ExemptionView};
pub use key::KeyView;
pub use policy::{
    RuleView, RulesInputError, RulesView, ScopeView, TargetView, policy_json, rules_json,
};
