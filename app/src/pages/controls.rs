//! Controls: per control auditors name (CIS, Cloud Config, MLPS), the present buckets passing,
//! failing, exempt and unknown, each count a link to those buckets.

use leptos::prelude::*;

use crate::model::{Chrome, ControlRow, ControlsModel};

/// The Controls page.
#[component]
pub fn Controls(model: ControlsModel, chrome: Chrome) -> impl IntoView {
    let _ = chrome;
    let rows = model
        .rows
        .into_iter()
        .map(|row| view! { <Row row /> })
        .collect_view();
    view! {
        <h1>"Controls"</h1>
        <p class="muted">{format!(
            "How the {} present buckets stand against the controls auditors name. A bucket passes a control when its default encryption meets the control's requirement, whatever the policy asks of it.",
            model.buckets
        )}</p>
        <table class="data controls">
            <caption class="visually-hidden">"Controls"</caption>
            <thead><tr>
                <th scope="col">"Control"</th>
                <th scope="col">"What it asks"</th>
                <th scope="col">"Requirement"</th>
                <th scope="col" class="num">"Passing"</th>
                <th scope="col" class="num">"Failing"</th>
                <th scope="col" class="num">"Exempt"</th>
                <th scope="col" class="num">"Unknown"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn Row(row: ControlRow) -> impl IntoView {
    let link = |result: &'static str, count: u64| {
        let href = format!("/buckets?control={}&result={result}", row.id);
        let label = format!(
            "{count} {result} buckets for {} {}",
            row.framework, row.reference
        );
        view! { <a href=href aria-label=label>{count}</a> }
    };
    view! {
        <tr id=format!("control-{}", row.id)>
            <th scope="row">{row.framework.clone()}" "<strong>{row.reference.clone()}</strong></th>
            <td>{row.title.clone()}</td>
            <td><code>{row.requirement.clone()}</code></td>
            <td class="num">{link("passing", row.passing)}</td>
            <td class="num">{link("failing", row.failing)}</td>
            <td class="num">{link("exempt", row.exempt)}</td>
            <td class="num">{link("unknown", row.unknown)}</td>
        </tr>
    }
}
