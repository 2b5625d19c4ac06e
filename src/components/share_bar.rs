//! Share links and the embed snippet. The link carries prompt, policies and view in the URL
//! fragment (never sent to a server), and never any key.

use crate::engine::Playground;
use crate::state::share::{self, BatchSource, ShareError, ShareState};
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

/// The fragment of the current experiment, and a note when part of it had to stay out.
/// A link the receiver would refuse is never made: the error says why and how big.
fn make_fragment(pg: Playground) -> Result<(String, Option<String>), String> {
    let state = pg.share_state();
    let too_long = |len| {
        format!(
            "No link made: this experiment is {} compressed; links over {} are refused. Shorten the prompt or the policies{}.",
            share::kb(len),
            share::kb(share::MAX_FRAGMENT),
            if matches!(state.batch, Some(BatchSource::Text(_))) {
                ", or remove the pasted prompt set (Download exports it as a file)"
            } else {
                ""
            }
        )
    };
    match share::encode(&state) {
        Ok(f) => Ok((f, None)),
        Err(ShareError::TooLong { len }) => match &state.batch {
            // The pasted prompt set is the usual culprit: share the rest and say so.
            Some(BatchSource::Text(t)) => {
                let without = ShareState {
                    batch: None,
                    ..state.clone()
                };
                match share::encode(&without) {
                    Ok(f) => Ok((
                        f,
                        Some(format!(
                            "The pasted prompt set ({} raw) is not in this link: with it the link would be {} compressed, over the {} limit. Send the file alongside.",
                            share::kb(t.len()),
                            share::kb(len),
                            share::kb(share::MAX_FRAGMENT)
                        )),
                    )),
                    Err(_) => Err(too_long(len)),
                }
            }
            _ => Err(too_long(len)),
        },
        Err(e) => Err(format!("No link made: {e}.")),
    }
}

/// Share and embed buttons, with the link shown for manual copying.
#[component]
pub fn ShareBar() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let link = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // The fragment of this experiment, or None after showing why no link can be made.
    let fragment = move || match make_fragment(pg) {
        Ok(x) => Some(x),
        Err(e) => {
            link.set(None);
            note.set(None);
            error.set(Some(e));
            None
        }
    };
    // Shows what was copied: the link or snippet and its note.
    let copied = move |text: String, n: Option<String>| {
        copy_to_clipboard(&text);
        error.set(None);
        note.set(n);
        link.set(Some(text));
    };
    let share = move |_| {
        let Some((fragment, n)) = fragment() else {
            return;
        };
        let url = format!("{}#{}", page_url_without_fragment(), fragment);
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("#{fragment}")),
            );
        }
        copied(url, n);
    };
    let embed = move |_| {
        let Some((fragment, n)) = fragment() else {
            return;
        };
        // data-routeplay + embed.js: the frame takes its content's height (docs/embed.md).
        let page = page_url_without_fragment();
        let script = web_sys::Url::new_with_base("public/embed.js", &page)
            .map(|u| u.href())
            .unwrap_or_default();
        let snippet = format!(
            "<iframe src=\"{page}#embed&{fragment}\" data-routeplay title=\"Routeplay: how this prompt is routed\" width=\"100%\" height=\"720\" style=\"border:1px solid #ddd;border-radius:8px\" loading=\"lazy\"></iframe> <script src=\"{script}\" defer></script>"
        );
        copied(snippet, n);
    };
    view! {
        <div class="share">
            <button on:click=share title="Copy a link that reproduces this experiment (keys are never included)">"Share link"</button>
            <button on:click=embed title="Copy an iframe snippet for docs">"Copy embed snippet"</button>
            {move || link.get().map(|l| view! {
                <div class="share-pop" role="dialog" aria-label="Copied">
                    <p class="small">"Copied to the clipboard:"</p>
                    <input class="mono" readonly aria-label="Share link or embed snippet" prop:value=l id="share-output" />
                    {move || note.get().map(|n| view! { <p class="small share-note" role="status">{n}</p> })}
                    <button class="link" on:click=move |_| link.set(None)>"Close"</button>
                </div>
            })}
            {move || error.get().map(|e| view! {
                <div class="share-pop share-error" role="alert">
                    <p class="small" id="share-error">{e}</p>
                    <button class="link" on:click=move |_| error.set(None)>"Close"</button>
                </div>
            })}
        </div>
    }
}
