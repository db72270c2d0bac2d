//! The oss-audit dashboard: server-rendered Leptos pages, components and the printable report.
//!
//! There is no hydration (no wasm32 target here), so every page is plain HTML and every form posts
//! to the server and is answered with a redirect. The server loads the data of a page into a view
//! model (`model`) and calls one of the `render_*` functions, which render it inside the one page
//! shell ([`document::Document`]) to a string; this crate knows nothing of SQL or OSS.

pub mod access;
pub mod components;
pub mod document;
pub mod model;
pub mod pages;
pub mod report;
mod shell;

pub use model::{Chrome, Flash, FlashKind, Nav, Page};
pub use shell::{Shell, render_page};
