//! The audit card for docs: the core's Markdown and JSON, shown in a selectable box with a Copy
//! button that says whether the clipboard took it (a browser may refuse: then the box is
//! selected for the reader to copy by hand, and the page says so).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Writes `text` to the clipboard; `Err` says why it could not.
async fn copy(text: &str) -> Result<(), String> {
    let w = web_sys::window().ok_or("no window")?;
    let promise = w.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .or_else(|| e.as_string())
                .unwrap_or_else(|| "refused".into())
        })
}

/// The card panel.
#[component]
pub fn AuditCardPanel(markdown: String, json: String) -> impl IntoView {
    // 0: Markdown, 1: JSON.
    let format = RwSignal::new(0u8);
    let status = RwSignal::new(None::<(bool, String)>);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let text = {
        let (m, j) = (markdown.clone(), json.clone());
        move || {
            if format.get() == 0 {
                m.clone()
            } else {
                j.clone()
            }
        }
    };
    let text_now = text.clone();
    let on_copy = move |_| {
        let t = text_now();
        let what = if format.get_untracked() == 0 {
            "Markdown"
        } else {
            "JSON"
        };
        leptos::task::spawn_local(async move {
            match copy(&t).await {
                Ok(()) => status.set(Some((
                    true,
                    format!("Copied the audit card ({what}) to the clipboard."),
                ))),
                Err(e) => {
                    status.set(Some((false, format!("The browser did not let this page use the clipboard ({e}): the card is selected below — copy it with Ctrl+C (⌘C)."))));
                    if let Some(a) = area.get_untracked() {
                        let _ = a.focus();
                        a.select();
                    }
                }
            }
        });
    };
    view! {
        <section class="panel audit-card" aria-labelledby="audit-card-title">
            <div class="panel-head">
                <h2 id="audit-card-title">"Audit card"</h2>
                <div class="seg" role="group" aria-label="Card format">
                    {[(0u8, "Markdown"), (1, "JSON")].into_iter().map(|(k, label)| view! {
                        <button data-card-format=label.to_lowercase() aria-pressed=move || (format.get() == k).to_string()
                            class:active=move || format.get() == k on:click=move |_| { format.set(k); status.set(None); }>{label}</button>
                    }).collect_view()}
                </div>
            </div>
            <p class="muted small">"For docs and articles: the headline, the measures with their intervals, examples, what the neutral policy removed, and the limits."</p>
            <div class="row wrap">
                <button class="primary" data-action="copy-card" on:click=on_copy>{move || if format.get() == 0 { "Copy Markdown" } else { "Copy JSON" }}</button>
                {move || status.get().map(|(ok, s)| view! { <span class=if ok { "small copied" } else { "small stale" } role="status" data-copied=ok.to_string()>{s}</span> })}
            </div>
            <textarea node_ref=area class="mono card-text" readonly rows="14" aria-label="Audit card text" data-field="card-text" prop:value=text></textarea>
        </section>
    }
}
