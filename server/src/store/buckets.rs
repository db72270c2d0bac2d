//! `bucket`: the inventory of every account's buckets, kept when they disappear.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, SqliteConnection};

use super::states::StateColumns;
use super::{ACTIVE_ACCOUNTS, Db, StoreError, in_accounts, parse_column};
use crate::domain::{
    AccountId, AccountName, AccountUid, BucketId, BucketName, ControlResult, EncryptionState,
    ExemptionId, Region, Requirement, Status,
};

/// A bucket as ListBuckets reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedBucket {
    pub name: BucketName,
    pub region: Region,
    pub extranet_endpoint: String,
    pub intranet_endpoint: String,
    pub created_at: Option<DateTime<Utc>>,
}

/// What syncing a listing did to the inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncedBuckets {
    /// The id of each listed bucket, in the order given.
    pub ids: Vec<BucketId>,
    /// Buckets the inventory holds as present that the listing no longer has; mark them gone when
    /// the scan completes.
    pub missing: Vec<BucketId>,
    pub added: usize,
    pub reappeared: usize,
}

/// A bucket with its current state, as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketRecord {
    pub id: BucketId,
    /// The account it belongs to: its id, name and (once known) uid.
    pub account_id: AccountId,
    pub account: AccountName,
    pub account_uid: Option<AccountUid>,
    pub name: BucketName,
    pub region: Region,
    pub extranet_endpoint: String,
    pub intranet_endpoint: String,
    pub created_at: Option<DateTime<Utc>>,
    pub first_seen_at: DateTime<Utc>,
    pub gone_at: Option<DateTime<Utc>>,
    pub compliant: Option<bool>,
    /// The approved exemption that sets the policy's judgement aside: the bucket is judged
    /// `exempt` while it is `Some`.
    pub exemption: Option<ExemptionId>,
    /// When the current state was last confirmed: the later of the last completed scan and the
    /// re-read that recorded it.
    pub scanned_at: Option<DateTime<Utc>>,
    /// The current state (only buckets that were read are records).
    pub state: EncryptionState,
    /// The request id of the read that recorded the state.
    pub request_id: Option<String>,
}

/// The columns of [`RECORD_SELECT`], before they are parsed.
#[derive(sqlx::FromRow)]
struct BucketRow {
    id: BucketId,
    account_id: AccountId,
    account: String,
    account_uid: Option<String>,
    name: String,
    region: String,
    extranet_endpoint: String,
    intranet_endpoint: String,
    created_at: Option<DateTime<Utc>>,
    first_seen_at: DateTime<Utc>,
    gone_at: Option<DateTime<Utc>>,
    compliant: Option<bool>,
    exemption_id: Option<ExemptionId>,
    scanned_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    state: StateColumns,
    request_id: Option<String>,
}

impl TryFrom<BucketRow> for BucketRecord {
    type Error = StoreError;

    fn try_from(row: BucketRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            account_id: row.account_id,
            account: parse_column("account.name", &row.account, AccountName::parse)?,
            account_uid: row
                .account_uid
                .map(|u| parse_column("account.uid", &u, AccountUid::parse))
                .transpose()?,
            name: parse_column("name", &row.name, BucketName::parse)?,
            region: parse_column("region", &row.region, Region::parse)?,
            extranet_endpoint: row.extranet_endpoint,
            intranet_endpoint: row.intranet_endpoint,
            created_at: row.created_at,
            first_seen_at: row.first_seen_at,
            gone_at: row.gone_at,
            compliant: row.compliant,
            exemption: row.exemption_id,
            scanned_at: row.scanned_at,
            state: row.state.state()?,
            request_id: row.request_id,
        })
    }
}

fn records(rows: Vec<BucketRow>) -> Result<Vec<BucketRecord>, StoreError> {
    rows.into_iter().map(BucketRecord::try_from).collect()
}

const RECORD_SELECT: &str = "SELECT b.id, b.account_id, a.name AS account, a.uid AS account_uid, b.name, b.region, b.extranet_endpoint, b.intranet_endpoint, b.created_at,
        b.first_seen_at, b.gone_at, b.compliant, b.exemption_id,
        CASE WHEN b.gone_at IS NULL THEN max(s.observed_at, coalesce(last.finished_at, s.observed_at)) ELSE s.observed_at END AS scanned_at,
        s.status, s.sse_algorithm, s.kms_master_key_id, s.kms_data_encryption, s.error_code, s.error_message, s.request_id
    FROM bucket b
    JOIN account a ON a.id = b.account_id
    JOIN encryption_state s ON s.id = b.state_id
    LEFT JOIN (SELECT account_id, max(finished_at) AS finished_at FROM account_scan WHERE status = 'completed' GROUP BY account_id) last
        ON last.account_id = b.account_id";

/// Brings the inventory in line with a listing: adds new buckets, updates moved ones, revives
/// reappeared ones, and writes nothing for unchanged ones. It goes page by page, so a scan can read
/// the first page's buckets while the next pages are still being listed; the inventory is read
/// once, not per page.
#[derive(Debug)]
pub struct BucketSync {
    account: AccountId,
    /// The inventory by bucket name, with the buckets added so far.
    known: HashMap<String, KnownBucket>,
    synced: SyncedBuckets,
}

#[derive(Debug)]
struct KnownBucket {
    id: BucketId,
    region: String,
    extranet_endpoint: String,
    intranet_endpoint: String,
    /// Present (not gone) when the sync began: missing unless the listing has it.
    present: bool,
    listed: bool,
}

impl BucketSync {
    /// Reads the account's inventory.
    pub async fn load(conn: &mut SqliteConnection, account: AccountId) -> Result<Self, StoreError> {
        type Row = (
            BucketId,
            String,
            String,
            String,
            String,
            Option<DateTime<Utc>>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, name, region, extranet_endpoint, intranet_endpoint, gone_at FROM bucket WHERE account_id = ?1",
        )
        .bind(account)
        .fetch_all(&mut *conn)
        .await?;
        let known = rows
            .into_iter()
            .map(
                |(id, name, region, extranet_endpoint, intranet_endpoint, gone_at)| {
                    let bucket = KnownBucket {
                        id,
                        region,
                        extranet_endpoint,
                        intranet_endpoint,
                        present: gone_at.is_none(),
                        listed: false,
                    };
                    (name, bucket)
                },
            )
            .collect();
        Ok(Self {
            account,
            known,
            synced: SyncedBuckets::default(),
        })
    }

    /// Syncs the next part of the listing; returns the id of each bucket, in the order given.
    pub async fn sync_page(
        &mut self,
        conn: &mut SqliteConnection,
        listed: &[ListedBucket],
        now: DateTime<Utc>,
    ) -> Result<Vec<BucketId>, StoreError> {
        let mut ids = Vec::with_capacity(listed.len());
        let mut new_rows = Vec::new();
        for bucket in listed {
            match self.known.get_mut(bucket.name.as_str()) {
                Some(known) => {
                    let moved = known.region != bucket.region.as_str()
                        || known.extranet_endpoint != bucket.extranet_endpoint
                        || known.intranet_endpoint != bucket.intranet_endpoint;
                    if moved || !known.present {
                        sqlx::query(
                            "UPDATE bucket SET region = ?2, extranet_endpoint = ?3, intranet_endpoint = ?4, gone_at = NULL
                             WHERE id = ?1",
                        )
                        .bind(known.id)
                        .bind(bucket.region.as_str())
                        .bind(&bucket.extranet_endpoint)
                        .bind(&bucket.intranet_endpoint)
                        .execute(&mut *conn)
                        .await?;
                        self.synced.reappeared += usize::from(!known.present);
                    }
                    known.listed = true;
                    ids.push(known.id);
                }
                None => {
                    new_rows.push((ids.len(), bucket));
                    ids.push(BucketId::new(0));
                }
            }
        }
        for chunk in new_rows.chunks(4000) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO bucket (account_id, name, region, extranet_endpoint, intranet_endpoint, created_at, first_seen_at) ",
            );
            insert.push_values(chunk, |mut row, (_, b)| {
                row.push_bind(self.account)
                    .push_bind(b.name.as_str())
                    .push_bind(b.region.as_str())
                    .push_bind(&b.extranet_endpoint)
                    .push_bind(&b.intranet_endpoint)
                    .push_bind(b.created_at)
                    .push_bind(now);
            });
            insert.push(" RETURNING id, name");
            let inserted: Vec<(BucketId, String)> =
                insert.build_query_as().fetch_all(&mut *conn).await?;
            let inserted: HashMap<String, BucketId> =
                inserted.into_iter().map(|(id, name)| (name, id)).collect();
            for (position, bucket) in chunk {
                let id = *inserted.get(bucket.name.as_str()).ok_or_else(|| {
                    StoreError::Corrupt(format!("insert of bucket {} returned no id", bucket.name))
                })?;
                ids[*position] = id;
                // Known from now on, so a later page naming it again does not insert it twice.
                let added = KnownBucket {
                    id,
                    region: bucket.region.as_str().to_owned(),
                    extranet_endpoint: bucket.extranet_endpoint.clone(),
                    intranet_endpoint: bucket.intranet_endpoint.clone(),
                    present: true,
                    listed: true,
                };
                self.known.insert(bucket.name.as_str().to_owned(), added);
            }
        }
        self.synced.added += new_rows.len();
        self.synced.ids.extend_from_slice(&ids);
        Ok(ids)
    }

    /// The sync of the complete listing: every page has been given to [`Self::sync_page`].
    pub fn finish(mut self) -> SyncedBuckets {
        self.synced.missing = self
            .known
            .values()
            .filter(|k| k.present && !k.listed)
            .map(|k| k.id)
            .collect();
        // In inventory order, as one query would give them.
        self.synced.missing.sort_unstable();
        self.synced
    }
}

/// Marks buckets as gone (kept, with their history).
pub async fn mark_buckets_gone(
    conn: &mut SqliteConnection,
    buckets: &[BucketId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in buckets.chunks(5000) {
        let mut update = QueryBuilder::new("UPDATE bucket SET gone_at = ");
        update
            .push_bind(now)
            .push(" WHERE gone_at IS NULL AND id IN (");
        let mut ids = update.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        update.push(")");
        update.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stores policy judgements (`None` for unknown states).
///
/// One statement per 10,000 buckets, the judgements passed as a JSON array of `[id, compliant]`
/// pairs: a statement per bucket kept a 10,000-bucket scan's completion busy for ~300 ms
/// (benches/scan_throughput).
pub async fn update_compliance(
    conn: &mut SqliteConnection,
    judgements: &[(BucketId, Option<bool>)],
) -> Result<(), StoreError> {
    for chunk in judgements.chunks(10_000) {
        let pairs: Vec<String> = chunk
            .iter()
            .map(|(bucket, compliant)| {
                let compliant = match compliant {
                    Some(true) => "1",
                    Some(false) => "0",
                    None => "null",
                };
                format!("[{bucket},{compliant}]")
            })
            .collect();
        sqlx::query(
            "UPDATE bucket SET compliant = j.value ->> 1 FROM json_each(?1) AS j
             WHERE bucket.id = j.value ->> 0 AND bucket.compliant IS NOT (j.value ->> 1)",
        )
        .bind(format!("[{}]", pairs.join(",")))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every present bucket that has a state, of `account` (every account when `None`), by name.
pub async fn list_current_buckets(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<BucketRecord>, StoreError> {
    let mut conn = db.connection().await?;
    records(
        sqlx::query_as(&format!(
            "{RECORD_SELECT} WHERE {} AND b.gone_at IS NULL ORDER BY b.name, a.name",
            in_accounts("b.account_id", account)
        ))
        .fetch_all(&mut *conn)
        .await?,
    )
}

/// A bucket by name, with its current state: the present one (names are unique across OSS, so
/// at most one account holds it now), else the one seen most recently (a name can move between
/// accounts: deleted, then created elsewhere).
pub async fn find_bucket_by_name(
    db: impl Db,
    name: &BucketName,
) -> Result<Option<BucketRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<BucketRow> = sqlx::query_as(&format!(
        "{RECORD_SELECT} WHERE b.name = ?1
         ORDER BY b.gone_at IS NULL DESC, b.gone_at DESC, b.id DESC LIMIT 1"
    ))
    .bind(name.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(BucketRecord::try_from).transpose()
}

/// Sort orders of the bucket list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BucketSort {
    #[default]
    Name,
    Region,
    Status,
    Algorithm,
    Compliance,
    ScannedAt,
}

/// Filters, order and page of the bucket list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketQuery {
    /// Only this account's buckets (every account's when `None`).
    pub account: Option<AccountId>,
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: Option<String>,
    pub region: Option<String>,
    /// `AES256`, `KMS` or `SM4`.
    pub sse_algorithm: Option<String>,
    /// The policy's judgement; exempt buckets are neither compliant nor non-compliant, so a
    /// `compliant` filter leaves them out.
    pub compliant: Option<bool>,
    /// Only buckets an approved exemption covers (`Some(true)`), or only those none covers.
    pub exempt: Option<bool>,
    /// A substring of the name.
    pub name_contains: Option<String>,
    /// Only buckets standing so against a control (its requirement).
    pub control: Option<(Requirement, ControlResult)>,
    pub sort: BucketSort,
    pub descending: bool,
    /// Keyset paging by name (only with the name order): buckets after this name.
    pub after_name: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

fn push_filters(query: &mut QueryBuilder<'_, sqlx::Sqlite>, filter: &BucketQuery) {
    query.push(" WHERE b.gone_at IS NULL AND b.state_id IS NOT NULL");
    match filter.account {
        Some(account) => query.push(" AND b.account_id = ").push_bind(account),
        None => query.push(format!(" AND b.account_id IN {ACTIVE_ACCOUNTS}")),
    };
    if let Some(status) = &filter.status {
        query.push(" AND b.status = ").push_bind(status.clone());
    }
    if let Some(region) = &filter.region {
        query.push(" AND b.region = ").push_bind(region.clone());
    }
    if let Some(algorithm) = &filter.sse_algorithm {
        query
            .push(" AND s.sse_algorithm = ")
            .push_bind(algorithm.clone());
    }
    if let Some(compliant) = filter.compliant {
        query
            .push(" AND b.exemption_id IS NULL AND b.compliant = ")
            .push_bind(compliant);
    }
    match filter.exempt {
        Some(true) => query.push(" AND b.exemption_id IS NOT NULL"),
        Some(false) => query.push(" AND b.exemption_id IS NULL"),
        None => query,
    };
    if let Some((requirement, result)) = &filter.control {
        let passes = match requirement {
            Requirement::Any => "s.status = 'encrypted'",
            Requirement::Kms => "s.sse_algorithm = 'KMS'",
            Requirement::KmsCmk { .. } => {
                "(s.sse_algorithm = 'KMS' AND s.kms_master_key_id IS NOT NULL)"
            }
            Requirement::Sm4 => "(s.sse_algorithm = 'SM4' OR s.kms_data_encryption = 'SM4')",
        };
        // An exempt bucket counts as exempt against every control, whatever OSS holds.
        query.push(match result {
            ControlResult::Passing => format!(
                " AND b.exemption_id IS NULL AND s.status <> 'unknown' AND coalesce({passes}, 0)"
            ),
            ControlResult::Failing => format!(
                " AND b.exemption_id IS NULL AND s.status <> 'unknown' AND NOT coalesce({passes}, 0)"
            ),
            ControlResult::Unknown => {
                " AND b.exemption_id IS NULL AND s.status = 'unknown'".to_owned()
            }
            ControlResult::Exempt => " AND b.exemption_id IS NOT NULL".to_owned(),
        });
    }
    if let Some(part) = &filter.name_contains {
        // LIKE wildcards in the search text are matched literally.
        let escaped = part
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query
            .push(" AND b.name LIKE ")
            .push_bind(format!("%{escaped}%"))
            .push(" ESCAPE '\\'");
    }
}

/// One page of present buckets matching `filter`.
pub async fn query_buckets(
    db: impl Db,
    filter: &BucketQuery,
) -> Result<Vec<BucketRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let mut query = QueryBuilder::new(RECORD_SELECT);
    push_filters(&mut query, filter);
    if let Some(after) = &filter.after_name {
        query.push(" AND b.name > ").push_bind(after.clone());
    }
    let column = match filter.sort {
        BucketSort::Name => "b.name",
        BucketSort::Region => "b.region",
        BucketSort::Status => "b.status",
        BucketSort::Algorithm => "s.sse_algorithm",
        BucketSort::Compliance => "b.compliant",
        BucketSort::ScannedAt => "scanned_at",
    };
    let direction = if filter.descending { "DESC" } else { "ASC" };
    query.push(format!(
        " ORDER BY {column} {direction}, b.name {direction}, a.name {direction}"
    ));
    query
        .push(" LIMIT ")
        .push_bind(filter.limit)
        .push(" OFFSET ")
        .push_bind(filter.offset);
    records(query.build_query_as().fetch_all(&mut *conn).await?)
}

/// How many present buckets match `filter` (paging and cursors ignored).
pub async fn count_buckets(db: impl Db, filter: &BucketQuery) -> Result<i64, StoreError> {
    let mut conn = db.connection().await?;
    let mut query = if filter.sse_algorithm.is_some() || filter.control.is_some() {
        QueryBuilder::new(
            "SELECT count(*) FROM bucket b JOIN encryption_state s ON s.id = b.state_id",
        )
    } else {
        // Everything else is on the bucket row: counted from an index, without the states.
        QueryBuilder::new("SELECT count(*) FROM bucket b")
    };
    push_filters(&mut query, filter);
    Ok(query.build_query_scalar().fetch_one(&mut *conn).await?)
}

/// Present buckets of `account` (every account's when `None`) counted by status and compliance.
pub async fn count_buckets_by_status(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<(Status, Option<bool>, i64)>, StoreError> {
    Ok(count_buckets_by_account_and_status(db, account)
        .await?
        .into_iter()
        .fold(Vec::new(), |mut rows, (_, status, compliant, _, count)| {
            match rows
                .iter_mut()
                .find(|(s, c, _): &&mut (Status, Option<bool>, i64)| {
                    (*s, *c) == (status, compliant)
                }) {
                Some(row) => row.2 += count,
                None => rows.push((status, compliant, count)),
            }
            rows
        }))
}

/// Present buckets counted by account, status and compliance (`account` alone when given), from
/// the `bucket_current_by_account` index alone. Exempt buckets are counted apart (the `bool`),
/// with `None` for their compliance: neither compliant nor non-compliant.
pub async fn count_buckets_by_account_and_status(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<(AccountId, Status, Option<bool>, bool, i64)>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<(AccountId, String, Option<bool>, bool, i64)> = sqlx::query_as(&format!(
        "SELECT account_id, status, CASE WHEN exemption_id IS NULL THEN compliant END,
                exemption_id IS NOT NULL, count(*)
         FROM bucket
         WHERE {} AND gone_at IS NULL AND state_id IS NOT NULL
         GROUP BY 1, 2, 3, 4",
        in_accounts("account_id", account)
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(account, status, compliant, exempt, count)| {
            let status = parse_column("status", &status, |s| Status::parse(s).ok_or("unknown"))?;
            Ok((account, status, compliant, exempt, count))
        })
        .collect()
}

/// Present buckets of `account` (every account's when `None`) that an approved exemption covers.
pub async fn count_exempt_buckets(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<i64, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar(&format!(
        "SELECT count(*) FROM bucket
         WHERE {} AND gone_at IS NULL AND state_id IS NOT NULL AND exemption_id IS NOT NULL",
        in_accounts("account_id", account)
    ))
    .fetch_one(&mut *conn)
    .await?)
}

/// These buckets with their current state (those that have one), by name.
pub async fn list_buckets_by_id(
    db: impl Db,
    ids: &[BucketId],
) -> Result<Vec<BucketRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(5000) {
        let mut query = QueryBuilder::new(RECORD_SELECT);
        query.push(" WHERE b.id IN (");
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        query.push(")");
        found.extend(records(
            query.build_query_as().fetch_all(&mut *conn).await?,
        )?);
    }
    found.sort_by(|a, b| (&a.name, &a.account).cmp(&(&b.name, &b.account)));
    Ok(found)
}
