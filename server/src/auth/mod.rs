//! Who may do what: the principal behind a request, and the credentials that prove it.

pub mod bootstrap;
pub mod checks;
pub mod housekeeping;
pub mod password;
mod principal;
pub mod secrets;
pub mod sessions;
pub mod throttle;
pub mod tokens;

pub use principal::Principal;
