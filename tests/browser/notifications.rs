//! Settings › Notifications in a browser: an admin adds a signed webhook, sends it a test that a
//! real receiver on loopback checks as a receiver would, sees the delivery, and removes it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use oss_audit::oss::Secret;
use oss_audit::sandbox::{self, SandboxConfig, SandboxHandle};
use oss_audit::startup::{Application, Settings};
use sha2::Sha256;
use tokio_util::sync::CancellationToken;

use crate::app::PASSWORD;
use crate::driver::{Browser, with_browser};

const SECRET: &str = "browser-signing-key-5309";
/// Part of the receiver's path: a credential the page must not show once saved.
const URL_TOKEN: &str = "hook-path-token-2718";
const DEADLINE: Duration = Duration::from_secs(60);

/// The application with the bootstrap `admin` signing in with [`PASSWORD`] (`BrowserApp` has no
/// admin), over an empty sandbox: this page needs no buckets.
struct AdminApp {
    base: String,
    stop: CancellationToken,
    dir: std::path::PathBuf,
    _sandbox: SandboxHandle,
}

impl Drop for AdminApp {
    fn drop(&mut self) {
        self.stop.cancel();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl AdminApp {
    async fn start() -> Self {
        let sandbox = sandbox::start(SandboxConfig::for_tests(0, 7))
            .await
            .expect("sandbox starts");
        let dir = std::env::temp_dir().join(format!(
            "oss-audit-browser-notify-{}-{}",
            std::process::id(),
            sandbox.local_addr().port()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("audit.db").display());
        let mut settings = Settings::for_tests(url, sandbox.client_config());
        settings.admin_password = Some(Secret::new(PASSWORD));
        // A queued test is sent at once (it wakes the worker); the short poll is a fallback.
        settings.notify.timing.poll_interval = Duration::from_millis(200);
        let app = Application::build(settings).await.expect("app builds");
        let base = format!("http://{}", app.local_addr());
        let stop = CancellationToken::new();
        tokio::spawn(app.run_until_stopped(stop.clone()));
        Self {
            base,
            stop,
            dir,
            _sandbox: sandbox,
        }
    }
}

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Recorded {
    headers: HeaderMap,
    body: Bytes,
}

impl Recorded {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }
}

type Requests = Arc<Mutex<Vec<Recorded>>>;

/// A webhook receiver on 127.0.0.1:0 that records every request and answers 200 (stopped when
/// dropped). The integration tests' richer one is in another test binary.
struct Receiver {
    base: String,
    requests: Requests,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(requests): State<Requests>,
    headers: HeaderMap,
    body: Bytes,
) -> &'static str {
    requests.lock().unwrap().push(Recorded { headers, body });
    "ok"
}

impl Receiver {
    async fn start() -> Self {
        let requests = Requests::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver binds");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let router = axum::Router::new()
            .fallback(receive)
            .with_state(requests.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            base,
            requests,
            task,
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

/// Checks the signature as a receiver would (HMAC computed here, not by the code under test):
/// `sha256=hex(HMAC-SHA256(secret, "{X-OSS-Audit-Timestamp}.{body}"))`. Returns the body.
fn verified_webhook(request: &Recorded, secret: &str) -> serde_json::Value {
    let timestamp = request.header("x-oss-audit-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&request.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        request.header("x-oss-audit-signature"),
        format!("sha256={hex}"),
        "the signature verifies with the secret"
    );
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

/// Fails when the page's source holds the secret or the URL's path.
async fn shows_no_credentials(b: &Browser, step: &str) {
    let source = b.source().await;
    assert!(!source.contains(SECRET), "{step}: the secret is shown");
    assert!(
        !source.contains(URL_TOKEN),
        "{step}: the URL's path is shown"
    );
}

#[tokio::test]
async fn an_admin_adds_a_webhook_sends_it_a_signed_test_and_removes_it() {
    let app = AdminApp::start().await;
    let receiver = Receiver::start().await;
    let hook = format!("{}/hooks/{URL_TOKEN}", receiver.base);

    with_browser("notifications", async |b| {
        b.sign_in(&app.base, "admin", PASSWORD).await;
        b.click("header.top nav a[href='/settings']").await;
        b.click("nav.pager a[href='/settings/notifications']").await;
        assert_eq!(b.path().await, "/settings/notifications");
        assert!(
            b.text("#targets")
                .await
                .contains("No notification targets yet"),
            "{}",
            b.source().await
        );

        b.find("select#kind option[value='webhook']")
            .await
            .click()
            .await
            .expect("choose webhook");
        for (field, value) in [
            ("#target-name", "ops-webhook"),
            ("#target-url", hook.as_str()),
            ("#target-secret", SECRET),
        ] {
            b.find(field).await.send_keys(value).await.expect("type");
        }
        b.click("#add-target button[type=submit]").await;
        b.shot("listed").await;
        assert_eq!(b.path().await, "/settings/notifications");
        let flash = b.text(".flash").await;
        assert!(flash.contains("Target “ops-webhook” added"), "{flash}");
        let rows = b.find_all("table.notifications tbody tr").await;
        assert_eq!(rows.len(), 1, "one target listed");
        let row = format!(
            "#{}",
            rows[0].attr("id").await.expect("attr").expect("row id")
        );
        assert!(
            b.text(&format!("{row} td:first-child"))
                .await
                .starts_with("ops-webhook")
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(3) code")).await,
            format!("{}/…", receiver.base),
            "the URL is masked to its scheme, host and port"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(5)")).await, "never");
        shows_no_credentials(b, "listed").await;
        assert!(receiver.requests().is_empty(), "adding sends nothing");

        b.click(&format!("{row} form[action$='/test'] button[type=submit]"))
            .await;
        let flash = b.text(".flash").await;
        assert!(flash.contains("Test message queued"), "{flash}");

        // The worker delivers in the background: wait for the receiver, then reload until the
        // row shows the delivery (its status is written just after the answer arrives).
        let deadline = tokio::time::Instant::now() + DEADLINE;
        while receiver.requests().is_empty() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the test message arrives"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let last_delivery = format!("{row} td:nth-child(5) time");
        loop {
            b.client.refresh().await.expect("reload");
            if !b.find_all(&last_delivery).await.is_empty() {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the page shows the last delivery:\n{}",
                b.source().await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        b.shot("delivered").await;
        assert_eq!(
            b.text(&format!("{row} td:nth-child(6)")).await,
            "0",
            "none pending"
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(8)")).await,
            "none",
            "no error"
        );
        shows_no_credentials(b, "delivered").await;

        let requests = receiver.requests();
        assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
        let body = verified_webhook(&requests[0], SECRET);
        assert_eq!(body["event"]["type"], "test", "{body}");
        assert_eq!(body["event"]["actor"], "user:admin", "{body}");

        b.click(&format!(
            "{row} form[action$='/disable'] button[type=submit]"
        ))
        .await;
        assert!(b.text(".flash").await.contains("disabled"));
        assert!(
            b.text(&format!("{row} td:nth-child(4)"))
                .await
                .contains("disabled")
        );
        assert!(
            b.find_all(&format!("{row} form[action$='/test']"))
                .await
                .is_empty(),
            "a disabled target offers no test"
        );
        b.find(&format!("{row} form[action$='/enable']")).await;

        b.click(&format!(
            "{row} form[action$='/delete'] button[type=submit]"
        ))
        .await;
        assert!(b.text(".flash").await.contains("deleted"));
        assert!(b.find_all(&row).await.is_empty(), "the target is gone");
        assert!(
            b.text("#targets")
                .await
                .contains("No notification targets yet")
        );
    })
    .await;

    assert_eq!(receiver.requests().len(), 1, "nothing sent after the test");
}
