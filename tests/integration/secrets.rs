//! No secret leaks: the real `oss-audit serve`, logging everything (`OSS_AUDIT_LOG=trace`), is
//! driven through a whole session — sign-in through the form, pages, an API token made with the
//! CLI, every API route, a wrong password, sign-out — and CLI runs with STS keys and with a wrong
//! secret. Its OSS traffic goes through a recording proxy, so the signatures it sent are known.
//! Then every log line, response body and response header is searched for every secret.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use base64::Engine;
use oss_audit::auth::secrets::{random_token, sha256_hex};
use oss_audit::oss::Credentials;
use oss_audit::sandbox::SandboxHandle;
use oss_audit::web::session::{LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

use crate::support::{TestDb, Visitor, bare_browser, csrf_field, sandbox};

// ---------------------------------------------------------------------------------------------
// A forward proxy between the binary and the sandbox that records every `Authorization` and
// `x-oss-security-token` the binary sent, then passes the request on unchanged.

#[derive(Clone)]
struct Recorder {
    upstream: reqwest::Client,
    seen: Arc<Mutex<Vec<SignedRequest>>>,
}

#[derive(Debug, Clone)]
struct SignedRequest {
    authorization: String,
    security_token: Option<String>,
    /// What the binary sent the proxy for the user and password in `HTTP_PROXY`.
    proxy_authorization: Option<String>,
}

/// Starts the recording proxy in front of `sandbox`; returns its URL and the requests it saw.
async fn recording_proxy(
    sandbox: &SandboxHandle,
    stop: CancellationToken,
) -> (String, Arc<Mutex<Vec<SignedRequest>>>) {
    let upstream = reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(sandbox.proxy_url()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let recorder = Recorder {
        upstream,
        seen: Arc::default(),
    };
    let seen = recorder.seen.clone();
    let app = axum::Router::new().fallback(forward).with_state(recorder);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
    });
    (url, seen)
}

async fn forward(State(recorder): State<Recorder>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if let Some(authorization) = header("authorization") {
        recorder.seen.lock().unwrap().push(SignedRequest {
            authorization,
            security_token: header("x-oss-security-token"),
            proxy_authorization: header("proxy-authorization"),
        });
    }
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let mut outgoing = recorder
        .upstream
        .request(parts.method.clone(), parts.uri.to_string())
        .body(body);
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "host"
                | "content-length"
                | "connection"
                | "proxy-connection"
                | "proxy-authorization"
                | "transfer-encoding"
        ) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(err) => {
            return Response::builder()
                .status(502)
                .body(Body::from(format!("recording proxy: {err}")))
                .unwrap();
        }
    };
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if !matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    response.body(Body::from(bytes)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Where text was seen, and the secrets that must not be in it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A line the process wrote (stdout or stderr).
    Log,
    /// A response body.
    Body,
    /// A response header.
    Header,
}

/// One piece of text the product produced.
#[derive(Debug)]
struct Place {
    /// For the failure message, e.g. `serve stderr line 12` or `GET /login: body`.
    location: String,
    kind: Kind,
    /// The request path, for responses.
    path: String,
    /// For `Set-Cookie` headers: the name of the cookie set.
    cookie: Option<String>,
    /// An HTML page (its forms legitimately carry CSRF tokens).
    html: bool,
    text: String,
}

/// A secret and the only places it may appear.
struct Secret {
    label: String,
    value: String,
    allowed: fn(&Place) -> bool,
}

/// Secrets that must appear nowhere the product writes.
fn nowhere(_: &Place) -> bool {
    false
}

/// The session id: only in the `Set-Cookie` header that delivers it.
fn own_session_cookie(place: &Place) -> bool {
    place.kind == Kind::Header && place.cookie.as_deref() == Some(SESSION_COOKIE)
}

/// The login CSRF value: its own cookie and the hidden field of the sign-in form, never a log.
fn login_form_or_cookie(place: &Place) -> bool {
    (place.kind == Kind::Header && place.cookie.as_deref() == Some(LOGIN_CSRF_COOKIE))
        || (place.kind == Kind::Body && place.html && place.path == "/login")
}

/// A session's CSRF token: in the forms of that user's pages, never a log or a header.
fn page_forms(place: &Place) -> bool {
    place.kind == Kind::Body && place.html && !place.path.starts_with("/api/")
}

/// Everything seen, in order.
#[derive(Default)]
struct Transcript {
    places: Vec<Place>,
    responses: usize,
}

/// A response as the test needs it.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    }

    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

impl Transcript {
    /// Sends `request`, records its status, every header and the body, and returns them.
    async fn send(&mut self, method: &str, path: &str, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let html = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let path_only = path.split('?').next().unwrap_or(path).to_owned();
        let at = format!("{method} {path} ({status})");
        for (name, value) in &headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let cookie = (name == "set-cookie").then(|| {
                value
                    .split('=')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            });
            self.places.push(Place {
                location: format!("{at}: header {name}"),
                kind: Kind::Header,
                path: path_only.clone(),
                cookie,
                html,
                text: value,
            });
        }
        self.places.push(Place {
            location: format!("{at}: body"),
            kind: Kind::Body,
            path: path_only,
            cookie: None,
            html,
            text: text.clone(),
        });
        self.responses += 1;
        Answer {
            status,
            headers,
            text,
        }
    }

    /// Records the output of a process, line by line, under `name`.
    fn logs(&mut self, name: &str, text: &str) {
        for (n, line) in text.lines().enumerate() {
            self.places.push(Place {
                location: format!("{name} line {}", n + 1),
                kind: Kind::Log,
                path: String::new(),
                cookie: None,
                html: false,
                text: strip_ansi(line),
            });
        }
    }
}

/// `text` without terminal colour codes (the log formatter styles field names).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn excerpt(text: &str) -> String {
    text.chars().take(400).collect()
}

/// `secret` as a failure message may show it: its length and first characters only.
fn hint(secret: &str) -> String {
    let start: String = secret.chars().take(4).collect();
    format!("{start}… ({} characters)", secret.chars().count())
}

/// The line of `text` at byte `at`, every secret in it replaced by its label, cut to about 300
/// characters around `focus` (what was found, as it reads once the secrets are replaced).
fn context(text: &str, at: usize, secrets: &[Secret], focus: &str) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut line = text[start..end].to_owned();
    for secret in secrets {
        line = line.replace(&secret.value, &format!("<{}>", secret.label));
    }
    let chars: Vec<char> = line.chars().collect();
    let focus_at = line
        .to_ascii_lowercase()
        .find(&focus.to_ascii_lowercase())
        .map_or(0, |byte| line[..byte].chars().count());
    let from = focus_at.saturating_sub(100);
    chars[from..(from + 300).min(chars.len())].iter().collect()
}

/// The runs of 64 or more lowercase hex digits in `text`: the shape of an HMAC-SHA256 signature
/// and of the SHA-256 digests the database keeps of session ids and tokens.
fn hex_runs(text: &str) -> Vec<&str> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, b) in text.bytes().chain(std::iter::once(b' ')).enumerate() {
        let hex = b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        match (hex, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 64 {
                    runs.push(&text[s..i]);
                }
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Every place a secret appears where it may not.
fn leaks(transcript: &Transcript, secrets: &[Secret]) -> Vec<String> {
    let mut found = Vec::new();
    for place in &transcript.places {
        for secret in secrets {
            if let Some(at) = place.text.find(&secret.value)
                && !(secret.allowed)(place)
            {
                found.push(format!(
                    "{} [{}] in {}: {}",
                    secret.label,
                    hint(&secret.value),
                    place.location,
                    context(&place.text, at, secrets, &format!("<{}>", secret.label))
                ));
            }
        }
        // Signatures and credential headers, whatever their value. (API error messages may
        // name the header, `Authorization: Bearer <token>`, so those markers are for logs.)
        let lower = place.text.to_ascii_lowercase();
        let markers: &[&str] = match place.kind {
            Kind::Log => &[
                "signature=",
                "oss4-hmac-sha256 ",
                "x-oss-security-token",
                "authorization: oss",
                "authorization: bearer",
                "\"authorization\"",
                "bearer oa_",
            ],
            Kind::Body | Kind::Header => &["signature=", "bearer oa_"],
        };
        for marker in markers {
            if let Some(at) = lower.find(marker) {
                found.push(format!(
                    "{marker:?} in {}: {}",
                    place.location,
                    context(&place.text, at, secrets, marker)
                ));
            }
        }
        if place.kind == Kind::Log
            && let Some(run) = hex_runs(&place.text).first()
        {
            found.push(format!(
                "a {}-hex-digit value (a signature or a session or token digest) in {}: {}",
                run.len(),
                place.location,
                context(
                    &place.text,
                    place.text.find(run).unwrap_or(0),
                    secrets,
                    &run[..16]
                )
            ));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The processes.

/// `oss-audit ARGS` on `database_url` with `credentials` (if any), its OSS traffic through
/// `proxy`, logging at trace level.
fn oss_audit(
    database_url: &str,
    proxy: &str,
    credentials: Option<&Credentials>,
    args: &[&str],
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oss-audit"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("USER", "leak-check")
        .env("DATABASE_URL", database_url)
        .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
        .env("HTTP_PROXY", proxy)
        .env("OSS_AUDIT_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(credentials) = credentials {
        command
            .env("OSS_ACCESS_KEY_ID", &credentials.access_key_id)
            .env(
                "OSS_ACCESS_KEY_SECRET",
                credentials.access_key_secret.expose(),
            );
        if let Some(token) = &credentials.security_token {
            command.env("OSS_SESSION_TOKEN", token.expose());
        }
    }
    command
}

/// Collects everything `stream` writes, line by line, into `into`.
fn capture(
    stream: impl AsyncRead + Unpin + Send + 'static,
    into: Arc<Mutex<String>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => into
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&line)),
            }
        }
    })
}

/// A running `oss-audit serve` whose output is being captured.
struct Server {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
    base: String,
}

impl Server {
    async fn start(mut command: Command) -> Self {
        let mut child = command.spawn().expect("oss-audit serve starts");
        let (stdout, stderr) = (
            Arc::<Mutex<String>>::default(),
            Arc::<Mutex<String>>::default(),
        );
        let readers = vec![
            capture(child.stdout.take().unwrap(), stdout.clone()),
            capture(child.stderr.take().unwrap(), stderr.clone()),
        ];
        let deadline = Instant::now() + Duration::from_secs(30);
        let base = loop {
            let printed = stdout.lock().unwrap().clone();
            if let Some(line) = printed
                .lines()
                .find(|l| l.starts_with("oss-audit listening on "))
            {
                break line
                    .trim_start_matches("oss-audit listening on ")
                    .to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "serve printed its address; stderr: {}",
                excerpt(&stderr.lock().unwrap())
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        Self {
            child,
            stdout,
            stderr,
            readers,
            base,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server with SIGTERM and returns everything it wrote (stdout, stderr).
    async fn stop(mut self) -> (String, String) {
        let pid = self.child.id().unwrap().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .unwrap();
        assert!(killed.success());
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("serve stops on SIGTERM")
            .unwrap();
        assert!(status.success(), "serve exits cleanly: {status:?}");
        for reader in self.readers.drain(..) {
            reader.await.unwrap();
        }
        let out = self.stdout.lock().unwrap().clone();
        let err = self.stderr.lock().unwrap().clone();
        (out, err)
    }
}

/// The signature part of an `Authorization` value: after `Signature=` (V4) or the last `:` (V1).
fn signature_of(authorization: &str) -> &str {
    match authorization.rfind("Signature=") {
        Some(at) => &authorization[at + "Signature=".len()..],
        None => authorization.rsplit(':').next().unwrap_or(authorization),
    }
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn no_secret_reaches_a_log_line_a_page_or_an_api_response() {
    let started = Instant::now();
    let sandbox = sandbox(30).await;
    let stop_proxy = CancellationToken::new();
    let _stop_proxy = stop_proxy.clone().drop_guard();
    let (proxy, signed) = recording_proxy(&sandbox, stop_proxy).await;
    // A proxy that wants a user name and password, as corporate proxies do: the password is
    // in `HTTP_PROXY` and must stay out of the logs like every other secret.
    let proxy_password = format!("Pr0xy-{}", random_token(18));
    let proxy = proxy.replacen(
        "http://",
        &format!("http://proxy-user:{proxy_password}@"),
        1,
    );
    let proxy_basic =
        base64::engine::general_purpose::STANDARD.encode(format!("proxy-user:{proxy_password}"));
    let db = TestDb::new();
    let keys = sandbox.credentials();
    let admin_password = format!("Adm1n-{}", random_token(18));
    let wrong_password = format!("Wr0ng-{}", random_token(18));
    let mut transcript = Transcript::default();
    let mut secrets = vec![
        Secret {
            label: "the OSS AccessKeySecret".into(),
            value: keys.access_key_secret.expose().to_owned(),
            allowed: nowhere,
        },
        Secret {
            label: "the admin password".into(),
            value: admin_password.clone(),
            allowed: nowhere,
        },
        Secret {
            label: "a mistyped password".into(),
            value: wrong_password.clone(),
            allowed: nowhere,
        },
        Secret {
            label: "the proxy password".into(),
            value: proxy_password.clone(),
            allowed: nowhere,
        },
        Secret {
            label: "the proxy credentials (Basic)".into(),
            value: proxy_basic.clone(),
            allowed: nowhere,
        },
    ];

    let mut command = oss_audit(
        &db.url,
        &proxy,
        Some(&keys),
        &["serve", "--listen", "127.0.0.1:0", "--scan-interval", "0"],
    );
    command.env("OSS_AUDIT_ADMIN_PASSWORD", &admin_password);
    let server = Server::start(command).await;

    // ---- A person in a browser: the sign-in form, a wrong password, then the right one.
    let web = Visitor::new(&server.base).http;
    let login = transcript
        .send("GET", "/login", web.get(server.url("/login")))
        .await;
    assert_eq!(login.status, 200);
    let login_csrf = csrf_field(&login.text);
    assert_eq!(
        login.set_cookie(LOGIN_CSRF_COOKIE).as_deref(),
        Some(login_csrf.as_str())
    );
    secrets.push(Secret {
        label: "the login CSRF token".into(),
        value: login_csrf.clone(),
        allowed: login_form_or_cookie,
    });
    let refused = transcript
        .send(
            "POST",
            "/login",
            web.post(server.url("/login")).form(&[
                ("username", "admin"),
                ("password", wrong_password.as_str()),
                ("csrf_token", login_csrf.as_str()),
            ]),
        )
        .await;
    assert_eq!(refused.status, 303);
    assert!(refused.location().contains("error=invalid"));
    let again = transcript
        .send(
            "GET",
            refused.location(),
            web.get(server.url(refused.location())),
        )
        .await;
    assert_eq!(again.status, 200);
    let signed_in = transcript
        .send(
            "POST",
            "/login",
            web.post(server.url("/login")).form(&[
                ("username", "admin"),
                ("password", admin_password.as_str()),
                ("csrf_token", csrf_field(&again.text).as_str()),
                ("next", "/"),
            ]),
        )
        .await;
    assert_eq!(signed_in.status, 303, "signed in: {}", signed_in.text);
    let session = signed_in
        .set_cookie(SESSION_COOKIE)
        .expect("a session cookie");
    secrets.push(Secret {
        label: "the session id".into(),
        value: session.clone(),
        allowed: own_session_cookie,
    });
    secrets.push(Secret {
        label: "the digest of the session id".into(),
        value: sha256_hex(&session),
        allowed: nowhere,
    });
    let home = transcript.send("GET", "/", web.get(server.url("/"))).await;
    assert_eq!(home.status, 200);
    let session_csrf = csrf_field(&home.text);
    secrets.push(Secret {
        label: "the session's CSRF token".into(),
        value: session_csrf.clone(),
        allowed: page_forms,
    });
    // ---- An API token made with the CLI: its stdout shows it once, on the last line.
    let created = oss_audit(
        &db.url,
        &proxy,
        None,
        &["token", "create", "--name", "leak-check", "--role", "admin"],
    )
    .output()
    .await
    .unwrap();
    let created_out = String::from_utf8_lossy(&created.stdout).into_owned();
    let created_err = String::from_utf8_lossy(&created.stderr).into_owned();
    assert!(created.status.success(), "token create: {created_err}");
    let (announcement, token) = created_out
        .trim_end()
        .rsplit_once('\n')
        .expect("two lines: the announcement, then the token");
    let token = token.trim().to_owned();
    assert!(token.starts_with("oa_"), "a token on the last line");
    transcript.logs("token create stdout (all but the token line)", announcement);
    transcript.logs("token create stderr", &created_err);
    secrets.push(Secret {
        label: "the API token".into(),
        value: token.clone(),
        allowed: nowhere,
    });
    secrets.push(Secret {
        label: "the digest of the API token".into(),
        value: sha256_hex(&token),
        allowed: nowhere,
    });
    let bogus_token = format!("oa_{}", random_token(32));
    secrets.push(Secret {
        label: "a rejected Bearer token".into(),
        value: bogus_token.chars().skip(3).collect(),
        allowed: nowhere,
    });

    // ---- Every API route with the token.
    let api = reqwest::Client::new();
    let call = |method: &str, path: &str, body: Option<Value>| {
        let mut request = api
            .request(method.parse().unwrap(), server.url(path))
            .bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
    };
    let scan = transcript
        .send("POST", "/api/v1/scans", call("POST", "/api/v1/scans", None))
        .await;
    assert_eq!(scan.status, 202, "{}", scan.text);
    let scan_path = format!("/api/v1/scans/{}", scan.json()["id"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let progress = transcript
            .send("GET", &scan_path, call("GET", &scan_path, None))
            .await;
        if progress.json()["status"] != "running" {
            assert_eq!(progress.json()["status"], "completed", "{}", progress.text);
            break;
        }
        assert!(Instant::now() < deadline, "the scan finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let list = transcript
        .send(
            "GET",
            "/api/v1/buckets",
            call("GET", "/api/v1/buckets?limit=1000", None),
        )
        .await;
    let buckets = list.json()["buckets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(buckets.len(), 30, "{}", list.text);
    let named = |status: &str| {
        buckets
            .iter()
            .find(|b| b["status"] == status)
            .and_then(|b| b["name"].as_str())
            .unwrap_or_else(|| panic!("a bucket that is {status}"))
            .to_owned()
    };
    let (plain, denied) = (named("unencrypted"), named("unknown"));
    let encryption = format!("/api/v1/buckets/{plain}/encryption");
    let denied_encryption = format!("/api/v1/buckets/{denied}/encryption");
    let policy = transcript
        .send("GET", "/api/v1/policy", call("GET", "/api/v1/policy", None))
        .await;
    assert_eq!(policy.status, 200);
    let calls: Vec<(&str, String, Option<Value>, u16)> = vec![
        ("GET", "/api/v1/openapi.json".into(), None, 200),
        (
            "GET",
            "/api/v1/buckets?status=unencrypted&limit=5".into(),
            None,
            200,
        ),
        ("GET", format!("/api/v1/buckets/{plain}"), None, 200),
        ("GET", format!("/api/v1/buckets/{denied}"), None, 200),
        ("GET", "/api/v1/buckets/Not_A_Name".into(), None, 400),
        (
            "PUT",
            encryption.clone(),
            Some(json!({"sse_algorithm": "KMS", "kms_master_key_id": "alias/leak-check"})),
            200,
        ),
        (
            "PUT",
            encryption.clone(),
            Some(json!({"sse_algorithm": "AES256"})),
            200,
        ),
        ("DELETE", encryption.clone(), None, 200),
        (
            "PUT",
            encryption.clone(),
            Some(json!({"sse_algorithm": "DES"})),
            400,
        ),
        (
            "PUT",
            denied_encryption.clone(),
            Some(json!({"sse_algorithm": "AES256"})),
            502,
        ),
        ("DELETE", denied_encryption, None, 502),
        ("PUT", "/api/v1/policy".into(), Some(policy.json()), 200),
        (
            "POST",
            "/api/v1/remediations".into(),
            Some(json!({"buckets": [plain, denied]})),
            200,
        ),
        ("POST", "/api/v1/remediations".into(), Some(json!({})), 200),
        ("GET", "/api/v1/audit-log?limit=1000".into(), None, 200),
        (
            "GET",
            format!("/api/v1/audit-log?bucket={plain}"),
            None,
            200,
        ),
        ("GET", "/api/v1/scans".into(), None, 200),
        ("GET", "/api/v1/scans/999999".into(), None, 404),
        ("GET", "/api/v1/no-such-route".into(), None, 404),
        ("GET", "/metrics".into(), None, 200),
        ("GET", "/healthz".into(), None, 200),
    ];
    for (method, path, body, expected) in calls {
        let answer = transcript
            .send(method, &path, call(method, &path, body))
            .await;
        assert_eq!(answer.status, expected, "{method} {path}: {}", answer.text);
    }
    // A token that does not exist, and the browser's cookie offered to the API: both refused.
    let rejected = transcript
        .send(
            "GET",
            "/api/v1/buckets",
            api.get(server.url("/api/v1/buckets"))
                .bearer_auth(&bogus_token),
        )
        .await;
    assert_eq!(rejected.status, 401);
    let cookie_only = transcript
        .send(
            "GET",
            "/api/v1/policy",
            bare_browser()
                .get(server.url("/api/v1/policy"))
                .header("cookie", format!("{SESSION_COOKIE}={session}")),
        )
        .await;
    assert_eq!(cookie_only.status, 401);

    // ---- Every page, now that there are scans, changes and a token; a page that does not
    // exist (yet) answers 404, never 5xx.
    let bucket_page = format!("/buckets/{plain}");
    for path in [
        "/",
        "/buckets",
        "/buckets?status=unencrypted",
        bucket_page.as_str(),
        "/buckets.csv",
        "/scans",
        "/audit-log",
        "/remediate",
        "/settings",
        "/style.css",
        "/login",
        "/healthz",
        "/metrics",
        "/api/v1/buckets",
        "/no-such-page",
    ] {
        let page = transcript
            .send("GET", path, web.get(server.url(path)))
            .await;
        assert!(page.status < 500, "GET {path}: {}", excerpt(&page.text));
    }

    // ---- Sign out; the old session id no longer works.
    let page = transcript.send("GET", "/", web.get(server.url("/"))).await;
    let out = transcript
        .send(
            "POST",
            "/logout",
            web.post(server.url("/logout"))
                .form(&[("csrf_token", csrf_field(&page.text))]),
        )
        .await;
    assert_eq!(out.status, 303);
    let replayed = transcript
        .send(
            "GET",
            "/",
            bare_browser()
                .get(server.url("/"))
                .header("cookie", format!("{SESSION_COOKIE}={session}")),
        )
        .await;
    assert_eq!(replayed.status, 303, "the ended session is refused");

    let (serve_out, serve_err) = server.stop().await;
    let serve_log = strip_ansi(&format!("{serve_out}{serve_err}"));
    // The capture is real: the start, requests, sign-ins, scans and trace-level lines are there.
    for expected in [
        "oss-audit listening on",
        "oss-audit is listening",
        "signed in",
        "sign-in failed",
        "signed out",
        "scan started",
        "encryption changed",
        "path=/api/v1/buckets",
        "path=/login",
        "answered",
        "TRACE",
        "DEBUG",
    ] {
        assert!(
            serve_log.contains(expected),
            "the serve log has {expected:?}; it has {} lines",
            serve_log.lines().count()
        );
    }
    transcript.logs("serve stdout", &serve_out);
    transcript.logs("serve stderr", &serve_err);
    let serve_signed = signed.lock().unwrap().len();
    assert!(
        serve_signed > 30,
        "serve's OSS requests went through the recorder"
    );

    // ---- The CLI with STS keys (and V1 signatures), and with a wrong secret.
    let sts = sandbox.sts_credentials();
    let sts_db = TestDb::new();
    let sts_scan = oss_audit(
        &sts_db.url,
        &proxy,
        Some(&sts),
        &["scan", "--signature-version", "1"],
    )
    .output()
    .await
    .unwrap();
    let sts_err = String::from_utf8_lossy(&sts_scan.stderr).into_owned();
    assert!(sts_scan.status.success(), "STS scan: {}", excerpt(&sts_err));
    assert!(
        strip_ansi(&sts_err).contains("TRACE"),
        "trace logs captured"
    );
    transcript.logs(
        "STS scan stdout",
        &String::from_utf8_lossy(&sts_scan.stdout),
    );
    transcript.logs("STS scan stderr", &sts_err);
    secrets.push(Secret {
        label: "the STS AccessKeySecret".into(),
        value: sts.access_key_secret.expose().to_owned(),
        allowed: nowhere,
    });
    let sts_token = sts.security_token.as_ref().expect("an STS token");
    secrets.push(Secret {
        label: "the STS security token".into(),
        value: sts_token.expose().to_owned(),
        allowed: nowhere,
    });
    let wrong = Credentials {
        access_key_id: keys.access_key_id.clone(),
        access_key_secret: oss_audit::oss::Secret::new(format!("Wr0ngSecret{}", random_token(12))),
        security_token: None,
    };
    let refused = oss_audit(&sts_db.url, &proxy, Some(&wrong), &["buckets"])
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success(), "a wrong secret is refused");
    transcript.logs(
        "wrong-secret buckets stdout",
        &String::from_utf8_lossy(&refused.stdout),
    );
    transcript.logs(
        "wrong-secret buckets stderr",
        &String::from_utf8_lossy(&refused.stderr),
    );
    secrets.push(Secret {
        label: "a wrong AccessKeySecret".into(),
        value: wrong.access_key_secret.expose().to_owned(),
        allowed: nowhere,
    });

    // ---- The signatures and credential headers the binaries sent.
    let recorded = signed.lock().unwrap().clone();
    assert!(
        recorded
            .iter()
            .any(|r| r.authorization.starts_with("OSS4-HMAC-SHA256 "))
            && recorded.iter().any(|r| r.authorization.starts_with("OSS "))
            && recorded
                .iter()
                .any(|r| r.security_token.as_deref() == Some(sts_token.expose())),
        "V4, V1 and STS requests were recorded"
    );
    assert!(
        recorded.iter().all(|r| r
            .proxy_authorization
            .as_deref()
            .is_some_and(|v| v.ends_with(&proxy_basic))),
        "every request carried the proxy credentials"
    );
    let signatures: BTreeSet<&str> = recorded
        .iter()
        .map(|r| signature_of(&r.authorization))
        .collect();
    for signature in signatures {
        assert!(signature.len() >= 20, "a signature: {signature:?}");
        secrets.push(Secret {
            label: "an OSS request signature".into(),
            value: signature.to_owned(),
            allowed: nowhere,
        });
    }
    for secret in &secrets {
        assert!(
            secret.value.len() >= 16,
            "{} is long enough to search",
            secret.label
        );
    }

    let log_lines = transcript
        .places
        .iter()
        .filter(|p| p.kind == Kind::Log)
        .count();
    assert!(log_lines > 500, "{log_lines} log lines captured");
    assert!(
        transcript.responses > 40,
        "{} responses",
        transcript.responses
    );
    let found = leaks(&transcript, &secrets);
    assert!(
        found.is_empty(),
        "{} leak(s) in {log_lines} log lines and {} responses:\n{}",
        found.len(),
        transcript.responses,
        found
            .iter()
            .take(40)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "searched {log_lines} log lines and {} responses for {} secrets in {:?}",
        transcript.responses,
        secrets.len(),
        started.elapsed()
    );
}
