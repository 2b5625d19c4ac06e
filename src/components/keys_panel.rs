//! Keys per provider: memory by default, opt-in persistence, forget-all, endpoints.

use crate::providers::keys::{presets, KeyStore};
use leptos::prelude::*;
use routeplay_providers::hosts::key_origin_for;
use routeplay_providers::presets::NOT_CALLABLE;
use wasm_bindgen::JsCast;

/// Open the custom OpenAI-compatible card and put the cursor in its endpoint field.
fn go_to_custom() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let row = "[data-provider=\"custom\"]";
    if let Ok(Some(d)) = doc.query_selector(&format!(".live-key-row{row} .live-endpoint-details")) {
        let _ = d.set_attribute("open", "");
    }
    if let Ok(Some(input)) = doc.query_selector(&format!(".live-key-row{row} .live-endpoint-input"))
    {
        if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
            let _ = input.focus();
        }
    }
}

/// The keys panel. Reads the [`KeyStore`] from context (provided by `LivePanel`).
#[component]
pub fn KeysPanel() -> impl IntoView {
    let store = expect_context::<KeyStore>();
    let rows = presets()
        .iter()
        .map(|p| {
            let id = p.id;
            let error = RwSignal::new(None::<String>);
            let status = move || {
                if store.has_key(id) {
                    let origin = store
                        .slots
                        .with(|s| s.get(id).map(|x| x.key_origin.clone()))
                        .unwrap_or_default();
                    format!("key set · sent only to {origin}")
                } else if p.key_required {
                    "no key".to_string()
                } else {
                    "no key needed (optional)".to_string()
                }
            };
            view! {
                <div class="live-key-row" data-provider=id>
                    <div class="live-key-head">
                        <span class="live-key-name">{p.name}</span>
                        <span
                            class="live-key-status"
                            class:live-key-set=move || store.has_key(id)
                        >
                            {status}
                        </span>
                    </div>
                    <div class="live-key-inputs">
                        <input
                            type="password"
                            class="live-key-input"
                            autocomplete="off"
                            spellcheck="false"
                            aria-label=format!("{} API key", p.name)
                            placeholder=if p.key_required { "paste key, then Enter" } else { "optional key" }
                            on:change=move |ev| {
                                let input = event_target::<web_sys::HtmlInputElement>(&ev);
                                let v = input.value();
                                // The key leaves the DOM at once; only the store keeps it.
                                input.set_value("");
                                error.set(store.set_key(id, &v).err());
                            }
                        />
                        <button
                            class="live-key-clear"
                            type="button"
                            disabled=move || !store.has_key(id)
                            on:click=move |_| {
                                let _ = store.set_key(id, "");
                            }
                        >
                            "Clear"
                        </button>
                    </div>
                    <details class="live-endpoint-details" open=p.base_url.is_empty()>
                        <summary>"Endpoint and notes"</summary>
                        <label class="live-endpoint">
                            <span>"Endpoint"</span>
                            <input
                                type="url"
                                class="live-endpoint-input"
                                spellcheck="false"
                                placeholder=if p.base_url.is_empty() { "https://gateway.example/v1" } else { p.base_url }
                                prop:value=move || store.slots.with(|s| s.get(id).map(|x| x.base_url.clone()).unwrap_or_default())
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    let had_key = store.has_key(id);
                                    match store.set_base_url(id, &v) {
                                        Ok(()) if had_key && !store.has_key(id) => error.set(Some(
                                            "Endpoint changed: the key was forgotten, because a key is only sent to the address it was entered for. Enter it again.".into(),
                                        )),
                                        Ok(()) => error.set(None),
                                        Err(e) => error.set(Some(format!("Endpoint not accepted: {e}."))),
                                    }
                                }
                            />
                        </label>
                        <p class="live-key-note">
                            {p.note}
                            {move || {
                                let b = store.base_url(id);
                                key_origin_for(&b).ok().map(|o| format!(" Key goes only to {o}."))
                            }}
                        </p>
                    </details>
                    {move || error.get().map(|e| view! { <p class="live-key-error" role="alert">{e}</p> })}
                </div>
            }
        })
        .collect_view();

    view! {
        <section class="live-keys" aria-labelledby="live-keys-title">
            <h3 id="live-keys-title">"Your API keys"</h3>
            <p class="live-note">
                "Keys stay in this tab's memory and are sent only to their own provider's address, in a header — never in a URL, share link, export or log. Closing the tab forgets them."
            </p>
            <div class="live-keys-actions">
                <label class="live-remember">
                    <input
                        type="checkbox"
                        class="live-remember-input"
                        prop:checked=move || store.remember.get()
                        on:change=move |ev| store.remember.set(event_target_checked(&ev))
                    />
                    " Remember on this device"
                </label>
                <button class="live-forget-all" type="button" on:click=move |_| store.forget_all()>
                    "Forget all keys"
                </button>
            </div>
            <Show when=move || store.remember.get()>
                <p class="live-warning" role="note">
                    "Remembered keys are stored unencrypted in this browser's localStorage. Any browser extension or script that gets into this page could read them. Prefer dedicated keys with a spending cap, and use \"Forget all keys\" on shared computers."
                </p>
            </Show>
            <div class="live-key-rows">{rows}</div>
            <div class="live-not-callable">
                <h4>"Not callable from a web page"</h4>
                <button class="live-go-custom" type="button" on:click=move |_| go_to_custom()>
                    "Go to the custom endpoint"
                </button>
                {NOT_CALLABLE
                    .iter()
                    .map(|n| {
                        view! {
                            <p>
                                <strong>{n.name}": "</strong>
                                {n.why}
                            </p>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}
