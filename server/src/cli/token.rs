//! `oss-audit token create|list|revoke`: API tokens. The token is printed once, on the last line
//! of `create`'s output; only its digest is stored.

use super::user::{describe, per_account, when};
use super::{CliError, failed, find_account};
use crate::actions::grants::GrantError;
use crate::actions::tokens::{self, TokenRequest};
use crate::auth::tokens::TokenLifetime;
use crate::domain::{AccountGrant, Actor, Role, TokenId};
use crate::store::{self, Grantee, Store};

/// `oss-audit token ...`
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once (on the last line).
    Create {
        /// What the token is for, e.g. `ci-pipeline`.
        #[arg(long, value_parser = parse_token_name)]
        name: String,
        /// viewer, operator or admin: the role on every account not given one by --account.
        #[arg(long)]
        role: Role,
        /// A role on one account instead, as ACCOUNT=ROLE (viewer or operator); repeat for
        /// more accounts, e.g. `--role viewer --account payments-prod=operator`.
        #[arg(long = "account", value_name = "ACCOUNT=ROLE")]
        accounts: Vec<AccountGrant>,
        /// How long the token works, e.g. `30d`, `12h` (at least 1m, at most 730d).
        #[arg(long = "expires-in", default_value = "90d", value_parser = parse_lifetime)]
        expires_in: TokenLifetime,
    },
    /// List tokens: id, name, role, per-account roles, prefix, created, last used, expires,
    /// revoked.
    List,
    /// Revoke a token; it stops working at once, also for a running server.
    Revoke {
        /// The token's id, from `token list`.
        #[arg(value_parser = parse_token_id)]
        id: TokenId,
    },
}

fn parse_token_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err("use 1 to 64 printable characters".into());
    }
    Ok(name.to_owned())
}

fn parse_lifetime(raw: &str) -> Result<TokenLifetime, String> {
    let duration = humantime::parse_duration(raw.trim())
        .map_err(|e| format!("{e} (expected e.g. 90d, 30d or 12h)"))?;
    TokenLifetime::new(duration).map_err(|e| e.to_string())
}

fn parse_token_id(raw: &str) -> Result<TokenId, String> {
    TokenId::parse(raw).ok_or_else(|| format!("{raw:?} is not a token id (see `token list`)"))
}

pub(super) async fn run(store: Store, command: TokenCommand) -> Result<(), CliError> {
    match command {
        TokenCommand::Create {
            name,
            role,
            accounts,
            expires_in,
        } => {
            let account = find_account(&store).await?;
            let request = TokenRequest {
                name: &name,
                role,
                grants: &accounts,
                lifetime: expires_in,
                owner: None,
            };
            let created = tokens::create(&store, account, &request, &Actor::cli())
                .await
                .map_err(|err| match err {
                    GrantError::Store(e) => CliError::failed("could not create the token", e),
                    other => CliError::config(other),
                })?;
            println!(
                "created token {} {name:?} ({}, starts {}, expires {}); store it now: it will not be shown again",
                created.id,
                describe(role, &accounts),
                created.prefix,
                when(Some(created.expires_at))
            );
            // The one documented place a token is shown.
            println!("{}", created.token.expose());
        }
        TokenCommand::List => {
            let tokens = store::list_api_tokens(&store)
                .await
                .map_err(failed("could not list the tokens"))?;
            let grants = store::list_grants(&store)
                .await
                .map_err(failed("could not list the per-account roles"))?;
            let width = tokens
                .iter()
                .map(|t| t.name.chars().count())
                .max()
                .unwrap_or(0)
                .max(4);
            println!(
                "{:>4}  {:<width$}  {:<8}  {:<24}  {:<10}  {:<20}  {:<20}  {:<20}  REVOKED",
                "ID", "NAME", "ROLE", "PER ACCOUNT", "PREFIX", "CREATED", "LAST USED", "EXPIRES"
            );
            for token in tokens {
                println!(
                    "{:>4}  {:<width$}  {:<8}  {:<24}  {:<10}  {:<20}  {:<20}  {:<20}  {}",
                    token.id,
                    token.name,
                    token.role.as_str(),
                    per_account(&grants, Grantee::Token(token.id)),
                    token.prefix,
                    when(Some(token.created_at)),
                    when(token.last_used_at),
                    when(token.expires_at),
                    when(token.revoked_at),
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let account = find_account(&store).await?;
            if !tokens::revoke(&store, account, id, &Actor::cli())
                .await
                .map_err(failed("could not revoke the token"))?
            {
                return Err(CliError::refused(format!("there is no token {id}")));
            }
            println!("revoked token {id}");
        }
    }
    Ok(())
}
