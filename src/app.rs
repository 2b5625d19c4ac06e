//! The page: state shared between panels, and their layout.

use crate::components::{prompt_editor::PromptEditor, signals_panel::SignalsPanel};
use leptos::prelude::*;
use routeplay_core::signals::CheapSignals;

/// The whole playground.
#[component]
pub fn App() -> impl IntoView {
    let prompt = RwSignal::new(String::new());
    let signals = Memo::new(move |_| prompt.with(|p| CheapSignals::compute(p)));

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"◆"</span>
                <span class="name">"Routeplay"</span>
            </div>
            <p class="tagline">"See how a prompt gets routed — computed in your browser, no server."</p>
        </header>
        <main class="layout" data-ready="true">
            <PromptEditor prompt=prompt />
            <SignalsPanel signals=signals />
        </main>
    }
}
