//! The bucket list, its CSV export, and the bucket page with its change and remove forms, driven
//! like a browser and checked against what the sandbox really holds.

use std::sync::Arc;
use std::time::Duration;

use oss_audit::auth::password::Password;
use oss_audit::auth::{Role, UserName, users};
use oss_audit::domain::{EncryptionRule, KmsDataEncryption, KmsKeyId};
use oss_audit::sandbox::{SandboxBucket, SandboxHandle};
use oss_audit::scan::Trigger;
use oss_audit::startup::{Application, Settings};
use oss_audit::web::AppState;
use reqwest::cookie::Jar;
use tokio_util::sync::CancellationToken;

use crate::app_helpers::{browser, csrf_field, location};
use crate::helpers::{TestDb, sandbox};

const PASSWORD: &str = "correct horse battery";

/// The application over a seeded sandbox after one scan, with a signed-in operator and viewer.
struct Pages {
    sandbox: SandboxHandle,
    _db: TestDb,
    base: String,
    state: AppState,
    operator: reqwest::Client,
    viewer: reqwest::Client,
    stop: CancellationToken,
}

impl Drop for Pages {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// What the sandbox says a bucket's status is, as the dashboard words it.
fn truth_status(b: &SandboxBucket) -> &'static str {
    match (&b.encryption, b.access_denied) {
        (_, true) => "unknown",
        (None, _) => "unencrypted",
        (Some(_), _) => "encrypted",
    }
}

/// The bucket names of the list's rows, in order.
fn row_names(html: &str) -> Vec<String> {
    html.split(r#"<th scope="row"><a href="/buckets/"#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

impl Pages {
    async fn start(buckets: usize) -> Self {
        Self::start_with(buckets, |_| {}).await
    }

    /// Starts over `buckets` seeded buckets, lets `prepare` adjust the sandbox, then scans.
    async fn start_with(buckets: usize, prepare: impl FnOnce(&SandboxHandle)) -> Self {
        let sandbox = sandbox(buckets).await;
        prepare(&sandbox);
        let db = TestDb::new();
        let mut client = sandbox.client_config();
        client.retry.base_delay = Duration::from_millis(2);
        let app = Application::build(Settings::for_tests(db.url.clone(), client))
            .await
            .expect("app builds");
        let state = app.state().clone();
        for (name, role) in [("olivia", Role::Operator), ("victor", Role::Viewer)] {
            users::create_user(
                state.store(),
                &UserName::parse(name).unwrap(),
                role,
                Password::new(PASSWORD).unwrap(),
            )
            .await
            .expect("user added");
        }
        let base = format!("http://{}", app.local_addr());
        let stop = CancellationToken::new();
        tokio::spawn(app.run_until_stopped(stop.clone()));
        let pages = Self {
            sandbox,
            _db: db,
            base,
            state,
            operator: browser(Arc::new(Jar::default())),
            viewer: browser(Arc::new(Jar::default())),
            stop,
        };
        pages.sign_in(&pages.operator, "olivia").await;
        pages.sign_in(&pages.viewer, "victor").await;
        pages.scan().await;
        pages
    }

    async fn sign_in(&self, who: &reqwest::Client, name: &str) {
        let login = who.get(self.url("/login")).send().await.unwrap();
        let token = csrf_field(&login.text().await.unwrap());
        let answer = who
            .post(self.url("/login"))
            .form(&[
                ("username", name),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 303, "{name} signs in");
    }

    async fn scan(&self) {
        let id = self
            .state
            .start_scan(Trigger::Dashboard)
            .await
            .expect("scan starts");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let mut conn = self.state.store().pool().acquire().await.unwrap();
            let scan = oss_audit::store::get_scan(&mut conn, id).await.unwrap();
            if scan.status != "running" {
                assert_eq!(scan.status, "completed");
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "scan finishes");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path` as `who`: status and body.
    async fn page(&self, who: &reqwest::Client, path: &str) -> (u16, String) {
        let response = who.get(self.url(path)).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The session's CSRF token of `who` (every page's sign-out form carries it).
    async fn token(&self, who: &reqwest::Client) -> String {
        csrf_field(&self.page(who, "/buckets").await.1)
    }

    async fn post(
        &self,
        who: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        who.post(self.url(path)).form(fields).send().await.unwrap()
    }

    /// The sandbox's buckets, sorted by name, with `keep` applied.
    fn truth(&self, keep: impl Fn(&SandboxBucket) -> bool) -> Vec<String> {
        let mut names: Vec<String> = self
            .sandbox
            .buckets()
            .into_iter()
            .filter(|b| keep(b))
            .map(|b| b.name.as_str().to_owned())
            .collect();
        names.sort();
        names
    }

    /// The name of the first bucket (by name) that `pick` accepts.
    fn first(&self, pick: impl Fn(&SandboxBucket) -> bool) -> String {
        self.truth(pick).into_iter().next().expect("such a bucket")
    }
}

#[tokio::test]
async fn the_bucket_list_filters_sorts_and_pages_like_the_sandbox_holds() {
    let app = Pages::start(130).await;
    let all = app.truth(|_| true);

    let (status, html) = app.page(&app.operator, "/buckets").await;
    assert_eq!(status, 200);
    assert!(html.contains("Showing 1–50 of 130"), "{html}");
    assert_eq!(row_names(&html), all[..50]);
    assert!(html.contains(r#"aria-sort="ascending""#));

    let (_, html) = app.page(&app.operator, "/buckets?page=3").await;
    assert!(html.contains("Showing 101–130 of 130"), "{html}");
    assert_eq!(row_names(&html), all[100..]);
    assert!(
        html.contains(r#"href="/buckets?page=2" rel="prev""#),
        "{html}"
    );

    let (_, html) = app.page(&app.operator, "/buckets?dir=desc").await;
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(row_names(&html), reversed[..50]);
    assert!(html.contains(r#"aria-sort="descending""#));

    let expected =
        app.truth(|b| truth_status(b) == "unencrypted" && b.region.as_str() == "cn-hangzhou");
    let (_, html) = app
        .page(
            &app.operator,
            "/buckets?status=unencrypted&region=cn-hangzhou",
        )
        .await;
    assert!(!expected.is_empty());
    assert_eq!(row_names(&html), expected);

    let expected = app.truth(|b| b.name.as_str().contains("logs"));
    let (_, html) = app.page(&app.operator, "/buckets?q=logs").await;
    assert_eq!(row_names(&html), expected);

    let expected = app.truth(|b| truth_status(b) == "unencrypted");
    let (_, html) = app.page(&app.operator, "/buckets?compliant=false").await;
    assert_eq!(row_names(&html), expected[..expected.len().min(50)]);
    assert!(html.contains(&format!("of {}", expected.len())), "{html}");

    let expected =
        app.truth(|b| !b.access_denied && matches!(b.encryption, Some(EncryptionRule::Kms { .. })));
    let (_, html) = app.page(&app.operator, "/buckets?sse_algorithm=KMS").await;
    assert_eq!(row_names(&html), expected);

    // Sorting by region keeps the filters in the headers' links and orders by region, then name.
    let (_, html) = app
        .page(&app.operator, "/buckets?status=encrypted&sort=region")
        .await;
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
    let app = Pages::start(60).await;
    let (status, html) = app
        .page(&app.operator, "/buckets?status=bogus&sort=colour&page=zero")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Ignored status “bogus”"), "{html}");
    assert!(html.contains("Ignored order “colour”"), "{html}");
    assert!(html.contains("Showing 1–50 of 60"), "{html}");

    let (status, html) = app.page(&app.operator, "/buckets?page=99").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("There is no page 99; showing page 2, the last."),
        "{html}"
    );
    assert!(html.contains("Showing 51–60 of 60"), "{html}");
}

#[tokio::test]
async fn the_csv_export_holds_every_matching_bucket_in_the_order_of_the_view() {
    let app = Pages::start_with(1_050, |sandbox| {
        // A key id a spreadsheet would take for a formula.
        let name = sandbox.buckets()[0].name.as_str().to_owned();
        sandbox.set_access_denied(&name, false);
        sandbox.set_encryption(
            &name,
            Some(EncryptionRule::Kms {
                key_id: Some(KmsKeyId::parse("-1.5").unwrap()),
                data_encryption: None,
            }),
        );
    })
    .await;

    let response = app
        .operator
        .get(app.url("/buckets.csv?sort=region&dir=desc"))
        .send()
        .await
        .unwrap();
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
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
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
            "scanned_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        1_050,
        "every page, past the first chunk of 1,000"
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

    // The same filters give the same buckets as the page.
    let path = "status=unencrypted&region=cn-beijing";
    let (_, html) = app.page(&app.viewer, &format!("/buckets?{path}")).await;
    let body = app
        .viewer
        .get(app.url(&format!("/buckets.csv?{path}")))
        .send()
        .await
        .unwrap()
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
        app.truth(|b| truth_status(b) == "unencrypted" && b.region.as_str() == "cn-beijing")
    );
}

#[tokio::test]
async fn the_change_form_sets_kms_with_a_key_and_sm4_and_the_page_shows_it() {
    let app = Pages::start(30).await;
    let name = app.first(|b| truth_status(b) == "unencrypted");
    let detail = format!("/buckets/{name}");
    let (status, html) = app.page(&app.operator, &detail).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"action="/buckets/{name}/encryption""#)));

    let token = app.token(&app.operator).await;
    let answer = app
        .post(
            &app.operator,
            &format!("{detail}/encryption"),
            &[
                ("csrf_token", token.as_str()),
                ("sse_algorithm", "KMS"),
                ("kms_master_key_id", "alias/page-test"),
                ("kms_data_encryption", "SM4"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), detail);
    assert_eq!(
        app.sandbox.bucket(&name).unwrap().encryption,
        Some(EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("alias/page-test").unwrap()),
            data_encryption: Some(KmsDataEncryption::Sm4),
        })
    );

    let (_, html) = app.page(&app.operator, &detail).await;
    assert!(
        html.contains(&format!(
            "Encryption of {name} set to KMS (key alias/page-test, data SM4); OSS now reports KMS (key alias/page-test, data SM4)."
        )),
        "{html}"
    );
    assert!(html.contains("alias/page-test"));
    assert!(
        html.contains("re-read after a change"),
        "the timeline shows the re-read"
    );
    assert!(
        html.contains("user:olivia"),
        "the audit log names who did it"
    );
    assert!(
        html.contains(r#"<option value="KMS" selected"#),
        "the form shows the new state"
    );
}

#[tokio::test]
async fn invalid_change_input_is_told_next_to_the_field_and_nothing_reaches_oss() {
    let app = Pages::start(30).await;
    let name = app.first(|b| truth_status(b) == "unencrypted");
    let path = format!("/buckets/{name}/encryption");
    let token = app.token(&app.operator).await;
    let served = app.sandbox.requests_served();

    let answer = app
        .post(
            &app.operator,
            &path,
            &[
                ("csrf_token", token.as_str()),
                ("sse_algorithm", "AES256"),
                ("kms_master_key_id", "alias/kept-value"),
                ("kms_data_encryption", "SM4"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 400);
    let html = answer.text().await.unwrap();
    assert!(
        html.contains(r#"<p class="error" id="kms-key-id-error">"#),
        "{html}"
    );
    assert!(html.contains(r#"aria-describedby="kms-key-id-hint kms-key-id-error""#));
    assert!(html.contains(r#"<p class="error" id="kms-data-encryption-error">"#));
    assert!(html.contains("only used with KMS"));
    assert!(
        html.contains(r#"value="alias/kept-value""#),
        "the submitted value is kept"
    );
    assert!(html.contains(r#"<option value="AES256" selected"#));
    assert!(!html.contains(r#"id="sse-algorithm-error""#));

    for (algorithm, key, field) in [
        ("KMS", "not a key!", "kms-key-id-error"),
        ("DES", "", "sse-algorithm-error"),
    ] {
        let answer = app
            .post(
                &app.operator,
                &path,
                &[
                    ("csrf_token", token.as_str()),
                    ("sse_algorithm", algorithm),
                    ("kms_master_key_id", key),
                ],
            )
            .await;
        assert_eq!(answer.status(), 400);
        let html = answer.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"<p class="error" id="{field}">"#)),
            "{html}"
        );
    }
    assert_eq!(
        app.sandbox.requests_served(),
        served,
        "no request reached OSS"
    );
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, None);
}

#[tokio::test]
async fn removing_encryption_asks_first_and_then_the_sandbox_has_no_rule() {
    let app = Pages::start(30).await;
    let name = app.first(|b| truth_status(b) == "encrypted");
    let (status, html) = app.page(&app.operator, &format!("/buckets/{name}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"href="/buckets/{name}/remove""#)));

    let (status, html) = app
        .page(&app.operator, &format!("/buckets/{name}/remove"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(
        "New objects written to {name} will no longer be encrypted by default. Objects already stored keep their encryption."
    )), "{html}");
    assert!(html.contains(&format!(r#"method="post" action="/buckets/{name}/remove""#)));
    assert!(html.contains(&format!(r#"<a href="/buckets/{name}">Cancel</a>"#)));
    assert!(
        app.sandbox.bucket(&name).unwrap().encryption.is_some(),
        "asking changes nothing"
    );

    let token = csrf_field(&html);
    let answer = app
        .post(
            &app.operator,
            &format!("/buckets/{name}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), format!("/buckets/{name}"));
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, None);
    let (_, html) = app.page(&app.operator, &format!("/buckets/{name}")).await;
    assert!(
        html.contains(&format!(
            "Default encryption of {name} removed; OSS now reports no default encryption."
        )),
        "{html}"
    );
}

#[tokio::test]
async fn an_oss_refusal_shows_its_code_and_request_id() {
    let app = Pages::start(30).await;
    let name = app.first(|b| b.access_denied);
    let before = app.sandbox.bucket(&name).unwrap().encryption;
    let token = app.token(&app.operator).await;
    let answer = app
        .post(
            &app.operator,
            &format!("/buckets/{name}/encryption"),
            &[("csrf_token", token.as_str()), ("sse_algorithm", "AES256")],
        )
        .await;
    assert_eq!(answer.status(), 303);
    let (_, html) = app.page(&app.operator, &format!("/buckets/{name}")).await;
    let at = html
        .find("OSS refused: AccessDenied (request id ")
        .expect("the refusal is shown");
    let rest = &html[at + "OSS refused: AccessDenied (request id ".len()..];
    let request_id = &rest[..rest.find(')').unwrap()];
    assert!(
        request_id.len() >= 8 && request_id != "none",
        "{request_id}"
    );
    assert!(
        html.matches(request_id).count() >= 2,
        "the audit log lists it too"
    );
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, before);
}

#[tokio::test]
async fn viewers_see_no_forms_and_their_posts_change_nothing() {
    let app = Pages::start(30).await;
    let name = app.first(|b| truth_status(b) == "encrypted");
    let before = app.sandbox.bucket(&name).unwrap().encryption;

    let (status, html) = app.page(&app.viewer, "/buckets").await;
    assert_eq!(status, 200);
    assert!(!html.contains(r#"action="/remediate""#) && !html.contains(r#"name="bucket""#));
    let (_, operator_html) = app.page(&app.operator, "/buckets").await;
    assert!(
        operator_html.contains(r#"<form method="get" action="/remediate""#),
        "{operator_html}"
    );
    assert!(operator_html.contains(&format!(r#"name="bucket" value="{name}""#)));
    assert!(operator_html.contains("Remediate selected buckets"));

    let (status, html) = app.page(&app.viewer, &format!("/buckets/{name}")).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("/encryption\"") && !html.contains("/remove\""),
        "{html}"
    );
    assert!(!html.contains("Change encryption"));

    let served = app.sandbox.requests_served();
    let token = app.token(&app.viewer).await;
    let answer = app
        .post(
            &app.viewer,
            &format!("/buckets/{name}/encryption"),
            &[("csrf_token", token.as_str()), ("sse_algorithm", "SM4")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    let answer = app
        .post(
            &app.viewer,
            &format!("/buckets/{name}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(answer.status(), 403);
    let (status, _) = app
        .page(&app.viewer, &format!("/buckets/{name}/remove"))
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, before);
    assert_eq!(app.sandbox.requests_served(), served);
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    let app = Pages::start(30).await;
    let name = app.first(|b| truth_status(b) == "encrypted");
    let before = app.sandbox.bucket(&name).unwrap().encryption;
    let answer = app
        .post(
            &app.operator,
            &format!("/buckets/{name}/encryption"),
            &[("sse_algorithm", "SM4")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    let answer = app
        .post(
            &app.operator,
            &format!("/buckets/{name}/remove"),
            &[("csrf_token", "forged")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    assert_eq!(app.sandbox.bucket(&name).unwrap().encryption, before);
}

#[tokio::test]
async fn unknown_or_invalid_bucket_names_get_the_404_page() {
    let app = Pages::start(10).await;
    for path in [
        "/buckets/no-such-bucket",
        "/buckets/Not_A_Bucket",
        "/buckets/%FF%FE",
    ] {
        let (status, _) = app.page(&app.viewer, path).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = app
        .page(&app.operator, "/buckets/no-such-bucket/remove")
        .await;
    assert_eq!(status, 404);
    let name = app.first(|_| true);
    let (status, html) = app.page(&app.viewer, &format!("/buckets/{name}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("OSS request id"), "{html}");
}
