//! The audit log: every change with who made it, filtered through a plain GET form, paged
//! backwards by entry id.

use leptos::prelude::*;

use crate::components::Time;
use crate::model::{AuditLogModel, AuditLogRow, Chrome};

/// The audit-log page.
#[component]
pub fn AuditLog(model: AuditLogModel, chrome: Chrome) -> impl IntoView {
    let now = chrome.now.clone();
    // Viewers never see the revert links (and are refused if they post one).
    let operate = chrome.can_operate();
    let entries = if model.errors.any() {
        view! { <p class="muted">"Correct the filters above to see entries."</p> }.into_any()
    } else if model.entries.is_empty() {
        view! { <p class="muted">"No changes match these filters."</p> }.into_any()
    } else {
        let rows = model
            .entries
            .iter()
            .map(|entry| view! { <Entry entry=entry.clone() now=now.clone() operate=operate /> })
            .collect_view();
        view! {
            <table class="data audit">
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Account"</th>
                        <th scope="col">"Bucket"</th>
                        <th scope="col">"Before → after"</th>
                        <th scope="col">"Outcome"</th>
                        <th scope="col">"Request id"</th>
                        {operate.then(|| view! { <th scope="col">"Undo"</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let newest = model
        .paged
        .then(|| view! { <a href="/audit-log">"Newest entries"</a> });
    let older = model
        .older
        .clone()
        .map(|href| view! { <a href=href>"Older entries"</a> });
    view! {
        <h1>"Audit log"</h1>
        <Filters model=model.clone() />
        {entries}
        <nav class="pager" aria-label="More entries">{newest}{older}</nav>
    }
}

#[component]
fn Filters(model: AuditLogModel) -> impl IntoView {
    let filter = model.filter;
    let error = |text: Option<String>, id: &'static str| {
        text.map(|t| view! { <p class="error" id=id>{t}</p> })
    };
    let since_invalid = model.errors.since.is_some().then_some("true");
    let until_invalid = model.errors.until.is_some().then_some("true");
    let account_invalid = model.errors.account.is_some().then_some("true");
    let accounts = super::buckets::options_of(&model.accounts, &filter.account);
    view! {
        <form class="filters" method="get" action="/audit-log">
            <div class="field">
                <label for="account">"Account"</label>
                <select id="account" name="account" aria-invalid=account_invalid aria-describedby="account-error">
                    <option value="" selected=filter.account.is_empty()>"Any"</option>
                    {accounts}
                </select>
                {error(model.errors.account, "account-error")}
            </div>
            <div class="field">
                <label for="bucket">"Bucket"</label>
                <input id="bucket" name="bucket" type="text" value=filter.bucket maxlength="63" />
            </div>
            <div class="field">
                <label for="actor">"User"</label>
                <input id="actor" name="actor" type="text" value=filter.actor maxlength="80"
                    aria-describedby="filter-hint" />
            </div>
            <div class="field">
                <label for="since">"From (UTC)"</label>
                <input id="since" name="since" type="date" value=filter.since
                    aria-invalid=since_invalid aria-describedby="since-error" />
                {error(model.errors.since, "since-error")}
            </div>
            <div class="field">
                <label for="until">"To (UTC, inclusive)"</label>
                <input id="until" name="until" type="date" value=filter.until
                    aria-invalid=until_invalid aria-describedby="until-error" />
                {error(model.errors.until, "until-error")}
            </div>
            <div class="field">
                <button type="submit">"Filter"</button>
                " "
                <a href="/audit-log">"Clear"</a>
            </div>
        </form>
        <p class="hint muted" id="filter-hint">"User: a user name, or token:NAME / cli:NAME for API tokens and the command line. Dates are whole UTC days."</p>
    }
}

#[component]
fn Entry(entry: AuditLogRow, now: String, operate: bool) -> impl IntoView {
    let ok = entry.outcome == "ok";
    let outcome = if ok {
        view! { <span class="badge ok"><span aria-hidden="true">"✓"</span>" ok"</span> }.into_any()
    } else {
        view! { <span class="badge bad"><span aria-hidden="true">"✗"</span>{format!(" {}", entry.outcome)}</span> }
            .into_any()
    };
    let detail = entry
        .detail
        .clone()
        .map(|d| view! { <div class="muted">{d}</div> });
    let bucket = entry.bucket.clone().map(|name| {
        view! { <a href=format!("/buckets/{name}")>{name.clone()}</a> }
    });
    let run = entry
        .run
        .map(|run| view! { <div class="muted">{format!("run {run}")}</div> });
    let undo = operate.then(|| {
        let change = entry.revertible.then(|| {
            view! { <a class="revert" href=format!("/revert?change={}", entry.id)>"Revert"</a> }
        });
        let whole = entry.run.map(|run| {
            view! { <div><a class="revert-run" href=format!("/revert?run={run}")>{format!("Revert run {run}")}</a></div> }
        });
        view! { <td>{change}{whole}</td> }
    });
    view! {
        <tr id=format!("change-{}", entry.id)>
            <td><Time at=entry.at.clone() now=now /></td>
            <td>{entry.actor.clone()}</td>
            <td>{entry.action.clone()}{run}</td>
            <td>{entry.account.clone()}</td>
            <td>{bucket}</td>
            <td>{format!("{} → {}", entry.before, entry.after)}</td>
            <td>{outcome}{detail}</td>
            <td><code>{entry.request_id.clone().unwrap_or_else(|| "—".to_owned())}</code></td>
            {undo}
        </tr>
    }
}
