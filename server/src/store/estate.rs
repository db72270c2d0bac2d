//! The estate overview: one row per account (its buckets, compliance, last scan), worst first, and
//! the totals, counted from the `bucket_current_by_account` index alone.

use chrono::{DateTime, Utc};

use super::{Db, StoreError, parse_column};
use crate::domain::{AccountId, AccountName, AccountUid, ScanId, ScanStatus};

/// Present buckets counted by judgement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct OverviewCounts {
    pub buckets: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    /// Without a default encryption rule (non-compliant under every policy).
    pub unencrypted: i64,
    /// Could not be read: neither compliant nor non-compliant.
    pub unknown: i64,
    /// Covered by an approved exemption: neither compliant nor non-compliant, and left out of
    /// the compliance rate.
    pub exempt: i64,
}

impl OverviewCounts {
    /// Compliant buckets per hundred present ones that are not exempt (100 with none: nothing
    /// is wrong).
    pub fn compliance_percent(&self) -> f64 {
        let judged = self.buckets - self.exempt;
        if judged <= 0 {
            100.0
        } else {
            self.compliant as f64 * 100.0 / judged as f64
        }
    }

    fn add(&mut self, other: &Self) {
        self.buckets += other.buckets;
        self.compliant += other.compliant;
        self.noncompliant += other.noncompliant;
        self.unencrypted += other.unencrypted;
        self.unknown += other.unknown;
        self.exempt += other.exempt;
    }
}

/// An account's latest part of a scan: how its last scan went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastPart {
    pub scan: ScanId,
    pub status: ScanStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed, with the service's code and request id.
    pub error: Option<String>,
    pub error_code: Option<String>,
    pub request_id: Option<String>,
}

/// One account's row of the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountOverview {
    pub id: AccountId,
    pub name: AccountName,
    pub uid: Option<AccountUid>,
    /// The account of the keys, reached without a role.
    pub is_hub: bool,
    pub counts: OverviewCounts,
    /// `None` before its first scan.
    pub last: Option<LastPart>,
}

/// The overview of the estate: every account in it, worst first, and the totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EstateOverview {
    pub accounts: Vec<AccountOverview>,
    pub totals: OverviewCounts,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: AccountId,
    name: String,
    uid: Option<String>,
    is_hub: bool,
    #[sqlx(flatten)]
    counts: OverviewCounts,
    scan_id: Option<ScanId>,
    status: Option<ScanStatus>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    error: Option<String>,
    error_code: Option<String>,
    request_id: Option<String>,
}

/// The estate overview: one row per account in the estate, the worst first (lowest compliance,
/// then most unencrypted buckets, then by name), and the totals over them.
pub async fn list_estate_overview(db: impl Db) -> Result<EstateOverview, StoreError> {
    let mut conn = db.connection().await?;
    // Counted per account from the covering index (account_id, gone_at, state_id, compliant,
    // status); the last part per account is one index seek each.
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.name, a.uid, a.role_arn IS NULL AS is_hub,
                coalesce(c.buckets, 0) AS buckets, coalesce(c.compliant, 0) AS compliant,
                coalesce(c.noncompliant, 0) AS noncompliant,
                coalesce(c.unencrypted, 0) AS unencrypted, coalesce(c.unknown, 0) AS unknown,
                coalesce(c.exempt, 0) AS exempt,
                p.scan_id, p.status, p.started_at, p.finished_at, p.error, p.error_code, p.request_id
         FROM account a
         LEFT JOIN (SELECT account_id, count(*) AS buckets, sum(compliant = 1 AND exemption_id IS NULL) AS compliant,
                           sum(compliant = 0 AND exemption_id IS NULL) AS noncompliant,
                           sum(exemption_id IS NOT NULL) AS exempt,
                           sum(status = 'unencrypted') AS unencrypted,
                           sum(status = 'unknown') AS unknown
                    FROM bucket WHERE gone_at IS NULL AND state_id IS NOT NULL
                    GROUP BY account_id) c ON c.account_id = a.id
         LEFT JOIN account_scan p ON p.id = (SELECT max(id) FROM account_scan WHERE account_id = a.id)
         WHERE a.removed_at IS NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut overview = EstateOverview::default();
    for row in rows {
        let last = match (row.scan_id, row.status, row.started_at) {
            (Some(scan), Some(status), Some(started_at)) => Some(LastPart {
                scan,
                status,
                started_at,
                finished_at: row.finished_at,
                error: row.error,
                error_code: row.error_code,
                request_id: row.request_id,
            }),
            _ => None,
        };
        overview.totals.add(&row.counts);
        overview.accounts.push(AccountOverview {
            id: row.id,
            name: parse_column("account.name", &row.name, AccountName::parse)?,
            uid: row
                .uid
                .map(|u| parse_column("account.uid", &u, AccountUid::parse))
                .transpose()?,
            is_hub: row.is_hub,
            counts: row.counts,
            last,
        });
    }
    overview.accounts.sort_by(|a, b| {
        a.counts
            .compliance_percent()
            .total_cmp(&b.counts.compliance_percent())
            .then(b.counts.unencrypted.cmp(&a.counts.unencrypted))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(overview)
}

/// The latest part of a scan of every account that has one (removed accounts included).
pub async fn list_last_parts(
    db: impl Db,
) -> Result<std::collections::HashMap<AccountId, LastPart>, StoreError> {
    let mut conn = db.connection().await?;
    type PartRow = (
        AccountId,
        ScanId,
        ScanStatus,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<PartRow> = sqlx::query_as(
        "SELECT account_id, scan_id, status, started_at, finished_at, error, error_code, request_id
         FROM account_scan WHERE id IN (SELECT max(id) FROM account_scan GROUP BY account_id)",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(account, scan, status, started_at, finished_at, error, error_code, request_id)| {
                let last = LastPart {
                    scan,
                    status,
                    started_at,
                    finished_at,
                    error,
                    error_code,
                    request_id,
                };
                (account, last)
            },
        )
        .collect())
}
