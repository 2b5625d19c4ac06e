//! Share links and the embed snippet. The link carries prompt, policies and view in the URL
//! fragment (never sent to a server), and never any key.

use crate::engine::Playground;
use leptos::prelude::*;

fn page_url_without_fragment() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Share and embed buttons, with the link shown for manual copying.
#[component]
pub fn ShareBar() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let link = RwSignal::new(None::<String>);
    let share = move |_| {
        let fragment = pg.share_state().to_fragment();
        let url = format!("{}#{}", page_url_without_fragment(), fragment);
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("#{fragment}")),
            );
        }
        copy_to_clipboard(&url);
        link.set(Some(url));
    };
    let embed = move |_| {
        let fragment = pg.share_state().to_fragment();
        let snippet = format!(
            "<iframe src=\"{}#embed&{}\" title=\"Routeplay: how this prompt is routed\" width=\"100%\" height=\"720\" style=\"border:1px solid #ddd;border-radius:8px\" loading=\"lazy\"></iframe>",
            page_url_without_fragment(),
            fragment
        );
        copy_to_clipboard(&snippet);
        link.set(Some(snippet));
    };
    view! {
        <div class="share">
            <button on:click=share title="Copy a link that reproduces this experiment (keys are never included)">"Share link"</button>
            <button on:click=embed title="Copy an iframe snippet for docs">"Copy embed snippet"</button>
            {move || link.get().map(|l| view! {
                <div class="share-pop" role="dialog" aria-label="Copied">
                    <p class="small">"Copied to the clipboard:"</p>
                    <input class="mono" readonly aria-label="Share link or embed snippet" prop:value=l id="share-output" />
                    <button class="link" on:click=move |_| link.set(None)>"Close"</button>
                </div>
            })}
        </div>
    }
}
