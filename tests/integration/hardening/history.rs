//! A bucket's history in the API comes in pages (`limit`, `cursor`, a `next` link), so a bucket
//! changed a million times cannot make one answer of a million entries.

use oss_audit::domain::Role;
use serde_json::json;

use crate::support::{TestApp, readable_unencrypted};

#[tokio::test]
async fn bucket_history_pages_follow_next_links_to_exactly_the_whole_history() {
    let app = TestApp::scanned(3).await;
    let operator = app.api(Role::Operator).await;
    let name = app.names(readable_unencrypted).remove(0);
    for algorithm in ["AES256", "SM4", "AES256", "SM4"] {
        let put = operator
            .call(
                "PUT",
                &format!("/api/v1/buckets/{name}/encryption"),
                Some(json!({"sse_algorithm": algorithm})),
            )
            .await;
        assert_eq!(put.status, 200, "{}", put.json);
    }
    let everything = operator
        .get(&format!("/api/v1/buckets/{name}?limit=1000"))
        .await;
    let whole = everything.json["history"].as_array().unwrap().clone();
    assert!(whole.len() >= 5, "{whole:?}");
    assert_eq!(everything.json["next"], json!(null));

    let mut paged = Vec::new();
    let mut next = Some(format!("/api/v1/buckets/{name}?limit=2"));
    while let Some(path) = next {
        let page = operator.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.json);
        let entries = page.json["history"].as_array().unwrap();
        assert!(entries.len() <= 2, "{entries:?}");
        paged.extend(entries.iter().cloned());
        next = page.json["next"].as_str().map(str::to_owned);
        assert!(paged.len() <= whole.len(), "the pages end");
    }

    assert_eq!(paged, whole, "every entry once, newest first");
    let default = operator.get(&format!("/api/v1/buckets/{name}")).await;
    assert_eq!(
        default.json["history"].as_array().unwrap().len(),
        whole.len()
    );
    for bad in ["limit=0", "limit=1001", "cursor=abc"] {
        let refused = operator.get(&format!("/api/v1/buckets/{name}?{bad}")).await;
        assert_eq!(refused.status, 400, "{bad}");
    }
}
