//! `oss-audit user add|set-role|list|disable|set-password`: manage dashboard users. Needs only the
//! database, never OSS credentials.

use std::io::{BufRead, IsTerminal};

use chrono::{DateTime, Utc};

use super::{CliError, failed, find_account};
use crate::actions::grants::GrantError;
use crate::actions::users::{self, UserError};
use crate::auth::password::{Password, PasswordError};
use crate::domain::{AccountGrant, Actor, Role, UserName};
use crate::store::{self, GrantRecord, Grantee, Store};

/// `oss-audit user ...`
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is asked for without echo on a terminal; otherwise it is the
    /// first line of standard input. At least 12 characters.
    Add {
        /// The name to sign in with.
        name: UserName,
        /// viewer, operator or admin: the role on every account not given one by --account.
        #[arg(long)]
        role: Role,
        /// A role on one account instead, as ACCOUNT=ROLE (viewer or operator); repeat for
        /// more accounts, e.g. `--role viewer --account payments-prod=operator`.
        #[arg(long = "account", value_name = "ACCOUNT=ROLE")]
        accounts: Vec<AccountGrant>,
    },
    /// Set a user's role on every account and their per-account roles (replacing the ones they
    /// had; without --account they have none).
    SetRole {
        /// The user whose role to set.
        name: UserName,
        /// viewer, operator or admin: the role on every account not given one by --account.
        #[arg(long)]
        role: Role,
        /// A role on one account instead, as ACCOUNT=ROLE (viewer or operator); repeatable.
        #[arg(long = "account", value_name = "ACCOUNT=ROLE")]
        accounts: Vec<AccountGrant>,
    },
    /// List users: name, role, per-account roles, created, disabled.
    List,
    /// Disable a user and end their sessions.
    Disable {
        /// The user to disable.
        name: UserName,
    },
    /// Set a user's password (read as for `add`) and end their sessions.
    SetPassword {
        /// The user whose password to set.
        name: UserName,
    },
}

/// A role and its per-account roles in words, as the audit log has them.
pub(super) fn describe(role: Role, accounts: &[AccountGrant]) -> String {
    crate::actions::grants::describe(role, accounts)
}

/// The per-account roles of one user or token as `ACCOUNT=ROLE,...`, `-` for none.
pub(super) fn per_account(grants: &[GrantRecord], grantee: Grantee) -> String {
    let mine: Vec<String> = grants
        .iter()
        .filter(|g| g.grantee == grantee)
        .map(|g| format!("{}={}", g.account, g.role))
        .collect();
    if mine.is_empty() {
        "-".to_owned()
    } else {
        mine.join(",")
    }
}

/// Formats a time as the lists show it.
pub(super) fn when(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(
        || "-".to_owned(),
        |at| at.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

fn password_error(err: PasswordError) -> CliError {
    CliError::config(err)
}

fn user_error(err: UserError) -> CliError {
    match err {
        UserError::Password(e) => password_error(e),
        UserError::Grants(e @ (GrantError::UnknownAccount(_) | GrantError::Access(_))) => {
            CliError::config(e)
        }
        other => CliError::failed("could not change the user", other),
    }
}

/// The new password: prompted twice without echo on a terminal, else the first line of stdin.
fn read_password(name: &UserName) -> Result<Password, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let read = |prompt: &str| {
            rpassword::prompt_password(prompt).map_err(failed("could not read the password"))
        };
        let first = read(&format!("Password for {name}: "))?;
        let password = Password::new(&first).map_err(password_error)?;
        if read("Repeat the password: ")? != password.expose() {
            return Err(CliError::config("the passwords do not match"));
        }
        Ok(password)
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(failed("could not read the password from stdin"))?;
        Password::new(&line).map_err(password_error)
    }
}

pub(super) async fn run(store: Store, command: UserCommand) -> Result<(), CliError> {
    let actor = Actor::cli();
    match command {
        UserCommand::Add {
            name,
            role,
            accounts,
        } => {
            let password = read_password(&name)?;
            let account = find_account(&store).await?;
            users::add(&store, account, &name, role, &accounts, password, &actor)
                .await
                .map_err(user_error)?;
            println!("added user {name} ({})", describe(role, &accounts));
        }
        UserCommand::SetRole {
            name,
            role,
            accounts,
        } => {
            let account = find_account(&store).await?;
            users::set_role(&store, account, &name, role, &accounts, &actor)
                .await
                .map_err(user_error)?;
            println!("set the role of {name} to {}", describe(role, &accounts));
        }
        UserCommand::List => list(&store).await?,
        UserCommand::Disable { name } => {
            let account = find_account(&store).await?;
            users::disable(&store, account, &name, &actor)
                .await
                .map_err(user_error)?;
            println!("disabled user {name}; their sessions are ended");
        }
        UserCommand::SetPassword { name } => {
            let password = read_password(&name)?;
            let account = find_account(&store).await?;
            users::set_password(&store, account, &name, password, &actor)
                .await
                .map_err(user_error)?;
            println!("set the password of {name}; their sessions are ended");
        }
    }
    Ok(())
}

async fn list(store: &Store) -> Result<(), CliError> {
    let users = store::list_users(store)
        .await
        .map_err(failed("could not list the users"))?;
    let grants = store::list_grants(store)
        .await
        .map_err(failed("could not list the per-account roles"))?;
    let width = users
        .iter()
        .map(|u| u.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    println!(
        "{:<width$}  {:<8}  {:<24}  {:<20}  DISABLED",
        "NAME", "ROLE", "PER ACCOUNT", "CREATED"
    );
    for user in users {
        println!(
            "{:<width$}  {:<8}  {:<24}  {:<20}  {}",
            user.name,
            user.role.as_str(),
            per_account(&grants, Grantee::User(user.id)),
            when(Some(user.created_at)),
            when(user.disabled_at),
        );
    }
    Ok(())
}
