//! A pasted or dropped chat request drawn as a chat: the system prompt, the tools offered, every
//! message with its role (tool calls and results compact), and after each turn the decision of
//! every selected policy (model, rule, cost with the prompt cache, trace on demand). Also the
//! conversation's rows of the signals panel. Everything drawn here is computed in
//! `state::conversation` and the core (`route_turns`, `turn_costs`).

use crate::components::decision_cards::outcome_label;
use crate::engine::Playground;
use crate::saving::Saving;
use crate::state::conversation::{
    dropped_text, featured_sample, simulate_set_conversations, ConversationRoutes,
    PastedConversation, PromptInput, SetConversations, FEATURED_SAMPLES, SET_CONVERSATIONS_MAX,
};
use crate::state::share::BatchSource;
use crate::state::Notice;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::conversation::{Message, Part, Role, TurnCost, TurnRoute};
use routeplay_core::format::{plural, thousands, usd};
use routeplay_core::policy::TurnDecision;
use routeplay_core::simulate::ParsedSet;
use std::sync::Arc;

/// Text longer than this is folded (its start shown, the rest one click away).
const FOLD_CHARS: usize = 420;
/// Tool-call arguments are cut to this many characters.
const ARGS_CHARS: usize = 160;

/// The chat, shown in the Prompt view when the prompt box holds a chat request.
#[component]
pub fn ConversationView() -> impl IntoView {
    let pg = expect_context::<Playground>();
    move || {
        match &*pg.input.get() {
        PromptInput::Prompt => ().into_any(),
        PromptInput::Broken { format, error } => view! {
            <section class="panel conv-broken" role="status" data-conversation="broken">
                <p>
                    <strong>{format!("This looks like an {format} request, but it could not be read: ")}</strong>
                    <code>{error.clone()}</code>
                </p>
                <p class="muted small">"It is routed as plain text until it is fixed; nothing in the box was changed."</p>
            </section>
        }
        .into_any(),
        PromptInput::Conversation(c) => view! { <Chat c=(**c).clone() /> }.into_any(),
    }
    }
}

#[component]
fn Chat(c: PastedConversation) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let conv = c.conversation;
    let format = conv.format.map(|f| f.label()).unwrap_or("chat request");
    let n_turns = conv.turn_ends().len();
    let head = format!(
        "{format} · {} · {}",
        plural(conv.messages.len(), "message"),
        plural(n_turns, "routed turn")
    );
    let model_note = conv.model.clone().map(|m| {
        format!("The request named {m}; each turn below is routed by the policies instead.")
    });
    let system = (!conv.system.trim().is_empty()).then(|| {
        let tokens = routeplay_core::signals::estimate_tokens(&conv.system);
        let long = conv.system.chars().count() > FOLD_CHARS;
        view! {
            <details class="conv-system" open=!long data-part="system">
                <summary>
                    <span class="role-label">"System prompt"</span>
                    <span class="muted small">{format!(" ~{}", plural(tokens, "token"))}</span>
                </summary>
                <div class="conv-text">{conv.system.clone()}</div>
            </details>
        }
    });
    let tools = (!conv.tools.is_empty()).then(|| {
        view! {
            <div class="conv-tools" data-part="tools">
                <span class="muted small">{format!("{} offered:", plural(conv.tools.len(), "tool"))}</span>
                <ul class="plain chips" aria-label="Tools offered">
                    {conv.tools.iter().map(|t| view! {
                        <li class="tool-chip" title=t.description.clone()><code>{t.name.clone()}</code></li>
                    }).collect_view()}
                </ul>
            </div>
        }
    });
    let messages = conv.messages.clone();
    let totals = move || {
        pg.turns
            .get()
            .map(|t| view! { <Totals routes=(*t).clone() /> })
    };
    let body = move || {
        let routes = pg.turns.get();
        messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let turn = routes
                    .as_ref()
                    .and_then(|r| r.turn_ending_at(i + 1).cloned().map(|t| (t, (**r).clone())));
                view! {
                    <MessageRow m=m.clone() />
                    {turn.map(|(t, r)| view! { <TurnRow t=t routes=r /> })}
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel conv-panel" aria-labelledby="conv-title" data-conversation="chat" data-turns=n_turns.to_string()>
            <div class="panel-head">
                <h2 id="conv-title">"Conversation"</h2>
                <span class="muted small" data-field="conv-summary">{head}</span>
            </div>
            {model_note.map(|n| view! { <p class="muted small conv-note">{n}</p> })}
            {totals}
            {system}
            {tools}
            <ol class="plain conv-chat" aria-label="Messages">{body}</ol>
        </section>
    }
}

/// Each policy over the whole conversation: cost with the cache, switches, cache-miss cost.
#[component]
fn Totals(routes: ConversationRoutes) -> impl IntoView {
    if routes.policy_ids.is_empty() {
        return view! { <p class="muted small">"Select a policy to route each turn."</p> }
            .into_any();
    }
    view! {
        <div class="conv-totals-wrap">
            <table class="conv-totals">
                <caption class="sr-only">"Each policy over the whole conversation"</caption>
                <thead><tr>
                    <th scope="col">"Policy"</th>
                    <th scope="col">"Cost, cache counted"</th>
                    <th scope="col">"Model switches"</th>
                    <th scope="col">"Lost to cache misses"</th>
                </tr></thead>
                <tbody>
                    {routes.policy_ids.iter().enumerate().map(|(i, id)| {
                        let (cost, switches, miss) = routes.totals(i);
                        view! {
                            <tr data-policy=id.clone()>
                                <th scope="row">{id.clone()}</th>
                                <td data-field="conv-cost">{usd(cost)}</td>
                                <td data-field="conv-switches">{switches.to_string()}</td>
                                <td data-field="conv-miss">{usd(miss)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Cuts `text` to `n` characters with an ellipsis.
fn cut(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(n).collect();
        s.push('…');
        s
    }
}

/// A text, folded when long.
fn folded(text: String) -> AnyView {
    let n = text.chars().count();
    if n <= FOLD_CHARS {
        return view! { <div class="conv-text">{text}</div> }.into_any();
    }
    let start = cut(&text, FOLD_CHARS);
    view! {
        <details class="conv-fold">
            <summary><span class="conv-text">{start}</span>" "<span class="muted small">{format!("show all {}", plural(n, "character"))}</span></summary>
            <div class="conv-text">{text}</div>
        </details>
    }
    .into_any()
}

#[component]
fn MessageRow(m: Message) -> impl IntoView {
    let (role, label) = match m.role {
        Role::User => ("user", "User"),
        Role::Assistant => ("assistant", "Assistant"),
        Role::Tool => ("tool", "Tool result"),
    };
    let parts = m
        .parts
        .into_iter()
        .map(|p| match p {
            Part::Text { text } => folded(text),
            Part::Image { source } => view! {
                <span class="conv-image" data-part="image" title=source.clone()>{format!("image · {}", cut(&source, 60))}</span>
            }
            .into_any(),
            Part::ToolCall(c) => view! {
                <div class="tool-call" data-part="tool-call">
                    <span class="call-arrow" aria-hidden="true">"→ "</span>
                    <span class="sr-only">"Calls "</span>
                    <code class="call-name">{c.name.clone()}</code>
                    <code class="call-args">{format!("({})", cut(&c.arguments, ARGS_CHARS))}</code>
                </div>
            }
            .into_any(),
            Part::ToolResult { text, is_error, .. } => view! {
                <div class="tool-result" class:failed=is_error data-part="tool-result">
                    {is_error.then(|| view! { <span class="badge error">"tool error"</span> })}
                    {folded(text)}
                </div>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <li class=format!("conv-msg role-{role}") data-role=role>
            <span class="role-label">{label}</span>
            <div class="conv-parts">{parts}</div>
        </li>
    }
}

/// One turn's decisions under every selected policy.
#[component]
fn TurnRow(t: TurnRoute, routes: ConversationRoutes) -> impl IntoView {
    let f = &t.signals.facts;
    let agent = f.agent_step;
    let n = t.turn + 1;
    let summary = format!(
        "{} · ~{} tokens in context",
        if agent {
            "the model goes on after a tool ran".to_string()
        } else {
            format!("user message {}", f.turns)
        },
        thousands(f.context_tokens)
    );
    let rows = routes
        .policy_ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let d = t.decisions.get(i)?.clone();
            let cost = routes.costs.get(i).and_then(|c| c.get(t.turn)).cloned();
            Some(view! { <PolicyTurn id=id.clone() d=d cost=cost /> })
        })
        .collect_view();
    view! {
        <li class="conv-turn" class:agent=agent data-turn=n.to_string() data-agent-step=agent.to_string()>
            <div class="turn-head">
                <span class="turn-label">{format!("Turn {n}")}</span>
                {agent.then(|| view! { <span class="badge agent" data-field="agent-step">"agent step"</span> })}
                <span class="muted small">{summary}</span>
            </div>
            <ul class="plain turn-decisions" aria-label=format!("Decisions for turn {n}")>{rows}</ul>
        </li>
    }
}

#[component]
fn PolicyTurn(id: String, d: TurnDecision, cost: Option<TurnCost>) -> impl IntoView {
    let model = d
        .decision
        .model
        .clone()
        .unwrap_or_else(|| "no model".into());
    let rule = d.decision.rule.clone().unwrap_or_else(|| "—".into());
    let switched = cost.as_ref().is_some_and(|c| c.switched);
    let cost_text = cost.as_ref().map(|c| {
        let mut s = usd(c.cost_usd);
        if c.cache_miss_usd > 0.0 {
            s.push_str(&format!(" (cache miss {})", usd(c.cache_miss_usd)));
        }
        s
    });
    let sticky = d.sticky.as_ref().map(|s| s.describe());
    let trace = d.decision.trace.clone();
    let data_model = model.clone();
    view! {
        <li class="turn-decision" data-policy=id.clone() data-model=data_model>
            <div class="td-main">
                <span class="td-policy">{id.clone()}</span>
                <span class="td-model" data-field="model">{model}</span>
                {switched.then(|| view! { <span class="badge warn" data-field="switched">"switched"</span> })}
                <span class="muted small">"rule "<strong data-field="rule">{rule}</strong></span>
                <span class="td-cost" data-field="cost">{cost_text.unwrap_or_else(|| "—".into())}</span>
            </div>
            {sticky.map(|s| view! { <p class="muted small td-sticky" data-field="sticky">{s}</p> })}
            <details class="trace td-trace">
                <summary>"Trace"</summary>
                <ol class="rules">
                    {trace.into_iter().map(|r| {
                        let (cls, label) = outcome_label(r.outcome);
                        view! {
                            <li class=format!("rule {cls}")>
                                <div class="rule-head"><span class="outcome">{label}</span>" "<strong>{r.rule.clone()}</strong></div>
                                <div class="reason small">{r.reason.clone()}</div>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </details>
        </li>
    }
}

/// The conversation's rows of the signals panel: turns, agent step, tools, tokens, images and
/// the classifier's view of the whole conversation.
#[component]
pub fn ConversationSignalsRows() -> impl IntoView {
    let pg = expect_context::<Playground>();
    move || {
        pg.conversation_signals.get().map(|cs| {
            let f = cs.facts;
            let tools = if f.tool_names.is_empty() {
                "none".to_string()
            } else {
                format!("{}: {}", f.tool_names.len(), f.tool_names.join(", "))
            };
            let whole = cs
                .whole
                .as_ref()
                .map(|w| format!("{} · {:.2}", w.label.replace('_', " "), w.complexity))
                .unwrap_or_else(|| "—".into());
            view! {
                <div class="subhead">"Conversation"</div>
                <p class="muted small conv-signals-note">"Task bars and complexity above read the last user message; “whole conversation” reads every user message."</p>
                <dl class="signal-grid conv-signals">
                    <div class="signal"><dt>"Turns"</dt><dd data-signal="turns">{f.turns.to_string()}</dd></div>
                    <div class="signal"><dt>"Agent step"</dt><dd data-signal="agent_step">{if f.agent_step { "yes" } else { "no" }}</dd></div>
                    <div class="signal"><dt>"Tools"</dt><dd data-signal="tools">{tools}</dd></div>
                    <div class="signal"><dt>"System prompt"</dt><dd data-signal="system_tokens">{format!("~{}", plural(f.system_tokens, "token"))}</dd></div>
                    <div class="signal"><dt>"Context (est.)"</dt><dd data-signal="context_tokens" title=format!("system {} + history {} + tools {} + this turn {}", f.system_tokens, cs.history_tokens, cs.tool_tokens, cs.turn_tokens)>{format!("~{}", plural(f.context_tokens, "token"))}</dd></div>
                    <div class="signal"><dt>"Images"</dt><dd data-signal="images">{f.images.to_string()}</dd></div>
                    <div class="signal"><dt>"Whole conversation"</dt><dd data-signal="conversation_task">{whole}</dd></div>
                </dl>
            }
        })
    }
}

/// A file dropped on the prompt box: its text (the first conversation of a JSONL file) goes in
/// the box; a note says when the file held more.
pub fn on_prompt_drop(ev: leptos::ev::DragEvent) {
    let Some(file) = crate::files::dropped_file(&ev) else {
        // Dropped text (not a file) is inserted by the browser as usual.
        return;
    };
    ev.prevent_default();
    let pg = expect_context::<Playground>();
    let saving = expect_context::<Saving>();
    spawn_local(async move {
        match crate::files::read_text(&file).await {
            Ok(t) => {
                let (text, note) = dropped_text(&file.name(), &t);
                pg.prompt.set(text);
                saving.notify(note.into_iter().map(Notice::info).collect());
            }
            Err(e) => saving.notify(vec![Notice::warning(format!(
                "The file was not opened: {e}."
            ))]),
        }
    });
}

/// A button that puts the next of the shipped sample conversations in the prompt box.
#[component]
pub fn SampleConversations() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let saving = expect_context::<Saving>();
    let next = StoredValue::new(0usize);
    let cache = StoredValue::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let text = match cache.get_value() {
                Some(t) => Ok(t),
                None => crate::assets::fetch_text(crate::assets::CONVERSATIONS_URL).await,
            };
            match text {
                Ok(t) => {
                    let n = next.get_value();
                    next.set_value(n + 1);
                    if let Some((_, line)) = featured_sample(&t, n) {
                        pg.prompt.set(line);
                    }
                    cache.set_value(Some(t));
                }
                Err(e) => saving.notify(vec![Notice::warning(format!(
                    "The sample conversations could not be loaded: {e}."
                ))]),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="examples conv-samples">
            <span class="muted small">"Or a whole request:"</span>
            <button class="chip" data-action="sample-conversation" on:click=on_click disabled=move || busy.get()
                title=format!("Cycles through {} of the shipped sample conversations", FEATURED_SAMPLES.len())>
                "Sample conversation"
            </button>
        </div>
    }
}

/// The Prompt set view's button that loads the shipped sample conversations as the set.
#[component]
pub fn LoadSampleConversations() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let saving = expect_context::<Saving>();
    let on_click = move |_| {
        spawn_local(async move {
            match crate::assets::fetch_text(crate::assets::CONVERSATIONS_URL).await {
                Ok(t) => pg.batch.set(Some(BatchSource::Text(t))),
                Err(e) => saving.notify(vec![Notice::warning(format!(
                    "The sample conversations could not be loaded: {e}."
                ))]),
            }
        });
    };
    view! { <button data-action="sample-conversations" on:click=on_click>"Load sample conversations"</button> }
}

/// A prompt set's conversations simulated turn by turn under the set's policies: per policy the
/// cost with the prompt cache, model switches and what they cost, stickiness, where agent
/// steps went; and per conversation its cost and switches.
#[component]
pub fn ConversationSetReport(
    set: Signal<Option<Arc<ParsedSet>>>,
    ids: Memo<Vec<String>>,
) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let result = Memo::new(move |_| {
        let set = set.get()?;
        let cat = pg.catalog.get()?;
        let all = pg.compiled.get();
        let policies: Vec<_> = ids.with(|ids| {
            ids.iter()
                .filter_map(|id| all.iter().find(|c| &c.id == id))
                .filter_map(|c| c.policy.clone())
                .collect()
        });
        if policies.is_empty() {
            return None;
        }
        let model = pg.classifier.get().map(|m| m.0.clone());
        let meta = pg.metadata_input.with(|m| m.in_use.clone());
        simulate_set_conversations(&set, &policies, &cat, model, &meta)
    });
    move || result.get().map(|r| view! { <SetReport r=r /> })
}

/// Per conversation rows shown (the report holds them all).
const CONVERSATION_ROWS: usize = 30;

#[component]
fn SetReport(r: SetConversations) -> impl IntoView {
    let rep = r.report;
    let note = (r.in_set > rep.conversations).then(|| {
        format!(
            "The first {} of {} are simulated here (the page's limit is {SET_CONVERSATIONS_MAX}); `routeplay simulate` runs them all.",
            thousands(rep.conversations),
            thousands(r.in_set)
        )
    });
    let head = format!(
        "{} · {} routed, each with the history before it",
        plural(rep.conversations, "conversation"),
        plural(rep.turns, "turn")
    );
    let policies = rep.policies.clone();
    let rows: Vec<_> = (0..rep.conversations.min(CONVERSATION_ROWS)).collect();
    let more = rep.conversations.saturating_sub(CONVERSATION_ROWS);
    view! {
        <section class="panel conv-set" aria-labelledby="conv-set-title" data-conversations=rep.conversations.to_string() data-turns=rep.turns.to_string()>
            <div class="panel-head">
                <h2 id="conv-set-title">"Conversations, turn by turn"</h2>
                <span class="muted small">{head}</span>
            </div>
            {note.map(|n| view! { <p class="muted small">{n}</p> })}
            <p class="muted small">"Cost counts the prompt cache: a turn on the same model as the turn before pays the cached-input price for the earlier request (from 1,024 tokens); a model switch re-sends it at the full price, shown as lost to cache misses."</p>
            <div class="conv-totals-wrap">
                <table class="conv-totals conv-set-table">
                    <thead><tr>
                        <th scope="col">"Policy"</th>
                        <th scope="col">"Cost, cache counted"</th>
                        <th scope="col">"Per conversation"</th>
                        <th scope="col">"Switches"</th>
                        <th scope="col">"Lost to cache misses"</th>
                        <th scope="col">"Agent steps went to"</th>
                    </tr></thead>
                    <tbody>
                        {policies.iter().map(|p| {
                            let agents = p.agent_step_models.iter().take(3)
                                .map(|m| format!("{} {}", m.model, m.turns))
                                .collect::<Vec<_>>().join(", ");
                            view! {
                                <tr data-policy=p.policy.clone()>
                                    <th scope="row">{p.policy.clone()}{p.sticky.then(|| view! { <span class="tag">"sticky"</span> })}</th>
                                    <td data-field="set-cost">{usd(p.total_cost_usd)}</td>
                                    <td>{usd(p.mean_cost_per_conversation_usd)}</td>
                                    <td data-field="set-switches">{format!("{} in {}", p.switches, plural(p.conversations_switched, "conversation"))}</td>
                                    <td data-field="set-miss">{usd(p.cache_miss_usd)}</td>
                                    <td class="small">{format!("{}: {agents}", plural(p.agent_steps, "step"))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <details class="conv-per">
                <summary>{format!("Per conversation: cost and switches under each policy ({} shown)", rows.len())}</summary>
                <div class="conv-totals-wrap">
                    <table class="conv-totals">
                        <thead><tr>
                            <th scope="col">"Conversation"</th>
                            <th scope="col">"Turns"</th>
                            {policies.iter().map(|p| view! { <th scope="col">{p.policy.clone()}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|i| {
                                let first = policies.first().and_then(|p| p.per_conversation.get(i));
                                view! {
                                    <tr>
                                        <th scope="row">{first.map(|c| c.id.clone()).unwrap_or_default()}</th>
                                        <td>{first.map(|c| c.turns.to_string()).unwrap_or_default()}</td>
                                        {policies.iter().map(|p| {
                                            let c = p.per_conversation.get(i);
                                            view! { <td>{c.map(|c| format!("{} · {}", usd(c.cost_usd), plural(c.switches, "switch"))).unwrap_or_default()}</td> }
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(more > 0).then(|| view! { <p class="muted small">{format!("and {} more (the export and `routeplay simulate` hold every one)", plural(more, "conversation"))}</p> })}
            </details>
        </section>
    }
}
