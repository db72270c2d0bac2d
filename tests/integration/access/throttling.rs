//! Failed sign-ins: one generic answer, a delay, and locks per account and address and per
//! address, reserved before any password is checked.

use std::time::{Duration, Instant};

use oss_audit::domain::Role;

use crate::support::{PASSWORD, SESSION_COOKIE, TestApp, Visitor, location, set_cookie};

/// Status, `Location`, cookies set and body of an answer, to compare two of them.
async fn shape(response: reqwest::Response) -> (u16, String, Vec<String>, String) {
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    (
        response.status().as_u16(),
        location(&response),
        cookies,
        response.text().await.unwrap(),
    )
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_identical_answers() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;

    let started = Instant::now();
    let wrong_password = shape(web.login("alice", "not the right password").await).await;
    let wrong_password_took = started.elapsed();
    let started = Instant::now();
    let unknown_user = shape(web.login("mallory", "not the right password").await).await;
    let unknown_user_took = started.elapsed();

    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password.0, 303);
    assert_eq!(wrong_password.1, "/login?error=invalid");
    assert!(
        wrong_password.2.is_empty(),
        "no session: {:?}",
        wrong_password.2
    );
    // Both were slowed down (the configured 300 ms plus an argon2 verification).
    assert!(
        wrong_password_took >= Duration::from_millis(300),
        "{wrong_password_took:?}"
    );
    assert!(
        unknown_user_took >= Duration::from_millis(300),
        "{unknown_user_took:?}"
    );
    let page = web
        .fetch("/login?error=invalid")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Invalid user name or password"), "{page}");
}

#[tokio::test]
async fn five_failures_lock_the_account_even_against_the_right_password() {
    let app = TestApp::launch()
        .failed_login_delay(Duration::ZERO)
        .start()
        .await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    app.add_user("bob", Role::Viewer, PASSWORD).await;

    for attempt in 1..=5 {
        let failed = web.login("alice", "guess number one").await;
        assert_eq!(
            location(&failed),
            "/login?error=invalid",
            "attempt {attempt}"
        );
    }
    let sixth = web.login("alice", PASSWORD).await;

    assert_eq!(sixth.status(), 429);
    assert_eq!(sixth.headers()["retry-after"], "900");
    assert!(set_cookie(&sixth, SESSION_COOKIE).is_none());
    let page = sixth.text().await.unwrap();
    assert!(
        page.contains("Too many attempts, try again in 15 minutes"),
        "{page}"
    );
    // Names are matched without case, so the lock cannot be sidestepped that way.
    assert_eq!(web.login("ALICE", PASSWORD).await.status(), 429);
    // Another account from the same address is not affected.
    assert_eq!(location(&web.login("bob", PASSWORD).await), "/");
}

#[tokio::test]
async fn unknown_user_names_lock_exactly_like_real_ones() {
    let app = TestApp::launch()
        .failed_login_delay(Duration::ZERO)
        .start()
        .await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    for _ in 0..5 {
        web.login("alice", "guess number one").await;
        web.login("nobody", "guess number one").await;
    }

    let real = web.login("alice", "guess number six").await;
    let unknown = web.login("nobody", "guess number six").await;

    assert_eq!(real.status(), 429);
    assert_eq!(unknown.status(), 429);
    assert_eq!(real.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_count_for_that_account() {
    let app = TestApp::launch()
        .failed_login_delay(Duration::ZERO)
        .start()
        .await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    for _ in 0..4 {
        web.login("alice", "guess number one").await;
    }
    assert_eq!(location(&web.login("alice", PASSWORD).await), "/");
    for _ in 0..4 {
        web.login("alice", "guess number one").await;
    }

    assert_eq!(location(&web.login("alice", PASSWORD).await), "/");
}

#[tokio::test]
async fn twenty_failures_from_one_address_lock_every_account_from_it() {
    let app = TestApp::launch()
        .failed_login_delay(Duration::ZERO)
        .start()
        .await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    // Four guesses at each of five names: no account reaches its own limit.
    for name in ["u1", "u2", "u3", "u4", "u5"] {
        for _ in 0..4 {
            assert_eq!(
                location(&web.login(name, "a wrong password").await),
                "/login?error=invalid"
            );
        }
    }

    let locked = web.login("alice", PASSWORD).await;

    assert_eq!(locked.status(), 429);
    assert!(
        locked
            .text()
            .await
            .unwrap()
            .contains("Too many attempts, try again in")
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_one_counted() {
    let app = TestApp::launch()
        .failed_login_delay(Duration::ZERO)
        .trust_proxy()
        .start()
        .await;
    let web = app.visitor();
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    let login_from = |address: &'static str, user: &'static str, password: &'static str| {
        let web = &web;
        async move {
            let token = web.open_login_page().await;
            web.http
                .post(web.url("/login"))
                .header("x-forwarded-for", address)
                .form(&[
                    ("username", user),
                    ("password", password),
                    ("csrf_token", &token),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for i in 0..20 {
        let name = ["u1", "u2", "u3", "u4", "u5"][i % 5];
        login_from("203.0.113.7", name, "a wrong password").await;
    }

    assert_eq!(
        login_from("203.0.113.7", "alice", PASSWORD).await.status(),
        429
    );
    assert_eq!(
        location(&login_from("203.0.113.8", "alice", PASSWORD).await),
        "/"
    );
}

/// Posts the sign-in form of `web` for `user` as a client at `address` (behind a trusted proxy).
async fn login_from(
    web: &Visitor,
    token: &str,
    address: &str,
    user: &str,
    password: &str,
) -> reqwest::Response {
    web.http
        .post(web.url("/login"))
        .header("x-forwarded-for", address)
        .form(&[
            ("username", user),
            ("password", password),
            ("csrf_token", token),
        ])
        .send()
        .await
        .unwrap()
}

/// How many passwords the application has checked with argon2, as `/metrics` counts them.
async fn password_checks(app: &TestApp) -> u64 {
    let metrics = app.api(Role::Viewer).await.get("/metrics").await.text();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("oss_audit_password_verifications_total "))
        .unwrap_or_else(|| panic!("no password counter in {metrics}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn thirty_parallel_guesses_get_at_most_five_password_checks_and_the_owner_still_signs_in_elsewhere()
 {
    let app = TestApp::launch()
        .failed_login_delay(Duration::ZERO)
        .trust_proxy()
        .admin_password(PASSWORD)
        .start()
        .await;
    let web = app.visitor();
    let token = web.open_login_page().await;
    assert_eq!(password_checks(&app).await, 0);

    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..30 {
        let (web, token) = (web.clone(), token.clone());
        guesses.spawn(async move {
            let guess = format!("wrong password number {n}");
            let answer = login_from(&web, &token, "198.51.100.7", "admin", &guess).await;
            (answer.status().as_u16(), location(&answer))
        });
    }
    let answers = guesses.join_all().await;

    let checked = password_checks(&app).await;
    assert!((1..=5).contains(&checked), "{checked} passwords checked");
    let invalid = answers
        .iter()
        .filter(|(status, to)| *status == 303 && to == "/login?error=invalid")
        .count();
    let refused = answers.iter().filter(|(status, _)| *status == 429).count();
    assert_eq!(invalid + refused, 30, "{answers:?}");
    assert!(invalid as u64 <= checked, "{answers:?}");
    // Guesses refused as busy cost no attempt; more, one at a time, reach the lock and no further.
    for n in 0..10 {
        let guess = format!("one more wrong password {n}");
        login_from(&web, &token, "198.51.100.7", "admin", &guess).await;
    }
    assert_eq!(password_checks(&app).await, 5);
    // The address that guessed is locked out, even with the right password…
    let from_attacker = login_from(&web, &token, "198.51.100.7", "admin", PASSWORD).await;
    assert_eq!(from_attacker.status(), 429);
    // …but the owner, from elsewhere, signs in.
    let from_owner = login_from(&web, &token, "192.0.2.44", "admin", PASSWORD).await;
    assert_eq!(location(&from_owner), "/");
    assert!(set_cookie(&from_owner, SESSION_COOKIE).is_some());
}

#[tokio::test]
async fn ipv6_clients_are_counted_per_64() {
    let app = TestApp::launch()
        .failed_login_delay(Duration::ZERO)
        .trust_proxy()
        .start()
        .await;
    app.add_user("alice", Role::Viewer, PASSWORD).await;
    let web = app.visitor();
    let token = web.open_login_page().await;
    // Five guesses, each from another address of the same /64.
    for host in 1..=5 {
        let address = format!("2001:db8:7:1::{host}");
        let failed = login_from(&web, &token, &address, "alice", "a wrong password").await;
        assert_eq!(location(&failed), "/login?error=invalid");
    }

    let same_64 = login_from(&web, &token, "2001:db8:7:1:ffff::9", "alice", PASSWORD).await;
    let next_64 = login_from(&web, &token, "2001:db8:7:2::1", "alice", PASSWORD).await;

    assert_eq!(same_64.status(), 429);
    assert_eq!(location(&next_64), "/");
}
