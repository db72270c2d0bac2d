//! The oss-audit dashboard: server-rendered Leptos pages, rendered by `server` through `leptos_axum`.

pub mod access;
