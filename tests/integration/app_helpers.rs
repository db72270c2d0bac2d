//! `TestApp`: the real application on port 0 with a temp database, driven like a browser (a
//! cookie jar, `Accept: text/html`, redirects not followed) with one method per user action.

use std::sync::Arc;

use oss_audit::auth::password::Password;
use oss_audit::auth::{Role, UserName, users};
use oss_audit::sandbox::SandboxHandle;
use oss_audit::startup::{Application, Settings};
use oss_audit::store::Store;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::redirect::Policy;
use tokio_util::sync::CancellationToken;

use crate::helpers::{TestDb, sandbox};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "oss_audit_session";

/// A running application and a browser pointed at it.
pub struct TestApp {
    /// Kept running for the application's OSS client.
    _sandbox: SandboxHandle,
    pub db: TestDb,
    pub base: String,
    pub store: Store,
    /// The browser: keeps cookies, says it accepts HTML, does not follow redirects.
    pub http: reqwest::Client,
    jar: Arc<Jar>,
    stop: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// A client that behaves like a browser with its own cookie jar.
pub fn browser(jar: Arc<Jar>) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("text/html,application/xhtml+xml"),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .default_headers(headers)
        .redirect(Policy::none())
        .build()
        .expect("client builds")
}

/// A browser without a cookie jar, for replaying exactly the cookies a test chooses.
pub fn bare_browser() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("text/html"));
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(Policy::none())
        .build()
        .expect("client builds")
}

/// Adds a user directly in the store.
pub async fn add_user(store: &Store, name: &str, role: Role, password: &str) {
    users::create_user(
        store,
        &UserName::parse(name).unwrap(),
        role,
        Password::new(password).unwrap(),
    )
    .await
    .expect("user added");
}

/// Signs `name` in with `http` as a person would: open the form at `base`, fill it in, submit it.
/// Returns the answer to the form.
pub async fn submit_sign_in(
    http: &reqwest::Client,
    base: &str,
    name: &str,
    password: &str,
) -> reqwest::Response {
    let login = http.get(format!("{base}/login")).send().await.unwrap();
    let token = csrf_field(&login.text().await.unwrap());
    http.post(format!("{base}/login"))
        .form(&[
            ("username", name),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
}

/// The value of the hidden `csrf_token` field of a page.
pub fn csrf_field(html: &str) -> String {
    let at = html
        .find(r#"name="csrf_token" value=""#)
        .unwrap_or_else(|| panic!("no csrf_token field in {html}"));
    let rest = &html[at + r#"name="csrf_token" value=""#.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The value `name` is set to by a response's `Set-Cookie` headers, with the whole header.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|header| {
            let value = header[name.len() + 1..]
                .split(';')
                .next()
                .unwrap_or("")
                .to_owned();
            (value, header.to_owned())
        })
}

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// Starts the application with the test defaults.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the application with settings adjusted by `tweak`.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> Self {
        let sandbox = sandbox(0).await;
        let db = TestDb::new();
        let mut settings = Settings::for_tests(db.url.clone(), sandbox.client_config());
        tweak(&mut settings);
        let app = Application::build(settings).await.expect("app builds");
        let store = app.state().store().clone();
        let base = format!("http://{}", app.local_addr());
        let stop = CancellationToken::new();
        tokio::spawn(app.run_until_stopped(stop.clone()));
        let jar = Arc::new(Jar::default());
        Self {
            _sandbox: sandbox,
            db,
            base,
            store,
            http: browser(jar.clone()),
            jar,
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Adds a user directly in the store.
    pub async fn add_user(&self, name: &str, role: Role, password: &str) {
        add_user(&self.store, name, role, password).await;
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// Opens the sign-in page and returns its login CSRF token.
    pub async fn open_login_page(&self) -> String {
        let page = self.get("/login").await;
        assert_eq!(page.status(), 200);
        csrf_field(&page.text().await.unwrap())
    }

    /// Submits the sign-in form with the given fields.
    pub async fn submit_login(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url("/login"))
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }

    /// Signs in as a person would: open the form, fill it in, submit it.
    pub async fn login(&self, user: &str, password: &str) -> reqwest::Response {
        let token = self.open_login_page().await;
        self.submit_login(&[
            ("username", user),
            ("password", password),
            ("csrf_token", &token),
        ])
        .await
    }

    /// Signs in, asking to go to `next` afterwards.
    pub async fn login_then(&self, user: &str, password: &str, next: &str) -> reqwest::Response {
        let token = self.open_login_page().await;
        self.submit_login(&[
            ("username", user),
            ("password", password),
            ("csrf_token", &token),
            ("next", next),
        ])
        .await
    }

    /// The signed-in home page (the overview).
    pub async fn home(&self) -> reqwest::Response {
        self.get("/").await
    }

    /// The session's CSRF token, read from the signed-in page.
    pub async fn session_csrf_token(&self) -> String {
        let home = self.home().await;
        assert_eq!(home.status(), 200, "signed in");
        csrf_field(&home.text().await.unwrap())
    }

    /// Posts the sign-out form with `csrf_token` (none: the field is left out).
    pub async fn post_logout(&self, csrf_token: Option<&str>) -> reqwest::Response {
        let fields: Vec<(&str, &str)> = csrf_token.map(|t| ("csrf_token", t)).into_iter().collect();
        self.http
            .post(self.url("/logout"))
            .form(&fields)
            .send()
            .await
            .expect("request sent")
    }

    /// Signs out as a person would: the button on the signed-in page.
    pub async fn logout(&self) -> reqwest::Response {
        let token = self.session_csrf_token().await;
        self.post_logout(Some(&token)).await
    }

    /// The session cookie the browser holds.
    pub fn session_cookie(&self) -> Option<String> {
        let cookies = self.jar.cookies(&self.base.parse().unwrap())?;
        cookies
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix(&format!("{SESSION_COOKIE}=")))
            .map(str::to_owned)
    }

    /// `GET path` from another browser that sends only this session cookie.
    pub async fn get_with_session(&self, path: &str, session: &str) -> reqwest::Response {
        bare_browser()
            .get(self.url(path))
            .header("cookie", format!("{SESSION_COOKIE}={session}"))
            .send()
            .await
            .expect("request sent")
    }

    /// A count of rows in `table`.
    pub async fn rows(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }
}
