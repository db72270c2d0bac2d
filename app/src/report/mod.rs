//! The printable HTML of a report: one self-contained page (inline style, no script, no external
//! asset) that prints cleanly to PDF from a browser. Every value is written as [`Text`], and
//! values that share a text run are joined first, so the text reads exactly as it always has
//! (Leptos's empty `<!>` comments after lists and absent parts show nothing).

mod tables;

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::Text;
use crate::document::{Document, Stylesheet, render_html};
use crate::model::{PrintableReport, ReportPolicy, ReportRule, ReportTotals};

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

/// The whole HTML document of a report.
pub fn render_report(report: PrintableReport) -> String {
    render_html(move || view! { <Report report /> })
}

#[component]
fn Report(report: PrintableReport) -> impl IntoView {
    let title = format!("Encryption audit report #{}", report.report_id);
    let meta = format!(
        " · made {} · {} by {}",
        report.created_at, report.trigger, report.created_by
    );
    view! {
        <Document title=format!("{title} · {}", report.account) stylesheet=Stylesheet::Inline(STYLE)>
            <header>
                <h1>{Text(title)}</h1>
                <p class="meta">"Account "<strong>{Text(report.account)}</strong>{Text(meta)}</p>
            </header>
            <Integrity
                report_id=report.report_id
                digest=report.digest
                previous=report.previous
                period=(report.period_from, report.period_to)
            />
            <h2>"Summary"</h2>
            <Summary totals=report.totals />
            <h2>"Policy in force"</h2>
            <Policy policy=report.policy />
            <h2>"Controls"</h2>
            <tables::Controls controls=report.controls />
            <h2>"Scans covered"</h2>
            <tables::Scans scans=report.scans />
            <h2>{Text(format!("Buckets ({})", report.buckets.len()))}</h2>
            <tables::Buckets buckets=report.buckets />
            <h2>
                {Text(format!(
                    "Encryption changes since the previous report ({})",
                    report.encryption_changes.len(),
                ))}
            </h2>
            <tables::StateChanges changes=report.encryption_changes />
            <h2>
                {Text(format!("Changes made through oss-audit ({})", report.actions.len()))}
            </h2>
            <tables::Actions actions=report.actions />
        </Document>
    }
}

/// The digest, the link to the previous report, the period, and how to check them.
#[component]
fn Integrity(
    report_id: i64,
    digest: String,
    previous: Option<(i64, String)>,
    period: (Option<String>, String),
) -> impl IntoView {
    let previous = match previous {
        Some((id, digest)) => Either::Left(view! {
            {Text(format!("#{id} · "))}
            <span class="digest" id="previous-digest">{Text(digest)}</span>
        }),
        None => Either::Right(Text::from("none: this is the first report of the chain")),
    };
    let (from, to) = period;
    let period = format!("{} to {to}", from.as_deref().unwrap_or("the beginning"));
    view! {
        <section class="integrity" aria-label="Integrity">
            <dl class="facts">
                <dt>"SHA-256 digest"</dt>
                <dd><span class="digest" id="digest">{Text(digest)}</span></dd>
                <dt>"Previous report"</dt>
                <dd>{previous}</dd>
                <dt>"Period"</dt>
                <dd>{Text(period)}</dd>
            </dl>
            <p>
                {Text(format!(
                    "The digest is the SHA-256 of this report's JSON download (report-{report_id}.json): ",
                ))}
                <code>{Text(format!("sha256sum report-{report_id}.json"))}</code>
                " prints it. That JSON names the previous report's digest in "
                <code>"previous_digest"</code>
                ", so each report vouches for the one before it; "
                <code>"oss-audit report verify"</code>
                " checks the whole chain."
            </p>
        </section>
    }
}

/// The totals and the compliance rate.
#[component]
fn Summary(totals: ReportTotals) -> impl IntoView {
    let t = totals;
    let rate = if t.buckets == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", t.compliant as f64 * 100.0 / t.buckets as f64)
    };
    view! {
        <table class="totals">
            <thead>
                <tr>
                    <th class="num">"Buckets"</th>
                    <th class="num">"Compliant"</th>
                    <th class="num">"Non-compliant"</th>
                    <th class="num">"Unknown"</th>
                    <th class="num">"Encrypted"</th>
                    <th class="num">"Unencrypted"</th>
                    <th class="num">"Compliance"</th>
                </tr>
            </thead>
            <tbody>
                <tr>
                    <td class="num">{t.buckets}</td>
                    <td class="num ok">{t.compliant}</td>
                    <td class="num bad">{t.noncompliant}</td>
                    <td class="num unknown">{t.unknown}</td>
                    <td class="num">{t.encrypted}</td>
                    <td class="num">{t.unencrypted}</td>
                    <td class="num">{Text(rate)}</td>
                </tr>
            </tbody>
        </table>
        <p class="muted">
            "Unknown buckets could not be read (for example, access denied); they are never counted as compliant."
        </p>
    }
}

/// The policy in force and the rule remediation sets.
#[component]
fn Policy(policy: ReportPolicy) -> impl IntoView {
    let keys = (!policy.allowed_kms_keys.is_empty()).then(|| {
        view! {
            <dt>"Allowed CMKs"</dt>
            <dd>{Text(policy.allowed_kms_keys.join(", "))}</dd>
        }
    });
    let set = match policy.set {
        Some((at, by)) => format!("{at} by {by}"),
        None => "never: the default policy applies".to_owned(),
    };
    view! {
        <dl class="facts">
            <dt>"Requirement"</dt>
            <dd><code>{Text(policy.requirement)}</code></dd>
            {keys}
            <dt>"Remediation sets"</dt>
            <dd>{Text(rule(&policy.remediation_target))}</dd>
            <dt>"Set"</dt>
            <dd>{Text(set)}</dd>
        </dl>
    }
}

fn rule(rule: &ReportRule) -> String {
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
