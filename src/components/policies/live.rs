//! The open policy's decision on the current prompt, recomputed as either is edited: the
//! chosen model, the rule that chose and why, or why there is no decision.

use super::PoliciesCtx;
use crate::engine::{Load, Playground};
use leptos::prelude::*;
use routeplay_core::format::{plural, usd};
use routeplay_core::policy::{Decision, Facts, RuleOutcome};

/// What the live result shows.
#[derive(Debug, Clone, PartialEq)]
enum Live {
    /// Catalog or policies still loading.
    Loading,
    /// The policy does not compile.
    Broken(usize),
    /// The decision.
    Decided(Box<Decision>),
}

/// The live result panel.
#[component]
pub fn LiveResult() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let ctx = expect_context::<PoliciesCtx>();
    // The core's decision, from the memos every view shares (signals of the prompt, the
    // compiled policy, the catalog and the metadata): nothing is recomputed here that they
    // already hold.
    let live = Memo::new(move |_| {
        let Some(c) = ctx.compiled.get() else {
            return Live::Loading;
        };
        let Some(policy) = &c.policy else {
            return Live::Broken(c.errors());
        };
        let Some(cat) = pg.catalog.get() else {
            return Live::Loading;
        };
        let meta = pg.metadata.get().unwrap_or_default();
        let a = pg.analysis.get();
        let facts = pg.prompt.with(|t| Facts::new(t, &a.signals, &meta));
        Live::Decided(Box::new(policy.decide(&facts, &cat)))
    });
    let provisional = move || matches!(pg.load_model.get(), Load::Loading);
    let body = move || {
        match live.get() {
        Live::Loading => view! { <p class="muted" data-state="loading">"Loading the catalog and policies…"</p> }.into_any(),
        Live::Broken(n) => view! {
            <p class="live-broken" data-state="broken">
                {format!("No decision: this policy has {} and cannot route until fixed. The list under the editor says where.", plural(n, "error"))}
            </p>
        }.into_any(),
        Live::Decided(d) => {
            let chosen = d.trace.iter().find(|t| t.outcome == RuleOutcome::Chosen).cloned();
            let passed = d.trace.iter().filter(|t| matches!(t.outcome, RuleOutcome::NotMatched | RuleOutcome::NoEligible | RuleOutcome::Error)).count();
            let model = d.model.clone().unwrap_or_else(|| "no model".into());
            let est = d.estimate;
            let data_model = model.clone();
            view! {
                <div class="live-decision" data-state="decided" data-model=data_model data-rule=d.rule.clone().unwrap_or_default()>
                    <div class="live-model">{model}</div>
                    <p class="small">
                        "Rule "<strong data-field="rule">{d.rule.clone().unwrap_or_else(|| "—".into())}</strong>
                        {chosen.as_ref().map(|c| format!(" (line {})", c.line))}
                        {(passed > 0).then(|| format!(", after {} that did not choose", plural(passed, "rule")))}
                    </p>
                    {chosen.map(|c| view! { <p class="live-why small" data-field="why">"Why: "{c.reason}</p> })}
                    <dl class="live-estimates small">
                        <div><dt>"Cost"</dt><dd>{est.map(|e| usd(e.cost_usd)).unwrap_or_else(|| "—".into())}</dd></div>
                        <div><dt>"Quality"</dt><dd>{est.map(|e| format!("{:.0}/100", e.quality)).unwrap_or_else(|| "—".into())}</dd></div>
                        <div><dt>"Latency"</dt><dd>{est.map(|e| format!("{:.1} s", e.latency_ms / 1000.0)).unwrap_or_else(|| "—".into())}</dd></div>
                    </dl>
                    <p class="muted small">
                        {format!("Task {} · complexity {:.2} · {:.0} tokens in", d.task.replace('_', " "), d.complexity, d.input_tokens)}
                        {(!d.fallbacks.is_empty()).then(|| format!(" · fallbacks: {}", d.fallbacks.join(", ")))}
                    </p>
                </div>
            }.into_any()
        }
    }
    };
    view! {
        <section class="panel live-result" aria-labelledby="live-title">
            <h2 id="live-title">"On the current prompt"</h2>
            <label class="small muted" for="live-prompt">"Prompt (the same as in the Prompt view)"</label>
            <textarea id="live-prompt" class="live-prompt" rows="3" spellcheck="false"
                prop:value=move || pg.prompt.get()
                on:input=move |ev| pg.prompt.set(event_target_value(&ev))></textarea>
            {move || provisional().then(|| view! { <p class="muted small">"Provisional: the task classifier is still loading, so task is \"unknown\"."</p> })}
            <div class="live-body" aria-live="polite">{body}</div>
        </section>
    }
}
