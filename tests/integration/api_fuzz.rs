//! The API fuzzed from its own OpenAPI document with schemathesis: no 5xx, and every answer in
//! the documented status codes, content type and schema. Bounded (examples per operation, a
//! request timeout and a wall-clock limit on the whole run) and deterministic.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::Command;

use oss_audit::domain::Role;

use crate::support::{TestApp, first_named};

/// Test cases per API operation and phase.
const MAX_EXAMPLES: &str = "50";
/// The whole run is killed, and the test fails, after this long.
const WALL_CLOCK: Duration = Duration::from_secs(240);
/// What is checked on every response.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance";

/// The schemathesis command line, or why there is none (tests/run installs it).
fn schemathesis() -> Command {
    let installed = std::process::Command::new("python3")
        .args(["-c", "import schemathesis"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        installed,
        "schemathesis is not installed{}: run `bash tests/run`, which installs it, or \
         `python3 -m pip install schemathesis==4.32.5`",
        if ci { " on CI" } else { "" }
    );
    let mut command = Command::new("python3");
    command.args(["-m", "schemathesis.cli"]);
    command
}

/// Per-operation settings: an OSS refusal of a change is answered 502 with the OSS code and
/// request id (documented on the two encryption routes), so there, and only there, 502 is an
/// expected answer; `status_code_conformance` still fails a 502 anywhere else.
const CONFIG: &str = r#"
[[operations]]
include-path-regex = '^/api/v1/buckets/\{name\}/encryption$'
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "502"]
"#;

/// What a failure message shows: the run's findings (from its FAILURES or ERRORS section on,
/// long lines cut), with the whole output kept in a file named there.
fn report(stdout: &str, stderr: &str) -> String {
    let whole = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    let file =
        std::env::temp_dir().join(format!("oss-audit-schemathesis-{}.txt", std::process::id()));
    let kept = match std::fs::write(&file, &whole) {
        Ok(()) => format!("the whole output is in {}", file.display()),
        Err(err) => format!("could not keep the whole output: {err}"),
    };
    let from = ["=== FAILURES ===", "=== ERRORS ==="]
        .iter()
        .filter_map(|marker| stdout.find(marker))
        .min()
        .and_then(|at| stdout[..at].rfind('\n'))
        .unwrap_or(0);
    let mut shown = String::new();
    for line in stdout[from..].lines().chain(stderr.lines()) {
        if shown.len() > 30_000 {
            shown.push_str("[...]\n");
            break;
        }
        let cut: String = line.chars().take(400).collect();
        shown.push_str(&cut);
        shown.push('\n');
    }
    format!("({kept})\n{shown}")
}

/// The operations tested and the cases generated and passed, from the run's summary:
/// `Tested: 15` and `630 generated, 630 passed`.
fn summary(stdout: &str) -> (u64, u64, u64) {
    let number = |text: &str| -> u64 {
        text.trim()
            .split(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let tested = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Tested:"))
        .map_or(0, number);
    let cases = stdout
        .lines()
        .rev()
        .find(|l| l.contains(" generated"))
        .unwrap_or_default();
    let generated = number(cases);
    let passed = cases
        .split(',')
        .find(|part| part.trim_end().ends_with(" passed"))
        .map_or(0, number);
    (tested, generated, passed)
}

/// Gives the inventory and the audit log every shape the schema describes: encrypted,
/// unencrypted and unknown buckets, a change OSS refused (`after` is null), a change that
/// worked, a remediation and a second scan.
async fn vary_the_data(app: &TestApp) {
    let operator = app.api(Role::Operator).await;
    let buckets = operator.all_buckets("").await;
    let (plain, denied) = (
        first_named(&buckets, "unencrypted"),
        first_named(&buckets, "unknown"),
    );
    let put = |name: &str| {
        let path = format!("/api/v1/buckets/{name}/encryption");
        let operator = &operator;
        async move {
            operator
                .call(
                "PUT",
                &path,
                Some(
                    serde_json::json!({"sse_algorithm": "KMS", "kms_master_key_id": "alias/fuzz"}),
                ),
            )
            .await
        }
    };
    assert_eq!(put(&plain).await.status, 200);
    assert_eq!(put(&denied).await.status, 502);
    let remediation = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(serde_json::json!({"buckets": [denied], "force": true})),
        )
        .await;
    assert_eq!(remediation.status, 200, "{}", remediation.json);
    let scan = app.scan_through_api().await;
    assert_eq!(scan["status"], "completed", "{scan}");
}

/// How many operations (path and method pairs) the served OpenAPI document lists.
async fn documented_operations(app: &TestApp) -> u64 {
    let document: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .expect("the OpenAPI document is served")
        .json()
        .await
        .expect("the OpenAPI document is JSON");
    let methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    document["paths"]
        .as_object()
        .expect("the document has paths")
        .values()
        .map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count() as u64)
        .sum()
}

#[tokio::test]
async fn schemathesis_finds_no_server_error_and_no_answer_outside_the_openapi_document() {
    let mut command = schemathesis();
    let app = TestApp::start(40).await;
    app.scan_through_api().await;
    let admin = app.api(Role::Admin).await;
    vary_the_data(&app).await;
    let started = Instant::now();
    // Its working directory is a scratch one: nothing is written into the repository.
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let config = scratch.path().join("schemathesis.toml");
    std::fs::write(&config, CONFIG).unwrap();
    command
        .current_dir(scratch.path())
        .arg("--config-file")
        .arg(&config)
        .args([
            "run",
            &format!("{}/api/v1/openapi.json", app.base),
            "--header",
            &format!("Authorization: Bearer {}", admin.token()),
            "--checks",
            CHECKS,
            "--max-examples",
            MAX_EXAMPLES,
            "--generation-deterministic",
            "--request-timeout",
            "10",
            // One worker: concurrent workers make the run depend on timing, and trip a CPython
            // 3.11 race in `ast.parse` inside Hypothesis ("AST constructor recursion depth
            // mismatch"), reported as a runtime error.
            "--workers",
            "1",
            "--no-color",
            "--output-truncate",
            "false",
        ])
        .env("NO_COLOR", "1")
        .env(
            "HYPOTHESIS_STORAGE_DIRECTORY",
            scratch.path().join(".hypothesis"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().expect("schemathesis starts");
    let output = tokio::time::timeout(WALL_CLOCK, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("schemathesis ran longer than {WALL_CLOCK:?} and was killed"))
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = report(&stdout, &stderr);
    assert!(
        output.status.success(),
        "schemathesis found problems ({:?}):\n{report}",
        output.status
    );
    // It really tested: every operation, and many cases, all passing.
    let (operations, generated, passed) = summary(&stdout);
    let documented = documented_operations(&app).await;
    assert!(
        documented >= 15 && operations >= documented,
        "all {documented} documented operations were tested ({operations}):\n{report}"
    );
    assert!(
        generated >= 100 && passed >= 100,
        "many cases ran ({generated} generated, {passed} passed):\n{report}"
    );
    eprintln!(
        "schemathesis: {operations} operations, {generated} cases in {:?}",
        started.elapsed()
    );
}

/// Found by fuzzing: a path parameter that is not UTF-8 once decoded was a `text/plain` 400.
#[tokio::test]
async fn path_parameters_that_are_not_utf8_are_json_400s() {
    let app = TestApp::start(1).await;
    let admin = app.api(Role::Admin).await;
    for (method, path) in [
        ("GET", "/api/v1/buckets/%FF"),
        ("DELETE", "/api/v1/buckets/%FF/encryption"),
        ("GET", "/api/v1/scans/%FF"),
    ] {
        let reply = admin.call(method, path, None).await;
        assert_eq!(reply.status, 400, "{method} {path}");
        assert_eq!(
            reply.json["error"]["code"], "invalid_input",
            "{method} {path}: {}",
            reply.json
        );
    }
}
