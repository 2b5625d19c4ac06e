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
    let blank = move || pg.analysis.with(|a| a.signals.is_blank());
    let cards = move || {
        if blank() {
            return view! {
                <div class="empty-state" data-empty="prompt">
                    <p><strong>"Type or paste a prompt…"</strong></p>
                    <p class="muted">"Each selected policy will show the model it routes the prompt to, what it would cost, and why — computed in this page, nothing sent anywhere. Or pick an example above."</p>
                </div>
            }
            .into_any();
        }
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
        <section class="decisions" aria-label="Decisions" data-provisional=move || pg.provisional.get().to_string()>
            {cards}
        </section>
    }
}

/// Draws `` `name` `` spans of a core sentence as code.
pub(crate) fn code_spans(text: &str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let part = part.to_string();
            if i % 2 == 1 {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// A rule outcome's CSS class suffix and label, for every trace the page draws (cards and
/// the prompt set's row traces).
pub(crate) fn outcome_label(o: RuleOutcome) -> (&'static str, &'static str) {
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
        Ok(dec) => view! { <DecisionBody id=id dec=dec description=d.description why=d.why /> }.into_any(),
    }
}

#[component]
fn DecisionBody(id: String, dec: Decision, description: String, why: String) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let provisional = move || pg.provisional.get();
    let uncertain = move || {
        pg.analysis
            .with(|a| a.signals.task.as_ref().is_some_and(|t| t.is_uncertain()))
    };
    let model = dec.model.clone().unwrap_or_else(|| "no model".into());
    let data_model = model.clone();
    let data_id = id.clone();
    let est = dec.estimate;
    let rule = dec.rule.clone().unwrap_or_else(|| "—".into());
    let fallbacks = dec.fallbacks.clone();
    let trace = dec.trace.clone();
    // A label of your own classifier: say what the quality estimate means for it.
    let custom_note = routeplay_core::policy::custom_task_note(&dec.task);
    view! {
        <article class="card decision" class:provisional=provisional data-policy=data_id data-model=data_model data-provisional=move || provisional().to_string()>
            <header>
                <h3>{id.clone()}</h3>
                <span class="muted small">"rule: "<strong data-field="rule">{rule}</strong></span>
            </header>
            {(!description.is_empty()).then(|| view! { <p class="policy-desc small" data-field="description">{description}</p> })}
            {move || provisional().then(|| view! {
                <p class="provisional-note small" data-field="provisional" role="status">"provisional — classifier loading"</p>
            })}
            <div class="chosen-model" data-field="model">{model}</div>
            <p class="why small" data-field="why">{code_spans(&why)}</p>
            <dl class="estimates">
                <div><dt>"Est. cost"</dt><dd data-field="cost">{est.map(|e| usd(e.cost_usd)).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>"Est. latency"</dt><dd data-field="latency">{est.map(|e| format!("{:.1} s", e.latency_ms / 1000.0)).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>"Est. quality"</dt><dd data-field="quality">{est.map(|e| format!("{:.0}/100", e.quality)).unwrap_or_else(|| "—".into())}</dd></div>
            </dl>
            <p class="muted small">
                {format!("{:.0} in / {:.0} out tokens (est.) · task {}", dec.input_tokens, dec.output_tokens, if custom_note.is_some() { dec.task.clone() } else { dec.task.replace('_', " ") })}
                {move || uncertain().then_some(" (uncertain)")}
                {format!(" · complexity {:.2}", dec.complexity)}
            </p>
            {custom_note.map(|n| view! { <p class="muted small" data-field="custom-task">{n}</p> })}
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
                                    <div class="candidates small">
                                        <div class="cand-legend muted" aria-hidden="true"><span>"candidates, best first"</span><span>"est. cost · quality · latency"</span></div>
                                        <ol class="cand-list" aria-label="Candidates">
                                            {r.candidates.into_iter().map(|c| {
                                                let figs = c.estimate.map(|e| format!("{} · {:.0} · {:.1} s", usd(e.cost_usd), e.quality, e.latency_ms / 1000.0));
                                                let figs_label = c.estimate.map(|e| format!("cost {}, quality {:.0}, latency {:.1} s", usd(e.cost_usd), e.quality, e.latency_ms / 1000.0)).unwrap_or_default();
                                                let note = c.excluded.clone().map(|e| format!("excluded: {e}")).or(c.score.map(|s| format!("score {s:.3}")));
                                                view! {
                                                    <li class="cand" class:excluded=c.excluded.is_some()>
                                                        <span class="cand-rank">{c.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</span>
                                                        <span class="cand-model">{c.model.clone()}</span>
                                                        {figs.map(|f| view! { <span class="cand-figs" aria-label=figs_label>{f}</span> })}
                                                        {note.map(|n| view! { <span class="cand-note">{n}</span> })}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ol>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </details>
        </article>
    }
}
