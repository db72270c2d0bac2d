//! `oss-audit token create|list|revoke`: API tokens. The token is printed once, on the last line
//! of `create`'s output; only its digest is stored.

use super::user::when;
use super::{CliError, failed, find_account};
use crate::actions::tokens::{self, TokenRequest};
use crate::auth::tokens::TokenLifetime;
use crate::domain::{Actor, Role, TokenId};
use crate::store::{self, Store};

/// `oss-audit token ...`
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once (on the last line).
    Create {
        /// What the token is for, e.g. `ci-pipeline`.
        #[arg(long, value_parser = parse_token_name)]
        name: String,
        /// viewer, operator or admin.
        #[arg(long)]
        role: Role,
        /// How long the token works, e.g. `30d`, `12h` (at least 1m, at most 730d).
        #[arg(long = "expires-in", default_value = "90d", value_parser = parse_lifetime)]
        expires_in: TokenLifetime,
    },
    /// List tokens: id, name, role, prefix, created, last used, expires, revoked.
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
            expires_in,
        } => {
            let account = find_account(&store).await?;
            let request = TokenRequest {
                name: &name,
                role,
                lifetime: expires_in,
                owner: None,
            };
            let created = tokens::create(&store, account, &request, &Actor::cli())
                .await
                .map_err(failed("could not create the token"))?;
            println!(
                "created token {} {name:?} ({role}, starts {}, expires {}); store it now: it will not be shown again",
                created.id,
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
            let width = tokens
                .iter()
                .map(|t| t.name.chars().count())
                .max()
                .unwrap_or(0)
                .max(4);
            println!(
                "{:>4}  {:<width$}  {:<8}  {:<10}  {:<20}  {:<20}  {:<20}  REVOKED",
                "ID", "NAME", "ROLE", "PREFIX", "CREATED", "LAST USED", "EXPIRES"
            );
            for token in tokens {
                println!(
                    "{:>4}  {:<width$}  {:<8}  {:<10}  {:<20}  {:<20}  {:<20}  {}",
                    token.id,
                    token.name,
                    token.role.as_str(),
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
