//! Signing in through the form and reading the overview's figures.

use crate::driver::with_browser;
use crate::start;
use crate::support::{PASSWORD, readable_encrypted, readable_unencrypted};

#[tokio::test]
async fn signing_in_through_the_form_shows_the_overview_with_the_sandbox_counts() {
    let app = start(120).await;
    let truth = app.truth();
    let total = truth.len();
    let unknown = truth.values().filter(|b| b.access_denied).count();
    let encrypted = app.names(readable_encrypted).len();
    let unencrypted = app.names(readable_unencrypted).len();
    assert!(
        encrypted > 0 && unencrypted > 0 && unknown > 0,
        "the seed mixes every status"
    );
    // The default policy accepts any rule, so compliant = encrypted and non-compliant = readable
    // unencrypted; unknown buckets are neither.
    let rate = format!("{:.1} %", encrypted as f64 * 100.0 / total as f64);

    with_browser("overview", async |b| {
        // Signed out, the dashboard sends the browser to the sign-in form.
        b.visit(&app.url("/"), "signed-out").await;
        assert!(b.path().await.starts_with("/login"), "{}", b.path().await);
        b.sign_in(&app.base, "operator", PASSWORD).await;
        b.shot("overview").await;

        assert_eq!(b.text(".headline .rate .figure").await, rate);
        let card = async |href: &str| {
            b.text(&format!(".cards a.card[href='{href}'] .figure"))
                .await
        };
        assert_eq!(card("/buckets").await, total.to_string(), "all buckets");
        assert_eq!(
            card("/buckets?status=encrypted").await,
            encrypted.to_string()
        );
        assert_eq!(
            card("/buckets?status=unencrypted").await,
            unencrypted.to_string()
        );
        assert_eq!(card("/buckets?status=unknown").await, unknown.to_string());
        assert_eq!(
            card("/buckets?compliant=false").await,
            unencrypted.to_string()
        );
        // An operator is offered the one-click fix, naming how many buckets it would change.
        let fix = b.text("a.button[href='/remediate']").await;
        assert!(fix.contains(&format!("Encrypt {unencrypted} ")), "{fix}");

        // The stylesheet follows the system's colour scheme; keep a dark rendering to look at.
        b.prefer_dark(true).await;
        b.shot("overview-dark").await;
    })
    .await;
}
