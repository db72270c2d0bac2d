//! ListAccounts against the sandbox's Resource Directory: every page, members that left, and
//! who may call it.

use oss_audit::cloud::{AssumeRole, MemberStatus};
use oss_audit::domain::AccountName;
use oss_audit::sandbox::RequestKind;

use crate::support::{estate, fast_config, sandbox_directory, sandbox_sts};

#[tokio::test]
async fn every_member_is_listed_across_pages_of_100() {
    let sandbox = estate(230, 0, |_| {}).await;
    let members = sandbox_directory(&fast_config(&sandbox))
        .list_accounts()
        .await
        .unwrap();
    assert_eq!(sandbox.requests_served_by(RequestKind::ListAccounts), 3);
    let listed: Vec<_> = members.iter().map(|m| m.uid.clone()).collect();
    let truth: Vec<_> = sandbox.accounts().into_iter().map(|a| a.uid).collect();
    assert_eq!(listed, truth);
    let payments = &members[1];
    assert_eq!(payments.display_name, "Payments Prod");
    assert_eq!(payments.status, MemberStatus::CreateSuccess);
    assert_eq!(payments.account_type, "ResourceAccount");
    assert_eq!(
        AccountName::from_display_name(&payments.display_name, &payments.uid).as_str(),
        "payments-prod"
    );
}

#[tokio::test]
async fn members_that_left_or_are_not_active_show_as_such() {
    let sandbox = estate(4, 0, |_| {}).await;
    let gone = sandbox.members()[0].uid.clone();
    let pending = sandbox.members()[1].uid.clone();
    assert!(sandbox.set_in_directory(&gone, false));
    assert!(sandbox.set_member_status(&pending, "PromoteVerifying"));
    let members = sandbox_directory(&fast_config(&sandbox))
        .list_accounts()
        .await
        .unwrap();
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|m| m.uid != gone));
    let pending = members.iter().find(|m| m.uid == pending).unwrap();
    assert!(!pending.status.is_active());
}

#[tokio::test]
async fn only_the_management_account_may_list_members() {
    let sandbox = estate(3, 0, |_| {}).await;
    let assumed = sandbox_sts(&fast_config(&sandbox))
        .assume_role(&AssumeRole::new(
            sandbox.members()[0].role_arn.clone(),
            None,
        ))
        .await
        .unwrap();
    let mut member = fast_config(&sandbox);
    member.credentials = assumed.credentials;
    let err = sandbox_directory(&member)
        .list_accounts()
        .await
        .unwrap_err();
    assert_eq!(err.code(), "NoPermission", "{err}");
    assert!(err.request_id().is_some());
}
