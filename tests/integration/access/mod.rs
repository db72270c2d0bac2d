//! Access control, black-box: sign-in and sessions, throttling, CSRF, security headers, the
//! user and token commands, and the bootstrap administrator.

mod bootstrap;
mod cli;
mod cookies;
mod csrf_and_headers;
mod housekeeping;
mod passwords;
mod sessions;
mod throttling;
mod tokens;
