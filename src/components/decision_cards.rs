//! One card per selected policy: the chosen model, estimates, fallbacks and the trace.

use crate::engine::{Playground, PolicyDecision};
use crate::state::View;
use leptos::prelude::*;
use routeplay_core::format::usd;
use routeplay_core::policy::{Decision, RuleOutcome};

/// The decision cards, side by side.
#[component]
pub fn DecisionCards() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let cards = move || {
        let ds = pg.decisions.get();
        if ds.is_empty() {
            return view! { <p class="muted empty">"Select one or more policies to see how this prompt is routed."</p> }.into_any();
        }
        // Differences between cards are highlighted: a model chosen by only some policies.
        ds.into_iter()
            .map(|d| view! { <DecisionCard d=d /> })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="decisions" aria-label="Decisions">
            {cards}
        </section>
    }
}

fn outcome_label(o: RuleOutcome) -> (&'static str, &'static str) {
    match o {
        RuleOutcome::Chosen => ("chosen", "✔ chose"),
        RuleOutcome::NotMatched => ("not-matched", "✗ no match"),
        RuleOutcome::Error => ("error", "! error"),
        RuleOutcome::NoEligible => ("no-eligible", "∅ no eligible model"),
        RuleOutcome::Skipped => ("skipped", "· not reached"),
    }
}

#[component]
fn DecisionCard(d: PolicyDecision) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let id = d.id.clone();
    match d.decision {
        Err(msg) => view! {
            <article class="card decision broken" data-policy=d.id.clone()>
                <header><h3>{d.id.clone()}</h3></header>
                <p class="diag error">{msg}</p>
                <button on:click=move |_| { pg.editing.set(Some(id.clone())); pg.view.set(View::Policies); }>"Open in editor"</button>
            </article>
        }.into_any(),
        Ok(dec) => view! { <DecisionBody id=id dec=dec /> }.into_any(),
    }
}

#[component]
fn DecisionBody(id: String, dec: Decision) -> impl IntoView {
    let model = dec.model.clone().unwrap_or_else(|| "no model".into());
    let data_model = model.clone();
    let data_id = id.clone();
    let est = dec.estimate;
    let rule = dec.rule.clone().unwrap_or_else(|| "—".into());
    let fallbacks = dec.fallbacks.clone();
    let trace = dec.trace.clone();
    view! {
        <article class="card decision" data-policy=data_id data-model=data_model>
            <header>
                <h3>{id.clone()}</h3>
                <span class="muted small">"rule: "<strong data-field="rule">{rule}</strong></span>
            </header>
            <div class="chosen" data-field="model">{model}</div>
            <dl class="estimates">
                <div><dt>"Est. cost"</dt><dd data-field="cost">{est.map(|e| usd(e.cost_usd)).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>"Est. latency"</dt><dd data-field="latency">{est.map(|e| format!("{:.1} s", e.latency_ms / 1000.0)).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>"Est. quality"</dt><dd data-field="quality">{est.map(|e| format!("{:.0}/100", e.quality)).unwrap_or_else(|| "—".into())}</dd></div>
            </dl>
            <p class="muted small">{format!("{} · {:.0} in / {:.0} out tokens (est.) · task {} · complexity {:.2}", dec.policy, dec.input_tokens, dec.output_tokens, dec.task.replace('_', " "), dec.complexity)}</p>
            <div class="fallbacks">
                <span class="muted small">"Fallbacks: "</span>
                {if fallbacks.is_empty() {
                    view! { <span class="muted small">"none"</span> }.into_any()
                } else {
                    view! { <ol class="chain">{fallbacks.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ol> }.into_any()
                }}
            </div>
            <details class="trace">
                <summary>"Why? Trace of every rule"</summary>
                <ol class="rules">
                    {trace.into_iter().map(|r| {
                        let (cls, label) = outcome_label(r.outcome);
                        view! {
                            <li class=format!("rule {cls}")>
                                <div class="rule-head"><span class="outcome">{label}</span>" "<strong>{r.rule.clone()}</strong><span class="muted small">{format!(" line {}", r.line)}</span></div>
                                <div class="reason small">{r.reason.clone()}</div>
                                {(!r.candidates.is_empty()).then(|| view! {
                                    <table class="candidates small">
                                        <thead><tr><th>"#"</th><th>"model"</th><th>"cost"</th><th>"quality"</th><th>"latency"</th><th>"note"</th></tr></thead>
                                        <tbody>
                                            {r.candidates.into_iter().map(|c| view! {
                                                <tr class:excluded=c.excluded.is_some()>
                                                    <td>{c.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                                                    <td>{c.model.clone()}</td>
                                                    <td>{c.estimate.map(|e| usd(e.cost_usd)).unwrap_or_default()}</td>
                                                    <td>{c.estimate.map(|e| format!("{:.0}", e.quality)).unwrap_or_default()}</td>
                                                    <td>{c.estimate.map(|e| format!("{:.1}s", e.latency_ms / 1000.0)).unwrap_or_default()}</td>
                                                    <td>{c.excluded.clone().or(c.score.map(|s| format!("score {s:.3}"))).unwrap_or_default()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </details>
        </article>
    }
}
