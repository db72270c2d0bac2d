//! Settings › Notifications (admins only): targets with their last delivery, last error and
//! queue, buttons to test, enable, disable and delete them, and the add form. A saved URL or
//! secret is never shown again, only the URL's scheme and host.

use leptos::prelude::*;

use super::settings_access::{RowAction, StateBadge};
use crate::components::{Choice, Time, field_error};
use crate::model::{Chrome, NewTargetForm, NotificationTargetRow, NotificationsModel};

const KINDS: [(&str, &str); 3] = [
    ("webhook", "Webhook: signed JSON (X-OSS-Audit-Signature)"),
    (
        "dingtalk",
        "DingTalk custom robot (with its signing secret)",
    ),
    ("slack", "Slack incoming webhook"),
];

/// The notifications page.
#[component]
pub fn Notifications(model: NotificationsModel, chrome: Chrome) -> impl IntoView {
    let now = chrome.now.clone();
    let list = if model.targets.is_empty() {
        view! { <p class="muted">"No notification targets yet. Add one below."</p> }.into_any()
    } else {
        let rows = model
            .targets
            .iter()
            .map(|target| {
                view! { <TargetLine target=target.clone() chrome=chrome.clone() now=now.clone() /> }
            })
            .collect_view();
        view! {
            <table class="data notifications">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Sends to"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last delivery"</th>
                        <th scope="col" class="num">"Pending"</th>
                        <th scope="col" class="num">"Failed"</th>
                        <th scope="col">"Last error"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <p class="muted"><a href="/settings">"Settings"</a>" › Notifications"</p>
        <h1>"Notifications"</h1>
        <p>"oss-audit tells these targets when buckets become non-compliant or unknown (one message per scan, change or policy update), when a remediation finishes, when a scan fails, and when a report is ready. Messages are queued and retried with backoff; a slow receiver never holds up a scan."</p>
        <section id="targets" aria-labelledby="targets-title">
            <h2 id="targets-title">"Targets"</h2>
            {list}
        </section>
        <AddTarget form=model.form.clone() chrome=chrome.clone() />
    }
}

#[component]
fn TargetLine(target: NotificationTargetRow, chrome: Chrome, now: String) -> impl IntoView {
    let status = if target.enabled {
        view! { <StateBadge ok=true text="enabled" /> }
    } else {
        view! { <StateBadge ok=false text="disabled" /> }
    };
    let last_delivery = match &target.last_delivered_at {
        Some(at) => view! { <Time at=at.clone() now=now.clone() /> }.into_any(),
        None => view! { <span class="muted">"never"</span> }.into_any(),
    };
    let last_error = match (&target.last_error, &target.last_error_at) {
        (Some(error), Some(at)) => view! {
            <span class="error-text">{error.clone()}</span>" "<Time at=at.clone() now=now.clone() />
        }
        .into_any(),
        _ => view! { <span class="muted">"none"</span> }.into_any(),
    };
    let action = |path: &str, label: &'static str, class: &'static str, aria: String| {
        view! {
            <RowAction action=format!("/settings/notifications/{}/{path}", target.id) label class
                aria_label=aria csrf_token=chrome.csrf_token.clone() />
        }
    };
    let name = target.name.clone();
    let toggle = if target.enabled {
        action("disable", "Disable", "", format!("Disable {name}"))
    } else {
        action("enable", "Enable", "", format!("Enable {name}"))
    };
    let test = target.enabled.then(|| {
        action(
            "test",
            "Send test",
            "",
            format!("Send a test message to {name}"),
        )
    });
    let delete = action("delete", "Delete", "danger", format!("Delete {name}"));
    view! {
        <tr id=format!("target-{}", target.id)>
            <td>{target.name.clone()}<br /><span class="muted">{format!("added by {}", target.created_by)}</span></td>
            <td>{target.kind.clone()}</td>
            <td class="nowrap"><code title="path hidden: it may carry credentials">{target.masked_url.clone()}</code></td>
            <td>{status}</td>
            <td>{last_delivery}</td>
            <td class="num">{target.pending}</td>
            <td class="num">{target.failed}</td>
            <td>{last_error}</td>
            <td class="actions">{test}{toggle}{delete}</td>
        </tr>
    }
}

#[component]
fn AddTarget(form: NewTargetForm, chrome: Chrome) -> impl IntoView {
    let errors = form.errors.clone();
    let kind = if form.kind.is_empty() {
        "webhook".to_owned()
    } else {
        form.kind.clone()
    };
    view! {
        <section id="add-target" aria-labelledby="add-target-title">
            <h2 id="add-target-title">"Add a target"</h2>
            <form method="post" action="/settings/notifications">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <div class="field">
                    <label for="kind">"Kind"</label>
                    <Choice id="kind" current=kind options=KINDS.to_vec() described_by="kind-error" />
                    {field_error(errors.kind.clone(), "kind-error")}
                </div>
                <div class="field">
                    <label for="target-name">"Name"</label>
                    <input id="target-name" name="name" type="text" value=form.name.clone() maxlength="64"
                        required=true autocomplete="off" aria-describedby="target-name-error" />
                    {field_error(errors.name.clone(), "target-name-error")}
                </div>
                <div class="field">
                    <label for="target-url">"URL"</label>
                    <input id="target-url" name="url" type="url" maxlength="2048" size="60"
                        required=true autocomplete="off" aria-describedby="target-url-hint target-url-error" />
                    <p class="hint" id="target-url-hint">"For DingTalk, the robot URL with its access_token. Webhook, Slack and DingTalk URLs may carry credentials: after saving, only the scheme and host are shown (path hidden)."</p>
                    {field_error(errors.url.clone(), "target-url-error")}
                </div>
                <div class="field">
                    <label for="target-secret">"Secret (webhook and DingTalk)"</label>
                    <input id="target-secret" name="secret" type="password" maxlength="512"
                        autocomplete="new-password" aria-describedby="target-secret-hint target-secret-error" />
                    <p class="hint" id="target-secret-hint">"Webhook: the HMAC-SHA256 key receivers verify X-OSS-Audit-Signature with. DingTalk: the robot's signing secret (SEC…). Leave empty for Slack. Never shown again."</p>
                    {field_error(errors.secret.clone(), "target-secret-error")}
                </div>
                <p><button type="submit" class="primary">"Add target"</button></p>
            </form>
        </section>
    }
}
