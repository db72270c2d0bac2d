//! One test harness for the integration and the browser tests: the real application on port 0
//! over a fresh OSS sandbox and its own SQLite file, people signing in as a role, API clients
//! holding a role's token, the `oss-audit` binary run with a chosen environment, a webhook
//! receiver, estate sandboxes with STS, Resource Directory and KMS, and a stand-in RPC service. It is
//! the one place tests build server internals (settings, stores, sandboxes,
//! users and tokens), so moving those inside the server means editing this folder only.

mod api;
mod app;
mod audit;
mod cli;
mod clock;
mod db;
mod engine;
mod hooks;
mod kms;
mod launch;
mod rpc;
mod sandbox;
mod wait;
mod web;

pub use api::{Api, Reply, first_named};
pub use app::{Stopped, TestApp};
pub use audit::assert_policy_change_logged;
pub use cli::{OssAudit, Serving, output_text, stderr, stdout};
pub use clock::{manual_clock, move_clock};
pub use db::TestDb;
pub use engine::{Audit, add_target, open_store, scanner};
pub use hooks::{Receiver, Recorded, verified_dingtalk, verified_webhook};
pub use kms::{hub_kms, key_with_bucket, member_keys, sandbox_kms, signed_bucket_get};
pub use rpc::{
    ASSUMED_ROLE_ANSWER, Captured, DESCRIBE_KEY_ANSWER, RpcStandIn, STAND_IN_SECRET,
    stand_in_config,
};
pub use sandbox::{
    client, estate, fast_config, readable_encrypted, readable_unencrypted, sandbox,
    sandbox_directory, sandbox_sts, seeded_sandbox, with_estate_test_aliases,
};
pub use wait::{DEADLINE, until};
pub use web::{
    SESSION_COOKIE, Visitor, bare_browser, between, csrf_field, location, read_csv, set_cookie,
};

/// The password of every user the harness adds.
pub const PASSWORD: &str = "correct horse battery staple";
