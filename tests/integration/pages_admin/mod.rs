//! The admin-side pages driven like a browser: scans, the audit log and settings (remediation is
//! in `pages_remediate`).

mod audit_log;
mod scans;
mod settings;
