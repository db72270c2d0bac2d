//! `GET /buckets`: the bucket list. Filters, order and page come from the URL query; values that
//! are not understood are ignored with a visible note, never a failure.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;

use app::model::{BucketFilters, BucketRow, BucketsModel};
use app::{Nav, Page};

use super::{PageError, show_page};
use crate::domain::{AccountName, ControlResult, Region, SseAlgorithm, Status, control};
use crate::store::{self, BucketQuery, BucketSort, StoreError};
use crate::view::BucketView;
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// Buckets per page.
pub const PAGE_SIZE: i64 = 50;
/// The longest name search kept; bucket names are at most 63 characters.
const MAX_SEARCH: usize = 100;

/// The sort keys of the URL and the store's orders.
const SORTS: [(&str, BucketSort); 6] = [
    ("name", BucketSort::Name),
    ("region", BucketSort::Region),
    ("status", BucketSort::Status),
    ("algorithm", BucketSort::Algorithm),
    ("compliance", BucketSort::Compliance),
    ("scanned", BucketSort::ScannedAt),
];

/// The view the URL query asks for: filters and order (as the store takes them), the page, and
/// notes about the values that were ignored.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub filters: BucketFilters,
    /// Filters and order; no paging.
    pub query: BucketQuery,
    pub sort: &'static str,
    pub page: i64,
    pub notes: Vec<String>,
}

/// Reads the URL query of the list (and of its CSV export). The first value of a repeated key
/// counts; empty values mean "no filter"; unknown keys are ignored silently.
pub fn parse_view(raw: Option<&str>) -> ListView {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
        .collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let mut view = ListView {
        sort: "name",
        page: 1,
        ..ListView::default()
    };
    let mut ignore = |what: &str, value: &str, expected: &str| {
        let shown: String = value.chars().take(40).collect();
        view.notes
            .push(format!("Ignored {what} “{shown}”: {expected}."));
    };
    if let Some(v) = get("account") {
        match AccountName::parse(v) {
            // Resolved to the account's id by `resolve_account`, which needs the store.
            Ok(name) => view.filters.account = name.to_string(),
            Err(_) => ignore("account", v, "not an account name"),
        }
    }
    if let Some(v) = get("status") {
        match Status::parse(v) {
            Some(status) => view.filters.status = status.as_str().to_owned(),
            None => ignore("status", v, "expected encrypted, unencrypted or unknown"),
        }
    }
    if let Some(v) = get("compliant") {
        match v {
            "true" | "false" | "exempt" => view.filters.compliant = v.to_owned(),
            _ => ignore("compliance", v, "expected true or false"),
        }
    }
    if let Some(v) = get("region") {
        match Region::parse(v) {
            Ok(region) => view.filters.region = region.as_str().to_owned(),
            Err(_) => ignore("region", v, "not a region id such as cn-hangzhou"),
        }
    }
    if let Some(v) = get("sse_algorithm") {
        match SseAlgorithm::parse(v) {
            Ok(algorithm) => view.filters.sse_algorithm = algorithm.as_str().to_owned(),
            Err(_) => ignore("algorithm", v, "expected AES256, SM4 or KMS"),
        }
    }
    if let Some(v) = get("control") {
        let result = get("result").and_then(ControlResult::parse);
        match (control(v), result) {
            (Some(c), Some(result)) => {
                view.filters.control = c.id.to_owned();
                view.filters.result = result.as_str().to_owned();
                view.query.control = Some((c.requirement, result));
            }
            (None, _) => ignore("control", v, "not a control of the Controls page"),
            (Some(_), None) => ignore(
                "control",
                v,
                "it needs a result: passing, failing, exempt or unknown",
            ),
        }
    }
    if let Some(v) = get("q") {
        if v.chars().count() > MAX_SEARCH {
            ignore(
                "part of the search",
                v,
                "searches are cut at 100 characters",
            );
        }
        // Trimmed again after the cut: the next page reads its query trimmed, so a search cut
        // just before a space would otherwise change between the page and its links.
        let cut: String = v.chars().take(MAX_SEARCH).collect();
        view.filters.q = cut.trim_end().to_owned();
    }
    if let Some(v) = get("sort") {
        match SORTS.iter().find(|(key, _)| *key == v) {
            Some((key, sort)) => {
                view.sort = key;
                view.query.sort = *sort;
            }
            None => ignore(
                "order",
                v,
                "expected name, region, status, algorithm, compliance or scanned",
            ),
        }
    }
    if let Some(v) = get("dir") {
        match v {
            "asc" => {}
            "desc" => view.query.descending = true,
            _ => ignore("direction", v, "expected asc or desc"),
        }
    }
    if let Some(v) = get("page") {
        match v.parse::<i64>() {
            Ok(page) if page >= 1 => view.page = page,
            _ => ignore("page", v, "expected a page number from 1"),
        }
    }
    let f = &view.filters;
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    view.query.status = some(&f.status);
    view.query.compliant = some(&f.compliant)
        .filter(|c| *c != "exempt")
        .map(|c| c == "true");
    view.query.exempt = (f.compliant == "exempt").then_some(true);
    view.query.region = some(&f.region);
    view.query.sse_algorithm = some(&f.sse_algorithm);
    view.query.name_contains = some(&f.q);
    view
}

/// Narrows `view` to the account its filter names; an account that does not exist is ignored
/// with a note, like any other value that is not understood.
pub async fn resolve_account(state: &AppState, view: &mut ListView) -> Result<(), StoreError> {
    if view.filters.account.is_empty() {
        return Ok(());
    }
    let found = match AccountName::parse(&view.filters.account) {
        Ok(name) => store::find_account_by_name(state.store(), &name).await?,
        Err(_) => None,
    };
    match found {
        Some(account) => view.query.account = Some(account.id),
        None => {
            view.notes.push(format!(
                "Ignored account “{}”: no account has that name.",
                view.filters.account
            ));
            view.filters.account.clear();
        }
    }
    Ok(())
}

/// Renders the bucket list.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let model = load(&state, parse_view(raw.as_deref())).await?;
    Ok(show_page(&user, &jar, Nav::Buckets, Page::Buckets(model)).await)
}

async fn load(state: &AppState, mut view: ListView) -> Result<BucketsModel, StoreError> {
    let store = state.store();
    resolve_account(state, &mut view).await?;
    let total = store::count_buckets(store, &view.query).await?;
    let last_page = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    if view.page > last_page {
        view.notes.push(format!(
            "There is no page {}; showing page {last_page}, the last.",
            view.page
        ));
        view.page = last_page;
    }
    let query = BucketQuery {
        offset: (view.page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        ..view.query.clone()
    };
    let records = store::query_buckets(store, &query).await?;
    let regions = store::list_bucket_regions(store, view.query.account).await?;
    let accounts = store::list_accounts(store, false)
        .await?
        .into_iter()
        .map(|a| a.name.to_string())
        .collect();
    let rows = records
        .iter()
        .map(|record| row(BucketView::from_record(record)))
        .collect();
    Ok(BucketsModel {
        filters: view.filters,
        sort: view.sort.to_owned(),
        descending: view.query.descending,
        page: view.page,
        page_size: PAGE_SIZE,
        total,
        regions,
        accounts,
        rows,
        notes: view.notes,
    })
}

fn row(b: BucketView) -> BucketRow {
    BucketRow {
        name: b.name,
        account: b.account,
        status: b.status,
        sse_algorithm: b.sse_algorithm,
        kms_master_key_id: b.kms_master_key_id,
        kms_data_encryption: b.kms_data_encryption,
        region: b.region,
        compliant: b.compliant.and_then(crate::view::Judgement::judged),
        exempt: b.exemption_id.is_some(),
        error_code: b.error_code,
        scanned_at: b.scanned_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_order_are_read_from_the_query() {
        let view = parse_view(Some(
            "status=unencrypted&compliant=false&region=oss-cn-beijing&sse_algorithm=kms&q=+logs+&sort=region&dir=desc&page=3",
        ));
        assert!(view.notes.is_empty(), "{:?}", view.notes);
        assert_eq!(view.query.status.as_deref(), Some("unencrypted"));
        assert_eq!(view.query.compliant, Some(false));
        assert_eq!(view.query.region.as_deref(), Some("cn-beijing"));
        assert_eq!(view.query.sse_algorithm.as_deref(), Some("KMS"));
        assert_eq!(view.query.name_contains.as_deref(), Some("logs"));
        assert_eq!(view.query.sort, BucketSort::Region);
        assert!(view.query.descending);
        assert_eq!((view.sort, view.page), ("region", 3));
    }

    #[test]
    fn values_not_understood_are_ignored_with_a_note() {
        let view = parse_view(Some(
            "status=broken&compliant=maybe&region=Not_A_Region&sse_algorithm=DES&sort=colour&dir=up&page=-2",
        ));
        assert_eq!(view.notes.len(), 7, "{:?}", view.notes);
        assert_eq!(view.query, BucketQuery::default());
        assert_eq!((view.sort, view.page), ("name", 1));
        assert!(view.notes[0].contains("broken"), "{:?}", view.notes);
    }

    #[test]
    fn empty_and_unknown_keys_mean_no_filter() {
        let view = parse_view(Some("status=&region=&bucket=a&x=1"));
        assert!(view.notes.is_empty());
        assert_eq!(view.query, BucketQuery::default());
        assert!(parse_view(None).notes.is_empty());
    }
}
