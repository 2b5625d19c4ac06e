//! The signals of the current prompt: task-type bars, complexity gauge, cheap signals, and how
//! long each took on this device.

use crate::engine::Playground;
use leptos::prelude::*;
use routeplay_core::signals::{language_verdict, UNCERTAIN_BELOW};

/// Shows every signal of the prompt.
#[component]
pub fn SignalsPanel() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let a = pg.analysis;
    let cheap = move |f: fn(&routeplay_core::signals::CheapSignals) -> String| {
        move || a.with(|a| f(&a.signals.cheap))
    };
    // Below a reliable length or confidence the core detects no language; say why.
    let language = move || {
        a.with(|a| match &a.signals.cheap.language {
            Some(l) => format!("{} · {:.0}%", l.name, l.confidence * 100.0),
            None => pg
                .prompt
                .with(|p| language_verdict(p, None))
                .unwrap_or("—")
                .to_string(),
        })
    };
    let language_unsure = move || a.with(|a| a.signals.cheap.language.is_none());
    let blank = move || a.with(|a| a.signals.is_blank());
    let uncertain = move || a.with(|a| a.signals.task.as_ref().is_some_and(|t| t.is_uncertain()));
    let pii = cheap(|s| {
        if s.pii.is_empty() {
            "none".into()
        } else {
            s.pii
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ")
        }
    });

    let bars = move || {
        a.with(|a| match &a.signals.task {
            None => view! { <p class="muted small">"Task types appear when the classifier has loaded."</p> }.into_any(),
            Some(t) => {
                let mut scores: Vec<(String, f64)> = t.scores.iter().map(|(k, v)| (k.clone(), *v)).collect();
                scores.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                let top = t.label.clone();
                view! {
                    <ul class="task-bars" aria-label="Task type probabilities">
                        {scores.into_iter().map(|(label, p)| {
                            let is_top = label == top;
                            view! {
                                <li class="task-bar" class:top=is_top data-task=label.clone()>
                                    <span class="task-name">{label.replace('_', " ")}</span>
                                    <span class="bar-track"><span class="bar-fill" style:width=format!("{:.1}%", p * 100.0)></span></span>
                                    <span class="task-p">{format!("{:.0}%", p * 100.0)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        })
    };
    let complexity = move || a.with(|a| a.signals.task.as_ref().map(|t| t.complexity));
    let too_short = move || a.with(|a| a.signals.complexity_too_short());
    let gauge = move || {
        let c = complexity();
        let short = too_short();
        let (value, text) = match c {
            Some(_) if short => (0.0, "too short to tell".to_string()),
            Some(c) => (c, format!("{:.2}", c)),
            None => (0.0, "—".into()),
        };
        let word = match c {
            None => "waiting for classifier",
            Some(_) if short => "a few words say little about how hard a task is",
            Some(c) if c < 0.35 => "a light request for its task",
            Some(c) if c < 0.65 => "typical for its task",
            Some(_) => "demanding for its task: a strong model may pay off",
        };
        let valuetext = text.clone();
        view! {
            <div class="gauge" class:unsure=short role="meter" aria-label="Complexity" aria-valuemin="0" aria-valuemax="1" aria-valuenow=format!("{value:.2}") aria-valuetext=valuetext>
                <div class="gauge-track"><div class="gauge-fill" style:width=format!("{:.1}%", value * 100.0)></div></div>
                <div class="gauge-label"><strong data-signal="complexity">{text}</strong>" "<span class="muted small">{word}</span></div>
            </div>
        }
    };
    let timings = move || {
        a.with(|a| {
            let total: f64 = a.timings.iter().map(|(_, ms)| ms).sum();
            let parts = a
                .timings
                .iter()
                .map(|(n, ms)| format!("{n} {}", fmt_ms(*ms)))
                .collect::<Vec<_>>()
                .join(" · ");
            format!("On this device: {} in all ({parts})", fmt_ms(total))
        })
    };
    view! {
        <section class="panel signals-panel" aria-labelledby="signals-title">
            <div class="panel-head">
                <h2 id="signals-title">"Signals"</h2>
                <span class="task-head">
                    <span class="muted small" data-signal="top_task">{move || a.with(|a| a.signals.task.as_ref().map(|t| t.label.replace('_', " ")).unwrap_or_default())}</span>
                    {move || uncertain().then(|| view! {
                        <span class="badge unsure" data-signal="uncertain" title=format!("The top task type has less than {:.0}% probability", UNCERTAIN_BELOW * 100.0)>"uncertain"</span>
                    })}
                </span>
            </div>
            <p class="muted empty-signals" data-signal="empty" hidden=move || !blank()>"Type or paste a prompt to see its signals: task type, complexity, size, code, language and personal data."</p>
            <div class="signals-body" hidden=blank>
                {move || uncertain().then(|| view! {
                    <p class="muted small unsure-note">{format!("Uncertain: no task type reaches {:.0}%, so the classifier's label is a weak guess.", UNCERTAIN_BELOW * 100.0)}</p>
                })}
                {bars}
                <div class="subhead" title="How much the instruction asks for (length, parts, constraints, reasoning), relative to a typical prompt of its task type">"Complexity"</div>
                {gauge}
                <dl class="signal-grid">
                    <div class="signal"><dt>"Tokens (est.)"</dt><dd data-signal="tokens">{cheap(|s| s.tokens.to_string())}</dd></div>
                    <div class="signal"><dt>"Characters"</dt><dd data-signal="chars">{cheap(|s| s.chars.to_string())}</dd></div>
                    <div class="signal"><dt>"Contains code"</dt><dd data-signal="has_code">{cheap(|s| if s.has_code { "yes".into() } else { "no".into() })}</dd></div>
                    <div class="signal"><dt>"Language"</dt><dd data-signal="language" class:unsure=language_unsure>{language}</dd></div>
                    <div class="signal"><dt>"Personal data"</dt><dd data-signal="pii">{pii}</dd></div>
                </dl>
                <crate::components::conversation_view::ConversationSignalsRows />
                <p class="muted small timings" data-signal="timings">{timings}</p>
            </div>
        </section>
    }
}

/// Formats milliseconds for people: µs below 1 ms.
pub fn fmt_ms(ms: f64) -> String {
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}
