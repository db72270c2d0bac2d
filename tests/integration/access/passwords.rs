//! Every user's change-password page: the current password, the new one twice and the length rule
//! are checked; a change ends the user's other sessions but not the one that made it.

use oss_audit::domain::Role;

use crate::support::{PASSWORD, TestApp, location};

const NEW_PASSWORD: &str = "a brand new passphrase";

#[tokio::test]
async fn every_user_changes_their_own_password_and_their_other_sessions_end() {
    let app = TestApp::scanned(1).await;
    let alice = app.sign_in("alice", Role::Viewer).await;
    let elsewhere = app
        .try_sign_in("alice", PASSWORD)
        .await
        .expect("a second session");
    let (_, home) = alice.get("/").await;
    assert!(home.contains(r#"href="/account/password""#), "{home}");
    let (status, page) = alice.get("/account/password").await;
    assert_eq!(status, 200);
    assert!(page.contains("Signed in as alice."), "{page}");
    let change = async |current: &str, new: &str, confirm: &str| {
        alice
            .post(
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await
    };

    for (current, new, confirm, message) in [
        (
            "not my password at all",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "This is not your current password.",
        ),
        (
            PASSWORD,
            NEW_PASSWORD,
            "a different passphrase",
            "The two new passwords differ",
        ),
        (
            PASSWORD,
            "too short",
            "too short",
            "Use at least 12 characters.",
        ),
        (
            PASSWORD,
            PASSWORD,
            PASSWORD,
            "Choose a password other than the current one.",
        ),
    ] {
        let refused = change(current, new, confirm).await;
        assert_eq!(refused.status(), 400, "{message}");
        let html = refused.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
        assert!(!html.contains(PASSWORD) && !html.contains(NEW_PASSWORD));
    }
    assert_eq!(elsewhere.get("/").await.0, 200, "nothing changed yet");

    let changed = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;

    assert_eq!(location(&changed), "/");
    assert_eq!(alice.get("/").await.0, 200, "this session continues");
    let ended = elsewhere.fetch("/").await;
    assert_eq!(location(&ended), "/login", "the other session ended");
    assert!(app.try_sign_in("alice", PASSWORD).await.is_none());
    assert!(app.try_sign_in("alice", NEW_PASSWORD).await.is_some());
    let logged = app
        .count("SELECT count(*) FROM change_log WHERE action = 'change-password' AND actor = 'user:alice'")
        .await;
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled_like_signing_in() {
    let app = TestApp::start(0).await;
    let alice = app.sign_in("alice", Role::Operator).await;
    for n in 0..5 {
        let guess = format!("guess number {n} at it");
        let refused = alice
            .post(
                "/account/password",
                &[
                    ("current_password", &guess),
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(refused.status(), 400);
    }

    let locked = alice
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;

    assert_eq!(locked.status(), 429);
    assert!(app.try_sign_in("alice", NEW_PASSWORD).await.is_none());
}
