//! One bucket: what OSS reports now, where it lives, how it changed, who changed it, and for
//! operators the forms to change or remove its default encryption.

use leptos::prelude::*;

use crate::components::{ComplianceBadge, StatusBadge, Time};
use crate::model::{
    AuditRow, BucketDetailModel, BucketRemoveModel, Chrome, ExemptionForm, HistoryRow,
};
use crate::pages::exemptions::{ExemptionTable, RequestForm};

/// The bucket page.
#[component]
pub fn BucketDetail(model: BucketDetailModel, chrome: Chrome) -> impl IntoView {
    let now = chrome.now.clone();
    let gone = model.gone_at.clone().map(|at| {
        view! { <p class="flash err">"⚠ This bucket is gone: the last scan did not list it (since "<Time at=at now=now.clone() />")."</p> }
    });
    let may_change = model.may_change && model.gone_at.is_none();
    let forms = may_change.then(|| {
        view! { <ChangeForm model=model.clone() csrf_token=chrome.csrf_token.clone() /> }
    });
    let exemption_form = may_change.then(|| {
        let form = ExemptionForm {
            buckets: model.name.clone(),
            region: model.region.clone(),
            ..ExemptionForm::default()
        };
        view! { <RequestForm form=form chrome=chrome.clone() /> }
    });
    view! {
        <p class="crumbs"><a href="/buckets">"Buckets"</a>" / "</p>
        <h1>{model.name.clone()}</h1>
        {gone}
        <div class="columns">
            <Current model=model.clone() now=now.clone() />
            <Location model=model.clone() now=now.clone() />
        </div>
        {forms}
        <section aria-labelledby="exemptions-heading">
            <h2 id="exemptions-heading">"Exemptions"</h2>
            <ExemptionTable rows=model.exemptions.clone() chrome=chrome.clone() />
            {exemption_form}
        </section>
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <Timeline rows=model.history.clone() truncated=model.history_truncated now=now.clone() />
        </section>
        <section aria-labelledby="changes-heading">
            <h2 id="changes-heading">"Changes made"</h2>
            <Changes rows=model.changes.clone() now=now.clone() />
        </section>
    }
}

#[component]
fn Current(model: BucketDetailModel, now: String) -> impl IntoView {
    let Some(c) = model.current else {
        return view! {
            <section aria-labelledby="current-heading">
                <h2 id="current-heading">"Current encryption"</h2>
                <p class="muted">"Not read yet: no completed scan has read this bucket."</p>
            </section>
        }
        .into_any();
    };
    let dash = || "—".to_owned();
    let scanned = match c.scanned_at.clone() {
        Some(at) => view! { <Time at=at now=now.clone() /> }.into_any(),
        None => view! { <span class="muted">"never"</span> }.into_any(),
    };
    let error = c
        .error
        .clone()
        .map(|e| view! { <dt>"Why unknown"</dt><dd>{e}</dd> });
    view! {
        <section aria-labelledby="current-heading">
            <h2 id="current-heading">"Current encryption"</h2>
            <dl class="facts">
                <dt>"Status"</dt><dd><StatusBadge status=c.status.clone() /></dd>
                {error}
                <dt>"Algorithm"</dt><dd>{c.sse_algorithm.clone().unwrap_or_else(dash)}</dd>
                <dt>"KMS key id"</dt><dd class="mono">{c.kms_master_key_id.clone().unwrap_or_else(dash)}</dd>
                <dt>"Data encryption"</dt><dd>{c.kms_data_encryption.clone().unwrap_or_else(dash)}</dd>
                <dt>"Compliance"</dt><dd><ComplianceBadge compliant=c.compliant exempt=c.exempt /></dd>
                {c.judged_by.clone().map(|why| view! { <dt>"Judged by"</dt><dd id="judged-by">{why}</dd> })}
                <dt>"Last confirmed"</dt><dd>{scanned}</dd>
                <dt>"OSS request id"</dt><dd class="mono">{c.request_id.clone().unwrap_or_else(dash)}</dd>
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn Location(model: BucketDetailModel, now: String) -> impl IntoView {
    let created = match model.created_at.clone() {
        Some(at) => view! { <Time at=at now=now.clone() /> }.into_any(),
        None => view! { <span class="muted">"unknown"</span> }.into_any(),
    };
    view! {
        <section aria-labelledby="location-heading">
            <h2 id="location-heading">"Location"</h2>
            <dl class="facts">
                <dt>"Account"</dt><dd>{model.account.clone()}</dd>
                <dt>"Region"</dt><dd>{model.region.clone()}</dd>
                <dt>"Public endpoint"</dt><dd class="mono">{model.extranet_endpoint.clone()}</dd>
                <dt>"Internal endpoint"</dt><dd class="mono">{model.intranet_endpoint.clone()}</dd>
                <dt>"Created"</dt><dd>{created}</dd>
                <dt>"First seen"</dt><dd><Time at=model.first_seen_at.clone() now=now.clone() /></dd>
                <dt>"Gone"</dt><dd>{model.gone_at.clone().map_or_else(|| "no, listed by the last scan".to_owned(), |_| "yes".to_owned())}</dd>
            </dl>
        </section>
    }
}

/// The change-encryption form and the link to remove encryption. Without script both KMS fields
/// are always shown; the hints say they only apply to KMS, and the server refuses them otherwise.
#[component]
fn ChangeForm(model: BucketDetailModel, csrf_token: String) -> impl IntoView {
    let form = model.form.clone();
    let errors = form.errors.clone();
    let described = |hint: Option<&str>, error_id: &str, error: &Option<String>| {
        let ids: Vec<&str> = hint
            .into_iter()
            .chain(error.as_ref().map(|_| error_id))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let message = |id: &'static str, error: &Option<String>| {
        error.clone().map(|text| {
            // Built by hand so the HTML reads `<p class="error" id=…>` (the `view!` macro writes
            // `class` after every other attribute).
            leptos::html::p()
                .attr("class", "error")
                .id(id)
                .child((view! { <span aria-hidden="true">"✗ "</span> }, text))
        })
    };
    let algorithms = [
        ("AES256", "AES256 (SSE-OSS)"),
        ("SM4", "SM4 (SSE-OSS)"),
        ("KMS", "KMS (SSE-KMS)"),
    ]
    .into_iter()
    .map(|(value, label)| {
        let selected = form.sse_algorithm.eq_ignore_ascii_case(value);
        view! { <option value=value selected=selected>{label}</option> }
    })
    .collect_view();
    let remove = model
        .current
        .as_ref()
        .is_none_or(|c| c.status != "unencrypted")
        .then(|| {
            view! {
                <p>
                    <a class="button danger" href=format!("/buckets/{}/remove", model.name)>"Remove encryption…"</a>
                </p>
            }
        });
    view! {
        <section aria-labelledby="change-heading">
            <h2 id="change-heading">"Change encryption"</h2>
            <form class="change" method="post" action=format!("/buckets/{}/encryption", model.name) novalidate>
                <input type="hidden" name="csrf_token" value=csrf_token />
                <div class="field">
                    <label for="sse-algorithm">"Algorithm"</label>
                    <select id="sse-algorithm" name="sse_algorithm"
                        aria-describedby=described(None, "sse-algorithm-error", &errors.sse_algorithm)
                        aria-invalid=errors.sse_algorithm.is_some().then_some("true")>
                        {algorithms}
                    </select>
                    {message("sse-algorithm-error", &errors.sse_algorithm)}
                </div>
                <div class="field">
                    <label for="kms-key-id">"CMK id"</label>
                    <input type="text" id="kms-key-id" name="kms_master_key_id" value=form.kms_master_key_id.clone()
                        size="48" maxlength="256" autocomplete="off" spellcheck="false"
                        aria-describedby=described(Some("kms-key-id-hint"), "kms-key-id-error", &errors.kms_master_key_id)
                        aria-invalid=errors.kms_master_key_id.is_some().then_some("true") />
                    <p class="hint" id="kms-key-id-hint">"Only for KMS. A key id, alias/NAME or ARN of a customer master key; leave empty to use the OSS-managed KMS key."</p>
                    {message("kms-key-id-error", &errors.kms_master_key_id)}
                </div>
                <div class="field check">
                    <input type="checkbox" id="kms-data-encryption" name="kms_data_encryption" value="SM4" checked=form.sm4
                        aria-describedby=described(Some("kms-data-encryption-hint"), "kms-data-encryption-error", &errors.kms_data_encryption)
                        aria-invalid=errors.kms_data_encryption.is_some().then_some("true") />
                    " "
                    <label for="kms-data-encryption">"SM4"</label>
                    <p class="hint" id="kms-data-encryption-hint">"Only for KMS: encrypt object data with SM4 instead of AES256 (KMS data encryption)."</p>
                    {message("kms-data-encryption-error", &errors.kms_data_encryption)}
                </div>
                <button type="submit" class="primary">"Set encryption"</button>
            </form>
            {remove}
        </section>
    }
}

#[component]
fn Timeline(rows: Vec<HistoryRow>, truncated: bool, now: String) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No state recorded yet."</p> }.into_any();
    }
    let items = rows
        .into_iter()
        .map(|h| {
            let source = match h.scan {
                Some(scan) => {
                    view! { <a href=format!("/scans#scan-{scan}")>{format!("scan #{scan}")}</a> }
                        .into_any()
                }
                None => view! { <span>"re-read after a change"</span> }.into_any(),
            };
            let request = h
                .request_id
                .map(|id| view! { " · request id "<code>{id}</code> });
            view! {
                <li>
                    <Time at=h.observed_at now=now.clone() />
                    <div class="state"><StatusBadge status=h.status />" "{h.description}</div>
                    <div class="source muted">{source}{request}</div>
                </li>
            }
        })
        .collect_view();
    let more = truncated.then(|| view! { <p class="muted">"Older states are not shown."</p> });
    view! { <ol class="timeline">{items}</ol>{more} }.into_any()
}

#[component]
fn Changes(rows: Vec<AuditRow>, now: String) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"Nobody has changed this bucket through oss-audit."</p> }
            .into_any();
    }
    let body = rows
        .into_iter()
        .map(|c| {
            let outcome = if c.outcome == "ok" {
                view! { <span class="badge ok"><span aria-hidden="true">"✓"</span>" ok"</span> }.into_any()
            } else {
                let text = match &c.detail {
                    Some(detail) => format!("{}: {detail}", c.outcome),
                    None => c.outcome.clone(),
                };
                view! { <span class="badge bad"><span aria-hidden="true">"✗"</span>{format!(" {text}")}</span> }.into_any()
            };
            view! {
                <tr>
                    <td><Time at=c.at now=now.clone() /></td>
                    <td>{c.actor}</td>
                    <td>{c.action}</td>
                    <td>{format!("{} → {}", c.before, c.after)}</td>
                    <td>{outcome}</td>
                    <td class="mono">{c.request_id.unwrap_or_else(|| "—".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data">
            <thead><tr>
                <th scope="col">"Time"</th><th scope="col">"Actor"</th><th scope="col">"Action"</th>
                <th scope="col">"Before → after"</th><th scope="col">"Outcome"</th><th scope="col">"Request id"</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

/// The confirmation before removing a bucket's default encryption.
#[component]
pub fn BucketRemove(model: BucketRemoveModel, chrome: Chrome) -> impl IntoView {
    let name = model.name.clone();
    view! {
        <p class="crumbs"><a href="/buckets">"Buckets"</a>" / "<a href=format!("/buckets/{name}")>{name.clone()}</a></p>
        <h1>{format!("Remove the default encryption of {name}?")}</h1>
        <p>{format!("{name} now has: {}.", model.current)}</p>
        <p class="consequence"><strong>{format!(
            "New objects written to {name} will no longer be encrypted by default. Objects already stored keep their encryption."
        )}</strong></p>
        <form method="post" action=format!("/buckets/{name}/remove")>
            <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
            <button type="submit" class="danger">"Remove encryption"</button>
            " "
            <a href=format!("/buckets/{name}")>"Cancel"</a>
        </form>
    }
}
