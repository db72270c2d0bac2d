//! The sandbox's accounts: the hub (whose keys clients hold) and the member accounts of its
//! Resource Directory, each with a RAM role for the hub to assume.

use crate::domain::{AccountUid, ExternalId, RoleArn, RoleName};

/// The hub account's id: the owner of every bucket in single-account mode, and of the keys.
pub const OWNER_ID: &str = "1763082937541213";
/// The default name of the role every account holds for oss-audit.
pub const DEFAULT_ROLE_NAME: &str = "oss-audit";
/// The Resource Directory every account is a member of.
pub const RESOURCE_DIRECTORY_ID: &str = "rd-sandbox0estate";
/// The folder members sit in.
pub const FOLDER_ID: &str = "fd-sandbox0members";

/// Display names of the hub and the first members; members past the list are `Member <n>`.
const DISPLAY_NAMES: [&str; 13] = [
    "Security Hub",
    "Payments Prod",
    "Analytics Dev",
    "Web Staging",
    "Data Lake",
    "ML Research",
    "Mobile Prod",
    "Finance Archive",
    "IoT Fleet",
    "Media Assets",
    "Security Logs",
    "HR Systems",
    "Search Platform",
];
/// Member uids are spaced by this prime from the hub's, so they look like real 16-digit ids.
const UID_STEP: u64 = 7919;

/// The hub's id as a value.
pub(crate) fn hub_uid() -> AccountUid {
    AccountUid::parse(OWNER_ID).unwrap_or_else(|_| unreachable!("OWNER_ID is 16 digits"))
}

/// One account of the sandbox, as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxAccount {
    pub uid: AccountUid,
    /// As Resource Directory lists it.
    pub display_name: String,
    /// The account's role for oss-audit: `acs:ram::<uid>:role/<name>`.
    pub role_arn: RoleArn,
    /// Whether the role's trust policy names the hub (else AssumeRole answers NoPermission).
    pub trusts_hub: bool,
    /// The ExternalId the trust policy requires, if any.
    pub external_id: Option<ExternalId>,
    /// Listed by ListAccounts (a member that left is not).
    pub in_directory: bool,
    /// The member `Status` ListAccounts shows, e.g. `CreateSuccess`.
    pub status: String,
}

impl SandboxAccount {
    /// Whether this is the hub (the management account).
    pub fn is_hub(&self) -> bool {
        self.uid.as_str() == OWNER_ID
    }
}

/// How to build the estate.
#[derive(Debug, Clone)]
pub(crate) struct EstatePlan {
    pub(crate) accounts: usize,
    pub(crate) role_name: RoleName,
    pub(crate) external_id: Option<ExternalId>,
    /// The last this many members' roles do not trust the hub.
    pub(crate) untrusted_roles: usize,
}

/// Every account, the hub first.
#[derive(Debug, Clone)]
pub(crate) struct Estate {
    accounts: Vec<SandboxAccount>,
}

impl Estate {
    /// `plan.accounts` accounts (at least the hub).
    pub(crate) fn new(plan: &EstatePlan) -> Self {
        let count = plan.accounts.max(1);
        let hub: u64 = OWNER_ID.parse().unwrap_or_default();
        let accounts = (0..count)
            .map(|i| {
                let uid = AccountUid::parse(&(hub + UID_STEP * i as u64).to_string())
                    .unwrap_or_else(|_| unreachable!("a 16-digit number"));
                SandboxAccount {
                    display_name: DISPLAY_NAMES
                        .get(i)
                        .map_or_else(|| format!("Member {i}"), |name| (*name).to_owned()),
                    role_arn: RoleArn::new(&uid, &plan.role_name),
                    trusts_hub: i == 0 || i < count - plan.untrusted_roles.min(count - 1),
                    external_id: plan.external_id.clone(),
                    in_directory: true,
                    status: "CreateSuccess".to_owned(),
                    uid,
                }
            })
            .collect();
        Self { accounts }
    }

    /// The hub alone, with the default role: single-account mode.
    pub(crate) fn single() -> Self {
        Self::new(&EstatePlan {
            accounts: 1,
            role_name: RoleName::parse(DEFAULT_ROLE_NAME)
                .unwrap_or_else(|_| unreachable!("a valid role name")),
            external_id: None,
            untrusted_roles: 0,
        })
    }

    /// Every account, the hub first.
    pub(crate) fn accounts(&self) -> &[SandboxAccount] {
        &self.accounts
    }

    /// One account.
    pub(crate) fn account(&self, uid: &AccountUid) -> Option<&SandboxAccount> {
        self.accounts.iter().find(|a| &a.uid == uid)
    }

    /// One account, to change.
    pub(crate) fn account_mut(&mut self, uid: &AccountUid) -> Option<&mut SandboxAccount> {
        self.accounts.iter_mut().find(|a| &a.uid == uid)
    }

    /// The account whose role `arn` names, if that role exists (role names compare without case,
    /// as RAM's do).
    pub(crate) fn role(&self, arn: &RoleArn) -> Option<&SandboxAccount> {
        self.account(arn.uid()).filter(|a| {
            a.role_arn
                .role_name()
                .as_str()
                .eq_ignore_ascii_case(arn.role_name().as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(accounts: usize, untrusted_roles: usize) -> EstatePlan {
        EstatePlan {
            accounts,
            role_name: RoleName::parse("oss-audit").unwrap(),
            external_id: None,
            untrusted_roles,
        }
    }

    #[test]
    fn the_hub_comes_first_and_members_get_distinct_ids() {
        let estate = Estate::new(&plan(20, 0));
        let uids: std::collections::HashSet<_> =
            estate.accounts().iter().map(|a| a.uid.clone()).collect();
        assert_eq!(uids.len(), 20);
        assert!(estate.accounts()[0].is_hub());
        assert_eq!(estate.accounts()[1].display_name, "Payments Prod");
        assert_eq!(estate.accounts()[19].display_name, "Member 19");
        assert!(estate.accounts().iter().all(|a| a.uid.as_str().len() == 16));
        assert_eq!(
            estate.accounts()[1].role_arn.as_str(),
            format!("acs:ram::{}:role/oss-audit", estate.accounts()[1].uid)
        );
    }

    #[test]
    fn the_last_members_refuse_and_the_hub_never_does() {
        let trust = |n, k| -> Vec<bool> {
            Estate::new(&plan(n, k))
                .accounts()
                .iter()
                .map(|a| a.trusts_hub)
                .collect()
        };
        assert_eq!(trust(3, 1), [true, true, false]);
        assert_eq!(trust(3, 0), [true, true, true]);
        assert_eq!(trust(2, 5), [true, false]);
        assert_eq!(trust(1, 1), [true]);
    }

    #[test]
    fn roles_are_found_by_arn_without_case() {
        let estate = Estate::new(&plan(3, 0));
        let member = &estate.accounts()[2];
        let upper = RoleArn::new(&member.uid, &RoleName::parse("OSS-Audit").unwrap());
        assert_eq!(estate.role(&upper).map(|a| &a.uid), Some(&member.uid));
        let other = RoleArn::new(&member.uid, &RoleName::parse("admin").unwrap());
        assert!(estate.role(&other).is_none());
    }
}
