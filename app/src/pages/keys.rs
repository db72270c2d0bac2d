//! The keys pages: every customer key behind an SSE-KMS bucket with its state and the buckets that
//! depend on it (unusable keys first), and one key's history.

use leptos::prelude::*;

use crate::components::Time;
use crate::model::{Chrome, KeyDetailModel, KeyRow, KeysModel};

/// `readable until 2026-12-20` for a key pending deletion.
fn until(key: &KeyRow) -> Option<String> {
    key.readable_until
        .as_ref()
        .map(|at| format!("readable until {}", at.get(..10).unwrap_or(at)))
}

/// The state with what it means, e.g. `✗ PendingDeletion` or `? unknown (Forbidden.NoPermission)`.
fn state_label(key: &KeyRow) -> String {
    match key.standing.as_str() {
        "usable" => format!("✓ {}", key.state),
        "unusable" => format!("✗ {}", key.state),
        _ => format!(
            "? {} ({})",
            key.state,
            key.error_code.as_deref().unwrap_or("no answer")
        ),
    }
}

fn key_href(key: &KeyRow) -> String {
    format!("/keys/{}", urlencode(&key.key_id))
}

/// Percent-encodes what a key reference may hold beyond a path segment's safe characters.
fn urlencode(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' => c.to_string(),
            other => {
                let mut buf = [0; 4];
                other
                    .encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

/// The keys page.
#[component]
pub fn Keys(model: KeysModel, chrome: Chrome) -> impl IntoView {
    let now = chrome.now.clone();
    let body = if model.keys.is_empty() {
        view! { <p class="muted">"No bucket names a customer key, or no scan has completed yet."</p> }
            .into_any()
    } else {
        let rows = model
            .keys
            .iter()
            .map(|key| {
                let class = format!("key-{}", key.standing);
                let warnings = key.warnings.join("; ");
                view! {
                    <tr class=class>
                        <td>{key.account.clone()}</td>
                        <td>{key.region.clone()}</td>
                        <td>
                            <a href=key_href(key)>{key.key_id.clone()}</a>
                            {key.alias.clone().map(|a| view! { <br /><span class="muted">{a}</span> })}
                        </td>
                        <td>{state_label(key)}</td>
                        <td>{until(key)}</td>
                        <td>{key.rotation.clone()}</td>
                        <td>{warnings}</td>
                        <td class="num">{key.buckets}</td>
                        <td><Time at=key.checked_at.clone() now=now.clone() /></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Account"</th>
                        <th scope="col">"Region"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Deletion"</th>
                        <th scope="col">"Rotation"</th>
                        <th scope="col">"Warnings"</th>
                        <th scope="col" class="num">"Buckets"</th>
                        <th scope="col">"Checked"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h1>"Keys"</h1>
        <p class="muted">
            "Every customer key an SSE-KMS bucket names, as KMS DescribeKey last described it. A key that is
             disabled, pending deletion or gone makes its buckets non-compliant whatever the policy says:
             OSS refuses writes, and once the key is deleted the data can never be read again."
        </p>
        {body}
    }
}

/// One key's page.
#[component]
pub fn KeyDetail(model: KeyDetailModel, chrome: Chrome) -> impl IntoView {
    let now = chrome.now.clone();
    let key = model.key;
    let history = model
        .history
        .iter()
        .map(|h| {
            view! {
                <tr>
                    <td><Time at=h.observed_at.clone() now=now.clone() /></td>
                    <td>{h.state.clone()}</td>
                    <td>{h.delete_date.clone()}</td>
                    <td>{h.rotation.clone()}</td>
                    <td>{h.error_code.clone()}</td>
                    <td><code>{h.request_id.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    let buckets = if model.buckets.is_empty() {
        view! { <p class="muted">"No present bucket depends on this key."</p> }.into_any()
    } else {
        let items = model
            .buckets
            .iter()
            .map(|(account, bucket)| {
                view! { <li><a href=format!("/buckets/{bucket}")>{bucket.clone()}</a>" ("{account.clone()}")"</li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    let critical = (key.standing == "unusable").then(|| {
        let text = match until(&key) {
            Some(until) => format!(
                "Critical: this key is {}; its buckets are {until}, then never again.",
                key.state
            ),
            None => format!(
                "Critical: this key is {}; OSS refuses writes to its buckets.",
                key.state
            ),
        };
        view! { <p class="flash err" role="alert">{text}</p> }
    });
    view! {
        <h1>{format!("Key {}", key.key_id)}</h1>
        {critical}
        <dl class="facts">
            <dt>"Account"</dt><dd>{key.account.clone()}</dd>
            <dt>"Region"</dt><dd>{key.region.clone()}</dd>
            <dt>"Alias"</dt><dd>{key.alias.clone().unwrap_or_else(|| "none".to_owned())}</dd>
            <dt>"State"</dt><dd>{state_label(&key)}</dd>
            <dt>"Deletion"</dt><dd>{until(&key).unwrap_or_else(|| "not scheduled".to_owned())}</dd>
            <dt>"Rotation"</dt><dd>{key.rotation.clone().unwrap_or_default()}</dd>
            <dt>"Origin"</dt><dd>{key.origin.clone().unwrap_or_default()}</dd>
            <dt>"Material expires"</dt><dd>{key.material_expire_time.clone().unwrap_or_else(|| "never".to_owned())}</dd>
            <dt>"Protection"</dt><dd>{key.protection_level.clone().unwrap_or_default()}</dd>
            <dt>"Warnings"</dt><dd>{if key.warnings.is_empty() { "none".to_owned() } else { key.warnings.join("; ") }}</dd>
            <dt>"Last request id"</dt><dd><code>{key.request_id.clone().unwrap_or_default()}</code></dd>
        </dl>
        <section>
            <h2>{format!("Buckets that depend on it ({})", model.buckets.len())}</h2>
            {buckets}
        </section>
        <section>
            <h2>"History"</h2>
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Seen"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Deletion date"</th>
                        <th scope="col">"Rotation"</th>
                        <th scope="col">"KMS code"</th>
                        <th scope="col">"Request id"</th>
                    </tr>
                </thead>
                <tbody>{history}</tbody>
            </table>
        </section>
        <p><a href="/keys">"All keys"</a></p>
    }
}
