//! The estate table of the overview: each account's counts (counted with the overview's other
//! counts, and cached with them) and its last scan part (read fresh: a failed part changes no
//! count, so the counts' version would not notice it).

use app::model::{EstateRow, LastScanPart};

use crate::store::{self, AccountOverview, EstateOverview, LastPart, OverviewCounts, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;

/// The rows of the estate table, worst first, and the totals row.
pub async fn rows(
    state: &AppState,
    counted: &EstateOverview,
) -> Result<(Vec<EstateRow>, EstateRow), StoreError> {
    let store = state.store();
    let mut last = store::list_last_parts(store).await?;
    let rows = counted
        .accounts
        .iter()
        .map(|a: &AccountOverview| row(a.name.to_string(), &a.counts, last.remove(&a.id)))
        .collect();
    // The totals' last scan is the estate's newest scan, however it went.
    let newest = store::list_scans(store, None, None, 1).await?.pop();
    let mut totals = row(String::new(), &counted.totals, None);
    totals.last_scan = newest.map(|s| LastScanPart {
        scan: s.id.get(),
        at: rfc3339(s.finished_at.unwrap_or(s.started_at)),
        status: s.status.as_str().to_owned(),
        error_code: None,
    });
    Ok((rows, totals))
}

fn row(account: String, counts: &OverviewCounts, last: Option<LastPart>) -> EstateRow {
    EstateRow {
        account,
        buckets: counts.buckets,
        compliance_rate: (counts.buckets > 0).then(|| counts.compliance_percent()),
        unencrypted: counts.unencrypted,
        unknown: counts.unknown,
        last_scan: last.map(|p| LastScanPart {
            scan: p.scan.get(),
            at: rfc3339(p.finished_at.unwrap_or(p.started_at)),
            status: p.status.as_str().to_owned(),
            error_code: p.error_code,
        }),
    }
}
