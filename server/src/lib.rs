//! oss-audit: audit and fix the server-side encryption of Alibaba Cloud OSS buckets.

pub mod auth;
pub mod changes;
pub mod cli;
pub mod cloud;
pub mod domain;
pub mod notify;
pub mod oss;
pub mod policy;
pub mod report;
pub mod sandbox;
pub mod scan;
pub mod startup;
pub mod store;
pub mod view;
pub mod web;
