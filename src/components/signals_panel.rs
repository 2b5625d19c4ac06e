//! The signals of the current prompt.

use leptos::prelude::*;
use routeplay_core::signals::CheapSignals;

/// Shows the cheap signals of the prompt.
#[component]
pub fn SignalsPanel(signals: Memo<CheapSignals>) -> impl IntoView {
    let tokens = move || signals.with(|s| s.tokens.to_string());
    let chars = move || signals.with(|s| s.chars.to_string());
    let code = move || signals.with(|s| if s.has_code { "yes" } else { "no" });
    let language = move || {
        signals.with(|s| match &s.language {
            Some(l) => format!("{} ({:.0}%)", l.name, l.confidence * 100.0),
            None => "—".to_string(),
        })
    };
    let pii = move || {
        signals.with(|s| {
            if s.pii.is_empty() {
                "none".to_string()
            } else {
                s.pii
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        })
    };
    view! {
        <section class="panel signals-panel" aria-labelledby="signals-title">
            <h2 id="signals-title">"Signals"</h2>
            <dl class="signal-grid">
                <div class="signal"><dt>"Tokens (est.)"</dt><dd data-signal="tokens">{tokens}</dd></div>
                <div class="signal"><dt>"Characters"</dt><dd data-signal="chars">{chars}</dd></div>
                <div class="signal"><dt>"Contains code"</dt><dd data-signal="has_code">{code}</dd></div>
                <div class="signal"><dt>"Language"</dt><dd data-signal="language">{language}</dd></div>
                <div class="signal"><dt>"Personal data"</dt><dd data-signal="pii">{pii}</dd></div>
            </dl>
        </section>
    }
}
