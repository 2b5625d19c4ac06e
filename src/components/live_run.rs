//! Live runs: send the prompt to the routed model (executing the fallback chain) or compare it
//! with chosen alternatives side by side; stream tokens in; measure and cost each run.

use crate::components::keys_panel::KeysPanel;
use crate::engine::{Load, Playground};
use crate::providers::client::{now_ms, Canceller, Progress, Provider, RunLimits};
use crate::providers::keys::KeyStore;
use crate::providers::plan_from_decision;
use crate::providers::stream_text::{StreamText, DISPLAY_LIMIT};
use crate::providers::PlannedModel;
use crate::state::conversation::{chat_parts_for, ChatParts};
use crate::state::live::{self, Readiness};
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::format::plural;
use routeplay_core::signals::estimate_tokens;
use routeplay_providers::decode::Usage;
use routeplay_providers::errors::{scrub_keys, ErrorKind, ProviderError};
use routeplay_providers::plan::{
    cost_usd, parse_run_list, plan_to_text, step, to_jsonl, tokens_for, Attempt, Next, Outcome,
    Role, RunRecord, Side, Tokens,
};
use routeplay_providers::wire::ChatRequest;
use std::rc::Rc;
use std::time::Duration;

/// Where a card is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Waiting,
    Running,
    Served,
    Failed,
    Cancelled,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Running => "streaming…",
            Status::Served => "done",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// One column of results.
#[derive(Clone, Copy)]
struct Card {
    id: usize,
    role: &'static str,
    /// The model this card was started for (the routed model of a chain): its header.
    head: StoredValue<(String, String)>,
    /// The prompt and policy behind the run, one line.
    origin: StoredValue<Option<String>>,
    /// The model being tried or that answered (a fallback after the routed model failed).
    provider: RwSignal<String>,
    model: RwSignal<String>,
    status: RwSignal<Status>,
    /// The answer text; drawn into `answer_node` at most once per animation frame.
    text: StoredValue<StreamText, LocalStorage>,
    answer_node: NodeRef<leptos::html::Pre>,
    /// The answer shown is only the start of what the provider was sending.
    partial: RwSignal<bool>,
    /// The answer is longer than what the card draws.
    clipped: RwSignal<bool>,
    /// The provider's finish reason, and a sentence when it is worth telling.
    finish: RwSignal<Option<(String, Option<String>)>>,
    ttft: RwSignal<Option<f64>>,
    total: RwSignal<Option<f64>>,
    usage: RwSignal<Usage>,
    tokens: RwSignal<Option<Tokens>>,
    cost: RwSignal<Option<f64>>,
    estimate: RwSignal<Option<f64>>,
    latency_estimate: RwSignal<Option<f64>>,
    price_source: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    attempts: RwSignal<Vec<Attempt>>,
}

impl Card {
    fn new(id: usize, role: &'static str, m: &PlannedModel, origin: Option<String>) -> Self {
        Self {
            id,
            role,
            head: StoredValue::new((m.provider.clone(), m.model.clone())),
            origin: StoredValue::new(origin),
            provider: RwSignal::new(m.provider.clone()),
            model: RwSignal::new(m.model.clone()),
            status: RwSignal::new(Status::Waiting),
            text: StoredValue::new_local(StreamText::default()),
            answer_node: NodeRef::new(),
            partial: RwSignal::new(false),
            clipped: RwSignal::new(false),
            finish: RwSignal::new(None),
            ttft: RwSignal::new(None),
            total: RwSignal::new(None),
            usage: RwSignal::new(Usage::default()),
            tokens: RwSignal::new(None),
            cost: RwSignal::new(None),
            estimate: RwSignal::new(m.estimated_cost_usd),
            latency_estimate: RwSignal::new(m.estimated_latency_ms),
            price_source: RwSignal::new(m.price_source.clone()),
            error: RwSignal::new(None),
            attempts: RwSignal::new(Vec::new()),
        }
    }
}

/// Draw the card's pending answer text now (append only).
fn draw_answer(card: Card) {
    let Some(pre) = card.answer_node.get_untracked() else {
        // Not mounted (yet): the view draws the whole text when it mounts.
        let _ = card.text.try_update_value(|t| t.take_draw());
        return;
    };
    let Some(d) = card.text.try_update_value(|t| t.take_draw()) else {
        return;
    };
    if d.clipped != card.clipped.get_untracked() {
        card.clipped.set(d.clipped);
    }
    if d.clear {
        pre.set_text_content(None);
    }
    if !d.append.is_empty() {
        let _ = pre.append_with_str_1(&d.append);
    }
}

/// Ask for a redraw at the next animation frame (at most one per frame).
fn schedule_draw(card: Card, needed: bool) {
    if needed {
        request_animation_frame(move || draw_answer(card));
    }
}

/// Settings a run needs.
#[derive(Clone)]
struct RunCtx {
    store: KeyStore,
    prompt: String,
    /// What is sent: the whole conversation when the prompt box holds one, else the prompt.
    chat: Rc<ChatParts>,
    stream: bool,
    max_tokens: Option<u32>,
    limits: RunLimits,
    mode: &'static str,
    cancellers: StoredValue<Vec<Canceller>, LocalStorage>,
    history: RwSignal<Vec<RunRecord>>,
}

/// Run `chain` in order on `card`: the first model that serves wins; what happens after each
/// attempt is `routeplay_providers::plan::step` (pure, tested there). Every attempt lands in the
/// card's trace and in the history.
async fn run_chain(chain: Vec<PlannedModel>, card: Card, ctx: RunCtx) {
    let started_at = js_sys::Date::now();
    let keys = ctx.store.all_keys();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let scrub = |s: String| scrub_keys(&s, &key_refs);
    let n = chain.len();
    let mut last = chain[0].clone();
    for (i, m) in chain.into_iter().enumerate() {
        last = m.clone();
        card.provider.set(m.provider.clone());
        card.model.set(m.model.clone());
        card.estimate.set(m.estimated_cost_usd);
        card.latency_estimate.set(m.estimated_latency_ms);
        card.price_source.set(m.price_source.clone());
        let more = i + 1 < n;
        let record = |outcome: Outcome, reason: Option<String>, error: Option<ProviderError>| {
            let a = Attempt {
                provider: m.provider.clone(),
                model: m.model.clone(),
                outcome: outcome.as_str().to_string(),
                reason,
                error,
            };
            card.attempts.update(|v| v.push(a));
        };
        // Checks before sending: nothing leaves the page when one fails.
        let Some((client, preset)) = ctx.store.provider(&m.provider) else {
            let mut e = ProviderError::new(ErrorKind::LocalRequest);
            e.detail = Some(format!(
                "unknown provider \"{}\" or no endpoint configured",
                m.provider
            ));
            let why = e.user_message(&m.provider);
            let (outcome, next) = step(Some(&e), more);
            record(outcome, Some(why.clone()), Some(e));
            if next == Next::TryNext {
                continue;
            }
            card.error.set(Some(why));
            card.status.set(Status::Failed);
            break;
        };
        let key = ctx.store.key(&m.provider);
        if key.is_none() && preset.key_required {
            let e = ProviderError::new(ErrorKind::MissingKey);
            let why = e.user_message(preset.name);
            let (outcome, next) = step(Some(&e), more);
            record(outcome, Some(why.clone()), Some(e));
            if next == Next::TryNext {
                continue;
            }
            card.error.set(Some(why));
            card.status.set(Status::Failed);
            break;
        }
        card.text.update_value(|t| {
            t.reset();
        });
        draw_answer(card);
        card.partial.set(false);
        card.finish.set(None);
        card.ttft.set(None);
        card.total.set(None);
        card.usage.set(Usage::default());
        card.tokens.set(None);
        card.cost.set(None);
        card.error.set(None);
        card.status.set(Status::Running);
        let canceller = Canceller::new();
        ctx.cancellers.update_value(|c| c.push(canceller.clone()));
        let t0 = now_ms();
        let on_progress: Rc<dyn Fn(Progress)> = Rc::new(move |p| match p {
            Progress::Delta(t) => {
                if card.ttft.get_untracked().is_none() {
                    card.ttft.set(Some(now_ms() - t0));
                }
                let needed = card.text.try_update_value(|s| s.push(&t)).unwrap_or(false);
                schedule_draw(card, needed);
            }
            Progress::Usage(u) => card.usage.set(u),
        });
        let req = ChatRequest {
            model: m.model.clone(),
            system: ctx.chat.system.clone(),
            messages: ctx.chat.messages.clone(),
            tools: ctx.chat.tools.clone(),
            max_tokens: ctx.max_tokens,
            stream: ctx.stream,
        };
        let res = client
            .run(req, key, canceller, ctx.limits, on_progress)
            .await;
        card.total.set(Some(now_ms() - t0));
        // Everything that arrived is on the page before the status changes.
        draw_answer(card);
        let (answer, err) = match res {
            Ok(a) => (a, None),
            Err((e, partial)) => (partial, Some(e)),
        };
        let has_text = card.text.with_value(|t| !t.full().is_empty());
        let mut usage = answer.usage;
        usage.merge(card.usage.get_untracked());
        // A request refused before any answer is not billed: no tokens, no cost.
        if err.is_none() || has_text || usage != Usage::default() {
            // The core's estimator, the same one behind the router's estimate.
            let tokens = tokens_for(usage, |side| {
                let n = match side {
                    Side::Input => estimate_tokens(&ctx.prompt),
                    Side::Output => card.text.with_value(|t| estimate_tokens(t.full())),
                };
                n as u64
            });
            card.tokens.set(Some(tokens));
            let cost = cost_usd(
                tokens.input,
                tokens.output,
                m.input_per_mtok,
                m.output_per_mtok,
            );
            card.cost.set(cost.is_finite().then_some(cost));
        }
        card.partial.set(err.is_some() && has_text);
        card.finish.set(
            answer
                .finish
                .as_ref()
                .map(|f| (f.raw.clone(), f.user_message(preset.name))),
        );
        let (outcome, next) = step(err.as_ref(), more);
        let why = err.as_ref().map(|e| scrub(e.user_message(preset.name)));
        record(outcome, why.clone(), err);
        match next {
            Next::TryNext => continue,
            Next::Stop(Outcome::Served) => card.status.set(Status::Served),
            Next::Stop(Outcome::Cancelled) => card.status.set(Status::Cancelled),
            Next::Stop(_) => {
                card.error.set(why);
                card.status.set(Status::Failed);
            }
        }
        break;
    }
    if card.status.get_untracked() == Status::Running {
        card.status.set(Status::Failed);
    }
    let record = RunRecord {
        started_at_ms: started_at,
        mode: ctx.mode.to_string(),
        prompt: ctx.prompt.clone(),
        provider: last.provider,
        model: last.model,
        attempts: card.attempts.get_untracked(),
        answer: card.text.with_value(|t| t.full().to_string()),
        complete: card.status.get_untracked() == Status::Served,
        partial: card.partial.get_untracked(),
        finish_reason: card.finish.get_untracked().map(|(raw, _)| raw),
        ttft_ms: card.ttft.get_untracked(),
        total_ms: card.total.get_untracked(),
        tokens: card.tokens.get_untracked(),
        cost_usd: card.cost.get_untracked(),
        estimated_cost_usd: card.estimate.get_untracked(),
        estimated_latency_ms: card.latency_estimate.get_untracked(),
    };
    ctx.history.update(|h| h.push(record));
}

fn fmt_ms(v: Option<f64>) -> String {
    match v {
        Some(ms) if ms >= 1000.0 => format!("{:.2} s", ms / 1000.0),
        Some(ms) => format!("{ms:.0} ms"),
        None => "—".into(),
    }
}

/// An optional amount in the app's one money format ([`routeplay_core::format::usd`]), or "—".
fn fmt_usd(v: Option<f64>) -> String {
    v.map(routeplay_core::format::usd)
        .unwrap_or_else(|| "—".into())
}

/// The live-run panel the playground mounts: keys, the run list, run/compare/cancel, result
/// cards side by side, and the session history with JSONL export. It runs the current prompt's
/// decision by the first selected policy that has one, and says which (or why there is none).
#[component]
pub fn LivePanel() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let prompt = Signal::derive(move || pg.prompt.get());
    let loaded = move || {
        pg.catalog.with(Option::is_some) && !matches!(pg.load_policies.get(), Load::Loading)
    };
    // Where the routed model comes from, or why nothing was routed (state/live.rs).
    let origin = Memo::new(move |_| {
        let ok = loaded();
        pg.decisions
            .with(|ds| live::route_origin(ds.iter().map(|d| (d.id.as_str(), &d.decision)), ok))
    });
    let plan = Memo::new(move |_| {
        let o = origin.get().ok()?;
        let cat = pg.catalog.get()?;
        let decisions = pg.decisions.get();
        let d = decisions.get(o.index)?.decision.as_ref().ok()?;
        let alternatives: Vec<String> = decisions
            .iter()
            .filter_map(|d| d.decision.as_ref().ok()?.model.clone())
            .collect();
        plan_from_decision(d, &cat, &alternatives)
    });
    let store = KeyStore::load();
    provide_context(store);
    let run_list = RwSignal::new(String::new());
    // Follows the routed plan until the user edits the list by hand.
    let edited = RwSignal::new(false);
    Effect::new(move |_| {
        let text = plan.get().as_ref().map(plan_to_text).unwrap_or_default();
        if !edited.get_untracked() {
            run_list.set(text);
        }
    });
    // The sentence above the run list: who routed what for which prompt, or why nothing.
    let origin_text = move || -> (bool, String) {
        match (origin.get(), plan.get()) {
            (Err(why), _) => (false, why.sentence()),
            (Ok(o), None) => (false, live::missing_plan(&o).sentence()),
            (Ok(o), Some(p)) => {
                let model = format!("{} · {}", p.routed.provider, p.routed.model);
                (true, live::origin_sentence(&o, &model, &prompt.get()))
            }
        }
    };
    // One line carried by each card: the prompt and policy it ran for.
    let card_origin = move || -> Option<String> {
        let o = origin.get_untracked().ok()?;
        let by = if edited.get_untracked() {
            "your edited run list".to_string()
        } else {
            format!("policy “{}”", o.policy_name)
        };
        Some(format!(
            "Prompt “{}” · routed by {by}",
            live::short_prompt(&prompt.get_untracked(), 60)
        ))
    };
    let stream = RwSignal::new(true);
    let timeout_s = RwSignal::new(30.0_f64);
    let time_limit_s = RwSignal::new(300.0_f64);
    let max_tokens = RwSignal::new(512_u32);
    let cards = RwSignal::new(Vec::<Card>::new());
    let history = RwSignal::new(Vec::<RunRecord>::new());
    let cancellers = StoredValue::new_local(Vec::<Canceller>::new());
    let running = Memo::new(move |_| {
        cards.with(|c| {
            c.iter()
                .any(|c| matches!(c.status.get(), Status::Running | Status::Waiting))
        })
    });
    let notice = RwSignal::new(None::<String>);

    // Compare lines the user unticked ("provider model").
    let excluded = RwSignal::new(Vec::<String>::new());
    let compare_lines = Memo::new(move |_| {
        run_list.with(|t| {
            parse_run_list(t, None)
                .entries
                .into_iter()
                .filter(|(r, _)| *r == Role::Compare)
                .map(|(_, m)| format!("{} {}", m.provider, m.model))
                .collect::<Vec<_>>()
        })
    });

    // Whether each button can start, and the sentence saying what to do when not (state/live.rs).
    let routed_line = Memo::new(move |_| {
        run_list.with(|t| {
            parse_run_list(t, None)
                .entries
                .into_iter()
                .find(|(r, _)| *r == Role::Routed)
                .map(|(_, m)| (m.provider, m.model))
        })
    });
    let run_ready = Memo::new(move |_| {
        let p = prompt.get();
        let routed = routed_line.get();
        store.slots.with(|s| {
            live::run_readiness(
                s,
                &p,
                routed.as_ref().map(|(p, m)| (p.as_str(), m.as_str())),
            )
        })
    });
    // Compare runs each model alone: it can start when any of them can.
    let compare_ready = Memo::new(move |_| {
        let first = run_ready.get();
        if first == Readiness::Ready
            || matches!(first, Readiness::NoPrompt | Readiness::NoRoutedModel)
        {
            return first;
        }
        let others = run_list.with(|t| {
            parse_run_list(t, None)
                .entries
                .into_iter()
                .filter(|(r, _)| *r == Role::Compare)
                .map(|(_, m)| (m.provider, m.model))
                .collect::<Vec<_>>()
        });
        let any = excluded.with(|x| {
            store.slots.with(|s| {
                others.iter().any(|(p, m)| {
                    !x.contains(&format!("{p} {m}")) && live::readiness(s, p, m) == Readiness::Ready
                })
            })
        });
        if any {
            Readiness::Ready
        } else {
            first
        }
    });
    let blocked = move || {
        if running.get() {
            return None;
        }
        run_ready.get().sentence()
    };

    let start = move |mode: &'static str| {
        let text = prompt.get_untracked();
        if text.trim().is_empty() {
            notice.set(Some("Type a prompt first.".into()));
            return;
        }
        let parsed = parse_run_list(&run_list.get_untracked(), plan.get_untracked().as_ref());
        if !parsed.errors.is_empty() {
            notice.set(Some(format!("Run list: {}.", parsed.errors.join("; "))));
            return;
        }
        let list = parsed.entries;
        let chain: Vec<PlannedModel> = list
            .iter()
            .filter(|(r, _)| matches!(r, Role::Routed | Role::Fallback))
            .map(|(_, m)| m.clone())
            .collect();
        if chain.is_empty() {
            notice.set(Some(
                "No routed model: add a line like \"routed openai gpt-5.4-mini\" to the run list."
                    .into(),
            ));
            return;
        }
        notice.set(None);
        cancellers.update_value(|c| c.clear());
        let ctx = RunCtx {
            store,
            chat: Rc::new(chat_parts_for(&text)),
            prompt: text,
            stream: stream.get_untracked(),
            max_tokens: Some(max_tokens.get_untracked()).filter(|m| *m > 0),
            limits: RunLimits {
                idle: Duration::from_secs_f64(timeout_s.get_untracked().clamp(1.0, 600.0)),
                total: Duration::from_secs_f64(time_limit_s.get_untracked().clamp(1.0, 3600.0)),
            },
            mode,
            cancellers,
            history,
        };
        let mut new_cards = Vec::new();
        let base = history.with_untracked(|h| h.len()) * 100
            + js_sys::Date::now() as usize % 100_000 * 1000;
        if mode == "routed" {
            let card = Card::new(base, "routed (with fallbacks)", &chain[0], card_origin());
            new_cards.push(card);
            cards.set(new_cards);
            spawn_local(run_chain(chain, card, ctx));
        } else {
            let mut models = vec![("routed", chain[0].clone())];
            models.extend(
                list.iter()
                    .filter(|(r, _)| *r == Role::Compare)
                    .filter(|(_, m)| {
                        excluded
                            .with_untracked(|x| !x.contains(&format!("{} {}", m.provider, m.model)))
                    })
                    .map(|(_, m)| ("alternative", m.clone())),
            );
            for (i, (role, m)) in models.iter().enumerate() {
                new_cards.push(Card::new(base + i, role, m, card_origin()));
            }
            cards.set(new_cards.clone());
            for (card, (_, m)) in new_cards.into_iter().zip(models) {
                spawn_local(run_chain(vec![m], card, ctx.clone()));
            }
        }
    };

    let cancel_all = move |_| {
        cancellers.with_value(|c| c.iter().for_each(Canceller::cancel));
    };

    let export = move |_| {
        let keys = store.all_keys();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let jsonl = scrub_keys(&history.with_untracked(|h| to_jsonl(h)), &key_refs);
        crate::files::download("routeplay-runs.jsonl", "application/x-ndjson", &jsonl);
    };

    view! {
        <section class="panel live-panel" id="live-panel" aria-labelledby="live-title">
            <h2 id="live-title">"Run it for real"</h2>
            <p class="live-note">
                "Send the prompt to the routed model with your own key — or compare it with alternatives side by side — and see the real answer, time to first token, tokens and cost next to the router's estimate."
            </p>
            {move || {
                let (routed, text) = origin_text();
                let text = if routed && edited.get() {
                    format!("{text} You edited the run list below: it runs your lines, not this route, until “Back to the routed plan”.")
                } else {
                    text
                };
                view! {
                    <p class="live-origin" class:live-origin-empty=!routed data-routed=routed.to_string() role="status">
                        {text}
                    </p>
                }
            }}
            <details class="live-keys-details" open>
                <summary>"Keys and endpoints"</summary>
                <KeysPanel />
            </details>
            <div class="live-setup">
                <label class="live-run-list">
                    <span>"Run list — one per line: routed | fallback | compare, provider, model, optional $/1M in and out"</span>
                    <textarea
                        class="live-plan-editor"
                        spellcheck="false"
                        rows="5"
                        placeholder="routed openai gpt-5.4-mini 0.75 4.5\nfallback anthropic claude-haiku-4-5 1 5\ncompare gemini gemini-2.5-flash 0.3 2.5"
                        prop:value=move || run_list.get()
                        on:input=move |ev| {
                            edited.set(true);
                            run_list.set(event_target_value(&ev));
                        }
                    ></textarea>
                </label>
                <Show when=move || edited.get()>
                    <button
                        class="live-plan-reset"
                        type="button"
                        on:click=move |_| {
                            edited.set(false);
                            run_list.set(plan.get_untracked().as_ref().map(plan_to_text).unwrap_or_default());
                        }
                    >
                        "Back to the routed plan"
                    </button>
                </Show>
                <div class="live-options">
                    <label>
                        <input
                            type="checkbox"
                            class="live-stream-toggle"
                            prop:checked=move || stream.get()
                            on:change=move |ev| stream.set(event_target_checked(&ev))
                        />
                        " Stream"
                    </label>
                    <label>
                        "Timeout (s), with no new text "
                        <input
                            type="number"
                            class="live-timeout"
                            min="1"
                            max="600"
                            prop:value=move || timeout_s.get().to_string()
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                    timeout_s.set(v);
                                }
                            }
                        />
                    </label>
                    <label>
                        "Time limit per run (s) "
                        <input
                            type="number"
                            class="live-time-limit"
                            min="1"
                            max="3600"
                            prop:value=move || time_limit_s.get().to_string()
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                    time_limit_s.set(v);
                                }
                            }
                        />
                    </label>
                    <label>
                        "Max output tokens "
                        <input
                            type="number"
                            class="live-max-tokens"
                            min="0"
                            prop:value=move || max_tokens.get().to_string()
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                                    max_tokens.set(v);
                                }
                            }
                        />
                    </label>
                </div>
                <Show when=move || !compare_lines.with(|c| c.is_empty())>
                    <fieldset class="live-compare-pick">
                        <legend>"Compare the routed model with"</legend>
                        {move || {
                            compare_lines
                                .get()
                                .into_iter()
                                .map(|name| {
                                    let n2 = name.clone();
                                    let n3 = name.clone();
                                    view! {
                                        <label class="live-compare-option">
                                            <input
                                                type="checkbox"
                                                data-model=name.clone()
                                                prop:checked=move || excluded.with(|x| !x.contains(&n2))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    excluded.update(|x| {
                                                        x.retain(|y| y != &n3);
                                                        if !on {
                                                            x.push(n3.clone());
                                                        }
                                                    });
                                                }
                                            />
                                            " "
                                            {name.replace(' ', " · ")}
                                        </label>
                                    }
                                })
                                .collect_view()
                        }}
                    </fieldset>
                </Show>
                <div class="live-actions">
                    <button
                        class="live-run-routed primary"
                        type="button"
                        aria-describedby="live-blocked"
                        disabled=move || running.get() || run_ready.get() != Readiness::Ready
                        on:click=move |_| start("routed")
                    >
                        "Run routed model"
                    </button>
                    <button
                        class="live-run-compare"
                        type="button"
                        aria-describedby="live-blocked"
                        disabled=move || running.get() || compare_ready.get() != Readiness::Ready
                        on:click=move |_| start("compare")
                    >
                        "Compare side by side"
                    </button>
                    <button
                        class="live-cancel"
                        type="button"
                        disabled=move || !running.get()
                        on:click=cancel_all
                    >
                        "Cancel"
                    </button>
                </div>
                <p class="live-blocked" id="live-blocked" role="status" hidden=move || blocked().is_none()>
                    {blocked}
                </p>
                {move || notice.get().map(|n| view! { <p class="live-notice" role="status">{n}</p> })}
            </div>
            <div class="live-cards">
                <For each=move || cards.get() key=|c| c.id let:card>
                    <RunCardView card=card />
                </For>
            </div>
            <div class="live-history">
                <h3>"Session history"</h3>
                <p class="live-history-count">
                    {move || format!("{} this session.", plural(history.with(|h| h.len()), "run"))}
                </p>
                <Show when=move || !history.with(|h| h.is_empty())>
                    // Scrolls sideways on a phone; focusable so the keyboard can scroll it too.
                    <div class="live-history-wrap" tabindex="0" role="region" aria-label="Runs this session">
                    <table class="live-history-table">
                        <thead>
                            <tr>
                                <th>"Mode"</th>
                                <th>"Model"</th>
                                <th>"Outcome"</th>
                                <th>"TTFT"</th>
                                <th>"Total"</th>
                                <th>"Cost"</th>
                                <th>"Estimate"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                history
                                    .get()
                                    .into_iter()
                                    .rev()
                                    .map(|r| {
                                        let outcome = if r.complete {
                                            "answered"
                                        } else if r.partial {
                                            "partial"
                                        } else if r.attempts.last().is_some_and(|a| a.outcome == "cancelled") {
                                            "cancelled"
                                        } else {
                                            "failed"
                                        };
                                        view! {
                                            <tr>
                                                <td>{r.mode.clone()}</td>
                                                <td>{format!("{} · {}", r.provider, r.model)}</td>
                                                <td>{outcome}</td>
                                                <td>{fmt_ms(r.ttft_ms)}</td>
                                                <td>{fmt_ms(r.total_ms)}</td>
                                                <td>{fmt_usd(r.cost_usd)}</td>
                                                <td>{fmt_usd(r.estimated_cost_usd)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                    </div>
                </Show>
                <button
                    class="live-export"
                    type="button"
                    disabled=move || history.with(|h| h.is_empty())
                    on:click=export
                >
                    "Export JSONL"
                </button>
                <span class="live-note">" Exports prompts, answers (partial ones marked \"partial\": true), finish reasons, timings, tokens and costs — never keys."</span>
            </div>
        </section>
    }
}

#[component]
fn RunCardView(card: Card) -> impl IntoView {
    let tokens_text = move || match card.tokens.get() {
        Some(t) => format!(
            "{} in / {} out{}",
            t.input,
            t.output,
            if t.estimated { " (estimated)" } else { "" }
        ),
        None => {
            let u = card.usage.get();
            match (u.input_tokens, u.output_tokens) {
                (None, None) => "—".into(),
                (i, o) => format!(
                    "{} in / {} out",
                    i.map(|v| v.to_string()).unwrap_or("?".into()),
                    o.map(|v| v.to_string()).unwrap_or("?".into())
                ),
            }
        }
    };
    // A freshly mounted card draws the whole answer so far once; later pieces are appended.
    Effect::new(move |_| {
        if let Some(pre) = card.answer_node.get() {
            let all = card
                .text
                .try_update_value(|t| t.take_all())
                .unwrap_or_default();
            pre.set_text_content(Some(&all));
        }
    });
    view! {
        <article
            class="live-card"
            data-status=move || card.status.get().label()
            data-partial=move || card.partial.get().to_string()
            data-finish=move || card.finish.get().map(|(raw, _)| raw).unwrap_or_default()
            data-provider=move || card.provider.get()
            data-model=move || card.model.get()
        >
            <header class="live-card-head">
                <span class="live-card-role">{card.role}</span>
                <span class="live-card-model">
                    {card.head.with_value(|(p, m)| format!("{p} · {m}"))}
                </span>
                <span class=move || format!("live-status live-status-{:?}", card.status.get()).to_lowercase()>
                    {move || card.status.get().label()}
                </span>
                <Show when=move || card.partial.get()>
                    <span
                        class="live-partial"
                        title="The stream ended before the provider finished: this is only the start of the answer."
                    >
                        "PARTIAL"
                    </span>
                </Show>
            </header>
            {card.origin.get_value().map(|o| view! { <p class="live-card-origin">{o}</p> })}
            {move || {
                // After the routed model failed, a fallback is tried or answered: say which.
                let now = (card.provider.get(), card.model.get());
                let head = card.head.get_value();
                (now != head).then(|| {
                    let (fb, first) = (format!("{} · {}", now.0, now.1), format!("{} · {}", head.0, head.1));
                    let text = match card.status.get() {
                        Status::Served => format!("Answered by the fallback {fb}, after {first} failed."),
                        Status::Running | Status::Waiting => format!("Trying the fallback {fb}, after {first} failed."),
                        Status::Cancelled => format!("Cancelled while the fallback {fb} ran, after {first} failed."),
                        Status::Failed => format!("{first} and its fallbacks failed; the last tried was {fb}."),
                    };
                    view! { <p class="live-served-by" data-served-by=fb.clone()>{text}</p> }
                })
            }}
            <pre class="live-answer" class:live-answer-partial=move || card.partial.get() aria-live="polite" node_ref=card.answer_node></pre>
            <Show when=move || card.clipped.get()>
                <p class="live-clipped" role="note">
                    {format!(
                        "Showing the first {} KiB of the answer; the whole answer is in the JSONL export.",
                        DISPLAY_LIMIT / 1024,
                    )}
                </p>
            </Show>
            {move || card.error.get().map(|e| view! { <p class="live-error" role="alert">{e}</p> })}
            {move || {
                card.finish
                    .get()
                    .and_then(|(_, note)| note)
                    .map(|n| view! { <p class="live-finish" role="note">{n}</p> })
            }}
            <dl class="live-metrics">
                <dt>"Time to first token"</dt>
                <dd class="live-ttft">{move || fmt_ms(card.ttft.get())}</dd>
                <dt>"Total time"</dt>
                <dd class="live-total">{move || fmt_ms(card.total.get())}</dd>
                <dt>"Tokens"</dt>
                <dd class="live-tokens">{tokens_text}</dd>
                <dt>"Actual cost"</dt>
                <dd class="live-cost">
                    {move || match (card.cost.get(), card.tokens.get()) {
                        (Some(c), Some(t)) if t.estimated => format!("{} (from estimated tokens)", fmt_usd(Some(c))),
                        (Some(c), _) => fmt_usd(Some(c)),
                        (None, Some(_)) => "no catalog price".into(),
                        (None, None) => "—".into(),
                    }}
                </dd>
                <dt>"Router estimate"</dt>
                <dd class="live-estimate">
                    {move || match card.latency_estimate.get() {
                        Some(ms) => format!("{} · {}", fmt_usd(card.estimate.get()), fmt_ms(Some(ms))),
                        None => fmt_usd(card.estimate.get()),
                    }}
                </dd>
            </dl>
            {move || card.price_source.get().map(|s| view! { <p class="live-price-source">"Prices: " {s}</p> })}
            <ol class="live-trace">
                {move || {
                    card.attempts
                        .get()
                        .into_iter()
                        .map(|a| {
                            let reason = a
                                .reason
                                .clone()
                                .map(|r| view! { <span class="live-attempt-reason">" — " {r}</span> });
                            view! {
                                <li class=format!("live-attempt live-attempt-{}", a.outcome)>
                                    <span class="live-attempt-model">
                                        {format!("{} · {}", a.provider, a.model)}
                                    </span>
                                    ": "
                                    <span class="live-attempt-outcome">{a.outcome.clone()}</span>
                                    {reason}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </article>
    }
}
