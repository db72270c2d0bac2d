//! `GET /keys` (every customer key behind an SSE-KMS bucket, unusable first) and `GET /keys/{id}`
//! (one key: its state, history and the buckets that depend on it). Viewers may read both.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;

use app::model::{KeyDetailModel, KeyFindingRow, KeyHistoryRow, KeyRow, KeysModel};
use app::{Nav, Page};

use super::{PageError, not_found, show_page};
use crate::store::{self, KeyFinding, StoreError};
use crate::view::{KeyView, rfc3339};
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// `/keys` and `/keys/{id}`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/keys", axum::routing::get(show))
        .route("/keys/{id}", axum::routing::get(show_key))
}

/// `GET /keys`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let keys = store::list_kms_keys(state.store(), None).await?;
    let model = KeysModel {
        keys: keys.iter().map(|k| row(KeyView::new(k))).collect(),
    };
    Ok(show_page(&user, &jar, Nav::Keys, Page::Keys(model)).await)
}

/// `GET /keys/{id}`: by key id, alias, or the reference buckets use.
pub async fn show_key(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let Some((key, history, buckets)) = store::find_kms_key(state.store(), &id).await? else {
        return Ok(not_found(Ok(user), jar).await);
    };
    let model = KeyDetailModel {
        key: row(KeyView::new(&key)),
        history: history
            .into_iter()
            .map(|h| KeyHistoryRow {
                observed_at: rfc3339(h.observed_at),
                state: h.state,
                delete_date: h.delete_date.map(|d| d.format("%Y-%m-%d").to_string()),
                rotation: h.rotation,
                error_code: h.error_code,
                request_id: h.request_id,
            })
            .collect(),
        buckets,
    };
    Ok(show_page(&user, &jar, Nav::Keys, Page::KeyDetail(model)).await)
}

fn row(v: KeyView) -> KeyRow {
    KeyRow {
        account: v.account,
        region: v.region,
        key_id: v.key_id,
        alias: v.alias,
        state: v.state,
        standing: v.standing,
        readable_until: v.readable_until,
        rotation: v.rotation,
        origin: v.origin,
        protection_level: v.protection_level,
        material_expire_time: v.material_expire_time,
        warnings: v.warnings,
        error_code: v.error_code,
        request_id: v.request_id,
        checked_at: v.checked_at,
        buckets: v.buckets,
    }
}

/// The overview's critical findings: every present bucket whose key is unusable.
pub async fn findings(state: &AppState) -> Result<Vec<KeyFindingRow>, StoreError> {
    Ok(store::list_key_findings(state.store(), None)
        .await?
        .into_iter()
        .map(|f: KeyFinding| KeyFindingRow {
            readable_until: (f.state == "PendingDeletion")
                .then_some(f.delete_date)
                .flatten()
                .map(|d| d.format("%Y-%m-%d").to_string()),
            account: f.account,
            bucket: f.bucket,
            region: f.region,
            key_id: f.key_id,
            state: f.state,
        })
        .collect())
}
