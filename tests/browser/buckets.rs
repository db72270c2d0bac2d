//! The bucket list in a browser: the filter form and the pager against the sandbox's truth.

use std::collections::BTreeSet;

use crate::driver::with_browser;
use crate::start;
use crate::support::{PASSWORD, readable_unencrypted};

/// Enough buckets for the unencrypted ones to fill several pages.
const BUCKETS: usize = 400;

#[tokio::test]
async fn filtering_the_list_to_unencrypted_and_paging_shows_each_unencrypted_bucket_once() {
    let app = start(BUCKETS).await;
    let expected: BTreeSet<String> = app.names(readable_unencrypted).into_iter().collect();

    with_browser("buckets-filter", async |b| {
        b.sign_in(&app.base, "viewer", PASSWORD).await;
        b.visit(&app.url("/buckets"), "all").await;
        let unfiltered = b.find_all("table.buckets tbody tr").await.len();

        b.find("form.filters select[name=status]")
            .await
            .select_by_value("unencrypted")
            .await
            .expect("choose a status");
        b.click("form.filters button[type=submit]").await;
        let path = b.path().await;
        assert!(
            path.starts_with("/buckets?") && path.contains("status=unencrypted"),
            "{path}"
        );
        b.shot("unencrypted-page-1").await;

        let mut seen = BTreeSet::new();
        let mut sizes = Vec::new();
        loop {
            let rows = b.find_all("table.buckets tbody tr").await;
            sizes.push(rows.len());
            for row in rows {
                let cells = row.text().await.expect("row text");
                assert!(
                    cells.contains("unencrypted"),
                    "a filtered row says so: {cells}"
                );
            }
            for link in b.find_all("table.buckets tbody th[scope=row] a").await {
                let name = link.text().await.expect("name");
                assert!(seen.insert(name.clone()), "{name} shown twice");
            }
            if b.find_all(".pager a[rel=next]").await.is_empty() {
                break;
            }
            b.click(".pager a[rel=next]").await;
            b.shot(&format!("unencrypted-page-{}", sizes.len() + 1))
                .await;
            assert!(
                b.path().await.contains("status=unencrypted"),
                "the filter is kept"
            );
        }

        assert_eq!(
            seen, expected,
            "every readable unencrypted bucket, and only those"
        );
        let page_size = sizes[0];
        assert_eq!(
            unfiltered, page_size,
            "the unfiltered first page is full too"
        );
        assert!(sizes.len() >= 2, "several pages: {sizes:?}");
        assert_eq!(sizes.len(), expected.len().div_ceil(page_size), "{sizes:?}");
        assert!(
            sizes[..sizes.len() - 1].iter().all(|&n| n == page_size),
            "{sizes:?}"
        );
        let summary = b.text(".summary").await;
        assert!(
            summary.contains(&format!("of {}", expected.len())),
            "{summary}"
        );
    })
    .await;
}
