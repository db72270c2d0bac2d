//! The least-privilege RAM documents oss-audit needs: the permission policy of the identities
//! that scan (the hub's RAM user and each member's role), the hub's extra right to assume those
//! roles, and the trust policy of a member's role. They list exactly the calls the code makes.

use std::fmt;

use serde_json::{Value, json};

use crate::domain::{AccountUid, ExternalId, RamAction, RoleArn};
use crate::store::AccountRecord;

/// Marks the hub's uid in a document when it could not be learned: RAM refuses the document
/// until it is replaced, so it cannot be applied by mistake.
pub const HUB_UID_PLACEHOLDER: &str = "<hub-account-uid>";
/// Marks the member roles of the hub's policy when no member account is audited yet.
pub const MEMBER_ROLE_PLACEHOLDER: &str = "acs:ram::<member-account-uid>:role/<role-name>";

/// What the identities may do: read only (scan, check keys), or also change encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyMode {
    ReadOnly,
    Remediate,
}

impl PolicyMode {
    /// `read-only` or `remediate`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "read-only" => Ok(Self::ReadOnly),
            "remediate" => Ok(Self::Remediate),
            other => Err(format!(
                "{other:?} is not a policy mode: use read-only or remediate"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "read-only",
            Self::Remediate => "remediate",
        }
    }

    /// The actions every scanning identity needs in this mode. Read-only: ListBuckets (the
    /// scan's listing), GetBucketEncryption (each bucket's rule) and DescribeKey (the state of a
    /// bucket's KMS key). Remediate adds the two calls that change a rule: PutBucketEncryption
    /// (remediation and the change form) and DeleteBucketEncryption (removing a rule). oss-audit
    /// calls neither GetBucketInfo, GetBucketLocation nor GetBucketTagging, so none is asked for.
    pub fn actions(self) -> Vec<RamAction> {
        let mut actions = vec![
            RamAction::OssListBuckets,
            RamAction::OssGetBucketEncryption,
            RamAction::KmsDescribeKey,
        ];
        if self == Self::Remediate {
            actions.extend([
                RamAction::OssPutBucketEncryption,
                RamAction::OssDeleteBucketEncryption,
            ]);
        }
        actions
    }
}

impl fmt::Display for PolicyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PolicyMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// What the documents are written for: the hub's uid (the trust policy's principal), the member
/// roles the hub assumes, and the ExternalId the roles ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyInputs {
    pub hub_uid: Option<AccountUid>,
    pub member_roles: Vec<RoleArn>,
    pub external_id: Option<ExternalId>,
}

/// The inputs the stored accounts give: the hub's uid when known, the active members' roles, and
/// their ExternalId when they all share one (else none: the trust policy then has no condition).
pub fn inputs_of(accounts: &[AccountRecord]) -> PolicyInputs {
    let members: Vec<&AccountRecord> = accounts
        .iter()
        .filter(|a| !a.is_hub() && a.removed_at.is_none())
        .collect();
    let first = members.first().and_then(|m| m.external_id.as_ref());
    let shared = members.iter().all(|m| m.external_id.as_ref() == first);
    PolicyInputs {
        hub_uid: accounts
            .iter()
            .find(|a| a.is_hub())
            .and_then(|h| h.uid.clone()),
        member_roles: members.iter().filter_map(|m| m.role_arn.clone()).collect(),
        external_id: first.filter(|_| shared).cloned(),
    }
}

/// The documents of `mode`, as one JSON object: `permission_policy` (for the hub's RAM user and
/// every member's role), `hub_policy` (the hub's RAM user only: assuming the members' roles, and
/// listing the Resource Directory's members for `account discover`), `trust_policy` (of every
/// member's role), and `placeholders`, the marked values still to replace.
pub fn documents(mode: PolicyMode, inputs: &PolicyInputs) -> Value {
    let mut placeholders = Vec::new();
    let actions: Vec<&str> = mode.actions().into_iter().map(RamAction::as_str).collect();
    let mut roles: Vec<&str> = inputs.member_roles.iter().map(RoleArn::as_str).collect();
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        roles.push(MEMBER_ROLE_PLACEHOLDER);
        placeholders.push(MEMBER_ROLE_PLACEHOLDER);
    }
    if inputs.hub_uid.is_none() {
        placeholders.push(HUB_UID_PLACEHOLDER);
    }
    json!({
        "mode": mode.as_str(),
        "permission_policy": {
            "Version": "1",
            "Statement": [{ "Effect": "Allow", "Action": actions, "Resource": "*" }],
        },
        "hub_policy": {
            "Version": "1",
            "Statement": [
                { "Effect": "Allow", "Action": [RamAction::StsAssumeRole.as_str()], "Resource": roles },
                { "Effect": "Allow", "Action": [RamAction::ResourceManagerListAccounts.as_str()], "Resource": "*" },
            ],
        },
        "trust_policy": trust_policy(inputs.hub_uid.as_ref(), inputs.external_id.as_ref()),
        "placeholders": placeholders,
    })
}

/// The trust policy of a member's role: the hub account may assume it, with the ExternalId when
/// one is given (without one, no condition).
pub fn trust_policy(hub_uid: Option<&AccountUid>, external_id: Option<&ExternalId>) -> Value {
    let hub = hub_uid.map_or(HUB_UID_PLACEHOLDER, AccountUid::as_str);
    let mut statement = json!({
        "Action": RamAction::StsAssumeRole.as_str(),
        "Effect": "Allow",
        "Principal": { "RAM": [format!("acs:ram::{hub}:root")] },
    });
    if let Some(id) = external_id {
        statement["Condition"] = json!({ "StringEquals": { "sts:ExternalId": id.as_str() } });
    }
    json!({ "Statement": [statement], "Version": "1" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(doc: &Value) -> Vec<&str> {
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap())
            .map(|a| a.as_str().unwrap())
            .collect()
    }

    #[test]
    fn remediate_adds_exactly_the_two_changing_calls() {
        let read = documents(PolicyMode::ReadOnly, &PolicyInputs::default());
        let fix = documents(PolicyMode::Remediate, &PolicyInputs::default());
        assert_eq!(
            actions(&read["permission_policy"]),
            [
                "oss:ListBuckets",
                "oss:GetBucketEncryption",
                "kms:DescribeKey"
            ]
        );
        assert_eq!(
            actions(&fix["permission_policy"]),
            [
                "oss:ListBuckets",
                "oss:GetBucketEncryption",
                "kms:DescribeKey",
                "oss:PutBucketEncryption",
                "oss:DeleteBucketEncryption"
            ]
        );
        assert_eq!(
            read["placeholders"],
            json!([MEMBER_ROLE_PLACEHOLDER, HUB_UID_PLACEHOLDER])
        );
    }

    #[test]
    fn the_trust_policy_names_the_hub_and_the_external_id() {
        let uid = AccountUid::parse("1763082937549132").unwrap();
        let id = ExternalId::parse("abc-123").unwrap();
        let trust = trust_policy(Some(&uid), Some(&id));
        assert_eq!(
            trust,
            json!({"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                "Principal":{"RAM":["acs:ram::1763082937549132:root"]},
                "Condition":{"StringEquals":{"sts:ExternalId":"abc-123"}}}],"Version":"1"})
        );
        let open = trust_policy(None, None);
        assert!(open["Statement"][0].get("Condition").is_none());
        assert_eq!(
            open["Statement"][0]["Principal"]["RAM"][0],
            "acs:ram::<hub-account-uid>:root"
        );
        assert!(PolicyMode::parse("admin").is_err());
    }
}
