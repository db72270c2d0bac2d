//! The printable HTML of a report: the stored document turned into the app's view model of the
//! printable report, which the app renders as one self-contained page (inline style, no script,
//! no external asset).

use app::model::{
    PrintableReport, ReportAction, ReportBucket, ReportLastChange, ReportPolicy, ReportRule,
    ReportScan, ReportState, ReportStateChange, ReportTotals,
};

use super::document::{
    ActionEntry, BucketEntry, ReportDocument, RuleEntry, ScanEntry, StateChange, StateEntry,
};
use crate::store::ReportRecord;

/// The HTML page of a stored report.
pub fn render(report: ReportDocument, record: &ReportRecord) -> String {
    app::report::render_report(printable(report, record))
}

fn printable(report: ReportDocument, record: &ReportRecord) -> PrintableReport {
    let policy = report.policy;
    let t = report.totals;
    PrintableReport {
        report_id: report.report_id,
        account: report.account,
        created_at: report.created_at,
        trigger: report.trigger,
        created_by: report.created_by,
        digest: record.digest.clone(),
        previous: report.previous_report_id.zip(report.previous_digest),
        period_from: report.period.from,
        period_to: report.period.to,
        policy: ReportPolicy {
            requirement: policy.requirement,
            allowed_kms_keys: policy.allowed_kms_keys,
            remediation_target: rule(policy.remediation_target),
            set: policy.updated_at.zip(policy.updated_by),
        },
        totals: ReportTotals {
            buckets: t.buckets,
            encrypted: t.encrypted,
            unencrypted: t.unencrypted,
            unknown: t.unknown,
            compliant: t.compliant,
            noncompliant: t.noncompliant,
        },
        controls: report
            .controls
            .into_iter()
            .map(|c| app::model::ControlRow {
                id: c.id,
                framework: c.framework,
                reference: c.reference,
                title: c.title,
                requirement: c.requirement,
                passing: c.passing,
                failing: c.failing,
                exempt: c.exempt,
                unknown: c.unknown,
            })
            .collect(),
        scans: report.scans.into_iter().map(scan).collect(),
        buckets: report.buckets.into_iter().map(bucket).collect(),
        encryption_changes: report
            .changes
            .encryption
            .into_iter()
            .map(state_change)
            .collect(),
        actions: report.changes.actions.into_iter().map(action).collect(),
    }
}

fn rule(rule: RuleEntry) -> ReportRule {
    ReportRule {
        sse_algorithm: rule.sse_algorithm,
        kms_master_key_id: rule.kms_master_key_id,
        kms_data_encryption: rule.kms_data_encryption,
    }
}

fn scan(s: ScanEntry) -> ReportScan {
    ReportScan {
        id: s.id,
        trigger: s.trigger,
        started_at: s.started_at,
        finished_at: s.finished_at,
        buckets: s.buckets,
        compliant: s.compliant,
        noncompliant: s.noncompliant,
        unknown: s.unknown,
        changes: s.changes,
    }
}

fn bucket(b: BucketEntry) -> ReportBucket {
    ReportBucket {
        name: b.name,
        region: b.region,
        status: b.status,
        sse_algorithm: b.sse_algorithm,
        kms_master_key_id: b.kms_master_key_id,
        kms_data_encryption: b.kms_data_encryption,
        compliant: b.compliant.and_then(crate::view::Judgement::judged),
        error_code: b.error_code,
        exemption: b.exemption.map(|e| {
            format!(
                "exempt until {} (exemption {} of {}): {}; requested by {}, approved by {}",
                e.expires_at, e.id, e.buckets, e.reason, e.requested_by, e.approved_by
            )
        }),
        state_since: b.state_since,
        last_change: b.last_change.map(|c| ReportLastChange {
            at: c.at,
            actor: c.actor,
            action: c.action,
        }),
    }
}

fn state(s: StateEntry) -> ReportState {
    ReportState {
        status: s.status,
        sse_algorithm: s.sse_algorithm,
        kms_master_key_id: s.kms_master_key_id,
        kms_data_encryption: s.kms_data_encryption,
        error_code: s.error_code,
    }
}

fn state_change(c: StateChange) -> ReportStateChange {
    ReportStateChange {
        at: c.at,
        bucket: c.bucket,
        scan_id: c.scan_id,
        before: c.before.map(state),
        after: state(c.after),
    }
}

fn action(a: ActionEntry) -> ReportAction {
    ReportAction {
        at: a.at,
        actor: a.actor,
        action: a.action,
        bucket: a.bucket,
        outcome: a.outcome,
        detail: a.detail,
        request_id: a.request_id,
    }
}
