//! The report schedule: a five-field cron expression read in an IANA time zone, written as
//! Kubernetes CronJobs write it (`TZ=Asia/Shanghai 0 8 * * MON`; UTC without a prefix), or `off`.
//! Occurrences are computed in the zone's wall-clock time, DST included (croner follows the
//! Open Cron Pattern Specification: a fixed time inside a spring-forward gap runs right after the
//! gap; a fixed time inside a fall-back overlap runs once, at its first pass).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

/// Monday 08:00 in Shanghai: the weekly report waiting when the week starts.
pub const DEFAULT_SCHEDULE: &str = "TZ=Asia/Shanghai 0 8 * * MON";

/// When scheduled reports are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSchedule {
    /// No scheduled reports (on demand only).
    Off,
    /// At every occurrence of a cron expression in a time zone.
    Cron(CronSchedule),
}

/// A cron expression in a time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronSchedule {
    zone: Tz,
    /// Whether the zone was named (`TZ=` or `CRON_TZ=`), so it is shown as written.
    zone_named: bool,
    expression: String,
    cron: Cron,
}

/// Why a schedule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "the report schedule is empty: write a cron expression such as `TZ=Asia/Shanghai 0 8 * * MON`, or `off`"
    )]
    Empty,
    #[error(
        "unknown time zone {0:?} in the report schedule: use an IANA name such as Asia/Shanghai, Europe/London or UTC"
    )]
    UnknownZone(String),
    #[error(
        "{expression:?} is not a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. `0 8 * * MON`: {reason}"
    )]
    BadExpression { expression: String, reason: String },
    #[error("the report schedule {0:?} never occurs")]
    NeverOccurs(String),
}

impl Default for ReportSchedule {
    /// [`DEFAULT_SCHEDULE`].
    fn default() -> Self {
        Self::parse(DEFAULT_SCHEDULE)
            .unwrap_or_else(|_| unreachable!("DEFAULT_SCHEDULE is a valid schedule"))
    }
}

impl ReportSchedule {
    /// Parses `off`, or `[TZ=<zone> |CRON_TZ=<zone> ]<minute> <hour> <day> <month> <weekday>`.
    pub fn parse(raw: &str) -> Result<Self, ScheduleError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ScheduleError::Empty);
        }
        if raw.eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        let prefix = ["TZ=", "CRON_TZ="]
            .into_iter()
            .find(|prefix| raw.starts_with(prefix));
        let (zone, zone_named, expression) = match prefix {
            Some(prefix) => {
                let rest = &raw[prefix.len()..];
                let (zone, expression) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let zone =
                    Tz::from_str(zone).map_err(|_| ScheduleError::UnknownZone(zone.to_owned()))?;
                (zone, true, expression.trim())
            }
            None => (Tz::UTC, false, raw),
        };
        let expression = expression.split_whitespace().collect::<Vec<_>>().join(" ");
        let bad = |reason: String| ScheduleError::BadExpression {
            expression: expression.clone(),
            reason,
        };
        if expression.is_empty() {
            return Err(bad("it is missing".to_owned()));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .build()
            .parse(&expression)
            .map_err(|e| bad(e.to_string()))?;
        let schedule = CronSchedule {
            zone,
            zone_named,
            expression,
            cron,
        };
        // An expression such as `0 0 30 2 *` parses but has no occurrence at all.
        if schedule.next_after(Utc::now()).is_none() {
            return Err(ScheduleError::NeverOccurs(raw.to_owned()));
        }
        Ok(Self::Cron(schedule))
    }

    /// The first occurrence strictly after `after`; `None` when off.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Off => None,
            Self::Cron(schedule) => schedule.next_after(after),
        }
    }

    /// Whether an occurrence lies in `(checked_until, now]`: a report is due.
    pub fn is_due(&self, checked_until: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.next_after(checked_until)
            .is_some_and(|next| next <= now)
    }
}

impl CronSchedule {
    fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .find_next_occurrence(&after.with_timezone(&self.zone), false)
            .ok()
            .map(|next| next.with_timezone(&Utc))
    }

    /// The time zone occurrences are read in.
    pub fn zone(&self) -> Tz {
        self.zone
    }
}

impl fmt::Display for ReportSchedule {
    /// The schedule in the form it is configured in (`off`, `TZ=Asia/Shanghai 0 8 * * MON`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Off => f.write_str("off"),
            Self::Cron(s) if s.zone_named => write!(f, "TZ={} {}", s.zone.name(), s.expression),
            Self::Cron(s) => f.write_str(&s.expression),
        }
    }
}

impl FromStr for ReportSchedule {
    type Err = ScheduleError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
