//! A report of 100,000 buckets: built in one streamed pass, rendered and verified. A timing run,
//! ignored by default (no timing threshold): it prints how long each step took.
//!
//! `cargo nextest run -p server --test integration --run-ignored only -E 'test(/reports::scale/)' --no-capture`

use std::time::Instant;

use oss_audit::actions;
use oss_audit::domain::Actor;
use oss_audit::report::{self, ReportFormat, ReportTrigger};

use crate::support::{TestDb, open_store};

const BUCKETS: i64 = 100_000;

/// Writes a completed scan of `BUCKETS` buckets straight into the database: 80% encrypted, 10%
/// unencrypted, 10% unknown (a scan of that many sandbox buckets would take minutes, and the
/// report reads only the database).
async fn seed(pool: &sqlx::SqlitePool) {
    let statements = [
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO bucket (account_id, name, region, extranet_endpoint, intranet_endpoint, first_seen_at)
         SELECT 1, printf('bucket-%06d', i), 'cn-hangzhou', 'oss-cn-hangzhou.aliyuncs.com',
                'oss-cn-hangzhou-internal.aliyuncs.com', '2026-11-01T00:00:00Z' FROM n",
        "INSERT INTO scan (id, account_id, trigger, status, started_at, finished_at, buckets_total, buckets_done,
             encrypted, unencrypted, unknown, compliant, noncompliant, changes)
         VALUES (1, 1, 'cli', 'completed', '2026-11-01T00:00:00Z', '2026-11-01T00:10:00Z', ?1, ?1,
             ?1 * 8 / 10, ?1 / 10, ?1 / 10, ?1 * 8 / 10, ?1 / 10, ?1)",
        "INSERT INTO encryption_state (bucket_id, scan_id, observed_at, status, sse_algorithm, error_code, error_message)
         SELECT id, 1, '2026-11-01T00:05:00Z',
                CASE id % 10 WHEN 0 THEN 'unencrypted' WHEN 1 THEN 'unknown' ELSE 'encrypted' END,
                CASE WHEN id % 10 >= 2 THEN 'AES256' END,
                CASE WHEN id % 10 = 1 THEN 'AccessDenied' END,
                CASE WHEN id % 10 = 1 THEN 'denied' END
         FROM bucket",
        "UPDATE bucket SET state_id = (SELECT s.id FROM encryption_state s WHERE s.bucket_id = bucket.id),
             compliant = CASE id % 10 WHEN 0 THEN 0 WHEN 1 THEN NULL ELSE 1 END",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(BUCKETS)
            .execute(pool)
            .await
            .expect(sql);
    }
}

#[tokio::test]
#[ignore = "a timing run of 100,000 buckets; run it by hand (see the module doc)"]
async fn a_report_of_100000_buckets_is_built_rendered_and_verified() {
    let db = TestDb::new();
    let (store, account) = open_store(&db).await;
    seed(db.pool().await).await;

    let started = Instant::now();
    let actor = Actor::named("cli:bench");
    let created = actions::reports::create(&store, account, ReportTrigger::Cli, &actor, false)
        .await
        .expect("the report is made");
    let built = started.elapsed();
    assert_eq!(created.totals.buckets, BUCKETS as u64);
    assert_eq!(created.totals.compliant, BUCKETS as u64 * 8 / 10);
    assert_eq!(created.totals.unknown, BUCKETS as u64 / 10);

    let mut timings = Vec::new();
    for format in ReportFormat::ALL {
        let (record, content) = oss_audit::store::find_report(&store, account, created.id)
            .await
            .unwrap()
            .unwrap();
        let started = Instant::now();
        let rendered = report::render(&record, content, format).expect("renders");
        timings.push((format, started.elapsed(), rendered.bytes.len()));
    }
    let started = Instant::now();
    let check = report::verify_chain(&store).await.unwrap();
    let verified = started.elapsed();
    assert!(check.broken.is_none());

    eprintln!(
        "100,000 buckets: report built and stored in {built:?} ({} MB of JSON)",
        created.size / 1_000_000
    );
    for (format, took, bytes) in timings {
        eprintln!("  rendered {format} in {took:?} ({} MB)", bytes / 1_000_000);
    }
    eprintln!("  chain verified in {verified:?}");
}
