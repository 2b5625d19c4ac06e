//! The model catalog: prices, context, speed and quality per task, each with its source and
//! date; prices and quality can be edited (saved in this browser), downloaded and replaced.

use crate::engine::Playground;
use crate::files;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::catalog::{Catalog, Figure, TASK_TYPES};

fn figure_title(f: &Figure) -> String {
    format!(
        "{} — {}{}",
        f.source,
        f.date,
        if f.estimate { " (estimate)" } else { "" }
    )
}

/// Applies `edit` to a copy of the catalog in use and stores it as the user's catalog.
fn edit_catalog(pg: Playground, edit: impl FnOnce(&mut Catalog)) {
    let Some(cat) = pg.catalog.get_untracked() else {
        return;
    };
    let mut c: Catalog = (*cat).clone();
    edit(&mut c);
    pg.workspace.update(|w| w.catalog_json = Some(c.to_json()));
}

/// The catalog view.
#[component]
pub fn CatalogView() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let edited = move || pg.workspace.with(|w| w.catalog_json.is_some());
    let upload_error = RwSignal::new(None::<String>);
    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = files::first_file(&ev) else {
            return;
        };
        upload_error.set(None);
        spawn_local(async move {
            // A file that is not a catalog never replaces the one in use (or the user's edits).
            match files::read_text(&file).await.and_then(|text| {
                Catalog::from_json(&text)
                    .map(|_| text)
                    .map_err(|e| e.to_string())
            }) {
                Ok(text) => pg.workspace.update(|w| w.catalog_json = Some(text)),
                Err(e) => upload_error.set(Some(format!(
                    "{} was not loaded (the catalog in use is unchanged): {e}",
                    file.name()
                ))),
            }
        });
    };
    let download = move |_| {
        if let Some(c) = pg.catalog.get_untracked() {
            files::download("routeplay-catalog.json", "application/json", &c.to_json());
        }
    };
    let rows = move || {
        let Some(cat) = pg.catalog.get() else {
            return view! { <tr><td colspan="9" class="muted">"Loading catalog…"</td></tr> }
                .into_any();
        };
        cat.models.iter().enumerate().map(|(i, m)| {
            let price_input = move |value: f64, title: String, label: String, output: bool| view! {
                <input type="number" min="0" step="0.01" class="num" aria-label=label title=title prop:value=value.to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            edit_catalog(pg, |c| {
                                let f = if output { &mut c.models[i].output_price } else { &mut c.models[i].input_price };
                                f.value = v;
                                f.source = "edited in Routeplay".into();
                                f.estimate = true;
                            });
                        }
                    } />
            };
            let quality = TASK_TYPES.iter().map(|t| {
                let task = t.to_string();
                let score = m.quality.scores.get(*t).copied().unwrap_or(0.0);
                view! {
                    <label class="q">
                        <span>{t.replace('_', " ")}</span>
                        <input type="number" min="0" max="100" step="1" class="num" aria-label=format!("{} quality for {}", m.id, t) prop:value=score.to_string()
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                    let task = task.clone();
                                    edit_catalog(pg, move |c| { c.models[i].quality.scores.insert(task, v.clamp(0.0, 100.0)); });
                                }
                            } />
                    </label>
                }
            }).collect_view();
            view! {
                <tr data-model=m.id.clone()>
                    <td><strong>{m.id.clone()}</strong><div class="muted small">{format!("{} · by {}", m.provider, m.maker)}{m.local.then_some(" · local")}</div></td>
                    <td>{price_input(m.input_price.value, figure_title(&m.input_price), format!("{} input price per 1M tokens", m.id), false)}<div class="src">{m.input_price.date.clone()}</div></td>
                    <td>{price_input(m.output_price.value, figure_title(&m.output_price), format!("{} output price per 1M tokens", m.id), true)}<div class="src">{m.output_price.date.clone()}</div></td>
                    <td class="num" title=figure_title(&m.context_window)>{format!("{}k", (m.context_window.value / 1000.0).round())}{m.context_window.estimate.then_some("*")}</td>
                    <td class="num" title=figure_title(&m.ttft_ms)>{format!("{:.0} ms", m.ttft_ms.value)}{m.ttft_ms.estimate.then_some("*")}</td>
                    <td class="num" title=figure_title(&m.output_tps)>{format!("{:.0}/s", m.output_tps.value)}{m.output_tps.estimate.then_some("*")}</td>
                    <td class="num" title=format!("{} — {}", m.quality.source, m.quality.date)>{format!("{:.0}", m.mean_quality())}{m.quality.estimate.then_some("*")}</td>
                    <td class="caps small">{[("reasoning", m.capabilities.reasoning), ("tools", m.capabilities.tools), ("vision", m.capabilities.vision)].into_iter().filter(|c| c.1).map(|c| c.0).collect::<Vec<_>>().join(", ")}</td>
                    <td><details><summary>"per task"</summary><div class="quality-grid">{quality}</div><p class="src">{format!("{} ({})", m.quality.source, m.quality.date)}</p></details></td>
                </tr>
            }
        }).collect_view().into_any()
    };
    view! {
        <section class="panel catalog" aria-labelledby="catalog-title">
            <div class="panel-head">
                <h2 id="catalog-title">"Model catalog"</h2>
                <div class="row wrap">
                    {move || edited().then(|| view! { <span class="badge warn">"edited in this browser"</span> })}
                    <button on:click=download>"Download JSON"</button>
                    <label class="button">"Upload JSON"<input type="file" accept=".json,application/json" class="sr-only" on:change=upload /></label>
                    <button disabled=move || !edited() on:click=move |_| pg.workspace.update(|w| w.catalog_json = None)>"Reset to shipped"</button>
                </div>
            </div>
            {move || upload_error.get().map(|e| view! { <p class="diag error" role="alert" id="catalog-upload-error">{e}</p> })}
            {move || pg.catalog_error.get().map(|e| view! { <p class="diag error">"Your catalog is not used: "{e}</p> })}
            <p class="muted small">"Prices in USD per 1M tokens. * marks estimates; hover a figure for its source and date. Edits apply to every decision at once."</p>
            <div class="table-wrap">
                <table class="catalog-table">
                    <thead><tr><th>"Model"</th><th>"Input $"</th><th>"Output $"</th><th>"Context"</th><th>"TTFT"</th><th>"Speed"</th><th>"Quality"</th><th>"Capabilities"</th><th>"Quality by task"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
