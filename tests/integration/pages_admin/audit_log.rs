//! The audit log page: changes in words, filters by bucket, user and UTC days, and paging.

use chrono::Utc;
use oss_audit::domain::Role;
use oss_audit::store::{self, NewChange};

use crate::support::{TestApp, between, readable_unencrypted};

#[tokio::test]
async fn the_audit_log_shows_changes_in_words_and_filters_by_bucket_user_and_day() {
    let app = TestApp::scanned(40).await;
    let olga = app.sign_in("olga", Role::Operator).await;
    let otto = app.sign_in("otto", Role::Operator).await;
    let unencrypted = app.names(readable_unencrypted);
    let (a, b) = (&unencrypted[0], &unencrypted[1]);
    assert_eq!(
        olga.post("/remediate", &[("bucket", a)]).await.status(),
        200
    );
    assert_eq!(
        otto.post("/remediate", &[("bucket", b)]).await.status(),
        200
    );
    let today = Utc::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();

    let (status, all) = olga.get("/audit-log").await;
    assert_eq!(status, 200);
    let row = between(&all, &format!(r#"<a href="/buckets/{a}">"#), "</tr>");
    assert!(row.contains("unencrypted → encrypted with AES256"), "{row}");
    assert!(all.contains("user:olga") && all.contains("user:otto"));

    let (_, by_bucket) = olga.get(&format!("/audit-log?bucket={b}")).await;
    assert!(by_bucket.contains(&format!(r#"href="/buckets/{b}""#)));
    assert!(!by_bucket.contains(&format!(r#"href="/buckets/{a}""#)));
    assert!(
        by_bucket.contains(&format!(r#"value="{b}""#)),
        "the filter is kept"
    );

    let (_, by_user) = olga.get("/audit-log?actor=olga").await;
    assert!(by_user.contains(&format!(r#"href="/buckets/{a}""#)));
    assert!(!by_user.contains("user:otto"), "{by_user}");

    let (_, today_only) = olga
        .get(&format!("/audit-log?since={today}&until={today}"))
        .await;
    assert!(today_only.contains(&format!(r#"href="/buckets/{a}""#)));
    let (_, later) = olga.get(&format!("/audit-log?since={tomorrow}")).await;
    assert!(later.contains("No changes match these filters."), "{later}");
    let (_, earlier) = olga
        .get(&format!("/audit-log?until={}", today.pred_opt().unwrap()))
        .await;
    assert!(earlier.contains("No changes match these filters."));

    let (status, bad) = olga.get("/audit-log?since=last+week").await;
    assert_eq!(status, 400);
    let field = between(&bad, r#"id="since""#, "</div>");
    assert!(field.contains("Use a date like"), "{field}");
}

#[tokio::test]
async fn older_entries_are_a_page_away_with_the_same_filters() {
    let app = TestApp::start(1).await;
    let mut tx = app.store().begin().await.unwrap();
    for n in 0..105 {
        store::insert_change(
            &mut tx,
            &NewChange {
                account: app.account(),
                at: Utc::now(),
                actor: "token:ci",
                action: "put-encryption",
                bucket: Some(&format!("bucket-{n:03}")),
                before: None,
                after: None,
                request_id: Some("REQ"),
                outcome: "ok",
                detail: None,
                run: None,
                reverts: None,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let viewer = app.sign_in("vera", Role::Viewer).await;

    let (_, first) = viewer.get("/audit-log?actor=token:ci").await;
    assert!(first.contains("bucket-104") && first.contains("bucket-005"));
    assert!(!first.contains("bucket-004"));
    let older =
        between(&first, "/audit-log?actor=token%3Aci&amp;before=", "\"").replace("&amp;", "&");
    let (_, second) = viewer.get(&older).await;
    assert!(
        second.contains("bucket-004") && second.contains("bucket-000"),
        "{second}"
    );
    assert!(!second.contains("bucket-005"));
    assert!(!second.contains("Older entries"));
}
