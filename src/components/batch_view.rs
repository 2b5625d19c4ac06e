//! The batch view: a prompt set under every selected policy, with charts, rule coverage, a
//! per-prompt decisions table filtered to what changed between two policies, and exports.
//!
//! A thin shell over the core's pipeline ([`routeplay_core::simulate::Runner`], the same one
//! the CLI runs): the core reads the set, merges metadata, decides whether language detection
//! runs, decides, summarises, filters and exports. Every long phase runs in slices of a few
//! milliseconds with a yield to the event loop between them, so the page stays responsive
//! (no main-thread task near 50 ms) and the phase can be cancelled: reading the set
//! ([`SetReader`], "Reading… N lines"), deciding ([`Runner::step`]), and the summary at the
//! end (in tasks of its own). The results view draws a page of rows at a time and the diff's
//! totals ([`Runner::diff_totals`]), never a record per changed prompt.
//!
//! Each phase is recorded in the page's performance timeline as `batch:<phase>` (see
//! [`measure`]), for `scripts/bench-web.mjs` and Chrome's performance panel.

use crate::components::charts::{
    CostQuality, CostQualityScatter, CoverageBars, FlowChart, ShareBars, ShareRow, PALETTE,
};
use crate::components::decision_cards::outcome_label;
use crate::engine::{now_ms, Compiled, Load, Playground, Shared};
use crate::state::share::BatchSource;
use crate::state::View;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::format::{plural, plural_with, signed, signed_usd, thousands, usd};
use routeplay_core::policy::Metadata;
use routeplay_core::policy::{Decision, RuleOutcome};
use routeplay_core::simulate::{
    prompt_facts, ExportFormat, Limits, LineError, ParsedSet, PolicyDiff, PolicyReport,
    ReadOptions, RowFilter, RunConfig, Runner, SetError, SetFormat, SetReader, Share,
    SimulationReport, TaskSource,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Sets up to this size run by themselves when loaded or when the policies change.
pub const AUTO_RUN_MAX: usize = 2_000;
/// Rows per page of the decisions table.
pub const PAGE: usize = 50;
/// Bad lines listed by number (the rest are counted).
pub const SHOW_BAD: usize = 12;
/// Milliseconds of work between yields to the event loop.
const SLICE_MS: f64 = 24.0;
/// Prompts decided between two looks at the clock.
const STEP: usize = 8;
/// Lines read between two looks at the clock.
const READ_STEP: usize = 64;

/// A prompt set read from the sample, a paste or a file.
#[derive(Debug)]
pub struct Loaded {
    /// Where it came from.
    pub source: String,
    /// The prompts and bad lines, as the core read them.
    pub set: Arc<ParsedSet>,
    /// Parse time, ms.
    pub parse_ms: f64,
}

impl Loaded {
    fn format(&self) -> SetFormat {
        self.set.format
    }
    fn prompts(&self) -> usize {
        self.set.prompts.len()
    }
    fn errors(&self) -> &[LineError] {
        &self.set.errors
    }
}

/// What a run depends on: when this changes, results are out of date.
#[derive(Clone, PartialEq)]
struct RunKey {
    loaded: Shared<Loaded>,
    compiled: Shared<Vec<Compiled>>,
    selected: Vec<String>,
    catalog: Option<Shared<Catalog>>,
    classifier: Option<Shared<Model>>,
    metadata: Result<Metadata, String>,
}

/// Share rows, colour per name, and the legend in order.
type Grouped = (Vec<ShareRow>, HashMap<String, usize>, Vec<(String, usize)>);

/// The outcome of a run.
pub struct Results {
    key: RunKey,
    runner: Runner,
    /// The report over the prompts done.
    pub report: SimulationReport,
    /// Selection index of each simulated policy.
    sel: Vec<usize>,
    /// Prompts done.
    pub done: usize,
    /// Prompts in the set.
    pub total: usize,
    /// Wall time of the run, ms.
    pub elapsed_ms: f64,
    /// Stopped by the user.
    pub cancelled: bool,
    /// Selected policies left out because they have errors.
    pub skipped: Vec<String>,
}

impl Results {
    fn policies(&self) -> usize {
        self.report.policies.len()
    }
    /// Whether prompt `i` goes to different models under policies `a` and `b`.
    fn changed(&self, i: usize, a: usize, b: usize) -> bool {
        let sim = self.runner.simulation();
        sim.pick(i, a) != sim.pick(i, b)
    }
    /// Simulated index of the policy at selection index `s`.
    fn sim_index(&self, s: usize) -> Option<usize> {
        self.sel.iter().position(|&x| x == s)
    }
    /// The simulated pair for the diff: the selection pair mapped, else the first two.
    fn pair(&self, pair: (usize, usize)) -> (usize, usize) {
        let n = self.policies();
        let a = self.sim_index(pair.0).unwrap_or(0);
        let b = self.sim_index(pair.1).unwrap_or(if n > 1 { 1 } else { 0 });
        (a, b)
    }
    /// Model colours: by total use across policies, most used first.
    fn colors(&self) -> HashMap<String, usize> {
        self.grouped(0).1
    }
    /// Share rows, colours and legend, by model (0), provider (1) or maker (2). Colours go by
    /// total use across policies, most used first.
    fn grouped(&self, by: u8) -> Grouped {
        let of = |p: &PolicyReport| -> Vec<Share> {
            match by {
                1 => p.by_provider.clone(),
                2 => p.by_maker.clone(),
                _ => p.by_model.clone(),
            }
        };
        let mut use_count: HashMap<String, usize> = HashMap::new();
        for p in &self.report.policies {
            for s in of(p) {
                *use_count.entry(s.name.clone()).or_default() += s.count;
            }
        }
        let mut v: Vec<(String, usize)> = use_count.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let legend: Vec<(String, usize)> = v
            .into_iter()
            .enumerate()
            .map(|(i, (m, _))| (m, i % PALETTE))
            .collect();
        let colors: HashMap<String, usize> = legend.iter().cloned().collect();
        let rows = self
            .report
            .policies
            .iter()
            .map(|p| ShareRow {
                policy: p.policy.clone(),
                segments: of(p)
                    .into_iter()
                    .map(|s| (s.name, s.count, s.share))
                    .collect(),
                unrouted: p.unrouted,
            })
            .collect();
        (rows, colors, legend)
    }
}

thread_local! {
    static CHANNEL: Option<(wasm_bindgen::JsValue, wasm_bindgen::JsValue, js_sys::Function)> = (|| {
        let global = js_sys::global();
        let ctor: js_sys::Function = js_sys::Reflect::get(&global, &"MessageChannel".into()).ok()?.dyn_into().ok()?;
        let ch = js_sys::Reflect::construct(&ctor, &js_sys::Array::new()).ok()?;
        let p1 = js_sys::Reflect::get(&ch, &"port1".into()).ok()?;
        let p2 = js_sys::Reflect::get(&ch, &"port2".into()).ok()?;
        let post: js_sys::Function = js_sys::Reflect::get(&p2, &"postMessage".into()).ok()?.dyn_into().ok()?;
        Some((p1, p2, post))
    })();
}

/// Lets the browser handle input and paint: a message-channel task (no 4 ms timer clamp),
/// else a zero timeout.
pub(crate) async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let posted = CHANNEL.with(|c| match c {
            Some((p1, p2, post)) => {
                js_sys::Reflect::set(p1, &"onmessage".into(), &resolve).is_ok()
                    && post.call1(p2, &wasm_bindgen::JsValue::UNDEFINED).is_ok()
            }
            None => false,
        });
        if !posted {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Records `batch:<name>` from `start` (a [`now_ms`] time) to now in the page's performance
/// timeline (the benchmark reads these; Chrome's performance panel shows them).
pub(crate) fn measure(name: &str, start: f64) {
    let Some(perf) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&opts, &"end".into(), &perf.now().into());
    if let Ok(f) = js_sys::Reflect::get(&perf, &"measure".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = f.call2(&perf, &format!("batch:{name}").into(), &opts);
    }
}

/// How far reading a set is: lines read, bytes read, bytes in all.
pub(crate) type Reading = (usize, usize, usize);

/// Reads a set with the core's reader (limits included) in slices of [`SLICE_MS`], yielding
/// to the browser between them; `progress` hears how far it is after each slice. `None` when
/// `stopped` says so after a yield (a newer read, or Cancel).
pub(crate) async fn read_sliced(
    text: &str,
    progress: impl Fn(Reading),
    stopped: impl Fn() -> bool,
) -> Option<Result<ParsedSet, SetError>> {
    let slice = now_ms();
    let mut r = match SetReader::new(text, &ReadOptions::default()) {
        Ok(r) => r,
        Err(e) => return Some(Err(e)),
    };
    measure("read-start", slice);
    while !r.is_done() {
        let slice = now_ms();
        while !r.is_done() && now_ms() - slice <= SLICE_MS {
            if let Err(e) = r.step(READ_STEP) {
                return Some(Err(e));
            }
        }
        measure("read-slice", slice);
        let (bytes, total) = r.bytes_read();
        progress((r.lines_read(), bytes, total));
        yield_now().await;
        if stopped() {
            return None;
        }
    }
    let slice = now_ms();
    let set = r.finish();
    measure("read-finish", slice);
    Some(set)
}

/// Reads a set for this view ([`read_sliced`]), showing how far it is in `reading`.
async fn read(
    source: String,
    text: &str,
    reading: RwSignal<Option<Reading>>,
    stopped: impl Fn() -> bool,
) -> Option<Result<Shared<Loaded>, String>> {
    let t0 = now_ms();
    let set = read_sliced(text, |r| reading.set(Some(r)), stopped).await?;
    Some(
        set.map(|set| {
            Shared::new(Loaded {
                source: source.clone(),
                set: Arc::new(set),
                parse_ms: now_ms() - t0,
            })
        })
        .map_err(|e| format!("Not loaded ({source}): {e}.")),
    )
}

/// Shared run state: signals plus the generation counter that cancels superseded runs.
#[derive(Clone, Copy)]
struct RunState {
    results: RwSignal<Option<Shared<Results>>>,
    running: RwSignal<bool>,
    progress: RwSignal<(usize, usize, f64)>,
    status: RwSignal<Option<String>>,
    gen: StoredValue<Arc<AtomicU64>>,
    cancel: StoredValue<Arc<AtomicU64>>,
}

impl RunState {
    fn start(self, key: RunKey) {
        let gen_counter = self.gen.get_value();
        let cancel = self.cancel.get_value();
        let mine = gen_counter.fetch_add(1, Ordering::SeqCst) + 1;
        spawn_local(async move {
            self.run(key, mine, gen_counter, cancel).await;
        });
    }

    async fn run(
        self,
        key: RunKey,
        mine: u64,
        gen_counter: Arc<AtomicU64>,
        cancel: Arc<AtomicU64>,
    ) {
        let Some(catalog) = key.catalog.clone() else {
            self.status
                .set(Some("The catalog has not loaded yet.".into()));
            return;
        };
        let metadata = match &key.metadata {
            Ok(m) => m.clone(),
            Err(e) => {
                self.status.set(Some(format!(
                    "The request metadata is not usable ({e}): fix it in the Prompt view to run the set."
                )));
                self.results.set(None);
                return;
            }
        };
        let mut policies = Vec::new();
        let mut sel = Vec::new();
        let mut skipped = Vec::new();
        for (si, id) in key.selected.iter().enumerate() {
            match key.compiled.iter().find(|c| &c.id == id) {
                Some(c) => match &c.policy {
                    Some(p) => {
                        policies.push(p.clone());
                        sel.push(si);
                    }
                    None => skipped.push(c.name()),
                },
                None => skipped.push(id.clone()),
            }
        }
        if policies.is_empty() {
            self.status.set(Some(
                "Select at least one policy without errors to run the set.".into(),
            ));
            self.results.set(None);
            return;
        }
        let tasks = key
            .classifier
            .as_ref()
            .map(|m| TaskSource::classifier(m.0.clone()))
            .unwrap_or_default();
        let mut runner = Runner::new(
            key.loaded.set.clone(),
            policies,
            (*catalog).clone(),
            RunConfig { metadata, tasks },
        );
        let n = runner.progress().total;
        self.status.set(None);
        self.running.set(true);
        self.progress.set((0, n, 0.0));
        let t0 = now_ms();
        let mut cancelled = false;
        while !runner.is_done() {
            let slice = now_ms();
            while !runner.is_done() && now_ms() - slice <= SLICE_MS {
                runner.step(STEP);
            }
            self.progress
                .set((runner.progress().done, n, now_ms() - t0));
            measure("run-slice", slice);
            yield_now().await;
            if gen_counter.load(Ordering::SeqCst) != mine {
                return; // superseded by a newer run
            }
            if cancel.load(Ordering::SeqCst) == mine {
                cancelled = !runner.is_done();
                break;
            }
        }
        let elapsed_ms = now_ms() - t0;
        // The summary in a task of its own, then the results' drawing in another.
        let slice = now_ms();
        let report = runner.report();
        measure("report", slice);
        yield_now().await;
        if gen_counter.load(Ordering::SeqCst) != mine {
            return;
        }
        let slice = now_ms();
        let done = runner.progress().done;
        self.results.set(Some(Shared::new(Results {
            key,
            runner,
            report,
            sel,
            done,
            total: n,
            elapsed_ms,
            cancelled,
            skipped,
        })));
        self.running.set(false);
        // The results draw before the next task: this measures them (and the yield).
        yield_now().await;
        measure("results", slice);
    }
}

/// The batch view.
#[component]
pub fn BatchView() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let loaded = RwSignal::new(None::<Shared<Loaded>>);
    let last_source = StoredValue::new(None::<BatchSource>);
    let load_error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let reading = RwSignal::new(None::<Reading>);
    let read_note = RwSignal::new(None::<String>);
    let read_gen = StoredValue::new(Arc::new(AtomicU64::new(0)));
    let paste = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    let runs = RunState {
        results: RwSignal::new(None),
        running: RwSignal::new(false),
        progress: RwSignal::new((0, 0, 0.0)),
        status: RwSignal::new(None),
        gen: StoredValue::new(Arc::new(AtomicU64::new(0))),
        cancel: StoredValue::new(Arc::new(AtomicU64::new(0))),
    };

    // Reads `text` in slices; a newer read or Cancel stops it (the set shown before stays).
    let start_read = move |source: String, text: String| {
        let g = read_gen.get_value();
        let mine = g.fetch_add(1, Ordering::SeqCst) + 1;
        load_error.set(None);
        read_note.set(None);
        reading.set(Some((0, 0, text.len())));
        spawn_local(async move {
            let out = read(source, &text, reading, || g.load(Ordering::SeqCst) != mine).await;
            if g.load(Ordering::SeqCst) != mine {
                return;
            }
            reading.set(None);
            match out {
                Some(Ok(l)) => loaded.set(Some(l)),
                Some(Err(e)) => load_error.set(Some(e)),
                None => {}
            }
        });
    };
    let cancel_read = move |_| {
        read_gen.get_value().fetch_add(1, Ordering::SeqCst);
        let lines = reading.get_untracked().map(|r| r.0).unwrap_or(0);
        reading.set(None);
        // The same file or paste may be loaded again.
        last_source.set_value(None);
        read_note.set(Some(format!(
            "Reading cancelled after {}; {}",
            plural(lines, "line"),
            if loaded.with_untracked(Option::is_some) {
                "the set loaded before is kept."
            } else {
                "nothing was loaded."
            }
        )));
    };

    // Load whatever the batch source says (buttons set it; share links too).
    Effect::new(move |_| {
        let src = pg.batch.get();
        if src == last_source.get_value() {
            return;
        }
        last_source.set_value(src.clone());
        match src {
            None => {}
            Some(BatchSource::Text(t)) => start_read("pasted or opened prompts".into(), t),
            Some(BatchSource::Sample) => {
                load_error.set(None);
                loading.set(true);
                spawn_local(async move {
                    match crate::assets::fetch_text(crate::assets::SAMPLES_URL).await {
                        Ok(t) => start_read("the sample set".into(), t),
                        Err(e) => {
                            load_error.set(Some(format!("The sample set could not be loaded: {e}")))
                        }
                    }
                    loading.set(false);
                });
            }
        }
    });

    // The policies this view runs: chosen here, else the Prompt view's selection.
    let set_ids = Memo::new(move |_| {
        pg.batch_selected
            .get()
            .unwrap_or_else(|| pg.workspace.with(|w| w.selected.clone()))
    });
    let key = Memo::new(move |_| {
        Some(RunKey {
            loaded: loaded.get()?,
            compiled: pg.compiled.get(),
            selected: set_ids.get(),
            catalog: pg.catalog.get(),
            classifier: pg.classifier.get(),
            metadata: pg.metadata.get(),
        })
    });
    let model_loading = move || matches!(pg.load_model.get(), Load::Loading);
    let stale = move || {
        let k = key.get();
        runs.results.with(|r| match (r, &k) {
            (Some(r), Some(k)) => &r.key != k,
            (None, Some(_)) => true,
            _ => false,
        })
    };

    // Small sets run by themselves (when this view is shown and the classifier is ready).
    Effect::new(move |_| {
        let Some(k) = key.get() else { return };
        let shown = pg.view.get() == View::Batch;
        if !shown || model_loading() || k.catalog.is_none() || k.loaded.prompts() > AUTO_RUN_MAX {
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

    let run_now = move |_| {
        if let Some(k) = key.get_untracked() {
            runs.start(k);
        }
    };
    let cancel_run = move |_| {
        let g = runs.gen.get_value().load(Ordering::SeqCst);
        runs.cancel.get_value().store(g, Ordering::SeqCst);
    };

    let open_file = move |file: web_sys::File| {
        // Refuse a file over the set limit before reading it into memory.
        if let Err(e) = Limits::DEFAULT.check_size(file.size() as u64) {
            load_error.set(Some(format!("{} was not opened: {e}.", file.name())));
            return;
        }
        loading.set(true);
        spawn_local(async move {
            let t = now_ms();
            let text = crate::files::read_text(&file).await;
            measure("file", t);
            match text {
                Ok(t) => {
                    load_error.set(None);
                    pg.batch.set(Some(BatchSource::Text(t)));
                }
                Err(e) => load_error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(f) = crate::files::first_file(&ev) {
            open_file(f);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(f) = crate::files::dropped_file(&ev) {
            open_file(f);
        }
    };

    let loaded_summary = move || {
        loaded.get().map(|l| {
            let bad = l.errors().len();
            let shown: Vec<LineError> = l.errors().iter().take(SHOW_BAD).cloned().collect();
            let more = bad.saturating_sub(SHOW_BAD);
            view! {
                <p class="loaded" data-prompts=l.prompts().to_string() data-bad=bad.to_string()>
                    <strong>{plural(l.prompts(), "prompt")}</strong>
                    {format!(" from {} ({}) · read in {:.0} ms", l.source, l.format().label(), l.parse_ms)}
                </p>
                {(bad > 0).then(|| view! {
                    <div class="bad-lines" role="status">
                        <p><strong>{format!("{} skipped", plural(bad, "bad line"))}</strong>" — the other prompts are used."</p>
                        <ul>
                            {shown.into_iter().map(|e| view! {
                                <li data-bad-line=e.line.to_string()><span class="line-no">{format!("line {}", e.line)}</span>" "{e.message}</li>
                            }).collect_view()}
                        </ul>
                        {(more > 0).then(|| view! { <p class="muted small">{format!("and {} more", thousands(more))}</p> })}
                    </div>
                })}
            }
        })
    };

    let run_bar = move || {
        let ids = set_ids.get();
        let policies = pg.compiled.with(|all| {
            ids.iter()
                .filter(|id| all.iter().any(|c| &&c.id == id && c.policy.is_some()))
                .count()
        });
        let n = loaded.with(|l| l.as_ref().map(|l| l.prompts()));
        let running = runs.running.get();
        let (done, total, ms) = runs.progress.get();
        // Nothing to run yet: say what to do instead of "Run 0 prompts".
        let (label, hint) = match n {
            None => (
                "Run".to_string(),
                Some("Load a prompt set above (the sample, a paste or a file) to run it."),
            ),
            Some(_) if policies == 0 => (
                "Run".to_string(),
                Some("Choose at least one policy without errors above to run the set."),
            ),
            Some(n) => (
                format!(
                    "Run {} × {}",
                    plural(n, "prompt"),
                    plural_with(policies, "policy", "policies")
                ),
                None,
            ),
        };
        let blocked = hint.is_some();
        view! {
            <div class="run-bar">
                <button class="primary" data-action="run" disabled=move || runs.running.get() || reading.with(Option::is_some) || blocked on:click=run_now>{label}</button>
                {hint.map(|h| view! { <span class="muted small" data-run-hint="">{h}</span> })}
                <button data-action="cancel" disabled=!running on:click=cancel_run>"Cancel"</button>
                {running.then(|| {
                    let rate = if ms > 0.0 { done as f64 / ms * 1000.0 } else { 0.0 };
                    view! {
                        <progress max=total.to_string() value=done.to_string() aria-label="Run progress"></progress>
                        <span class="muted small" data-progress=done.to_string()>{format!("{} / {} · {:.1} s · {} prompts/s", thousands(done), thousands(total), ms / 1000.0, thousands(rate as usize))}</span>
                    }
                })}
                {move || (!runs.running.get() && model_loading()).then(|| view! { <span class="muted small">"Waiting for the classifier…"</span> })}
                {move || (!runs.running.get() && stale() && runs.results.with(|r| r.is_some())).then(|| view! { <span class="stale small">"Results are out of date — run again."</span> })}
            </div>
        }
    };

    // The policies this set runs under, chosen here; until then, the Prompt view's.
    let set_chips = move || {
        let ids = set_ids.get();
        pg.compiled
            .get()
            .iter()
            .map(|c| {
                let id = c.id.clone();
                let on = ids.contains(&id);
                let errors = c.errors();
                let broken = errors > 0;
                let title = if errors > 0 {
                    format!("{} has {}: fix it in the Policies view", c.id, plural(errors, "error"))
                } else {
                    c.policy.as_ref().map(|p| p.description.clone()).unwrap_or_default()
                };
                view! {
                    <button
                        class="chip set-policy"
                        class:selected=on
                        class:broken=broken
                        aria-pressed=on.to_string()
                        data-set-policy=id.clone()
                        title=title
                        on:click=move |_| {
                            let mut v = set_ids.get_untracked();
                            match v.iter().position(|x| *x == id) {
                                Some(i) => { v.remove(i); }
                                None => v.push(id.clone()),
                            }
                            pg.batch_selected.set(Some(v));
                        }
                    >{c.id.clone()}{(!c.builtin).then(|| view! { <span class="tag">"yours"</span> })}</button>
                }
            })
            .collect_view()
    };
    let set_policies = move || {
        let own = pg.batch_selected.with(Option::is_some);
        view! {
            <div class="set-policies">
                <p class="small set-policies-head">
                    <strong id="set-policies-title">"Policies for this set"</strong>
                    {if own {
                        view! {
                            " "<button class="link" data-action="follow-prompt-view" on:click=move |_| pg.batch_selected.set(None)>"Use the Prompt view’s selection"</button>
                        }.into_any()
                    } else {
                        view! { <span class="muted">" — the Prompt view’s selection; click to choose others for this set"</span> }.into_any()
                    }}
                </p>
                <div class="chips" role="group" aria-labelledby="set-policies-title">{set_chips}</div>
                <details class="set-desc">
                    <summary class="small">"What each policy does"</summary>
                    <dl class="small">
                        {move || pg.compiled.get().iter().map(|c| view! {
                            <dt><code>{c.id.clone()}</code></dt>
                            <dd>{c.policy.as_ref().map(|p| p.description.clone()).filter(|d| !d.is_empty()).unwrap_or_else(|| if c.errors() > 0 { format!("has {}: fix it in the Policies view", plural(c.errors(), "error")) } else { "no description".into() })}</dd>
                        }).collect_view()}
                    </dl>
                </details>
            </div>
        }
    };

    let timing = move || {
        runs.results.get().map(|r| {
            let rate = if r.elapsed_ms > 0.0 { r.done as f64 / r.elapsed_ms * 1000.0 } else { 0.0 };
            let what = if r.cancelled {
                format!("Cancelled after {} of {}", thousands(r.done), plural(r.total, "prompt"))
            } else {
                format!("{} × {}", plural(r.done, "prompt"), plural_with(r.policies(), "policy", "policies"))
            };
            view! {
                <p class="timing" data-elapsed-ms=format!("{:.0}", r.elapsed_ms) data-done=r.done.to_string() data-cancelled=r.cancelled.to_string()>
                    {format!("{what} in {:.2} s · {} prompts/s (classified once each, all in this tab)", r.elapsed_ms / 1000.0, thousands(rate as usize))}
                </p>
                {(!r.skipped.is_empty()).then(|| view! {
                    <p class="stale small">{format!("Left out (policy has errors): {}", r.skipped.join(", "))}</p>
                })}
            }
        })
    };

    view! {
        <div class="batch" data-batch-ready=move || (runs.results.with(|r| r.is_some()) && !runs.running.get()).to_string()>
            <section
                class="panel batch-input"
                class:dragging=move || dragging.get()
                aria-labelledby="batch-title"
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <div class="panel-head">
                    <h2 id="batch-title">"Prompt set"</h2>
                    <span class="muted small">"JSONL, CSV with a “text” column, or one prompt per line"</span>
                </div>
                <div class="batch-sources">
                    <button data-action="sample" on:click=move |_| {
                        // Loading the same source again re-reads it.
                        if pg.batch.get_untracked() == Some(BatchSource::Sample) {
                            last_source.set_value(None);
                            pg.batch.notify();
                        } else {
                            pg.batch.set(Some(BatchSource::Sample));
                        }
                    }>"Load sample set"</button>
                    <crate::components::conversation_view::LoadSampleConversations />
                    <label class="file-button">
                        <input type="file" accept=".jsonl,.ndjson,.json,.csv,.txt,text/plain,text/csv" aria-label="Open a prompt file" on:change=on_file />
                        <span>"Open file…"</span>
                    </label>
                    <span class="muted small drop-hint">"or drop a file on this panel"</span>
                    {move || loading.get().then(|| view! { <span class="muted small">"Loading…"</span> })}
                </div>
                {move || reading.get().map(|(lines, bytes, total)| view! {
                    <div class="reading run-bar" role="status" data-reading-lines=lines.to_string()>
                        <progress max=total.max(1).to_string() value=bytes.to_string() aria-label="Reading progress"></progress>
                        <span class="muted small">{format!("Reading… {}", plural(lines, "line"))}</span>
                        <button data-action="cancel-read" on:click=cancel_read>"Cancel reading"</button>
                    </div>
                })}
                {move || read_note.get().map(|n| view! { <p class="muted small" data-read-note="">{n}</p> })}
                <details class="paste">
                    <summary>"Paste prompts"</summary>
                    <textarea
                        class="mono"
                        id="batch-paste"
                        rows="6"
                        aria-label="Prompts to paste"
                        placeholder="{\"text\": \"Summarize this…\"}\nor a CSV with a text column\nor one prompt per line"
                        prop:value=move || paste.get()
                        on:input=move |ev| paste.set(event_target_value(&ev))
                    ></textarea>
                    <button data-action="use-paste" disabled=move || paste.with(|p| p.trim().is_empty()) on:click=move |_| {
                        let t = paste.get_untracked();
                        if pg.batch.get_untracked() == Some(BatchSource::Text(t.clone())) {
                            last_source.set_value(None);
                            pg.batch.notify();
                        } else {
                            pg.batch.set(Some(BatchSource::Text(t)));
                        }
                    }>"Use pasted prompts"</button>
                </details>
                {move || load_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {loaded_summary}
                {set_policies}
                {run_bar}
                {move || runs.status.get().map(|s| view! { <p class="stale">{s}</p> })}
                {timing}
            </section>
            <crate::components::conversation_view::ConversationSetReport set=Signal::derive(move || loaded.get().map(|l| l.set.clone())) ids=set_ids />
            {move || runs.results.get().filter(|r| r.done > 0).map(|r| view! { <ResultsView results=r /> })}
            {move || (loaded.with(|l| l.is_none()) && !loading.get() && reading.with(Option::is_none)).then(|| view! {
                <section class="panel empty-state">
                    <p>"Load the sample set (220 prompts over eleven task types), paste prompts or open a file to see how the selected policies route a whole workload: model shares, cost against quality, which rules fire, and every prompt whose route changes between two policies."</p>
                </section>
            })}
        </div>
    }
}

#[component]
fn ResultsView(results: Shared<Results>) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let r = results;
    let colors = r.colors();
    let names: Vec<String> = r.report.policies.iter().map(|p| p.policy.clone()).collect();

    // Summary table.
    let has_realized = r.report.policies.iter().any(|p| p.realized.is_some());
    let summary_rows = r
        .report
        .policies
        .iter()
        .map(|p| {
            let realized = p
                .realized
                .as_ref()
                .map(|x| format!("{:.1} ({})", x.mean_score, plural(x.prompts, "prompt")))
                .unwrap_or_else(|| "—".into());
            view! {
                <tr data-policy=p.policy.clone()>
                    <th scope="row">{p.policy.clone()}</th>
                    <td class="num">{usd(p.total_cost_usd)}</td>
                    <td class="num">{usd(p.mean_cost_usd)}</td>
                    <td class="num">{format!("{:.1}", p.mean_quality)}</td>
                    <td class="num">{format!("{:.0} ms", p.latency_p50_ms)}</td>
                    <td class="num">{format!("{:.0} ms", p.latency_p90_ms)}</td>
                    <td class="num" class:warn={p.unrouted > 0}>{thousands(p.unrouted)}</td>
                    {has_realized.then(|| view! { <td class="num">{realized.clone()}</td> })}
                </tr>
            }
        })
        .collect_view();
    let baselines = r.report.outcomes.clone().map(|o| {
        view! {
            <p class="muted small">
                {format!(
                    "Realized scores over {} with outcomes. Oracle (best model per prompt): {:.1} for {}. Best single model: {} at {:.1} for {}.",
                    plural(o.prompts, "prompt"),
                    o.oracle_mean_score,
                    usd(o.oracle_cost_usd),
                    o.best_single_model.clone().unwrap_or_else(|| "—".into()),
                    o.best_single_mean_score,
                    usd(o.best_single_cost_usd)
                )}
            </p>
        }
    });

    // Charts.
    let share_by = RwSignal::new(0u8);
    let share_view = {
        let r = r.clone();
        move || {
            let by = share_by.get();
            let t = now_ms();
            let (rows, colors, legend) = r.grouped(by);
            measure("shares", t);
            let noun = ["Model", "Provider", "Maker"][by.min(2) as usize];
            view! { <ShareBars rows=rows colors=colors legend=legend noun=noun /> }
        }
    };
    let points: Vec<CostQuality> = r
        .report
        .policies
        .iter()
        .map(|p| CostQuality {
            policy: p.policy.clone(),
            mean_cost_usd: p.mean_cost_usd,
            mean_quality: p.mean_quality,
        })
        .collect();

    // The flow and the table draw in a task after the rest (each is a pass over every prompt).
    let later = RwSignal::new(false);
    spawn_local(async move {
        yield_now().await;
        later.set(true);
    });
    let flow_policy = RwSignal::new(0usize);
    let flow_view = {
        let r = r.clone();
        let colors = colors.clone();
        move || {
            if !later.get() {
                return view! { <p class="muted small">"Drawing…"</p> }.into_any();
            }
            let pi = flow_policy.get().min(r.policies() - 1);
            let t = now_ms();
            let f = r
                .runner
                .flow(pi)
                .unwrap_or_else(|| routeplay_core::simulate::flow([]));
            measure("flow", t);
            view! { <FlowChart policy=r.report.policies[pi].policy.clone() flow=f colors=colors.clone() /> }.into_any()
        }
    };

    let coverage = r
        .report
        .policies
        .iter()
        .map(|p| view! { <CoverageBars policy=p.policy.clone() rows=p.coverage.clone() /> })
        .collect_view();

    // Diff and decisions table.
    let only_changed = RwSignal::new(false);
    let page = RwSignal::new(0usize);
    let pair = {
        let r = r.clone();
        Memo::new(move |_| r.pair(pg.diff_pair.get()))
    };
    let diff: Memo<Option<Shared<PolicyDiff>>> = {
        let r = r.clone();
        Memo::new(move |_| {
            let (a, b) = pair.get();
            let t = now_ms();
            let d = r.runner.diff_totals(a, b).map(Shared::new);
            measure("diff", t);
            d
        })
    };
    let rows: Memo<Shared<Vec<usize>>> = {
        let r = r.clone();
        Memo::new(move |_| {
            let (a, b) = pair.get();
            let filter = if only_changed.get() {
                RowFilter::Changed { a, b }
            } else {
                RowFilter::All
            };
            let t = now_ms();
            let rows = Shared::new(r.runner.rows(filter));
            measure("rows", t);
            rows
        })
    };
    Effect::new(move |_| {
        rows.track();
        page.set(0);
    });

    let sel_of = r.sel.clone();
    let picker = move |which: usize| {
        let names = names.clone();
        let sel_of = sel_of.clone();
        view! {
            <select
                aria-label=if which == 0 { "Policy A" } else { "Policy B" }
                data-pick=if which == 0 { "a" } else { "b" }
                prop:value=move || {
                    let (a, b) = pair.get();
                    (if which == 0 { a } else { b }).to_string()
                }
                on:change=move |ev| {
                    let Ok(i) = event_target_value(&ev).parse::<usize>() else { return };
                    let (a, b) = pair.get_untracked();
                    let s = |k: usize| sel_of.get(k).copied().unwrap_or(k);
                    pg.diff_pair.set(if which == 0 { (s(i), s(b)) } else { (s(a), s(i)) });
                }
            >
                {names.iter().enumerate().map(|(i, n)| view! { <option value=i.to_string()>{n.clone()}</option> }).collect_view()}
            </select>
        }
    };
    let picker_a = picker.clone()(0);
    let picker_b = picker(1);

    let diff_summary = move || {
        diff.get().map(|d| {
            let top: Vec<_> = d.transitions.iter().take(5).cloned().collect();
            view! {
                <div class="diff-summary" data-changed=d.changed.to_string()>
                    <p>
                        <strong>{format!("{} of {} change model", thousands(d.changed), plural(d.prompts, "prompt"))}</strong>
                        {format!(" from {} to {}", d.a, d.b)}
                    </p>
                    <ul class="deltas">
                        <li>"Total cost "<strong>{signed_usd(d.delta_total_cost_usd)}</strong></li>
                        <li>"Mean quality "<strong>{signed(d.delta_mean_quality, "", 1)}</strong></li>
                        <li>"Mean latency "<strong>{signed(d.delta_mean_latency_ms, " ms", 0)}</strong></li>
                    </ul>
                    {(!top.is_empty()).then(|| view! {
                        <ol class="transitions" aria-label="Top model transitions">
                            {top.into_iter().map(|t| view! { <li><code>{t.from}</code>" → "<code>{t.to}</code>" "<span class="muted">{plural(t.count, "prompt")}</span></li> }).collect_view()}
                        </ol>
                    })}
                </div>
            }
        })
    };

    // A vs B side by side (the default with two or more policies), or every policy's column.
    let all_columns = RwSignal::new(false);
    // The row whose A and B traces are open.
    let open_row = RwSignal::new(None::<usize>);
    let table = {
        let r = r.clone();
        move || {
            let rows = rows.get();
            let t = now_ms();
            let (a, b) = pair.get();
            let side_by_side = r.policies() > 1 && !all_columns.get();
            let open = open_row.get();
            let total = rows.len();
            let pages = total.div_ceil(PAGE).max(1);
            let pg_i = page.get().min(pages - 1);
            let start = pg_i * PAGE;
            let end = (start + PAGE).min(total);
            let columns =
                3 + if side_by_side { 5 } else { r.policies() } + usize::from(r.policies() > 1);
            let body = rows[start..end]
                .iter()
                .map(|&i| {
                    let d = r.runner.simulation().decisions(i);
                    let text = r.runner.prompt(i).map(|p| p.text.clone()).unwrap_or_default();
                    let short: String = text.chars().take(140).collect::<String>() + if text.chars().count() > 140 { "…" } else { "" };
                    let changed = r.changed(i, a, b);
                    let choice_cell = |c: &routeplay_core::simulate::Choice, hl: bool, side: &'static str| {
                        let est = c.estimate.map(|e| format!("{} · {:.0} ms · q {:.0}", usd(e.cost_usd), e.latency_ms, e.quality)).unwrap_or_default();
                        view! {
                            <td class:changed=hl data-side=side>
                                <span class="model">{c.model.clone().unwrap_or_else(|| "unrouted".into())}</span>
                                <span class="rule-name muted small" title=est>{c.rule.clone().unwrap_or_default()}</span>
                            </td>
                        }
                    };
                    let cells = d.as_ref().map(|d| {
                        if side_by_side {
                            let (ca, cb) = (&d.choices[a], &d.choices[b]);
                            let delta = |f: fn(&routeplay_core::policy::Estimate) -> f64| match (ca.estimate, cb.estimate) {
                                (Some(x), Some(y)) => Some(f(&y) - f(&x)),
                                _ => None,
                            };
                            let dc = delta(|e| e.cost_usd).map(signed_usd).unwrap_or_else(|| "—".into());
                            let dq = delta(|e| e.quality).map(|v| signed(v, "", 0)).unwrap_or_else(|| "—".into());
                            let dl = delta(|e| e.latency_ms).map(|v| signed(v, " ms", 0)).unwrap_or_else(|| "—".into());
                            view! {
                                {choice_cell(ca, changed, "a")}
                                {choice_cell(cb, changed, "b")}
                                <td class="num" data-delta="cost">{dc}</td>
                                <td class="num" data-delta="quality">{dq}</td>
                                <td class="num" data-delta="latency">{dl}</td>
                            }
                            .into_any()
                        } else {
                            d.choices
                                .iter()
                                .enumerate()
                                .map(|(pi, c)| choice_cell(c, changed && (pi == a || pi == b), ""))
                                .collect_view()
                                .into_any()
                        }
                    });
                    let is_open = open == Some(i);
                    let toggle = move |_| open_row.update(|o| *o = if *o == Some(i) { None } else { Some(i) });
                    let traces = (is_open && r.policies() > 1).then(|| {
                        view! {
                            <tr class="trace-row" data-traces-for=i.to_string()>
                                <td colspan=columns.to_string()>{row_traces(&r, i, a, b, open_row)}</td>
                            </tr>
                        }
                    });
                    view! {
                        <tr data-row=i.to_string() class:changed=changed class:open=is_open>
                            <td class="num muted">{(i + 1).to_string()}</td>
                            <td class="prompt-cell" title=text><span>{short}</span></td>
                            <td>{d.as_ref().map(|d| d.task.replace('_', " ")).unwrap_or_default()}</td>
                            {cells}
                            {(r.policies() > 1).then(|| view! {
                                <td class="trace-cell">
                                    <button class="trace-btn" data-action="traces" aria-expanded=is_open.to_string()
                                        aria-label=format!("{} A and B traces of prompt {}", if is_open { "Hide" } else { "Show" }, i + 1)
                                        on:click=toggle>{if is_open { "Hide" } else { "Traces" }}</button>
                                </td>
                            })}
                        </tr>
                        {traces}
                    }
                })
                .collect_view();
            let name = |pi: usize| {
                r.report
                    .policies
                    .get(pi)
                    .map(|p| p.policy.clone())
                    .unwrap_or_default()
            };
            let heads = if side_by_side {
                view! {
                    <th scope="col" class="side-head">"A · "{name(a)}</th>
                    <th scope="col" class="side-head">"B · "{name(b)}</th>
                    <th scope="col" class="num">"Δ cost"<span class="sr-only">" (B minus A)"</span></th>
                    <th scope="col" class="num">"Δ quality"</th>
                    <th scope="col" class="num">"Δ latency"</th>
                }
                .into_any()
            } else {
                r.report
                    .policies
                    .iter()
                    .enumerate()
                    .map(|(pi, p)| {
                        let tag = if pi == a {
                            " (A)"
                        } else if pi == b {
                            " (B)"
                        } else {
                            ""
                        };
                        view! { <th scope="col">{format!("{}{tag}", p.policy)}</th> }
                    })
                    .collect_view()
                    .into_any()
            };
            measure("table", t);
            view! {
                <p class="scroll-cue small" aria-hidden="true">"Scroll the table sideways for more columns →"</p>
                <div class="table-scroll decisions-scroll" tabindex="0" role="region" aria-label="Per-prompt decisions (scrolls sideways)">
                    <table class="batch-decisions" class:side-by-side=side_by_side data-layout=if side_by_side { "ab" } else { "all" } data-rows=total.to_string()>
                        <thead><tr>
                            <th scope="col">"#"</th><th scope="col">"Prompt"</th><th scope="col">"Task"</th>{heads}
                            {(r.policies() > 1).then(|| view! { <th scope="col"><span class="sr-only">"Traces"</span></th> })}
                        </tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
                <div class="pager">
                    <button data-action="prev" disabled={pg_i == 0} on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"← Previous"</button>
                    <span class="muted small" data-page-info="">{if total == 0 { "No rows".to_string() } else { format!("Rows {}–{} of {}", thousands(start + 1), thousands(end), thousands(total)) }}</span>
                    <button data-action="next" disabled={pg_i + 1 >= pages} on:click=move |_| page.update(|p| *p += 1)>"Next →"</button>
                </div>
            }
        }
    };

    let export = {
        let r = r.clone();
        move |format: ExportFormat| {
            let rows = rows.get_untracked();
            let out = r.runner.export(&rows, format);
            crate::files::download(format.file_name(), format.mime(), &out);
        }
    };
    let export_csv = export.clone();

    let scatter = view! { <CostQualityScatter points=points /> };
    let flow_names = r
        .report
        .policies
        .iter()
        .map(|p| p.policy.clone())
        .collect::<Vec<_>>();
    let many = r.policies() > 1;

    view! {
        <section class="panel" aria-labelledby="summary-title">
            <h2 id="summary-title">"Summary per policy"</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Summary per policy (scrolls sideways)">
                <table class="summary">
                    <thead>
                        <tr>
                            <th scope="col">"Policy"</th>
                            <th scope="col" class="num">"Total cost"</th>
                            <th scope="col" class="num">"Mean cost"</th>
                            <th scope="col" class="num">"Mean est. quality"</th>
                            <th scope="col" class="num">"Latency p50"</th>
                            <th scope="col" class="num">"Latency p90"</th>
                            <th scope="col" class="num">"Unrouted"</th>
                            {has_realized.then(|| view! { <th scope="col" class="num">"Realized score"</th> })}
                        </tr>
                    </thead>
                    <tbody>{summary_rows}</tbody>
                </table>
            </div>
            {baselines}
            <p class="muted small">"Costs and latencies are catalog estimates (list prices, typical speeds); quality is the catalog's score for each prompt's task."</p>
        </section>
        <section class="panel charts" aria-label="Charts">
            <div class="chart-grid">
                <div class="share-wrap">
                    <div class="seg" role="group" aria-label="Share by">
                        {[(0u8, "Model"), (1, "Provider"), (2, "Maker")].into_iter().map(|(k, label)| view! {
                            <button
                                data-share-by=label.to_lowercase()
                                aria-pressed=move || (share_by.get() == k).to_string()
                                class:active=move || share_by.get() == k
                                on:click=move |_| share_by.set(k)
                            >{label}</button>
                        }).collect_view()}
                    </div>
                    {share_view}
                </div>
                {scatter}
            </div>
        </section>
        <section class="panel" aria-labelledby="flow-title">
            <div class="panel-head">
                <h2 id="flow-title">"Flow"</h2>
                <label class="small">"Policy "
                    <select data-pick="flow" prop:value=move || flow_policy.get().to_string() on:change=move |ev| flow_policy.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {flow_names.iter().enumerate().map(|(i, n)| view! { <option value=i.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {flow_view}
        </section>
        <section class="panel" aria-labelledby="coverage-title">
            <h2 id="coverage-title">"Rule coverage"</h2>
            <p class="muted small">"How many prompts each rule routed. Rules that never fired are highlighted: they may be shadowed by an earlier rule or test a condition this set never meets."</p>
            <div class="coverage-grid">{coverage}</div>
        </section>
        <section class="panel" aria-labelledby="decisions-title">
            <div class="panel-head">
                <h2 id="decisions-title">"Per-prompt decisions"</h2>
                <div class="exports">
                    <button data-action="export-jsonl" on:click=move |_| export(ExportFormat::Jsonl)>"Export JSONL"</button>
                    <button data-action="export-csv" on:click=move |_| export_csv(ExportFormat::Csv)>"Export CSV"</button>
                </div>
            </div>
            {many.then(|| view! {
                <div class="diff-controls">
                    <label>"A "{picker_a}</label>
                    <label>"B "{picker_b}</label>
                    <label class="check">
                        <input type="checkbox" data-filter="changed" prop:checked=move || only_changed.get() on:change=move |ev| only_changed.set(event_target_checked(&ev)) />
                        " Only prompts that change between A and B"
                    </label>
                    <label class="check">
                        <input type="checkbox" data-filter="all-columns" prop:checked=move || all_columns.get() on:change=move |ev| all_columns.set(event_target_checked(&ev)) />
                        " Every policy’s column"
                    </label>
                </div>
                {diff_summary}
            })}
            {table}
            <p class="muted small">"Exports contain the rows shown by the filter: prompt id, text, task and each policy's model, rule and estimates. In CSV, a cell that starts with =, +, - or @ gets a leading ' so spreadsheets show it as text."</p>
        </section>
    }
}

/// A's and B's full traces of prompt `i`, side by side: the run keeps only each choice, so the
/// prompt is decided again under both policies (the same facts, the same answer).
fn row_traces(
    r: &Results,
    i: usize,
    a: usize,
    b: usize,
    open_row: RwSignal<Option<usize>>,
) -> impl IntoView {
    let sim = r.runner.simulation();
    let decide = |p: usize| -> Option<Decision> {
        let rec = r.runner.prompt(i)?;
        let facts = prompt_facts(rec, r.runner.config(), r.runner.detects_language());
        Some(sim.policies().get(p)?.decide(&facts, sim.catalog()))
    };
    let text = r
        .runner
        .prompt(i)
        .map(|p| p.text.clone())
        .unwrap_or_default();
    view! {
        <div class="row-traces" data-row=i.to_string() role="region" aria-label=format!("Traces of prompt {} under A and B", i + 1)>
            <div class="row-traces-head">
                <p class="small"><strong>{format!("Prompt {}", i + 1)}</strong>" "<span class="muted">{text}</span></p>
                <button class="link" on:click=move |_| open_row.set(None)>"Close traces"</button>
            </div>
            <div class="trace-pair">
                {trace_column("A", decide(a))}
                {trace_column("B", decide(b))}
            </div>
        </div>
    }
}

/// One policy's decision of a prompt: the model, the rule, and every rule's outcome with the
/// candidates of the rule that decided.
pub(crate) fn trace_column(tag: &'static str, d: Option<Decision>) -> impl IntoView {
    let Some(d) = d else {
        return view! { <section class="trace-col" data-trace=tag.to_lowercase()><p class="muted">"No decision for this prompt."</p></section> }.into_any();
    };
    let est = d
        .estimate
        .map(|e| {
            format!(
                "{} · quality {:.0} · {:.1} s",
                usd(e.cost_usd),
                e.quality,
                e.latency_ms / 1000.0
            )
        })
        .unwrap_or_else(|| "no estimate".into());
    let rules = d
        .trace
        .into_iter()
        .map(|t| {
            let (cls, label) = outcome_label(t.outcome);
            let show = matches!(t.outcome, RuleOutcome::Chosen | RuleOutcome::NoEligible);
            let cands = (show && !t.candidates.is_empty()).then(|| {
                let n = t.candidates.len();
                let items = t
                    .candidates
                    .into_iter()
                    .take(5)
                    .map(|c| {
                        let fig = c
                            .estimate
                            .map(|e| format!("{} · q {:.0} · {:.1} s", usd(e.cost_usd), e.quality, e.latency_ms / 1000.0))
                            .unwrap_or_default();
                        let excluded = c.excluded.is_some();
                        view! {
                            <li class:excluded=excluded>
                                <code>{c.model.clone()}</code>" "<span class="muted">{fig}</span>
                                {c.excluded.map(|x| view! { <span class="muted">{format!(" — {x}")}</span> })}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <ol class="cands small" aria-label="Candidates, best first">{items}</ol>
                    {(n > 5).then(|| view! { <p class="muted small">{format!("and {} more", plural(n - 5, "candidate"))}</p> })}
                }
            });
            view! {
                <li class=format!("t-rule t-{cls}") data-outcome=cls>
                    <div><span class="outcome">{label}</span>" "<strong class="rule-id">{t.rule.clone()}</strong><span class="muted small">{format!(" · line {}", t.line)}</span></div>
                    <p class="reason small">{t.reason.clone()}</p>
                    {cands}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="trace-col" data-trace=tag.to_lowercase() aria-label=format!("{tag}: {}", d.policy)>
            <header>
                <span class="ab-tag">{tag}</span>
                <strong>{d.policy.clone()}</strong>
            </header>
            <p class="routed">
                <code data-field="model">{d.model.clone().unwrap_or_else(|| "no model".into())}</code>
                <span class="muted small">{format!(" by rule {}", d.rule.clone().unwrap_or_else(|| "—".into()))}</span>
            </p>
            <p class="muted small">{est}</p>
            <ol class="mini-trace">{rules}</ol>
        </section>
    }
    .into_any()
}
