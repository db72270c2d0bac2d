//! What is news for alerting: whether a bucket became non-compliant or unknown, and the one
//! [`BucketsNoncompliant`] event that gathers every such bucket of a scan, a change or a policy.

use super::event::{Became, BucketTransition, BucketsNoncompliant, Cause, Event, LISTED_AT_MOST};
use super::{EncryptionState, Requirement, ScanId, judge};

/// What `after` means for alerting when the bucket was in `before` (`None`: never read): the
/// judgement it moved to, or `None` when it is compliant or was already in that judgement.
pub fn became(
    requirement: &Requirement,
    before: Option<&EncryptionState>,
    after: &EncryptionState,
) -> Option<Became> {
    let after = judge(requirement, after);
    if after == Some(true) || before.is_some_and(|b| judge(requirement, b) == after) {
        return None;
    }
    Some(match after {
        Some(_) => Became::Noncompliant,
        None => Became::Unknown,
    })
}

/// The buckets of one [`BucketsNoncompliant`] event, gathered one by one: all are counted, the
/// first [`LISTED_AT_MOST`] listed.
#[derive(Debug)]
pub struct Regressions(BucketsNoncompliant);

impl Regressions {
    /// An empty gathering for `cause`; `account` names the account every bucket belongs to
    /// (`None` when they span accounts), `scan` the scan, `by` who made the change or policy.
    pub fn new(
        cause: Cause,
        account: Option<&str>,
        scan: Option<ScanId>,
        by: Option<&str>,
    ) -> Self {
        Self(BucketsNoncompliant {
            cause,
            account: account.map(str::to_owned),
            scan,
            by: by.map(str::to_owned),
            noncompliant: 0,
            unknown: 0,
            buckets: Vec::new(),
        })
    }

    /// Counts bucket `name` of `account`, which `became` something in state `after`; lists it
    /// while there is room.
    pub fn push(
        &mut self,
        account: &str,
        name: String,
        became: Became,
        after: &EncryptionState,
        new: bool,
    ) {
        match became {
            Became::Noncompliant => self.0.noncompliant += 1,
            Became::Unknown => self.0.unknown += 1,
        }
        if self.0.buckets.len() < LISTED_AT_MOST {
            let mut listed = transition(name, became, after, new);
            // Named per bucket only when the event spans accounts.
            if self.0.account.is_none() {
                listed.account = Some(account.to_owned());
            }
            self.0.buckets.push(listed);
        }
    }

    /// The event, unless no bucket was counted.
    pub fn into_event(mut self) -> Option<Event> {
        if self.0.noncompliant + self.0.unknown == 0 {
            return None;
        }
        // Non-compliant first, the more pressing news; then by name.
        self.0
            .buckets
            .sort_by(|a, b| (a.became, &a.name, &a.account).cmp(&(b.became, &b.name, &b.account)));
        Some(Event::BucketsNoncompliant(self.0))
    }
}

fn transition(
    name: String,
    became: Became,
    after: &EncryptionState,
    new: bool,
) -> BucketTransition {
    let detail = match after {
        EncryptionState::Unknown { code, .. } => Some(code.clone()),
        EncryptionState::Encrypted(rule) => Some(rule.to_string()),
        EncryptionState::Unencrypted => None,
    };
    BucketTransition {
        account: None,
        name,
        became,
        status: after.status().as_str().to_owned(),
        detail,
        new,
    }
}
