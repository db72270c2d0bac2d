//! Black-box tests: the real client and CLI against the sandbox over HTTP, in one test binary.

mod access;
mod api;
mod api_fuzz;
mod cli;
mod client_encryption;
mod client_listing;
mod client_resilience;
mod cloud;
mod doctor;
mod engine_cli;
mod estate;
mod exemptions;
mod fidelity;
mod hardening;
mod keys;
mod notify;
mod pages_admin;
mod pages_buckets;
mod pages_remediate;
mod remediate_cli;
mod reports;
mod reverts;
mod rules;
mod scan;
mod scheduler;
mod secrets;
#[path = "../support/mod.rs"]
mod support;
