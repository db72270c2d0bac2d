//! The housekeeping timer: sign-in attempts too old to count and expired sessions are deleted
//! while the server runs, without anyone signing in.

use std::time::Duration;

use oss_audit::domain::Role;

use crate::support::{PASSWORD, TestApp, until};

#[tokio::test]
async fn old_sign_in_attempts_are_deleted_on_a_timer_and_recent_ones_kept() {
    let app = TestApp::launch()
        .housekeeping_interval(Duration::from_millis(100))
        .start()
        .await;
    // Two days old: older than anything the throttle counts. And one failure just now.
    for (at, user) in [
        ("2026-01-01T00:00:00+00:00", "old"),
        ("2026-01-02T00:00:00+00:00", "older"),
    ] {
        sqlx::query(
            "INSERT INTO login_attempt (username, address, at, succeeded) VALUES (?1, '203.0.113.9', ?2, 0)",
        )
        .bind(user)
        .bind(at)
        .execute(app.db.pool().await)
        .await
        .unwrap();
    }
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    assert!(
        app.try_sign_in("alice", "not the password at all")
            .await
            .is_none()
    );

    until("the old attempts are deleted", async || {
        (app.count("SELECT count(*) FROM login_attempt WHERE username IN ('old', 'older')")
            .await
            == 0)
            .then_some(())
    })
    .await;

    assert_eq!(
        app.count("SELECT count(*) FROM login_attempt WHERE username = 'alice'")
            .await,
        1,
        "the recent failure still counts"
    );
}

#[tokio::test]
async fn expired_sessions_are_deleted_on_a_timer() {
    let app = TestApp::launch()
        .housekeeping_interval(Duration::from_millis(100))
        .start()
        .await;
    let alice = app.sign_in("alice", Role::Viewer).await;
    assert_eq!(alice.get("/").await.0, 200);
    sqlx::query("UPDATE session SET expires_at = '2026-01-01T00:00:00+00:00'")
        .execute(app.db.pool().await)
        .await
        .unwrap();

    until("the expired session is deleted", async || {
        (app.rows("session").await == 0).then_some(())
    })
    .await;
}
