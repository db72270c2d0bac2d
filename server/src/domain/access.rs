//! `Access`: the role a user or token holds on each account of the estate: a base role that
//! applies to every account, and grants that set another role on named accounts (viewer
//! everywhere, operator on `payments-prod`).

use std::collections::BTreeMap;
use std::fmt;

use super::{AccountId, AccountName, Role};

/// Why a set of per-account roles is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// Admin is estate-wide: users, accounts, policy and targets are not per account.
    #[error("a per-account role is viewer or operator; admin applies to every account")]
    AdminGrant,
    /// An admin's role covers every account already.
    #[error("an admin is admin on every account; per-account roles are for viewers and operators")]
    AdminWithGrants,
    #[error("{0:?} is not ACCOUNT=ROLE (e.g. payments-prod=operator)")]
    Malformed(String),
    #[error("{0}")]
    Account(String),
    #[error("{0}")]
    Role(String),
}

/// The roles of one principal: `base` on every account, `grants` instead on the accounts named
/// (kept with their names, so pages can say where a role holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    base: Role,
    grants: BTreeMap<AccountId, (AccountName, Role)>,
}

impl Access {
    /// The same role on every account.
    pub fn everywhere(role: Role) -> Self {
        Self {
            base: role,
            grants: BTreeMap::new(),
        }
    }

    /// `base` everywhere except the accounts `grants` names. Grants are viewer or operator, and
    /// an admin has none.
    pub fn new(
        base: Role,
        grants: impl IntoIterator<Item = (AccountId, AccountName, Role)>,
    ) -> Result<Self, AccessError> {
        let grants: BTreeMap<_, _> = grants
            .into_iter()
            .map(|(id, name, role)| (id, (name, role)))
            .collect();
        if grants.values().any(|(_, r)| *r == Role::Admin) {
            return Err(AccessError::AdminGrant);
        }
        if base == Role::Admin && !grants.is_empty() {
            return Err(AccessError::AdminWithGrants);
        }
        Ok(Self { base, grants })
    }

    /// The role on every account not granted otherwise.
    pub fn base(&self) -> Role {
        self.base
    }

    /// The per-account roles, by account id.
    pub fn grants(&self) -> impl Iterator<Item = (AccountId, &AccountName, Role)> {
        self.grants
            .iter()
            .map(|(id, (name, role))| (*id, name, *role))
    }

    /// The role on `account`.
    pub fn role_for(&self, account: AccountId) -> Role {
        self.grants
            .get(&account)
            .map_or(self.base, |(_, role)| *role)
    }

    /// The highest role held on any account: what the navigation offers.
    pub fn max_role(&self) -> Role {
        self.grants
            .values()
            .map(|(_, r)| *r)
            .fold(self.base, Role::max)
    }

    /// The role held on every account at once: what estate-wide actions (a scan of the
    /// estate, a report, policy, users) need.
    pub fn everywhere_role(&self) -> Role {
        self.grants
            .values()
            .map(|(_, r)| *r)
            .fold(self.base, Role::min)
    }
}

/// One per-account role as typed: `payments-prod=operator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountGrant {
    pub account: AccountName,
    pub role: Role,
}

impl AccountGrant {
    /// Parses `ACCOUNT=ROLE`.
    pub fn parse(raw: &str) -> Result<Self, AccessError> {
        let (account, role) = raw
            .trim()
            .split_once('=')
            .ok_or_else(|| AccessError::Malformed(raw.to_owned()))?;
        let account =
            AccountName::parse(account.trim()).map_err(|e| AccessError::Account(e.to_string()))?;
        let role = Role::parse(role).map_err(|e| AccessError::Role(e.to_string()))?;
        if role == Role::Admin {
            return Err(AccessError::AdminGrant);
        }
        Ok(Self { account, role })
    }

    /// Parses a list separated by commas or white space (a form field); empty means none.
    pub fn parse_list(raw: &str) -> Result<Vec<Self>, AccessError> {
        raw.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.trim().is_empty())
            .map(Self::parse)
            .collect()
    }
}

impl fmt::Display for AccountGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.account.as_str(), self.role)
    }
}

impl std::str::FromStr for AccountGrant {
    type Err = AccessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(raw: &str) -> AccountName {
        AccountName::parse(raw).unwrap()
    }

    #[test]
    fn a_grant_overrides_the_base_role_on_its_account_only() {
        let payments = AccountId::new(2);
        let access =
            Access::new(Role::Viewer, [(payments, name("payments"), Role::Operator)]).unwrap();
        assert_eq!(access.role_for(payments), Role::Operator);
        assert_eq!(access.role_for(AccountId::new(1)), Role::Viewer);
        assert_eq!(access.max_role(), Role::Operator);
        assert_eq!(access.everywhere_role(), Role::Viewer);
    }

    #[test]
    fn admin_is_estate_wide() {
        assert_eq!(
            Access::new(Role::Viewer, [(AccountId::new(2), name("a"), Role::Admin)]),
            Err(AccessError::AdminGrant)
        );
        assert_eq!(
            Access::new(Role::Admin, [(AccountId::new(2), name("a"), Role::Viewer)]),
            Err(AccessError::AdminWithGrants)
        );
        assert!(AccountGrant::parse("prod=admin").is_err());
    }

    #[test]
    fn grants_are_typed_as_account_equals_role() {
        let list = AccountGrant::parse_list("payments-prod=operator, dev=Viewer").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].to_string(), "payments-prod=operator");
        assert_eq!(list[1].role, Role::Viewer);
        assert!(AccountGrant::parse_list("").unwrap().is_empty());
        assert!(AccountGrant::parse("payments-prod").is_err());
        assert!(AccountGrant::parse("payments-prod=root").is_err());
    }
}
