//! Share links and the embed snippet. The link carries prompt, policies and view in the URL
//! fragment (never sent to a server), and never any key.

use crate::engine::Playground;
use crate::state::share::{self, BatchSource, ShareError};
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

/// The fragment of the current experiment, and a note on what had to stay out (the core's
/// [`share::fit`] decides). A link the receiver would refuse is never made: the error says why
/// and how big.
fn make_fragment(pg: Playground) -> Result<(String, Option<String>), String> {
    let state = pg.share_state();
    match share::fit(&state) {
        Ok(f) => {
            let mut notes = Vec::new();
            if let (Some(bytes), Some(len)) = (f.set_left_out, f.full_len) {
                notes.push(format!(
                    "The pasted prompt set ({} raw) is not in this link: with it the link would be {} compressed, over the {} limit. The receiver is told to ask you for the file; send it alongside.",
                    share::kb(bytes),
                    share::kb(len),
                    share::kb(share::MAX_FRAGMENT)
                ));
            }
            if f.catalog_left_out {
                let what = state
                    .catalog
                    .as_ref()
                    .map(|c| c.summary())
                    .unwrap_or_default();
                notes.push(format!(
                    "Your catalog edits ({what}) are too large for a link: this link assumes the shipped catalog, and says so to the receiver. Download the catalog (Catalog view) and send it alongside."
                ));
            }
            Ok((f.fragment, (!notes.is_empty()).then(|| notes.join(" "))))
        }
        Err(ShareError::TooLong { len }) => Err(format!(
            "No link made: this experiment is {} compressed; links over {} are refused. Shorten the prompt or the policies{}.",
            share::kb(len),
            share::kb(share::MAX_FRAGMENT),
            if matches!(state.batch, Some(BatchSource::Text(_))) {
                ", or remove the pasted prompt set (Download exports it as a file)"
            } else {
                ""
            }
        )),
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
    let opener = RwSignal::new(0u8);
    let share_btn = NodeRef::<leptos::html::Button>::new();
    let embed_btn = NodeRef::<leptos::html::Button>::new();
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
        opener.set(0);
        let Some((fragment, n)) = fragment() else {
            return;
        };
        // The address bar keeps no fragment: a reload would import the link into this tab.
        let url = format!("{}#{}", page_url_without_fragment(), fragment);
        copied(url, n);
    };
    let embed = move |_| {
        opener.set(1);
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
    // Esc closes the popover and returns focus to the button that opened it.
    let close = move || {
        link.set(None);
        error.set(None);
        let button = if opener.get_untracked() == 0 {
            share_btn
        } else {
            embed_btn
        };
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let esc = window_event_listener(leptos::ev::keydown, move |ev| {
        let open = link.with_untracked(Option::is_some) || error.with_untracked(Option::is_some);
        if open && ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    });
    on_cleanup(move || esc.remove());
    view! {
        <div class="share">
            <button node_ref=share_btn on:click=share title="Copy a link that reproduces this experiment (keys are never included)">"Share link"</button>
            <button node_ref=embed_btn on:click=embed title="Copy an iframe snippet for docs">"Copy embed snippet"</button>
            {move || link.get().map(|l| view! {
                <div class="share-pop" role="dialog" aria-label="Copied">
                    <p class="small">"Copied to the clipboard:"</p>
                    <input class="mono" readonly aria-label="Share link or embed snippet" prop:value=l id="share-output" />
                    {move || note.get().map(|n| view! { <p class="small share-note" role="status">{n}</p> })}
                    <button class="link" on:click=move |_| close()>"Close"</button>
                </div>
            })}
            {move || error.get().map(|e| view! {
                <div class="share-pop share-error" role="alert">
                    <p class="small" id="share-error">{e}</p>
                    <button class="link" on:click=move |_| close()>"Close"</button>
                </div>
            })}
        </div>
    }
}
