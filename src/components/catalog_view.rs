//! The model catalog: prices, context, speed and quality per task, each with its source and
//! date. Every figure can be edited, models added and removed, and each model (or the whole
//! catalog) reset to what was shipped. Edits are stored as overrides of the shipped catalog
//! (`routeplay_core::catalog::CatalogEdits`, in the workspace) and used by every decision.

use crate::engine::{Playground, Shared};
use crate::files;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::catalog::{
    parse_quality, Catalog, CatalogEdits, Field, Figure, Model, NewModel, Origin, TASK_TYPES,
};
use routeplay_core::format::plural;

/// "OpenAI API pricing page (list price), 2026-09 · estimate".
fn provenance(f: &Figure) -> String {
    let mut s = f.source.clone();
    if !f.date.is_empty() {
        s.push_str(&format!(", {}", f.date));
    }
    s
}

/// The provenance shown under a figure: a published figure's source and date, or "estimate"
/// and its date (the long estimate notes are under the row's Sources).
fn short(f: &Figure) -> String {
    match (f.estimate, f.date.is_empty()) {
        (true, true) => "estimate".into(),
        (true, false) => format!("estimate, {}", f.date),
        (false, _) => provenance(f),
    }
}

/// Every distinct source of a model's figures, with the figures it covers, for the row's
/// Sources list (readable by tap, not only by hover).
fn sources(m: &Model) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let quality = Figure {
        value: 0.0,
        source: m.quality.source.clone(),
        date: m.quality.date.clone(),
        estimate: m.quality.estimate,
    };
    let all = Field::ALL
        .iter()
        .filter_map(|f| f.of(m).map(|fig| (f.label(), fig.clone())))
        .chain([("quality", quality)]);
    for (label, f) in all {
        let text = provenance(&f);
        match out.iter_mut().find(|(_, t)| *t == text) {
            Some((labels, _)) => {
                labels.push_str(", ");
                labels.push_str(label);
            }
            None => out.push((label.to_string(), text)),
        }
    }
    out
}

/// A change of the user's edits that can be undone (a removal, a reset).
type Change = Box<dyn FnOnce(&mut CatalogEdits, &Catalog)>;

/// The user's edits and the shipped catalog they apply to.
fn current(pg: Playground) -> Result<(CatalogEdits, Shared<Catalog>), String> {
    let base = pg
        .base_catalog
        .get_untracked()
        .ok_or_else(|| "the shipped catalog has not loaded yet".to_string())?;
    let edits = pg
        .workspace
        .with_untracked(|w| w.catalog_edits_for(&base))?;
    Ok((edits, base))
}

/// Applies `change` to the user's edits and stores them when the result is a valid catalog.
fn change_edits(
    pg: Playground,
    change: impl FnOnce(&mut CatalogEdits, &Catalog) -> Result<(), String>,
) -> Result<(), String> {
    let (mut edits, base) = current(pg)?;
    change(&mut edits, &base)?;
    edits.apply(&base).map_err(|e| e.to_string())?;
    pg.workspace.update(|w| w.set_catalog_edits(edits));
    Ok(())
}

/// The catalog view.
#[component]
pub fn CatalogView() -> impl IntoView {
    let pg = expect_context::<Playground>();
    // The edits in use and the shipped catalog, recomputed when either changes.
    let state = Memo::new(move |_| {
        let base = pg.base_catalog.get()?;
        let edits = pg
            .workspace
            .with(|w| w.catalog_edits_for(&base))
            .unwrap_or_default();
        Some((Shared::new(edits), base))
    });
    let edited = move || state.with(|s| s.as_ref().is_some_and(|(e, _)| !e.is_empty()));
    let error = RwSignal::new(None::<String>);
    let upload_error = RwSignal::new(None::<String>);
    // The edits before the last removal or reset, with what to call the undo.
    let undo = RwSignal::new(None::<(CatalogEdits, String)>);
    let report = move |r: Result<(), String>| match r {
        Ok(()) => error.set(None),
        Err(e) => error.set(Some(e)),
    };
    // Removing or resetting keeps the edits before it for Undo.
    let with_undo = move |what: String, change: Change| {
        let before = current(pg).map(|(e, _)| e);
        let r = change_edits(pg, |e, base| {
            change(e, base);
            Ok(())
        });
        if let (Ok(()), Ok(before)) = (&r, before) {
            undo.set(Some((before, what)));
        }
        report(r);
    };

    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = files::first_file(&ev) else {
            return;
        };
        upload_error.set(None);
        spawn_local(async move {
            // A file that is not a catalog never replaces the one in use (or the user's edits).
            let r = files::read_text(&file).await.and_then(|text| {
                let c = Catalog::from_json(&text).map_err(|e| e.to_string())?;
                let (before, base) = current(pg)?;
                let edits = CatalogEdits::diff(&base, &c);
                pg.workspace.update(|w| w.set_catalog_edits(edits));
                undo.set(Some((before, format!("Loaded {}", file.name()))));
                Ok(())
            });
            if let Err(e) = r {
                upload_error.set(Some(format!(
                    "{} was not loaded (the catalog in use is unchanged): {e}",
                    file.name()
                )));
            }
        });
    };
    let download = move |_| {
        if let Some(c) = pg.catalog.get_untracked() {
            files::download("routeplay-catalog.json", "application/json", &c.to_json());
        }
    };

    // The provider filter ("" = every provider): the catalog has dozens of models.
    let provider = RwSignal::new(String::new());
    let provider_options = move || {
        let cat = pg.catalog.get()?;
        let total = cat.models.len();
        let opts = cat
            .providers()
            .into_iter()
            .map(|(p, n)| {
                let label = format!("{p} ({})", plural(n, "model"));
                view! { <option value=p.to_string()>{label}</option> }
            })
            .collect_view();
        Some(view! {
            <option value="">{format!("All providers ({})", plural(total, "model"))}</option>
            {opts}
        })
    };
    let rows = move || {
        let (Some(cat), Some((edits, base))) = (pg.catalog.get(), state.get()) else {
            return view! { <tr><td colspan="10" class="muted">"Loading catalog…"</td></tr> }
                .into_any();
        };
        let only = provider.get();
        cat.models
            .iter()
            .filter(|m| only.is_empty() || m.provider == only)
            .map(|m| {
                let origin = edits.origin(&base, &m.id);
                model_row(pg, m, origin, &edits, &base, report, with_undo)
            })
            .collect_view()
            .into_any()
    };
    let removed = move || {
        let (edits, base) = state.get()?;
        if edits.removed.is_empty() {
            return None;
        }
        let items = edits
            .removed
            .iter()
            .map(|id| {
                let id2 = id.clone();
                view! {
                    <li>
                        <code>{id.clone()}</code>" "
                        <button class="link" data-restore=id.clone() on:click=move |_| {
                            let id = id2.clone();
                            report(change_edits(pg, move |e, b| { e.reset(b, &id); Ok(()) }));
                        }>{format!("Restore {id}")}</button>
                    </li>
                }
            })
            .collect_view();
        let _ = base;
        Some(view! {
            <div class="removed-models" data-removed=edits.removed.len().to_string()>
                <p class="small"><strong>{format!("{} removed from the shipped catalog:", plural(edits.removed.len(), "model"))}</strong></p>
                <ul>{items}</ul>
            </div>
        })
    };

    view! {
        <section class="panel catalog" aria-labelledby="catalog-title">
            <div class="panel-head">
                <h2 id="catalog-title">"Model catalog"</h2>
                <div class="row wrap">
                    {move || edited().then(|| view! {
                        <span class="badge warn" data-edits="">{move || state.with(|s| s.as_ref().map(|(e, _)| format!("edited in this browser: {}", e.summary())).unwrap_or_default())}</span>
                    })}
                    <button on:click=download>"Download JSON"</button>
                    <label class="button">"Upload JSON"<input type="file" accept=".json,application/json" class="sr-only" on:change=upload /></label>
                    <button data-action="reset-all" disabled=move || !edited() on:click=move |_| {
                        with_undo("Reset all to shipped".into(), Box::new(|e, _| *e = CatalogEdits::default()));
                    }>"Reset all to shipped"</button>
                </div>
            </div>
            {move || undo.get().map(|(before, what)| {
                let before = StoredValue::new(before);
                view! {
                    <div class="undo-bar" role="status">
                        <span>{format!("{what}. ")}</span>
                        <button data-action="undo" on:click=move |_| {
                            let b = before.get_value();
                            pg.workspace.update(|w| w.set_catalog_edits(b));
                            undo.set(None);
                            error.set(None);
                        }>"Undo"</button>
                        <button class="link" on:click=move |_| undo.set(None)>"Dismiss"</button>
                    </div>
                }
            })}
            {move || error.get().map(|e| view! { <p class="diag error" role="alert" id="catalog-error">{e}</p> })}
            {move || upload_error.get().map(|e| view! { <p class="diag error" role="alert" id="catalog-upload-error">{e}</p> })}
            {move || pg.catalog_error.get().map(|e| view! { <p class="diag error" role="alert">"Your catalog edits are not used: "{e}</p> })}
            <p class="muted small">"Prices in USD per 1M tokens; “cached input” is the price of a prompt-cache hit, where the provider publishes one. Under each figure: its source and date, or “estimate”; each model’s Sources list says where every figure comes from. Edited figures are marked and say what the shipped figure was. Edits apply to every decision at once and travel with share links."</p>
            <div class="row wrap catalog-filter">
                <label for="catalog-provider">"Show "</label>
                <select id="catalog-provider" prop:value=move || provider.get()
                    on:change=move |ev| provider.set(event_target_value(&ev))>
                    {provider_options}
                </select>
                <span class="muted small">"Cloud platforms (bedrock, azure, vertex) host their own makers’ models beside partners’; each hosted model is its own row with the platform’s price."</span>
            </div>
            <p class="scroll-cue small" aria-hidden="true">"Scroll the table sideways for more columns →"</p>
            <div class="table-wrap catalog-wrap" tabindex="0" role="region" aria-label="Model catalog table">
                <table class="catalog-table">
                    <thead><tr>
                        <th scope="col">"Model"</th><th scope="col">"Input $"</th><th scope="col">"Cached input $"</th><th scope="col">"Output $"</th>
                        <th scope="col">"Context (tokens)"</th><th scope="col">"First token (ms)"</th><th scope="col">"Speed (tokens/s)"</th>
                        <th scope="col">"Quality"</th><th scope="col">"Capabilities"</th><th scope="col">"Actions"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {removed}
            <AddModel report=report />
        </section>
    }
}

/// One model's row: editable figures with their provenance, per-task quality, actions.
#[allow(clippy::too_many_arguments)]
fn model_row(
    pg: Playground,
    m: &Model,
    origin: Origin,
    edits: &CatalogEdits,
    base: &Catalog,
    report: impl Fn(Result<(), String>) + Copy + Send + Sync + 'static,
    with_undo: impl Fn(String, Box<dyn FnOnce(&mut CatalogEdits, &Catalog)>)
        + Copy
        + Send
        + Sync
        + 'static,
) -> impl IntoView {
    let id = m.id.clone();
    let figure_cell = |field: Field| {
        let f = field.of(m).cloned();
        let was = edits.was(base, &id, field).cloned();
        // A cached input price given where the shipped catalog has none: edited, was "none".
        let added_here = was.is_none() && edits.is_edited(&id, field);
        let own = matches!(origin, Origin::Added | Origin::Replaced);
        let id2 = id.clone();
        let label = format!("{} {}", id, field.label());
        let step = match field {
            Field::InputPrice | Field::CachedInputPrice | Field::OutputPrice => "0.01",
            Field::ContextWindow => "1000",
            _ => "1",
        };
        let note = match (&was, &f, own) {
            (Some(w), _, _) => view! {
                <div class="src edited-note" data-edited=field_key(field)>
                    <span class="edit-mark">"edited by you"</span>{format!(" — was {} ({})", field.show(w.value), short(w))}
                </div>
            }
            .into_any(),
            (None, Some(_), false) if added_here => view! {
                <div class="src edited-note" data-edited=field_key(field)>
                    <span class="edit-mark">"edited by you"</span>" — was none (no cache discount published)"
                </div>
            }
            .into_any(),
            (None, Some(f), true) => view! { <div class="src"><span class="edit-mark">"yours"</span>{format!(" — {}", short(f))}</div> }.into_any(),
            (None, Some(f), false) => view! { <div class="src">{short(f)}</div> }.into_any(),
            (None, None, _) => view! { <div class="src">"none published: cached tokens cost the input price"</div> }.into_any(),
        };
        let edited = was.is_some() || added_here;
        let value = f.as_ref().map(|f| f.value.to_string()).unwrap_or_default();
        view! {
            <td class="fig" class:edited=edited data-field=field_key(field)>
                <input type="number" min="0" step=step class="num" aria-label=label placeholder="none" prop:value=value
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        let id = id2.clone();
                        report(field.parse(&text).map_err(|e| format!("{id}: {e}; the figure is unchanged")).and_then(|v| {
                            change_edits(pg, move |e, b| e.set_figure(b, &id, field, v))
                        }));
                    } />
                {note}
            </td>
        }
    };
    let cells = Field::ALL.map(figure_cell);
    let [input, cached, output, context, ttft, tps] = cells;
    let quality = TASK_TYPES
        .iter()
        .map(|t| {
            let task = t.to_string();
            let score = m.quality.scores.get(*t).copied().unwrap_or(0.0);
            let was = edits.was_quality(base, &id, t);
            let id2 = id.clone();
            view! {
                <label class="q" class:edited=was.is_some()>
                    <span>{t.replace('_', " ")}{was.map(|w| view! { <span class="edit-mark">{format!(" edited — was {w:.0}")}</span> })}</span>
                    <input type="number" min="0" max="100" step="1" class="num" aria-label=format!("{} quality for {}", m.id, t) prop:value=score.to_string()
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            let (id, task) = (id2.clone(), task.clone());
                            report(parse_quality(&text).map_err(|e| format!("{id}: {e}; the score is unchanged")).and_then(|v| {
                                change_edits(pg, move |e, b| e.set_quality(b, &id, &task, v))
                            }));
                        } />
                </label>
            }
        })
        .collect_view();
    let quality_edited = edits
        .changed
        .get(&id)
        .is_some_and(|e| !e.quality.is_empty());
    let badge = match origin {
        Origin::Shipped => None,
        Origin::Edited => Some("edited"),
        Origin::Added => Some("added by you"),
        Origin::Replaced => Some("your record"),
    };
    let reset_id = id.clone();
    let remove_id = id.clone();
    let caps = [
        ("reasoning", m.capabilities.reasoning),
        ("tools", m.capabilities.tools),
        ("vision", m.capabilities.vision),
    ]
    .into_iter()
    .filter(|c| c.1)
    .map(|c| c.0)
    .collect::<Vec<_>>()
    .join(", ");
    view! {
        <tr data-model=m.id.clone() data-origin=format!("{origin:?}").to_lowercase() class:added=matches!(origin, Origin::Added | Origin::Replaced)>
            <th scope="row" class="model-cell">
                <strong>{m.id.clone()}</strong>
                {badge.map(|b| view! { <span class="badge edit-badge">{b}</span> })}
                <div class="muted small">{format!("{} · by {}", m.provider, m.maker)}{m.local.then_some(" · local")}</div>
                {(!m.note.is_empty()).then(|| view! { <div class="src">{m.note.clone()}</div> })}
                <details class="sources">
                    <summary class="small">"Sources"</summary>
                    <ul class="src">
                        {sources(m).into_iter().map(|(what, text)| view! { <li><strong>{what}</strong>": "{text}</li> }).collect_view()}
                    </ul>
                </details>
            </th>
            {input}{cached}{output}{context}{ttft}{tps}
            <td class="fig" class:edited=quality_edited>
                <details class="quality-details">
                    <summary>{format!("{:.0} mean", m.mean_quality())}{quality_edited.then_some(" · edited")}</summary>
                    <div class="quality-grid">{quality}</div>
                </details>
                <div class="src">{if m.quality.estimate { format!("estimate, {}", m.quality.date) } else { format!("{}, {}", m.quality.source, m.quality.date) }}</div>
            </td>
            <td class="caps small">{if caps.is_empty() { "—".to_string() } else { caps }}</td>
            <td class="actions">
                {(origin != Origin::Shipped && origin != Origin::Added).then(|| view! {
                    <button data-action="reset-model" aria-label=format!("Reset {} to shipped", reset_id) on:click=move |_| {
                        let id = reset_id.clone();
                        with_undo(format!("{id} reset to shipped"), Box::new(move |e, b| e.reset(b, &id)));
                    }>"Reset"</button>
                })}
                <button data-action="remove-model" aria-label=format!("Remove {}", remove_id) on:click=move |_| {
                    let id = remove_id.clone();
                    with_undo(format!("{id} removed"), Box::new(move |e, b| e.remove(b, &id)));
                }>"Remove"</button>
            </td>
        </tr>
    }
}

fn field_key(f: Field) -> &'static str {
    match f {
        Field::InputPrice => "input_price",
        Field::CachedInputPrice => "cached_input_price",
        Field::OutputPrice => "output_price",
        Field::ContextWindow => "context_window",
        Field::TtftMs => "ttft_ms",
        Field::OutputTps => "output_tps",
    }
}

/// The add-model form: every problem shown beside its field; nothing added until all are fixed.
#[component]
fn AddModel(report: impl Fn(Result<(), String>) + Copy + Send + Sync + 'static) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let form = RwSignal::new(NewModel {
        context_window: "128000".into(),
        ttft_ms: "500".into(),
        output_tps: "80".into(),
        quality: "70".into(),
        ..Default::default()
    });
    let errors = RwSignal::new(Vec::<(&'static str, String)>::new());
    let added = RwSignal::new(None::<String>);
    let field = move |key: &'static str, label: &'static str, hint: &'static str| {
        let get = move |f: &NewModel| -> String {
            match key {
                "id" => f.id.clone(),
                "provider" => f.provider.clone(),
                "maker" => f.maker.clone(),
                "input_price" => f.input_price.clone(),
                "output_price" => f.output_price.clone(),
                "context_window" => f.context_window.clone(),
                "ttft_ms" => f.ttft_ms.clone(),
                "output_tps" => f.output_tps.clone(),
                _ => f.quality.clone(),
            }
        };
        let set = move |f: &mut NewModel, v: String| match key {
            "id" => f.id = v,
            "provider" => f.provider = v,
            "maker" => f.maker = v,
            "input_price" => f.input_price = v,
            "output_price" => f.output_price = v,
            "context_window" => f.context_window = v,
            "ttft_ms" => f.ttft_ms = v,
            "output_tps" => f.output_tps = v,
            _ => f.quality = v,
        };
        let err =
            move || errors.with(|es| es.iter().find(|(k, _)| *k == key).map(|(_, e)| e.clone()));
        let input_id = format!("add-{key}");
        let err_id = format!("add-{key}-error");
        view! {
            <div class="add-field" class:invalid=move || err().is_some()>
                <label for=input_id.clone()>{label}<span class="muted small">{hint}</span></label>
                <input id=input_id data-add=key
                    aria-invalid=move || err().is_some().to_string()
                    aria-describedby=err_id.clone()
                    prop:value=move || form.with(get)
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
                <p class="field-error small" id=err_id>{err}</p>
            </div>
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.set(None);
        let Some(cat) = pg.catalog.get_untracked() else {
            return;
        };
        let f = form.get_untracked();
        let checked = match current(pg) {
            Ok((e, _)) => e.validate_new(&cat, &f),
            Err(e) => Err(vec![("id", e)]),
        };
        match checked {
            Err(es) => errors.set(es),
            Ok(model) => {
                let id = model.id.clone();
                errors.set(Vec::new());
                let r = change_edits(pg, move |e, _| {
                    e.add(model);
                    Ok(())
                });
                if r.is_ok() {
                    added.set(Some(id));
                    form.update(|f| {
                        f.id.clear();
                    });
                }
                report(r);
            }
        }
    };
    view! {
        <details class="add-model">
            <summary>"Add a model"</summary>
            <form on:submit=submit novalidate=true>
                <div class="add-grid">
                    {field("id", "Id ", "(used in policies)")}
                    {field("provider", "Provider ", "(openai, local, …)")}
                    {field("maker", "Maker ", "(optional)")}
                    {field("input_price", "Input $ ", "per 1M tokens")}
                    {field("output_price", "Output $ ", "per 1M tokens")}
                    {field("context_window", "Context ", "tokens")}
                    {field("ttft_ms", "First token ", "ms")}
                    {field("output_tps", "Speed ", "tokens/s")}
                    {field("quality", "Quality ", "0–100, every task")}
                </div>
                <div class="row">
                    <button type="submit" class="primary" data-action="add-model">"Add model"</button>
                    {move || (!errors.with(Vec::is_empty)).then(|| view! {
                        <span class="field-error small" role="alert">{move || format!("Not added: fix {} above.", plural(errors.with(Vec::len), "field"))}</span>
                    })}
                    {move || added.get().map(|id| view! { <span class="small ok-note" role="status">{format!("Added {id}: policies can name it now.")}</span> })}
                </div>
            </form>
        </details>
    }
}
