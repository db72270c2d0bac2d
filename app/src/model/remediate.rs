//! The remediation flow: a preview of exactly what one click changes, then the outcome per bucket.

/// The preview: the buckets that will change, those that will not, and the confirming form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemediatePreviewModel {
    /// The policy requirement in force (any, kms, kms-cmk, sm4).
    pub policy: String,
    /// What remediation sets, e.g. `AES256` or `KMS (key alias/prod)`; `None` when scoped rules
    /// give the buckets different targets (each row says its own).
    pub target: Option<String>,
    /// `None`: every readable non-compliant bucket; `Some`: exactly the buckets chosen by name,
    /// carried as hidden inputs so the confirmed set is the previewed set.
    pub selection: Option<Vec<String>>,
    /// The buckets that will change (one page of them when there are many).
    pub changes: Vec<PreviewRow>,
    /// How many buckets will change in all.
    pub change_count: i64,
    /// How many buckets of each account will change, in the order `changes` lists the accounts
    /// (the rows of one account follow each other).
    pub accounts: Vec<(String, i64)>,
    /// The position of the first row of `changes` among all of them.
    pub offset: i64,
    /// Rows per page of `changes`.
    pub page_size: i64,
    /// Buckets that will not be touched, and why (unknown state, not in the inventory).
    pub untouched: Vec<UntouchedRow>,
    /// How many buckets will not be touched in all (more than `untouched` when there are many).
    pub untouched_count: i64,
    /// Buckets an approved exemption covers: left alone, listed apart (the reason
    /// says which exemption, why and until when).
    pub exempt: Vec<UntouchedRow>,
    /// How many exempt buckets there are in all.
    pub exempt_count: i64,
    /// Why a confirmation was not carried out (the buckets changed since the preview).
    pub error: Option<String>,
    /// Chosen buckets already compliant or exempt are changed too (they are left alone
    /// otherwise); the confirmation carries it.
    pub force: bool,
    /// The preview that changes the chosen buckets left alone as compliant or exempt as well;
    /// `None` when none was.
    pub forced_href: Option<String>,
    /// The digest of the whole plan previewed (buckets, their states, the target); the
    /// confirmation carries it and runs only while the plan is the same.
    pub plan_digest: String,
}

impl RemediatePreviewModel {
    /// The text of the confirming button, e.g. `Encrypt 21 buckets with AES256`.
    pub fn button_text(&self) -> String {
        let noun = if self.change_count == 1 {
            "bucket"
        } else {
            "buckets"
        };
        match &self.target {
            Some(target) => format!("Encrypt {} {noun} with {target}", self.change_count),
            None => format!(
                "Encrypt {} {noun}, each with its rule's target",
                self.change_count
            ),
        }
    }

    /// What the chosen buckets get, in words: `the remediation target AES256`.
    pub fn gets(&self) -> String {
        match &self.target {
            Some(target) => format!("the remediation target {target}"),
            None => "the remediation target of the rule that decides each one".to_owned(),
        }
    }
}

/// A bucket that will change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewRow {
    pub name: String,
    /// The account it belongs to.
    pub account: String,
    pub region: String,
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    /// What the status badge does not say: the rule (`AES256`, `KMS (key alias/prod)`) or the
    /// read error code (`AccessDenied`); empty for unencrypted buckets.
    pub current: String,
    /// The current judgement against the policy.
    pub compliant: Option<bool>,
    /// What it will get: the remediation target of the rule that decides it.
    pub target: String,
}

/// A bucket remediation leaves alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntouchedRow {
    pub name: String,
    /// Empty when the bucket is not in the inventory.
    pub account: String,
    /// Empty when the bucket is not in the inventory.
    pub region: String,
    /// Why it is left alone, e.g. `could not be read (AccessDenied)`.
    pub reason: String,
}

/// The outcome of a confirmed remediation, per bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemediateResultModel {
    /// The run's id, which a revert of the whole remediation takes; `None` when nothing ran.
    pub run: Option<i64>,
    /// What was set, e.g. `AES256`.
    pub target: String,
    /// Buckets that now hold the target (as re-read from OSS).
    pub remediated: Vec<String>,
    pub failed: Vec<FailureRow>,
}

/// A bucket that could not be remediated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureRow {
    pub name: String,
    /// The OSS error code, empty when the failure did not come from OSS.
    pub code: String,
    pub message: String,
    /// The OSS request id, to quote to support.
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_says_how_many_buckets_get_which_target() {
        let mut model = RemediatePreviewModel {
            target: Some("AES256".into()),
            change_count: 21,
            ..RemediatePreviewModel::default()
        };
        assert_eq!(model.button_text(), "Encrypt 21 buckets with AES256");
        model.change_count = 1;
        assert_eq!(model.button_text(), "Encrypt 1 bucket with AES256");
        model.target = None;
        assert_eq!(
            model.button_text(),
            "Encrypt 1 bucket, each with its rule's target"
        );
    }
}
