//! The pages of signing in and out, changing one's password, and the small status pages (403,
//! 429) around them. Each is
//! rendered in the page shell to a whole HTML document on the server; none needs JavaScript.

mod login;
mod message;
mod password;

pub use login::{LoginPage, render_login_page};
pub use message::{LogoutForm, MessagePage, render_message_page};
pub use password::{PasswordForm, PasswordPage, render_password_page};
