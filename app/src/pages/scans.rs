//! The scans page: history newest first, the progress of a running scan (the page refreshes
//! itself with a meta refresh while one runs, no script), and "Scan now" for operators.

use leptos::prelude::*;

use super::overview::first_sightings;
use crate::components::Time;
use crate::model::{Chrome, RunningScan, ScanRow, ScansModel};

/// The scans page.
#[component]
pub fn Scans(model: ScansModel, chrome: Chrome) -> impl IntoView {
    // A meta refresh is not script, so the strict CSP allows it; only while a scan runs.
    let refresh = model
        .running
        .map(|_| view! { <meta http-equiv="refresh" content="2" /> });
    let scan_now = chrome.can_operate().then(|| {
        let disabled = model.running.is_some();
        view! {
            <form class="scan-now" method="post" action="/scans">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <button type="submit" class="primary" disabled=disabled>"Scan now"</button>
            </form>
        }
    });
    let running = model.running.map(|scan| view! { <Progress scan /> });
    let now = chrome.now.clone();
    let history = if model.scans.is_empty() {
        view! { <p class="muted">"No scan has run yet."</p> }.into_any()
    } else {
        let rows = model
            .scans
            .iter()
            .map(|scan| view! { <Row scan=scan.clone() now=now.clone() /> })
            .collect_view();
        view! {
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col" class="num">"Scan"</th>
                        <th scope="col">"Trigger"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Accounts"</th>
                        <th scope="col">"Started"</th>
                        <th scope="col" class="num">"Duration"</th>
                        <th scope="col" class="num">"Buckets"</th>
                        <th scope="col" class="num">"Encrypted"</th>
                        <th scope="col" class="num">"Unencrypted"</th>
                        <th scope="col" class="num">"Unknown"</th>
                        <th scope="col" class="num">"Changes"</th>
                        <th scope="col">"Error"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let older = model
        .older
        .map(|id| view! { <a href=model.href(Some(id))>"Older scans"</a> });
    let newest = model
        .paged
        .then(|| view! { <a href=model.href(None)>"Newest scans"</a> });
    let notes = (!model.notes.is_empty()).then(|| {
        let items = model
            .notes
            .iter()
            .map(|n| view! { <li>{n.clone()}</li> })
            .collect_view();
        view! { <ul class="notes" role="status" aria-label="Ignored filters">{items}</ul> }
    });
    let accounts = super::buckets::options_of(&model.accounts, &model.account);
    let filter = view! {
        <form class="filters" method="get" action="/scans" role="search" aria-label="Filter scans">
            <div class="field">
                <label for="filter-account">"Account"</label>
                <select id="filter-account" name="account">
                    <option value="" selected=model.account.is_empty()>"Every account"</option>
                    {accounts}
                </select>
            </div>
            <div class="field">
                <button type="submit">"Filter"</button>
                " "
                <a href="/scans">"Clear"</a>
            </div>
        </form>
    };
    let pager = (model.older.is_some() || model.paged)
        .then(|| view! { <nav class="pager" aria-label="More scans">{newest}{older}</nav> });
    view! {
        {refresh}
        <h1>"Scans"</h1>
        {scan_now}
        {running}
        <section>
            <h2>"History"</h2>
            {filter}
            {notes}
            {history}
            {pager}
        </section>
    }
}

#[component]
fn Progress(scan: RunningScan) -> impl IntoView {
    let text = if scan.total == 0 {
        format!("Scan #{} is listing buckets…", scan.id)
    } else {
        format!(
            "Scan #{} is running: {} of {} buckets read.",
            scan.id, scan.done, scan.total
        )
    };
    let max = scan.total.max(1).to_string();
    let value = scan.done.to_string();
    view! {
        <section class="running" aria-live="polite">
            <p><label for="scan-progress">{text.clone()}</label></p>
            <progress id="scan-progress" max=max value=value>{text}</progress>
            <p class="muted">"This page refreshes itself every 2 seconds until the scan ends."</p>
        </section>
    }
}

#[component]
fn Row(scan: ScanRow, now: String) -> impl IntoView {
    let (icon, class) = match scan.status.as_str() {
        "completed" => ("✓", "badge ok"),
        "running" => ("…", "badge unknown"),
        _ => ("✗", "badge bad"),
    };
    let count = |n: Option<i64>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let first_seen = scan.first_seen.filter(|n| *n > 0).map(|n| {
        view! { <span class="muted first-seen" title=first_sightings(n)>{format!(" (+{n} new)")}</span> }
    });
    let parts = scan
        .parts
        .iter()
        .map(|p| {
            let (icon, class) = match p.status.as_str() {
                "completed" => ("✓", "ok"),
                "running" => ("…", "unknown"),
                _ => ("✗", "bad"),
            };
            let code = p
                .error_code
                .clone()
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            view! {
                <li class=format!("part {class}") title=p.status.clone()>
                    <span aria-hidden="true">{format!("{icon} ")}</span>{p.account.clone()}
                    <span class="visually-hidden">{format!(" {}", p.status)}</span>{code}
                </li>
            }
        })
        .collect_view();
    view! {
        <tr id=format!("scan-{}", scan.id)>
            <td class="num">{format!("#{}", scan.id)}</td>
            <td>{scan.trigger.clone()}</td>
            <td><span class=class><span aria-hidden="true">{icon}</span>{format!(" {}", scan.status)}</span></td>
            <td><ul class="parts">{parts}</ul></td>
            <td><Time at=scan.started_at.clone() now=now /></td>
            <td class="num">{scan.duration.clone()}</td>
            <td class="num">{scan.buckets}</td>
            <td class="num">{count(scan.encrypted)}</td>
            <td class="num">{count(scan.unencrypted)}</td>
            <td class="num">{count(scan.unknown)}</td>
            <td class="num">{count(scan.changes)}{first_seen}</td>
            <td>{scan.error.clone().unwrap_or_default()}</td>
        </tr>
    }
}
