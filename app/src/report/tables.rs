//! The report's tables: the scans it covers, every bucket, the encryption changes and the changes
//! made through oss-audit.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use super::encryption;
use crate::components::Text;
use crate::model::{
    ControlRow, ReportAction, ReportBucket, ReportScan, ReportState, ReportStateChange,
};

/// A value, or `—` when there is none.
fn or_dash(value: Option<String>) -> Text {
    Text(value.unwrap_or_else(|| "—".to_owned()))
}

/// Per control: the buckets passing, failing, exempt and unknown.
#[component]
pub fn Controls(controls: Vec<ControlRow>) -> impl IntoView {
    let rows = controls
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <td>{Text(format!("{} {}", c.framework, c.reference))}</td>
                    <td>{Text(c.title)}</td>
                    <td><code>{Text(c.requirement)}</code></td>
                    <td class="num">{c.passing}</td>
                    <td class="num">{c.failing}</td>
                    <td class="num">{c.exempt}</td>
                    <td class="num">{c.unknown}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table>
            <thead>
                <tr>
                    <th>"Control"</th>
                    <th>"What it asks"</th>
                    <th>"Requirement"</th>
                    <th class="num">"Passing"</th>
                    <th class="num">"Failing"</th>
                    <th class="num">"Exempt"</th>
                    <th class="num">"Unknown"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The scans the report covers.
#[component]
pub fn Scans(scans: Vec<ReportScan>) -> impl IntoView {
    let count = |n: Option<i64>| or_dash(n.map(|n| n.to_string()));
    let rows = scans
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <td class="num">{Text(format!("#{}", s.id))}</td>
                    <td>{Text(s.trigger)}</td>
                    <td>{Text(s.started_at)}</td>
                    <td>{or_dash(s.finished_at)}</td>
                    <td class="num">{s.buckets}</td>
                    <td class="num">{count(s.compliant)}</td>
                    <td class="num">{count(s.noncompliant)}</td>
                    <td class="num">{count(s.unknown)}</td>
                    <td class="num">{count(s.changes)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table>
            <thead>
                <tr>
                    <th class="num">"Scan"</th>
                    <th>"Trigger"</th>
                    <th>"Started"</th>
                    <th>"Finished"</th>
                    <th class="num">"Buckets"</th>
                    <th class="num">"Compliant"</th>
                    <th class="num">"Non-compliant"</th>
                    <th class="num">"Unknown"</th>
                    <th class="num">"Changes"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Every bucket, by name.
#[component]
pub fn Buckets(buckets: Vec<ReportBucket>) -> impl IntoView {
    if buckets.is_empty() {
        return Either::Left(view! { <p class="muted">"No bucket."</p> });
    }
    let rows = buckets.into_iter().map(bucket_row).collect_view();
    Either::Right(view! {
        <table class="buckets">
            <thead>
                <tr>
                    <th>"Bucket"</th>
                    <th>"Region"</th>
                    <th>"Status"</th>
                    <th>"Algorithm"</th>
                    <th>"KMS key"</th>
                    <th>"Data encryption"</th>
                    <th>"Compliant"</th>
                    <th>"Exemption"</th>
                    <th>"State since"</th>
                    <th>"Last change"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    })
}

fn bucket_row(b: ReportBucket) -> impl IntoView {
    let status = match b.error_code {
        Some(code) => Either::Left(view! {
            {Text(format!("{} ", b.status))}
            <span class="muted">{Text(format!("({code})"))}</span>
        }),
        None => Either::Right(Text(b.status)),
    };
    let last_change = match b.last_change {
        Some(c) => Either::Left(view! {
            {Text(format!("{} by {}", c.action, c.actor))}
            <br />
            <span class="muted">{Text(c.at)}</span>
        }),
        None => Either::Right(Text::from("—")),
    };
    view! {
        <tr>
            <td>{Text(b.name)}</td>
            <td>{Text(b.region)}</td>
            <td>{status}</td>
            <td>{or_dash(b.sse_algorithm)}</td>
            <td><code>{Text(b.kms_master_key_id.unwrap_or_default())}</code></td>
            <td>{or_dash(b.kms_data_encryption)}</td>
            <td>{compliance(b.compliant)}</td>
            <td>{or_dash(b.exemption)}</td>
            <td>{Text(b.state_since)}</td>
            <td>{last_change}</td>
        </tr>
    }
}

/// The policy's judgement, by word and glyph (never by colour alone).
fn compliance(compliant: Option<bool>) -> impl IntoView {
    match compliant {
        Some(true) => EitherOf3::A(view! { <span class="ok">"✓ yes"</span> }),
        Some(false) => EitherOf3::B(view! { <span class="bad">"✗ no"</span> }),
        None => EitherOf3::C(view! { <span class="unknown">"? unknown"</span> }),
    }
}

/// The encryption states recorded in the report's window.
#[component]
pub fn StateChanges(changes: Vec<ReportStateChange>) -> impl IntoView {
    if changes.is_empty() {
        return Either::Left(view! { <p class="muted">"No encryption change was recorded."</p> });
    }
    let rows = changes
        .into_iter()
        .map(|c| {
            let seen_by = match c.scan_id {
                Some(id) => format!("scan #{id}"),
                None => "re-read after a change".to_owned(),
            };
            view! {
                <tr>
                    <td>{Text(c.at)}</td>
                    <td>{Text(c.bucket)}</td>
                    <td>{Text(seen_by)}</td>
                    <td>{Text(state(c.before.as_ref()))}</td>
                    <td>{Text(state(Some(&c.after)))}</td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        <table>
            <thead>
                <tr>
                    <th>"When"</th>
                    <th>"Bucket"</th>
                    <th>"Seen by"</th>
                    <th>"Before"</th>
                    <th>"After"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    })
}

/// `first seen`, `encrypted KMS · key K`, `unknown (AccessDenied)`, `unencrypted`.
fn state(state: Option<&ReportState>) -> String {
    let Some(s) = state else {
        return "first seen".to_owned();
    };
    match (&s.sse_algorithm, &s.error_code) {
        (Some(algorithm), _) => format!(
            "encrypted {}",
            encryption(
                algorithm,
                s.kms_master_key_id.as_deref(),
                s.kms_data_encryption.as_deref()
            )
        ),
        (None, Some(code)) => format!("{} ({code})", s.status),
        (None, None) => s.status.clone(),
    }
}

/// The changes made through oss-audit in the report's window.
#[component]
pub fn Actions(actions: Vec<ReportAction>) -> impl IntoView {
    if actions.is_empty() {
        return Either::Left(
            view! { <p class="muted">"No change was made through oss-audit."</p> },
        );
    }
    let rows = actions.into_iter().map(action_row).collect_view();
    Either::Right(view! {
        <table>
            <thead>
                <tr>
                    <th>"When"</th>
                    <th>"Who"</th>
                    <th>"Action"</th>
                    <th>"Bucket"</th>
                    <th>"Outcome"</th>
                    <th>"OSS request id"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    })
}

fn action_row(a: ReportAction) -> impl IntoView {
    let outcome = if a.outcome == "ok" {
        Either::Left(view! { <span class="ok">"✓ ok"</span> })
    } else {
        Either::Right(view! { <span class="bad">{Text(format!("✗ {}", a.outcome))}</span> })
    };
    let detail = a.detail.map(|detail| {
        view! {
            <br />
            <span class="muted">{Text(detail)}</span>
        }
    });
    view! {
        <tr>
            <td>{Text(a.at)}</td>
            <td>{Text(a.actor)}</td>
            <td>{Text(a.action)}</td>
            <td>{or_dash(a.bucket)}</td>
            <td>{outcome}{detail}</td>
            <td><code>{Text(a.request_id.unwrap_or_default())}</code></td>
        </tr>
    }
}
