//! Before / after: one click runs the prompt set (the Prompt set view's prompts, else the
//! shipped sample set) under the open policy as it is now, as it was before this session's
//! edits (its baseline), and a chosen preset, with the core's runner and diff, in chunks
//! between frames so the page stays responsive.

use super::{clock, Baseline, PoliciesCtx};
use crate::engine::{compile, now_ms, Playground, Shared};
use crate::state::share::BatchSource;
use crate::state::PolicyDoc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::format::{plural, signed_usd, usd};
use routeplay_core::policy::Policy;

use routeplay_core::simulate::{
    read_prompt_set, ParsedSet, PolicyReport, ReadOptions, RowFilter, RunConfig, Runner, TaskSource,
};
use std::sync::Arc;

/// Prompts decided per step between time checks.
const STEP: usize = 8;
/// Milliseconds of work before yielding to the browser.
const SLICE_MS: f64 = 12.0;
/// Changed prompts listed before "and N more".
const MAX_LISTED: usize = 40;

/// A finished run.
struct Done {
    runner: Runner,
    /// Index of each side in the run's policies (before may be missing when it had errors).
    before: Option<usize>,
    after: usize,
    preset: usize,
    preset_id: String,
    baseline: Baseline,
    /// The source the "after" side ran.
    after_source: String,
    set_label: String,
    elapsed_ms: f64,
}

/// Lets the browser paint and handle input.
async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The prompts to run and how to name them.
async fn prompt_set(
    pg: Playground,
    sample: StoredValue<Option<Arc<ParsedSet>>>,
) -> Result<(Arc<ParsedSet>, String), String> {
    if let Some(BatchSource::Text(t)) = pg.batch.get_untracked() {
        let set = read_prompt_set(&t, &ReadOptions::default())
            .map_err(|e| format!("The Prompt set view's prompts could not be read: {e}."))?;
        let label = format!(
            "the Prompt set view's {}",
            plural(set.prompts.len(), "prompt")
        );
        return Ok((Arc::new(set), label));
    }
    let set = match sample.get_value() {
        Some(s) => s,
        None => {
            let text = crate::assets::fetch_text(crate::assets::SAMPLES_URL).await?;
            let set = Arc::new(
                read_prompt_set(&text, &ReadOptions::default())
                    .map_err(|e| format!("The sample set could not be read: {e}."))?,
            );
            sample.set_value(Some(set.clone()));
            set
        }
    };
    let label = format!(
        "the shipped sample set ({})",
        plural(set.prompts.len(), "prompt")
    );
    Ok((set, label))
}

/// The before/after panel.
#[component]
pub fn BeforeAfter() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let ctx = expect_context::<PoliciesCtx>();
    let result = RwSignal::new(None::<Shared<Done>>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let error = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u64);
    let sample = StoredValue::new(None::<Arc<ParsedSet>>);
    // The preset to compare with: chosen, else the first selected preset, else the first.
    let chosen_preset = RwSignal::new(None::<String>);
    let preset = Memo::new(move |_| {
        let presets = pg.presets.get();
        chosen_preset
            .get()
            .filter(|p| presets.iter().any(|q| &q.id == p))
            .or_else(|| {
                pg.workspace.with(|w| {
                    w.selected
                        .iter()
                        .find(|s| presets.iter().any(|q| &q.id == *s))
                        .cloned()
                })
            })
            .or_else(|| presets.first().map(|p| p.id.clone()))
    });
    let baseline = Memo::new(move |_| {
        let (id, _) = ctx.current.get()?;
        ctx.baselines.with(|b| b.get(&id).cloned())
    });
    let source_now =
        Memo::new(move |_| ctx.compiled.with(|c| c.as_ref().map(|c| c.source.clone())));
    let edited = move || match (baseline.get(), source_now.get()) {
        (Some(b), Some(s)) => b.source != s,
        _ => false,
    };
    // Results belong to the policy they were run for.
    let shown = move || {
        let r = result.get()?;
        let id = ctx.current.get()?.0;
        let same = ctx
            .baselines
            .with(|b| b.get(&id).is_some_and(|b| *b == r.baseline));
        same.then_some(r)
    };

    let blocked = move || -> Option<String> {
        if progress.get().is_some() {
            return Some("Running…".into());
        }
        let c = ctx.compiled.get()?;
        if c.policy.is_none() {
            return Some(format!(
                "Fix this policy's {} to run it.",
                plural(c.errors(), "error")
            ));
        }
        if pg.catalog.get().is_none() || preset.get().is_none() {
            return Some("Waiting for the catalog and presets to load.".into());
        }
        None
    };

    let run = move |_| {
        let (Some(c), Some(cat), Some(preset_id), Some(base)) = (
            ctx.compiled.get_untracked(),
            pg.catalog.get_untracked(),
            preset.get_untracked(),
            baseline.get_untracked(),
        ) else {
            return;
        };
        let Some(after) = c.policy.clone() else {
            return;
        };
        let meta = match pg.metadata.get_untracked() {
            Ok(m) => m,
            Err(e) => {
                error.set(Some(format!(
                    "The request metadata is not usable ({e}): fix it in the Prompt view."
                )));
                return;
            }
        };
        let labels = pg.custom_labels.get_untracked();
        let compile_doc = |id: &str, source: &str| -> Option<Policy> {
            compile(
                PolicyDoc {
                    id: id.to_string(),
                    source: source.to_string(),
                    builtin: false,
                },
                &cat,
                labels.as_deref(),
            )
            .policy
        };
        let before = compile_doc(&c.id, &base.source);
        let preset_policy = pg.compiled.with_untracked(|all| {
            all.iter()
                .find(|p| p.builtin && p.id == preset_id)
                .and_then(|p| p.policy.clone())
        });
        let Some(preset_policy) = preset_policy else {
            error.set(Some(format!("The preset “{preset_id}” has errors.")));
            return;
        };
        let tasks = pg
            .classifier
            .get_untracked()
            .map(|m| TaskSource::classifier(m.0.clone()))
            .unwrap_or_default();
        error.set(None);
        let mine = generation.with_value(|g| g + 1);
        generation.set_value(mine);
        progress.set(Some((0, 0)));
        spawn_local(async move {
            let (set, set_label) = match prompt_set(pg, sample).await {
                Ok(s) => s,
                Err(e) => {
                    error.set(Some(e));
                    progress.set(None);
                    return;
                }
            };
            let mut policies = Vec::new();
            let before_ix = before.map(|b| {
                policies.push(b);
                policies.len() - 1
            });
            policies.push(after);
            let after_ix = policies.len() - 1;
            policies.push(preset_policy);
            let preset_ix = policies.len() - 1;
            let mut runner = Runner::new(
                set,
                policies,
                (*cat).clone(),
                RunConfig {
                    metadata: meta,
                    tasks,
                },
            );
            let total = runner.progress().total;
            let t0 = now_ms();
            while !runner.is_done() {
                let slice = now_ms();
                while !runner.is_done() && now_ms() - slice <= SLICE_MS {
                    runner.step(STEP);
                }
                progress.set(Some((runner.progress().done, total)));
                yield_now().await;
                if generation.get_value() != mine {
                    return;
                }
            }
            result.set(Some(Shared::new(Done {
                runner,
                before: before_ix,
                after: after_ix,
                preset: preset_ix,
                preset_id,
                baseline: base,
                after_source: c.source.clone(),
                set_label,
                elapsed_ms: now_ms() - t0,
            })));
            progress.set(None);
        });
    };

    let mark = move |_| {
        let (Some((id, _)), Some(source)) =
            (ctx.current.get_untracked(), source_now.get_untracked())
        else {
            return;
        };
        ctx.baselines.update(|b| {
            b.insert(
                id,
                Baseline {
                    source,
                    at_ms: js_sys::Date::now(),
                    how: "marked",
                },
            );
        });
    };

    let preset_options = move || {
        let cur = preset.get();
        pg.presets
            .get()
            .into_iter()
            .map(|p| {
                let sel = cur.as_deref() == Some(p.id.as_str());
                view! { <option value=p.id.clone() selected=sel>{p.id.clone()}</option> }
            })
            .collect_view()
    };

    let before_says = move || {
        let b = baseline.get()?;
        let when = clock(b.at_ms);
        Some(match (b.how, edited()) {
            ("marked", true) => format!("Before = this policy as you marked it at {when}; you have edited it since."),
            ("marked", false) => format!("Before = this policy as you marked it at {when} (no edits since)."),
            (_, true) => format!("Before = this policy as it was when you opened it at {when}; after = your edits now."),
            (_, false) => format!("Before = this policy as it was when you opened it at {when}. Edit it, then run to see what your edit changes."),
        })
    };

    view! {
        <section class="panel before-after" aria-labelledby="ba-title">
            <h2 id="ba-title">"Before / after"</h2>
            <p class="small" data-field="baseline">{before_says}</p>
            <div class="row wrap ba-controls">
                <label class="small" for="ba-preset">"and the preset"</label>
                <select id="ba-preset" on:change=move |ev| chosen_preset.set(Some(event_target_value(&ev)))>{preset_options}</select>
                <button class="primary" data-action="run-compare" disabled=move || blocked().is_some() on:click=run>
                    {move || if shown().is_some() { "Run again" } else { "Run before / after" }}
                </button>
                <button class="small" on:click=mark disabled=move || !edited() title="Make the current text the 'before' of the next comparison">"Compare from here"</button>
            </div>
            {move || blocked().filter(|_| progress.get().is_none()).map(|b| view! { <p class="muted small">{b}</p> })}
            {move || progress.get().map(|(d, t)| view! {
                <p class="small" role="status" data-state="running">{if t == 0 { "Loading the prompt set…".to_string() } else { format!("Running… {d} of {}", plural(t, "prompt")) }}</p>
            })}
            {move || error.get().map(|e| view! { <p class="error small" role="alert">{e}</p> })}
            {move || shown().map(|r| {
                let stale = source_now.get().is_some_and(|s| s != r.after_source);
                view! { <Results r=r stale=stale /> }
            })}
        </section>
    }
}

/// Totals of one side of the comparison.
fn totals(rep: &PolicyReport) -> [String; 3] {
    [
        usd(rep.total_cost_usd),
        format!("{:.1}", rep.mean_quality),
        format!("{:.1} s", rep.latency_p50_ms / 1000.0),
    ]
}

/// Short text of a prompt for a list.
fn excerpt(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 90 {
        format!("{}…", one_line.chars().take(89).collect::<String>())
    } else {
        one_line
    }
}

#[component]
fn Results(r: Shared<Done>, stale: bool) -> impl IntoView {
    let report = r.runner.report();
    let n = report.prompts;
    let side = |i: usize| &report.policies[i];
    let after_tot = totals(side(r.after));
    let preset_tot = totals(side(r.preset));
    let before_tot = r.before.map(|b| totals(side(b)));
    let vs_before = r.before.and_then(|b| r.runner.diff(b, r.after));
    let vs_preset = r.runner.diff(r.preset, r.after);
    let changed_rows = r
        .before
        .map(|b| r.runner.rows(RowFilter::Changed { a: b, b: r.after }))
        .unwrap_or_default();
    let sim = r.runner.simulation();
    let list: Vec<_> = changed_rows
        .iter()
        .take(MAX_LISTED)
        .filter_map(|&i| {
            let d = sim.decisions(i)?;
            let text = r
                .runner
                .prompt(i)
                .map(|p| excerpt(&p.text))
                .unwrap_or_default();
            let b = d.choices.get(r.before?)?.clone();
            let a = d.choices.get(r.after)?.clone();
            Some((d.id, text, b, a))
        })
        .collect();
    let more = changed_rows.len().saturating_sub(MAX_LISTED);
    let before_label = format!("Before ({})", clock(r.baseline.at_ms));
    let mut sides: Vec<(String, [String; 3], &'static str)> = Vec::new();
    if let Some(t) = before_tot {
        sides.push((before_label, t, "before"));
    }
    sides.push(("After (now)".into(), after_tot, "after"));
    sides.push((r.preset_id.clone(), preset_tot, "preset"));
    view! {
        <div class="ba-results" data-prompts=n.to_string() data-changed=vs_before.as_ref().map(|d| d.changed.to_string()).unwrap_or_default()>
            {stale.then(|| view! { <p class="notice-inline small" role="status">"The policy changed since this run: run again to include your latest edit."</p> })}
            <p class="small muted">{format!("{} · {:.0} ms", r.set_label, r.elapsed_ms)}</p>
            <p class="ba-headline">
                {match &vs_before {
                    Some(d) => view! { <strong data-field="changed-vs-before">{format!("{} of {} routed differently after your edit", d.changed, plural(n, "prompt"))}</strong> }.into_any(),
                    None => view! { <strong>"Your previous version has errors, so only the preset is compared."</strong> }.into_any(),
                }}
                <span class="small">{format!(" · {} differently from {}", plural(vs_preset.as_ref().map(|d| d.changed).unwrap_or(0), "prompt"), r.preset_id)}</span>
            </p>
            <div class="table-wrap">
                <table class="ba-table small">
                    <thead><tr><th scope="col"><span class="sr-only">"Version"</span></th><th scope="col">"Est. total cost"</th><th scope="col">"Mean quality"</th><th scope="col">"Latency p50"</th></tr></thead>
                    <tbody>
                        {sides.into_iter().map(|(label, t, side)| view! {
                            <tr class=side>
                                <th scope="row">{label}</th>
                                {t.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {vs_before.as_ref().filter(|d| d.changed > 0).map(|d| view! {
                <p class="small">{format!("After vs before: {} total cost, {:+.1} mean quality, {:+.0} ms mean latency.", signed_usd(d.delta_total_cost_usd), d.delta_mean_quality, d.delta_mean_latency_ms)}</p>
            })}
            {(!list.is_empty()).then(|| view! {
                <h3 class="small-head">"Prompts routed differently after your edit"</h3>
                <ol class="changed-list plain">
                    {list.into_iter().map(|(id, text, b, a)| {
                        let from = b.model.clone().unwrap_or_else(|| "no model".into());
                        let to = a.model.clone().unwrap_or_else(|| "no model".into());
                        let (data_from, data_to) = (from.clone(), to.clone());
                        view! {
                            <li class="changed-prompt" data-id=id.clone() data-from=data_from data-to=data_to>
                                <span class="prompt-text">{if text.is_empty() { id.clone() } else { text }}</span>
                                <span class="route small">
                                    <span class="from">{from}</span>{b.rule.map(|r| view! { <span class="muted">{format!(" ({r})")}</span> })}
                                    " → "
                                    <strong class="to">{to}</strong>{a.rule.map(|r| view! { <span class="muted">{format!(" ({r})")}</span> })}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                {(more > 0).then(|| view! { <p class="muted small">{format!("and {} more", plural(more, "prompt"))}</p> })}
            })}
            {vs_before.as_ref().filter(|d| d.changed == 0).map(|_| view! { <p class="muted small" data-field="no-change">"Your edit routes every prompt of the set as before."</p> })}
        </div>
    }
}
