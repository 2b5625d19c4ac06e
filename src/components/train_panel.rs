//! The Train view: upload a labelled set (your own labels), train a classifier in this page in
//! short chunks that yield to the browser (progress, Cancel), read its held-out metrics and
//! confusion matrix, use it for this tab's decisions and batch runs, and download it (the file
//! `routeplay classify --model FILE` loads). Logic lives in `state/train.rs` and the core.

use crate::components::batch_view::yield_now;
use crate::engine::{now_ms, Playground, Shared};
use crate::state::train::{
    confusion_cells, in_use_text, run_chunk, CustomModel, RunStatus, Upload, CHUNK_MS,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::classifier::stepwise::{TrainJob, TrainSettings, Trained};
use routeplay_core::format::{plural, thousands};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The Train view.
#[component]
pub fn TrainPanel() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let upload = RwSignal::new(None::<Shared<Upload>>);
    let status = RwSignal::new(RunStatus::Idle);
    let dragging = RwSignal::new(false);
    // The run generation: Cancel and a new upload bump it, and the running loop stops.
    let gen = StoredValue::new(Arc::new(AtomicU64::new(0)));

    let open_file = move |file: web_sys::File| {
        gen.with_value(|g| g.fetch_add(1, Ordering::SeqCst));
        let name = file.name();
        spawn_local(async move {
            let read = crate::files::read_text(&file).await;
            let u = match read {
                Ok(text) => Upload::read(&name, &text),
                Err(e) => Upload {
                    file_name: name,
                    set: Err(e),
                },
            };
            upload.set(Some(Shared::new(u)));
            status.set(RunStatus::Idle);
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

    let start = move || {
        let Some(u) = upload.get_untracked() else {
            return;
        };
        let Ok(set) = u.set.as_ref() else { return };
        let base = pg.shipped_classifier.get_untracked();
        let mut job = match TrainJob::new(set, &TrainSettings::default(), base.as_deref()) {
            Ok(j) => j,
            Err(e) => {
                status.set(RunStatus::Failed(e));
                return;
            }
        };
        let counter = gen.get_value();
        let mine = counter.fetch_add(1, Ordering::SeqCst) + 1;
        status.set(RunStatus::Running(job.progress()));
        spawn_local(async move {
            let mut clock = now_ms;
            loop {
                // Let the browser paint the progress and handle Cancel first.
                yield_now().await;
                if counter.load(Ordering::SeqCst) != mine {
                    // Cancelled or superseded: dropping the job stops it; nothing else changed.
                    if status.with_untracked(RunStatus::running) {
                        status.set(RunStatus::Cancelled(job.progress().fraction));
                    }
                    return;
                }
                let p = run_chunk(&mut job, &mut clock, CHUNK_MS);
                if job.is_done() {
                    break;
                }
                status.set(RunStatus::Running(p));
            }
            match (job.failed().map(str::to_string), job.into_result()) {
                (_, Some(t)) => status.set(RunStatus::Done(Shared::new(t))),
                (Some(e), None) => status.set(RunStatus::Failed(e)),
                (None, None) => status.set(RunStatus::Failed("no model was produced".into())),
            }
        });
    };
    let cancel = move || {
        gen.with_value(|g| g.fetch_add(1, Ordering::SeqCst));
    };

    let summary = move || {
        upload.get().map(|u| match (u.set.as_ref(), u.summary()) {
            (Err(e), _) => view! {
                <p class="train-error" role="alert" data-field="refused">{format!("{} was not read: {e}.", u.file_name)}</p>
            }
            .into_any(),
            (Ok(_), None) => ().into_any(),
            (Ok(_), Some(s)) => {
                let max = s.labels.iter().map(|l| l.1).max().unwrap_or(1).max(1);
                let more = s.more_bad_lines();
                view! {
                    <div class="train-summary" data-rows=s.rows.to_string() data-labels=s.labels.len().to_string() data-bad=s.bad_total.to_string()>
                        <p><strong>{u.file_name.clone()}</strong>{format!(" ({}): {}", s.format, s.headline())}</p>
                        <table class="label-counts">
                            <caption class="sr-only">"Rows per label"</caption>
                            <thead><tr><th scope="col">"Label"</th><th scope="col" class="num">"Rows"</th><th scope="col"><span class="sr-only">"Share"</span></th></tr></thead>
                            <tbody>
                                {s.labels.iter().map(|(l, n)| {
                                    let w = format!("{:.1}%", *n as f64 * 100.0 / max as f64);
                                    view! {
                                        <tr data-label=l.clone()>
                                            <th scope="row" class="mono">{l.clone()}</th>
                                            <td class="num">{n.to_string()}</td>
                                            <td class="bar-cell"><span class="count-bar" style:width=w></span></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {(!s.problems.is_empty()).then(|| view! {
                            <ul class="train-problems" role="alert">
                                {s.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}
                            </ul>
                        })}
                        {(s.bad_total > 0).then(|| view! {
                            <details class="bad-lines">
                                <summary>{format!("{} skipped — the other rows are used", plural(s.bad_total, "bad line"))}</summary>
                                <ul>
                                    {s.bad_lines.iter().map(|e| view! { <li><span class="mono">{format!("line {}", e.line)}</span>": "{e.message.clone()}</li> }).collect_view()}
                                    {more.map(|m| view! { <li class="muted">{m}</li> })}
                                </ul>
                            </details>
                        })}
                    </div>
                }
                .into_any()
            }
        })
    };

    let can_train = move || {
        upload.with(|u| {
            u.as_ref()
                .and_then(|u| u.summary())
                .is_some_and(|s| s.problems.is_empty())
        }) && !status.with(RunStatus::running)
            && pg.shipped_classifier.with(Option::is_some)
    };
    let progress = move || match status.get() {
        RunStatus::Running(p) => Some(p.fraction),
        _ => None,
    };

    let in_use = move || {
        let custom = pg.custom_classifier.get();
        let is_custom = custom.is_some();
        view! {
            <div class="model-in-use" class:custom=is_custom data-model-in-use=if is_custom { "custom" } else { "shipped" } role="status">
                <p>{in_use_text(custom.as_ref())}</p>
                {is_custom.then(|| view! {
                    <button data-action="use-shipped" on:click=move |_| pg.custom_classifier.set(None)>"Back to the shipped model"</button>
                })}
            </div>
        }
    };

    let results = move || match status.get() {
        RunStatus::Done(t) => Some(view! { <TrainResults trained=t upload=upload /> }),
        _ => None,
    };

    view! {
        <div class="train-view" data-train-status=move || match status.get() {
            RunStatus::Idle => "idle",
            RunStatus::Running(_) => "running",
            RunStatus::Cancelled(_) => "cancelled",
            RunStatus::Done(_) => "done",
            RunStatus::Failed(_) => "failed",
        }>
            {in_use}
            <section
                class="panel train-input"
                class:dragging=move || dragging.get()
                aria-labelledby="train-title"
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <div class="panel-head">
                    <h2 id="train-title">"Train on your own labels"</h2>
                    <span class="muted small">"JSONL {\"text\", \"label\"} or CSV with text,label columns — any label set"</span>
                </div>
                <p class="muted small">
                    "Training runs in this page; your rows never leave it. "
                    "A fifth of each label is held out to measure the model. The model keeps the shipped classifier's complexity signal, measured against the average task (your labels are not the shipped ones)."
                </p>
                <div class="train-sources">
                    <label class="file-button">
                        <input type="file" accept=".jsonl,.ndjson,.json,.csv,text/csv" aria-label="Open a labelled file" on:change=on_file />
                        <span>"Open labelled file…"</span>
                    </label>
                    <span class="muted small">"or drop a file on this panel"</span>
                </div>
                {summary}
                <div class="train-actions">
                    <button class="primary" data-action="train" disabled=move || !can_train() on:click=move |_| start()>"Train"</button>
                    {move || status.with(RunStatus::running).then(|| view! {
                        <button data-action="cancel" on:click=move |_| cancel()>"Cancel"</button>
                    })}
                    {move || progress().map(|f| view! {
                        <progress class="train-progress" max="1" value=f.to_string() aria-label="Training progress"></progress>
                    })}
                    <span class="train-status small" role="status" aria-live="polite">{move || status.with(RunStatus::text)}</span>
                </div>
            </section>
            {results}
        </div>
    }
}

/// Held-out metrics, the confusion matrix, Use and Download of a finished model.
#[component]
fn TrainResults(
    trained: Shared<Trained>,
    upload: RwSignal<Option<Shared<Upload>>>,
) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let t = trained.clone();
    let labels = t.model.labels().to_vec();
    let cells = confusion_cells(&t);
    let size_kb = t.model.to_bytes().len() as f64 / 1024.0;
    let name = upload
        .get_untracked()
        .map(|u| u.model_stem())
        .unwrap_or_else(|| "custom".into());
    let download_name = upload
        .get_untracked()
        .map(|u| u.download_name())
        .unwrap_or_else(|| "routeplay-custom.bin".into());
    let model_for_use = Shared::new(t.model.clone());
    let in_use = {
        let m = model_for_use.clone();
        move || {
            pg.custom_classifier
                .with(|c| c.as_ref().is_some_and(|c| c.model == m))
        }
    };
    let use_it = {
        let m = model_for_use.clone();
        let name = name.clone();
        move |_| {
            pg.custom_classifier.set(Some(CustomModel {
                name: name.clone(),
                model: m.clone(),
            }))
        }
    };
    let dl = {
        let t = t.clone();
        move |_| crate::files::download_bytes(&download_name, &t.model.to_bytes())
    };
    let per_label = t.per_label.clone();
    view! {
        <section class="panel train-results" aria-labelledby="train-results-title" data-macro-f1=format!("{:.3}", t.macro_f1)>
            <div class="panel-head">
                <h2 id="train-results-title">"Held-out results"</h2>
                <span class="muted small">{format!("{} · {:.0} KB model", plural(t.test_rows, "held-out row"), size_kb)}</span>
            </div>
            <div class="train-metrics">
                <div class="metric"><span class="metric-label">"Macro-F1"</span><span class="metric-value" data-field="macro-f1">{format!("{:.2}", t.macro_f1)}</span></div>
                <div class="metric"><span class="metric-label">"Accuracy"</span><span class="metric-value" data-field="accuracy">{format!("{:.0}%", t.accuracy * 100.0)}</span></div>
                <div class="metric"><span class="metric-label">"Rows"</span><span class="metric-value">{format!("{} train · {} test", thousands(t.train_rows), thousands(t.test_rows))}</span></div>
            </div>
            <div class="train-tables">
                <table class="per-label">
                    <caption>"Per label (held out)"</caption>
                    <thead><tr><th scope="col">"Label"</th><th scope="col" class="num">"Precision"</th><th scope="col" class="num">"Recall"</th><th scope="col" class="num">"F1"</th><th scope="col" class="num">"Rows"</th></tr></thead>
                    <tbody>
                        {per_label.into_iter().map(|c| view! {
                            <tr>
                                <th scope="row" class="mono">{c.label}</th>
                                <td class="num">{format!("{:.2}", c.precision)}</td>
                                <td class="num">{format!("{:.2}", c.recall)}</td>
                                <td class="num">{format!("{:.2}", c.f1)}</td>
                                <td class="num">{c.support.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="confusion-wrap">
                    <table class="confusion" data-field="confusion">
                        <caption>"Confusion matrix: rows are the true label, columns the prediction"</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="corner"><span class="axis">"true ↓ / predicted →"</span></th>
                                {labels.iter().map(|l| view! { <th scope="col" class="mono">{l.clone()}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {labels.iter().zip(cells).enumerate().map(|(i, (l, row))| view! {
                                <tr>
                                    <th scope="row" class="mono">{l.clone()}</th>
                                    {row.into_iter().enumerate().map(|(j, (n, share))| {
                                        // Set through the CSSOM (the page's CSP allows no style attributes).
                                        let tone = if i == j { "--ok" } else { "--err" };
                                        let bg = format!("color-mix(in srgb, var({tone}) {:.0}%, var(--surface))", share * 35.0);
                                        view! {
                                            <td class="cell" class:hit=i == j class:zero=n == 0 style:background-color=bg title=format!("{:.0}% of this row", share * 100.0)>{n.to_string()}</td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
            <div class="train-actions">
                <button class="primary" data-action="use-model" disabled=in_use.clone() on:click=use_it>
                    {let in_use = in_use.clone(); move || if in_use() { "In use" } else { "Use this model" }}
                </button>
                <button data-action="download-model" on:click=dl>"Download model (.bin)"</button>
                <span class="muted small">"Your model is kept in this tab's memory only; download it to keep it (routeplay classify --model FILE loads it)."</span>
            </div>
        </section>
    }
}
