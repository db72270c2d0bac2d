//! What a penetration test found and how it stays fixed: connections that never finish their
//! request, made-up HTTP methods in the metrics, hosts taken from OSS answers, database files
//! readable by everyone, proxy passwords in messages, CSV downloads that hold the database, and
//! notification receivers on internal addresses, and remediations confirmed against a plan
//! other than the one shown.

mod connections;
mod database_files;
mod endpoints;
mod exports;
mod gateway;
mod history;
mod metrics;
mod plans;
mod proxy_urls;
mod receivers;
