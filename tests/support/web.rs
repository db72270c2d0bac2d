//! `Visitor`: a person's browser, as reqwest plays it (its own cookie jar, `Accept: text/html`,
//! redirects left for the test to see), and what tests read off pages and answers.

use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::redirect::Policy;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "oss_audit_session";

/// A browser with its own cookie jar, and once signed in, its session's CSRF token.
#[derive(Clone)]
pub struct Visitor {
    /// The browser: keeps cookies, says it accepts HTML, does not follow redirects.
    pub http: reqwest::Client,
    jar: Arc<Jar>,
    base: String,
    /// The session's CSRF token, read when [`Visitor::signed_in`] signed in (empty before).
    pub csrf: String,
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

impl Visitor {
    /// A new browser for the application at `base` (`http://HOST:PORT`).
    pub fn new(base: &str) -> Self {
        let jar = Arc::new(Jar::default());
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml"),
        );
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(headers)
            .redirect(Policy::none())
            .build()
            .expect("client builds");
        Self {
            http,
            jar,
            base: base.to_owned(),
            csrf: String::new(),
        }
    }

    /// Signs in through the form; the signed-in browser with its session's CSRF token, or `None`
    /// when sign-in is refused.
    pub async fn signed_in(mut self, name: &str, password: &str) -> Option<Self> {
        let answer = self.login(name, password).await;
        if answer.status() != 303 || location(&answer).starts_with("/login") {
            return None;
        }
        self.csrf = self.session_csrf_token().await;
        Some(self)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path`: the answer itself.
    pub async fn fetch(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// `GET path`: status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.fetch(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("a body"))
    }

    /// Submits a form to `path` with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &self.csrf));
        self.post_form(path, &fields).await
    }

    /// Submits exactly `fields` (no CSRF token unless among them).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }

    /// Opens the sign-in page and returns its login CSRF token.
    pub async fn open_login_page(&self) -> String {
        let (status, html) = self.get("/login").await;
        assert_eq!(status, 200, "the sign-in page opens");
        csrf_field(&html)
    }

    /// Submits the sign-in form with the given fields.
    pub async fn submit_login(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_form("/login", fields).await
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
        self.fetch("/").await
    }

    /// The session's CSRF token as the signed-in page carries it now.
    pub async fn session_csrf_token(&self) -> String {
        let (status, html) = self.get("/").await;
        assert_eq!(status, 200, "signed in");
        csrf_field(&html)
    }

    /// Posts the sign-out form with `csrf_token` (none: the field is left out).
    pub async fn post_logout(&self, csrf_token: Option<&str>) -> reqwest::Response {
        let fields: Vec<(&str, &str)> = csrf_token.map(|t| ("csrf_token", t)).into_iter().collect();
        self.post_form("/logout", &fields).await
    }

    /// Signs out as a person would: the button on the signed-in page.
    pub async fn logout(&self) -> reqwest::Response {
        let token = self.session_csrf_token().await;
        self.post_logout(Some(&token)).await
    }

    /// The session cookie the browser holds.
    pub fn session_cookie(&self) -> Option<String> {
        let cookies = self.jar.cookies(&self.base.parse().expect("a URL"))?;
        cookies
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix(&format!("{SESSION_COOKIE}=")))
            .map(str::to_owned)
    }

    /// `GET path` from another browser that sends only the session cookie `session`.
    pub async fn get_with_session(&self, path: &str, session: &str) -> reqwest::Response {
        bare_browser()
            .get(self.url(path))
            .header("cookie", format!("{SESSION_COOKIE}={session}"))
            .send()
            .await
            .expect("request sent")
    }
}

/// The value of the hidden `csrf_token` field of a page.
pub fn csrf_field(html: &str) -> String {
    let at = html
        .find(r#"name="csrf_token" value=""#)
        .unwrap_or_else(|| panic!("no csrf_token field in {html}"));
    let rest = &html[at + r#"name="csrf_token" value=""#.len()..];
    rest[..rest.find('"').expect("a closing quote")].to_owned()
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

/// The part of `html` between `from` and `to` (to the end when `to` is absent).
pub fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} in {html}"));
    let rest = &html[start..];
    rest.find(to).map_or(rest, |end| &rest[..end])
}

/// A CSV download's header line and rows.
pub fn read_csv(body: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(body);
    let header = reader
        .headers()
        .expect("a header line")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(|r| r.expect("a row")).collect();
    (header, rows)
}
