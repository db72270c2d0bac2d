//! The events a notification can carry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ExemptionId, ReportId, ScanId};

/// How many bucket names (or failures) an event lists at most; the counts cover the rest.
pub const LISTED_AT_MOST: usize = 20;

/// Something worth telling people about. One event per occurrence: a scan's many changes become
/// one event with a summary, never one per bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// An audit report was stored.
    ReportReady(ReportReady),
    /// Buckets became non-compliant or unknown: seen by a completed scan, made so by a change of
    /// their encryption, or judged so by a new policy.
    BucketsNoncompliant(BucketsNoncompliant),
    /// A one-click remediation finished.
    RemediationFinished(RemediationFinished),
    /// A scan failed (e.g. ListBuckets was refused), so nothing was judged.
    ScanFailed(ScanFailed),
    /// An admin asked for a test message.
    Test(TestMessage),
    /// Customer keys behind SSE-KMS became unusable (disabled, pending deletion, gone).
    KeyUnusable(super::KeysUnusable),
    /// An approved exemption ends in [`EXPIRY_WARNING_DAYS`](super::EXPIRY_WARNING_DAYS) days.
    ExemptionExpiring(ExemptionExpiring),
    /// An exemption expired and buckets it covered are judged again: some are not compliant.
    ExemptionExpired(ExemptionExpired),
}

impl Event {
    /// The audited account the event is about, when it is about one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Self::BucketsNoncompliant(e) => e.account.as_deref(),
            Self::ScanFailed(e) => e.account.as_deref(),
            Self::KeyUnusable(e) => e.account.as_deref(),
            Self::ExemptionExpiring(e) => e.account.as_deref(),
            Self::ExemptionExpired(e) => e.account.as_deref(),
            Self::ReportReady(_) | Self::RemediationFinished(_) | Self::Test(_) => None,
        }
    }

    /// The type tag, as in the JSON and the `X-OSS-Audit-Event` header.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ReportReady(_) => "report_ready",
            Self::BucketsNoncompliant(_) => "buckets_noncompliant",
            Self::RemediationFinished(_) => "remediation_finished",
            Self::ScanFailed(_) => "scan_failed",
            Self::Test(_) => "test",
            Self::KeyUnusable(_) => "key_unusable",
            Self::ExemptionExpiring(_) => "exemption_expiring",
            Self::ExemptionExpired(_) => "exemption_expired",
        }
    }
}

/// A stored report, with what a receiver needs to fetch and check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportReady {
    pub report: ReportId,
    /// SHA-256 (hex) of the report, chained to the previous report's digest.
    pub digest: String,
    pub created_at: DateTime<Utc>,
    pub buckets: u64,
    pub compliant: u64,
    pub noncompliant: u64,
    pub unknown: u64,
}

/// The buckets one scan, one change or one policy put in a non-compliant or unknown state. A
/// bucket that was already in that state does not count again; a new bucket that arrives in it
/// does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketsNoncompliant {
    /// What put them there. Absent from events queued before it existed, which were all scans.
    #[serde(default)]
    pub cause: Cause,
    /// The account of every bucket listed, when they share one (a scan's account, a changed
    /// bucket's); `None` for a policy, which judges every account (each bucket names its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The scan that saw it; `None` unless `cause` is a scan.
    pub scan: Option<ScanId>,
    /// Who changed the encryption or the policy, as the audit log names them (`user:alice`,
    /// `token:ci`); `None` for a scan.
    #[serde(default)]
    pub by: Option<String>,
    /// Buckets that became non-compliant.
    pub noncompliant: u64,
    /// Buckets that became unknown (their encryption could not be read).
    pub unknown: u64,
    /// The first [`LISTED_AT_MOST`] of them by name.
    pub buckets: Vec<BucketTransition>,
}

/// What made buckets non-compliant or unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A scan read a new state.
    #[default]
    Scan,
    /// Someone changed a bucket's encryption through the dashboard, the API or the CLI.
    Change,
    /// Someone set a policy that refuses what buckets hold.
    Policy,
    /// An exemption ended, so its buckets are judged by the policy again.
    Exemption,
}

/// One bucket that became non-compliant or unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketTransition {
    /// The bucket's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub name: String,
    pub became: Became,
    /// What OSS holds: `encrypted` (with a rule the policy refuses), `unencrypted` or
    /// `unknown`.
    pub status: String,
    /// The algorithm of a refused rule, or the OSS error code of an unknown state.
    pub detail: Option<String>,
    /// `true` when the bucket was not known before this scan (always `false` for a change or a
    /// policy, which act on known buckets).
    pub new: bool,
}

/// The judgement a bucket moved to; ordered as listed, the more pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Became {
    Noncompliant,
    Unknown,
}

/// The outcome of a one-click remediation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationFinished {
    /// Who asked, as the audit log names them (`user:alice`, `token:ci`).
    pub actor: String,
    pub remediated: u64,
    pub failed: u64,
    /// The first [`LISTED_AT_MOST`] failures: bucket and reason (OSS code and request id).
    pub failures: Vec<RemediationFailure>,
}

/// A bucket remediation could not fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationFailure {
    /// The bucket's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub bucket: String,
    pub error: String,
}

/// An account's part of a scan that failed (its AssumeRole or ListBuckets was refused), so
/// nothing of that account was judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanFailed {
    pub scan: ScanId,
    /// The account whose part failed. Absent from events queued before there were several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The whole reason, as the scans page shows it.
    pub error: String,
    /// The error code, when OSS (or STS) answered.
    pub code: Option<String>,
    /// The request id, when OSS (or STS) answered.
    pub request_id: Option<String>,
}

/// A test message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestMessage {
    /// Who asked for it.
    pub actor: String,
}

/// An exemption, as its notifications describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionExpiring {
    pub exemption: ExemptionId,
    /// The bucket name or `*` pattern it names.
    pub pattern: String,
    /// The account it is limited to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region it is limited to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub reason: String,
    pub requested_by: String,
    pub approved_by: String,
    pub expires_at: DateTime<Utc>,
    /// The buckets it covers now.
    pub buckets: u64,
}

/// An exemption that expired, and what its buckets are now that the policy judges them again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionExpired {
    pub exemption: ExemptionId,
    pub pattern: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub reason: String,
    pub requested_by: String,
    pub approved_by: String,
    pub expired_at: DateTime<Utc>,
    /// Buckets it covered that are non-compliant now.
    pub noncompliant: u64,
    /// Buckets it covered whose encryption could not be read.
    pub unknown: u64,
    /// The first [`LISTED_AT_MOST`] of them by name.
    pub buckets: Vec<BucketTransition>,
}
