//! What a command that changes buckets (`remediate`, `revert`) acts with: the database, each
//! account's OSS client (a member's through its assumed role), the hub and the shell's user.

use super::args::{DbArgs, HubArgs, OssArgs, StsArgs};
use super::{CliError, open_account};
use crate::actions::Changer;
use crate::cloud::{AccountClients, StsClient};
use crate::domain::{AccountId, Actor};
use crate::store::Store;

/// The parts a [`Changer`] borrows, owned for the length of one command.
pub struct ChangeTools {
    store: Store,
    clients: AccountClients,
    hub: AccountId,
    actor: Actor,
}

impl ChangeTools {
    /// Opens the database (setting up the hub on first use) and the clients the flags describe.
    pub async fn open(
        oss: &OssArgs,
        db: &DbArgs,
        hub: &HubArgs,
        sts: &StsArgs,
    ) -> Result<Self, CliError> {
        let client = oss.client(0)?;
        // A bucket of a member account is changed through that account's assumed role.
        let sts =
            StsClient::new(sts.sts_endpoint.clone(), client.config()).map_err(CliError::config)?;
        let endpoint = client.config().endpoint.as_str().to_owned();
        let (store, hub) = open_account(db, &hub.account_name, &endpoint).await?;
        Ok(Self {
            store,
            clients: AccountClients::new(client, sts),
            hub,
            actor: Actor::cli(),
        })
    }

    /// What the changes act with.
    pub fn changer(&self) -> Changer<'_> {
        Changer {
            store: &self.store,
            clients: &self.clients,
            hub: self.hub,
            actor: &self.actor,
            key_answers: None,
        }
    }
}
