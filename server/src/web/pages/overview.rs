//! `GET /`: the overview.

use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::CookieJar;

use app::model::{AlgorithmCount, ChangeRow, OverviewModel, RegionCount, TrendPoint};
use app::{Nav, Page};

use super::{PageError, show_page};
use crate::domain::{EncryptionState, ScanStatus, Status};
use crate::store::{self, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// How many past scans the trend shows.
const TREND_SCANS: i64 = 30;
/// How many changes of the last scan the overview lists.
const CHANGES_SHOWN: i64 = 50;

/// Renders the overview.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let model = load(&state).await?;
    Ok(show_page(&user, &jar, Nav::Overview, Page::Overview(model)).await)
}

/// The bucket counts of the overview, and the data version they were counted at.
#[derive(Debug, Clone, Default)]
pub struct CountsCache {
    version: Option<store::OverviewVersion>,
    by_status: Vec<(Status, Option<bool>, i64)>,
    by_algorithm: Vec<(String, bool, bool, i64)>,
    by_region: Vec<(String, i64, i64)>,
    by_account: store::EstateOverview,
    exempt: i64,
}

/// The counts, recounted only when a state, a completed scan or the policy changed since the last
/// count: recounting 100,000 buckets takes hundreds of milliseconds, checking the version does not.
async fn counts(state: &AppState) -> Result<CountsCache, StoreError> {
    let store = state.store();
    let version = store::find_overview_version(store).await?;
    if let Some(cached) = state
        .overview_counts()
        .filter(|c| c.version.as_ref() == Some(&version))
    {
        return Ok(cached);
    }
    let fresh = CountsCache {
        version: Some(version),
        by_status: store::count_buckets_by_status(store, None).await?,
        by_algorithm: store::count_buckets_by_algorithm(store, None).await?,
        by_region: store::count_buckets_by_region(store, None).await?,
        by_account: store::list_estate_overview(store).await?,
        exempt: store::count_exempt_buckets(store, None).await?,
    };
    state.set_overview_counts(fresh.clone());
    Ok(fresh)
}

async fn load(state: &AppState) -> Result<OverviewModel, StoreError> {
    let (store, account) = (state.store(), state.account());
    let policy = store::current_policy(store, account).await?;
    let mut model = OverviewModel {
        policy: policy.requirement.as_str().to_owned(),
        remediation_target: policy.remediation_target.to_string(),
        ..OverviewModel::default()
    };
    model.key_findings = super::keys::findings(state).await?;
    let counts = counts(state).await?;
    (model.estate, model.estate_totals) =
        super::overview_estate::rows(state, &counts.by_account).await?;
    for (status, compliant, count) in counts.by_status {
        model.buckets += count;
        match status {
            Status::Encrypted => model.encrypted += count,
            Status::Unencrypted => model.unencrypted += count,
            Status::Unknown => model.unknown += count,
        }
        match compliant {
            Some(true) => model.compliant += count,
            Some(false) => model.noncompliant += count,
            None => {}
        }
    }
    model.exempt = counts.exempt;
    model.algorithms = algorithm_counts(counts.by_algorithm);
    model.regions = counts
        .by_region
        .into_iter()
        .map(|(region, buckets, noncompliant)| RegionCount {
            region,
            buckets,
            noncompliant,
        })
        .collect();
    let scans = store::list_scans(store, None, None, TREND_SCANS * 2).await?;
    if let Some(running) = scans.iter().find(|s| s.status == ScanStatus::Running) {
        model.running = Some((running.buckets_done, running.buckets_total));
    }
    let completed: Vec<_> = scans
        .iter()
        .filter(|s| s.status.has_results())
        .take(TREND_SCANS as usize)
        .collect();
    model.trend = completed
        .iter()
        .rev()
        .map(|s| {
            let total =
                s.encrypted.unwrap_or(0) + s.unencrypted.unwrap_or(0) + s.unknown.unwrap_or(0);
            TrendPoint {
                scan: s.id.get(),
                finished_at: s.finished_at.map(rfc3339).unwrap_or_default(),
                compliance_rate: if total == 0 {
                    100.0
                } else {
                    s.compliant.unwrap_or(0) as f64 * 100.0 / total as f64
                },
                unencrypted: s.unencrypted.unwrap_or(0),
            }
        })
        .collect();
    if let Some(last) = completed.first() {
        let seconds = last
            .finished_at
            .map(|end| (end - last.started_at).num_milliseconds() as f64 / 1000.0)
            .unwrap_or_default();
        model.last_scan = Some((
            last.id.get(),
            last.finished_at.map(rfc3339).unwrap_or_default(),
            seconds,
            last.unknown.unwrap_or(0),
        ));
        let changes = last.changes.unwrap_or(0);
        model.first_seen = if changes > 0 {
            store::count_scan_first_sightings(store, last.id).await?
        } else {
            0
        };
        // A scan that only met new buckets has no changes to list (and after a first scan of
        // 100,000 buckets, looking for one would read every state row it wrote).
        if changes == model.first_seen {
            return Ok(model);
        }
        model.changes = store::list_scan_changes(store, last.id, CHANGES_SHOWN)
            .await?
            .into_iter()
            .map(|c| ChangeRow {
                bucket: c.bucket,
                before: c
                    .before
                    .as_ref()
                    .map_or_else(|| "first seen".to_owned(), describe),
                after: describe(&c.after),
            })
            .collect();
    }
    Ok(model)
}

/// Buckets per algorithm kind, in a fixed order with zero rows kept (so the table does not shift).
fn algorithm_counts(rows: Vec<(String, bool, bool, i64)>) -> Vec<AlgorithmCount> {
    let count = |pick: &dyn Fn(&str, bool, bool) -> bool| -> i64 {
        rows.iter()
            .filter(|(a, k, d, _)| pick(a, *k, *d))
            .map(|r| r.3)
            .sum()
    };
    let row = |label: &str, query: &str, count: i64| AlgorithmCount {
        label: label.to_owned(),
        query: query.to_owned(),
        count,
    };
    vec![
        row(
            "AES256",
            "sse_algorithm=AES256",
            count(&|a, _, _| a == "AES256"),
        ),
        row("SM4", "sse_algorithm=SM4", count(&|a, _, _| a == "SM4")),
        row(
            "KMS, OSS-managed key",
            "sse_algorithm=KMS",
            count(&|a, k, d| a == "KMS" && !k && !d),
        ),
        row(
            "KMS, customer CMK",
            "sse_algorithm=KMS",
            count(&|a, k, d| a == "KMS" && k && !d),
        ),
        row(
            "KMS with SM4 data encryption",
            "sse_algorithm=KMS",
            count(&|a, _, d| a == "KMS" && d),
        ),
    ]
}

fn describe(state: &EncryptionState) -> String {
    state.to_string()
}
