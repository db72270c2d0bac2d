//! The revert flow: a preview of what each bucket gets back, then the outcome per bucket.

use super::FailureRow;

/// The preview of a revert: buckets restored, buckets that changed since (left alone unless
/// ticked), buckets that cannot be reverted, and the confirming form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevertPreviewModel {
    /// The form field naming what is reverted: `change` or `run`.
    pub target_field: String,
    /// The entry or run id.
    pub target_id: i64,
    /// What is reverted, in words.
    pub describes: String,
    /// Why nothing can be reverted at all (a change OSS refused, or no encryption change); then
    /// there is no form.
    pub refusal: Option<String>,
    /// Buckets that hold what the change left: they get their state before it back.
    pub restores: Vec<RevertRow>,
    /// Buckets that changed again since: left alone unless ticked.
    pub changed: Vec<RevertRow>,
    /// Buckets that cannot be reverted or need nothing, with why.
    pub apart: Vec<RevertRow>,
    /// The plan's digest, carried by the form: a confirmation of another plan is refused.
    pub digest: String,
    /// Why a confirmation was not carried out (the plan changed since the preview).
    pub error: Option<String>,
}

impl RevertPreviewModel {
    /// The text of the confirming button, e.g. `Revert 3 buckets`.
    pub fn button_text(&self) -> String {
        let buckets = match self.restores.len() {
            1 => "1 bucket".to_owned(),
            n => format!("{n} buckets"),
        };
        match (self.restores.len(), self.changed.is_empty()) {
            (0, false) => "Revert the ticked buckets".to_owned(),
            (_, true) => format!("Revert {buckets}"),
            (_, false) => format!("Revert {buckets} and the ticked ones"),
        }
    }

    /// Whether there is anything a confirmation could restore.
    pub fn can_confirm(&self) -> bool {
        self.refusal.is_none() && !(self.restores.is_empty() && self.changed.is_empty())
    }
}

/// One bucket of a revert preview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevertRow {
    pub name: String,
    /// Empty when the bucket is no longer in the inventory.
    pub region: String,
    /// Its encryption now, in words.
    pub now: String,
    /// What it gets back, in words: `AES256`, `no rule (DeleteBucketEncryption)`.
    pub restore: String,
    /// Why it is restored or left alone.
    pub reason: String,
}

/// The outcome of a confirmed revert, per bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevertResultModel {
    /// What was reverted, in words.
    pub describes: String,
    /// The revert's own run, which can itself be reverted; `None` when nothing was written.
    pub run: Option<i64>,
    /// Buckets restored: name and what OSS reports now.
    pub restored: Vec<(String, String)>,
    pub failed: Vec<FailureRow>,
    /// Buckets left alone: name and why.
    pub left_alone: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_says_how_many_buckets_are_reverted() {
        let row = RevertRow::default();
        let mut model = RevertPreviewModel {
            restores: vec![row.clone(), row.clone()],
            ..RevertPreviewModel::default()
        };
        assert_eq!(model.button_text(), "Revert 2 buckets");
        model.restores.pop();
        assert_eq!(model.button_text(), "Revert 1 bucket");
        model.changed.push(row);
        assert_eq!(model.button_text(), "Revert 1 bucket and the ticked ones");
        model.restores.clear();
        assert_eq!(model.button_text(), "Revert the ticked buckets");
        assert!(model.can_confirm());
        model.changed.clear();
        assert!(!model.can_confirm());
    }
}
