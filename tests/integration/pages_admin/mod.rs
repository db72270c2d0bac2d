//! The pages driven like a browser: the overview, the navigation, scans, the audit log and settings
//! (remediation is in `pages_remediate`).

mod accounts;
mod audit_log;
mod navigation;
mod overview;
mod scans;
mod settings;
