//! Exemptions: which buckets may stay as they are (a name or a `*` pattern, optionally one account
//! and one region), why, until when, and the four-eyes rule that lets one count.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use super::{Actor, BucketName, Role};

/// The longest an exemption may run: a year from the moment it is requested.
pub const MAX_EXEMPTION_DAYS: i64 = 365;

/// How long before its expiry an exemption's `exemption_expiring` notification goes out.
pub const EXPIRY_WARNING_DAYS: i64 = 7;

/// The longest reason kept.
pub const MAX_REASON_LEN: usize = 1000;

/// Which buckets an exemption names: a bucket name, or a name with `*` wildcards (`cdn-*`), each
/// `*` standing for any run of characters. Matched like SQL's GLOB; bucket names cannot hold the
/// other GLOB characters (`?`, `[`), and neither can a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct BucketPattern(String);

/// Why an exemption cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExemptionError {
    #[error(
        "bucket pattern {0:?} is not a bucket name or a name with * wildcards (lowercase letters, digits, hyphens and *)"
    )]
    Pattern(String),
    #[error("bucket pattern {0:?} names every bucket; name at least some of the bucket name")]
    PatternTooWide(String),
    #[error("a reason is required")]
    NoReason,
    #[error("the reason is longer than {MAX_REASON_LEN} characters")]
    ReasonTooLong,
    #[error("the expiry {0} is not in the future")]
    ExpiryPast(String),
    #[error("the expiry {0} is more than {MAX_EXEMPTION_DAYS} days ahead")]
    ExpiryTooFar(String),
    #[error("{0:?} is not a date (expected RFC 3339, e.g. 2027-03-31T00:00:00Z, or YYYY-MM-DD)")]
    Date(String),
}

impl BucketPattern {
    /// Parses a bucket name or a name pattern with `*` wildcards.
    pub fn parse(raw: &str) -> Result<Self, ExemptionError> {
        let raw = raw.trim();
        let valid_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '*');
        if raw.is_empty() || raw.len() > 63 || !valid_chars {
            return Err(ExemptionError::Pattern(raw.to_owned()));
        }
        if !raw.contains('*') {
            BucketName::parse(raw).map_err(|_| ExemptionError::Pattern(raw.to_owned()))?;
        } else if raw.chars().all(|c| c == '*' || c == '-') {
            return Err(ExemptionError::PatternTooWide(raw.to_owned()));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The pattern as written (and as given to SQL's GLOB).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `name` is one of the buckets this pattern names.
    pub fn matches(&self, name: &str) -> bool {
        glob(self.0.as_bytes(), name.as_bytes())
    }
}

/// `*`-only glob matching (the only wildcard a pattern may hold).
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| glob(rest, &name[skip..])),
        Some((c, rest)) => name.first() == Some(c) && glob(rest, &name[1..]),
    }
}

impl fmt::Display for BucketPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why buckets may stay as they are: required, never blank.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct ExemptionReason(String);

impl ExemptionReason {
    /// Parses a reason: trimmed, not empty, at most [`MAX_REASON_LEN`] characters.
    pub fn parse(raw: &str) -> Result<Self, ExemptionError> {
        let reason = raw.trim();
        if reason.is_empty() {
            return Err(ExemptionError::NoReason);
        }
        if reason.chars().count() > MAX_REASON_LEN {
            return Err(ExemptionError::ReasonTooLong);
        }
        Ok(Self(reason.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExemptionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses an expiry: RFC 3339, or a date (`YYYY-MM-DD`, meaning its midnight UTC).
pub fn parse_expiry(raw: &str) -> Result<DateTime<Utc>, ExemptionError> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
        .ok_or_else(|| ExemptionError::Date(raw.to_owned()))
}

/// Checks that `expires_at` is after `now` and at most [`MAX_EXEMPTION_DAYS`] days ahead of it.
pub fn check_expiry(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ExemptionError> {
    let shown = expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if expires_at <= now {
        return Err(ExemptionError::ExpiryPast(shown));
    }
    if expires_at > now + Duration::days(MAX_EXEMPTION_DAYS) {
        return Err(ExemptionError::ExpiryTooFar(shown));
    }
    Ok(())
}

/// Where an exemption is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExemptionStatus {
    /// Asked for; changes nothing until a different admin approves it.
    Requested,
    /// In force: the buckets it names are judged `exempt` until it expires or is revoked.
    Approved,
    /// Ended by an admin (a request refused, or an approved exemption withdrawn).
    Revoked,
    /// Ended by its expiry.
    Expired,
}

impl ExemptionStatus {
    pub const ALL: [Self; 4] = [
        Self::Requested,
        Self::Approved,
        Self::Revoked,
        Self::Expired,
    ];

    /// The name used in JSON, SQL, URLs and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

impl fmt::Display for ExemptionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an exemption cannot be approved or revoked by this person now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FourEyesError {
    #[error("only an admin may approve or revoke an exemption")]
    NotAdmin,
    #[error("{0} requested this exemption; a different admin must approve it")]
    SamePerson(String),
    #[error("the exemption is {0}, not awaiting approval")]
    NotRequested(ExemptionStatus),
    #[error("the exemption has already ended ({0})")]
    Ended(ExemptionStatus),
}

/// The four-eyes rule: `approver` (with `role`) may approve a request made by `requester` only
/// when they are an admin and another person, and the request is still open.
pub fn may_approve(
    status: ExemptionStatus,
    requester: &str,
    approver: &Actor,
    role: Role,
) -> Result<(), FourEyesError> {
    if role != Role::Admin {
        return Err(FourEyesError::NotAdmin);
    }
    if status != ExemptionStatus::Requested {
        return Err(FourEyesError::NotRequested(status));
    }
    if requester == approver.as_str() {
        return Err(FourEyesError::SamePerson(requester.to_owned()));
    }
    Ok(())
}

/// An admin may revoke an exemption (or refuse a request) at any time before it ends.
pub fn may_revoke(status: ExemptionStatus, role: Role) -> Result<(), FourEyesError> {
    if role != Role::Admin {
        return Err(FourEyesError::NotAdmin);
    }
    match status {
        ExemptionStatus::Requested | ExemptionStatus::Approved => Ok(()),
        ended => Err(FourEyesError::Ended(ended)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_matches_the_names_its_wildcards_allow() {
        let cdn = BucketPattern::parse("cdn-*").unwrap();
        assert!(cdn.matches("cdn-images"));
        assert!(cdn.matches("cdn-"));
        assert!(!cdn.matches("static-cdn-images"));
        let middle = BucketPattern::parse("app-*-logs").unwrap();
        assert!(middle.matches("app-eu-logs"));
        assert!(!middle.matches("app-eu-logs-old"));
        let exact = BucketPattern::parse("vendor-drop").unwrap();
        assert!(exact.matches("vendor-drop"));
        assert!(!exact.matches("vendor-drops"));
    }

    #[test]
    fn patterns_that_name_everything_or_nothing_valid_are_refused() {
        for bad in ["", "*", "**", "-*-", "CDN-*", "cdn-?", "cdn_[a]", "a"] {
            assert!(BucketPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_expiry_must_be_ahead_and_within_a_year() {
        let now = Utc::now();
        assert!(check_expiry(now + Duration::days(MAX_EXEMPTION_DAYS), now).is_ok());
        assert!(check_expiry(now + Duration::days(MAX_EXEMPTION_DAYS + 1), now).is_err());
        assert!(check_expiry(now, now).is_err());
        assert_eq!(
            parse_expiry("2027-03-31").unwrap(),
            parse_expiry("2027-03-31T00:00:00Z").unwrap()
        );
    }

    #[test]
    fn nobody_approves_their_own_request_and_only_admins_approve() {
        let alice = Actor::user("alice");
        let approve =
            |by: &Actor, role| may_approve(ExemptionStatus::Requested, "user:alice", by, role);
        assert_eq!(
            approve(&alice, Role::Admin),
            Err(FourEyesError::SamePerson("user:alice".into()))
        );
        assert_eq!(
            approve(&Actor::user("bob"), Role::Operator),
            Err(FourEyesError::NotAdmin)
        );
        assert!(approve(&Actor::user("bob"), Role::Admin).is_ok());
    }
}
