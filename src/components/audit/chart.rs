//! The house's share of each task type's prompts, the policy beside its reference: one row per
//! task (HTML labels, so they stay readable on a phone), two bars each drawn in SVG with the
//! policy's bootstrap interval as a whisker, gridlines at every quarter, an axis with its title
//! and a legend.

use crate::components::charts::{cat, pct};
use leptos::prelude::*;
use routeplay_core::audit::Comparison;
use routeplay_core::format::plural;

/// Palette colours: the policy, the reference.
const POLICY: usize = 0;
const REFERENCE: usize = 14;

/// The chart.
#[component]
pub fn ShareByTask(
    comparison: Comparison,
    /// The audited policy's name.
    policy: String,
    /// How the reference reads ("the neutral counterfactual", "balanced").
    reference: String,
    /// The house's label.
    house: String,
) -> impl IntoView {
    let rows = comparison
        .by_task
        .iter()
        .map(|t| {
            let m = &t.measures;
            let p = m.policy_house.of_prompts;
            let r = m.reference_house.of_prompts;
            let x = |v: f64| format!("{:.1}", (v.clamp(0.0, 1.0)) * 1000.0);
            let label = format!(
                "{}: {house} gets {} of prompts under {policy} (interval {}–{}), {} under {reference}; {} steered",
                t.task.replace('_', " "),
                pct(p.value),
                pct(p.low),
                pct(p.high),
                pct(r.value),
                m.steered
            );
            view! {
                <div class="sbt-row" data-task=t.task.clone() data-policy-share=format!("{:.4}", p.value) data-reference-share=format!("{:.4}", r.value)>
                    <div class="sbt-label">
                        <strong>{t.task.replace('_', " ")}</strong>
                        <span class="muted small">{format!(" {} · {} steered", plural(m.prompts, "prompt"), m.steered)}</span>
                    </div>
                    <svg class="sbt-bars" viewBox="0 0 1000 34" preserveAspectRatio="none" role="img" aria-label=label>
                        {[250, 500, 750].into_iter().map(|g| view! {
                            <line class="sbt-grid" x1=g.to_string() x2=g.to_string() y1="0" y2="34" vector-effect="non-scaling-stroke"></line>
                        }).collect_view()}
                        <rect x="0" y="3" width=x(p.value) height="12" class=cat(POLICY)>
                            <title>{format!("{policy}: {} of {} to {house}", pct(p.value), plural(m.prompts, "prompt"))}</title>
                        </rect>
                        <line class="sbt-ci" x1=x(p.low) x2=x(p.high) y1="9" y2="9" vector-effect="non-scaling-stroke"></line>
                        <rect x="0" y="19" width=x(r.value) height="12" class=cat(REFERENCE)>
                            <title>{format!("{reference}: {} of {} to {house}", pct(r.value), plural(m.prompts, "prompt"))}</title>
                        </rect>
                    </svg>
                    <div class="sbt-values small" aria-hidden="true">
                        <span class="sbt-p">{pct(p.value)}</span>
                        <span class="sbt-r muted">{pct(r.value)}</span>
                    </div>
                </div>
            }
        })
        .collect_view();
    view! {
        <figure class="chart sbt" data-chart="share-by-task">
            <figcaption>
                {format!("Share of each task type’s prompts routed to {house}: {policy} against {reference}")}
                <span class="muted small">" — the line through the upper bar is its 95% bootstrap interval; “steered” counts prompts sent to the house that the reference sent elsewhere"</span>
            </figcaption>
            <ul class="legend" aria-label="Bars">
                <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" class=cat(POLICY)></rect></svg><span>{format!("{policy} (audited)")}</span></li>
                <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" class=cat(REFERENCE)></rect></svg><span>{reference.clone()}</span></li>
            </ul>
            <div class="sbt-rows">{rows}</div>
            <div class="sbt-axis" aria-hidden="true">
                <div></div>
                <div class="sbt-ticks">
                    {[0, 25, 50, 75, 100].into_iter().map(|t| view! { <span class=format!("t{t}")>{format!("{t}%")}</span> }).collect_view()}
                </div>
                <div></div>
            </div>
            <p class="sbt-axis-title small muted">{format!("Share of the task’s prompts routed to {house}")}</p>
        </figure>
    }
}
