//! The policy language's reference, drawn from the core's own lists
//! (`routeplay_core::policy::reference`): signals, objectives, fields, functions, task types.
//! Searchable; each section has an anchor the diagnostics link to.

use super::PoliciesCtx;
use leptos::prelude::*;
use routeplay_core::policy::reference::{self as r, Entry, Section};

/// The element id of a section.
fn section_id(s: Section) -> String {
    format!("ref-{}", s.anchor())
}

/// Opens the reference at section `s` and moves focus to its heading.
pub fn open_section(ctx: &PoliciesCtx, s: Section) {
    ctx.reference_open.set(true);
    let id = section_id(s);
    request_animation_frame(move || {
        let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
        else {
            return;
        };
        el.scroll_into_view();
        if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = h.focus();
        }
    });
}

/// One row: name, kind, meaning.
#[derive(Clone)]
struct Row {
    name: String,
    kind: String,
    doc: String,
}

fn rows_of(entries: &[Entry], prefix: &str) -> Vec<Row> {
    entries
        .iter()
        .map(|e| Row {
            name: format!("{prefix}{}", e.name),
            kind: e.kind.to_string(),
            doc: e.doc.to_string(),
        })
        .collect()
}

/// Every section's rows, from the core's lists.
fn sections() -> Vec<(Section, Vec<Row>)> {
    let signals = r::signals()
        .iter()
        .map(|v| Row {
            name: v.name.to_string(),
            kind: v.type_name.to_string(),
            doc: v.doc.to_string(),
        })
        .collect();
    let mut fields = rows_of(&r::POLICY_FIELDS, "");
    fields.extend(rows_of(&r::RULE_FIELDS, "rule."));
    fields.extend(rows_of(&r::FILTER_FIELDS, "").into_iter().map(|row| Row {
        kind: format!("{} · in a rule or [constraints]", row.kind),
        ..row
    }));
    fields.extend(rows_of(&r::WEIGHT_FIELDS, "weights."));
    fields.extend(rows_of(&r::ARM_FIELDS, "split[]."));
    let functions = r::functions()
        .iter()
        .map(|f| Row {
            name: f.to_string(),
            kind: "function".into(),
            doc: String::new(),
        })
        .chain(r::MACROS.iter().map(|m| Row {
            name: m.to_string(),
            kind: "macro".into(),
            doc: String::new(),
        }))
        .collect();
    let values = r::task_types()
        .iter()
        .map(|t| Row {
            name: format!("\"{t}\""),
            kind: "task type".into(),
            doc: format!("task == \"{t}\", scores.{t}"),
        })
        .chain(r::capabilities().iter().map(|c| Row {
            name: format!("\"{c}\""),
            kind: "capability".into(),
            doc: format!("require = [\"{c}\"]"),
        }))
        .collect();
    vec![
        (Section::Signals, signals),
        (Section::Objectives, rows_of(&r::OBJECTIVES, "")),
        (Section::Fields, fields),
        (Section::Functions, functions),
        (Section::Values, values),
    ]
}

/// The reference panel.
#[component]
pub fn Reference() -> impl IntoView {
    let ctx = expect_context::<PoliciesCtx>();
    let query = RwSignal::new(String::new());
    let all = sections();
    let body = move || {
        let q = query.get().trim().to_lowercase();
        let matches = |row: &Row| {
            q.is_empty()
                || row.name.to_lowercase().contains(&q)
                || row.doc.to_lowercase().contains(&q)
                || row.kind.to_lowercase().contains(&q)
        };
        let shown: Vec<(Section, Vec<Row>)> = all
            .iter()
            .map(|(s, rows)| (*s, rows.iter().filter(|r| matches(r)).cloned().collect()))
            .collect();
        let total: usize = shown.iter().map(|(_, r)| r.len()).sum();
        view! {
            {(total == 0).then(|| view! { <p class="muted small">"Nothing in the reference matches."</p> })}
            {shown.into_iter().filter(|(_, rows)| !rows.is_empty()).map(|(s, rows)| view! {
                <section class="ref-section" aria-labelledby=section_id(s)>
                    <h3 id=section_id(s) tabindex="-1">{s.title()}</h3>
                    <dl class="ref-list">
                        {rows.into_iter().map(|row| {
                            let key = row.name.replace('"', "");
                            view! {
                                <div class="ref-entry" data-name=key>
                                    <dt><code>{row.name}</code>" "<span class="ref-kind">{row.kind}</span></dt>
                                    {(!row.doc.is_empty()).then(|| view! { <dd>{row.doc}</dd> })}
                                </div>
                            }
                        }).collect_view()}
                    </dl>
                </section>
            }).collect_view()}
        }
    };
    view! {
        <details class="panel policy-reference" id="policy-reference" prop:open=move || ctx.reference_open.get()
            on:toggle=move |ev| {
                let open = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()).map(|d| d.has_attribute("open"));
                if let Some(o) = open { if o != ctx.reference_open.get_untracked() { ctx.reference_open.set(o); } }
            }>
            <summary><h2>"Policy language reference"</h2><span class="muted small">" signals, objectives, fields, functions"</span></summary>
            <div class="ref-search">
                <label for="ref-q" class="small">"Search"</label>
                <input id="ref-q" type="search" placeholder="e.g. quality, tokens, deny" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
            </div>
            <nav class="ref-nav small" aria-label="Reference sections">
                {Section::ALL.into_iter().map(|s| view! { <button class="link" on:click=move |_| open_section(&ctx, s)>{s.title()}</button> }).collect_view()}
            </nav>
            {body}
        </details>
    }
}
