//! Exemptions: which buckets may stay as they are, why, until when, who asked and who approved;
//! the request form (operators and admins) and the approve and revoke buttons (admins; never the
//! requester's own approval).

use leptos::prelude::*;

use crate::components::Time;
use crate::model::{Chrome, ExemptionForm, ExemptionRow, ExemptionsModel};

#[component]
pub fn Exemptions(model: ExemptionsModel, chrome: Chrome) -> impl IntoView {
    // Operators of some accounts request exemptions of their accounts' buckets.
    let form = chrome
        .operates_somewhere
        .then(|| view! { <RequestForm form=model.form.clone() chrome=chrome.clone() /> });
    view! {
        <h1>"Exemptions"</h1>
        <p>"An approved exemption lets the buckets it names stay as they are until it expires: they are judged "<strong>"exempt"</strong>", left out of the compliance rate and left alone by one-click remediation. A request changes nothing until a different admin approves it. Seven days before the expiry a notification goes out; at the expiry the buckets are judged by the policy again."</p>
        <ExemptionTable rows=model.rows chrome=chrome.clone() />
        {form}
    }
}

/// The table of exemptions, with the buttons the signed-in user may use.
#[component]
pub fn ExemptionTable(rows: Vec<ExemptionRow>, chrome: Chrome) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No exemptions."</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|row| view! { <Row row=row chrome=chrome.clone() /> })
        .collect_view();
    view! {
        <table class="data">
            <thead>
                <tr>
                    <th scope="col">"Id"</th><th scope="col">"Buckets"</th><th scope="col">"Status"</th>
                    <th scope="col">"Reason"</th><th scope="col">"Expires"</th><th scope="col" class="num">"Exempt now"</th>
                    <th scope="col">"Requested by"</th><th scope="col">"Approved by"</th><th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Row(row: ExemptionRow, chrome: Chrome) -> impl IntoView {
    let button = |id: i64, step: &'static str, label: &'static str| {
        view! {
            <form method="post" action=format!("/exemptions/{id}/{step}") class="inline">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <button type="submit">{label}</button>
            </form>
        }
    };
    let approve = row
        .can_approve
        .then(|| button(row.id, "approve", "Approve"));
    let revoke = row.can_revoke.then(|| {
        let label = if row.status == "requested" {
            "Refuse"
        } else {
            "Revoke"
        };
        button(row.id, "revoke", label)
    });
    let status = match &row.ended_by {
        Some(by) => format!("{} by {by}", row.status),
        None => row.status.clone(),
    };
    let buckets = if row.scope.is_empty() {
        row.buckets.clone()
    } else {
        format!("{} ({})", row.buckets, row.scope)
    };
    view! {
        <tr id=format!("exemption-{}", row.id)>
            <td>{row.id}</td>
            <td><code>{buckets}</code></td>
            <td>{status}</td>
            <td>{row.reason.clone()}</td>
            <td><Time at=row.expires_at.clone() now=chrome.now.clone() /></td>
            <td class="num">{row.exempt_buckets}</td>
            <td>{row.requested_by.clone()}</td>
            <td>{row.approved_by.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td>{approve}{revoke}</td>
        </tr>
    }
}

/// The request form; `buckets` comes prefilled from a bucket's page.
#[component]
pub fn RequestForm(form: ExemptionForm, chrome: Chrome) -> impl IntoView {
    let error = form
        .error
        .clone()
        .map(|text| view! { <p class="flash error" role="alert">{text}</p> });
    view! {
        <section aria-labelledby="request-exemption">
            <h2 id="request-exemption">"Request an exemption"</h2>
            {error}
            <form method="post" action="/exemptions" class="stacked">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <label for="exemption-buckets">"Buckets (a name, or a pattern such as cdn-*)"</label>
                <input id="exemption-buckets" name="buckets" required value=form.buckets.clone() />
                <label for="exemption-account">"Only this account (optional)"</label>
                <input id="exemption-account" name="account" value=form.account.clone() />
                <label for="exemption-region">"Only this region (optional)"</label>
                <input id="exemption-region" name="region" value=form.region.clone() />
                <label for="exemption-reason">"Reason"</label>
                <textarea id="exemption-reason" name="reason" required>{form.reason.clone()}</textarea>
                <label for="exemption-expires">"Expires (at most 365 days ahead)"</label>
                <input id="exemption-expires" name="expires" type="date" required value=form.expires.clone() />
                <button type="submit">"Request"</button>
            </form>
        </section>
    }
}
