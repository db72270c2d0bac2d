//! Scheduled reports: the step (`run_due_report`) with a cursor in SQLite — nothing on the first
//! start, one report for any number of missed occurrences, nothing twice — and a restarted
//! application catching up with a missed Monday once.

use chrono::{DateTime, Utc};
use oss_audit::report::{ReportSchedule, ReportStep, run_due_report};

use crate::support::{Audit, TestApp, TestDb, until};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

async fn reports(db: &TestDb) -> Vec<(i64, String, String)> {
    sqlx::query_as("SELECT id, trigger, created_by FROM report ORDER BY id")
        .fetch_all(db.pool().await)
        .await
        .unwrap()
}

async fn cursor(db: &TestDb) -> Option<(DateTime<Utc>, String)> {
    sqlx::query_as("SELECT checked_at, schedule FROM report_schedule")
        .fetch_optional(db.pool().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn missed_occurrences_make_one_report_and_the_first_start_makes_none() {
    let audit = Audit::new(8).await;
    audit.scan().await;
    let weekly = ReportSchedule::parse("TZ=Asia/Shanghai 0 8 * * MON").unwrap();

    // Thursday: the first start. Last Monday's occurrence is before oss-audit ran: no report.
    assert!(matches!(
        step(&audit, &weekly, "2026-11-26T12:00:00Z").await,
        ReportStep::Started
    ));
    assert_eq!(
        cursor(&audit.db).await.unwrap().0,
        at("2026-11-26T12:00:00Z")
    );
    let not_due = step(&audit, &weekly, "2026-11-27T12:00:00Z").await;
    assert!(
        matches!(not_due, ReportStep::NotDue(Some(next)) if next == at("2026-11-30T00:00:00Z")),
        "{not_due:?}"
    );
    assert!(reports(&audit.db).await.is_empty());

    // Down from Friday until Tuesday the 8th: two Mondays missed, one report made.
    let caught_up = step(&audit, &weekly, "2026-12-08T03:00:00Z").await;
    assert!(matches!(caught_up, ReportStep::Created(_)), "{caught_up:?}");
    assert_eq!(
        reports(&audit.db).await,
        [(1, "schedule".to_owned(), "schedule".to_owned())]
    );
    assert_eq!(
        cursor(&audit.db).await.unwrap(),
        (
            at("2026-12-08T03:00:00Z"),
            "TZ=Asia/Shanghai 0 8 * * MON".to_owned()
        )
    );

    // Run again (a second process, or the loop waking early): nothing is due any more.
    assert!(matches!(
        step(&audit, &weekly, "2026-12-08T03:00:00Z").await,
        ReportStep::NotDue(_)
    ));
    assert!(matches!(
        step(&audit, &weekly, "2026-12-13T23:59:59Z").await,
        ReportStep::NotDue(_)
    ));
    assert_eq!(reports(&audit.db).await.len(), 1);
    // The next Monday 08:00 in Shanghai (00:00 UTC), with no scan since: no copy of report 1.
    let nothing_new = step(&audit, &weekly, "2026-12-14T00:00:00Z").await;
    assert!(
        matches!(nothing_new, ReportStep::SkippedNothingNew(id) if id.get() == 1),
        "{nothing_new:?}"
    );
    assert_eq!(reports(&audit.db).await.len(), 1);
    // After another scan, the Monday after makes the next one.
    audit.scan().await;
    assert!(matches!(
        step(&audit, &weekly, "2026-12-21T00:00:00Z").await,
        ReportStep::Created(_)
    ));
    assert_eq!(reports(&audit.db).await.len(), 2);
}

async fn step(audit: &Audit, schedule: &ReportSchedule, now: &str) -> ReportStep {
    run_due_report(&audit.store, audit.account, schedule, at(now))
        .await
        .expect("the step runs")
}

#[tokio::test]
async fn a_due_report_without_a_completed_scan_is_skipped_and_off_keeps_nothing_missed() {
    let audit = Audit::new(3).await;
    let daily = ReportSchedule::parse("0 6 * * *").unwrap();

    assert!(matches!(
        step(&audit, &daily, "2026-11-26T00:00:00Z").await,
        ReportStep::Started
    ));
    let skipped = step(&audit, &daily, "2026-11-26T07:00:00Z").await;
    assert!(matches!(skipped, ReportStep::SkippedNoScan), "{skipped:?}");
    assert!(matches!(
        step(&audit, &daily, "2026-11-26T08:00:00Z").await,
        ReportStep::NotDue(_)
    ));
    assert!(reports(&audit.db).await.is_empty());

    // Off for a week: the cursor follows the clock, so switching back on makes no catch-up report.
    audit.scan().await;
    let off = step(&audit, &ReportSchedule::Off, "2026-12-03T00:00:00Z").await;
    assert!(matches!(off, ReportStep::Off), "{off:?}");
    assert_eq!(
        cursor(&audit.db).await.unwrap(),
        (at("2026-12-03T00:00:00Z"), "off".to_owned())
    );
    assert!(matches!(
        step(&audit, &daily, "2026-12-03T05:00:00Z").await,
        ReportStep::NotDue(_)
    ));
    assert!(reports(&audit.db).await.is_empty());
    // And the next occurrence makes one.
    assert!(matches!(
        step(&audit, &daily, "2026-12-03T06:00:00Z").await,
        ReportStep::Created(_)
    ));
}

#[tokio::test]
async fn a_restarted_server_makes_the_report_it_missed_once() {
    let weekly = ReportSchedule::parse("0 8 * * MON").unwrap();

    // First start: a scan, and the schedule's cursor starts now with no report.
    let app = TestApp::launch()
        .buckets(5)
        .report_schedule(weekly.clone())
        .start()
        .await;
    app.scan().await;
    until("the schedule's cursor is set", async || {
        cursor(&app.db).await.map(|_| ())
    })
    .await;
    assert!(
        reports(&app.db).await.is_empty(),
        "no report on the first start"
    );
    let stopped = app.stop().await;

    // The server was down over a Monday 08:00 UTC: move the cursor back eight days.
    let eight_days_ago = Utc::now() - chrono::Duration::days(8);
    sqlx::query("UPDATE report_schedule SET checked_at = ?1")
        .bind(eight_days_ago)
        .execute(stopped.db.pool().await)
        .await
        .unwrap();

    let restarted_at = Utc::now();
    let app = TestApp::launch()
        .over(stopped)
        .report_schedule(weekly.clone())
        .start()
        .await;
    until("the missed report is made", async || {
        (!reports(&app.db).await.is_empty()).then_some(())
    })
    .await;
    assert_eq!(
        reports(&app.db).await,
        [(1, "schedule".to_owned(), "schedule".to_owned())]
    );
    let (checked, schedule) = cursor(&app.db).await.unwrap();
    assert!(checked >= restarted_at, "the cursor moved to the restart");
    assert_eq!(schedule, "0 8 * * MON");
    // Once: checking again now finds nothing due.
    let again = run_due_report(app.store(), app.account(), &weekly, Utc::now())
        .await
        .unwrap();
    assert!(matches!(again, ReportStep::NotDue(_)), "{again:?}");
    assert_eq!(reports(&app.db).await.len(), 1);
    app.stop().await;
}
