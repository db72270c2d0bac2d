//! Resource Directory `ListAccounts`: every member account of the directory, all pages.

use std::collections::HashSet;

use url::Url;

use super::rpc::{Api, Reply, RpcClient, RpcError, parse_json};
use crate::domain::AccountUid;
use crate::oss::ClientConfig;

/// The Resource Manager endpoint (`OSS_AUDIT_RESOURCEMANAGER_ENDPOINT` overrides it).
pub const DEFAULT_RESOURCEMANAGER_ENDPOINT: &str = "https://resourcemanager.aliyuncs.com";

const API: Api = Api {
    product: "ResourceManager",
    version: "2020-03-31",
};

/// The largest page ListAccounts serves.
pub const PAGE_SIZE: u32 = 100;
/// A directory holds at most a few thousand members; a listing still going after this many pages
/// is a service that never says it is done.
const MAX_PAGES: u32 = 1000;

/// One member of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAccount {
    pub uid: AccountUid,
    /// As the directory's administrator named it; [`crate::domain::AccountName::from_display_name`]
    /// makes an oss-audit account name of it.
    pub display_name: String,
    /// `ResourceAccount` or `CloudAccount`.
    pub account_type: String,
    pub status: MemberStatus,
    pub folder_id: String,
    pub resource_directory_id: String,
    /// `created` or `invited`.
    pub join_method: String,
    pub join_time: String,
}

/// A member's `Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberStatus {
    CreateSuccess,
    InviteSuccess,
    PromoteSuccess,
    PromoteVerifying,
    PromoteFailed,
    PromoteExpired,
    PromoteCancelled,
    /// A status this version does not know; never taken for active.
    Other(String),
}

impl MemberStatus {
    fn parse(raw: &str) -> Self {
        match raw {
            "CreateSuccess" => Self::CreateSuccess,
            "InviteSuccess" => Self::InviteSuccess,
            "PromoteSuccess" => Self::PromoteSuccess,
            "PromoteVerifying" => Self::PromoteVerifying,
            "PromoteFailed" => Self::PromoteFailed,
            "PromoteExpired" => Self::PromoteExpired,
            "PromoteCancelled" => Self::PromoteCancelled,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether the account is a working member (created, invited and accepted, or promoted).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::CreateSuccess | Self::InviteSuccess | Self::PromoteSuccess
        )
    }

    /// The value on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::CreateSuccess => "CreateSuccess",
            Self::InviteSuccess => "InviteSuccess",
            Self::PromoteSuccess => "PromoteSuccess",
            Self::PromoteVerifying => "PromoteVerifying",
            Self::PromoteFailed => "PromoteFailed",
            Self::PromoteExpired => "PromoteExpired",
            Self::PromoteCancelled => "PromoteCancelled",
            Self::Other(raw) => raw,
        }
    }
}

/// One page of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountsPage {
    pub accounts: Vec<MemberAccount>,
    /// Members in the whole directory.
    pub total_count: u64,
    pub request_id: String,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    request_id: String,
    total_count: u64,
    accounts: AccountList,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountList {
    // An empty directory may come back as `"Accounts": {}`.
    #[serde(default)]
    account: Vec<WireAccount>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireAccount {
    account_id: AccountUid,
    display_name: String,
    status: String,
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    folder_id: String,
    #[serde(default)]
    resource_directory_id: String,
    #[serde(default)]
    join_method: String,
    #[serde(default)]
    join_time: String,
}

/// A client of Resource Directory, calling with the hub identity's keys (the management account
/// or a delegated administrator).
#[derive(Debug, Clone)]
pub struct DirectoryClient {
    rpc: RpcClient,
}

impl DirectoryClient {
    /// Resource Manager at `endpoint`, reached and retried as the OSS client of `config` is.
    pub fn new(endpoint: Url, config: &ClientConfig) -> Result<Self, RpcError> {
        Ok(Self {
            rpc: RpcClient::new(API, endpoint, config)?,
        })
    }

    /// One page (`page` from 1, `size` 1 to 100).
    pub async fn list_accounts_page(&self, page: u32, size: u32) -> Result<AccountsPage, RpcError> {
        let reply = self
            .rpc
            .send(
                "ListAccounts",
                &[
                    ("PageNumber", page.to_string()),
                    ("PageSize", size.to_string()),
                ],
            )
            .await?;
        parse_accounts_page(&reply)
    }

    /// Every member, following the pages until `TotalCount` members are in hand. A listing that
    /// ends short of it is an error, never a partial list: deciding who left the directory from
    /// half a listing would report members as gone that are not.
    pub async fn list_accounts(&self) -> Result<Vec<MemberAccount>, RpcError> {
        let mut members: Vec<MemberAccount> = Vec::new();
        let mut seen: HashSet<AccountUid> = HashSet::new();
        for page in 1..=MAX_PAGES {
            let answer = self.list_accounts_page(page, PAGE_SIZE).await?;
            let fresh = answer.accounts.len();
            // A member that joined between two pages shifts the rest by one, so the next page
            // may repeat one already seen.
            for member in answer.accounts {
                if seen.insert(member.uid.clone()) {
                    members.push(member);
                }
            }
            let total = usize::try_from(answer.total_count).unwrap_or(usize::MAX);
            if members.len() >= total {
                return Ok(members);
            }
            if fresh == 0 {
                return Err(RpcError::Malformed {
                    product: API.product,
                    action: "ListAccounts",
                    status: 200,
                    request_id: Some(answer.request_id),
                    detail: format!(
                        "page {page} is empty after {} of the {total} members the directory counts",
                        members.len()
                    ),
                });
            }
        }
        Err(RpcError::Malformed {
            product: API.product,
            action: "ListAccounts",
            status: 200,
            request_id: None,
            detail: format!("still not done after {MAX_PAGES} pages"),
        })
    }
}

/// Turns a 2xx ListAccounts answer into a page, or `Malformed`: never a page with a member
/// missing a field.
pub(crate) fn parse_accounts_page(reply: &Reply) -> Result<AccountsPage, RpcError> {
    let answer: Answer = parse_json(API.product, "ListAccounts", reply)?;
    Ok(AccountsPage {
        accounts: answer
            .accounts
            .account
            .into_iter()
            .map(|a| MemberAccount {
                uid: a.account_id,
                display_name: a.display_name,
                account_type: a.r#type,
                status: MemberStatus::parse(&a.status),
                folder_id: a.folder_id,
                resource_directory_id: a.resource_directory_id,
                join_method: a.join_method,
                join_time: a.join_time,
            })
            .collect(),
        total_count: answer.total_count,
        request_id: answer.request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_created_invited_and_promoted_members_are_active() {
        for (raw, active) in [
            ("CreateSuccess", true),
            ("InviteSuccess", true),
            ("PromoteSuccess", true),
            ("PromoteVerifying", false),
            ("PromoteFailed", false),
            ("PromoteExpired", false),
            ("PromoteCancelled", false),
            ("SomethingNew", false),
        ] {
            let status = MemberStatus::parse(raw);
            assert_eq!(status.is_active(), active, "{raw}");
            assert_eq!(status.as_str(), raw);
        }
    }

    #[test]
    fn answers_parse_strictly() {
        let page = br#"{"RequestId":"R","TotalCount":1,"PageNumber":1,"PageSize":100,"Accounts":{"Account":[{"AccountId":"1763082937541213","DisplayName":"Payments Prod","Type":"ResourceAccount","Status":"CreateSuccess","FolderId":"fd-1","ResourceDirectoryId":"rd-1","JoinMethod":"created","JoinTime":"2021-01-01T00:00:00Z"}]}}"#;
        let answer: Answer = serde_json::from_slice(page).unwrap();
        assert_eq!(
            answer.accounts.account[0].account_id.as_str(),
            "1763082937541213"
        );
        let empty: Answer =
            serde_json::from_slice(br#"{"RequestId":"R","TotalCount":0,"Accounts":{}}"#).unwrap();
        assert!(empty.accounts.account.is_empty());
        for bad in [
            &page[..page.len() - 3],
            br#"{"RequestId":"R","TotalCount":1}"#,
            br#"{"RequestId":"R","TotalCount":1,"Accounts":{"Account":[{"AccountId":"not-a-uid","DisplayName":"x","Status":"CreateSuccess"}]}}"#,
        ] {
            assert!(serde_json::from_slice::<Answer>(bad).is_err());
        }
    }
}
