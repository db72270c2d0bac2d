//! The estate table of the overview: one row per account, worst first, then the totals. Each
//! account links to its buckets; a failed scan part shows the service's code.

use leptos::prelude::*;

use crate::components::Time;
use crate::model::{EstateRow, LastScanPart, encode};

/// The accounts of the estate and their totals.
#[component]
pub fn EstateTable(rows: Vec<EstateRow>, totals: EstateRow, now: String) -> impl IntoView {
    let body = rows
        .iter()
        .map(|row| {
            let href = format!("/buckets?account={}", encode(&row.account));
            let name = view! { <a href=href>{row.account.clone()}</a> };
            cells(row, name.into_any(), &now)
        })
        .collect_view();
    let total = cells(&totals, view! { "All accounts" }.into_any(), &now);
    view! {
        <section aria-labelledby="estate">
            <h2 id="estate">"Accounts"</h2>
            <table class="data estate">
                <thead>
                    <tr>
                        <th scope="col">"Account"</th>
                        <th scope="col" class="num">"Buckets"</th>
                        <th scope="col" class="num">"Compliant"</th>
                        <th scope="col" class="num">"Unencrypted"</th>
                        <th scope="col" class="num">"Unknown"</th>
                        <th scope="col">"Last scan"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
                <tfoot class="totals">{total}</tfoot>
            </table>
        </section>
    }
}

/// The cells of one row, headed by `name`.
fn cells(row: &EstateRow, name: AnyView, now: &str) -> impl IntoView + use<> {
    let rate = row
        .compliance_rate
        .map_or_else(|| "—".to_owned(), |r| format!("{r:.1} %"));
    let last = match &row.last_scan {
        Some(part) => last_scan(part, now).into_any(),
        None => view! { <span class="muted">"never scanned"</span> }.into_any(),
    };
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td class="num">{row.buckets}</td>
            <td class="num">{rate}</td>
            <td class="num">{row.unencrypted}</td>
            <td class="num">{row.unknown}</td>
            <td>{last}</td>
        </tr>
    }
}

/// `#12 completed · 2026-11-26 10:04 UTC · 3 h ago`, or `failed (NoPermission)`.
fn last_scan(part: &LastScanPart, now: &str) -> impl IntoView + use<> {
    let (icon, class) = match part.status.as_str() {
        "completed" => ("✓", "badge ok"),
        "running" => ("…", "badge unknown"),
        _ => ("✗", "badge bad"),
    };
    let status = match &part.error_code {
        Some(code) => format!(" {} ({code})", part.status),
        None => format!(" {}", part.status),
    };
    view! {
        <a href=format!("/scans#scan-{}", part.scan)>{format!("#{}", part.scan)}</a>" "
        <span class=class><span aria-hidden="true">{icon}</span>{status}</span>" "
        <Time at=part.at.clone() now=now.to_owned() />
    }
}
