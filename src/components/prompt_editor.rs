//! The prompt box.

use leptos::prelude::*;

/// A text area bound to `prompt`.
#[component]
pub fn PromptEditor(prompt: RwSignal<String>) -> impl IntoView {
    view! {
        <section class="panel prompt-panel" aria-labelledby="prompt-title">
            <h2 id="prompt-title">"Prompt"</h2>
            <textarea
                id="prompt"
                aria-label="Prompt"
                placeholder="Type or paste a prompt…"
                spellcheck="false"
                prop:value=move || prompt.get()
                on:input=move |ev| prompt.set(event_target_value(&ev))
            ></textarea>
        </section>
    }
}
