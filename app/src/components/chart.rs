//! The trend chart: compliance rate (line) and unencrypted buckets (bars) over past scans, drawn as
//! server-side SVG with a text table for readers who cannot see it.

use leptos::prelude::*;

use crate::model::TrendPoint;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 160.0;
const PAD: f64 = 24.0;

/// The chart, plus the same figures as a table (readable without colour, or without the picture).
#[component]
pub fn TrendChart(points: Vec<TrendPoint>) -> impl IntoView {
    if points.is_empty() {
        return view! { <p class="muted">"No completed scans yet."</p> }.into_any();
    }
    // One bar is not a trend: say where things stand until a second scan gives a direction.
    if let [only] = points.as_slice() {
        return view! {
            <p class="muted trend-single">
                {format!(
                    "One scan so far (scan {}: {:.1} % compliant, {} unencrypted). The trend shows from the second scan.",
                    only.scan, only.compliance_rate, only.unencrypted
                )}
            </p>
        }
        .into_any();
    }
    let n = points.len();
    let step = if n > 1 {
        (WIDTH - 2.0 * PAD) / (n - 1) as f64
    } else {
        0.0
    };
    let x = move |i: usize| PAD + step * i as f64;
    let y_rate = |rate: f64| HEIGHT - PAD - (rate / 100.0) * (HEIGHT - 2.0 * PAD);
    let max_unencrypted = points
        .iter()
        .map(|p| p.unencrypted)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let bar_width = (step * 0.5).clamp(2.0, 16.0);
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y_rate(p.compliance_rate)))
        .collect();
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = (p.unencrypted as f64 / max_unencrypted) * (HEIGHT - 2.0 * PAD) * 0.5;
            view! {
                <rect class="bar" x=format!("{:.1}", x(i) - bar_width / 2.0) y=format!("{:.1}", HEIGHT - PAD - h)
                    width=format!("{bar_width:.1}") height=format!("{h:.1}")>
                    <title>{format!("scan {}: {} unencrypted", p.scan, p.unencrypted)}</title>
                </rect>
            }
        })
        .collect_view();
    let last = points.last().map(|p| p.compliance_rate).unwrap_or_default();
    let rows = points
        .iter()
        .rev()
        .take(10)
        .map(|p| {
            view! {
                <tr>
                    <td>{p.scan}</td>
                    <td>{p.finished_at.clone()}</td>
                    <td class="num">{format!("{:.1} %", p.compliance_rate)}</td>
                    <td class="num">{p.unencrypted}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="trend">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-label=format!("Compliance over the last {n} scans, now {last:.1} %")>
                <line class="axis" x1=PAD y1=HEIGHT - PAD x2=WIDTH - PAD y2=HEIGHT - PAD />
                <text class="tick" x="2" y=PAD + 4.0>"100%"</text>
                <text class="tick" x="2" y=HEIGHT - PAD>"0%"</text>
                {bars}
                <polyline class="rate" points=line.join(" ") />
            </svg>
            <figcaption>
                "Line: compliance rate (solid). Bars: unencrypted buckets (hatched)."
            </figcaption>
            <details>
                <summary>"The figures"</summary>
                <table class="data">
                    <thead><tr><th scope="col">"Scan"</th><th scope="col">"Finished"</th><th scope="col" class="num">"Compliant"</th><th scope="col" class="num">"Unencrypted"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
    .into_any()
}
