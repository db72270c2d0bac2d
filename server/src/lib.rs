//! oss-audit: audit and fix the server-side encryption of Alibaba Cloud OSS buckets.
//!
//! The modules depend downwards only: `domain` (shared values), `signal` (the stop request) ←
//! `store`, `oss`, `sandbox` ← `notify`, `auth`, `view` ← `scan`, `report`, `doctor` (permission
//! checks), `actions` (every write) ← `web`, `cli` ← `startup`, which `cli` and the tests call to
//! run the server.

pub mod actions;
pub mod auth;
pub mod cli;
pub mod cloud;
pub mod doctor;
pub mod domain;
pub mod notify;
pub mod oss;
pub mod report;
pub mod sandbox;
pub mod scan;
pub mod signal;
pub mod startup;
pub mod store;
pub mod view;
pub mod web;
