//! The bucket list, its CSV export, and the bucket page with its change and remove forms, driven
//! like a browser and checked against what the sandbox really holds.

mod detail;
mod list;

use oss_audit::domain::Role;
use oss_audit::sandbox::SandboxBucket;

use crate::support::{TestApp, Visitor};

/// What the sandbox says a bucket's status is, as the dashboard words it.
fn truth_status(b: &SandboxBucket) -> &'static str {
    match (&b.encryption, b.access_denied) {
        (_, true) => "unknown",
        (None, _) => "unencrypted",
        (Some(_), _) => "encrypted",
    }
}

/// The bucket names of the list's rows, in order.
fn row_names(html: &str) -> Vec<String> {
    html.split(r#"<th scope="row"><a href="/buckets/"#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// The name of the first bucket (by name) that `pick` accepts.
fn first(app: &TestApp, pick: impl Fn(&SandboxBucket) -> bool) -> String {
    app.names(pick).into_iter().next().expect("such a bucket")
}

/// An operator and a viewer, each signed in with a browser of their own.
async fn sign_in_both(app: &TestApp) -> (Visitor, Visitor) {
    (
        app.sign_in("olivia", Role::Operator).await,
        app.sign_in("victor", Role::Viewer).await,
    )
}
