//! The remediation preview's model: exactly which buckets change and how, grouped by account, and
//! those left alone. Every-non-compliant previews are paged, so 100,000 buckets never land on one
//! page.

use std::collections::{HashMap, HashSet};

use app::model::{PreviewRow, RemediatePreviewModel, UntouchedRow};

use crate::actions::remediation::{Selection, SkipReason, preview};
use crate::domain::{
    Access, AccountId, BucketId, BucketName, EncryptionRule, EncryptionState, ExemptionId,
    ExemptionStatus, Role, Status,
};
use crate::store::{self, BucketQuery, BucketRecord, ExemptionRecord, StoreError};
use crate::web::AppState;

/// Buckets to change per page of the preview.
pub const PAGE_SIZE: i64 = 500;
/// Buckets left alone listed on the preview (the bucket list has the rest).
const UNTOUCHED_SHOWN: i64 = 200;
/// The most buckets one named selection may hold.
pub const MAX_NAMED: usize = 1000;

/// The buckets a remediation of every non-compliant bucket changes in all.
pub fn noncompliant() -> BucketQuery {
    BucketQuery {
        compliant: Some(false),
        ..BucketQuery::default()
    }
}

/// The preview of remediating every readable non-compliant bucket, from `offset`.
pub async fn all(state: &AppState, offset: i64) -> Result<RemediatePreviewModel, StoreError> {
    let store = state.store();
    let mut model = base(state).await?;
    // Grouped by account (by name), each account's buckets by name: the page is cut from that
    // sequence, each account's share of it read with an index seek of its own.
    let mut accounts = store::list_accounts(store, false).await?;
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    let counts: HashMap<AccountId, i64> = store::count_noncompliant_by_account(store)
        .await?
        .into_iter()
        .collect();
    let mut shown = Vec::new();
    let mut start = 0;
    for account in accounts {
        let Some(&count) = counts.get(&account.id) else {
            continue;
        };
        let (from, to) = (offset.max(start), (offset + PAGE_SIZE).min(start + count));
        if from < to {
            let share = BucketQuery {
                account: Some(account.id),
                offset: from - start,
                limit: to - from,
                ..noncompliant()
            };
            shown.extend(store::query_buckets(store, &share).await?);
        }
        model.accounts.push((account.name.to_string(), count));
        start += count;
    }
    model.change_count = start;
    model.offset = offset;
    let every = Selection::AllNonCompliant;
    show_plan(state, &mut model, &every, &shown).await?;
    let unknown = BucketQuery {
        status: Some(Status::Unknown.as_str().to_owned()),
        limit: UNTOUCHED_SHOWN,
        ..BucketQuery::default()
    };
    // Counted first: listing a set that is empty still costs a walk of an index.
    model.untouched_count = store::count_buckets(store, &unknown).await?;
    if model.untouched_count > 0 {
        model.untouched = store::query_buckets(store, &unknown)
            .await?
            .iter()
            .map(|b| left_alone(b, unreadable(b)))
            .collect();
    }
    // Non-compliant but exempt: left alone, and said so apart from the rest.
    let exempt = BucketQuery {
        exempt: Some(true),
        limit: UNTOUCHED_SHOWN,
        ..BucketQuery::default()
    };
    model.exempt_count = store::count_buckets(store, &exempt).await?;
    if model.exempt_count > 0 {
        let exemptions: HashMap<ExemptionId, ExemptionRecord> =
            store::list_exemptions(store, Some(ExemptionStatus::Approved))
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect();
        model.exempt = store::query_buckets(store, &exempt)
            .await?
            .iter()
            .map(|b| {
                let exemption = b.exemption.and_then(|id| exemptions.get(&id));
                left_alone(
                    b,
                    exemption.map_or_else(|| "exempt".to_owned(), exemption_reason),
                )
            })
            .collect();
    }
    Ok(model)
}

/// The preview of remediating exactly the buckets named (in the order given, each once). Names
/// that are invalid, not in the inventory, or of an account where the user is not an operator
/// are listed apart and left out of the form, and so are buckets already compliant or exempt
/// unless `force`.
pub async fn named(
    state: &AppState,
    access: &Access,
    names: &[String],
    force: bool,
) -> Result<RemediatePreviewModel, StoreError> {
    let mut model = base(state).await?;
    model.force = force;
    let mut skipped = false;
    if names.len() > MAX_NAMED {
        model.error = Some(format!(
            "{} buckets were chosen; remediate at most {MAX_NAMED} at a time.",
            names.len()
        ));
        model.selection = Some(Vec::new());
        return Ok(model);
    }
    let mut seen = HashSet::new();
    let mut chosen = Vec::new();
    let mut shown = Vec::new();
    for raw in names.iter().filter(|n| seen.insert(n.as_str())) {
        let Ok(name) = BucketName::parse(raw) else {
            model.untouched.push(UntouchedRow {
                name: raw.chars().take(80).collect(),
                account: String::new(),
                region: String::new(),
                reason: "not a valid bucket name".to_owned(),
            });
            continue;
        };
        match store::find_bucket_by_name(state.store(), &name).await? {
            Some(record)
                if record.gone_at.is_none()
                    && !access.role_for(record.account_id).allows(Role::Operator) =>
            {
                let reason = format!(
                    "in account {}, where you are {}, not operator",
                    record.account,
                    access.role_for(record.account_id)
                );
                model.untouched.push(left_alone(&record, reason));
            }
            Some(record) if record.gone_at.is_none() => {
                match SkipReason::of(&record).filter(|_| !force) {
                    None => {
                        chosen.push(record.name.clone());
                        shown.push(record);
                    }
                    Some(reason) => {
                        skipped = true;
                        let exemption = match reason {
                            SkipReason::Exempt(id) => {
                                store::get_exemption(state.store(), id).await?
                            }
                            SkipReason::Compliant(_) => None,
                        };
                        let why = exemption
                            .as_ref()
                            .map_or_else(|| reason.to_string(), exemption_reason);
                        let row = left_alone(&record, why);
                        match reason {
                            SkipReason::Exempt(_) => model.exempt.push(row),
                            SkipReason::Compliant(_) => model.untouched.push(row),
                        }
                    }
                }
            }
            _ => model.untouched.push(UntouchedRow {
                name: name.to_string(),
                account: String::new(),
                region: String::new(),
                reason: "not in the inventory; run a scan if it was created recently".to_owned(),
            }),
        }
    }
    let selection = Selection::Named {
        buckets: chosen,
        force,
    };
    show_plan(state, &mut model, &selection, &shown).await?;
    // Grouped by account, in the order the accounts were first chosen.
    let mut order: Vec<String> = Vec::new();
    for row in &model.changes {
        if !order.contains(&row.account) {
            order.push(row.account.clone());
        }
    }
    model
        .changes
        .sort_by_key(|row| order.iter().position(|a| *a == row.account));
    model.accounts = order
        .into_iter()
        .map(|account| {
            let count = model
                .changes
                .iter()
                .filter(|r| r.account == account)
                .count();
            (account, count as i64)
        })
        .collect();
    model.change_count = shown.len() as i64;
    model.untouched_count = model.untouched.len() as i64;
    model.exempt_count = model.exempt.len() as i64;
    if skipped {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for name in names {
            query.append_pair("bucket", name);
        }
        query.append_pair("force", "1");
        model.forced_href = Some(format!("/remediate?{}", query.finish()));
    }
    model.selection = Some(shown.iter().map(|b| b.name.to_string()).collect());
    Ok(model)
}

/// Puts the plan of `selection` on the preview: its digest, the target the run names, and the
/// buckets `shown` (one page of those it changes), each with its own target.
async fn show_plan(
    state: &AppState,
    model: &mut RemediatePreviewModel,
    selection: &Selection,
    shown: &[BucketRecord],
) -> Result<(), StoreError> {
    let ids: Vec<BucketId> = shown.iter().map(|b| b.id).collect();
    let plan = preview(state.store(), state.account(), selection, &ids).await?;
    model.changes = shown
        .iter()
        .map(|b| preview_row(b, plan.targets.get(&b.id)))
        .collect();
    // Under scoped rules that give the buckets different targets, each row says its own.
    model.target = plan.target.map(|t| t.to_string());
    model.plan_digest = plan.digest;
    Ok(())
}

async fn base(state: &AppState) -> Result<RemediatePreviewModel, StoreError> {
    let policy = store::current_policy(state.store(), state.account()).await?;
    Ok(RemediatePreviewModel {
        policy: policy.requirement.as_str().to_owned(),
        target: Some(policy.remediation_target.to_string()),
        page_size: PAGE_SIZE,
        ..RemediatePreviewModel::default()
    })
}

/// A bucket of the inventory the remediation leaves alone, and why.
fn left_alone(record: &BucketRecord, reason: String) -> UntouchedRow {
    UntouchedRow {
        name: record.name.to_string(),
        account: record.account.to_string(),
        region: record.region.to_string(),
        reason,
    }
}

fn preview_row(record: &BucketRecord, target: Option<&EncryptionRule>) -> PreviewRow {
    let current = match &record.state {
        EncryptionState::Encrypted(rule) => rule.to_string(),
        EncryptionState::Unknown { code, .. } => format!("({code})"),
        EncryptionState::Unencrypted => String::new(),
    };
    PreviewRow {
        name: record.name.to_string(),
        account: record.account.to_string(),
        region: record.region.to_string(),
        status: record.state.status().as_str().to_owned(),
        current,
        compliant: record.compliant,
        target: target.map(ToString::to_string).unwrap_or_default(),
    }
}

fn exemption_reason(e: &ExemptionRecord) -> String {
    format!(
        "exempt until {} (exemption {}, approved by {}): {}",
        e.expires_at.format("%Y-%m-%d %H:%M UTC"),
        e.id,
        e.approved_by.as_deref().unwrap_or("?"),
        e.reason
    )
}

fn unreadable(record: &BucketRecord) -> String {
    match record.state.error_code() {
        Some(code) => format!("could not be read ({code})"),
        None => "could not be read".to_owned(),
    }
}
