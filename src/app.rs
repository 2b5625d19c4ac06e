//! The page: creates the shared state, syncs it with storage and the URL, lays out the views.

use crate::assets;
use crate::components::{
    audit::AuditView, batch_view::BatchView, catalog_view::CatalogView,
    conversation_view::ConversationView, decision_cards::DecisionCards, export_panel::ExportPanel,
    live_run::LivePanel, policies::PolicyEditor, policy_picker::PolicyPicker,
    prompt_editor::PromptEditor, share_bar::ShareBar, signals_panel::SignalsPanel,
    train_panel::TrainPanel,
};
use crate::embed::{Embed, EmbedApp};
use crate::engine::{Load, Playground};
use crate::saving::Saving;
use crate::state::{share, Notice, View, Workspace};
use leptos::prelude::*;

/// The presets selected on a first visit.
pub const DEFAULT_SELECTION: [&str; 3] = ["cost-saver", "task-specialist", "quality-first"];

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Drops the imported share link from the address bar (keeping `#embed` and other options),
/// so a reload does not import it again.
fn clear_share_fragment() {
    let Some(w) = web_sys::window() else { return };
    let rest = share::without_payload(&fragment());
    let loc = w.location();
    let url = if rest.is_empty() {
        format!(
            "{}{}",
            loc.pathname().unwrap_or_default(),
            loc.search().unwrap_or_default()
        )
    } else {
        format!("#{rest}")
    };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The whole playground.
#[component]
pub fn App() -> impl IntoView {
    // An embed (`#embed`) keeps everything in memory and shows the compact layout.
    let embed = Embed::at_load(&fragment());
    let (workspace, saving) = Saving::load(Workspace::new(&DEFAULT_SELECTION), embed.on);
    let pg = Playground::new(workspace);
    provide_context(pg);
    provide_context(saving);

    // The URL fragment: embed mode and share links, now and whenever it changes (a link
    // pasted into this tab's address bar).
    let open_fragment = move |frag: String, first: bool| {
        if embed.reloads_for(&frag) {
            return;
        }
        pg.embed.set(share::is_embed(&frag));
        match embed.opening_state(&frag, saving, share::decode(&frag)) {
            Ok(Some(s)) => {
                // Wait for the presets, so a shared policy never hides behind a preset's id.
                let pending = StoredValue::new(Some(s));
                Effect::new(move |_| {
                    if matches!(pg.load_policies.get(), Load::Loading)
                        || matches!(pg.load_catalog.get(), Load::Loading)
                    {
                        return;
                    }
                    if let Some(s) = pending.try_update_value(Option::take).flatten() {
                        saving.notify(pg.apply_share(s));
                        clear_share_fragment();
                    }
                });
            }
            Ok(None) if first => pg
                .prompt
                .set(crate::components::prompt_editor::EXAMPLES[0].1.to_string()),
            Ok(None) => {}
            Err(e) => saving.notify(vec![Notice::warning(format!(
                "This link could not be opened: {e}."
            ))]),
        }
    };
    open_fragment(fragment(), true);
    let owner = Owner::current();
    let hash_listener = window_event_listener(leptos::ev::hashchange, move |_| match &owner {
        Some(o) => o.with(|| open_fragment(fragment(), false)),
        None => open_fragment(fragment(), false),
    });
    on_cleanup(move || hash_listener.remove());
    assets::load_all(pg);
    saving.watch(pg);

    let ready = move || {
        !matches!(pg.load_catalog.get(), Load::Loading)
            && !matches!(pg.load_policies.get(), Load::Loading)
    };
    let view = move || pg.view.get();
    let embed_class = move || pg.embed.get();

    if embed.on {
        return view! { <EmbedApp /> }.into_any();
    }
    view! {
        <div class="app" class:embed=embed_class data-ready=move || ready().to_string() data-view=move || format!("{:?}", view()).to_lowercase()>
            <header class="topbar">
                <h1 class="brand">
                    <span class="logo" aria-hidden="true">"◆"</span>
                    <span class="name">"Routeplay"</span>
                </h1>
                <p class="tagline">"How would this prompt be routed? Computed in your browser — no server."</p>
                <div class="topbar-actions">
                    <ShareBar />
                    <ThemeToggle />
                </div>
            </header>
            <nav class="tabs" aria-label="Views">
                {View::ALL.into_iter().map(|v| view! {
                    <button
                        class="tab"
                        class:active=move || pg.view.get() == v
                        aria-pressed=move || (pg.view.get() == v).to_string()
                        data-view=format!("{v:?}").to_lowercase()
                        on:click=move |_| pg.view.set(v)
                    >{v.label()}</button>
                }).collect_view()}
                <LoadStatus />
            </nav>
            <div class="notices" aria-live="polite">
                <NoticeList />
            </div>
            <main class="views">
                <div class="view view-prompt" hidden=move || view() != View::Prompt>
                    <div class="prompt-layout">
                        <div class="col">
                            <PromptEditor />
                            <SignalsPanel />
                        </div>
                        <div class="col col-wide">
                            <PolicyPicker />
                            <ConversationView />
                            <DecisionCards />
                        </div>
                    </div>
                </div>
                <div class="view" hidden=move || view() != View::Batch>{once_shown(pg, View::Batch, || view! { <BatchView /> })}</div>
                <div class="view" hidden=move || view() != View::Policies>{once_shown(pg, View::Policies, || view! { <PolicyEditor /> })}</div>
                <div class="view" hidden=move || view() != View::Catalog>{once_shown(pg, View::Catalog, || view! { <CatalogView /> })}</div>
                // Built at start like before: the live-run tests (and docs/live-runs.md) expect
                // the panel in the page while its tab is hidden.
                <div class="view" hidden=move || view() != View::Live>
                    <LivePanel />
                </div>
                <div class="view" hidden=move || view() != View::Export>{once_shown(pg, View::Export, || view! { <ExportPanel /> })}</div>
                <div class="view" hidden=move || view() != View::Train>{once_shown(pg, View::Train, || view! { <TrainPanel /> })}</div>
                <div class="view" hidden=move || view() != View::Audit>{once_shown(pg, View::Audit, || view! { <AuditView /> })}</div>
            </main>
            <footer class="footer">
                "Estimates from "<button class="link" on:click=move |_| pg.view.set(View::Catalog)>"the model catalog"</button>
                " (sources and dates per figure). Prompts never leave this page unless you run them live."
            </footer>
        </div>
    }
    .into_any()
}

/// A view's content, built the first time the view is shown and kept from then on (its state
/// survives switching tabs): start-up builds only the view the page opens on, so the first
/// decision does not wait for the hidden views to be built and to compute (the Export
/// view's lowering alone took ~90 ms of start-up).
fn once_shown<V: IntoView + 'static>(
    pg: Playground,
    v: View,
    make: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let shown =
        Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || pg.view.get() == v);
    move || shown.get().then(&make)
}

/// The notices (saved, not saved, links opened, ...), each with a Dismiss button: the full page
/// and the embed.
#[component]
pub fn NoticeList() -> impl IntoView {
    let saving = expect_context::<Saving>();
    move || {
        saving
            .notices
            .get()
            .into_iter()
            .map(|n| {
                let text = n.text.clone();
                view! {
                    <div class="notice" class:warning=n.warning role={if n.warning { "alert" } else { "status" }}>
                        <span>{n.text}</span>
                        <button class="link" on:click=move |_| saving.notices.update(|all| all.retain(|m| m.text != text))>"Dismiss"</button>
                    </div>
                }
            })
            .collect_view()
    }
}

/// What is still loading, or failed.
#[component]
fn LoadStatus() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let model = move || {
        match pg.load_model.get() {
        Load::Loading => view! { <span class="load loading" data-model="loading">"Loading classifier…"</span> }.into_any(),
        Load::Ready(what) => match pg.custom_classifier.get() {
            // Said on every view: decisions and batch runs use your own model.
            Some(c) => view! { <button class="link load ready" data-model="ready" data-custom-model=c.name.clone() on:click=move |_| pg.view.set(View::Train)>{format!("Your classifier “{}” in use", c.name)}</button> }.into_any(),
            None => view! { <span class="load ready" data-model="ready" title=what>"Classifier ready"</span> }.into_any(),
        },
        Load::Failed(e) => view! { <span class="load failed" data-model="failed" title=e.clone()>"Classifier unavailable — using cheap signals only"</span> }.into_any(),
    }
    };
    let other = move || {
        [
            ("Catalog", pg.load_catalog.get()),
            ("Policies", pg.load_policies.get()),
        ]
        .into_iter()
        .filter_map(|(name, l)| match l {
            Load::Failed(e) => {
                Some(view! { <span class="load failed">{format!("{name} failed: {e}")}</span> })
            }
            _ => None,
        })
        .collect_view()
    };
    view! { <div class="load-status" aria-live="polite">{model}{other}</div> }
}

/// Light / dark / system theme switch, remembered on this device.
#[component]
fn ThemeToggle() -> impl IntoView {
    let stored = storage().and_then(|s| s.get_item("routeplay.theme").ok().flatten());
    let theme = RwSignal::new(stored.unwrap_or_else(|| "system".into()));
    Effect::new(move |_| {
        let t = theme.get();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = if t == "system" {
                root.remove_attribute("data-theme")
            } else {
                root.set_attribute("data-theme", &t)
            };
        }
        // A theme that cannot be remembered loses no work: ignoring a refused write is fine.
        if let Some(s) = storage() {
            let _ = s.set_item("routeplay.theme", &t);
        }
    });
    view! {
        <label class="theme">
            <span class="sr-only">"Theme"</span>
            <select aria-label="Theme" prop:value=move || theme.get() on:change=move |ev| theme.set(event_target_value(&ev))>
                <option value="system">"System theme"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </label>
    }
}
