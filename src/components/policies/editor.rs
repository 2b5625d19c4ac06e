//! The code editor: a text area with a line gutter marking the lines that have diagnostics.
//! The text area is created once per editor session, so typing (a rename included) never
//! loses the caret; the gutter follows the compiled policy.

use super::PoliciesCtx;
use crate::engine::Playground;
use leptos::prelude::*;
use routeplay_core::policy::char_offset;

/// Line height of the editor, in px (style/main.css: `font: 13px/20px`).
const LINE_PX: i32 = 20;

/// Puts the caret at 1-based `line:column` of the editor (selecting up to `end` when given),
/// scrolls it into view and focuses the editor.
pub fn jump(ctx: &PoliciesCtx, line: usize, column: usize, end: Option<(usize, usize)>) {
    let Some(ta) = ctx.textarea.get_untracked() else {
        return;
    };
    let text = ta.value();
    let Some(start) = char_offset(&text, line, column).or_else(|| char_offset(&text, line, 1))
    else {
        return;
    };
    let stop = end
        .and_then(|(l, c)| char_offset(&text, l, c))
        .filter(|&s| s >= start)
        .unwrap_or(start);
    // Selection offsets count UTF-16 units in the DOM.
    let utf16 =
        |chars: usize| -> u32 { text.chars().take(chars).map(|c| c.len_utf16() as u32).sum() };
    let _ = ta.focus();
    let _ = ta.set_selection_range(utf16(start), utf16(stop));
    let top = (line as i32 - 4).max(0) * LINE_PX;
    ta.set_scroll_top(top);
}

/// Replaces the editor's whole text (a quick fix), saves it, and puts the caret at `caret`
/// (a 1-based line:column) in the new text.
pub fn replace_text(ctx: &PoliciesCtx, pg: Playground, text: String, caret: (usize, usize)) {
    if let Some(ta) = ctx.textarea.get_untracked() {
        ta.set_value(&text);
    }
    ctx.save_source(pg, text);
    jump(ctx, caret.0, caret.1, None);
}

/// The editor of the open policy.
#[component]
pub fn CodeEditor(initial: String, builtin: bool) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let ctx = expect_context::<PoliciesCtx>();
    let gutter_ref = NodeRef::<leptos::html::Div>::new();
    let gutter = move || {
        let (lines, marks) = ctx.compiled.with(|c| match c {
            Some(c) => (
                c.source.lines().count().max(1) + usize::from(c.source.ends_with('\n')),
                c.diagnostics
                    .iter()
                    .map(|d| (d.line, d.is_error()))
                    .collect::<Vec<_>>(),
            ),
            None => (1, Vec::new()),
        });
        (1..=lines)
            .map(|n| {
                let err = marks.iter().any(|&(l, e)| l == n && e);
                let warn = !err && marks.iter().any(|&(l, _)| l == n);
                view! { <div class="ln" class:err=err class:warn=warn>{n}</div> }
            })
            .collect_view()
    };
    let on_input = move |ev: leptos::ev::Event| {
        ctx.save_source(pg, event_target_value(&ev));
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        if let (Some(t), Some(g)) = (
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
            gutter_ref.get(),
        ) {
            g.set_scroll_top(t.scroll_top());
        }
    };
    view! {
        <div class="code-editor">
            <div class="gutter" node_ref=gutter_ref aria-hidden="true">{gutter}</div>
            <textarea
                class="code"
                aria-label="Policy source"
                aria-describedby="diag-status"
                spellcheck="false"
                readonly=builtin
                node_ref=ctx.textarea
                prop:value=initial
                on:input=on_input
                on:scroll=on_scroll
            ></textarea>
        </div>
    }
}
