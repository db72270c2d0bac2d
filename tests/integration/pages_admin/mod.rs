//! The pages driven like a browser: the navigation, scans, the audit log and settings
//! (remediation is in `pages_remediate`).

mod audit_log;
mod navigation;
mod scans;
mod settings;
