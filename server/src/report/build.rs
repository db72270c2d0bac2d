//! Making a report: read the state inside one write transaction (a consistent picture, and no
//! other report can take the same place in the chain), freeze it as JSON, digest, store, notify.

use crate::auth::secrets::sha256_hex;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::SqliteConnection;

use std::collections::BTreeMap;

use super::document::{
    AccountEntry, ActionEntry, BucketEntry, Changes, LastChange, Period, PolicySection,
    ReportDocument, RuleEntry, SCHEMA_VERSION, ScanEntry, ScanPartEntry, StateChange, StateEntry,
    Totals,
};
use super::{ReportError, ReportTrigger};
use crate::domain::{
    AccountId, EncryptionRule, Event, KmsDataEncryption, KmsKeyId, ReportId, ReportReady, ScanId,
};
use crate::notify;
use crate::store::{
    self, AccountScanRecord, ChangeRecord, IdWindow, ReportBucketRow, ReportStateChangeRow,
    ReportWindowEnd, ScanRecord,
};
use crate::view::{ExemptionNote, Judgement, rfc3339};

/// A stored report: its id, digest and totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedReport {
    pub id: ReportId,
    pub digest: String,
    pub created_at: DateTime<Utc>,
    pub totals: Totals,
    /// The bytes of the stored JSON.
    pub size: usize,
}

/// Makes and stores a report of the estate inside the caller's write transaction (begun with
/// `Store::begin`), and queues its `ReportReady` notification in the same transaction. `account`
/// is the hub, which holds the one chain of reports, the policy and the targets. Unless `force`d,
/// a report that would cover nothing new (no scan, state change or audit-log entry since the
/// latest one) is refused with [`ReportError::NothingNew`]: a loop cannot fill the disk with
/// copies.
pub async fn create_report_in(
    conn: &mut SqliteConnection,
    account: AccountId,
    trigger: ReportTrigger,
    created_by: &str,
    now: DateTime<Utc>,
    force: bool,
) -> Result<CreatedReport, ReportError> {
    let last_scan = store::find_last_completed_scan(&mut *conn)
        .await?
        .ok_or(ReportError::NoCompletedScan)?;
    let (last_part, last_state_id, last_change_id) = store::find_report_high_water(&mut *conn)
        .await?
        .ok_or(ReportError::NoCompletedScan)?;
    let previous = store::find_latest_report(&mut *conn, account).await?;
    let since = previous.as_ref().map(|p| p.window).unwrap_or_default();
    // The window's scan end is the last completed part (account scans are what the state rows
    // belong to); the document lists the scans those parts are of.
    let window = ReportWindowEnd {
        last_scan_id: last_part,
        last_state_id,
        last_change_id,
    };
    if let Some(latest) = previous.as_ref().filter(|p| !force && p.window == window) {
        return Err(ReportError::NothingNew {
            report: latest.id,
            scan: last_scan.id,
        });
    }
    let id = store::next_report_id(&mut *conn).await?;

    let scans = covered_scans(conn, since, &window, last_scan).await?;
    let policy = policy_section(conn, account).await?;
    let (buckets, totals, accounts) = buckets(conn).await?;
    let changes = Changes {
        encryption: state_changes(conn, since, &window).await?,
        actions: store::list_changes_in(
            &mut *conn,
            IdWindow {
                after: since.last_change_id,
                upto: window.last_change_id,
            },
        )
        .await?
        .into_iter()
        .map(action_entry)
        .collect(),
    };
    let document = ReportDocument {
        schema_version: SCHEMA_VERSION,
        report_id: id.get(),
        account: store::get_account_name(&mut *conn, account).await?,
        created_at: rfc3339(now),
        trigger: trigger.as_str().to_owned(),
        created_by: created_by.to_owned(),
        previous_report_id: previous.as_ref().map(|p| p.id.get()),
        previous_digest: previous.as_ref().map(|p| p.digest.clone()),
        period: Period {
            from: previous.as_ref().map(|p| rfc3339(p.created_at)),
            to: rfc3339(now),
        },
        policy,
        totals,
        accounts,
        scans,
        controls: super::controls::controls_section(&buckets),
        buckets,
        changes,
    };
    let content = serde_json::to_vec(&document).map_err(ReportError::Encode)?;
    let digest = sha256_hex(&content);
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    store::insert_report(
        &mut *conn,
        &store::NewReport {
            id,
            account,
            created_at: now,
            trigger: trigger.as_str(),
            created_by,
            schema_version: i64::from(SCHEMA_VERSION),
            buckets: count(totals.buckets),
            compliant: count(totals.compliant),
            noncompliant: count(totals.noncompliant),
            unknown: count(totals.unknown),
            window,
            previous_digest: document.previous_digest.as_deref(),
            digest: &digest,
            content: &content,
        },
    )
    .await?;
    let ready = ReportReady {
        report: id,
        digest: digest.clone(),
        created_at: now,
        buckets: totals.buckets,
        compliant: totals.compliant,
        noncompliant: totals.noncompliant,
        unknown: totals.unknown,
    };
    notify::enqueue(conn, account, &Event::ReportReady(ready)).await?;
    Ok(CreatedReport {
        id,
        digest,
        created_at: now,
        totals,
        size: content.len(),
    })
}

/// The scans whose parts completed in the window, oldest first, each with all its parts; when
/// none did, the last scan with results (whose results the bucket states are).
async fn covered_scans(
    conn: &mut SqliteConnection,
    since: ReportWindowEnd,
    window: &ReportWindowEnd,
    last_scan: ScanRecord,
) -> Result<Vec<ScanEntry>, ReportError> {
    let parts = store::list_completed_parts_in(
        &mut *conn,
        IdWindow {
            after: since.last_scan_id,
            upto: window.last_scan_id,
        },
    )
    .await?;
    let mut ids: Vec<ScanId> = parts.iter().map(|p| p.scan_id).collect();
    ids.dedup();
    let mut scans = Vec::with_capacity(ids.len().max(1));
    for id in ids {
        scans.push(store::get_scan(&mut *conn, id).await?);
    }
    if scans.is_empty() {
        scans.push(last_scan);
    }
    let ids: Vec<ScanId> = scans.iter().map(|s| s.id).collect();
    let mut parts = store::list_account_scans_of(&mut *conn, &ids).await?;
    Ok(scans
        .into_iter()
        .map(|scan| {
            let own: Vec<AccountScanRecord> =
                parts.extract_if(.., |p| p.scan_id == scan.id).collect();
            scan_entry(scan, own)
        })
        .collect())
}

fn scan_entry(scan: ScanRecord, parts: Vec<AccountScanRecord>) -> ScanEntry {
    ScanEntry {
        id: scan.id.get(),
        trigger: scan.trigger,
        started_at: rfc3339(scan.started_at),
        finished_at: scan.finished_at.map(rfc3339),
        buckets: scan.buckets_total,
        encrypted: scan.encrypted,
        unencrypted: scan.unencrypted,
        unknown: scan.unknown,
        compliant: scan.compliant,
        noncompliant: scan.noncompliant,
        changes: scan.changes,
        status: Some(scan.status.as_str().to_owned()),
        accounts: parts
            .into_iter()
            .map(|p| ScanPartEntry {
                account: p.account.to_string(),
                status: p.status.as_str().to_owned(),
                buckets: p.buckets_total,
                unknown: p.summary.map(|s| s.unknown),
                noncompliant: p.summary.map(|s| s.noncompliant),
                error: p.error,
                error_code: p.error_code,
                request_id: p.request_id,
            })
            .collect(),
    }
}

async fn policy_section(
    conn: &mut SqliteConnection,
    account: AccountId,
) -> Result<PolicySection, ReportError> {
    let policy = store::current_policy(&mut *conn, account).await?;
    let set = store::find_policy_change(&mut *conn, account).await?;
    Ok(PolicySection {
        requirement: policy.requirement.as_str().to_owned(),
        allowed_kms_keys: policy
            .requirement
            .allowed_keys()
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect(),
        remediation_target: rule_entry(&policy.remediation_target),
        updated_at: set.as_ref().map(|(at, _)| rfc3339(*at)),
        updated_by: set.map(|(_, by)| by),
    })
}

fn rule_entry(rule: &EncryptionRule) -> RuleEntry {
    RuleEntry {
        sse_algorithm: rule.algorithm().as_str().to_owned(),
        kms_master_key_id: rule.kms_key_id().map(|k| KmsKeyId::as_str(k).to_owned()),
        kms_data_encryption: rule
            .kms_data_encryption()
            .map(|d| KmsDataEncryption::as_str(d).to_owned()),
    }
}

/// Every present bucket of the estate, streamed from the database, the totals counted over
/// exactly them, and every account of the estate with the totals of its own.
async fn buckets(
    conn: &mut SqliteConnection,
) -> Result<(Vec<BucketEntry>, Totals, Vec<AccountEntry>), ReportError> {
    let mut accounts: BTreeMap<String, AccountEntry> = store::list_accounts(&mut *conn, false)
        .await?
        .into_iter()
        .map(|a| {
            let entry = AccountEntry {
                name: a.name.to_string(),
                uid: a.uid.map(|u| u.to_string()),
                role_arn: a.role_arn.map(|r| r.to_string()),
                totals: Totals::default(),
            };
            (entry.name.clone(), entry)
        })
        .collect();
    let mut totals = Totals::default();
    let mut entries = Vec::new();
    let mut rows = store::stream_report_buckets(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let entry = bucket_entry(row);
        count(&mut totals, &entry);
        if let Some(account) = entry.account.as_ref().and_then(|a| accounts.get_mut(a)) {
            count(&mut account.totals, &entry);
        }
        entries.push(entry);
    }
    Ok((entries, totals, accounts.into_values().collect()))
}

fn count(totals: &mut Totals, entry: &BucketEntry) {
    totals.buckets += 1;
    match entry.status.as_str() {
        "encrypted" => totals.encrypted += 1,
        "unencrypted" => totals.unencrypted += 1,
        _ => totals.unknown += 1,
    }
    match entry.compliant {
        Some(Judgement::Judged(true)) => totals.compliant += 1,
        Some(Judgement::Judged(false)) => totals.noncompliant += 1,
        Some(Judgement::Exempt(_)) => totals.exempt += 1,
        None => {}
    }
}

fn bucket_entry(row: ReportBucketRow) -> BucketEntry {
    let exemption = match (
        row.exemption_id,
        row.exemption_pattern,
        row.exemption_reason,
        row.exemption_requested_by,
        row.exemption_approved_by,
        row.exemption_expires_at,
    ) {
        (
            Some(id),
            Some(buckets),
            Some(reason),
            Some(requested_by),
            Some(approved_by),
            Some(at),
        ) => Some(ExemptionNote {
            id,
            buckets,
            reason,
            requested_by,
            approved_by,
            expires_at: rfc3339(at),
        }),
        _ => None,
    };
    let last_change = match (row.change_at, row.change_actor, row.change_action) {
        (Some(at), Some(actor), Some(action)) => Some(LastChange {
            at: rfc3339(at),
            actor,
            action,
            request_id: row.change_request_id,
        }),
        _ => None,
    };
    BucketEntry {
        account: Some(row.account),
        name: row.name,
        region: row.region,
        // An unknown state is never judged (the column may hold a stale judgement otherwise).
        compliant: Judgement::of(
            if row.status == "unknown" {
                None
            } else {
                row.compliant
            },
            exemption.is_some(),
        ),
        status: row.status,
        sse_algorithm: row.sse_algorithm,
        kms_master_key_id: row.kms_master_key_id,
        kms_data_encryption: row.kms_data_encryption,
        error_code: row.error_code,
        kms_key_state: row.kms_key_state,
        exemption,
        state_since: rfc3339(row.state_since),
        last_change,
    }
}

async fn state_changes(
    conn: &mut SqliteConnection,
    since: ReportWindowEnd,
    window: &ReportWindowEnd,
) -> Result<Vec<StateChange>, ReportError> {
    let scans = IdWindow {
        after: since.last_scan_id,
        upto: window.last_scan_id,
    };
    let states = IdWindow {
        after: since.last_state_id,
        upto: window.last_state_id,
    };
    Ok(store::stream_state_changes(&mut *conn, scans, states)
        .map_ok(state_change)
        .try_collect()
        .await?)
}

fn state_change(row: ReportStateChangeRow) -> StateChange {
    let before = row.before_status.map(|status| StateEntry {
        status,
        sse_algorithm: row.before_sse_algorithm,
        kms_master_key_id: row.before_kms_master_key_id,
        kms_data_encryption: row.before_kms_data_encryption,
        error_code: row.before_error_code,
    });
    StateChange {
        account: Some(row.account),
        bucket: row.bucket,
        at: rfc3339(row.observed_at),
        seen_by: if row.scan_id.is_some() {
            "scan"
        } else {
            "change"
        }
        .to_owned(),
        scan_id: row.scan_id.map(|s| s.get()),
        before,
        after: StateEntry {
            status: row.status,
            sse_algorithm: row.sse_algorithm,
            kms_master_key_id: row.kms_master_key_id,
            kms_data_encryption: row.kms_data_encryption,
            error_code: row.error_code,
        },
    }
}

fn action_entry(change: ChangeRecord) -> ActionEntry {
    // `before`/`after` are JSON written by oss-audit; anything else is kept as the text it is.
    let json = |text: Option<String>| {
        text.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)))
    };
    ActionEntry {
        id: change.id.get(),
        account: Some(change.account.to_string()),
        at: rfc3339(change.at),
        actor: change.actor,
        action: change.action,
        bucket: change.bucket,
        before: json(change.before),
        after: json(change.after),
        request_id: change.request_id,
        outcome: change.outcome,
        detail: change.detail,
    }
}
