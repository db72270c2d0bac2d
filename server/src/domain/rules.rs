//! Requirements scoped to buckets: the policy is an ordered list of rules; the first rule whose
//! scope matches a bucket decides, and the default (the last rule, without scope) decides the rest.

use std::fmt;

use super::EncryptionState;
use super::{AccountName, BucketName, Policy, Region, judge};

/// A bucket-name pattern: bucket-name characters and `*` (any run of characters, maybe none).
/// Split at its stars once, when parsed: a policy change matches it against every bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    raw: String,
    /// The parts between the stars: the first must start the name, the last (when there is a
    /// star) end it, the others appear in order between.
    parts: Vec<String>,
}

/// A resource group id (`rg-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceGroupId(String);

/// A bucket tag `key=value`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    key: String,
    value: String,
}

/// Why a rule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error(
        "{0:?} is not a bucket name pattern (lowercase letters, digits, hyphens and *, at most 63)"
    )]
    Pattern(String),
    #[error("{0:?} is not a resource group id (letters, digits and hyphens, e.g. rg-aek27tc)")]
    ResourceGroup(String),
    #[error(
        "{0:?} is not a tag (expected key=value, the key 1 to 128 and the value at most 256 characters)"
    )]
    Tag(String),
    #[error("rule {0} has no scope: only the last rule (the default) may match every bucket")]
    NoScope(usize),
    #[error("the last rule is the default and must have no scope")]
    ScopedDefault,
    #[error("a policy has at most {MAX_RULES} rules")]
    TooMany,
}

/// Rules a policy holds at most (the default included).
pub const MAX_RULES: usize = 200;

impl NamePattern {
    pub fn parse(raw: &str) -> Result<Self, RuleError> {
        let raw = raw.trim();
        let valid = (1..=63).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '*');
        if valid {
            Ok(Self {
                raw: raw.to_owned(),
                parts: raw.split('*').map(str::to_owned).collect(),
            })
        } else {
            Err(RuleError::Pattern(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether `name` matches: `*` stands for any run of characters.
    pub fn matches(&self, name: &str) -> bool {
        let Some((first, others)) = self.parts.split_first() else {
            return false;
        };
        let Some(mut rest) = name.strip_prefix(first.as_str()) else {
            return false;
        };
        let Some((last, middle)) = others.split_last() else {
            // No `*`: the whole name.
            return rest.is_empty();
        };
        for part in middle {
            match rest.find(part.as_str()) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
        rest.ends_with(last.as_str())
    }
}

impl ResourceGroupId {
    pub fn parse(raw: &str) -> Result<Self, RuleError> {
        let raw = raw.trim();
        let valid = (1..=64).contains(&raw.len())
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(RuleError::ResourceGroup(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Tag {
    /// Parses `key=value`.
    pub fn parse(raw: &str) -> Result<Self, RuleError> {
        let (key, value) = raw
            .split_once('=')
            .ok_or_else(|| RuleError::Tag(raw.to_owned()))?;
        Self::new(key, value)
    }

    pub fn new(key: &str, value: &str) -> Result<Self, RuleError> {
        let key = key.trim();
        let bad = |s: &str| s.chars().any(char::is_control);
        if key.is_empty() || key.len() > 128 || value.len() > 256 || bad(key) || bad(value) {
            return Err(RuleError::Tag(format!("{key}={value}")));
        }
        Ok(Self {
            key: key.to_owned(),
            value: value.to_owned(),
        })
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// Which buckets a rule applies to: every condition given must hold (none given: every bucket).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub account: Option<AccountName>,
    pub region: Option<Region>,
    pub bucket: Option<NamePattern>,
    pub resource_group: Option<ResourceGroupId>,
    pub tag: Option<Tag>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether the scope holds for `bucket`: `None` when it depends on a tag not read yet.
    pub fn matches(&self, bucket: &BucketFacts<'_>) -> Option<bool> {
        let known = self.account.as_ref().is_none_or(|a| a == bucket.account)
            && self.region.as_ref().is_none_or(|r| r == bucket.region)
            && self
                .bucket
                .as_ref()
                .is_none_or(|p| p.matches(bucket.name.as_str()))
            && self
                .resource_group
                .as_ref()
                .is_none_or(|g| bucket.resource_group == Some(g.as_str()));
        if !known {
            return Some(false);
        }
        match &self.tag {
            None => Some(true),
            Some(tag) if bucket.tags_read.contains(tag) => Some(bucket.tags.contains(tag)),
            Some(_) => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(a) = &self.account {
            parts.push(format!("account {a}"));
        }
        if let Some(r) = &self.region {
            parts.push(format!("region {r}"));
        }
        if let Some(p) = &self.bucket {
            parts.push(format!("bucket {}", p.as_str()));
        }
        if let Some(g) = &self.resource_group {
            parts.push(format!("resource group {}", g.as_str()));
        }
        if let Some(t) = &self.tag {
            parts.push(format!("tag {t}"));
        }
        if parts.is_empty() {
            f.write_str("every bucket")
        } else {
            f.write_str(&parts.join(" and "))
        }
    }
}

/// One rule: a scope, and the requirement and remediation target of the buckets it decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub scope: Scope,
    pub policy: Policy,
}

/// What a rule is judged on: one bucket as the inventory knows it.
#[derive(Debug, Clone, Copy)]
pub struct BucketFacts<'a> {
    pub account: &'a AccountName,
    pub region: &'a Region,
    pub name: &'a BucketName,
    pub resource_group: Option<&'a str>,
    /// The tags the bucket is known to carry, among those read.
    pub tags: &'a [Tag],
    /// The tags read for the bucket's account (a tag not read is neither there nor absent).
    pub tags_read: &'a [Tag],
}

/// Which rule decides a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The rule at this index (0-based; the default is the last).
    Rule(usize),
    /// The rule at this index uses a tag not read yet for the bucket's account: which rule
    /// decides is unknown until the next scan reads it.
    Undetermined(usize),
}

/// The judgement of one bucket: the rule that decided, and whether the state satisfies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub decision: Decision,
    /// `None` when the state is unknown or the deciding rule is.
    pub compliant: Option<bool>,
}

/// The policy: scoped rules in order, then the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    scoped: Vec<Rule>,
    default: Policy,
}

impl Default for Rules {
    fn default() -> Self {
        Self::only(Policy::default())
    }
}

impl Rules {
    /// A policy of just a default rule.
    pub fn only(default: Policy) -> Self {
        Self {
            scoped: Vec::new(),
            default,
        }
    }

    /// Builds the policy from scoped rules (each with a scope) and the default.
    pub fn new(scoped: Vec<Rule>, default: Policy) -> Result<Self, RuleError> {
        if scoped.len() >= MAX_RULES {
            return Err(RuleError::TooMany);
        }
        if let Some(at) = scoped.iter().position(|r| r.scope.is_empty()) {
            return Err(RuleError::NoScope(at + 1));
        }
        Ok(Self { scoped, default })
    }

    /// Builds the policy from a full list whose last rule is the default.
    pub fn from_list(mut rules: Vec<Rule>) -> Result<Self, RuleError> {
        let default = rules.pop().ok_or(RuleError::ScopedDefault)?;
        if !default.scope.is_empty() {
            return Err(RuleError::ScopedDefault);
        }
        Self::new(rules, default.policy)
    }

    pub fn scoped(&self) -> &[Rule] {
        &self.scoped
    }

    pub fn default_policy(&self) -> &Policy {
        &self.default
    }

    /// The same rules with another default.
    pub fn with_default(&self, default: Policy) -> Self {
        Self {
            scoped: self.scoped.clone(),
            default,
        }
    }

    /// Every rule in order, the default last (with an empty scope).
    pub fn list(&self) -> Vec<Rule> {
        let mut all = self.scoped.clone();
        all.push(Rule {
            scope: Scope::default(),
            policy: self.default.clone(),
        });
        all
    }

    /// How many rules, the default included.
    pub fn len(&self) -> usize {
        self.scoped.len() + 1
    }

    /// Always false: the default is always there.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The policy of the rule at `index` (0-based; `len() - 1` is the default).
    pub fn policy(&self, index: usize) -> &Policy {
        self.scoped.get(index).map_or(&self.default, |r| &r.policy)
    }

    /// The scope of the rule at `index` (empty for the default).
    pub fn scope(&self, index: usize) -> Option<&Scope> {
        self.scoped.get(index).map(|r| &r.scope)
    }

    /// The distinct tags the rules use: each is read once per account while scanning, and none
    /// when no rule uses a tag.
    pub fn tags(&self) -> Vec<Tag> {
        let mut tags: Vec<Tag> = self
            .scoped
            .iter()
            .filter_map(|r| r.scope.tag.clone())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }

    /// Which rule decides `bucket`.
    pub fn decide(&self, bucket: &BucketFacts<'_>) -> Decision {
        for (index, rule) in self.scoped.iter().enumerate() {
            match rule.scope.matches(bucket) {
                Some(true) => return Decision::Rule(index),
                Some(false) => {}
                None => return Decision::Undetermined(index),
            }
        }
        Decision::Rule(self.scoped.len())
    }

    /// The policy (requirement and remediation target) of the rule deciding `bucket`; `None`
    /// while that is undetermined.
    pub fn policy_for(&self, bucket: &BucketFacts<'_>) -> Option<&Policy> {
        match self.decide(bucket) {
            Decision::Rule(index) => Some(self.policy(index)),
            Decision::Undetermined(_) => None,
        }
    }

    /// Judges `state` of `bucket`.
    pub fn judge(&self, bucket: &BucketFacts<'_>, state: &EncryptionState) -> Verdict {
        let decision = self.decide(bucket);
        let compliant = match decision {
            Decision::Rule(index) => judge(&self.policy(index).requirement, state),
            Decision::Undetermined(_) => None,
        };
        Verdict {
            decision,
            compliant,
        }
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
