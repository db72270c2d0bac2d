//! The words of a notification: one short summary per event (counts, a bounded list of bucket
//! names, a link), rendered as Slack mrkdwn or DingTalk markdown.

use url::Url;

use crate::domain::{
    Became, BucketsNoncompliant, Cause, Event, ExemptionExpired, ExemptionExpiring,
    RemediationFinished,
};

/// What a chat message says, before formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// One line with the counts.
    pub title: String,
    /// Details: bucket names, failures, a digest; bounded by the event itself.
    pub lines: Vec<String>,
    /// Where to look in the dashboard.
    pub link: Url,
}

/// A dashboard address under `base`, e.g. `reports/7` or `buckets?compliant=false`.
pub fn dashboard_link(base: &Url, path: &str) -> Url {
    let root = base.as_str().trim_end_matches('/');
    Url::parse(&format!("{root}/{path}")).unwrap_or_else(|_| base.clone())
}

fn plural(count: u64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// The summary of `event`, linking under `base`. It names the account the event is about, or
/// `hub` (the installation's own account) for what concerns the whole estate.
pub fn summarise(event: &Event, hub: &str, base: &Url) -> Summary {
    let account = event.account().unwrap_or(hub);
    match event {
        Event::BucketsNoncompliant(e) => buckets(e, account, base),
        Event::RemediationFinished(e) => remediation(e, account, base),
        Event::ScanFailed(e) => Summary {
            title: format!("Scan {} failed (account {account})", e.scan),
            lines: vec![e.error.clone()],
            link: dashboard_link(base, "scans"),
        },
        Event::ReportReady(e) => Summary {
            title: format!(
                "Report {} is ready (account {account}): {}, {} compliant, {} non-compliant, {} unknown",
                e.report,
                plural(e.buckets, "bucket", "buckets"),
                e.compliant,
                e.noncompliant,
                e.unknown
            ),
            lines: vec![format!("SHA-256 {}", e.digest)],
            link: dashboard_link(base, &format!("reports/{}", e.report)),
        },
        Event::KeyUnusable(e) => keys_unusable(e, account, base),
        Event::Test(e) => Summary {
            title: format!("Test notification from oss-audit (account {account})"),
            lines: vec![format!(
                "Sent by {}. If you can read this, notifications reach this target.",
                e.actor
            )],
            link: dashboard_link(base, "settings/notifications"),
        },
        Event::ExemptionExpiring(e) => expiring(e, account, base),
        Event::ExemptionExpired(e) => expired(e, account, base),
    }
}

fn expiring(e: &ExemptionExpiring, account: &str, base: &Url) -> Summary {
    Summary {
        title: format!(
            "Exemption {} for {} ends on {} (account {account}): {} exempt until then",
            e.exemption,
            e.pattern,
            e.expires_at.format("%Y-%m-%d %H:%M UTC"),
            plural(e.buckets, "bucket", "buckets"),
        ),
        lines: vec![
            format!("Reason: {}", e.reason),
            format!(
                "Requested by {}, approved by {}. Fix the buckets, or request a new exemption.",
                e.requested_by, e.approved_by
            ),
        ],
        link: dashboard_link(base, "exemptions"),
    }
}

fn expired(e: &ExemptionExpired, account: &str, base: &Url) -> Summary {
    let mut lines = vec![format!("Reason it was granted: {}", e.reason)];
    lines.extend(e.buckets.iter().map(|b| {
        let what = match (b.became, &b.detail) {
            (Became::Unknown, Some(code)) => format!("unknown ({code})"),
            (_, Some(algorithm)) if b.status == "encrypted" => {
                format!("encrypted with {algorithm}, which the policy refuses")
            }
            _ => b.status.clone(),
        };
        match &b.account {
            Some(account) => format!("• {} (account {account}): {what}", b.name),
            None => format!("• {}: {what}", b.name),
        }
    }));
    let total = e.noncompliant + e.unknown;
    if total > e.buckets.len() as u64 {
        lines.push(format!("…and {} more", total - e.buckets.len() as u64));
    }
    Summary {
        title: format!(
            "Exemption {} for {} expired (account {account}): {} non-compliant, {} unknown",
            e.exemption, e.pattern, e.noncompliant, e.unknown
        ),
        lines,
        link: dashboard_link(base, "buckets?compliant=false"),
    }
}

fn keys_unusable(e: &crate::domain::KeysUnusable, account: &str, base: &Url) -> Summary {
    let buckets: usize = e.keys.iter().map(|k| k.buckets.len()).sum();
    let lines = e
        .keys
        .iter()
        .map(|k| {
            let until = k.readable_until.map_or_else(String::new, |at| {
                format!(", readable until {}", at.format("%Y-%m-%d"))
            });
            format!(
                "key {} ({}) is {}{until}: {}",
                k.key_id,
                k.region,
                k.state,
                k.buckets.join(", ")
            )
        })
        .collect();
    Summary {
        title: format!(
            "CRITICAL: {} behind SSE-KMS unusable, {} affected (account {account})",
            plural(e.keys.len() as u64, "customer key", "customer keys"),
            plural(buckets as u64, "bucket", "buckets")
        ),
        lines,
        link: dashboard_link(base, "keys"),
    }
}

fn buckets(e: &BucketsNoncompliant, account: &str, base: &Url) -> Summary {
    let mut parts = Vec::new();
    if e.noncompliant > 0 {
        parts.push(format!(
            "{} non-compliant",
            plural(e.noncompliant, "bucket became", "buckets became")
        ));
    }
    if e.unknown > 0 {
        parts.push(format!(
            "{} unknown",
            plural(e.unknown, "bucket became", "buckets became")
        ));
    }
    let mut lines: Vec<String> = e
        .buckets
        .iter()
        .map(|b| {
            let what = match (b.became, b.status.as_str(), &b.detail) {
                (Became::Unknown, _, Some(code)) => format!("unknown ({code})"),
                (_, "encrypted", Some(algorithm)) => {
                    format!("encrypted with {algorithm}, which the policy refuses")
                }
                (_, status, _) => status.to_owned(),
            };
            let new = if b.new { ", new bucket" } else { "" };
            match &b.account {
                Some(account) => format!("• {} (account {account}): {what}{new}", b.name),
                None => format!("• {}: {what}{new}", b.name),
            }
        })
        .collect();
    let listed = e.buckets.len() as u64;
    let total = e.noncompliant + e.unknown;
    if total > listed {
        lines.push(format!("…and {} more", total - listed));
    }
    let filter = if e.noncompliant > 0 {
        "buckets?compliant=false"
    } else {
        "buckets?status=unknown"
    };
    let by = e.by.as_deref().unwrap_or("someone");
    let cause = match (e.cause, e.scan) {
        (Cause::Scan, Some(scan)) => format!("scan {scan}"),
        (Cause::Scan, None) => "scan".to_owned(),
        (Cause::Change, _) => format!("encryption changed by {by}"),
        (Cause::Policy, _) => format!("policy changed by {by}"),
        (Cause::Exemption, _) => "an exemption ended".to_owned(),
    };
    Summary {
        title: format!("{} ({cause}, account {account})", parts.join(" and ")),
        lines,
        link: dashboard_link(base, filter),
    }
}

fn remediation(e: &RemediationFinished, account: &str, base: &Url) -> Summary {
    let mut lines: Vec<String> = e
        .failures
        .iter()
        .map(|f| match &f.account {
            Some(account) => format!("• {} (account {account}): {}", f.bucket, f.error),
            None => format!("• {}: {}", f.bucket, f.error),
        })
        .collect();
    if e.failed > e.failures.len() as u64 {
        lines.push(format!("…and {} more", e.failed - e.failures.len() as u64));
    }
    Summary {
        title: format!(
            "Remediation by {} finished (account {account}): {} encrypted, {} failed",
            e.actor,
            plural(e.remediated, "bucket", "buckets"),
            e.failed
        ),
        lines,
        link: dashboard_link(base, "audit-log"),
    }
}

/// Escapes the three characters Slack's mrkdwn treats as control characters.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Makes `text` plain text inside DingTalk markdown: markdown punctuation is escaped with a
/// backslash, HTML's `<`, `>` and `&` become entities, and line breaks become spaces, so a name
/// or an error text (a token's name, an OSS message) cannot add links, images, headings or
/// emphasis to the message.
fn dingtalk_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

impl Summary {
    /// Slack mrkdwn: the title in bold, the details, a link.
    pub fn slack(&self) -> String {
        let mut text = format!("*oss-audit: {}*", slack_escape(&self.title));
        for line in &self.lines {
            text.push('\n');
            text.push_str(&slack_escape(line));
        }
        text.push_str(&format!("\n<{}|Open in oss-audit>", self.link));
        text
    }

    /// DingTalk markdown: a heading, the details as lines, a link; every text escaped.
    pub fn dingtalk(&self) -> String {
        let mut text = format!("#### oss-audit: {}\n", dingtalk_escape(&self.title));
        for line in &self.lines {
            text.push_str(&format!("\n{}\n", dingtalk_escape(line)));
        }
        text.push_str(&format!("\n[Open in oss-audit]({})", self.link));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::BucketTransition;
    use crate::domain::ScanId;

    fn base() -> Url {
        Url::parse("https://audit.example.com/oss").unwrap()
    }

    #[test]
    fn links_stay_under_the_public_address() {
        assert_eq!(
            dashboard_link(&base(), "reports/7").as_str(),
            "https://audit.example.com/oss/reports/7"
        );
        let root = Url::parse("http://127.0.0.1:3000/").unwrap();
        assert_eq!(
            dashboard_link(&root, "buckets?compliant=false").as_str(),
            "http://127.0.0.1:3000/buckets?compliant=false"
        );
    }

    #[test]
    fn a_scan_summary_counts_everything_but_lists_only_what_the_event_holds() {
        let event = Event::BucketsNoncompliant(BucketsNoncompliant {
            cause: Cause::Scan,
            account: Some("payments-prod".into()),
            scan: Some(ScanId::new(4)),
            by: None,
            noncompliant: 30,
            unknown: 1,
            buckets: vec![BucketTransition {
                account: None,
                name: "logs-1".into(),
                became: Became::Noncompliant,
                status: "unencrypted".into(),
                detail: None,
                new: true,
            }],
        });
        let summary = summarise(&event, "default", &base());
        assert_eq!(
            summary.title,
            "30 buckets became non-compliant and 1 bucket became unknown (scan 4, account payments-prod)"
        );
        assert_eq!(
            summary.lines,
            ["• logs-1: unencrypted, new bucket", "…and 30 more"]
        );
        assert!(
            summary
                .link
                .as_str()
                .ends_with("/oss/buckets?compliant=false")
        );
        assert!(
            summary.slack().contains(
                "<https://audit.example.com/oss/buckets?compliant=false|Open in oss-audit>"
            )
        );
    }

    #[test]
    fn a_change_or_policy_summary_names_who_caused_it() {
        let refused = |cause, by: &str| {
            Event::BucketsNoncompliant(BucketsNoncompliant {
                cause,
                account: None,
                scan: None,
                by: Some(by.to_owned()),
                noncompliant: 1,
                unknown: 0,
                buckets: vec![BucketTransition {
                    account: Some("web-staging".into()),
                    name: "logs-1".into(),
                    became: Became::Noncompliant,
                    status: "encrypted".into(),
                    detail: Some("AES256".into()),
                    new: false,
                }],
            })
        };
        let change = summarise(&refused(Cause::Change, "user:alice"), "default", &base());
        assert_eq!(
            change.title,
            "1 bucket became non-compliant (encryption changed by user:alice, account default)"
        );
        assert_eq!(
            change.lines,
            ["• logs-1 (account web-staging): encrypted with AES256, which the policy refuses"]
        );
        let policy = summarise(&refused(Cause::Policy, "token:ci"), "default", &base());
        assert_eq!(
            policy.title,
            "1 bucket became non-compliant (policy changed by token:ci, account default)"
        );
    }

    #[test]
    fn an_event_queued_before_causes_existed_reads_as_a_scan() {
        let queued =
            r#"{"type":"buckets_noncompliant","scan":9,"noncompliant":1,"unknown":0,"buckets":[]}"#;
        let Event::BucketsNoncompliant(event) = serde_json::from_str(queued).unwrap() else {
            panic!("a buckets_noncompliant event");
        };
        assert_eq!(
            (event.cause, event.scan, event.by),
            (Cause::Scan, Some(ScanId::new(9)), None)
        );
    }

    #[test]
    fn dingtalk_text_escapes_markdown_and_html() {
        let summary = Summary {
            title: "by token:[x](https://evil.example) *b*".into(),
            lines: vec!["• a-bucket: <img src=x> & ![i](u)\n# heading".into()],
            link: base(),
        };
        let text = summary.dingtalk();
        assert!(
            text.starts_with(r"#### oss-audit: by token:\[x\]\(https://evil.example\) \*b\*"),
            "{text}"
        );
        assert!(
            text.contains(r"• a-bucket: &lt;img src=x&gt; &amp; \!\[i\]\(u\) \# heading"),
            "{text}"
        );
        assert!(text.ends_with("[Open in oss-audit](https://audit.example.com/oss)"));
    }

    #[test]
    fn slack_text_escapes_control_characters() {
        let summary = Summary {
            title: "a <b> & c".into(),
            lines: vec![],
            link: base(),
        };
        assert!(
            summary
                .slack()
                .starts_with("*oss-audit: a &lt;b&gt; &amp; c*")
        );
    }
}
