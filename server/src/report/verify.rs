//! Checking the chain of stored reports: every content hashes to its digest, every report names
//! its predecessor's digest, and the listed columns agree with the content. The first broken link
//! is named with why.

use std::collections::HashMap;
use std::fmt;

use super::ReportError;
use super::document::ReportDocument;
use crate::auth::secrets::sha256_hex;
use crate::domain::{AccountId, ReportId};
use crate::store::{self, ReportRecord, Store};
use crate::view::rfc3339;

/// The result of checking every report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Reports checked (up to and including a broken one).
    pub checked: usize,
    /// The first report that breaks the chain, if any.
    pub broken: Option<BrokenLink>,
}

/// A report that breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub report: ReportId,
    pub reason: BrokenReason,
}

/// Why a report breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokenReason {
    /// The content does not hash to the stored digest: the content (or the digest) was edited.
    ContentDigestMismatch { stored: String, computed: String },
    /// The content's `previous_digest` is not the digest of the account's previous report: a
    /// report before it was edited, removed or inserted.
    PreviousDigestMismatch {
        expected: Option<String>,
        found: Option<String>,
    },
    /// The content is not a report document.
    Unreadable(String),
    /// A listed column disagrees with the content (what lists show was edited).
    RowDisagrees(String),
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "report {}: {}", self.report, self.reason)
    }
}

impl fmt::Display for BrokenReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let none = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".to_owned());
        match self {
            Self::ContentDigestMismatch { stored, computed } => write!(
                f,
                "content digest mismatch: the stored digest is {stored}, but the content hashes to {computed}"
            ),
            Self::PreviousDigestMismatch { expected, found } => write!(
                f,
                "previous_digest mismatch: it names {}, but the previous report's digest is {}",
                none(found),
                none(expected)
            ),
            Self::Unreadable(reason) => write!(f, "the content is not a report document: {reason}"),
            Self::RowDisagrees(what) => {
                write!(f, "the stored columns disagree with the content: {what}")
            }
        }
    }
}

/// Checks every report of every account, oldest first, one at a time (a long chain of large
/// reports is never in memory at once). Stops at the first broken link.
pub async fn verify_chain(store: &Store) -> Result<ChainCheck, ReportError> {
    let ids = store::list_report_ids(store).await?;
    let mut previous: HashMap<AccountId, (ReportId, String)> = HashMap::new();
    let mut checked = 0;
    for id in ids {
        let (record, content) = store::get_report_any_account(store, id).await?;
        checked += 1;
        let expected = previous.get(&record.account_id).cloned();
        if let Err(reason) = check_one(&record, &content, expected.as_ref()) {
            return Ok(ChainCheck {
                checked,
                broken: Some(BrokenLink { report: id, reason }),
            });
        }
        previous.insert(record.account_id, (id, record.digest));
    }
    Ok(ChainCheck {
        checked,
        broken: None,
    })
}

/// Checks one report against the account's previous report (`None`: it should be the first).
fn check_one(
    record: &ReportRecord,
    content: &[u8],
    previous: Option<&(ReportId, String)>,
) -> Result<(), BrokenReason> {
    let computed = sha256_hex(content);
    if computed != record.digest {
        return Err(BrokenReason::ContentDigestMismatch {
            stored: record.digest.clone(),
            computed,
        });
    }
    let document =
        ReportDocument::parse(content).map_err(|e| BrokenReason::Unreadable(e.to_string()))?;
    let expected = previous.map(|(_, digest)| digest.clone());
    if document.previous_digest != expected {
        return Err(BrokenReason::PreviousDigestMismatch {
            expected,
            found: document.previous_digest,
        });
    }
    let disagree = |what: &str| Err(BrokenReason::RowDisagrees(what.to_owned()));
    if document.previous_report_id != previous.map(|(id, _)| id.get()) {
        return disagree("previous_report_id is not the account's previous report");
    }
    if document.report_id != record.id.get() {
        return disagree("report_id");
    }
    if record.previous_digest != document.previous_digest {
        return disagree("previous_digest");
    }
    if document.created_at != rfc3339(record.created_at) {
        return disagree("created_at");
    }
    let t = document.totals;
    let listed = [
        record.buckets,
        record.compliant,
        record.noncompliant,
        record.unknown,
    ];
    let counted = [t.buckets, t.compliant, t.noncompliant, t.unknown].map(|n| n as i64);
    if listed != counted
        || document.trigger != record.trigger
        || document.created_by != record.created_by
    {
        return disagree("totals, trigger or created_by");
    }
    Ok(())
}
