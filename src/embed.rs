//! Embed mode (`#embed`, see docs/embed.md): the compact layout an iframe shows, the fragment's
//! options (parsed by `routeplay_core::embed`), and the frame's height posted to the host page.
//!
//! An embed keeps everything in memory: `Saving` is loaded memory-only, and the panels that
//! write to storage (theme switch, keys) are not part of this layout.

use crate::app::{NoticeList, DEFAULT_SELECTION};
use crate::components::audit::AuditView;
use crate::components::decision_cards::DecisionCards;
use crate::components::prompt_editor::{ExampleChips, EXAMPLES};
use crate::components::signals_panel::SignalsPanel;
use crate::engine::{Load, Playground};
use crate::saving::Saving;
use crate::state::share::{self, ShareError, ShareState};
use crate::state::Notice;
use leptos::prelude::*;
use routeplay_core::embed::{self, EmbedOptions};
use routeplay_core::format::plural;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The message an embedded page posts to its parent whenever its content height changes:
/// `{type: "routeplay:height", height: <CSS px, whole>}`.
pub const HEIGHT_MESSAGE: &str = "routeplay:height";
/// The message a host page may post to ask for the height again (public/embed.js does, in
/// case the frame posted before the host script listened).
pub const ASK_MESSAGE: &str = "routeplay:ask-height";

/// Embed mode as decided when the page loaded (provided as context).
#[derive(Clone, Copy)]
pub struct Embed {
    /// The page was opened as an embed: it stays one (and keeps nothing in storage) until it
    /// is reloaded.
    pub on: bool,
    /// The options of the current fragment.
    pub options: RwSignal<EmbedOptions>,
}

impl Embed {
    /// Reads embed mode from the fragment the page was opened with, and provides it as context.
    pub fn at_load(fragment: &str) -> Embed {
        let parsed = embed::parse(fragment);
        let e = Embed {
            on: parsed.is_some(),
            options: RwSignal::new(parsed.unwrap_or_default()),
        };
        provide_context(e);
        e
    }

    /// Whether `fragment` switches between embed and full page: then the page reloads (the
    /// storage mode is chosen once per page) and the caller stops. A fragment typed into the
    /// address bar of an open tab is the only way this happens.
    pub fn reloads_for(&self, fragment: &str) -> bool {
        if share::is_embed(fragment) == self.on {
            return false;
        }
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
        true
    }

    /// The share state a fragment opens. Outside embed mode, the link's. In embed mode, the
    /// link's (or the defaults) with the fragment's options applied; the options also set the
    /// theme, and what they could not understand is shown.
    pub fn opening_state(
        &self,
        fragment: &str,
        saving: Saving,
        decoded: Result<Option<ShareState>, ShareError>,
    ) -> Result<Option<ShareState>, ShareError> {
        let Some(options) = embed::parse(fragment).filter(|_| self.on) else {
            return decoded;
        };
        set_theme(options.theme.map(|t| t.as_str()));
        // The previous fragment's warnings make way for this one's.
        let old = self.options.with_untracked(|o| o.warnings.clone());
        saving
            .notices
            .update(|all| all.retain(|n| !old.contains(&n.text)));
        let mut notices: Vec<Notice> = options
            .warnings
            .iter()
            .map(|w| Notice::warning(w.clone()))
            .collect();
        let defaults = ShareState {
            v: share::VERSION,
            prompt: EXAMPLES[0].1.to_string(),
            selected: DEFAULT_SELECTION.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        // A damaged link still opens the embed, with its options, and says what happened.
        let shared = decoded.unwrap_or_else(|e| {
            notices.push(Notice::warning(format!(
                "This link could not be opened: {e}."
            )));
            None
        });
        saving.notify(notices);
        let state = options.initial_state(shared, defaults);
        self.options.set(options);
        Ok(Some(state))
    }
}

/// Sets (or, with `None`, removes: the system's theme) the page's colour theme.
fn set_theme(theme: Option<&str>) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Some(t) => root.set_attribute("data-theme", t),
        None => root.remove_attribute("data-theme"),
    };
}

/// The parent window, when this page is framed.
fn parent() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let p = w.parent().ok().flatten()?;
    (!js_sys::Object::is(&p, &w)).then_some(p)
}

/// The element's height in CSS px, rounded up so the frame never cuts a fraction off.
fn height_of(el: &web_sys::Element) -> f64 {
    let rect = js_sys::Reflect::get(el, &"getBoundingClientRect".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(el).ok());
    rect.and_then(|r| js_sys::Reflect::get(&r, &"height".into()).ok())
        .and_then(|h| h.as_f64())
        .map(f64::ceil)
        .unwrap_or(0.0)
}

/// Posts `{type: "routeplay:height", height}` to the parent.
fn post_height(parent: &web_sys::Window, height: f64) {
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &HEIGHT_MESSAGE.into());
    let _ = js_sys::Reflect::set(&msg, &"height".into(), &JsValue::from_f64(height));
    // The height is not a secret, and the host's origin is not known here: any parent may
    // read it. The host script checks that the message comes from its own frame.
    let _ = parent.post_message(&msg, "*");
}

/// When framed, posts the height of `root` now, on every change (a `ResizeObserver`), and
/// when the parent asks. Only changes are posted, so a host that resizes the frame to the
/// height it is told never starts a loop.
fn follow_height(root: web_sys::Element) {
    let Some(parent) = parent() else {
        return;
    };
    let last = std::rc::Rc::new(std::cell::Cell::new(-1.0));
    let post = {
        let (root, parent, last) = (root.clone(), parent.clone(), last.clone());
        move |force: bool| {
            let h = height_of(&root);
            if force || h != last.get() {
                last.set(h);
                post_height(&parent, h);
            }
        }
    };
    let on_resize = {
        let post = post.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| post(false))
    };
    let observer = js_sys::Reflect::get(&js_sys::global(), &"ResizeObserver".into())
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .and_then(|c| js_sys::Reflect::construct(&c, &js_sys::Array::of1(on_resize.as_ref())).ok());
    if let Some(observer) = observer {
        if let Some(observe) = js_sys::Reflect::get(&observer, &"observe".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        {
            let _ = observe.call1(&observer, &root);
        }
    }
    // The observer and its callback live as long as the page.
    on_resize.forget();
    // Listens as long as the page lives.
    let _ = window_event_listener_untyped("message", move |ev| {
        let data = js_sys::Reflect::get(&ev, &"data".into()).unwrap_or(JsValue::NULL);
        let source = js_sys::Reflect::get(&ev, &"source".into()).unwrap_or(JsValue::NULL);
        let asked = js_sys::Reflect::get(&data, &"type".into())
            .ok()
            .and_then(|t| t.as_string())
            .is_some_and(|t| t == ASK_MESSAGE);
        if asked && js_sys::Object::is(&source, &parent) {
            post(true);
        }
    });
}

/// The full page's URL for the current state: a share link without `embed`.
fn open_link(pg: Playground) -> (String, Option<String>) {
    let page = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let page = page.split('#').next().unwrap_or_default().to_string();
    match share::encode(&pg.share_state()) {
        Ok(f) => (format!("{page}#{f}"), None),
        Err(e) => (
            page,
            Some(format!(
                "Opens Routeplay without this experiment: {e}. Copy the prompt yourself."
            )),
        ),
    }
}

/// The compact layout an embed shows: prompt, decisions, then the signals collapsed.
#[component]
pub fn EmbedApp() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let embed = expect_context::<Embed>();
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        match root.get() {
            Some(el) => {
                follow_height(el.into());
                true
            }
            None => false,
        }
    });
    let read_only = move || embed.options.with(|o| o.read_only);
    // An embed shows the prompt, or the Audit view (`view=audit`, or a link made there).
    let audit = move || pg.view.get() == crate::state::View::Audit;
    let examples = move || embed.options.with(|o| o.show_examples());
    let ready = move || {
        !matches!(pg.load_catalog.get(), Load::Loading)
            && !matches!(pg.load_policies.get(), Load::Loading)
    };
    // The link tracks what it encodes, so it is always the current state.
    let link = Memo::new(move |_| {
        pg.prompt.track();
        pg.workspace.track();
        pg.audit.track();
        open_link(pg)
    });
    let status = move || {
        match pg.load_model.get() {
        Load::Loading => Some(view! { <span class="load loading" data-model="loading">"Loading classifier…"</span> }.into_any()),
        Load::Failed(e) => Some(view! { <span class="load failed" data-model="failed" title=e>"Classifier unavailable"</span> }.into_any()),
        Load::Ready(what) => Some(view! { <span class="sr-only" data-model="ready" title=what>"Classifier ready"</span> }.into_any()),
    }
    };
    // Policies the embed names that neither the presets nor the link provide.
    let missing = move || {
        if matches!(pg.load_policies.get(), Load::Loading) {
            return None;
        }
        let presets = pg.presets.get();
        let missing: Vec<String> = pg.workspace.with(|w| {
            w.selected
                .iter()
                .filter(|id| !presets.iter().chain(&w.policies).any(|p| &p.id == *id))
                .cloned()
                .collect()
        });
        (!missing.is_empty()).then(|| {
            format!(
                "This embed names {} this page does not have: {}.",
                if missing.len() == 1 {
                    "a policy"
                } else {
                    "policies"
                },
                missing.join(", ")
            )
        })
    };
    let summary = move || {
        pg.analysis.with(|a| {
            let s = &a.signals;
            let mut parts = Vec::new();
            if let Some(t) = &s.task {
                parts.push(t.label.replace('_', " "));
                parts.push(format!("complexity {:.2}", t.complexity));
            }
            parts.push(plural(s.cheap.tokens, "token"));
            parts.join(" · ")
        })
    };
    view! {
        <div class="app embed" node_ref=root data-ready=move || ready().to_string() data-view=move || if audit() { "audit" } else { "prompt" }
            data-readonly=move || read_only().to_string()>
            <header class="embed-bar">
                <h1 class="brand"><span class="logo" aria-hidden="true">"◆"</span>" Routeplay"</h1>
                {status}
                <a class="open-full" href=move || link.get().0 title=move || link.get().1 target="_blank" rel="noopener">
                    "Open in Routeplay"<span aria-hidden="true">" ↗"</span><span class="sr-only">" (new tab)"</span>
                </a>
            </header>
            <div class="embed-notices" aria-live="polite">
                <NoticeList />
                {move || missing().map(|m| view! { <div class="notice warning" role="alert" data-field="missing-policies"><span>{m}</span></div> })}
            </div>
            <main class="embed-main">
            <Show when=audit fallback=move || view! {
            <section class="embed-prompt" aria-label="Prompt">
                <label for="prompt" class="embed-label">{move || if read_only() { "Prompt (read-only)" } else { "Prompt" }}</label>
                <textarea
                    id="prompt"
                    rows="3"
                    spellcheck="false"
                    placeholder="Type or paste a prompt…"
                    readonly=read_only
                    prop:value=move || pg.prompt.get()
                    on:input=move |ev| pg.prompt.set(event_target_value(&ev))
                ></textarea>
                <Show when=examples>
                    <ExampleChips />
                </Show>
            </section>
            <h2 class="sr-only">"How this prompt is routed"</h2>
            <DecisionCards />
            <details class="embed-signals">
                <summary>"Signals"<span class="muted small" data-field="signals-summary">{summary}</span></summary>
                <SignalsPanel />
            </details>
            }>
                <AuditView />
            </Show>
            </main>
        </div>
    }
}
