//! A member's temporary keys expire in the middle of a scan: they are renewed before they do,
//! and no request is refused for an expired token.

use oss_audit::domain::Role;
use oss_audit::sandbox::RequestKind;

use super::{assert_account_matches, part};
use crate::support::TestApp;

#[tokio::test]
async fn keys_expiring_mid_scan_are_renewed_and_no_request_fails_for_an_expired_token() {
    // STS grants 4 s keys; at 40 requests a second a member's 300 buckets take about 8 s, so the
    // scan outlives at least two sets of keys.
    let app = TestApp::launch()
        .buckets(300)
        .estate(2, |c| {
            c.sts_duration_secs = Some(4);
            c.latency_ms = 5;
        })
        .max_rps(40)
        .pace(2, 8)
        .members()
        .start()
        .await;
    let member = app.sandbox.members()[0].clone();
    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "completed", "{scan}");
    assert_eq!(part(&scan, "payments-prod")["buckets_done"], 300);

    let assumed = app.sandbox.requests_served_by(RequestKind::AssumeRole);
    assert!(
        assumed >= 3,
        "the keys were renewed during the scan ({assumed} AssumeRole calls)"
    );
    assert_eq!(
        app.sandbox.expired_token_refusals(),
        0,
        "every request was signed with keys that had not expired"
    );
    let listed = app
        .api(Role::Viewer)
        .await
        .all_buckets("&account=payments-prod")
        .await;
    assert_account_matches(
        "payments-prod",
        &member,
        &app.sandbox.buckets_of(&member.uid),
        &listed,
    );
    assert!(
        listed
            .iter()
            .all(|b| b["error_code"].is_null() || b["error_code"] == "AccessDenied"),
        "no read failed for the keys: {listed:?}"
    );
}
