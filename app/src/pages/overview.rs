//! The overview: the compliance rate first, then where the problems are and how it is trending.

use leptos::prelude::*;

use super::overview_estate::EstateTable;
use crate::components::{Time, TrendChart};
use crate::model::{Chrome, OverviewModel};

/// The overview page.
#[component]
pub fn Overview(model: OverviewModel, chrome: Chrome) -> impl IntoView {
    let rate = model.compliance_rate();
    let now = chrome.now.clone();
    let remediate = (chrome.can_operate() && model.noncompliant > 0).then(|| {
        view! {
            <a class="button primary" href="/remediate">
                {format!("Encrypt {} non-compliant buckets with {}", model.noncompliant, model.remediation_target)}
            </a>
        }
    });
    let last_scan = match &model.last_scan {
        Some((id, finished, seconds, unknown)) => view! {
            <p>
                "Last scan "<a href=format!("/scans#scan-{id}")>{format!("#{id}")}</a>" finished "
                <Time at=finished.clone() now=now.clone() />
                {format!(" in {seconds:.1} s; {unknown} buckets could not be read.")}
            </p>
        }
        .into_any(),
        None => view! { <p>"No scan has completed yet."</p> }.into_any(),
    };
    let running = model.running.map(|(done, total)| {
        view! { <p class="running">{format!("A scan is running: {done} of {total} buckets read.")}" "<a href="/scans">"Follow it"</a></p> }
    });
    let algorithms = model
        .algorithms
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/buckets?{}", a.query)>{a.label.clone()}</a></th>
                    <td class="num">{a.count}</td>
                </tr>
            }
        })
        .collect_view();
    let regions = model
        .regions
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/buckets?region={}", r.region)>{r.region.clone()}</a></th>
                    <td class="num">{r.buckets}</td>
                    <td class="num">{r.noncompliant}</td>
                </tr>
            }
        })
        .collect_view();
    let first_seen = (model.first_seen > 0).then(|| {
        view! { <p class="first-seen">{first_sightings(model.first_seen)}</p> }
    });
    let changes = if model.changes.is_empty() {
        let text = if model.first_seen > 0 {
            "No bucket seen before changed."
        } else {
            "Nothing changed in the last scan."
        };
        view! { <p class="muted">{text}</p> }.into_any()
    } else {
        let rows = model
            .changes
            .iter()
            .map(|c| {
                view! {
                    <tr>
                        <td><a href=format!("/buckets/{}", c.bucket)>{c.bucket.clone()}</a></td>
                        <td>{c.before.clone()}</td>
                        <td>{c.after.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data">
                <thead><tr><th scope="col">"Bucket"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let critical = (!model.key_findings.is_empty()).then(|| {
        let rows = model
            .key_findings
            .iter()
            .map(|f| {
                let until = f.readable_until.as_ref().map_or_else(
                    || "writes refused".to_owned(),
                    |at| format!("readable until {at}"),
                );
                view! {
                    <tr>
                        <td><a href=format!("/buckets/{}", f.bucket)>{f.bucket.clone()}</a></td>
                        <td>{f.account.clone()}</td>
                        <td><a href=format!("/keys/{}", f.key_id)>{f.key_id.clone()}</a>" ("{f.region.clone()}")"</td>
                        <td>{format!("✗ {}", f.state)}</td>
                        <td>{until}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="critical" aria-label="Critical findings">
                <h2>{format!("Critical: {} buckets depend on an unusable key", model.key_findings.len())}</h2>
                <p>"Non-compliant whatever the policy says: OSS refuses writes, and once the key is deleted the data can never be read again."</p>
                <table class="data">
                    <thead><tr><th scope="col">"Bucket"</th><th scope="col">"Account"</th><th scope="col">"Key"</th><th scope="col">"State"</th><th scope="col">"Data"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    let exempt = (model.exempt > 0).then(|| {
        view! {
            " · "<a href="/buckets?compliant=exempt">{format!("{} exempt", model.exempt)}</a>" (not counted)"
        }
    });
    view! {
        <h1>"Overview"</h1>
        {critical}
        <section class="headline" aria-label="Compliance">
            <p class="rate"><span class="figure">{format!("{rate:.1} %")}</span>" compliant"{exempt}</p>
            <p class="policy">"Policy: "<strong>{model.policy.clone()}</strong>" · remediation target: "{model.remediation_target.clone()}</p>
            {remediate}
        </section>
        <section class="cards" aria-label="Buckets by status">
            <a class="card" href="/buckets"><span class="figure">{model.buckets}</span>" buckets"</a>
            <a class="card ok" href="/buckets?status=encrypted"><span class="figure">{model.encrypted}</span>" ✓ encrypted"</a>
            <a class="card bad" href="/buckets?status=unencrypted"><span class="figure">{model.unencrypted}</span>" ⚠ unencrypted"</a>
            <a class="card unknown" href="/buckets?status=unknown"><span class="figure">{model.unknown}</span>" ? unknown"</a>
            <a class="card bad" href="/buckets?compliant=false"><span class="figure">{model.noncompliant}</span>" ✗ non-compliant"</a>
        </section>
        <EstateTable rows=model.estate.clone() totals=model.estate_totals.clone() now=now.clone() />
        {running}
        {last_scan}
        <section>
            <h2>"Trend"</h2>
            <TrendChart points=model.trend.clone() />
        </section>
        <div class="columns">
            <section>
                <h2>"By algorithm"</h2>
                <table class="data">
                    <thead><tr><th scope="col">"Algorithm"</th><th scope="col" class="num">"Buckets"</th></tr></thead>
                    <tbody>{algorithms}</tbody>
                </table>
            </section>
            <section>
                <h2>"By region"</h2>
                <table class="data">
                    <thead><tr><th scope="col">"Region"</th><th scope="col" class="num">"Buckets"</th><th scope="col" class="num">"Non-compliant"</th></tr></thead>
                    <tbody>{regions}</tbody>
                </table>
            </section>
        </div>
        <section>
            <h2>"Changed in the last scan"</h2>
            {first_seen}
            {changes}
        </section>
    }
}

/// `1 bucket seen for the first time`, `42 buckets seen for the first time`.
pub(super) fn first_sightings(n: i64) -> String {
    if n == 1 {
        "1 bucket seen for the first time.".to_owned()
    } else {
        format!("{n} buckets seen for the first time.")
    }
}
