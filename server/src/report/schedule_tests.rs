//! The schedule math across time zones: DST-free (Asia/Shanghai, UTC) and with DST
//! (America/New_York spring-forward and fall-back, Europe/London), and the parse errors.

use chrono::{DateTime, Utc};

use super::*;

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("a test time")
        .with_timezone(&Utc)
}

fn schedule(raw: &str) -> ReportSchedule {
    ReportSchedule::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

/// The next `n` occurrences after `from`.
fn occurrences(schedule: &ReportSchedule, from: &str, n: usize) -> Vec<DateTime<Utc>> {
    let mut found = Vec::new();
    let mut after = at(from);
    for _ in 0..n {
        after = schedule.next_after(after).expect("an occurrence");
        found.push(after);
    }
    found
}

#[test]
fn the_default_is_monday_eight_in_shanghai_at_the_same_utc_hour_all_year() {
    let default = schedule(DEFAULT_SCHEDULE);
    // Shanghai has no DST: 08:00 CST is 00:00 UTC in winter and in summer alike.
    assert_eq!(
        occurrences(&default, "2026-11-26T12:00:00Z", 2),
        [at("2026-11-30T00:00:00Z"), at("2026-12-07T00:00:00Z")]
    );
    assert_eq!(
        occurrences(&default, "2026-07-01T00:00:00Z", 1),
        [at("2026-07-06T00:00:00Z")]
    );
    assert_eq!(default.to_string(), DEFAULT_SCHEDULE);
}

#[test]
fn without_a_zone_the_expression_is_read_in_utc() {
    let utc = schedule("0 8 * * MON");
    assert_eq!(
        occurrences(&utc, "2026-11-26T12:00:00Z", 1),
        [at("2026-11-30T08:00:00Z")]
    );
    assert_eq!(
        occurrences(&utc, "2026-07-01T00:00:00Z", 1),
        [at("2026-07-06T08:00:00Z")]
    );
    assert_eq!(utc.to_string(), "0 8 * * MON");
    let named = schedule("TZ=UTC 0 8 * * MON");
    assert_eq!(
        named.next_after(at("2026-11-26T12:00:00Z")),
        utc.next_after(at("2026-11-26T12:00:00Z"))
    );
}

#[test]
fn new_york_spring_forward_moves_the_utc_hour_and_runs_a_time_in_the_gap_right_after_it() {
    // 2026-03-08 02:00 EST jumps to 03:00 EDT.
    let morning = schedule("TZ=America/New_York 0 8 * * *");
    assert_eq!(
        occurrences(&morning, "2026-03-07T00:00:00Z", 3),
        [
            at("2026-03-07T13:00:00Z"),
            at("2026-03-08T12:00:00Z"),
            at("2026-03-09T12:00:00Z")
        ]
    );
    // 02:30 does not exist on the 8th: that day's run comes at 03:00 EDT, not never and not twice.
    let in_gap = schedule("CRON_TZ=America/New_York 30 2 * * *");
    assert_eq!(
        occurrences(&in_gap, "2026-03-07T00:00:00Z", 3),
        [
            at("2026-03-07T07:30:00Z"),
            at("2026-03-08T07:00:00Z"),
            at("2026-03-09T06:30:00Z")
        ]
    );
}

#[test]
fn new_york_fall_back_runs_a_time_in_the_repeated_hour_once() {
    // 2026-11-01 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice on the wall clock.
    let repeated = schedule("TZ=America/New_York 30 1 * * *");
    assert_eq!(
        occurrences(&repeated, "2026-10-31T12:00:00Z", 2),
        [at("2026-11-01T05:30:00Z"), at("2026-11-02T06:30:00Z")]
    );
    let morning = schedule("TZ=America/New_York 0 8 * * SUN,MON");
    assert_eq!(
        occurrences(&morning, "2026-10-31T12:00:00Z", 2),
        [at("2026-11-01T13:00:00Z"), at("2026-11-02T13:00:00Z")]
    );
}

#[test]
fn london_mondays_follow_british_summer_time() {
    let london = schedule("TZ=Europe/London 0 8 * * MON");
    // BST starts 2026-03-29 and ends 2026-10-25.
    assert_eq!(
        occurrences(&london, "2026-03-20T00:00:00Z", 2),
        [at("2026-03-23T08:00:00Z"), at("2026-03-30T07:00:00Z")]
    );
    assert_eq!(
        occurrences(&london, "2026-10-18T00:00:00Z", 2),
        [at("2026-10-19T07:00:00Z"), at("2026-10-26T08:00:00Z")]
    );
}

#[test]
fn a_report_is_due_when_an_occurrence_lies_after_the_cursor_up_to_now() {
    let weekly = schedule(DEFAULT_SCHEDULE);
    let monday = at("2026-11-30T00:00:00Z");
    // Checked up to Sunday, now Monday after 08:00 Shanghai: due.
    assert!(weekly.is_due(at("2026-11-29T12:00:00Z"), at("2026-11-30T00:00:01Z")));
    // Exactly at the occurrence counts as reached.
    assert!(weekly.is_due(at("2026-11-29T12:00:00Z"), monday));
    // Already checked at (or after) the occurrence: not due again.
    assert!(!weekly.is_due(monday, at("2026-11-30T06:00:00Z")));
    // Before the occurrence: not yet.
    assert!(!weekly.is_due(at("2026-11-29T12:00:00Z"), at("2026-11-29T23:59:59Z")));
    // A three-week outage covers three occurrences: still just "due" (the step makes one).
    assert!(weekly.is_due(at("2026-11-01T00:00:00Z"), at("2026-11-22T12:00:00Z")));
    assert!(!ReportSchedule::Off.is_due(at("2026-11-01T00:00:00Z"), at("2027-01-01T00:00:00Z")));
}

#[test]
fn off_disables_and_bad_schedules_are_refused_with_a_clear_reason() {
    assert_eq!(schedule("off"), ReportSchedule::Off);
    assert_eq!(schedule(" OFF "), ReportSchedule::Off);
    assert_eq!(ReportSchedule::Off.to_string(), "off");

    let error = |raw: &str| ReportSchedule::parse(raw).expect_err(raw);
    assert_eq!(error("  "), ScheduleError::Empty);
    assert_eq!(
        error("TZ=Mars/Olympus_Mons 0 8 * * MON"),
        ScheduleError::UnknownZone("Mars/Olympus_Mons".to_owned())
    );
    for bad in [
        "0 8 * *",
        "61 8 * * *",
        "0 8 * * FUNDAY",
        "0 0 8 * * MON",
        "TZ=UTC",
    ] {
        let err = error(bad);
        assert!(
            matches!(err, ScheduleError::BadExpression { .. }),
            "{bad:?}: {err:?}"
        );
        assert!(err.to_string().contains("five fields"), "{err}");
    }
    assert!(matches!(error("0 0 30 2 *"), ScheduleError::NeverOccurs(_)));
}
