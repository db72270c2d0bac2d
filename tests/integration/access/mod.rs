//! Access control, black-box: sign-in and sessions, throttling, CSRF, security headers, the
//! user and token commands, per-account roles, and the bootstrap administrator.

mod bootstrap;
mod cli;
mod cookies;
mod csrf_and_headers;
mod grants;
mod housekeeping;
mod passwords;
mod sessions;
mod throttling;
mod tokens;
