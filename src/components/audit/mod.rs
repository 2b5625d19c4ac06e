//! The Audit view: who gets the traffic under a policy, for a house (makers and/or providers).
//!
//! A thin shell over the core's audit (`routeplay_core::audit`): the core writes the neutral
//! counterfactual, decides every prompt under the policy, the neutral policy and the reference
//! ([`AuditRun`], stepped here in slices of a few milliseconds like the Prompt set view, so the
//! page stays responsive and shows progress), measures with bootstrap intervals, explains each
//! steered prompt and writes the audit card. This view picks the inputs
//! ([`crate::state::audit::AuditInputs`]) and draws the report.

mod card;
mod chart;
mod steered;

use crate::components::batch_view::{read_sliced, yield_now};
use crate::engine::{now_ms, Compiled, Load, Playground, Shared};
use crate::state::audit::AuditInputs;
use crate::state::share::BatchSource;
use crate::state::View;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::audit::{
    percent, AuditOptions, AuditReport, AuditRun, Comparison, House, ReferenceKind, Stat,
};
use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::format::{plural, thousands, usd};
use routeplay_core::policy::Metadata;
use routeplay_core::simulate::{ParsedSet, RunConfig, TaskSource};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Milliseconds of work between yields to the event loop.
const SLICE_MS: f64 = 24.0;
/// Prompts decided between two looks at the clock.
const STEP: usize = 8;

/// The prompt set the audit runs on, as read by the core.
pub struct AuditSet {
    /// Where it came from ("the sample set", "the Prompt set view's prompts").
    source: String,
    set: Arc<ParsedSet>,
}

/// What a run depends on: when this changes, the results are out of date.
#[derive(Clone, PartialEq)]
struct RunKey {
    set: Shared<AuditSet>,
    compiled: Shared<Vec<Compiled>>,
    inputs: AuditInputs,
    catalog: Shared<Catalog>,
    classifier: Option<Shared<Model>>,
    metadata: Result<Metadata, String>,
}

/// A finished (or cancelled) audit.
pub struct Results {
    key: RunKey,
    run: AuditRun,
    /// The report over the prompts decided.
    pub report: AuditReport,
    /// Prompts decided.
    pub done: usize,
    /// Prompts in the set.
    pub total: usize,
    /// Wall time, ms.
    pub elapsed_ms: f64,
    /// Stopped by the user.
    pub cancelled: bool,
}

#[derive(Clone, Copy)]
struct RunState {
    results: RwSignal<Option<Shared<Results>>>,
    running: RwSignal<bool>,
    progress: RwSignal<(usize, usize, f64)>,
    error: RwSignal<Option<String>>,
    gen: StoredValue<Arc<AtomicU64>>,
    cancel: StoredValue<Arc<AtomicU64>>,
}

/// The policy with this id, compiled, or why it cannot be audited.
fn policy_of<'a>(
    compiled: &'a [Compiled],
    id: &str,
) -> Result<&'a routeplay_core::policy::Policy, String> {
    match compiled.iter().find(|c| c.id == id) {
        None => Err(format!(
            "This page has no policy “{id}”: pick one in the list."
        )),
        Some(c) => c.policy.as_ref().ok_or_else(|| {
            format!(
                "The policy “{id}” has {}: fix it in the Policies view or pick another.",
                plural(c.errors(), "error")
            )
        }),
    }
}

impl RunState {
    fn start(self, key: RunKey) {
        let gen_counter = self.gen.get_value();
        let cancel = self.cancel.get_value();
        let mine = gen_counter.fetch_add(1, Ordering::SeqCst) + 1;
        spawn_local(async move { self.run(key, mine, gen_counter, cancel).await });
    }

    /// Prepares the core's run, or says why it cannot start.
    fn prepare(key: &RunKey) -> Result<AuditRun, String> {
        let metadata = key.metadata.clone().map_err(|e| {
            format!("The request metadata is not usable ({e}): fix it in the Prompt view to run the audit.")
        })?;
        let house = key
            .inputs
            .house(&key.catalog)
            .map_err(|e| format!("The house cannot be read: {e}."))?;
        let policy = policy_of(&key.compiled, &key.inputs.policy)?.clone();
        let references = match &key.inputs.reference {
            Some(r) => vec![policy_of(&key.compiled, r)?.clone()],
            None => Vec::new(),
        };
        let tasks = key
            .classifier
            .as_ref()
            .map(|m| TaskSource::classifier(m.0.clone()))
            .unwrap_or_default();
        AuditRun::new(
            key.set.set.clone(),
            policy,
            house,
            references,
            (*key.catalog).clone(),
            RunConfig { metadata, tasks },
            AuditOptions::default(),
        )
        .map_err(|e| format!("The audit cannot start: {e}."))
    }

    async fn run(
        self,
        key: RunKey,
        mine: u64,
        gen_counter: Arc<AtomicU64>,
        cancel: Arc<AtomicU64>,
    ) {
        let mut run = match Self::prepare(&key) {
            Ok(r) => r,
            Err(e) => {
                self.error.set(Some(e));
                self.results.set(None);
                return;
            }
        };
        let n = run.progress().total;
        self.error.set(None);
        self.running.set(true);
        self.progress.set((0, n, 0.0));
        let t0 = now_ms();
        let mut cancelled = false;
        while !run.is_done() {
            let slice = now_ms();
            while !run.is_done() && now_ms() - slice <= SLICE_MS {
                run.step(STEP);
            }
            self.progress.set((run.progress().done, n, now_ms() - t0));
            yield_now().await;
            if gen_counter.load(Ordering::SeqCst) != mine {
                return; // superseded by a newer run
            }
            if cancel.load(Ordering::SeqCst) == mine {
                cancelled = !run.is_done();
                break;
            }
        }
        // The measures and their intervals: one pass over the decided prompts.
        let report = run.report();
        let done = run.progress().done;
        self.results.set(Some(Shared::new(Results {
            key,
            run,
            report,
            done,
            total: n,
            elapsed_ms: now_ms() - t0,
            cancelled,
        })));
        self.running.set(false);
    }
}

/// Reads a set with the core's reader, in slices between which the page paints (a
/// 100,000-line set takes seconds); `None` when `stopped` says so.
async fn read(
    source: &str,
    text: &str,
    stopped: impl Fn() -> bool,
) -> Option<Result<Shared<AuditSet>, String>> {
    let set = read_sliced(text, |_| {}, stopped).await?;
    Some(
        set.map(|set| {
            Shared::new(AuditSet {
                source: source.to_string(),
                set: Arc::new(set),
            })
        })
        .map_err(|e| format!("The prompt set could not be read ({source}): {e}.")),
    )
}

/// A value with its interval: `38% (31%–45%)`.
pub(crate) fn with_ci(s: &Stat, f: impl Fn(f64) -> String) -> String {
    if s.low == s.high {
        f(s.value)
    } else {
        format!("{} ({}–{})", f(s.value), f(s.low), f(s.high))
    }
}

/// Points with one decimal.
pub(crate) fn points(x: f64) -> String {
    format!("{x:.1}")
}

/// The Audit view.
#[component]
pub fn AuditView() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let set = RwSignal::new(None::<Shared<AuditSet>>);
    let set_error = RwSignal::new(None::<String>);
    let loaded_for = StoredValue::new(None::<Option<BatchSource>>);
    // Bumped by each read: a read whose source changed meanwhile stops.
    let read_gen = StoredValue::new(Arc::new(AtomicU64::new(0)));
    let runs = RunState {
        results: RwSignal::new(None),
        running: RwSignal::new(false),
        progress: RwSignal::new((0, 0, 0.0)),
        error: RwSignal::new(None),
        gen: StoredValue::new(Arc::new(AtomicU64::new(0))),
        cancel: StoredValue::new(Arc::new(AtomicU64::new(0))),
    };
    let shown = move || pg.view.get() == View::Audit;

    // The prompt set: the Prompt set view's, else the sample set (read when this view shows).
    Effect::new(move |_| {
        if !shown() {
            return;
        }
        let src = pg.batch.get();
        if loaded_for.get_value().as_ref() == Some(&src) {
            return;
        }
        loaded_for.set_value(Some(src.clone()));
        set_error.set(None);
        let g = read_gen.get_value();
        let mine = g.fetch_add(1, Ordering::SeqCst) + 1;
        spawn_local(async move {
            let (source, text) = match src {
                Some(BatchSource::Text(t)) => ("the Prompt set view’s prompts", t),
                None | Some(BatchSource::Sample) => {
                    match crate::assets::fetch_text(crate::assets::SAMPLES_URL).await {
                        Ok(t) => ("the sample set", t),
                        Err(e) => {
                            set_error
                                .set(Some(format!("The sample set could not be loaded: {e}.")));
                            return;
                        }
                    }
                }
            };
            let stopped = || g.load(Ordering::SeqCst) != mine;
            match read(source, &text, stopped).await {
                Some(Ok(s)) if !stopped() => set.set(Some(s)),
                Some(Err(e)) if !stopped() => set_error.set(Some(e)),
                _ => {}
            }
        });
    });

    let key = Memo::new(move |_| {
        Some(RunKey {
            set: set.get()?,
            compiled: pg.compiled.get(),
            inputs: pg.audit.get(),
            catalog: pg.catalog.get()?,
            classifier: pg.classifier.get(),
            metadata: pg.metadata.get(),
        })
    });
    let model_loading = move || matches!(pg.load_model.get(), Load::Loading);
    // The audit runs by itself when shown and its inputs change (the classifier first).
    Effect::new(move |_| {
        let Some(k) = key.get() else { return };
        if !shown() || model_loading() {
            return;
        }
        if runs
            .results
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.key == k))
        {
            return;
        }
        runs.start(k);
    });
    let cancel_run = move |_| {
        let g = runs.gen.get_value().load(Ordering::SeqCst);
        runs.cancel.get_value().store(g, Ordering::SeqCst);
    };
    let rerun = move |_| {
        if let Some(k) = key.get_untracked() {
            runs.start(k);
        }
    };
    let stale = move || {
        let k = key.get();
        runs.results.with(|r| match (r, &k) {
            (Some(r), Some(k)) => &r.key != k,
            _ => false,
        })
    };

    let status = move || {
        let (done, total, ms) = runs.progress.get();
        let running = runs.running.get();
        view! {
            <div class="run-bar audit-run">
                {running.then(|| view! {
                    <progress max=total.to_string() value=done.to_string() aria-label="Audit progress"></progress>
                    <span class="muted small" data-progress=done.to_string()>{format!("{} / {} prompts · {:.1} s", thousands(done), thousands(total), ms / 1000.0)}</span>
                    <button data-action="cancel-audit" on:click=cancel_run>"Cancel"</button>
                })}
                {move || (!runs.running.get() && model_loading()).then(|| view! { <span class="muted small">"Waiting for the classifier…"</span> })}
                {move || (!runs.running.get() && set.with(Option::is_none) && set_error.with(Option::is_none)).then(|| view! { <span class="muted small">"Loading the prompt set…"</span> })}
                {move || (!runs.running.get() && stale()).then(|| view! { <span class="stale small">"Results are out of date."</span><button on:click=rerun>"Run again"</button> })}
                {move || runs.results.get().filter(|r| r.cancelled).map(|r| view! {
                    <span class="stale small" data-cancelled="true">{format!("Cancelled: the figures cover the first {} of {}.", thousands(r.done), plural(r.total, "prompt"))}</span>
                    <button on:click=rerun>"Run the whole set"</button>
                })}
            </div>
        }
    };

    view! {
        <div class="audit" data-audit-ready=move || (runs.results.with(|r| r.is_some()) && !runs.running.get()).to_string()>
            <section class="panel audit-inputs" aria-labelledby="audit-title">
                <div class="panel-head">
                    <h2 id="audit-title">"Neutrality audit"</h2>
                    <span class="muted small">"Who gets the traffic: how much a policy steers to one house’s models, and what it costs"</span>
                </div>
                <Inputs />
                <p class="small audit-set" data-field="audit-set" data-prompts=move || set.with(|s| s.as_ref().map(|s| s.set.prompts.len().to_string()).unwrap_or_default())>
                    {move || match (set.get(), set_error.get()) {
                        (_, Some(e)) => view! { <span class="error" role="alert">{e}</span> }.into_any(),
                        (Some(s), None) => view! {
                            "Prompt set: "<strong>{plural(s.set.prompts.len(), "prompt")}</strong>{format!(" from {}", s.source)}" · "
                            <button class="link" on:click=move |_| pg.view.set(View::Batch)>"change it in the Prompt set view"</button>
                        }.into_any(),
                        (None, None) => view! { <span class="muted">"Loading the prompt set…"</span> }.into_any(),
                    }}
                </p>
                {status}
                {move || runs.error.get().map(|e| view! { <p class="error" role="alert" data-field="audit-error">{e}</p> })}
            </section>
            {move || runs.results.get().filter(|r| r.done > 0).map(|r| view! { <Report results=r /> })}
        </div>
    }
}

/// The house, policy and reference pickers.
#[component]
fn Inputs() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let presets = Memo::new(move |_| {
        pg.catalog
            .get()
            .map(|c| House::presets(&c))
            .unwrap_or_default()
    });
    // The preset the house is, if it is one.
    let current_preset = move || {
        let Some(cat) = pg.catalog.get() else {
            return String::new();
        };
        let house = pg.audit.with(|a| a.house(&cat).ok());
        presets.with(|ps| {
            ps.iter()
                .find(|p| Some(&p.house) == house.as_ref())
                .map(|p| p.id.clone())
                .unwrap_or_default()
        })
    };
    let on_preset = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let Some(cat) = pg.catalog.get_untracked() else {
            return;
        };
        if let Some(p) = presets.with_untracked(|ps| ps.iter().find(|p| p.id == id).cloned()) {
            pg.audit.update(|a| a.set_house(&p.house, &cat));
        }
    };
    let house_error = move || {
        let cat = pg.catalog.get()?;
        pg.audit.with(|a| a.house(&cat).err().map(|e| e.message))
    };
    let house_members = move || {
        let cat = pg.catalog.get()?;
        let h = pg.audit.with(|a| a.house(&cat).ok())?;
        let models: Vec<String> = cat
            .models
            .iter()
            .filter(|m| h.contains(m))
            .map(|m| m.id.clone())
            .collect();
        Some(format!(
            "{} — {}: {}",
            h.label(),
            plural(models.len(), "catalog model"),
            models.join(", ")
        ))
    };
    let ids = move |usable_only: bool| {
        pg.compiled.with(|all| {
            all.iter()
                .filter(|c| !usable_only || c.policy.is_some())
                .map(|c| (c.id.clone(), c.policy.is_some()))
                .collect::<Vec<_>>()
        })
    };
    let missing = move || {
        let available: Vec<String> = ids(true).into_iter().map(|(id, _)| id).collect();
        if available.is_empty() {
            return None;
        }
        pg.audit.with(|a| a.missing(&available))
    };
    view! {
        <div class="audit-pickers">
            <div class="field">
                <label for="audit-house-preset">"House"</label>
                <select id="audit-house-preset" data-pick="house" prop:value=current_preset on:change=on_preset>
                    <option value="" disabled=true>"Custom (typed below)"</option>
                    {move || {
                        let current = current_preset();
                        presets.get().into_iter().map(|p| {
                            let on = p.id == current;
                            view! { <option value=p.id.clone() selected=on>{format!("{} ({}, {})", p.label, p.kind, plural(p.models, "model"))}</option> }
                        }).collect_view()
                    }}
                </select>
                <label class="small muted" for="audit-house-spec">"Makers and providers, comma-separated (maker:NAME or provider:NAME where a name is both)"</label>
                <input id="audit-house-spec" class="mono" data-field="house-spec" spellcheck="false"
                    prop:value=move || pg.audit.with(|a| a.house_spec())
                    on:change=move |ev| pg.audit.update(|a| a.set_house_spec(&event_target_value(&ev))) />
                {move || house_error().map(|e| view! { <p class="error small" role="alert" data-field="house-error">{e}</p> })}
                {move || house_members().map(|m| view! { <p class="muted small" data-field="house-models">{m}</p> })}
            </div>
            <div class="field">
                <label for="audit-policy">"Policy audited"</label>
                <select id="audit-policy" data-pick="audit-policy" prop:value=move || pg.audit.with(|a| a.policy.clone())
                    on:change=move |ev| pg.audit.update(|a| a.policy = event_target_value(&ev))>
                    {move || ids(false).into_iter().map(|(id, ok)| {
                        // Selected by the option itself: the select's value is set before its options exist.
                        let on = pg.audit.with(|a| a.policy == id);
                        view! { <option value=id.clone() disabled=!ok selected=on>{if ok { id.clone() } else { format!("{id} (has errors)") }}</option> }
                    }).collect_view()}
                </select>
                <p class="muted small">"Compared with its neutral counterfactual: the same policy with every preference for the house removed."</p>
            </div>
            <div class="field">
                <label for="audit-reference">"Also compare with"</label>
                <select id="audit-reference" data-pick="audit-reference" prop:value=move || pg.audit.with(|a| a.reference.clone().unwrap_or_default())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        pg.audit.update(|a| a.reference = (!v.is_empty()).then_some(v));
                    }>
                    <option value="">"No other policy"</option>
                    {move || ids(false).into_iter().map(|(id, ok)| {
                        let on = pg.audit.with(|a| a.reference.as_deref() == Some(id.as_str()));
                        view! { <option value=id.clone() disabled=!ok selected=on>{if ok { id.clone() } else { format!("{id} (has errors)") }}</option> }
                    }).collect_view()}
                </select>
                <p class="muted small">"A second reference you pick, e.g. a policy you trust."</p>
            </div>
        </div>
        {move || missing().map(|m| view! { <p class="error small" role="alert" data-field="audit-missing">{m}</p> })}
    }
}

/// The report: headline, chart, measures, steered prompts, neutral policy, audit card.
#[component]
fn Report(results: Shared<Results>) -> impl IntoView {
    let r = results;
    let report = &r.report;
    // Which comparison the chart and the steered table show (0: the neutral counterfactual).
    let which = RwSignal::new(0usize);
    let names: Vec<(usize, String, ReferenceKind)> = report
        .comparisons
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.reference.clone(), c.kind))
        .collect();
    let many = names.len() > 1;
    let rate = if r.elapsed_ms > 0.0 {
        r.done as f64 / r.elapsed_ms * 1000.0
    } else {
        0.0
    };
    let neutral = report.neutral.clone();
    let headlines = report
        .comparisons
        .iter()
        .skip(1)
        .map(|c| view! { <p class="audit-subhead" data-headline=c.reference.clone()>{c.headline.clone()}"."</p> })
        .collect_view();
    let r_measures = r.clone();
    let r_chart = r.clone();
    let r_steered = r.clone();
    let label_of = move |c: &Comparison| match c.kind {
        ReferenceKind::Neutral => "the neutral counterfactual".to_string(),
        ReferenceKind::Picked => c.reference.clone(),
    };
    // Built where it is drawn (twice): views are not Clone with `--cfg erase_components`.
    let picker = || {
        many.then(|| {
        view! {
            <div class="seg" role="group" aria-label="Compare the policy with">
                {names.iter().map(|(i, name, kind)| {
                    let i = *i;
                    let label = match kind { ReferenceKind::Neutral => "Neutral counterfactual".to_string(), ReferenceKind::Picked => name.clone() };
                    view! {
                        <button data-compare=i.to_string() aria-pressed=move || (which.get() == i).to_string()
                            class:active=move || which.get() == i on:click=move |_| which.set(i)>{label}</button>
                    }
                }).collect_view()}
            </div>
        }
    })
    };
    view! {
        <section class="panel audit-headline" aria-labelledby="audit-headline-title">
            <h2 id="audit-headline-title">{format!("{} for {}", report.policy, report.house_label)}</h2>
            <p class="headline" data-field="headline">{report.headline.clone()}"."</p>
            {headlines}
            <p class="muted small timing" data-elapsed-ms=format!("{:.0}", r.elapsed_ms)>
                {format!("{} × 3 policies in {:.2} s · {} prompts/s, in this tab. Estimates from the catalog: list prices, and quality scores per task that are themselves estimates.", plural(r.done, "prompt"), r.elapsed_ms / 1000.0, thousands(rate as usize))}
            </p>
        </section>
        <section class="panel" aria-labelledby="audit-chart-title">
            <div class="panel-head">
                <h2 id="audit-chart-title">"House share by task"</h2>
                {picker()}
            </div>
            {move || {
                let c = r_chart.report.comparisons.get(which.get()).cloned();
                c.map(|c| {
                    let other = label_of(&c);
                    view! { <chart::ShareByTask comparison=c policy=r_chart.report.policy.clone() reference=other house=r_chart.report.house_label.clone() /> }
                })
            }}
        </section>
        <section class="panel" aria-labelledby="audit-measures-title">
            <h2 id="audit-measures-title">"Measures"</h2>
            <MeasuresTable report=r_measures.report.clone() />
        </section>
        <section class="panel" aria-labelledby="audit-steered-title">
            <div class="panel-head">
                <h2 id="audit-steered-title">"Steered prompts"</h2>
                {picker()}
            </div>
            {move || view! { <steered::SteeredTable results=r_steered.clone() which=which.get() /> }}
        </section>
        <section class="panel" aria-labelledby="audit-neutral-title">
            <h2 id="audit-neutral-title">"The neutral counterfactual"</h2>
            <p class="small">{format!("“{}” is “{}” with every maker or provider preference and restriction that names {} removed; its objectives are kept.", neutral.name, report.policy, report.house_label)}</p>
            {if neutral.removed.is_empty() {
                view! { <p class="small muted" data-field="removed-none">"Nothing names the house: the neutral policy is the policy itself, so nothing can be steered by a house preference."</p> }.into_any()
            } else {
                view! {
                    <ul class="small removed-list" data-field="removed">
                        {neutral.removed.iter().map(|x| view! {
                            <li><strong>{x.rule.clone()}</strong>{if x.line > 0 { format!(" (line {})", x.line) } else { String::new() }}": "{x.what.clone()}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!neutral.kept.is_empty()).then(|| view! {
                <p class="small muted">"Kept on purpose: "{neutral.kept.join("; ")}</p>
            })}
            <details class="neutral-text">
                <summary>"The neutral policy’s text (what ran)"</summary>
                <pre class="mono" data-field="neutral-toml" tabindex="0" aria-label="Neutral policy text">{neutral.toml.clone()}</pre>
            </details>
        </section>
        <card::AuditCardPanel markdown=report.card_markdown() json=report.card_json() />
    }
}

/// The measures of every comparison, overall, with their intervals.
#[component]
fn MeasuresTable(report: AuditReport) -> impl IntoView {
    let lvl = format!("{:.0}%", report.options.level * 100.0);
    let heads = report
        .comparisons
        .iter()
        .map(|c| {
            let name = match c.kind {
                ReferenceKind::Neutral => "vs. neutral counterfactual".to_string(),
                ReferenceKind::Picked => format!("vs. {}", c.reference),
            };
            view! { <th scope="col" class="num">{name}</th> }
        })
        .collect_view();
    let row = |label: String, key: &'static str, cell: &dyn Fn(&Comparison) -> String| {
        let cells = report
            .comparisons
            .iter()
            .map(|c| view! { <td class="num">{cell(c)}</td> })
            .collect_view();
        view! { <tr data-measure=key><th scope="row">{label}</th>{cells}</tr> }
    };
    let house = report.house_label.clone();
    let policy = report.policy.clone();
    let realised = report
        .comparisons
        .iter()
        .any(|c| c.overall.realised.is_some());
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Measures (scrolls sideways)">
            <table class="audit-measures">
                <thead><tr><th scope="col">"Measure"</th>{heads}</tr></thead>
                <tbody>
                    {row(format!("{house} share of prompts under {policy}"), "policy-share", &|c| with_ci(&c.overall.policy_house.of_prompts, percent))}
                    {row(format!("{house} share of prompts under the reference"), "reference-share", &|c| with_ci(&c.overall.reference_house.of_prompts, percent))}
                    {row(format!("{house} share of spend under {policy}"), "policy-spend", &|c| with_ci(&c.overall.policy_house.of_spend, percent))}
                    {row(format!("{house} share of spend under the reference"), "reference-spend", &|c| with_ci(&c.overall.reference_house.of_spend, percent))}
                    {row("Steered prompts".into(), "steered", &|c| format!("{} · {}", c.overall.steered, with_ci(&c.overall.steered_share, percent)))}
                    {row("…of which dominated (the other choice was as good and no dearer)".into(), "dominated", &|c| c.overall.dominated.to_string())}
                    {row("Premium on steered prompts".into(), "premium", &|c| match c.overall.premium_pct {
                        Some(p) => format!("{} · {}", usd(c.overall.premium_usd), with_ci(&p, |x| format!("{:+.0}%", x * 100.0))),
                        None => usd(c.overall.premium_usd),
                    })}
                    {row("Quality given up on steered prompts (points of 100)".into(), "quality", &|c| c.overall.quality_given_up.map(|q| with_ci(&q, points)).unwrap_or_else(|| "—".into()))}
                    {realised.then(|| row("Realised quality given up (outcomes)".into(), "realised", &|c| c.overall.realised.as_ref().and_then(|x| x.quality_given_up).map(|q| with_ci(&q, points)).unwrap_or_else(|| "—".into())))}
                </tbody>
            </table>
        </div>
        <p class="muted small">{format!("In brackets: {lvl} bootstrap intervals over prompts ({} resamples, seed {}). Steered: the policy chose a {house} model where the reference chose a model outside the house. Premium: what the policy spends on those prompts minus what the reference spends, in USD and as a share of the reference’s cost.", thousands(report.options.resamples), report.options.seed)}</p>
    }
}
