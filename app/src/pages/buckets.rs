//! The bucket list: filters in the address (a GET form), sortable columns, pages of 50, a CSV
//! export of the same view, and for operators a selection to remediate.

use leptos::prelude::*;

use crate::components::{ComplianceBadge, KeyId, StatusBadge, Time};
use crate::model::{BucketRow, BucketsModel, Chrome};

/// The sortable columns: query value and heading.
const COLUMNS: [(&str, &str); 6] = [
    ("name", "Name"),
    ("status", "Status"),
    ("algorithm", "Algorithm"),
    ("region", "Region"),
    ("compliance", "Compliance"),
    ("scanned", "Last scanned"),
];

/// The bucket list page.
#[component]
pub fn Buckets(model: BucketsModel, chrome: Chrome) -> impl IntoView {
    let notes = (!model.notes.is_empty()).then(|| {
        let items = model
            .notes
            .iter()
            .map(|n| view! { <li>{n.clone()}</li> })
            .collect_view();
        view! { <ul class="notes" role="status" aria-label="Ignored filters">{items}</ul> }
    });
    // Operators on some accounts pick buckets too; the preview sets apart the others.
    let operate = chrome.operates_somewhere;
    let table = if model.rows.is_empty() {
        view! { <p class="muted">{model.showing()}</p> }.into_any()
    } else {
        let table = view! {
            <table class="data buckets">
                <caption class="visually-hidden">"Buckets"</caption>
                <thead>
                    <tr>
                        {operate.then(|| view! { <th scope="col"><span class="visually-hidden">"Select"</span></th> })}
                        {header(&model, 0)}
                        <th scope="col">"Account"</th>
                        {header(&model, 1)}
                        {header(&model, 2)}
                        <th scope="col">"Key id"</th>
                        <th scope="col">"Data encryption"</th>
                        {header(&model, 3)}
                        {header(&model, 4)}
                        {header(&model, 5)}
                    </tr>
                </thead>
                <tbody>
                    {model.rows.iter().map(|r| row(r, operate, &chrome.now)).collect_view()}
                </tbody>
            </table>
        };
        if operate {
            view! {
                <form class="selection" method="get" action="/remediate">
                    {table}
                    <p><button type="submit" class="primary">"Remediate selected buckets"</button></p>
                </form>
            }
            .into_any()
        } else {
            table.into_any()
        }
    };
    let export = match model.export_query() {
        query if query.is_empty() => "/buckets.csv".to_owned(),
        query => format!("/buckets.csv?{query}"),
    };
    view! {
        <h1>"Buckets"</h1>
        <Filters model=model.clone() />
        {notes}
        <p class="summary">
            <span>{model.showing()}</span>
            " · "
            <a href=export download="buckets.csv">"Export this view as CSV"</a>
        </p>
        {table}
        <Pager model=model.clone() />
    }
}

/// A sortable column heading: a link that sorts by it (ascending first, then toggling).
fn header(model: &BucketsModel, column: usize) -> impl IntoView + use<> {
    let (key, label) = COLUMNS[column];
    let current = model.sort == key;
    let descending = current && !model.descending;
    let href = format!("/buckets?{}", model.query_with(key, descending, 1));
    let sort = current.then_some(if model.descending {
        "descending"
    } else {
        "ascending"
    });
    let arrow = sort.map(|s| {
        let arrow = if s == "ascending" { " ▲" } else { " ▼" };
        view! { <span aria-hidden="true">{arrow}</span> }
    });
    view! {
        <th scope="col" aria-sort=sort>
            <a href=href>{label}{arrow}</a>
        </th>
    }
}

fn row(r: &BucketRow, operate: bool, now: &str) -> impl IntoView + use<> {
    let select = operate.then(|| {
        let id = format!("select-{}", r.name);
        view! {
            <td>
                <input type="checkbox" name="bucket" value=r.name.clone() id=id.clone() />
                <label for=id class="visually-hidden">{format!("Select {}", r.name)}</label>
            </td>
        }
    });
    let dash = || "—".to_owned();
    // An unknown state has no algorithm; its OSS error code says why.
    let algorithm = match (&r.sse_algorithm, &r.error_code) {
        (Some(algorithm), _) => view! { <span>{algorithm.clone()}</span> }.into_any(),
        (None, Some(code)) => view! { <span class="muted">{format!("({code})")}</span> }.into_any(),
        (None, None) => view! { <span>{dash()}</span> }.into_any(),
    };
    let scanned = match &r.scanned_at {
        Some(at) => view! { <Time at=at.clone() now=now.to_owned() /> }.into_any(),
        None => view! { <span class="muted">"never"</span> }.into_any(),
    };
    let key = match &r.kms_master_key_id {
        Some(id) => view! { <KeyId id=id.clone() /> }.into_any(),
        None => view! { <span>{dash()}</span> }.into_any(),
    };
    view! {
        <tr>
            {select}
            <th scope="row"><a href=format!("/buckets/{}", r.name)>{r.name.clone()}</a></th>
            <td>{r.account.clone()}</td>
            <td><StatusBadge status=r.status.clone() /></td>
            <td>{algorithm}</td>
            <td>{key}</td>
            <td>{r.kms_data_encryption.clone().unwrap_or_else(dash)}</td>
            <td>{r.region.clone()}</td>
            <td><ComplianceBadge compliant=r.compliant exempt=r.exempt /></td>
            <td>{scanned}</td>
        </tr>
    }
}

/// The filter form: a GET form, so the address holds the view (back button, shareable links).
#[component]
fn Filters(model: BucketsModel) -> impl IntoView {
    let f = model.filters.clone();
    let options = |values: &[(&str, &str)], current: &str| {
        values
            .iter()
            .map(|(value, label)| {
                view! { <option value=value.to_string() selected=*value == current>{label.to_string()}</option> }
            })
            .collect_view()
    };
    let mut regions: Vec<String> = model.regions.clone();
    if !f.region.is_empty() && !regions.contains(&f.region) {
        regions.push(f.region.clone());
    }
    let region_options = regions
        .into_iter()
        .map(|r| {
            let selected = r == f.region;
            let label = r.clone();
            view! { <option value=r selected=selected>{label}</option> }
        })
        .collect_view();
    let account_options = options_of(&model.accounts, &f.account);
    // The order is kept when filtering; the page starts again at 1.
    let sort = (model.sort != "name")
        .then(|| view! { <input type="hidden" name="sort" value=model.sort.clone() /> });
    let dir = model
        .descending
        .then(|| view! { <input type="hidden" name="dir" value="desc" /> });
    // A control filter comes from the Controls page; it is kept until the filters are cleared.
    let control = (!f.control.is_empty()).then(|| {
        view! {
            <input type="hidden" name="control" value=f.control.clone() />
            <input type="hidden" name="result" value=f.result.clone() />
            <p class="note" id="control-filter">{format!("Only buckets {} control {}.", f.result, f.control)}</p>
        }
    });
    view! {
        <form class="filters" method="get" action="/buckets" role="search" aria-label="Filter buckets">
            {control}
            <div class="field">
                <label for="filter-q">"Name contains"</label>
                <input type="search" id="filter-q" name="q" value=f.q.clone() maxlength="100" />
            </div>
            <div class="field">
                <label for="filter-account">"Account"</label>
                <select id="filter-account" name="account">
                    <option value="" selected=f.account.is_empty()>"Any"</option>
                    {account_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    {options(&[("", "Any"), ("encrypted", "Encrypted"), ("unencrypted", "Unencrypted"), ("unknown", "Unknown")], &f.status)}
                </select>
            </div>
            <div class="field">
                <label for="filter-compliant">"Compliance"</label>
                <select id="filter-compliant" name="compliant">
                    {options(&[("", "Any"), ("true", "Compliant"), ("false", "Non-compliant"), ("exempt", "Exempt")], &f.compliant)}
                </select>
            </div>
            <div class="field">
                <label for="filter-region">"Region"</label>
                <select id="filter-region" name="region">
                    <option value="" selected=f.region.is_empty()>"Any"</option>
                    {region_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-algorithm">"Algorithm"</label>
                <select id="filter-algorithm" name="sse_algorithm">
                    {options(&[("", "Any"), ("AES256", "AES256"), ("SM4", "SM4"), ("KMS", "KMS")], &f.sse_algorithm)}
                </select>
            </div>
            {sort}
            {dir}
            <div class="field">
                <button type="submit" class="primary">"Apply filters"</button>
                " "
                <a href="/buckets">"Clear"</a>
            </div>
        </form>
    }
}

/// The options of a select of `values`, `current` selected (and added when it is not among them,
/// so the form shows what the address asks for).
pub(super) fn options_of(values: &[String], current: &str) -> impl IntoView + use<> {
    let mut values = values.to_vec();
    if !current.is_empty() && !values.iter().any(|v| v == current) {
        values.push(current.to_owned());
    }
    let current = current.to_owned();
    values
        .into_iter()
        .map(|v| {
            let selected = v == current;
            let label = v.clone();
            view! { <option value=v selected=selected>{label}</option> }
        })
        .collect_view()
}

/// Previous / next links and where we are.
#[component]
fn Pager(model: BucketsModel) -> impl IntoView {
    let last = model.last_page();
    let previous = (model.page > 1).then(|| {
        let href = format!("/buckets?{}", model.page_query(model.page - 1));
        view! { <a href=href rel="prev">"← Previous"</a> }
    });
    let next = (model.page < last).then(|| {
        let href = format!("/buckets?{}", model.page_query(model.page + 1));
        view! { <a href=href rel="next">"Next →"</a> }
    });
    view! {
        <nav class="pager" aria-label="Pages">
            {previous}
            <span>{format!("Page {} of {}", model.page, last)}</span>
            {next}
        </nav>
    }
}
