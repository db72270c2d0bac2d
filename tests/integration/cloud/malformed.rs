//! Answers that are cut off, not JSON, or missing what they must hold give clear errors with the
//! request id, never a partial result.

use oss_audit::cloud::{AssumeRole, DirectoryClient, RpcError, StsClient};
use oss_audit::domain::RoleArn;

use crate::support::{ASSUMED_ROLE_ANSWER, RpcStandIn, stand_in_config};

fn request() -> AssumeRole {
    AssumeRole::new(
        RoleArn::parse("acs:ram::1763082937549132:role/oss-audit").unwrap(),
        None,
    )
}

async fn assume_with(status: u16, body: &str) -> (RpcError, usize) {
    let stand_in = RpcStandIn::start(&[(status, body)]).await;
    let sts = StsClient::new(stand_in.endpoint.clone(), &stand_in_config(None)).unwrap();
    let err = sts.assume_role(&request()).await.unwrap_err();
    (err, stand_in.requests().len())
}

#[tokio::test]
async fn a_cut_off_answer_is_an_error_not_partial_credentials() {
    let cut = &ASSUMED_ROLE_ANSWER[..ASSUMED_ROLE_ANSWER.len() - 40];
    let (err, sent) = assume_with(200, cut).await;
    assert!(
        matches!(err, RpcError::Malformed { status: 200, .. }),
        "{err}"
    );
    assert_eq!(err.code(), "MalformedResponse");
    let shown = err.to_string();
    assert!(
        shown.contains("unreadable answer from Sts to AssumeRole") && shown.contains("HTTP 200"),
        "{shown}"
    );
    assert_eq!(sent, 1, "a 200 that cannot be read is not retried");
}

#[tokio::test]
async fn an_answer_without_credentials_is_an_error() {
    let (err, _) = assume_with(
        200,
        r#"{"RequestId":"R-7","AssumedRoleUser":{"Arn":"a","AssumedRoleId":"b"}}"#,
    )
    .await;
    assert!(matches!(err, RpcError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("Credentials"), "{err}");

    let bad_time = ASSUMED_ROLE_ANSWER.replace("2031-04-09T11:52:19Z", "next tuesday");
    let (err, _) = assume_with(200, &bad_time).await;
    assert_eq!(
        err.request_id(),
        Some("6894B13B-6D71-4EF5-88FA-F32781734A7F")
    );
    assert!(err.to_string().contains("Expiration"), "{err}");
    assert!(
        !err.to_string().contains("CaptureTemporarySecret"),
        "no secret in the error: {err}"
    );
}

#[tokio::test]
async fn a_proxy_error_page_is_retried_then_reported_with_its_status() {
    let (err, sent) = assume_with(502, "<html><body>502 Bad Gateway</body></html>").await;
    assert!(
        matches!(err, RpcError::Malformed { status: 502, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("not a JSON error document"),
        "{err}"
    );
    assert_eq!(sent, 3, "retried up to max_attempts");
}

#[tokio::test]
async fn error_documents_keep_code_message_request_id_and_host() {
    let body = r#"{"RequestId":"A1B2","HostId":"sts.aliyuncs.com","Code":"EntityNotExist.Role","Message":"The specified Role not exists.","Recommend":"https://api.aliyun.com/troubleshoot?q=EntityNotExist.Role"}"#;
    let (err, sent) = assume_with(404, body).await;
    let service = err.service().expect("a service error");
    assert_eq!(
        (
            service.status,
            service.code.as_str(),
            service.request_id.as_deref(),
            service.host_id.as_deref()
        ),
        (
            404,
            "EntityNotExist.Role",
            Some("A1B2"),
            Some("sts.aliyuncs.com")
        )
    );
    assert_eq!(sent, 1, "refusals are not retried");
    assert!(err.to_string().contains("request id A1B2"), "{err}");
}

#[tokio::test]
async fn a_listing_that_ends_short_of_its_total_is_an_error() {
    let first = r#"{"RequestId":"P1","TotalCount":5,"Accounts":{"Account":[{"AccountId":"1000000000000001","DisplayName":"a","Status":"CreateSuccess"},{"AccountId":"1000000000000002","DisplayName":"b","Status":"CreateSuccess"}]}}"#;
    let empty = r#"{"RequestId":"P2","TotalCount":5,"Accounts":{"Account":[]}}"#;
    let stand_in = RpcStandIn::start(&[(200, first), (200, empty)]).await;
    let directory =
        DirectoryClient::new(stand_in.endpoint.clone(), &stand_in_config(None)).unwrap();
    let err = directory.list_accounts().await.unwrap_err();
    assert!(matches!(err, RpcError::Malformed { .. }), "{err}");
    assert_eq!(err.request_id(), Some("P2"));
    assert!(
        err.to_string()
            .contains("page 2 is empty after 2 of the 5 members"),
        "{err}"
    );
}

#[tokio::test]
async fn a_member_with_an_invalid_account_id_spoils_the_page() {
    let page = r#"{"RequestId":"P1","TotalCount":1,"Accounts":{"Account":[{"AccountId":"12ab","DisplayName":"a","Status":"CreateSuccess"}]}}"#;
    let stand_in = RpcStandIn::start(&[(200, page)]).await;
    let directory =
        DirectoryClient::new(stand_in.endpoint.clone(), &stand_in_config(None)).unwrap();
    let err = directory.list_accounts().await.unwrap_err();
    assert!(err.to_string().contains("account uid"), "{err}");
}
