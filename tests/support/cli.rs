//! The `oss-audit` binary as an operator runs it: `OssAudit` builds the command with exactly the
//! environment a test chooses, and `Serving` keeps a `serve` running and everything it writes.

use std::process::{Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oss_audit::oss::Credentials;
use oss_audit::sandbox::SandboxHandle;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use super::db::TestDb;
use super::wait::until;

/// The production endpoint name the binary is given; the sandbox answers for it through
/// `HTTP_PROXY`, as a corporate proxy would.
const ENDPOINT: &str = "http://oss-cn-hangzhou.aliyuncs.com";

/// `oss-audit ARGS` with nothing in its environment but `PATH` and what the test adds: no
/// credentials, no database, no standard input unless given.
pub struct OssAudit {
    command: Command,
    stdin: Option<String>,
}

impl OssAudit {
    pub fn new(args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oss-audit"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        Self {
            command,
            stdin: None,
        }
    }

    /// Sets `name` to `value` in the environment.
    pub fn env(mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    /// Sets each `(name, value)` of `vars` in the environment.
    pub fn envs(mut self, vars: &[(&str, &str)]) -> Self {
        self.command.envs(vars.iter().copied());
        self
    }

    /// Lets notifications reach the tests' receivers on loopback
    /// (`OSS_AUDIT_NOTIFY_ALLOW_PRIVATE=true`).
    pub fn local_receivers(self) -> Self {
        self.env("OSS_AUDIT_NOTIFY_ALLOW_PRIVATE", "true")
    }

    /// Works on the database of `db` (`DATABASE_URL`).
    pub fn database(self, db: &TestDb) -> Self {
        self.env("DATABASE_URL", &db.url)
    }

    /// Reaches `sandbox` as OSS, with its keys: the production endpoint name through the
    /// standard `HTTP_PROXY` variable.
    pub fn sandbox(self, sandbox: &SandboxHandle) -> Self {
        self.env("OSS_ENDPOINT", ENDPOINT)
            .env("HTTP_PROXY", sandbox.proxy_url())
            .credentials(&sandbox.credentials())
    }

    /// Signs OSS requests with `credentials` (an STS token too, when they hold one).
    pub fn credentials(self, credentials: &Credentials) -> Self {
        let this = self
            .env("OSS_ACCESS_KEY_ID", &credentials.access_key_id)
            .env(
                "OSS_ACCESS_KEY_SECRET",
                credentials.access_key_secret.expose(),
            );
        match &credentials.security_token {
            Some(token) => this.env("OSS_SESSION_TOKEN", token.expose()),
            None => this,
        }
    }

    /// Types `text` on standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    /// Runs it to the end and returns its exit status and output.
    pub async fn output(mut self) -> Output {
        let Some(text) = self.stdin else {
            return self.command.output().await.expect("oss-audit runs");
        };
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("oss-audit starts");
        let mut input = child.stdin.take().expect("a standard input");
        input
            .write_all(text.as_bytes())
            .await
            .expect("input written");
        drop(input);
        child.wait_with_output().await.expect("oss-audit runs")
    }

    /// Starts it with its standard output piped and its standard error dropped (killed when
    /// dropped).
    pub fn spawn(self) -> Child {
        self.spawn_with(Stdio::null())
    }

    fn spawn_with(mut self, stderr: Stdio) -> Child {
        self.command
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("oss-audit starts")
    }
}

/// A command's standard output.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A command's standard error.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A command's standard output followed by its standard error.
pub fn output_text(output: &Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

/// A running `oss-audit serve` (or `demo`) and everything it has written so far.
pub struct Serving {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
    /// `http://HOST:PORT`, as it printed.
    pub base: String,
}

/// Collects everything `stream` writes into `into`, line by line.
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

impl Serving {
    /// Starts `command` (a `serve`) and waits until it prints the address it listens on.
    pub async fn start(command: OssAudit) -> Self {
        let mut child = command.spawn_with(Stdio::piped());
        let (stdout, stderr) = (
            Arc::<Mutex<String>>::default(),
            Arc::<Mutex<String>>::default(),
        );
        let readers = vec![
            capture(child.stdout.take().expect("piped"), stdout.clone()),
            capture(child.stderr.take().expect("piped"), stderr.clone()),
        ];
        let printed = stdout.clone();
        let base = until("serve prints the address it listens on", async || {
            let printed = printed.lock().unwrap();
            printed
                .lines()
                .find_map(|l| l.strip_prefix("oss-audit listening on "))
                .map(|url| url.trim().to_owned())
        })
        .await;
        Self {
            child,
            stdout,
            stderr,
            readers,
            base,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What it has written to standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stops it with SIGTERM, checks that it exits cleanly, and returns everything it wrote
    /// (standard output, standard error).
    pub async fn stop(mut self) -> (String, String) {
        let pid = self.child.id().expect("still running").to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill runs");
        assert!(killed.success());
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("serve stops on SIGTERM")
            .expect("serve's exit status");
        assert!(status.success(), "serve exits cleanly: {status:?}");
        for reader in self.readers.drain(..) {
            reader.await.expect("the output is read");
        }
        let out = self.stdout.lock().unwrap().clone();
        let err = self.stderr.lock().unwrap().clone();
        (out, err)
    }
}
