//! The prompt box, with example prompts one click away.

use crate::engine::Playground;
use leptos::prelude::*;
use routeplay_core::format::plural;

/// Example prompts: (button label, prompt). Written for the project.
pub const EXAMPLES: [(&str, &str); 6] = [
    ("Trip plan", "Plan a 4-day trip to Kyoto for two in early April: we like food markets and temples, hate crowds, and have about 1,200 USD. Give a day-by-day plan with rough costs."),
    ("Fix code", "This Python function should return the running average but it is off by one. Can you fix it and explain why?\n```python\ndef running_avg(xs):\n    out, total = [], 0\n    for i, x in enumerate(xs):\n        total += x\n        out.append(total / i)\n    return out\n```"),
    ("Math", "A tank fills in 6 hours with pipe A and 9 hours with pipe B, while pipe C drains it in 12 hours. If all three are open, how long until the empty tank is full? Show your reasoning."),
    ("Summarize", "Summarize this in two sentences for a busy manager:\n\nThe Q3 migration moved 62% of services to the new cluster. Latency improved by 18% on average, but the billing service regressed by 40 ms at p99 because of a misconfigured connection pool. The team expects to finish the remaining services by mid-November, pending a security review of the secrets store."),
    ("Chat", "hey! how's it going? just wanted to say thanks for the help yesterday :)"),
    ("Translate", "Translate into Spanish, keeping it informal: \"Can't make it tonight, something came up at work. Rain check for Friday?\""),
];

/// Prompts larger than this are analysed after a short pause in typing, not on every key.
pub const DEBOUNCE_BYTES: usize = 64 * 1024;

/// The prompt editor.
#[component]
pub fn PromptEditor() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let pending = StoredValue::new_local(None::<leptos::prelude::TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        if value.len() > DEBOUNCE_BYTES {
            let handle = set_timeout_with_handle(
                move || pg.prompt.set(value),
                std::time::Duration::from_millis(250),
            )
            .ok();
            pending.set_value(handle);
        } else {
            pg.prompt.set(value);
        }
    };
    let size = move || {
        // A chat request: its size and the whole request's tokens, not the last message's.
        if let Some(cs) = pg.conversation_signals.get() {
            let bytes = pg.prompt.with(|p| p.len());
            return format!(
                "chat request · {} · ~{} in context",
                plural(bytes, "byte"),
                plural(cs.facts.context_tokens, "token")
            );
        }
        let s = pg
            .analysis
            .with(|a| (a.signals.cheap.bytes, a.signals.cheap.tokens));
        format!("{} · ~{}", plural(s.0, "byte"), plural(s.1, "token"))
    };
    view! {
        <section class="panel prompt-panel" aria-labelledby="prompt-title">
            <div class="panel-head">
                <h2 id="prompt-title">"Prompt"</h2>
                <span class="muted small">{size}</span>
            </div>
            <textarea
                id="prompt"
                aria-label="Prompt"
                placeholder="Type or paste a prompt, or a chat request (OpenAI, Anthropic or ShareGPT JSON); or drop a file here…"
                spellcheck="false"
                prop:value=move || pg.prompt.get()
                on:input=on_input
                on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=crate::components::conversation_view::on_prompt_drop
            ></textarea>
            <ExampleChips />
            <crate::components::conversation_view::SampleConversations />
        </section>
    }
}

/// The "Try:" buttons that put an example prompt in the box (the full page and the embed).
#[component]
pub fn ExampleChips() -> impl IntoView {
    let pg = expect_context::<Playground>();
    view! {
        <div class="examples" role="group" aria-label="Example prompts">
            <span class="muted small">"Try:"</span>
            {EXAMPLES.iter().map(|(label, text)| view! {
                <button class="chip" on:click=move |_| pg.prompt.set(text.to_string())>{*label}</button>
            }).collect_view()}
        </div>
    }
}
