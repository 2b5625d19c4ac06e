//! Which policies are compared side by side, and the request metadata they see.

use crate::engine::Playground;
use leptos::prelude::*;
use routeplay_core::format::plural;

/// Metadata text is applied this long after the last keystroke.
const METADATA_DEBOUNCE_MS: u64 = 300;

/// Toggles to select policies (presets and the user's own), each with what it is for, plus the
/// metadata box.
#[component]
pub fn PolicyPicker() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let chips = move || {
        pg.compiled.get().iter().map(|c| {
            let id = c.id.clone();
            let id2 = id.clone();
            let selected = move || pg.workspace.with(|w| w.is_selected(&id2));
            let errors = c.errors();
            let broken = errors > 0;
            let user = !c.builtin;
            // Shown on the toggle itself, not only in a tooltip: touch screens have no hover.
            let desc = if broken {
                format!("has {}: fix it in the Policies view", plural(errors, "error"))
            } else {
                c.policy.as_ref().map(|p| p.description.clone()).unwrap_or_default()
            };
            view! {
                <button
                    class="chip policy-chip"
                    class:selected=selected.clone()
                    class:user=user
                    class:broken=broken
                    aria-pressed=move || selected().to_string()
                    data-policy=id.clone()
                    on:click=move |_| pg.workspace.update(|w| w.toggle(&id))
                >
                    <span class="chip-name">{c.id.clone()}{(!c.builtin).then(|| view! { <span class="tag">"yours"</span> })}</span>
                    {(!desc.is_empty()).then(|| view! { <span class="chip-desc">{desc}</span> })}
                </button>
            }
        }).collect_view()
    };
    // The box keeps its own text while typing; the workspace gets it after a short pause
    // (and at once on blur). Invalid JSON shows its error here while the last valid value
    // stays in use (see `MetadataInput`).
    let text = RwSignal::new(pg.workspace.with_untracked(|w| w.metadata_json.clone()));
    let stored = Memo::new(move |_| pg.workspace.with(|w| w.metadata_json.clone()));
    Effect::new(move |_| {
        let stored = stored.get();
        if text.get_untracked() != stored {
            text.set(stored);
        }
    });
    let pending = StoredValue::new_local(None::<leptos::prelude::TimeoutHandle>);
    let commit = move |value: String| {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        pending.set_value(None);
        if pg.workspace.with_untracked(|w| w.metadata_json != value) {
            pg.workspace.update(|w| w.metadata_json = value);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || commit(value),
            std::time::Duration::from_millis(METADATA_DEBOUNCE_MS),
        )
        .ok();
        pending.set_value(handle);
    };
    let meta_error = move || pg.metadata_input.with(|m| m.error.clone());
    let in_use = move || {
        pg.metadata_input
            .with(|m| serde_json::to_string(&m.in_use).unwrap_or_default())
    };
    view! {
        <section class="panel picker" aria-labelledby="picker-title">
            <div class="panel-head">
                <h2 id="picker-title">"Policies compared"</h2>
                <span class="muted small">"Select to add or remove"</span>
            </div>
            <div class="chips policy-chips" role="group" aria-label="Policies">{chips}</div>
            <details class="metadata">
                <summary>"Request metadata"<span class="muted small">" (read in conditions as "<code>"meta.*"</code>")"</span></summary>
                <input
                    class="mono"
                    aria-label="Request metadata as JSON"
                    aria-describedby="metadata-error"
                    aria-invalid=move || meta_error().is_some().to_string()
                    prop:value=move || text.get()
                    on:input=on_input
                    on:change=move |ev| commit(event_target_value(&ev))
                />
                <div id="metadata-error" aria-live="polite">
                    {move || meta_error().map(|e| view! {
                        <p class="diag error small" data-field="metadata-error">{e}<br/><span class="muted">{format!("Still using the last valid value: {}", in_use())}</span></p>
                    })}
                </div>
            </details>
        </section>
    }
}
