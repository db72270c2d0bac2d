//! `/metrics` labels stay bounded whatever methods clients make up.

use oss_audit::domain::Role;

use crate::support::TestApp;

#[tokio::test]
async fn made_up_http_methods_are_counted_as_other_not_as_labels_of_their_own() {
    let app = TestApp::start(0).await;
    let anonymous = app.anonymous();
    for method in ["AAAA1", "AAAA2", "BREW"] {
        for path in ["/healthz", "/", "/api/v1/buckets"] {
            let answer = anonymous.request(method, path).send().await.unwrap();
            assert!(answer.status().is_client_error(), "{method} {path}");
        }
    }
    assert_eq!(anonymous.get("/healthz").await.status, 200);
    let viewer = app.api(Role::Viewer).await;
    let text = viewer.get("/metrics").await.text();
    for made_up in ["AAAA1", "AAAA2", "BREW"] {
        assert!(!text.contains(made_up), "{made_up} is a label: {text}");
    }
    assert!(
        text.contains("route=\"/healthz\",method=\"other\",status=\"405\"}"),
        "{text}"
    );
    // Known methods keep their names.
    assert!(
        text.contains("route=\"/healthz\",method=\"GET\",status=\"200\"}"),
        "{text}"
    );
}
