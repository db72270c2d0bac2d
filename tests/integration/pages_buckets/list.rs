//! The bucket list: filters, order and pages against the sandbox's truth, and its CSV export.

use oss_audit::domain::{EncryptionRule, KmsKeyId};

use super::{row_names, sign_in_both, truth_status};
use crate::support::{TestApp, between, read_csv};

#[tokio::test]
async fn the_bucket_list_filters_sorts_and_pages_like_the_sandbox_holds() {
    let app = TestApp::scanned(130).await;
    let (operator, _viewer) = sign_in_both(&app).await;
    let all = app.names(|_| true);

    let (status, html) = operator.get("/buckets").await;
    assert_eq!(status, 200);
    assert!(html.contains("Showing 1–50 of 130"), "{html}");
    assert_eq!(row_names(&html), all[..50]);
    assert!(html.contains(r#"aria-sort="ascending""#));

    let (_, html) = operator.get("/buckets?page=3").await;
    assert!(html.contains("Showing 101–130 of 130"), "{html}");
    assert_eq!(row_names(&html), all[100..]);
    assert!(
        html.contains(r#"href="/buckets?page=2" rel="prev""#),
        "{html}"
    );

    let (_, html) = operator.get("/buckets?dir=desc").await;
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(row_names(&html), reversed[..50]);
    assert!(html.contains(r#"aria-sort="descending""#));

    let expected =
        app.names(|b| truth_status(b) == "unencrypted" && b.region.as_str() == "cn-hangzhou");
    let (_, html) = operator
        .get("/buckets?status=unencrypted&region=cn-hangzhou")
        .await;
    assert!(!expected.is_empty());
    assert_eq!(row_names(&html), expected);

    let expected = app.names(|b| b.name.as_str().contains("logs"));
    let (_, html) = operator.get("/buckets?q=logs").await;
    assert_eq!(row_names(&html), expected);

    let expected = app.names(|b| truth_status(b) == "unencrypted");
    let (_, html) = operator.get("/buckets?compliant=false").await;
    assert_eq!(row_names(&html), expected[..expected.len().min(50)]);
    assert!(html.contains(&format!("of {}", expected.len())), "{html}");

    let expected =
        app.names(|b| !b.access_denied && matches!(b.encryption, Some(EncryptionRule::Kms { .. })));
    let (_, html) = operator.get("/buckets?sse_algorithm=KMS").await;
    assert_eq!(row_names(&html), expected);

    // Sorting by region keeps the filters in the headers' links and orders by region, then name.
    let (_, html) = operator.get("/buckets?status=encrypted&sort=region").await;
    let mut expected: Vec<(String, String)> = app
        .sandbox
        .buckets()
        .into_iter()
        .filter(|b| truth_status(b) == "encrypted")
        .map(|b| (b.region.as_str().to_owned(), b.name.as_str().to_owned()))
        .collect();
    expected.sort();
    let names: Vec<String> = expected.into_iter().map(|(_, n)| n).take(50).collect();
    assert_eq!(row_names(&html), names);
    assert!(
        html.contains(r#"href="/buckets?status=encrypted&amp;sort=region&amp;dir=desc""#),
        "the sorted column's link toggles the direction and keeps the filter: {html}"
    );
}

#[tokio::test]
async fn query_values_not_understood_are_ignored_with_a_note() {
    let app = TestApp::scanned(60).await;
    let (operator, _viewer) = sign_in_both(&app).await;
    let (status, html) = operator
        .get("/buckets?status=bogus&sort=colour&page=zero")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Ignored status “bogus”"), "{html}");
    assert!(html.contains("Ignored order “colour”"), "{html}");
    assert!(html.contains("Showing 1–50 of 60"), "{html}");

    let (status, html) = operator.get("/buckets?page=99").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("There is no page 99; showing page 2, the last."),
        "{html}"
    );
    assert!(html.contains("Showing 51–60 of 60"), "{html}");
}

#[tokio::test]
async fn the_csv_export_holds_every_matching_bucket_in_the_order_of_the_view() {
    let app = TestApp::start(1_050).await;
    // A key id a spreadsheet would take for a formula.
    let name = app.sandbox.buckets()[0].name.as_str().to_owned();
    app.sandbox.set_access_denied(&name, false);
    app.sandbox.set_encryption(
        &name,
        Some(EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("-1.5").unwrap()),
            data_encryption: None,
        }),
    );
    app.scan().await;
    let (operator, viewer) = sign_in_both(&app).await;

    let response = operator.fetch("/buckets.csv?sort=region&dir=desc").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        r#"attachment; filename="buckets.csv""#
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = response.text().await.unwrap();
    let (header, rows) = read_csv(body.as_bytes());
    assert_eq!(
        header,
        [
            "name",
            "region",
            "status",
            "sse_algorithm",
            "kms_master_key_id",
            "kms_data_encryption",
            "compliant",
            "error_code",
            "scanned_at",
            "account"
        ]
    );
    assert_eq!(
        rows.len(),
        1_050,
        "every page of the list, not the first 50"
    );
    let mut expected: Vec<(String, String)> = app
        .sandbox
        .buckets()
        .into_iter()
        .map(|b| (b.region.as_str().to_owned(), b.name.as_str().to_owned()))
        .collect();
    expected.sort();
    expected.reverse();
    let names: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    let expected: Vec<&str> = expected.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, expected);
    for row in &rows {
        let truth = app.sandbox.bucket(&row[0]).unwrap();
        assert_eq!(&row[1], truth.region.as_str());
        assert_eq!(&row[2], truth_status(&truth), "{row:?}");
    }
    assert!(
        rows.iter().any(|r| &r[4] == "'-1.5"),
        "a cell starting with - is defused"
    );

    // The default order streams in chunks of 1,000 after the last name: none lost or doubled.
    let body = operator.fetch("/buckets.csv").await.text().await.unwrap();
    let names: Vec<String> = csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect();
    assert_eq!(names, app.names(|_| true), "past the first chunk of 1,000");

    // The same filters give the same buckets as the page.
    let path = "status=unencrypted&region=cn-beijing";
    let (_, html) = viewer.get(&format!("/buckets?{path}")).await;
    let body = viewer
        .fetch(&format!("/buckets.csv?{path}"))
        .await
        .text()
        .await
        .unwrap();
    let names: Vec<String> = csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect();
    assert!(!names.is_empty() && names.len() <= 50, "{}", names.len());
    assert_eq!(names, row_names(&html));
    assert_eq!(
        names,
        app.names(|b| truth_status(b) == "unencrypted" && b.region.as_str() == "cn-beijing")
    );
}

#[tokio::test]
async fn long_kms_key_ids_are_shortened_in_the_list_and_whole_on_hover_and_on_the_bucket_page() {
    let app = TestApp::scanned(60).await;
    let (_operator, viewer) = sign_in_both(&app).await;
    let (name, key) = app
        .sandbox
        .buckets()
        .into_iter()
        .filter(|b| !b.access_denied)
        .find_map(|b| match b.encryption {
            Some(EncryptionRule::Kms {
                key_id: Some(key), ..
            }) => Some((b.name.to_string(), key.as_str().to_owned())),
            _ => None,
        })
        .expect("a bucket with a customer key");
    assert!(key.len() > 30, "the sandbox's keys are UUIDs: {key}");
    let tail = &key[key.len() - 8..];

    let (_, html) = viewer.get(&format!("/buckets?q={name}")).await;
    assert_eq!(row_names(&html), std::slice::from_ref(&name));
    let row = between(&html, "<tbody>", "</tbody>");
    assert!(
        row.contains(&format!(r#"title="{key}""#)),
        "whole on hover: {row}"
    );
    assert!(
        row.contains(&format!(">…{tail}</abbr>")),
        "shortened: {row}"
    );
    assert!(
        !row.contains(&format!(">{key}<")),
        "the whole id is not written out in the table: {row}"
    );

    let (_, html) = viewer.get(&format!("/buckets/{name}")).await;
    assert!(
        html.contains(&format!(r#"<dd class="mono">{key}</dd>"#)),
        "whole on the bucket page: {html}"
    );
}
