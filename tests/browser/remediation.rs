//! One-click remediation from the overview: preview, confirm, results, checked bucket by bucket in OSS.

use oss_audit::domain::EncryptionRule;

use crate::driver::with_browser;
use crate::start;
use crate::support::{PASSWORD, readable_unencrypted};

#[tokio::test]
async fn one_click_remediation_encrypts_every_readable_unencrypted_bucket_and_nothing_else() {
    let app = start(120).await;
    let before = app.truth();
    let targets = app.names(readable_unencrypted);
    assert!(
        targets.len() > 10,
        "the seed has unencrypted buckets to fix"
    );

    with_browser("remediation", async |b| {
        b.sign_in(&app.base, "operator", PASSWORD).await;
        b.click("a.button[href='/remediate']").await;
        assert_eq!(b.path().await, "/remediate", "the preview");
        b.shot("preview").await;
        let preview = b.text("main").await;
        let summary = format!("{} buckets will change", targets.len());
        assert!(preview.contains(&summary), "{summary}:\n{preview}");
        for name in &targets {
            assert!(
                preview.contains(name.as_str()),
                "the preview lists {name}:\n{preview}"
            );
        }
        assert_eq!(app.truth(), before, "the preview changes nothing");

        b.click("form#confirm[method=post][action='/remediate'] button[type=submit]")
            .await;
        b.shot("results").await;
        let outcome = b.text(".outcome").await;
        let expected = format!("{} encrypted with AES256, 0 failed.", targets.len());
        assert_eq!(outcome, expected, "the results page");
    })
    .await;

    // The default policy's remediation target is AES256.
    let after = app.truth();
    assert_eq!(after.len(), before.len());
    for (name, was) in &before {
        let now = &after[name];
        if !was.access_denied && was.encryption.is_none() {
            assert_eq!(
                now.encryption,
                Some(EncryptionRule::Aes256),
                "{name} was fixed"
            );
        } else {
            assert_eq!(now, was, "{name} was left alone");
        }
    }
}
