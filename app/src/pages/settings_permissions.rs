//! Settings › Permissions (admins only): a button that runs the permission checks (a form: it
//! works without script) and one row per check, then the RAM documents to grant.

use leptos::prelude::*;

use crate::model::{CheckRow, Chrome, PermissionResults, PermissionsModel};

/// The permissions page.
#[component]
pub fn Permissions(model: PermissionsModel, chrome: Chrome) -> impl IntoView {
    let results = model
        .results
        .clone()
        .map(|results| view! { <Results results /> });
    let placeholders = (!model.placeholders.is_empty()).then(|| {
        view! {
            <p class="hint">"Replace before use: "<code>{model.placeholders.join(", ")}</code>
            " (the hub's uid is learned when the checks list its buckets; member roles once accounts are added)."</p>
        }
    });
    let document = |id: &'static str, title: &'static str, text: &'static str, json: String| {
        view! {
            <section id=id aria-labelledby=format!("{id}-title")>
                <h3 id=format!("{id}-title")>{title}" "<code>{id}</code></h3>
                <p class="muted">{text}</p>
                <pre><code>{json}</code></pre>
            </section>
        }
    };
    view! {
        <p class="muted"><a href="/settings">"Settings"</a>" › Permissions"</p>
        <h1>"Permissions"</h1>
        <p>"Checks, for the hub and every account, that the keys sign, each member's role can be assumed, and ListBuckets, GetBucketEncryption (a few buckets per region) and KMS DescribeKey work: what a scan needs, before a scan fails on it. Nothing is changed. The same checks run from the command line as "<code>"oss-audit doctor"</code>"."</p>
        <form method="post" action="/settings/permissions">
            <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
            <p><button type="submit" class="primary">"Run the checks"</button></p>
        </form>
        {results}
        <section id="policies" aria-labelledby="policies-title">
            <h2 id="policies-title">"RAM policies"</h2>
            <p>"Exactly the calls oss-audit makes ("<code>"oss-audit doctor --ram-policy read-only|remediate"</code>" prints them too)."</p>
            {placeholders}
            {document("permission_policy", "Read-only permission policy", "Attach to the hub's RAM user (the keys oss-audit uses) and to the role in every member account.", model.read_only_policy.clone())}
            {document("remediate_policy", "Remediate permission policy", "Instead of the read-only one, where oss-audit may also set and remove bucket encryption.", model.remediate_policy.clone())}
            {document("hub_policy", "Hub policy", "Also attach to the hub's RAM user when there are member accounts: assuming their roles, and listing the Resource Directory's members for account discovery.", model.hub_policy.clone())}
            {document("trust_policy", "Trust policy", "The trust policy of the role in every member account.", model.trust_policy.clone())}
        </section>
    }
}

#[component]
fn Results(results: PermissionResults) -> impl IntoView {
    let rows = results
        .rows
        .iter()
        .map(|row| view! { <Row row=row.clone() /> })
        .collect_view();
    let class = if results.failed > 0 {
        "flash err"
    } else {
        "flash ok"
    };
    view! {
        <section id="results" aria-labelledby="results-title">
            <h2 id="results-title">"Results"</h2>
            <p class=class role="status">{results.summary.clone()}</p>
            <table class="data permissions">
                <thead>
                    <tr>
                        <th scope="col">"Account"</th>
                        <th scope="col">"Check"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col">"Detail"</th>
                        <th scope="col">"Code and request id"</th>
                        <th scope="col">"Fix"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Row(row: CheckRow) -> impl IntoView {
    let badge = match row.status.as_str() {
        "ok" => view! { <span class="badge ok"><span aria-hidden="true">"✓"</span>" ok"</span> }
            .into_any(),
        "FAILED" => {
            view! { <span class="badge bad"><span aria-hidden="true">"✗"</span>" FAILED"</span> }
                .into_any()
        }
        _ => view! { <span class="badge unknown"><span aria-hidden="true">"–"</span>" skipped"</span> }
            .into_any(),
    };
    let code = row.code.clone().map(|code| {
        let request = row.request_id.clone().unwrap_or_else(|| "none".to_owned());
        view! { <code>{code}</code><br /><span class="muted">"request id "<code>{request}</code></span> }
    });
    view! {
        <tr>
            <td>{row.account.clone()}</td>
            <td><code>{row.check.clone()}</code></td>
            <td>{badge}</td>
            <td>{row.detail.clone()}</td>
            <td>{code}</td>
            <td>{row.fix.clone()}</td>
        </tr>
    }
}
