//! The processes behind a browser test: where Chromium and chromedriver live, a clear failure when
//! they are missing, a free port, and killing what a test started.

use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;

/// Debian's Chromium (a wrapper script around /usr/lib/chromium/chromium).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver, the same version as the browser.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Fails with what to do when the browser or its driver is not installed. There is no skip:
/// under CI (`CI=true`) a missing browser must fail the run, and locally a silent skip would hide
/// that the browser tests did not run.
pub fn require_installed() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI: {} missing; tests/run must install chromium and chromium-driver",
            missing.join(" and ")
        );
    }
    panic!(
        "{} missing: run `bash tests/run` (it installs Debian's chromium and chromium-driver), \
         or `apt-get install -y chromium chromium-driver`",
        missing.join(" and ")
    );
}

/// A port nothing listens on now (chromedriver takes it a moment later).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Kills chromedriver's process group (it and any browser it left), as a last resort.
pub fn kill_group(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}
