//! The reports page: stored audit reports with their digests and downloads (CSV, JSON, printable
//! HTML), the schedule, how to check a report, and "Create report now" for operators.

use leptos::prelude::*;

use crate::components::Time;
use crate::model::{Chrome, ReportRow, ReportsModel};

/// Characters of a digest shown in the list (the whole digest is in the cell's title).
const SHORT_DIGEST: usize = 12;

/// The reports page.
#[component]
pub fn Reports(model: ReportsModel, chrome: Chrome) -> impl IntoView {
    let create = chrome.can_operate().then(|| {
        let hint = (!model.has_completed_scan).then(|| {
            view! {
                <p class="muted" id="create-report-hint">
                    "A report needs a completed scan: start one on the "
                    <a href="/scans">"Scans"</a>" page first."
                </p>
            }
        });
        view! {
            <form class="create-report" method="post" action="/reports">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <button type="submit" class="primary" disabled=!model.has_completed_scan
                    aria-describedby=(!model.has_completed_scan).then_some("create-report-hint")>
                    "Create report now"
                </button>
            </form>
            {hint}
        }
    });
    let now = chrome.now.clone();
    let list = if model.reports.is_empty() {
        view! { <p class="muted">"No report has been made yet."</p> }.into_any()
    } else {
        let rows = model
            .reports
            .iter()
            .map(|report| view! { <Row report=report.clone() now=now.clone() /> })
            .collect_view();
        view! {
            <table class="data reports">
                <thead>
                    <tr>
                        <th scope="col" class="num">"Report"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Trigger"</th>
                        <th scope="col">"By"</th>
                        <th scope="col" class="num">"Buckets"</th>
                        <th scope="col" class="num">"Compliant"</th>
                        <th scope="col" class="num">"Non-compliant"</th>
                        <th scope="col" class="num">"Unknown"</th>
                        <th scope="col">"SHA-256"</th>
                        <th scope="col">"Download"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h1>"Reports"</h1>
        <p>
            "Each report is a frozen snapshot of the compliance state after a completed scan: every \
             bucket, the totals, the policy in force, the changes since the previous report and who \
             made them. Reports are never changed once stored."
        </p>
        {create}
        <Schedule model=model.clone() now=chrome.now.clone() />
        <section>
            <h2>"Stored reports"</h2>
            {list}
        </section>
        <section class="verify-help">
            <h2>"Checking a report"</h2>
            <p>
                "The SHA-256 shown is the digest of the report's JSON download: "
                <code>"sha256sum report-N.json"</code>
                " prints the same value. Each JSON names the previous report's digest in "
                <code>"previous_digest"</code>
                ", so the reports form a chain: a report edited after the fact no longer matches \
                 its digest, and the report after it no longer matches its predecessor. "
                <code>"oss-audit report verify"</code>
                " checks the whole chain and names the first broken report."
            </p>
        </section>
    }
}

#[component]
fn Schedule(model: ReportsModel, now: String) -> impl IntoView {
    let text = match model.schedule.as_deref() {
        None => view! { <p>"The report schedule starts with the server."</p> }.into_any(),
        Some("off") => view! {
            <p>"Scheduled reports are off (" <code>"OSS_AUDIT_REPORT_SCHEDULE=off"</code> "): reports are made on demand only."</p>
        }
        .into_any(),
        Some(schedule) => {
            let next = model
                .next_run
                .map(|at| view! { " The next one: " <Time at=at now=now.clone() /> "." });
            view! {
                <p>
                    "Reports are made on the schedule " <code>{schedule.to_owned()}</code>
                    " (cron, in the time zone named; UTC otherwise)." {next}
                    " A report missed while the server was down is made once at the next start."
                </p>
            }
            .into_any()
        }
    };
    view! {
        <section class="schedule">
            <h2>"Schedule"</h2>
            {text}
        </section>
    }
}

#[component]
fn Row(report: ReportRow, now: String) -> impl IntoView {
    let id = report.id;
    let short: String = report.digest.chars().take(SHORT_DIGEST).collect();
    let title = match &report.previous_digest {
        Some(previous) => format!("{} (previous report: {previous})", report.digest),
        None => format!("{} (the first report of the chain)", report.digest),
    };
    let download = move |format: &'static str, label: &'static str| {
        view! {
            <a href=format!("/reports/{id}/download?format={format}")
                aria-label=format!("Report {id} as {label}")>{label}</a>
        }
    };
    view! {
        <tr id=format!("report-{id}")>
            <td class="num">{format!("#{id}")}</td>
            <td><Time at=report.created_at.clone() now=now /></td>
            <td>{report.trigger.clone()}</td>
            <td>{report.created_by.clone()}</td>
            <td class="num">{report.buckets}</td>
            <td class="num">{report.compliant}</td>
            <td class="num">{report.noncompliant}</td>
            <td class="num">{report.unknown}</td>
            <td><code class="digest" title=title>{format!("{short}…")}</code></td>
            <td class="downloads">
                {download("csv", "CSV")}" · "{download("json", "JSON")}" · "{download("html", "HTML")}
            </td>
        </tr>
    }
}
