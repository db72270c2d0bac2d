//! The estate's accounts: add a member (by its role), remove one (its history stays), and discover
//! the members of a Resource Directory. Each change is written with its audit-log entry, recorded
//! against the account it concerns.

use chrono::Utc;
use sqlx::SqliteConnection;

use crate::cloud::{AccountAccess, DirectoryClient, MemberAccount, RpcError};
use crate::domain::{AccountName, AccountUid, Actor, ExternalId, RoleArn, RoleName};
use crate::oss::{OssClient, OssError};
use crate::store::{self, AccountRecord, NewAccount, NewChange, Store, StoreError};

/// A member account to add: its name, the role to assume, and optionally an ExternalId and an
/// OSS endpoint of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInput {
    pub name: AccountName,
    pub role_arn: RoleArn,
    pub external_id: Option<ExternalId>,
    /// The OSS endpoint its ListBuckets goes to; the hub's when `None`.
    pub endpoint: Option<String>,
}

/// Why an account change was not made.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("no account is called {0}")]
    NotFound(AccountName),
    #[error("{0} is the hub account (the keys' own); it cannot be added or removed")]
    Hub(AccountName),
    /// The name or the account is taken.
    #[error("{0}")]
    Conflict(String),
    /// The endpoint given is unusable.
    #[error("{0}")]
    Endpoint(#[source] OssError),
    /// Resource Directory refused or failed (the message has its code and request id).
    #[error("could not list the Resource Directory's members: {0}")]
    Directory(#[source] RpcError),
    /// The hub's own account id could not be learnt from OSS.
    #[error("could not tell the hub's own account id from OSS: {0}")]
    HubUid(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccountError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => Self::Conflict(what),
            other => Self::Store(other),
        }
    }
}

/// What `add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A new account.
    New(AccountRecord),
    /// A removed account of that name came back, with the role given.
    Revived(AccountRecord),
    /// The account exists with exactly this role, ExternalId and endpoint: nothing changed.
    Unchanged(AccountRecord),
}

impl Added {
    /// The account as stored now.
    pub fn account(&self) -> &AccountRecord {
        match self {
            Self::New(a) | Self::Revived(a) | Self::Unchanged(a) => a,
        }
    }
}

/// Adds a member account, reached by assuming `input.role_arn` from the hub identity (nothing is
/// asked of STS here: the first scan assumes the role). Adding a removed account's name brings it
/// back, history and all; adding an existing account again with the same role changes nothing.
/// `hub_endpoint` is recorded as its endpoint when it has none of its own.
pub async fn add(
    store: &Store,
    hub_endpoint: &str,
    input: &AccountInput,
    actor: &Actor,
) -> Result<Added, AccountError> {
    // Refuse an unusable endpoint now rather than at the next scan.
    let endpoint = match &input.endpoint {
        Some(raw) => {
            let access = AccountAccess::new(
                crate::domain::AccountId::new(0),
                input.name.clone(),
                Some(&input.role_arn),
                input.external_id.as_ref(),
                Some(raw),
            )
            .map_err(AccountError::Endpoint)?;
            access.endpoint.map(|(url, _)| url.to_string())
        }
        None => None,
    };
    let new = NewAccount {
        name: &input.name,
        role_arn: &input.role_arn,
        external_id: input.external_id.as_ref(),
        oss_endpoint: endpoint.as_deref(),
        endpoint: endpoint.as_deref().unwrap_or(hub_endpoint),
        created_by: actor.as_str(),
        now: Utc::now(),
    };
    let mut tx = store.begin().await?;
    let existing = store::find_account_by_name(&mut *tx, &input.name).await?;
    let added = match existing {
        Some(found) if found.is_hub() => return Err(AccountError::Hub(found.name)),
        Some(found) if found.removed_at.is_none() => {
            let same = found.role_arn.as_ref() == Some(&input.role_arn)
                && found.external_id == input.external_id
                && found.oss_endpoint == endpoint;
            if !same {
                return Err(AccountError::Conflict(format!(
                    "account {} already exists with another role or endpoint; remove it first",
                    input.name
                )));
            }
            return Ok(Added::Unchanged(found));
        }
        Some(found) => {
            store::update_account(&mut tx, found.id, &new).await?;
            record(
                &mut tx,
                found.id,
                actor,
                "add-account",
                &describe(input, "revived"),
            )
            .await?;
            Added::Revived(store::get_account(&mut *tx, found.id).await?)
        }
        None => {
            let id = store::insert_account(&mut tx, &new).await?;
            record(&mut tx, id, actor, "add-account", &describe(input, "added")).await?;
            Added::New(store::get_account(&mut *tx, id).await?)
        }
    };
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(account = %input.name, role.arn = %input.role_arn, %actor, "account added");
    Ok(added)
}

fn describe(input: &AccountInput, what: &str) -> String {
    let mut text = format!("{what} account {} with role {}", input.name, input.role_arn);
    if input.external_id.is_some() {
        text.push_str(" and an ExternalId");
    }
    if let Some(endpoint) = &input.endpoint {
        text.push_str(&format!(", endpoint {endpoint}"));
    }
    text
}

/// Takes account `name` out of the estate: it is no longer scanned; its buckets' history, its
/// scans and the audit log stay. Returns the account; `false` when it was already removed.
pub async fn remove(
    store: &Store,
    name: &AccountName,
    actor: &Actor,
) -> Result<(AccountRecord, bool), AccountError> {
    let mut tx = store.begin().await?;
    let account = store::find_account_by_name(&mut *tx, name)
        .await?
        .ok_or_else(|| AccountError::NotFound(name.clone()))?;
    if account.is_hub() {
        return Err(AccountError::Hub(account.name));
    }
    if account.removed_at.is_some() {
        return Ok((account, false));
    }
    let now = Utc::now();
    store::mark_account_removed(&mut tx, account.id, now).await?;
    let detail = format!("removed account {name}; its history is kept");
    record(&mut tx, account.id, actor, "remove-account", &detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(account = %name, %actor, "account removed");
    Ok((account, true))
}

/// Records an account change in the audit log, against that account.
async fn record(
    conn: &mut SqliteConnection,
    account: crate::domain::AccountId,
    actor: &Actor,
    action: &str,
    detail: &str,
) -> Result<(), StoreError> {
    store::insert_change(
        conn,
        &NewChange::admin(account, actor.as_str(), action, detail),
    )
    .await
    .map(|_| ())
}

/// What `discover` found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    /// Members added now, with the role they will be reached through.
    pub added: Vec<AccountRecord>,
    /// Active members already audited (under these names).
    pub known: Vec<AccountName>,
    /// Members that were removed here: listed again, but left out until `account add` brings
    /// them back.
    pub removed_here: Vec<AccountName>,
    /// Audited members the directory no longer lists as active (they left, or are being
    /// promoted): still audited; remove them with `account remove`.
    pub left: Vec<AccountName>,
    /// Members not audited yet that are listed but not active (`PromoteVerifying`, …): not added.
    pub inactive: Vec<(AccountUid, String)>,
    /// The hub's own account id, skipped.
    pub hub: Option<AccountUid>,
}

/// Lists the Resource Directory's members (every page) and adds each active member not yet
/// audited as `acs:ram::<uid>:role/<role_name>`, named after its display name (made unique when
/// another account has that name). The hub's own account (also a member) is skipped. Safe to run
/// again: only new members are added; a member that left is reported, never removed.
pub async fn discover(
    store: &Store,
    directory: &DirectoryClient,
    hub_client: &OssClient,
    role_name: &RoleName,
    external_id: Option<&ExternalId>,
    actor: &Actor,
) -> Result<Discovery, AccountError> {
    let hub = store::find_hub(store)
        .await?
        .ok_or_else(|| AccountError::HubUid("the database has no hub account yet".into()))?;
    let hub_uid = match &hub.uid {
        Some(uid) => uid.clone(),
        None => learn_hub_uid(store, &hub, hub_client).await?,
    };
    let members = directory
        .list_accounts()
        .await
        .map_err(AccountError::Directory)?;
    let mut found = Discovery {
        hub: Some(hub_uid.clone()),
        ..Discovery::default()
    };
    let now = Utc::now();
    let mut tx = store.begin().await?;
    let mut accounts = store::list_accounts(&mut *tx, true).await?;
    let mut active: Vec<&MemberAccount> = Vec::new();
    for member in &members {
        if member.uid == hub_uid {
            continue;
        }
        if member.status.is_active() {
            active.push(member);
        } else if !accounts.iter().any(|a| a.uid.as_ref() == Some(&member.uid)) {
            found
                .inactive
                .push((member.uid.clone(), member.status.as_str().to_owned()));
        }
    }
    for member in &active {
        match accounts
            .iter()
            .find(|a| a.uid.as_ref() == Some(&member.uid))
        {
            Some(known) if known.removed_at.is_some() => {
                found.removed_here.push(known.name.clone())
            }
            Some(known) => found.known.push(known.name.clone()),
            None => {
                let name = unique_name(&accounts, member);
                let role_arn = RoleArn::new(&member.uid, role_name);
                let new = NewAccount {
                    name: &name,
                    role_arn: &role_arn,
                    external_id,
                    oss_endpoint: None,
                    endpoint: &hub.endpoint,
                    created_by: actor.as_str(),
                    now,
                };
                let id = store::insert_account(&mut tx, &new).await?;
                let detail = format!(
                    "added account {name} with role {role_arn}: member \"{}\" of Resource Directory {}",
                    member.display_name, member.resource_directory_id
                );
                record(&mut tx, id, actor, "add-account", &detail).await?;
                let added = store::get_account(&mut *tx, id).await?;
                accounts.push(added.clone());
                found.added.push(added);
            }
        }
    }
    for account in &accounts {
        let listed = account
            .uid
            .as_ref()
            .is_some_and(|uid| active.iter().any(|m| &m.uid == uid));
        if !account.is_hub() && account.removed_at.is_none() && !listed {
            found.left.push(account.name.clone());
        }
    }
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(
        added = found.added.len(),
        known = found.known.len(),
        left = found.left.len(),
        %actor,
        "Resource Directory members discovered"
    );
    Ok(found)
}

/// Asks OSS who owns the hub's buckets and records it as the hub's uid.
async fn learn_hub_uid(
    store: &Store,
    hub: &AccountRecord,
    client: &OssClient,
) -> Result<AccountUid, AccountError> {
    let owner = client
        .find_owner()
        .await
        .map_err(|e| AccountError::HubUid(e.to_string()))?;
    let raw = owner.value.ok_or_else(|| {
        AccountError::HubUid("ListBuckets named no owner of the hub's buckets".into())
    })?;
    let uid = AccountUid::parse(&raw).map_err(|e| AccountError::HubUid(e.to_string()))?;
    let mut tx = store.begin().await?;
    store::update_account_uid(&mut tx, hub.id, &uid).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(uid)
}

/// A name for `member` no account has: from its display name, else with the end of its uid
/// added, else `account-<uid>`.
fn unique_name(accounts: &[AccountRecord], member: &MemberAccount) -> AccountName {
    let taken = |name: &AccountName| accounts.iter().any(|a| &a.name == name);
    let base = AccountName::from_display_name(&member.display_name, &member.uid);
    if !taken(&base) {
        return base;
    }
    let uid = member.uid.as_str();
    let tail = &uid[uid.len().saturating_sub(6)..];
    let stem: String = base.as_str().chars().take(64 - tail.len() - 1).collect();
    AccountName::parse(&format!("{stem}-{tail}"))
        .ok()
        .filter(|name| !taken(name))
        .unwrap_or_else(|| {
            AccountName::parse(&format!("account-{uid}"))
                .unwrap_or_else(|_| unreachable!("account-<digits> is a valid name"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::MemberStatus;

    fn member(uid: &str, display: &str) -> MemberAccount {
        MemberAccount {
            uid: AccountUid::parse(uid).unwrap(),
            display_name: display.into(),
            account_type: "ResourceAccount".into(),
            status: MemberStatus::CreateSuccess,
            folder_id: String::new(),
            resource_directory_id: String::new(),
            join_method: "created".into(),
            join_time: String::new(),
        }
    }

    fn account(name: &str) -> AccountRecord {
        AccountRecord {
            id: crate::domain::AccountId::new(1),
            name: AccountName::parse(name).unwrap(),
            uid: None,
            role_arn: None,
            external_id: None,
            oss_endpoint: None,
            endpoint: String::new(),
            created_at: Utc::now(),
            created_by: None,
            removed_at: None,
        }
    }

    #[test]
    fn a_display_name_already_taken_gets_the_end_of_the_uid() {
        let payments = member("1763082937549132", "Payments Prod");
        assert_eq!(unique_name(&[], &payments).as_str(), "payments-prod");
        let taken = [account("payments-prod")];
        assert_eq!(
            unique_name(&taken, &payments).as_str(),
            "payments-prod-549132"
        );
        let both = [account("payments-prod"), account("payments-prod-549132")];
        assert_eq!(
            unique_name(&both, &payments).as_str(),
            "account-1763082937549132"
        );
    }
}
