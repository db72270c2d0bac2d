//! Revert: the preview (what each bucket gets back, what changed since and is left alone unless
//! ticked, what cannot be reverted) and the outcome per bucket. Plain forms, no script.

use leptos::prelude::*;

use crate::model::{Chrome, RevertPreviewModel, RevertResultModel, RevertRow};

use super::remediate::failed_buckets;

/// The preview of a revert.
#[component]
pub fn RevertPreview(model: RevertPreviewModel, chrome: Chrome) -> impl IntoView {
    let error = model
        .error
        .clone()
        .map(|text| view! { <p class="flash err" role="alert"><span aria-hidden="true">"✗ "</span>{text}</p> });
    if let Some(refusal) = model.refusal.clone() {
        return view! {
            <h1>"Revert"</h1>
            <p class="flash err" role="alert"><span aria-hidden="true">"✗ "</span>{refusal}</p>
            <p><a href="/audit-log">"Back to the audit log"</a></p>
        }
        .into_any();
    }
    let restores = if model.restores.is_empty() {
        view! { <p class="muted">"No bucket still holds what the change left."</p> }.into_any()
    } else {
        view! { <Rows rows=model.restores.clone() include=false /> }.into_any()
    };
    let changed = (!model.changed.is_empty()).then(|| {
        view! {
            <section aria-labelledby="changed-since">
                <h2 id="changed-since">{format!("Changed since ({})", model.changed.len())}</h2>
                <p>"These buckets changed again after the change. They are left alone unless you tick them: a ticked bucket gets its state before the change back, whatever it holds now."</p>
                <Rows rows=model.changed.clone() include=true />
            </section>
        }
    });
    let apart = (!model.apart.is_empty()).then(|| {
        let rows = model
            .apart
            .iter()
            .map(|row| view! { <tr><td>{row.name.clone()}</td><td>{row.reason.clone()}</td></tr> })
            .collect_view();
        view! {
            <section class="untouched" aria-labelledby="left-alone">
                <h2 id="left-alone">
                    <span aria-hidden="true">"⊘ "</span>
                    {format!("Will not be touched ({})", model.apart.len())}
                </h2>
                <table class="data">
                    <thead><tr><th scope="col">"Bucket"</th><th scope="col">"Why"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    let confirm = if model.can_confirm() {
        view! {
            <form id="confirm" class="confirm" method="post" action="/revert">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <input type="hidden" name=model.target_field.clone() value=model.target_id.to_string() />
                <input type="hidden" name="plan_digest" value=model.digest.clone() />
                <p>"OSS is changed at once; every restore is recorded in the audit log with your name, as a revert that can itself be reverted."</p>
                <button type="submit" class="primary">{model.button_text()}</button>
                " "
                <a href="/audit-log">"Cancel"</a>
            </form>
        }
        .into_any()
    } else {
        view! { <p class="ok-note"><span aria-hidden="true">"✓ "</span>"Nothing to revert."</p> }
            .into_any()
    };
    view! {
        <h1>"Revert"</h1>
        <p>{format!("Reverting {}. Each bucket gets back the encryption it had before.", model.describes)}</p>
        {error}
        <section aria-labelledby="will-restore">
            <h2 id="will-restore">{format!("Will be restored ({})", model.restores.len())}</h2>
            {restores}
        </section>
        {changed}
        {apart}
        {confirm}
    }
    .into_any()
}

/// Buckets with what they hold now and what they get back; with a tick box each when `include`.
#[component]
fn Rows(rows: Vec<RevertRow>, include: bool) -> impl IntoView {
    let body = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let tick = include.then(|| {
                let id = format!("include-{i}");
                view! {
                    <td>
                        <input type="checkbox" form="confirm" name="include" id=id.clone() value=row.name.clone() />
                        <label for=id>{format!(" Restore {}", row.name)}</label>
                    </td>
                }
            });
            view! {
                <tr>
                    <td><a href=format!("/buckets/{}", row.name)>{row.name.clone()}</a></td>
                    <td>{row.region.clone()}</td>
                    <td>{row.now.clone()}</td>
                    <td>{format!("→ {}", row.restore)}</td>
                    {tick}
                </tr>
            }
        })
        .collect_view();
    let tick_head = include.then(|| view! { <th scope="col">"Include"</th> });
    view! {
        <table class="data">
            <thead>
                <tr>
                    <th scope="col">"Bucket"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Now"</th>
                    <th scope="col">"Gets back"</th>
                    {tick_head}
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}

/// The outcome of a confirmed revert.
#[component]
pub fn RevertResult(model: RevertResultModel) -> impl IntoView {
    let summary = format!(
        "{} restored, {} failed, {} left alone.",
        model.restored.len(),
        model.failed.len(),
        model.left_alone.len()
    );
    let failed = failed_buckets(&model.failed);
    let restored = (!model.restored.is_empty()).then(|| {
        let rows = model
            .restored
            .iter()
            .map(|(name, now)| {
                view! {
                    <tr>
                        <td><a href=format!("/buckets/{name}")>{name.clone()}</a></td>
                        <td><span class="badge ok"><span aria-hidden="true">"✓"</span>" restored"</span></td>
                        <td>{now.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>{format!("Restored ({})", model.restored.len())}</h2>
            <table class="data">
                <thead><tr><th scope="col">"Bucket"</th><th scope="col">"Outcome"</th><th scope="col">"Now"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let left_alone = (!model.left_alone.is_empty()).then(|| {
        let rows = model
            .left_alone
            .iter()
            .map(|(name, why)| view! { <tr><td>{name.clone()}</td><td>{why.clone()}</td></tr> })
            .collect_view();
        view! {
            <h2>{format!("Left alone ({})", model.left_alone.len())}</h2>
            <table class="data">
                <thead><tr><th scope="col">"Bucket"</th><th scope="col">"Why"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let again = model.run.map(|run| {
        view! { " · " <a class="revert" href=format!("/revert?run={run}")>"Revert this revert"</a> }
    });
    view! {
        <h1>"Revert results"</h1>
        <p>{format!("Reverted {}.", model.describes)}</p>
        <p class="outcome" role="status">{summary}</p>
        {failed}
        {restored}
        {left_alone}
        <p>
            <a href="/audit-log">"See the audit log"</a>
            {again}
        </p>
    }
}
