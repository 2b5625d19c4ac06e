//! The steered prompts of one comparison: what the policy chose (a house model), what the
//! reference chose instead, the premium and the quality given up, the one-line difference the
//! core explains; each row opens the two decisions' traces side by side.

use super::{points, Results};
use crate::components::batch_view::trace_column;
use crate::components::decision_cards::code_spans;
use crate::engine::Shared;
use leptos::prelude::*;
use routeplay_core::audit::ReferenceKind;
use routeplay_core::format::{plural, signed_usd, thousands};

/// Rows per page.
const PAGE: usize = 25;

/// The table.
#[component]
pub fn SteeredTable(results: Shared<Results>, which: usize) -> impl IntoView {
    let r = results;
    let Some(c) = r.report.comparisons.get(which).cloned() else {
        return view! { <p class="muted">"No comparison."</p> }.into_any();
    };
    let house = r.report.house_label.clone();
    let other = match c.kind {
        ReferenceKind::Neutral => "neutral".to_string(),
        ReferenceKind::Picked => c.reference.clone(),
    };
    if c.steered_prompts.is_empty() {
        return view! {
            <p class="small" data-steered="0">{format!("No prompt steered: wherever {} chose a {house} model, {} did too.", r.report.policy, if c.kind == ReferenceKind::Neutral { "its neutral counterfactual".to_string() } else { c.reference.clone() })}</p>
        }
        .into_any();
    }
    let total = c.steered_prompts.len();
    let page = RwSignal::new(0usize);
    let open = RwSignal::new(None::<usize>);
    let pages = total.div_ceil(PAGE);
    let policy = r.report.policy.clone();
    let c_rows = c.clone();
    let body = move || {
        let p = page.get().min(pages.saturating_sub(1));
        let start = p * PAGE;
        let end = (start + PAGE).min(total);
        c_rows.steered_prompts[start..end]
            .iter()
            .map(|s| {
                let i = s.index;
                let is_open = open.get() == Some(i);
                let toggle = move |_| open.update(|o| *o = if *o == Some(i) { None } else { Some(i) });
                let traces = is_open.then(|| {
                    // The report keeps the first prompts' decisions; the others are decided again
                    // (the same facts, the same answer).
                    let pair = match (&s.policy_decision, &s.reference_decision) {
                        (Some(a), Some(b)) => Some((a.clone(), b.clone())),
                        _ => r.run.explain(which, i),
                    };
                    let (a, b) = match pair {
                        Some((a, b)) => (Some(a), Some(b)),
                        None => (None, None),
                    };
                    view! {
                        <tr class="trace-row" data-traces-for=i.to_string()>
                            <td colspan="9">
                                <div class="row-traces audit-traces" role="region" aria-label=format!("Both decisions of prompt {}", i + 1)>
                                    <div class="row-traces-head">
                                        <p class="small"><strong>{format!("Prompt {}", i + 1)}</strong>" "<span class="muted">{s.excerpt.clone()}</span></p>
                                        <button class="link" on:click=move |_| open.set(None)>"Close traces"</button>
                                    </div>
                                    <p class="small audit-diff" data-field="difference"><strong>"What made the difference: "</strong>{code_spans(&s.difference)}</p>
                                    <div class="trace-pair">
                                        {trace_column("A", a)}
                                        {trace_column("B", b)}
                                    </div>
                                </div>
                            </td>
                        </tr>
                    }
                });
                let given_up = s.quality_given_up;
                view! {
                    <tr data-steered-row=i.to_string() class:open=is_open data-dominated=s.dominated.to_string()
                        data-policy-cost=s.policy.cost_usd.to_string() data-reference-cost=s.reference.cost_usd.to_string() data-given-up=given_up.to_string()>
                        <td class="num muted">{(i + 1).to_string()}</td>
                        <td class="prompt-cell" title=s.excerpt.clone()><span>{s.excerpt.clone()}</span></td>
                        <td>{s.task.replace('_', " ")}</td>
                        <td><code class="model" data-field="house-model">{s.policy.model.clone()}</code><span class="muted small rule-name">{s.policy.rule.clone()}</span></td>
                        <td><code class="model" data-field="other-model">{s.reference.model.clone()}</code><span class="muted small rule-name">{s.reference.rule.clone()}</span></td>
                        <td class="num" data-field="premium">{signed_usd(s.premium_usd)}</td>
                        <td class="num" data-field="given-up">{points(given_up)}</td>
                        <td>{s.dominated.then(|| view! { <span class="badge warn" title="The other choice was at least as good and no more expensive">"dominated"</span> })}</td>
                        <td class="trace-cell">
                            <button class="trace-btn" data-action="audit-traces" aria-expanded=is_open.to_string()
                                aria-label=format!("{} of prompt {}", if is_open { "Hide traces" } else { "Traces" }, i + 1)
                                on:click=toggle>{if is_open { "Hide" } else { "Traces" }}</button>
                        </td>
                    </tr>
                    {traces}
                }
            })
            .collect_view()
    };
    let dominated = c.overall.dominated;
    view! {
        <p class="small" data-steered=total.to_string()>
            {format!("{} where {policy} chose a {house} model and {other} chose another; {} dominated. A: {policy} · B: {}. Open a row’s traces to see which rule or constraint made the difference.", plural(total, "prompt"), dominated, c.reference)}
        </p>
        <p class="scroll-cue small" aria-hidden="true">"Scroll the table sideways for more columns →"</p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Steered prompts (scrolls sideways)">
            <table class="audit-steered batch-decisions">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">"Prompt"</th>
                    <th scope="col">"Task"</th>
                    <th scope="col">{format!("A · {policy}")}</th>
                    <th scope="col">{format!("B · {other}")}</th>
                    <th scope="col" class="num">"Premium"<span class="sr-only">" (A minus B, USD)"</span></th>
                    <th scope="col" class="num">"Quality given up"</th>
                    <th scope="col"><span class="sr-only">"Dominated"</span></th>
                    <th scope="col"><span class="sr-only">"Traces"</span></th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        {(pages > 1).then(|| view! {
            <div class="pager">
                <button data-action="steered-prev" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"← Previous"</button>
                <span class="muted small">{move || {
                    let start = page.get() * PAGE;
                    format!("Rows {}–{} of {}", thousands(start + 1), thousands((start + PAGE).min(total)), thousands(total))
                }}</span>
                <button data-action="steered-next" disabled=move || { page.get() + 1 >= pages } on:click=move |_| page.update(|p| *p += 1)>"Next →"</button>
            </div>
        })}
    }
    .into_any()
}
