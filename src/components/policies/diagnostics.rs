//! The open policy's diagnostics: a status line, then one row per problem. A row's location is
//! a button that puts the caret there; a known fix is a button that applies it; a problem the
//! reference explains links to its section.

use super::editor::{jump, replace_text};
use super::reference::open_section;
use super::PoliciesCtx;
use crate::engine::Playground;
use leptos::prelude::*;
use routeplay_core::format::plural;
use routeplay_core::policy::{reference::Section, Diagnostic};

/// The status line and the list of diagnostics.
#[component]
pub fn Diagnostics() -> impl IntoView {
    let ctx = expect_context::<PoliciesCtx>();
    let diags = Signal::derive(move || {
        ctx.compiled.with(|c| {
            c.as_ref()
                .map(|c| c.diagnostics.clone())
                .unwrap_or_default()
        })
    });
    let errors = move || diags.with(|d| d.iter().filter(|d| d.is_error()).count());
    let status = move || {
        let (e, n) = (errors(), diags.with(|d| d.len()));
        if e > 0 {
            format!(
                "{} — this policy cannot route until fixed",
                plural(e, "error")
            )
        } else if n == 0 {
            "No problems".to_string()
        } else {
            plural(n, "warning")
        }
    };
    view! {
        <div id="diag-status" class="diag-status" class:ok=move || errors() == 0 data-errors=move || errors().to_string()>{status}</div>
        <ul class="diagnostics plain" aria-label="Diagnostics">
            {move || diags.get().into_iter().map(|d| view! { <DiagnosticRow d=d /> }).collect_view()}
        </ul>
    }
}

#[component]
fn DiagnosticRow(d: Diagnostic) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let ctx = expect_context::<PoliciesCtx>();
    let cls = if d.is_error() {
        "diag error"
    } else {
        "diag warn"
    };
    let (line, column, end) = (d.line, d.column, (d.end_line, d.end_column));
    let go = move |_| jump(&ctx, line, column, Some(end));
    let read_only = ctx.current.get_untracked().is_some_and(|c| c.1);
    let fix = d.fix.clone().filter(|_| !read_only).map(|fix| {
        let label = fix.label.clone();
        let apply = move |_| {
            let Some(source) = ctx.compiled.get_untracked().map(|c| c.source) else {
                return;
            };
            if let Some(text) = fix.apply(&source) {
                let caret = (fix.line, fix.column + fix.replacement.chars().count());
                replace_text(&ctx, pg, text, caret);
            }
        };
        view! { <button class="small fix" data-action="fix" on:click=apply>{label}</button> }
    });
    let section = d
        .reference
        .and_then(|a| Section::ALL.into_iter().find(|s| s.anchor() == a));
    let reference = section.map(|s| {
        view! {
            <button class="link small" data-action="reference" on:click=move |_| open_section(&ctx, s)>
                {format!("Reference: {}", s.title())}
            </button>
        }
    });
    view! {
        <li class=cls data-line=d.line.to_string() data-code=d.code>
            <button class="loc link" title="Put the caret here" aria-label=format!("Go to line {}, column {}", d.line, d.column) on:click=go>
                {format!("{}:{}", d.line, d.column)}
            </button>
            <span class="msg">{d.message.clone()}</span>
            <span class="code-kind">{d.code}</span>
            {d.help.clone().map(|h| view! { <span class="help">{h}</span> })}
            {(fix.is_some() || reference.is_some()).then(|| view! { <span class="diag-actions">{fix}{reference}</span> })}
        </li>
    }
}
