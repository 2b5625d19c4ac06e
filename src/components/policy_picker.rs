//! Which policies are compared side by side, and the request metadata they see.

use crate::engine::Playground;
use leptos::prelude::*;

/// Chips to select policies (presets and the user's own) plus the metadata box.
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
            let title = if errors > 0 { format!("{} has {errors} error(s)", c.id) } else { c.policy.as_ref().map(|p| p.description.clone()).unwrap_or_default() };
            view! {
                <button
                    class="chip policy-chip"
                    class:selected=selected.clone()
                    class:user=user
                    class:broken=broken
                    aria-pressed=move || selected().to_string()
                    data-policy=id.clone()
                    title=title
                    on:click=move |_| pg.workspace.update(|w| w.toggle(&id))
                >{c.id.clone()}{(!c.builtin).then(|| view! { <span class="tag">"yours"</span> })}</button>
            }
        }).collect_view()
    };
    let meta_error = move || pg.metadata.get().err();
    view! {
        <section class="panel picker" aria-labelledby="picker-title">
            <div class="panel-head">
                <h2 id="picker-title">"Policies compared"</h2>
                <span class="muted small">"Click to add or remove"</span>
            </div>
            <div class="chips" role="group" aria-label="Policies">{chips}</div>
            <details class="metadata">
                <summary>"Request metadata"<span class="muted small">" (read in conditions as "<code>"meta.*"</code>")"</span></summary>
                <input
                    class="mono"
                    aria-label="Request metadata as JSON"
                    prop:value=move || pg.workspace.with(|w| w.metadata_json.clone())
                    on:change=move |ev| pg.workspace.update(|w| w.metadata_json = event_target_value(&ev))
                />
                {move || meta_error().map(|e| view! { <p class="diag error small">{e}</p> })}
            </details>
        </section>
    }
}
