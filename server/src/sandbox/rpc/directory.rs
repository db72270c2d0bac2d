//! Resource Directory ListAccounts: the directory's members, paged.

use serde_json::{Value, json};

use super::fault::RpcFault;
use super::{Params, param};
use crate::sandbox::estate::{FOLDER_ID, RESOURCE_DIRECTORY_ID, SandboxAccount};
use crate::sandbox::keys::Caller;
use crate::sandbox::state::SandboxState;

const DEFAULT_PAGE_SIZE: u64 = 10;
const MAX_PAGE_SIZE: u64 = 100;
/// When every member joined: fixed, so answers are stable.
const JOIN_TIME: &str = "2021-03-01T08:00:00Z";

/// Answers one page of ListAccounts. Only the hub (the management account) may call it.
pub(crate) fn list_accounts(
    state: &SandboxState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, RpcFault> {
    if caller.account != state.keys.hub {
        return Err(RpcFault::no_permission());
    }
    let number = |name: &str, default: u64, max: u64| -> Result<u64, RpcFault> {
        match param(params, name) {
            None | Some("") => Ok(default),
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| RpcFault::invalid(name, &format!("it must be 1 to {max}"))),
        }
    };
    let page = number("PageNumber", 1, u64::from(u32::MAX))?;
    let size = number("PageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let estate = state.estate();
    let members: Vec<&SandboxAccount> = estate
        .accounts()
        .iter()
        .filter(|a| a.in_directory)
        .collect();
    let skip = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let take = usize::try_from(size).unwrap_or(usize::MAX);
    let accounts: Vec<Value> = members
        .iter()
        .skip(skip)
        .take(take)
        .map(|a| account(a))
        .collect();
    Ok(json!({
        "TotalCount": members.len(),
        "PageNumber": page,
        "PageSize": size,
        "Accounts": { "Account": accounts },
    }))
}

fn account(a: &SandboxAccount) -> Value {
    let (kind, join_method) = if a.is_hub() {
        ("CloudAccount", "invited")
    } else {
        ("ResourceAccount", "created")
    };
    json!({
        "AccountId": a.uid.as_str(),
        "DisplayName": a.display_name,
        "Type": kind,
        "Status": a.status,
        "FolderId": FOLDER_ID,
        "ResourceDirectoryId": RESOURCE_DIRECTORY_ID,
        "JoinMethod": join_method,
        "JoinTime": JOIN_TIME,
        "ModifyTime": JOIN_TIME,
    })
}
