//! Who may do what: roles, the principal behind a request, and the credentials that prove it.

pub mod bootstrap;
pub mod password;
mod role;
pub mod secrets;
pub mod sessions;
pub mod throttle;
pub mod tokens;
mod user_name;
pub mod users;

pub use role::{Principal, Role, RoleError};
pub use user_name::{MAX_USER_NAME_LEN, UserName, UserNameError};
