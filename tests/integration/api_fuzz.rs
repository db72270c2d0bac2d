//! The API fuzzed from its own OpenAPI document with schemathesis: no 5xx, and every answer in
//! the documented status codes, content type and schema. Bounded (examples per operation, a
//! request timeout and a wall-clock limit on the whole run) and deterministic.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::Command;

use crate::api_helpers::ApiApp;
use crate::helpers::TestDb;

/// Test cases per API operation and phase.
const MAX_EXAMPLES: &str = "30";
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

/// The number after `label` on a line of the summary (`Tested: 11`, `2 passed`...).
fn count_after(summary: &str, label: &str) -> Option<u64> {
    summary.lines().find_map(|line| {
        let at = line.find(label)?;
        line[at + label.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())?
            .parse()
            .ok()
    })
}

/// The number before `label` on the line that has it (`1234 generated`).
fn count_before(summary: &str, label: &str) -> Option<u64> {
    summary.lines().find_map(|line| {
        let at = line.find(label)?;
        line[..at]
            .split(|c: char| !c.is_ascii_digit())
            .rfind(|s| !s.is_empty())?
            .parse()
            .ok()
    })
}

#[tokio::test]
async fn schemathesis_finds_no_server_error_and_no_answer_outside_the_openapi_document() {
    let mut command = schemathesis();
    let app = ApiApp::start(40).await;
    let started = Instant::now();
    // Its working directory is a scratch one: nothing is written into the repository.
    let scratch = TestDb::new();
    command
        .current_dir(&scratch.dir)
        .args([
            "run",
            &format!("{}/api/v1/openapi.json", app.base),
            "--header",
            &format!("Authorization: Bearer {}", app.admin),
            "--checks",
            CHECKS,
            "--max-examples",
            MAX_EXAMPLES,
            "--generation-deterministic",
            "--request-timeout",
            "10",
            "--workers",
            "2",
            "--no-color",
            "--output-truncate",
            "false",
        ])
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .env(
            "HYPOTHESIS_STORAGE_DIRECTORY",
            scratch.dir.join(".hypothesis"),
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
    let report = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(
        output.status.success(),
        "schemathesis found problems ({:?}):\n{report}",
        output.status
    );
    // It really tested: every operation, and many cases, all passing.
    let operations = count_after(&stdout, "Tested:").unwrap_or(0);
    let generated = count_before(&stdout, "generated").unwrap_or(0);
    let passed = count_before(&stdout, "passed").unwrap_or(0);
    assert!(
        operations >= 11,
        "all 11 operations were tested ({operations}):\n{report}"
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
