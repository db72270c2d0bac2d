//! Remediation: the preview (what changes, what is left alone, one confirming button) and the
//! outcome per bucket. Plain forms, so it works with JavaScript switched off.

use leptos::prelude::*;

use crate::components::{ComplianceBadge, StatusBadge};
use crate::model::{Chrome, FailureRow, RemediatePreviewModel, RemediateResultModel};

/// The preview of one-click remediation.
#[component]
pub fn RemediatePreview(model: RemediatePreviewModel, chrome: Chrome) -> impl IntoView {
    let intro = match (&model.selection, &model.target) {
        (None, Some(_)) => format!(
            "Every readable bucket that is not compliant with the policy ({}) gets {}. Compliant buckets and buckets that could not be read are not touched.",
            model.policy,
            model.gets()
        ),
        (None, None) => "Every readable bucket that is not compliant with the rule that decides it gets that rule's remediation target (each row says which). Compliant buckets and buckets that could not be read are not touched.".to_owned(),
        (Some(_), _) if model.force => format!(
            "The buckets you chose get {}, even those already compliant or exempt.",
            model.gets()
        ),
        (Some(_), _) => format!(
            "The buckets you chose get {}, except those already compliant or exempt.",
            model.gets()
        ),
    };
    let heading = match &model.target {
        Some(target) => format!("Will be encrypted with {target} ({})", model.change_count),
        None => format!("Will be encrypted ({})", model.change_count),
    };
    let forced = model.forced_href.clone().map(|href| {
        view! {
            <p>
                "Some of the buckets you chose are already compliant or exempt and are left alone. "
                <a href=href>"Change them too"</a>
            </p>
        }
    });
    let error = model
        .error
        .clone()
        .map(|text| view! { <p class="flash err" role="alert"><span aria-hidden="true">"✗ "</span>{text}</p> });
    let (changes, confirm, summary) = if model.change_count == 0 {
        let text = match &model.selection {
            None => "Nothing to remediate: every readable bucket is compliant with the policy.",
            Some(_) => "None of the chosen buckets will change: below is why each is left alone.",
        };
        let note = view! { <p class="ok-note"><span aria-hidden="true">"✓ "</span>{text}</p> };
        (note.into_any(), None, None)
    } else {
        let summary = view! {
            <p>
                {format!(
                    "{} will change; {} will not be touched. Review both lists, then confirm at the end of the page. ",
                    count(model.change_count),
                    count(model.untouched_count)
                )}
                <a href="#confirm">"Go to the confirmation"</a>
            </p>
        };
        (
            view! { <ChangeTable model=model.clone() /> }.into_any(),
            Some(view! { <ConfirmForm model=model.clone() chrome=chrome.clone() /> }),
            Some(summary),
        )
    };
    view! {
        <h1>"Remediate"</h1>
        <p>{intro}</p>
        {forced}
        {error}
        {summary}
        <section aria-labelledby="will-change">
            <h2 id="will-change">{heading}</h2>
            {changes}
        </section>
        <Untouched model=model.clone() />
        <Exempt model=model.clone() />
        {confirm}
    }
}

/// `1 bucket`, `21 buckets`.
fn count(n: i64) -> String {
    if n == 1 {
        "1 bucket".to_owned()
    } else {
        format!("{n} buckets")
    }
}

#[component]
fn ChangeTable(model: RemediatePreviewModel) -> impl IntoView {
    // One heading and table per account, with how many of its buckets change in all (the rows
    // may be one page of them).
    let groups = model
        .accounts
        .iter()
        .filter(|(account, _)| model.changes.iter().any(|r| r.account == *account))
        .map(|(account, n)| {
            let rows = model
                .changes
                .iter()
                .filter(|r| r.account == *account)
                .map(|row| {
                    view! {
                        <tr>
                            <td><a href=format!("/buckets/{}", row.name)>{row.name.clone()}</a></td>
                            <td>{row.region.clone()}</td>
                            <td><StatusBadge status=row.status.clone() />{format!(" {}", row.current)}</td>
                            <td><ComplianceBadge compliant=row.compliant /></td>
                            <td>{format!("→ {}", row.target)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h3 class="account-group">{format!("{account} ({})", count(*n))}</h3>
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"Bucket"</th>
                            <th scope="col">"Region"</th>
                            <th scope="col">"Now"</th>
                            <th scope="col">"Compliance"</th>
                            <th scope="col">"After"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
        .collect_view();
    let shown_to = model.offset + model.changes.len() as i64;
    let pager = (model.selection.is_none() && model.change_count > model.changes.len() as i64)
        .then(|| {
            let previous = (model.offset > 0).then(|| {
                let to = (model.offset - model.page_size).max(0);
                view! { <a href=format!("/remediate?offset={to}")>"Previous"</a> }
            });
            let next = (shown_to < model.change_count).then(|| {
                view! { <a href=format!("/remediate?offset={shown_to}")>"Next"</a> }
            });
            view! {
                <nav class="pager" aria-label="Pages of buckets to change">
                    {previous}
                    <span>{format!("Showing {}–{} of {}", model.offset + 1, shown_to, model.change_count)}</span>
                    {next}
                </nav>
            }
        });
    view! {
        {groups}
        {pager}
    }
}

#[component]
fn ConfirmForm(model: RemediatePreviewModel, chrome: Chrome) -> impl IntoView {
    let carried = match &model.selection {
        Some(names) => names
            .iter()
            .map(|name| view! { <input type="hidden" name="bucket" value=name.clone() /> })
            .collect_view()
            .into_any(),
        None => view! { <input type="hidden" name="all" value="1" /> }.into_any(),
    };
    view! {
        <form id="confirm" class="confirm" method="post" action="/remediate">
            <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
            {carried}
            {model.force.then(|| view! { <input type="hidden" name="force" value="1" /> })}
            <input type="hidden" name="plan_digest" value=model.plan_digest.clone() />
            <p>"OSS is changed at once; every change is recorded in the audit log with your name."</p>
            <button type="submit" class="primary">{model.button_text()}</button>
            " "
            <a href="/">"Cancel"</a>
        </form>
    }
}

/// The exempt buckets, apart from the others left alone: they are not broken, they are excused.
#[component]
fn Exempt(model: RemediatePreviewModel) -> impl IntoView {
    if model.exempt_count == 0 {
        return ().into_any();
    }
    let rows = model
        .exempt
        .iter()
        .map(|row| {
            view! {
                <tr>
                    <td><a href=format!("/buckets/{}", row.name)>{row.name.clone()}</a></td>
                    <td>{row.region.clone()}</td>
                    <td>{row.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="exempt" aria-labelledby="exempt">
            <h2 id="exempt">
                <span aria-hidden="true">"⊘ "</span>
                {format!("Exempt, left alone ({})", model.exempt_count)}
            </h2>
            <p>"An approved exemption covers these buckets until it expires or is revoked. "<a href="/exemptions">"Exemptions"</a></p>
            <table class="data">
                <thead>
                    <tr><th scope="col">"Bucket"</th><th scope="col">"Region"</th><th scope="col">"Exemption"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn Untouched(model: RemediatePreviewModel) -> impl IntoView {
    if model.untouched_count == 0 {
        return ().into_any();
    }
    let rows = model
        .untouched
        .iter()
        .map(|row| {
            let name = if row.region.is_empty() {
                view! { <td>{row.name.clone()}</td> }.into_any()
            } else {
                view! { <td><a href=format!("/buckets/{}", row.name)>{row.name.clone()}</a></td> }
                    .into_any()
            };
            view! {
                <tr>
                    {name}
                    <td>{row.account.clone()}</td>
                    <td>{row.region.clone()}</td>
                    <td>{row.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let more = (model.untouched_count > model.untouched.len() as i64).then(|| {
        view! {
            <p class="muted">
                {format!("… and {} more. ", model.untouched_count - model.untouched.len() as i64)}
                <a href="/buckets?status=unknown">"See every bucket that could not be read"</a>
            </p>
        }
    });
    view! {
        <section class="untouched" aria-labelledby="untouched">
            <h2 id="untouched">
                <span aria-hidden="true">"⊘ "</span>
                {format!("Will not be touched ({})", model.untouched_count)}
            </h2>
            <p>"These buckets are left exactly as they are. To fix one that could not be read, grant access and scan again, or choose it explicitly from the bucket list."</p>
            <table class="data">
                <thead>
                    <tr><th scope="col">"Bucket"</th><th scope="col">"Account"</th><th scope="col">"Region"</th><th scope="col">"Why"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {more}
        </section>
    }
    .into_any()
}

/// The outcome of a confirmed remediation.
#[component]
pub fn RemediateResult(model: RemediateResultModel) -> impl IntoView {
    let summary = format!(
        "{} encrypted with {}, {} failed.",
        model.remediated.len(),
        model.target,
        model.failed.len()
    );
    let remediated = (!model.remediated.is_empty()).then(|| {
        let rows = model
            .remediated
            .iter()
            .map(|name| {
                view! {
                    <tr>
                        <td><a href=format!("/buckets/{name}")>{name.clone()}</a></td>
                        <td><span class="badge ok"><span aria-hidden="true">"✓"</span>" remediated"</span></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>{format!("Remediated ({})", model.remediated.len())}</h2>
            <table class="data">
                <thead><tr><th scope="col">"Bucket"</th><th scope="col">"Outcome"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let failed = failed_buckets(&model.failed);
    // Only operators and admins reach this page, so the link needs no role check of its own.
    let revert = model.run.map(|run| {
        view! { " · " <a class="revert" href=format!("/revert?run={run}")>"Revert this remediation"</a> }
    });
    view! {
        <h1>"Remediation results"</h1>
        <p class="outcome" role="status">{summary}</p>
        {failed}
        {remediated}
        <p>
            <a href="/">"Back to the overview"</a>
            " · "
            <a href="/audit-log">"See the audit log"</a>
            {revert}
        </p>
    }
}

/// The buckets a remediation or a revert could not change, each with the OSS code, message and
/// request id to quote to support; nothing when every bucket went through.
pub(crate) fn failed_buckets(failed: &[FailureRow]) -> Option<impl IntoView + use<>> {
    (!failed.is_empty()).then(|| {
        let rows = failed
            .iter()
            .map(|f| {
                let code = if f.code.is_empty() { "—".to_owned() } else { f.code.clone() };
                view! {
                    <tr>
                        <td><a href=format!("/buckets/{}", f.name)>{f.name.clone()}</a></td>
                        <td><span class="badge bad"><span aria-hidden="true">"✗"</span>" failed"</span></td>
                        <td><code>{code}</code></td>
                        <td>{f.message.clone()}</td>
                        <td><code>{f.request_id.clone().unwrap_or_else(|| "—".to_owned())}</code></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>{format!("Failed ({})", failed.len())}</h2>
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Bucket"</th>
                        <th scope="col">"Outcome"</th>
                        <th scope="col">"OSS code"</th>
                        <th scope="col">"Message"</th>
                        <th scope="col">"Request id"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}
