//! The estate on the pages: the overview's accounts worst first with their totals, the account
//! filter and column of every list (buckets and their CSV, audit log, scans), and the remediation
//! preview grouped by account.

use oss_audit::domain::{EncryptionRule, Role};
use serde_json::json;

use crate::support::{TestApp, Visitor, between, read_csv};

/// Buckets per account and, per account (by name), how many of its first buckets (by name) are
/// made unencrypted and how many of the next are made unreadable; the rest are encrypted.
const SHAPE: [(&str, usize, usize); 3] = [
    ("default", 1, 0),
    ("payments-prod", 4, 1),
    ("analytics-dev", 3, 2),
];

/// An estate of the hub and three members, the members added by discovery; `web-staging`'s role
/// does not trust the hub, so its part of every scan fails with `NoPermission`. The other
/// accounts' buckets are shaped by [`SHAPE`], then scanned.
async fn shaped_estate(buckets: usize) -> TestApp {
    let app = TestApp::launch()
        .buckets(buckets)
        .estate(4, |_| {})
        .members()
        .start()
        .await;
    let accounts = app.sandbox.accounts();
    app.sandbox.set_role_trust(&accounts[3].uid, false);
    for (account, (_, unencrypted, unknown)) in accounts.iter().zip(SHAPE) {
        for (i, bucket) in app.sandbox.buckets_of(&account.uid).iter().enumerate() {
            let name = bucket.name.as_str();
            app.sandbox.set_access_denied(name, false);
            let rule = (i >= unencrypted).then_some(EncryptionRule::Aes256);
            app.sandbox.set_encryption(name, rule);
            if i >= unencrypted && i < unencrypted + unknown {
                app.sandbox.set_access_denied(name, true);
            }
        }
    }
    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "partial", "{scan}");
    app
}

/// The names of the sandbox's buckets of the account called `name`, sorted.
fn names_of(app: &TestApp, name: &str) -> Vec<String> {
    let index = SHAPE
        .iter()
        .position(|(n, ..)| *n == name)
        .expect("an account of SHAPE");
    let uid = app.sandbox.accounts()[index].uid.clone();
    let mut names: Vec<String> = app
        .sandbox
        .buckets_of(&uid)
        .into_iter()
        .map(|b| b.name.as_str().to_owned())
        .collect();
    names.sort();
    names
}

/// The text of each cell of each row of the first `<table>` after `marker`, tags removed.
fn table_rows(html: &str, marker: &str) -> Vec<Vec<String>> {
    let table = between(html, marker, "</table>");
    table
        .split("<tr")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap_or(row.len())];
            row.split("<t")
                .skip(1)
                .filter(|cell| cell.starts_with('d') || cell.starts_with('h'))
                .map(|cell| text(&format!("<t{cell}")))
                .collect::<Vec<_>>()
        })
        .filter(|cells| !cells.is_empty())
        .collect()
}

/// `html` without its tags, its whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The address of the link whose tag ends with `end` (e.g. `" rel="next"`), entities decoded.
fn link_before(html: &str, end: &str) -> String {
    let at = html
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} in {html}"));
    let start = html[..at].rfind("href=\"").expect("an href") + "href=\"".len();
    html[start..at].replace("&amp;", "&")
}

/// The address of the CSV export link.
fn export_link(html: &str) -> String {
    link_before(html, r#"" download="buckets.csv""#)
}

/// The names of the buckets a page links in its table rows.
fn row_names(html: &str) -> Vec<String> {
    html.split(r#"<th scope="row"><a href="/buckets/"#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

async fn viewer(app: &TestApp) -> Visitor {
    app.sign_in("vera", Role::Viewer).await
}

#[tokio::test]
async fn the_overview_lists_every_account_worst_first_with_its_numbers_and_the_totals() {
    let app = shaped_estate(10).await;
    let (status, html) = viewer(&app).await.get("/").await;
    assert_eq!(status, 200);

    let rows = table_rows(&html, r#"<table class="data estate">"#);
    let cells = |row: &[String]| row[..5].to_vec();
    assert_eq!(
        rows[0][..5],
        ["Account", "Buckets", "Compliant", "Unencrypted", "Unknown"]
    );
    // Lowest compliance first; payments-prod and analytics-dev tie at 50 %, and the one with
    // more unencrypted buckets comes first; the account never read (no buckets) comes last.
    assert_eq!(
        rows[1..].iter().map(|r| cells(r)).collect::<Vec<_>>(),
        [
            ["payments-prod", "10", "50.0 %", "4", "1"],
            ["analytics-dev", "10", "50.0 %", "3", "2"],
            ["default", "10", "90.0 %", "1", "0"],
            ["web-staging", "0", "—", "0", "0"],
            ["All accounts", "30", "63.3 %", "8", "3"],
        ]
    );
    // Each account's last part and how it went; a failed part shows its code.
    for row in &rows[1..4] {
        assert!(row[5].contains("✓ completed"), "{row:?}");
    }
    assert!(
        rows[4][5].contains("failed (NoPermission)"),
        "{:?}",
        rows[4]
    );
    assert!(rows[5][5].contains("partial"), "{:?}", rows[5]);
    // Each account links to its buckets.
    for name in ["payments-prod", "analytics-dev", "default", "web-staging"] {
        assert!(
            html.contains(&format!(r#"<a href="/buckets?account={name}">{name}</a>"#)),
            "a link to the buckets of {name}"
        );
    }
    // The rest of the overview is still there.
    assert!(html.contains("Trend") && html.contains("By region"));
}

#[tokio::test]
async fn the_bucket_list_filters_by_account_in_its_pages_and_its_csv_and_shows_each_account() {
    let app = shaped_estate(60).await;
    let visitor = viewer(&app).await;

    let (_, html) = visitor.get("/buckets").await;
    assert!(html.contains(r#"<select id="filter-account" name="account">"#));
    for name in ["default", "payments-prod", "analytics-dev", "web-staging"] {
        assert!(
            html.contains(&format!(r#"<option value="{name}">{name}</option>"#)),
            "{name} can be chosen"
        );
    }
    let first = table_rows(&html, r#"<table class="data buckets">"#);
    assert_eq!(first[0][1], "Account");
    assert_eq!(first.len(), 51);
    for row in &first[1..] {
        let owner = SHAPE
            .iter()
            .find(|(name, ..)| names_of(&app, name).contains(&row[0]))
            .expect("a bucket of the estate");
        assert_eq!(row[1], owner.0, "{row:?}");
    }

    // The first page of one account, then the next through the page's own link.
    let expected = names_of(&app, "payments-prod");
    let (status, html) = visitor.get("/buckets?account=payments-prod").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<option value="payments-prod" selected"#));
    assert_eq!(row_names(&html), expected[..50]);
    let rows = table_rows(&html, r#"<table class="data buckets">"#);
    assert!(rows[1..].iter().all(|r| r[1] == "payments-prod"));
    assert!(
        html.contains("Showing 1–50 of 60"),
        "only the account's buckets"
    );
    let next = link_before(&html, r#"" rel="next""#);
    assert_eq!(next, "/buckets?account=payments-prod&page=2");
    let (_, html) = visitor.get(&next).await;
    assert_eq!(row_names(&html), expected[50..]);

    // Other filters keep the account.
    let (_, html) = visitor
        .get("/buckets?account=analytics-dev&status=unencrypted")
        .await;
    assert_eq!(row_names(&html), names_of(&app, "analytics-dev")[..3]);

    // The export link carries the account, and the file holds that account's buckets alone.
    assert_eq!(
        export_link(&html),
        "/buckets.csv?account=analytics-dev&status=unencrypted"
    );
    let (_, html) = visitor.get("/buckets?account=payments-prod").await;
    let export = export_link(&html);
    let body = visitor.fetch(&export).await.bytes().await.unwrap();
    let (header, rows) = read_csv(&body);
    let column = header
        .iter()
        .position(|h| h == "account")
        .expect("an account column");
    let names: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(names, expected);
    assert!(rows.iter().all(|r| &r[column] == "payments-prod"));

    // An account that does not exist is ignored with a note, never a failure.
    let (status, html) = visitor.get("/buckets?account=no-such-account").await;
    assert_eq!(status, 200);
    assert!(html.contains("Ignored account"), "a note");
    assert!(html.contains("of 180"), "every account's buckets");
}

#[tokio::test]
async fn the_audit_log_filters_by_account_and_names_each_entrys_account() {
    let app = shaped_estate(10).await;
    let operator = app.api(Role::Operator).await;
    let hub_bucket = names_of(&app, "default")[0].clone();
    let member_bucket = names_of(&app, "payments-prod")[0].clone();
    for bucket in [&hub_bucket, &member_bucket] {
        let reply = operator
            .call(
                "PUT",
                &format!("/api/v1/buckets/{bucket}/encryption"),
                Some(json!({ "sse_algorithm": "AES256" })),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.json);
    }
    let visitor = viewer(&app).await;

    let (_, html) = visitor.get("/audit-log").await;
    assert!(html.contains(r#"<select id="account" name="account""#));
    let rows = table_rows(&html, r#"<table class="data audit">"#);
    assert_eq!(rows[0][3], "Account");
    let of = |bucket: &str| {
        rows.iter()
            .find(|r| r[4] == bucket)
            .unwrap_or_else(|| panic!("an entry for {bucket} in {rows:?}"))
            .clone()
    };
    assert_eq!(of(&hub_bucket)[3], "default");
    assert_eq!(of(&member_bucket)[3], "payments-prod");

    let (status, html) = visitor.get("/audit-log?account=payments-prod").await;
    assert_eq!(status, 200);
    let rows = table_rows(&html, r#"<table class="data audit">"#);
    assert!(rows.len() > 1, "{html}");
    assert!(
        rows[1..].iter().all(|r| r[3] == "payments-prod"),
        "{rows:?}"
    );
    assert!(rows[1..].iter().any(|r| r[4] == member_bucket));
    assert!(!html.contains(&format!("/buckets/{hub_bucket}\"")));

    // The API filters the same way.
    let viewer_api = app.api(Role::Viewer).await;
    let entries = viewer_api
        .get("/api/v1/audit-log?account=payments-prod")
        .await;
    assert_eq!(entries.status, 200, "{}", entries.json);
    let entries = entries.json["entries"].as_array().unwrap().clone();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["account"] == "payments-prod"));
    assert!(
        entries
            .iter()
            .any(|e| e["bucket"] == member_bucket.as_str())
    );

    // An account that does not exist is said next to the field.
    let (status, html) = visitor.get("/audit-log?account=no-such-account").await;
    assert_eq!(status, 400);
    assert!(html.contains("No account has that name."));
}

#[tokio::test]
async fn the_scans_page_shows_each_accounts_part_and_narrows_to_one_account() {
    let app = shaped_estate(10).await;
    let visitor = viewer(&app).await;

    let (_, html) = visitor.get("/scans").await;
    let rows = table_rows(&html, "<table class=\"data\">");
    assert_eq!(rows[0][3], "Accounts");
    let parts = &rows[1][3];
    for name in ["default", "payments-prod", "analytics-dev"] {
        assert!(parts.contains(&format!("{name} completed")), "{parts}");
    }
    assert!(parts.contains("web-staging failed NoPermission"), "{parts}");
    assert_eq!(rows[1][2], "✗ partial");

    // Narrowed to the failed account: its part's status, its numbers, its failure.
    let (status, html) = visitor.get("/scans?account=web-staging").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<option value="web-staging" selected"#));
    let rows = table_rows(&html, "<table class=\"data\">");
    assert_eq!(rows.len(), 2, "one scan: {rows:?}");
    assert_eq!(rows[1][2], "✗ failed");
    assert_eq!(rows[1][3], "✗ web-staging failed NoPermission");
    assert!(rows[1][11].contains("NoPermission"), "{:?}", rows[1]);

    // Narrowed to a member that completed: its own counts, not the estate's.
    let (_, html) = visitor.get("/scans?account=payments-prod").await;
    let rows = table_rows(&html, "<table class=\"data\">");
    assert_eq!(rows[1][2], "✓ completed");
    assert_eq!(rows[1][3], "✓ payments-prod completed");
    // Buckets, encrypted, unencrypted, unknown.
    assert_eq!(rows[1][6..10], ["10", "5", "4", "1"]);

    // The API shows every part of each scan covering the account.
    let api = app.api(Role::Viewer).await;
    let scans = api.get("/api/v1/scans?account=web-staging").await.json;
    let scans = scans["scans"].as_array().unwrap();
    assert_eq!(scans.len(), 1);
    let failed = scans[0]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["account"] == "web-staging")
        .unwrap();
    assert_eq!(failed["error_code"], "NoPermission");
}

#[tokio::test]
async fn the_remediation_preview_groups_the_buckets_to_change_by_account() {
    let app = shaped_estate(10).await;
    let operator = app.sign_in("otto", Role::Operator).await;
    let (status, html) = operator.get("/remediate").await;
    assert_eq!(status, 200);

    // One heading per account with buckets to change, by account name, with its count.
    let headings: Vec<String> = html
        .split(r#"<h3 class="account-group">"#)
        .skip(1)
        .map(|rest| rest[..rest.find("</h3>").unwrap()].to_owned())
        .collect();
    assert_eq!(
        headings,
        [
            "analytics-dev (3 buckets)",
            "default (1 bucket)",
            "payments-prod (4 buckets)"
        ]
    );
    // Under each heading, exactly that account's unencrypted buckets.
    for (name, unencrypted, _) in SHAPE {
        let heading = html
            .find(&format!(r#"<h3 class="account-group">{name} ("#))
            .unwrap();
        let table = between(&html[heading..], "<tbody>", "</tbody>");
        let listed: Vec<String> = table
            .split(r#"<td><a href="/buckets/"#)
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
            .collect();
        assert_eq!(listed, names_of(&app, name)[..unencrypted], "{name}");
    }
    assert!(html.contains("Encrypt 8 buckets with AES256"));

    // The buckets that will not be touched name their account.
    let untouched = table_rows(&html, r#"<h2 id="untouched">"#);
    assert_eq!(untouched[0][1], "Account");
    let mut accounts: Vec<&str> = untouched[1..].iter().map(|r| r[1].as_str()).collect();
    accounts.sort_unstable();
    assert_eq!(
        accounts,
        ["analytics-dev", "analytics-dev", "payments-prod"]
    );

    // A selection by name is grouped too, whatever order it was chosen in.
    let chosen = [
        names_of(&app, "payments-prod")[0].clone(),
        names_of(&app, "default")[0].clone(),
        names_of(&app, "payments-prod")[1].clone(),
    ];
    let query: Vec<String> = chosen.iter().map(|n| format!("bucket={n}")).collect();
    let (_, html) = operator
        .get(&format!("/remediate?{}", query.join("&")))
        .await;
    let headings: Vec<String> = html
        .split(r#"<h3 class="account-group">"#)
        .skip(1)
        .map(|rest| rest[..rest.find("</h3>").unwrap()].to_owned())
        .collect();
    assert_eq!(
        headings,
        ["payments-prod (2 buckets)", "default (1 bucket)"]
    );
}
