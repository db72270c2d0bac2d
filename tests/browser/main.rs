//! Browser tests: a real headless Chromium, driven over WebDriver (chromedriver), against the real
//! application on port 0 and an in-process OSS sandbox; what OSS holds afterwards is the verdict.
//!
//! A separate test binary from `integration`, so the integration tests never need a browser and
//! `cargo nextest run -p server --test browser` runs just these. Needs `/usr/bin/chromium` and
//! `/usr/bin/chromedriver` (`bash tests/run` installs them). Screenshots of every page visited are
//! saved to `tests/artifacts/screenshots/<test>-<step>.png`.

mod app;
mod buckets;
mod driver;
mod encryption;
mod notifications;
mod overview;
mod process;
mod remediation;
mod reports;
mod viewer;
