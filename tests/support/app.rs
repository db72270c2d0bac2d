//! `TestApp`: the real application on port 0 over a fresh sandbox and its own database, started
//! with the options a test asks for, and the set-up a test does with it: users, tokens, scans.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use oss_audit::actions::accounts::{self, Discovery};
use oss_audit::actions::{tokens, users};
use oss_audit::auth::password::Password;
use oss_audit::auth::tokens::TokenLifetime;
use oss_audit::domain::{
    AccountGrant, AccountId, Actor, ExternalId, Role, RoleName, TargetId, Trigger, UserName,
};
use oss_audit::sandbox::{SandboxBucket, SandboxHandle};
use oss_audit::startup::Application;
use oss_audit::store::Store;
use oss_audit::web::AppState;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::PASSWORD;
use super::api::Api;
use super::db::TestDb;
use super::engine::add_target;
use super::launch::Launch;
use super::wait::until;
use super::web::Visitor;

fn parse_grants(grants: &[&str]) -> Vec<AccountGrant> {
    grants
        .iter()
        .map(|g| AccountGrant::parse(g).expect("ACCOUNT=ROLE"))
        .collect()
}

/// The application, running until dropped, and the sandbox and database under it.
pub struct TestApp {
    /// What OSS holds: the verdict of most tests.
    pub sandbox: SandboxHandle,
    pub db: TestDb,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    state: AppState,
    /// Stops the application when the test drops it.
    stop: DropGuard,
    running: JoinHandle<std::io::Result<()>>,
    /// The token of each role's API client, made on first use.
    tokens: Mutex<HashMap<Role, String>>,
    /// The HTTP client every API client of this application shares.
    http: reqwest::Client,
}

/// A stopped application's sandbox and database, to start another on.
pub struct Stopped {
    pub sandbox: SandboxHandle,
    pub db: TestDb,
}

impl TestApp {
    /// Options for starting an application: an empty sandbox, the tests' settings, no scan.
    pub fn launch() -> Launch {
        Launch::new()
    }

    /// Runs `built` until the returned application is dropped or stopped.
    pub(super) fn run(built: Application, sandbox: SandboxHandle, db: TestDb) -> Self {
        let state = built.state().clone();
        let base = format!("http://{}", built.local_addr());
        let stop = CancellationToken::new();
        let running = tokio::spawn(built.run_until_stopped(stop.clone()));
        Self {
            sandbox,
            db,
            base,
            state,
            stop: stop.drop_guard(),
            running,
            tokens: Mutex::default(),
            http: reqwest::Client::new(),
        }
    }

    /// Starts over `buckets` seeded buckets; nothing scanned yet.
    pub async fn start(buckets: usize) -> Self {
        Self::launch().buckets(buckets).start().await
    }

    /// Starts over `buckets` seeded buckets and completes a first scan.
    pub async fn scanned(buckets: usize) -> Self {
        Self::launch().buckets(buckets).scanned().start().await
    }

    /// Stops the application, checks that it stopped cleanly, and keeps its sandbox and database.
    pub async fn stop(self) -> Stopped {
        let Self {
            sandbox,
            db,
            stop,
            running,
            ..
        } = self;
        stop.disarm().cancel();
        running
            .await
            .expect("the application's task ends")
            .expect("the application stops cleanly");
        Stopped { sandbox, db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The application's store, for tests of steps that take one.
    pub fn store(&self) -> &Store {
        self.state.store()
    }

    /// The audited account.
    pub fn account(&self) -> AccountId {
        self.state.account()
    }

    /// Adds a user directly in the store.
    pub async fn add_user(&self, name: &str, role: Role, password: &str) {
        let name = UserName::parse(name).expect("a user name");
        let password = Password::new(password).expect("a password");
        let actor = Actor::named("test");
        users::add(self.store(), None, &name, role, &[], password, &actor)
            .await
            .expect("user added");
    }

    /// Adds a user with `role` on every account except `grants` (`ACCOUNT=ROLE`) and signs them
    /// in with a browser of their own.
    pub async fn sign_in_with(&self, name: &str, role: Role, grants: &[&str]) -> Visitor {
        let user = UserName::parse(name).expect("a user name");
        let password = Password::new(PASSWORD).expect("a password");
        let grants = parse_grants(grants);
        users::add(
            self.store(),
            None,
            &user,
            role,
            &grants,
            password,
            &Actor::named("test"),
        )
        .await
        .expect("user added");
        self.try_sign_in(name, PASSWORD)
            .await
            .unwrap_or_else(|| panic!("{name} signs in"))
    }

    /// An API client with a new token called `name`: `role` on every account except `grants`
    /// (`ACCOUNT=ROLE`).
    pub async fn api_token_with(&self, name: &str, role: Role, grants: &[&str]) -> Api {
        let grants = parse_grants(grants);
        let request = tokens::TokenRequest {
            name,
            role,
            grants: &grants,
            lifetime: TokenLifetime::default(),
            owner: None,
        };
        let created = tokens::create(self.store(), None, &request, &Actor::named("test"))
            .await
            .expect("token made");
        Api::with_client(
            self.http.clone(),
            &self.base,
            Some(created.token.expose().to_owned()),
        )
    }

    /// A browser of a new visitor: no cookies yet.
    pub fn visitor(&self) -> Visitor {
        Visitor::new(&self.base)
    }

    /// Adds a user with `role` and signs them in with a browser of their own.
    pub async fn sign_in(&self, name: &str, role: Role) -> Visitor {
        self.add_user(name, role, PASSWORD).await;
        self.try_sign_in(name, PASSWORD)
            .await
            .unwrap_or_else(|| panic!("{name} signs in"))
    }

    /// Signs `name` in with a new browser; `None` when sign-in is refused.
    pub async fn try_sign_in(&self, name: &str, password: &str) -> Option<Visitor> {
        self.visitor().signed_in(name, password).await
    }

    /// An API client with the token of `role`, named `ROLE-token` (made once per application).
    pub async fn api(&self, role: Role) -> Api {
        let mut tokens = self.tokens.lock().await;
        let token = match tokens.entry(role) {
            Entry::Occupied(made) => made.get().clone(),
            Entry::Vacant(none) => {
                let made = self.api_token(&format!("{role}-token"), role).await;
                none.insert(made.token().to_owned()).clone()
            }
        };
        Api::with_client(self.http.clone(), &self.base, Some(token))
    }

    /// An API client with a new token called `name`.
    pub async fn api_token(&self, name: &str, role: Role) -> Api {
        let actor = Actor::named("test");
        let request = tokens::TokenRequest {
            name,
            role,
            grants: &[],
            lifetime: TokenLifetime::default(),
            owner: None,
        };
        let created = tokens::create(self.store(), None, &request, &actor)
            .await
            .expect("token made");
        Api::with_client(
            self.http.clone(),
            &self.base,
            Some(created.token.expose().to_owned()),
        )
    }

    /// An API client without a token.
    pub fn anonymous(&self) -> Api {
        Api::with_client(self.http.clone(), &self.base, None)
    }

    /// Runs a scan to completion and returns its id.
    pub async fn scan(&self) -> i64 {
        let id = self
            .state
            .start_scan(Trigger::Cli)
            .await
            .expect("scan starts");
        self.wait_for_scan(id.get()).await;
        id.get()
    }

    /// Starts a scan through the API as the operator, waits for it and returns it as the API
    /// shows it.
    pub async fn scan_through_api(&self) -> Value {
        let operator = self.api(Role::Operator).await;
        let started = operator.call("POST", "/api/v1/scans", None).await;
        assert_eq!(started.status, 202, "{}", started.json);
        let id = started.json["id"].as_i64().expect("a scan id");
        self.wait_for_scan(id).await;
        operator.get(&format!("/api/v1/scans/{id}")).await.json
    }

    /// Waits until scan `id` is no longer running and checks that it completed.
    pub async fn wait_for_scan(&self, id: i64) {
        let (status, error) = self.wait_for_scan_end(id).await;
        assert_eq!(status, "completed", "scan {id}: {error:?}");
    }

    /// Waits until scan `id` is no longer running; returns how it ended and why.
    pub async fn wait_for_scan_end(&self, id: i64) -> (String, Option<String>) {
        until(format!("scan {id} finishes"), async || {
            let (status, error): (String, Option<String>) =
                sqlx::query_as("SELECT status, error FROM scan WHERE id = ?1")
                    .bind(id)
                    .fetch_one(self.db.pool().await)
                    .await
                    .expect("the scan is recorded");
            (status != "running").then_some((status, error))
        })
        .await
    }

    /// Starts a scan of the estate through the API as the operator, waits for it to end, however
    /// it ends, and returns it as the API shows it.
    pub async fn scan_estate(&self) -> Value {
        let operator = self.api(Role::Operator).await;
        let started = operator.call("POST", "/api/v1/scans", None).await;
        assert_eq!(started.status, 202, "{}", started.json);
        let id = started.json["id"].as_i64().expect("a scan id");
        self.wait_for_scan_end(id).await;
        operator.get(&format!("/api/v1/scans/{id}")).await.json
    }

    /// Adds every member of the sandbox's Resource Directory as an account, as
    /// `oss-audit account discover --role-name oss-audit` does.
    pub async fn discover(&self) -> Discovery {
        self.discover_with(None).await
    }

    /// [`Self::discover`], with the ExternalId the members' roles ask for.
    pub async fn discover_with(&self, external_id: Option<&str>) -> Discovery {
        let clients = self.state.clients();
        let directory = super::sandbox::sandbox_directory(clients.hub().config());
        let role = RoleName::parse(oss_audit::sandbox::DEFAULT_ROLE_NAME).expect("a role name");
        let external_id = external_id.map(|id| ExternalId::parse(id).expect("an ExternalId"));
        accounts::discover(
            self.store(),
            &directory,
            clients.hub(),
            &role,
            external_id.as_ref(),
            &Actor::named("test"),
        )
        .await
        .expect("members discovered")
    }

    /// The one number `sql` selects from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        self.db.count(sql).await
    }

    /// How many rows `table` holds.
    pub async fn rows(&self, table: &str) -> i64 {
        self.db.rows(table).await
    }

    /// Every bucket the sandbox holds now, by name.
    pub fn truth(&self) -> BTreeMap<String, SandboxBucket> {
        self.sandbox
            .buckets()
            .into_iter()
            .map(|b| (b.name.as_str().to_owned(), b))
            .collect()
    }

    /// The names of the sandbox's buckets that `keep` accepts, sorted.
    pub fn names(&self, keep: impl Fn(&SandboxBucket) -> bool) -> Vec<String> {
        self.truth()
            .into_values()
            .filter(|b| keep(b))
            .map(|b| b.name.as_str().to_owned())
            .collect()
    }

    /// Adds a notification target as the admin `ada` would.
    pub async fn add_target(&self, kind: &str, name: &str, url: &str, secret: &str) -> TargetId {
        add_target(self.store(), self.account(), kind, name, url, secret).await
    }
}
