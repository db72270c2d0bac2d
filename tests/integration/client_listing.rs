//! ListBuckets through the real client: every page, prefixes, resource groups.

use oss_audit::oss::ListBucketsQuery;

use crate::support::{client, sandbox};

#[tokio::test]
async fn lists_every_bucket_across_pages_of_2500() {
    let sandbox = sandbox(2500).await;
    let client = client(&sandbox, |_| {});
    let listed = client.list_all_buckets(None, None).await.unwrap();
    let truth = sandbox.buckets();
    assert_eq!(listed.len(), 2500);
    let listed_names: Vec<_> = listed.iter().map(|b| b.name.as_str().to_owned()).collect();
    let truth_names: Vec<_> = truth.iter().map(|b| b.name.as_str().to_owned()).collect();
    assert_eq!(listed_names, truth_names);
    for (got, want) in listed.iter().zip(&truth) {
        assert_eq!(got.region, want.region, "{}", got.name);
        assert_eq!(got.extranet_endpoint, want.region.extranet_endpoint());
    }
    let regions: std::collections::BTreeSet<_> = listed.iter().map(|b| b.region.as_str()).collect();
    assert!(
        regions.len() >= 5,
        "buckets spread over regions: {regions:?}"
    );
}

#[tokio::test]
async fn a_page_is_truncated_with_a_marker_until_the_last() {
    let sandbox = sandbox(25).await;
    let client = client(&sandbox, |_| {});
    let mut query = ListBucketsQuery {
        max_keys: Some(10),
        ..ListBucketsQuery::default()
    };
    let mut sizes = Vec::new();
    loop {
        let page = client.list_buckets_page(&query).await.unwrap();
        assert!(page.request_id.is_some());
        sizes.push(page.value.buckets.len());
        match page.value.next_marker {
            Some(marker) => query.marker = Some(marker),
            None => break,
        }
    }
    assert_eq!(sizes, vec![10, 10, 5]);
}

#[tokio::test]
async fn prefix_and_find_bucket_locate_one_bucket() {
    let sandbox = sandbox(60).await;
    let client = client(&sandbox, |_| {});
    let truth = sandbox.buckets();
    let target = &truth[truth.len() / 2];
    let found = client
        .find_bucket(&target.name)
        .await
        .unwrap()
        .expect("bucket is found");
    assert_eq!(found.name, target.name);
    assert_eq!(found.region, target.region);
    let missing = oss_audit::domain::BucketName::parse("no-such-bucket-anywhere").unwrap();
    assert_eq!(client.find_bucket(&missing).await.unwrap(), None);

    let prefix = target.name.as_str().split('-').next().unwrap();
    let listed = client.list_all_buckets(Some(prefix), None).await.unwrap();
    let expected = truth
        .iter()
        .filter(|b| b.name.as_str().starts_with(prefix))
        .count();
    assert_eq!(listed.len(), expected);
    assert!(listed.iter().all(|b| b.name.as_str().starts_with(prefix)));
}

#[tokio::test]
async fn resource_group_header_filters_buckets() {
    let sandbox = sandbox(200).await;
    let client = client(&sandbox, |_| {});
    let truth = sandbox.buckets();
    let in_group = |group: &str| {
        truth
            .iter()
            .filter(|b| b.resource_group_id.as_deref() == Some(group))
            .count()
    };
    let custom = truth
        .iter()
        .find_map(|b| b.resource_group_id.clone().filter(|g| g != "rg-default-id"))
        .expect("some bucket is in a custom resource group");
    let listed = client.list_all_buckets(None, Some(&custom)).await.unwrap();
    assert_eq!(listed.len(), in_group(&custom));
    assert!(listed.len() < truth.len());
    let all = client.list_all_buckets(None, None).await.unwrap();
    assert_eq!(all.len(), truth.len());
}
