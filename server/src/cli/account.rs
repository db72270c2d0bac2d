//! `oss-audit account add|list|remove|discover`: the estate's accounts. Adding, listing and removing
//! need no OSS credentials; discovering asks Resource Directory with the hub's keys.

use super::args::{DbArgs, DirectoryArgs, HubArgs, OssArgs};
use super::{CliError, failed, hub_or_create, open};
use crate::actions::accounts::{self, AccountError, AccountInput, Added, Discovery};
use crate::cloud::DirectoryClient;
use crate::domain::{AccountName, Actor, ExternalId, RoleArn, RoleName};
use crate::oss::DEFAULT_ENDPOINT;
use crate::store::{self, Store};
use crate::view::AccountView;

/// Flags of `oss-audit account`.
#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub hub: HubArgs,
    #[command(subcommand)]
    pub command: AccountCommand,
}

/// `oss-audit account ...`
#[derive(Debug, clap::Subcommand)]
pub enum AccountCommand {
    /// Add a member account, reached by assuming a RAM role from the hub's keys (only the role's
    /// ARN and ExternalId are stored). Adding a removed account's name brings it back.
    Add(AddArgs),
    /// List the accounts: name, uid, role ARN and how the last scan of each went.
    List {
        /// Print them as JSON (`{"accounts":[...]}`).
        #[arg(long)]
        json: bool,
        /// Also list removed accounts.
        #[arg(long)]
        removed: bool,
    },
    /// Remove an account from the estate: it is no longer scanned; its history stays.
    Remove {
        /// The account's name.
        name: AccountName,
    },
    /// Add every active member of the Resource Directory not audited yet, each through the role
    /// of the same name in it (the hub itself is skipped; members that left are reported).
    Discover(DiscoverArgs),
}

/// Flags of `oss-audit account add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The name oss-audit shows and records for it, e.g. `payments-prod`.
    pub name: AccountName,
    /// The role to assume, `acs:ram::<account uid>:role/<role name>`.
    #[arg(long = "role-arn")]
    pub role_arn: RoleArn,
    /// The ExternalId the role's trust policy asks for.
    #[arg(long = "external-id")]
    pub external_id: Option<ExternalId>,
    /// Its own OSS endpoint for ListBuckets (default: the hub's OSS_ENDPOINT).
    #[arg(long = "endpoint")]
    pub endpoint: Option<String>,
    /// The hub's OSS endpoint, recorded when the database is new.
    #[arg(long = "hub-endpoint", env = "OSS_ENDPOINT", default_value = DEFAULT_ENDPOINT, hide = true)]
    pub hub_endpoint: String,
}

/// Flags of `oss-audit account discover`.
#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    /// The name of the role every member holds for oss-audit (`acs:ram::<uid>:role/<name>`).
    #[arg(long = "role-name")]
    pub role_name: RoleName,
    /// The ExternalId the members' roles ask for.
    #[arg(long = "external-id")]
    pub external_id: Option<ExternalId>,
    #[command(flatten)]
    pub directory: DirectoryArgs,
    #[command(flatten)]
    pub oss: OssArgs,
}

pub(super) async fn run(args: AccountArgs) -> Result<(), CliError> {
    let store = open(&args.db).await?;
    match args.command {
        AccountCommand::Add(add) => {
            hub_or_create(&store, &args.hub.account_name, &add.hub_endpoint)
                .await
                .map_err(failed("could not open the database"))?;
            let hub = store::find_hub(&store)
                .await
                .map_err(failed("could not read the accounts"))?
                .map(|h| h.endpoint)
                .unwrap_or(add.hub_endpoint.clone());
            let input = AccountInput {
                name: add.name,
                role_arn: add.role_arn,
                external_id: add.external_id,
                endpoint: add.endpoint,
            };
            let added = accounts::add(&store, &hub, &input, &Actor::cli())
                .await
                .map_err(account_error)?;
            let what = match &added {
                Added::New(_) => "added",
                Added::Revived(_) => "added again (its history was kept)",
                Added::Unchanged(_) => "already there, unchanged",
            };
            let account = added.account();
            let role = account
                .role_arn
                .as_ref()
                .map_or_else(String::new, ToString::to_string);
            println!("account {} {what}: role {role}", account.name);
            println!("the next scan covers it; its role is assumed then");
        }
        AccountCommand::List { json, removed } => list(&store, json, removed).await?,
        AccountCommand::Remove { name } => {
            let (account, removed) = accounts::remove(&store, &name, &Actor::cli())
                .await
                .map_err(account_error)?;
            if removed {
                println!(
                    "account {} removed: it is no longer scanned; its history stays",
                    account.name
                );
            } else {
                println!("account {} was already removed", account.name);
            }
        }
        AccountCommand::Discover(discover) => {
            let config = discover.oss.config()?;
            hub_or_create(&store, &args.hub.account_name, config.endpoint.as_str())
                .await
                .map_err(failed("could not open the database"))?;
            let endpoint = discover.directory.resourcemanager_endpoint;
            let directory = DirectoryClient::new(endpoint, &config).map_err(CliError::config)?;
            let hub_client = crate::oss::OssClient::new(config).map_err(CliError::config)?;
            let found = accounts::discover(
                &store,
                &directory,
                &hub_client,
                &discover.role_name,
                discover.external_id.as_ref(),
                &Actor::cli(),
            )
            .await
            .map_err(account_error)?;
            print_discovery(&found);
        }
    }
    Ok(())
}

fn account_error(err: AccountError) -> CliError {
    match err {
        AccountError::NotFound(_)
        | AccountError::Hub(_)
        | AccountError::Conflict(_)
        | AccountError::Endpoint(_) => CliError::config(err),
        other => CliError::failed("the accounts could not be changed", other),
    }
}

async fn list(store: &Store, json: bool, removed: bool) -> Result<(), CliError> {
    let accounts = store::list_accounts(store, removed)
        .await
        .map_err(failed("could not read the accounts"))?;
    let last = store::list_last_parts(store)
        .await
        .map_err(failed("could not read the scans"))?;
    let views: Vec<AccountView> = accounts
        .iter()
        .map(|a| AccountView::new(a, last.get(&a.id)))
        .collect();
    if json {
        println!("{}", serde_json::json!({ "accounts": views }));
        return Ok(());
    }
    println!("{:<24} {:<18} {:<50} LAST SCAN", "NAME", "UID", "ROLE ARN");
    for view in &views {
        let role = view
            .role_arn
            .clone()
            .unwrap_or_else(|| "(hub: the keys' own account)".to_owned());
        let last = match &view.last_scan {
            None => "never scanned".to_owned(),
            Some(scan) => {
                let mut text = format!("scan {} {}", scan.scan_id, scan.status);
                if let Some(code) = &scan.error_code {
                    text.push_str(&format!(
                        ": {code} (request id {})",
                        scan.request_id.as_deref().unwrap_or("none")
                    ));
                }
                text
            }
        };
        let removed = if view.removed_at.is_some() {
            " [removed]"
        } else {
            ""
        };
        println!(
            "{:<24} {:<18} {:<50} {last}{removed}",
            view.name,
            view.uid.as_deref().unwrap_or("-"),
            role
        );
    }
    Ok(())
}

fn print_discovery(found: &Discovery) {
    if let Some(hub) = &found.hub {
        println!("hub account {hub} skipped (it is audited with the keys themselves)");
    }
    for account in &found.added {
        let role = account
            .role_arn
            .as_ref()
            .map_or_else(String::new, ToString::to_string);
        println!("added {}: role {role}", account.name);
    }
    for name in &found.known {
        println!("already audited: {name}");
    }
    for name in &found.removed_here {
        println!("removed here, not added again: {name} (`oss-audit account add` brings it back)");
    }
    for name in &found.left {
        println!(
            "no longer an active member of the directory: {name} (still audited; `oss-audit account remove {name}` stops it)"
        );
    }
    for (uid, status) in &found.inactive {
        println!("not active yet, not added: {uid} ({status})");
    }
    println!(
        "{} added, {} already audited, {} left the directory",
        found.added.len(),
        found.known.len(),
        found.left.len()
    );
}
