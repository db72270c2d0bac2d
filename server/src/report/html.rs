//! The printable HTML of a report: one self-contained page (inline style, no script, no external
//! asset) that prints cleanly to PDF from a browser. Every value is escaped by maud.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::document::{
    ActionEntry, BucketEntry, ReportDocument, RuleEntry, ScanEntry, StateChange, StateEntry,
};
use crate::store::ReportRecord;

/// The page's only style. Print rules: A4 with margins, table headers repeated on every page,
/// rows never split, no background colours needed to read a status (each has a word and a glyph).
const STYLE: &str = r#"
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; }
body { margin: 2rem auto; max-width: 75rem; padding: 0 1rem; font-size: 14px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
.meta { color: #57606a; margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
code, .digest { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; overflow-wrap: anywhere; }
.integrity { border: 1px solid #d0d7de; border-radius: 6px; padding: .75rem 1rem; background: #f6f8fa; }
.integrity p { margin: .5rem 0 0; color: #57606a; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.totals td.num { font-size: 1.1rem; font-weight: 600; }
.ok { color: #1a7f37; }
.bad { color: #cf222e; }
.unknown { color: #9a6700; }
.muted { color: #57606a; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10px; }
  .integrity { background: none; }
  thead { display: table-header-group; }
  tr, .integrity, dl.facts { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"#;

/// The HTML page of a stored report.
pub fn render(report: &ReportDocument, record: &ReportRecord) -> String {
    let title = format!("Encryption audit report #{}", report.report_id);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (report.account) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (title) }
                    p.meta {
                        "Account " strong { (report.account) } " · made " (report.created_at)
                        " · " (report.trigger) " by " (report.created_by)
                    }
                }
                (integrity(report, record))
                h2 { "Summary" }
                (summary(report))
                h2 { "Policy in force" }
                (policy(report))
                h2 { "Scans covered" }
                (scans(&report.scans))
                h2 { "Buckets (" (report.buckets.len()) ")" }
                (buckets(&report.buckets))
                h2 { "Encryption changes since the previous report (" (report.changes.encryption.len()) ")" }
                (state_changes(&report.changes.encryption))
                h2 { "Changes made through oss-audit (" (report.changes.actions.len()) ")" }
                (actions(&report.changes.actions))
            }
        }
    };
    page.into_string()
}

fn integrity(report: &ReportDocument, record: &ReportRecord) -> Markup {
    html! {
        section.integrity aria-label="Integrity" {
            dl.facts {
                dt { "SHA-256 digest" }
                dd { span.digest id="digest" { (record.digest) } }
                dt { "Previous report" }
                dd {
                    @match (&report.previous_report_id, &report.previous_digest) {
                        (Some(id), Some(digest)) => { "#" (id) " · " span.digest id="previous-digest" { (digest) } }
                        _ => { "none: this is the first report of the chain" }
                    }
                }
                dt { "Period" }
                dd { (report.period.from.as_deref().unwrap_or("the beginning")) " to " (report.period.to) }
            }
            p {
                "The digest is the SHA-256 of this report's JSON download (report-" (report.report_id)
                ".json): " code { "sha256sum report-" (report.report_id) ".json" } " prints it. That JSON names the "
                "previous report's digest in " code { "previous_digest" } ", so each report vouches for the one "
                "before it; " code { "oss-audit report verify" } " checks the whole chain."
            }
        }
    }
}

fn summary(report: &ReportDocument) -> Markup {
    let t = report.totals;
    let rate = if t.buckets == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", t.compliant as f64 * 100.0 / t.buckets as f64)
    };
    html! {
        table.totals {
            thead { tr {
                th.num { "Buckets" } th.num { "Compliant" } th.num { "Non-compliant" } th.num { "Unknown" }
                th.num { "Encrypted" } th.num { "Unencrypted" } th.num { "Compliance" }
            } }
            tbody { tr {
                td.num { (t.buckets) } td.num.ok { (t.compliant) } td.num.bad { (t.noncompliant) }
                td.num.unknown { (t.unknown) } td.num { (t.encrypted) } td.num { (t.unencrypted) }
                td.num { (rate) }
            } }
        }
        p.muted { "Unknown buckets could not be read (for example, access denied); they are never counted as compliant." }
    }
}

fn policy(report: &ReportDocument) -> Markup {
    let p = &report.policy;
    html! {
        dl.facts {
            dt { "Requirement" } dd { code { (p.requirement) } }
            @if !p.allowed_kms_keys.is_empty() {
                dt { "Allowed CMKs" } dd { (p.allowed_kms_keys.join(", ")) }
            }
            dt { "Remediation sets" } dd { (rule(&p.remediation_target)) }
            dt { "Set" }
            dd {
                @match (&p.updated_at, &p.updated_by) {
                    (Some(at), Some(by)) => { (at) " by " (by) }
                    _ => { "never: the default policy applies" }
                }
            }
        }
    }
}

fn rule(rule: &RuleEntry) -> String {
    encryption(
        &rule.sse_algorithm,
        rule.kms_master_key_id.as_deref(),
        rule.kms_data_encryption.as_deref(),
    )
}

/// `AES256`, `KMS · key K`, `SM4 · data SM4` and so on.
fn encryption(algorithm: &str, key: Option<&str>, data: Option<&str>) -> String {
    let mut text = algorithm.to_owned();
    if let Some(key) = key {
        text.push_str(&format!(" · key {key}"));
    }
    if let Some(data) = data {
        text.push_str(&format!(" · data {data}"));
    }
    text
}

fn scans(scans: &[ScanEntry]) -> Markup {
    let count = |n: Option<i64>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
    html! {
        table {
            thead { tr {
                th.num { "Scan" } th { "Trigger" } th { "Started" } th { "Finished" } th.num { "Buckets" }
                th.num { "Compliant" } th.num { "Non-compliant" } th.num { "Unknown" } th.num { "Changes" }
            } }
            tbody {
                @for s in scans {
                    tr {
                        td.num { "#" (s.id) } td { (s.trigger) } td { (s.started_at) }
                        td { (s.finished_at.as_deref().unwrap_or("—")) } td.num { (s.buckets) }
                        td.num { (count(s.compliant)) } td.num { (count(s.noncompliant)) }
                        td.num { (count(s.unknown)) } td.num { (count(s.changes)) }
                    }
                }
            }
        }
    }
}

fn compliance(compliant: Option<bool>) -> Markup {
    match compliant {
        Some(true) => html! { span.ok { "✓ yes" } },
        Some(false) => html! { span.bad { "✗ no" } },
        None => html! { span.unknown { "? unknown" } },
    }
}

fn buckets(buckets: &[BucketEntry]) -> Markup {
    html! {
        @if buckets.is_empty() {
            p.muted { "No bucket." }
        } @else {
            table.buckets {
                thead { tr {
                    th { "Bucket" } th { "Region" } th { "Status" } th { "Algorithm" } th { "KMS key" }
                    th { "Data encryption" } th { "Compliant" } th { "Exemption" } th { "State since" }
                    th { "Last change" }
                } }
                tbody {
                    @for b in buckets {
                        tr {
                            td { (b.name) } td { (b.region) }
                            td {
                                (b.status)
                                @if let Some(code) = &b.error_code { " " span.muted { "(" (code) ")" } }
                            }
                            td { (b.sse_algorithm.as_deref().unwrap_or("—")) }
                            td { code { (b.kms_master_key_id.as_deref().unwrap_or("")) } }
                            td { (b.kms_data_encryption.as_deref().unwrap_or("—")) }
                            td { (compliance(b.compliant)) }
                            td { (b.exemption.as_ref().map_or_else(|| "—".to_owned(), ToString::to_string)) }
                            td { (b.state_since) }
                            td {
                                @match &b.last_change {
                                    Some(c) => { (c.action) " by " (c.actor) br; span.muted { (c.at) } }
                                    None => { "—" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn state(state: Option<&StateEntry>) -> String {
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

fn state_changes(changes: &[StateChange]) -> Markup {
    html! {
        @if changes.is_empty() {
            p.muted { "No encryption change was recorded." }
        } @else {
            table {
                thead { tr { th { "When" } th { "Bucket" } th { "Seen by" } th { "Before" } th { "After" } } }
                tbody {
                    @for c in changes {
                        tr {
                            td { (c.at) } td { (c.bucket) }
                            td {
                                @match c.scan_id { Some(id) => { "scan #" (id) } None => { "re-read after a change" } }
                            }
                            td { (state(c.before.as_ref())) } td { (state(Some(&c.after))) }
                        }
                    }
                }
            }
        }
    }
}

fn actions(actions: &[ActionEntry]) -> Markup {
    html! {
        @if actions.is_empty() {
            p.muted { "No change was made through oss-audit." }
        } @else {
            table {
                thead { tr {
                    th { "When" } th { "Who" } th { "Action" } th { "Bucket" } th { "Outcome" } th { "OSS request id" }
                } }
                tbody {
                    @for a in actions {
                        tr {
                            td { (a.at) } td { (a.actor) } td { (a.action) }
                            td { (a.bucket.as_deref().unwrap_or("—")) }
                            td {
                                @if a.outcome == "ok" { span.ok { "✓ ok" } } @else { span.bad { "✗ " (a.outcome) } }
                                @if let Some(detail) = &a.detail { br; span.muted { (detail) } }
                            }
                            td { code { (a.request_id.as_deref().unwrap_or("")) } }
                        }
                    }
                }
            }
        }
    }
}
