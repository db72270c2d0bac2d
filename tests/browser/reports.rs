//! Reports in a browser: an operator makes one from the page, opens its printable HTML from the
//! real application (its inline style applied under the report's own CSP), and prints it to PDF
//! through WebDriver's Print Page.

use fantoccini::wd::PrintConfiguration;

use crate::driver::{artifacts_dir, with_browser};
use crate::start;
use crate::support::PASSWORD;

/// Pages of a PDF, counted from its page objects (`/Type /Page`, not `/Type /Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let page_objects = text.matches("/Type /Page").count() + text.matches("/Type/Page").count();
    let page_trees = text.matches("/Type /Pages").count() + text.matches("/Type/Pages").count();
    page_objects - page_trees
}

#[tokio::test]
async fn an_html_report_renders_in_chromium_and_prints_to_pdf() {
    let app = start(30).await;
    let buckets = app.truth().len();

    with_browser("reports", async |b| {
        b.sign_in(&app.base, "operator", PASSWORD).await;
        b.visit(&app.url("/reports"), "empty").await;
        assert!(
            b.text("main")
                .await
                .contains("No report has been made yet.")
        );

        b.click("form.create-report button[type=submit]").await;
        b.shot("created").await;
        assert_eq!(b.path().await, "/reports");
        assert!(
            b.text(".flash").await.contains("Report 1 created"),
            "{}",
            b.source().await
        );
        let title = b
            .find("#report-1 code.digest")
            .await
            .attr("title")
            .await
            .expect("attr")
            .expect("the digest's title");
        let digest = title.split(' ').next().unwrap_or_default().to_owned();
        assert_eq!(digest.len(), 64, "{title}");

        b.click("#report-1 a[href='/reports/1/download?format=html']")
            .await;
        b.shot("html").await;
        assert_eq!(b.path().await, "/reports/1/download?format=html");
        assert_eq!(b.text("h1").await, "Encryption audit report #1");
        assert_eq!(b.text("#digest").await, digest);
        assert_eq!(
            b.find_all("table.buckets tbody tr").await.len(),
            buckets,
            "one row per bucket"
        );
        // The inline stylesheet is in force (the report's CSP allows it; a blocked style would
        // leave the browser's default `separate`).
        let collapse = b
            .find("table.buckets")
            .await
            .css_value("border-collapse")
            .await
            .expect("css value");
        assert_eq!(collapse, "collapse");

        let pdf = b
            .client
            .print(PrintConfiguration::default())
            .await
            .expect("Print Page answers");
        std::fs::write(artifacts_dir().join("reports-html.pdf"), &pdf).expect("PDF saved");
        assert!(pdf.starts_with(b"%PDF-"), "a PDF header");
        let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(32)..]).into_owned();
        assert!(
            tail.trim_end().ends_with("%%EOF"),
            "a complete PDF: {tail:?}"
        );
        assert!(pdf_pages(&pdf) >= 1, "at least one page");
    })
    .await;
}
