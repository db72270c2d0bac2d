//! The JSON of a policy and of its list of rules, as the API shows them, a rules file holds them
//! and the audit log stores a `set-policy` or `set-policy-rules` entry's before and after.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::domain::{
    AccountName, EncryptionRule, KmsDataEncryption, KmsKeyId, NamePattern, Policy, Region,
    Requirement, ResourceGroupId, Rule, RuleError, Rules, Scope, SseAlgorithm, Tag,
};

/// `{"requirement", "allowed_kms_keys", "remediation_target": {"sse_algorithm",
/// "kms_master_key_id", "kms_data_encryption"}}`: the shape of `GET /api/v1/policy`, so an auditor
/// reads a logged policy the way the API shows it.
pub fn policy_json(policy: &Policy) -> Value {
    let target = &policy.remediation_target;
    json!({
        "requirement": policy.requirement.as_str(),
        "allowed_kms_keys": policy.requirement.allowed_keys().iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "remediation_target": {
            "sse_algorithm": target.algorithm().as_str(),
            "kms_master_key_id": target.kms_key_id().map(|k| k.as_str()),
            "kms_data_encryption": target.kms_data_encryption().map(|d| d.as_str()),
        },
    })
}

/// The list of rules, as `GET /api/v1/policy/rules` shows it, `PUT` takes it, a rules file holds
/// it and the audit log stores a `set-policy-rules` entry's before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesView {
    /// In order: the first rule whose scope matches a bucket decides. The last rule has an empty
    /// scope and is the default.
    pub rules: Vec<RuleView>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleView {
    /// Every condition given must hold; none: every bucket (the last rule only).
    #[serde(default)]
    pub scope: ScopeView,
    /// any | kms | kms-cmk | sm4
    #[schema(example = "kms-cmk")]
    pub requirement: String,
    /// For kms-cmk: the allowed CMK ids (empty: any CMK).
    #[serde(default)]
    pub allowed_kms_keys: Vec<String>,
    /// The rule one-click remediation applies to the buckets this rule decides.
    pub remediation_target: TargetView,
}

/// Which buckets a rule applies to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeView {
    /// An account name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// A region id, e.g. cn-shanghai.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A bucket name pattern, `*` for any run of characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "*-logs")]
    pub bucket: Option<String>,
    /// A resource group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
    /// A bucket tag, `key=value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "data-class=confidential")]
    pub tag: Option<String>,
}

/// A remediation target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetView {
    /// AES256, SM4 or KMS.
    pub sse_algorithm: String,
    #[serde(default)]
    pub kms_master_key_id: Option<String>,
    #[serde(default)]
    pub kms_data_encryption: Option<String>,
}

/// Why a list of rules cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesInputError {
    #[error("rule {rule}: {message}")]
    Invalid { rule: usize, message: String },
    #[error(transparent)]
    Rules(#[from] RuleError),
}

impl From<&Rules> for RulesView {
    fn from(rules: &Rules) -> Self {
        Self {
            rules: rules.list().iter().map(RuleView::from).collect(),
        }
    }
}

impl From<&Rule> for RuleView {
    fn from(rule: &Rule) -> Self {
        let s = &rule.scope;
        let target = &rule.policy.remediation_target;
        Self {
            scope: ScopeView {
                account: s.account.as_ref().map(|a| a.as_str().to_owned()),
                region: s.region.as_ref().map(|r| r.as_str().to_owned()),
                bucket: s.bucket.as_ref().map(|p| p.as_str().to_owned()),
                resource_group: s.resource_group.as_ref().map(|g| g.as_str().to_owned()),
                tag: s.tag.as_ref().map(ToString::to_string),
            },
            requirement: rule.policy.requirement.as_str().to_owned(),
            allowed_kms_keys: rule
                .policy
                .requirement
                .allowed_keys()
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            remediation_target: TargetView {
                sse_algorithm: target.algorithm().as_str().to_owned(),
                kms_master_key_id: target.kms_key_id().map(|k| k.as_str().to_owned()),
                kms_data_encryption: target.kms_data_encryption().map(|d| d.as_str().to_owned()),
            },
        }
    }
}

impl RuleView {
    /// The rule this view describes; `number` (from 1) names it in errors.
    pub fn to_rule(&self, number: usize) -> Result<Rule, RulesInputError> {
        let invalid = |e: &dyn std::fmt::Display| RulesInputError::Invalid {
            rule: number,
            message: e.to_string(),
        };
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let s = &self.scope;
        let scope = Scope {
            account: given(&s.account)
                .map(AccountName::parse)
                .transpose()
                .map_err(|e| invalid(&e))?,
            region: given(&s.region)
                .map(Region::parse)
                .transpose()
                .map_err(|e| invalid(&e))?,
            bucket: given(&s.bucket)
                .map(NamePattern::parse)
                .transpose()
                .map_err(|e| invalid(&e))?,
            resource_group: given(&s.resource_group)
                .map(ResourceGroupId::parse)
                .transpose()
                .map_err(|e| invalid(&e))?,
            tag: given(&s.tag)
                .map(Tag::parse)
                .transpose()
                .map_err(|e| invalid(&e))?,
        };
        let allowed = self
            .allowed_kms_keys
            .iter()
            .map(|k| KmsKeyId::parse(k))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(&e))?;
        let requirement =
            Requirement::parse(&self.requirement, allowed).map_err(|e| invalid(&e))?;
        let t = &self.remediation_target;
        let algorithm = SseAlgorithm::parse(&t.sse_algorithm).map_err(|e| invalid(&e))?;
        let key = given(&t.kms_master_key_id)
            .map(KmsKeyId::parse)
            .transpose()
            .map_err(|e| invalid(&e))?;
        let data = given(&t.kms_data_encryption)
            .map(KmsDataEncryption::parse)
            .transpose()
            .map_err(|e| invalid(&e))?;
        let target = EncryptionRule::from_parts(algorithm, key, data).map_err(|e| invalid(&e))?;
        let policy = Policy::new(requirement, target).map_err(|e| invalid(&e))?;
        Ok(Rule { scope, policy })
    }
}

impl RulesView {
    /// The rules this view describes.
    pub fn to_rules(&self) -> Result<Rules, RulesInputError> {
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(at, rule)| rule.to_rule(at + 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Rules::from_list(rules)?)
    }
}

/// The JSON of a list of rules (see [`RulesView`]).
pub fn rules_json(rules: &Rules) -> Value {
    serde_json::to_value(RulesView::from(rules)).unwrap_or(Value::Null)
}
