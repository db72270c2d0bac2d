//! Browser tests: a real headless Chromium, driven over WebDriver (chromedriver), against the real
//! application on port 0 and an in-process OSS sandbox; what OSS holds afterwards is the verdict.
//!
//! A separate test binary from `integration`, so the integration tests never need a browser and
//! `cargo nextest run -p server --test browser` runs just these. Needs `/usr/bin/chromium` and
//! `/usr/bin/chromedriver` (`bash tests/run` installs them). Screenshots of every page visited are
//! saved to `tests/artifacts/screenshots/<test>-<step>.png`.

mod buckets;
mod driver;
mod encryption;
mod notifications;
mod overview;
mod process;
mod remediation;
mod reports;
mod revert;
#[path = "../support/mod.rs"]
#[expect(
    dead_code,
    unused_imports,
    reason = "the harness is shared with the integration tests, which use all of it"
)]
mod support;
mod viewer;

use oss_audit::domain::Role;
use support::{PASSWORD, TestApp};

/// The application over `buckets` seeded buckets, scanned once, with a user called `operator`
/// and one called `viewer` (both with the harness's password), so pages open with data.
async fn start(buckets: usize) -> TestApp {
    let app = TestApp::scanned(buckets).await;
    app.add_user("operator", Role::Operator, PASSWORD).await;
    app.add_user("viewer", Role::Viewer, PASSWORD).await;
    app
}
