//! Chromedriver and headless Chromium for one test: started fresh, closed (or killed) at the end,
//! with a screenshot helper that keeps every page visited as a test artifact.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::process::{CHROMEDRIVER, CHROMIUM, free_port, kill_group, require_installed};

/// Flags measured to work as root on these machines; the background-networking ones stop Chromium
/// from calling out to Google's hosts, which the closed network refuses.
const CHROMIUM_FLAGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,1000",
];

/// Where the screenshots go (the folder is gitignored).
pub fn artifacts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/artifacts/screenshots")
}

/// A headless Chromium session of one test, with its own chromedriver and profile directory.
pub struct Browser {
    pub client: Client,
    test: String,
    driver: Child,
    /// Chromium's profile, removed with the session.
    _profile: TempDir,
}

/// Opens a browser for `test`, runs `body` with it, and always closes it; a failing body leaves a
/// `<test>-failure.png` screenshot behind and then fails the test.
pub async fn with_browser(test: &str, body: impl AsyncFnOnce(&Browser)) {
    let browser = Browser::open(test).await;
    let outcome = AssertUnwindSafe(body(&browser)).catch_unwind().await;
    if outcome.is_err() {
        browser.shot("failure").await;
    }
    browser.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

impl Browser {
    async fn open(test: &str) -> Self {
        require_installed();
        std::fs::create_dir_all(artifacts_dir()).expect("artifacts folder");
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                artifacts_dir()
                    .join(format!("{test}-chromedriver.log"))
                    .display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so a failed test can kill it and every browser it started.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{CHROMEDRIVER} does not start: {e}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver listens on {port}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let profile = tempfile::Builder::new()
            .prefix(&format!("oss-audit-chromium-{test}-"))
            .tempdir()
            .expect("a profile folder");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("chromium session through chromedriver: {e}"));
        Self {
            client,
            test: test.to_owned(),
            driver,
            _profile: profile,
        }
    }

    /// Ends the session (Chromium quits), then chromedriver's whole process group, so nothing
    /// outlives the test even when the browser hung; the profile goes last.
    async fn close(mut self) {
        let _ = self.client.clone().close().await;
        if let Some(pid) = self.driver.id() {
            kill_group(pid);
        }
        let _ = self.driver.wait().await;
    }

    /// Opens `url` and saves a screenshot named `step`.
    pub async fn visit(&self, url: &str, step: &str) {
        self.client.goto(url).await.expect("page opens");
        self.shot(step).await;
    }

    /// Saves a PNG of the viewport as `tests/artifacts/screenshots/<test>-<step>.png`.
    pub async fn shot(&self, step: &str) {
        let path = artifacts_dir().join(format!("{}-{step}.png", self.test));
        match self.client.screenshot().await {
            Ok(png) => {
                std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            }
            Err(e) => eprintln!("no screenshot {}: {e}", path.display()),
        }
    }

    /// The element `css` selects (fails the test with the page source when there is none).
    pub async fn find(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("{css}: {e}\n{}", self.source().await),
        }
    }

    /// Every element `css` selects.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
    }

    /// The visible text of the element `css` selects.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// The page source, for failure messages.
    pub async fn source(&self) -> String {
        self.client.source().await.unwrap_or_default()
    }

    /// The path and query of the current page.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Clicks the element `css` selects and waits until the page it leads to has replaced this
    /// one (the old document's root goes stale), so a POST answered by a redirect to the same
    /// address is waited for too.
    pub async fn click(&self, css: &str) {
        let old_root = self.find("html").await;
        self.find(css).await.click().await.expect("click");
        let deadline = Instant::now() + Duration::from_secs(15);
        while old_root.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "a new page after clicking {css}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.find("body").await;
    }

    /// Signs in through the sign-in form and lands on the overview.
    pub async fn sign_in(&self, base: &str, user: &str, password: &str) {
        self.visit(&format!("{base}/login"), "sign-in").await;
        self.find("#username")
            .await
            .send_keys(user)
            .await
            .expect("type");
        self.find("#password")
            .await
            .send_keys(password)
            .await
            .expect("type");
        self.click("form[action='/login'] button[type=submit]")
            .await;
        assert_eq!(
            self.path().await,
            "/",
            "signed in as {user}:\n{}",
            self.source().await
        );
    }

    /// Makes pages render as for a user whose system prefers a dark (or light) colour scheme.
    pub async fn prefer_dark(&self, dark: bool) {
        let scheme = if dark { "dark" } else { "light" };
        let features = json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
        self.client
            .issue_cmd(Cdp("Emulation.setEmulatedMedia", features))
            .await
            .expect("emulate the colour scheme");
    }

    /// The session cookie's value, to replay it from another client.
    pub async fn session_cookie(&self) -> String {
        self.client
            .get_named_cookie("oss_audit_session")
            .await
            .expect("session cookie")
            .value()
            .to_owned()
    }

    /// The value of the page's hidden `csrf_token` field (the sign-out form carries one).
    pub async fn csrf_token(&self) -> String {
        self.find("input[name=csrf_token]")
            .await
            .attr("value")
            .await
            .expect("attr")
            .expect("csrf_token has a value")
    }
}

/// A Chrome DevTools command sent through chromedriver's `goog/cdp/execute` extension.
#[derive(Debug)]
struct Cdp(&'static str, serde_json::Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.0, "params": self.1 });
        (http::Method::POST, Some(body.to_string()))
    }
}
