//! No secret leaks: the real `oss-audit serve`, logging everything (`OSS_AUDIT_LOG=trace`), is
//! driven through a whole session — sign-in through the form, pages, an API token made with the
//! CLI, every API route, a wrong password, sign-out — and CLI runs with STS keys and with a wrong
//! secret. It audits a member account through an assumed role as well as the hub. Its OSS and
//! STS traffic goes through a recording proxy, so the signatures it sent and the temporary keys
//! STS handed it are known. Then every log line, response body and response header is searched
//! for every secret.

mod api;
mod browser;
mod cli;
mod leaks;
pub(crate) mod proxy;
mod transcript;

use std::time::Instant;

use base64::Engine;
use oss_audit::auth::secrets::random_token;
use tokio_util::sync::CancellationToken;

use oss_audit::web::session::SESSION_COOKIE;

use crate::support::{
    OssAudit, Serving, TestDb, Visitor, bare_browser, estate, with_estate_test_aliases,
};
use leaks::{Secret, nowhere};
use transcript::{Place, Transcript, strip_ansi};

/// Everything the product wrote so far, and the secrets to search it for.
#[derive(Default)]
struct Run {
    transcript: Transcript,
    secrets: Vec<Secret>,
}

impl Run {
    /// Adds a secret that may appear only where `allowed` says.
    fn secret(&mut self, label: &str, value: String, allowed: fn(&Place) -> bool) {
        self.secrets.push(Secret {
            label: label.to_owned(),
            value,
            allowed,
        });
    }
}

/// `GET path` from a client that sends only the session cookie `session`, recorded.
async fn with_session_cookie(
    run: &mut Run,
    server: &Serving,
    path: &str,
    session: &str,
) -> transcript::Answer {
    let request = bare_browser()
        .get(server.url(path))
        .header("cookie", format!("{SESSION_COOKIE}={session}"));
    run.transcript.send("GET", path, request).await
}

/// `oss-audit ARGS` on `db`, its OSS traffic through `proxy`, logging at trace level (no OSS
/// credentials unless added).
fn oss_audit(db: &TestDb, proxy: &str, args: &[&str]) -> OssAudit {
    OssAudit::new(args)
        .database(db)
        .env("USER", "leak-check")
        .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
        .env("OSS_AUDIT_STS_ENDPOINT", oss_audit::sandbox::STS_ENDPOINT)
        .env("HTTP_PROXY", proxy)
        .env("OSS_AUDIT_LOG", "trace")
}

#[tokio::test]
async fn no_secret_reaches_a_log_line_a_page_or_an_api_response() {
    let started = Instant::now();
    // The hub and a member, 15 buckets each.
    let sandbox = with_estate_test_aliases(estate(2, 15, |_| {}).await);
    let stop_proxy = CancellationToken::new();
    let _stop_proxy = stop_proxy.clone().drop_guard();
    let (proxy, recorded) = proxy::recording_proxy(&sandbox, stop_proxy).await;
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
    let mut run = Run::default();
    run.secret(
        "the OSS AccessKeySecret",
        keys.access_key_secret.expose().to_owned(),
        nowhere,
    );
    run.secret("the admin password", admin_password.clone(), nowhere);
    run.secret("a mistyped password", wrong_password.clone(), nowhere);
    run.secret("the proxy password", proxy_password, nowhere);
    run.secret(
        "the proxy credentials (Basic)",
        proxy_basic.clone(),
        nowhere,
    );

    // The member account, reached by assuming its role: its requests carry STS's temporary keys.
    let member = sandbox.members()[0].role_arn.to_string();
    let added = oss_audit(
        &db,
        &proxy,
        &["account", "add", "payments-prod", "--role-arn", &member],
    )
    .output()
    .await;
    assert!(
        added.status.success(),
        "{}",
        crate::support::output_text(&added)
    );
    run.transcript.logs(
        "account add stdout",
        &String::from_utf8_lossy(&added.stdout),
    );
    run.transcript.logs(
        "account add stderr",
        &String::from_utf8_lossy(&added.stderr),
    );

    let server = Serving::start(
        oss_audit(
            &db,
            &proxy,
            &["serve", "--listen", "127.0.0.1:0", "--scan-interval", "0"],
        )
        .credentials(&keys)
        .env("OSS_AUDIT_ADMIN_PASSWORD", &admin_password),
    )
    .await;
    let web = Visitor::new(&server.base).http;
    let session = browser::sign_in(&mut run, &server, &web, &admin_password, &wrong_password).await;
    let token = api::create_token(&mut run, &db, &proxy).await;
    let plain = api::call_every_route(&mut run, &server, &token, &session).await;
    browser::open_every_page(&mut run, &server, &web, &plain).await;
    browser::sign_out(&mut run, &server, &web, &session).await;

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
    run.transcript.logs("serve stdout", &serve_out);
    run.transcript.logs("serve stderr", &serve_err);
    let serve_signed = recorded.signed().len();
    assert!(
        serve_signed > 30,
        "serve's OSS requests went through the recorder"
    );

    let issued = recorded.issued();
    assert!(
        !issued.is_empty(),
        "serve assumed the member's role through the recording proxy"
    );
    assert!(
        recorded.signed().iter().any(|r| issued
            .iter()
            .any(|k| r.security_token.as_deref() == Some(k.token.as_str()))),
        "the member's requests were signed with the temporary keys"
    );
    for keys in issued {
        run.secret(
            "a temporary AccessKeySecret STS issued",
            keys.secret,
            nowhere,
        );
        run.secret("a temporary security token STS issued", keys.token, nowhere);
    }
    let rpc_signatures = recorded.rpc_signatures();
    assert!(
        !rpc_signatures.is_empty(),
        "the AssumeRole requests' signatures were recorded"
    );
    for signature in rpc_signatures {
        run.secret("an STS request signature", signature, nowhere);
    }

    let sts_token = cli::run_with_sts_keys_and_a_wrong_secret(&mut run, &sandbox, &proxy).await;
    let signed = recorded.signed();
    for signature in proxy::signatures(&signed, &sts_token, &proxy_basic) {
        run.secret("an OSS request signature", signature, nowhere);
    }
    leaks::assert_none(&run.transcript, &run.secrets, started);
}
