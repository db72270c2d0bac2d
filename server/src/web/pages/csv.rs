//! `GET /buckets.csv`: the bucket list as the same query shows it, every page, in its order,
//! streamed in chunks from one read transaction (one consistent snapshot, never all in memory).
//!
//! Chunks of the default order (name, ascending) continue after the last name (an index seek
//! each); other orders continue by offset, so each chunk sorts again: large chunks keep that to a
//! few sorts (100,000 buckets by region: 10 chunks).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::OwnedSemaphorePermit;

use super::PageError;
use super::buckets::{parse_view, resolve_account};
use crate::store::{self, BucketQuery, BucketRecord, BucketSort, Tx};
use crate::view::{BucketView, CsvTable};
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// Buckets per chunk in the default order: each chunk is an index seek, so small chunks cost nothing.
const KEYSET_CHUNK: i64 = 1_000;
/// Buckets per chunk in other orders: each chunk sorts again (about 7 MB of records at a time).
const OFFSET_CHUNK: i64 = 10_000;

/// The columns, in order.
pub const COLUMNS: [&str; 10] = [
    "name",
    "region",
    "status",
    "sse_algorithm",
    "kms_master_key_id",
    "kms_data_encryption",
    "compliant",
    "error_code",
    "scanned_at",
    // Last, so the columns of exports made before the estate keep their places.
    "account",
];

/// Streams every bucket matching the list's filters (ignored values are ignored here too).
pub async fn export(
    State(state): State<AppState>,
    _user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    // Taken before the transaction and held with it until the download ends or is dropped.
    // Refused rather than queued: a queued request would hold its connection to us meanwhile.
    let Ok(permit) = Arc::clone(state.exports()).try_acquire_owned() else {
        return Ok(busy());
    };
    let mut view = parse_view(raw.as_deref());
    resolve_account(&state, &mut view).await?;
    // The snapshot every chunk reads, so a scan finishing mid-download cannot make a bucket
    // appear twice or not at all.
    let tx = state.store().snapshot().await?;
    let export = Export {
        _permit: permit,
        tx,
        query: first_chunk(view.query),
        header_sent: false,
        done: false,
    };
    let body = Body::from_stream(stream::unfold(export, |mut export| async move {
        if export.done {
            return None;
        }
        let chunk = export.next_chunk().await;
        Some((chunk, export))
    }));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static(r#"attachment; filename="buckets.csv""#),
    );
    Ok(response)
}

/// 503 with `Retry-After` while every export place is taken. Plain text: it answers a download
/// link, and the browser shows it as it is.
fn busy() -> Response {
    tracing::info!("a CSV export was refused: too many exports are running");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "10")],
        "Too many exports are running. Try again in a few seconds.\n",
    )
        .into_response()
}

/// The state of one download between chunks.
struct Export {
    /// This download's place among the exports running at once.
    _permit: OwnedSemaphorePermit,
    tx: Tx,
    /// Filters, order, and the next chunk's offset.
    query: BucketQuery,
    header_sent: bool,
    done: bool,
}

impl Export {
    /// The next chunk of CSV text. A failure ends the body with an error, so the client sees a
    /// broken download rather than a silently shortened file.
    async fn next_chunk(&mut self) -> Result<Bytes, std::io::Error> {
        let records = match store::query_buckets(&mut self.tx, &self.query).await {
            Ok(records) => records,
            Err(err) => {
                tracing::error!(error = %err, "the bucket export failed");
                self.done = true;
                return Err(std::io::Error::other("the export failed"));
            }
        };
        self.done = (records.len() as i64) < self.query.limit;
        advance(&mut self.query, records.last().map(|r| r.name.as_str()));
        let header = !std::mem::replace(&mut self.header_sent, true);
        write_csv(header, &records).map_err(|err| {
            tracing::error!(error = %err, "the bucket export failed");
            self.done = true;
            std::io::Error::other("the export failed")
        })
    }
}

/// Whether chunks continue after the last name (the default order) rather than by offset.
fn by_name(query: &BucketQuery) -> bool {
    query.sort == BucketSort::Name && !query.descending
}

/// The query of the first chunk of `view`.
fn first_chunk(view: BucketQuery) -> BucketQuery {
    let limit = if by_name(&view) {
        KEYSET_CHUNK
    } else {
        OFFSET_CHUNK
    };
    BucketQuery {
        limit,
        offset: 0,
        after_name: None,
        ..view
    }
}

/// Moves `query` past a chunk whose last bucket is named `last`.
fn advance(query: &mut BucketQuery, last: Option<&str>) {
    if by_name(query) {
        query.after_name = last.map(str::to_owned);
    } else {
        query.offset += query.limit;
    }
}

/// CSV text of `records`, with the header line first when `header`.
fn write_csv(header: bool, records: &[BucketRecord]) -> Result<Bytes, csv::Error> {
    let mut table = CsvTable::with_capacity(records.len() * 160 + 128);
    if header {
        table.header(&COLUMNS)?;
    }
    for record in records {
        let b = BucketView::from_record(record);
        table.row(&[
            Some(b.name),
            Some(b.region),
            Some(b.status),
            b.sse_algorithm,
            b.kms_master_key_id,
            b.kms_data_encryption,
            b.compliant.map(|c| c.to_string()),
            b.error_code,
            b.scanned_at,
            Some(b.account),
        ])?;
    }
    Ok(Bytes::from(table.into_bytes()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_the_name_in_the_default_order_and_the_offset_in_others() {
        let mut by_name = first_chunk(BucketQuery::default());
        assert_eq!(by_name.limit, KEYSET_CHUNK);
        advance(&mut by_name, Some("m-bucket"));
        assert_eq!(
            (by_name.after_name.as_deref(), by_name.offset),
            (Some("m-bucket"), 0)
        );

        let mut by_region = first_chunk(BucketQuery {
            sort: BucketSort::Region,
            ..BucketQuery::default()
        });
        advance(&mut by_region, Some("m-bucket"));
        advance(&mut by_region, Some("z-bucket"));
        assert_eq!(by_region.after_name, None);
        assert_eq!(by_region.offset, 2 * OFFSET_CHUNK);

        let mut descending = first_chunk(BucketQuery {
            descending: true,
            ..BucketQuery::default()
        });
        advance(&mut descending, Some("m-bucket"));
        assert_eq!(
            (descending.after_name, descending.offset),
            (None, OFFSET_CHUNK)
        );
    }
}
