//! Changing and removing one bucket's encryption through its page, checked in OSS.

use oss_audit::domain::{EncryptionRule, KmsKeyId};

use crate::driver::with_browser;
use crate::start;
use crate::support::{PASSWORD, readable_encrypted, readable_unencrypted};

const KEY: &str = "alias/browser-test-key";

#[tokio::test]
async fn changing_a_bucket_to_kms_with_a_key_id_on_its_page_puts_exactly_that_rule_in_oss() {
    let app = start(60).await;
    let name = app.names(readable_unencrypted)[0].clone();
    let mut expected = app.truth();

    with_browser("change-encryption", async |b| {
        b.sign_in(&app.base, "operator", PASSWORD).await;
        b.visit(&app.url(&format!("/buckets/{name}")), "before")
            .await;
        b.find("form.change select[name=sse_algorithm]")
            .await
            .select_by_value("KMS")
            .await
            .expect("choose KMS");
        let key = b.find("form.change input[name=kms_master_key_id]").await;
        key.clear().await.expect("clear");
        key.send_keys(KEY).await.expect("type the key id");
        let sm4 = b.find("form.change input[name=kms_data_encryption]").await;
        assert!(
            !sm4.is_selected().await.expect("checkbox"),
            "SM4 starts unticked"
        );
        b.shot("filled-in").await;
        b.click("form.change button[type=submit]").await;
        b.shot("after").await;

        assert_eq!(
            b.path().await,
            format!("/buckets/{name}"),
            "back on the bucket page"
        );
        let page = b.text("main").await;
        assert!(page.contains(KEY), "the page shows the new key:\n{page}");
    })
    .await;

    let rule = EncryptionRule::Kms {
        key_id: Some(KmsKeyId::parse(KEY).unwrap()),
        data_encryption: None,
    };
    expected.get_mut(&name).unwrap().encryption = Some(rule);
    assert_eq!(
        app.truth(),
        expected,
        "only {name} changed, to exactly that rule"
    );
}

#[tokio::test]
async fn removing_a_bucket_s_encryption_through_the_confirmation_page_leaves_no_rule_in_oss() {
    let app = start(60).await;
    let name = app.names(readable_encrypted)[0].clone();
    let mut expected = app.truth();

    with_browser("remove-encryption", async |b| {
        b.sign_in(&app.base, "operator", PASSWORD).await;
        b.visit(&app.url(&format!("/buckets/{name}")), "before")
            .await;
        b.click(&format!("a[href='/buckets/{name}/remove']")).await;
        assert_eq!(b.path().await, format!("/buckets/{name}/remove"));
        b.shot("confirm").await;
        assert_eq!(
            app.truth(),
            expected,
            "asking for confirmation changes nothing"
        );

        b.click(&format!(
            "form[action='/buckets/{name}/remove'] button[type=submit]"
        ))
        .await;
        b.shot("after").await;
        assert_eq!(
            b.path().await,
            format!("/buckets/{name}"),
            "back on the bucket page"
        );
    })
    .await;

    expected.get_mut(&name).unwrap().encryption = None;
    assert_eq!(
        app.truth(),
        expected,
        "only {name} changed: it has no rule now"
    );
}
