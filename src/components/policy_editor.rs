//! The policy editor: every policy in a list, the selected one in an editor whose diagnostics
//! are shown at their line as the user types.

use crate::engine::Playground;
use crate::files;
use crate::saving::Saving;
use crate::state::storage::MAX_BACKUPS;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::policy::{Diagnostic, MAX_POLICY_BYTES};
use routeplay_core::share::kb;

const NEW_POLICY: &str = r#"# A new policy. Rules are tried in order; the first whose condition holds chooses.
name = "my-policy"
description = "Describe what this policy is for."

[[rule]]
name = "hard prompts"
when = 'complexity > 0.7'
candidates = ["claude-opus-5", "gpt-5.5", "gemini-3.1-pro-preview"]
objective = "best_quality"
fallback_count = 2

# Used when no rule above matches.
[default]
candidates = ["gpt-5-mini", "gemini-2.5-flash", "claude-haiku-4.5"]
objective = "cheapest"
min_quality = 60
"#;

/// The policies view.
#[component]
pub fn PolicyEditor() -> impl IntoView {
    let pg = expect_context::<Playground>();
    // Edit the first user policy, else show the first preset.
    let current = Memo::new(move |_| {
        let all = pg.compiled.get();
        let want = pg.editing.get();
        want.and_then(|id| all.iter().find(|c| c.id == id).cloned())
            .or_else(|| all.iter().find(|c| !c.builtin).cloned())
            .or_else(|| all.first().cloned())
            .map(|c| (c.id.clone(), c.builtin))
    });
    let compiled_current = move || {
        let (id, _) = current.get()?;
        pg.compiled
            .with(|all| all.iter().find(|c| c.id == id).cloned())
    };

    let presets_now = move || pg.presets.get_untracked();
    let new_policy = move |_| {
        let id = pg
            .workspace
            .try_update(|w| w.add_policy("my-policy", NEW_POLICY.to_string(), &presets_now()));
        pg.editing.set(id);
    };
    let copy_current = move |_| {
        let Some(c) = compiled_current() else { return };
        let source = c.source.replace(
            &format!("name = \"{}\"", c.name()),
            &format!("name = \"{}-copy\"", c.name()),
        );
        let id = pg
            .workspace
            .try_update(|w| w.add_policy(&format!("{}-copy", c.id), source, &presets_now()));
        pg.editing.set(id);
    };
    let delete_current = move |_| {
        if let Some((id, false)) = current.get_untracked() {
            pg.workspace.update(|w| w.remove_policy(&id));
            pg.editing.set(None);
        }
    };
    let download_current = move |_| {
        if let Some(c) = compiled_current() {
            files::download(&format!("{}.toml", c.id), "application/toml", &c.source);
        }
    };
    let upload_error = RwSignal::new(None::<String>);
    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = files::first_file(&ev) else {
            return;
        };
        upload_error.set(None);
        let name = file.name();
        if file.size() > MAX_POLICY_BYTES as f64 {
            upload_error.set(Some(format!(
                "{name} was not added: it is {} and a policy file may be at most {}.",
                kb(file.size() as usize),
                kb(MAX_POLICY_BYTES)
            )));
            return;
        }
        spawn_local(async move {
            let text = match files::read_text(&file).await {
                Ok(t) => t,
                Err(e) => {
                    upload_error.set(Some(format!("{name} was not added: {e}.")));
                    return;
                }
            };
            if text.contains('\0') || text.contains('\u{FFFD}') {
                upload_error.set(Some(format!(
                    "{name} was not added: it is not a UTF-8 text file (a policy is TOML text)."
                )));
                return;
            }
            let base = name
                .trim_end_matches(".toml")
                .trim_end_matches(".txt")
                .to_string();
            let id = pg
                .workspace
                .try_update(|w| w.add_policy(&base, text, &presets_now()));
            pg.editing.set(id);
        });
    };

    let list = move || {
        pg.compiled.get().iter().map(|c| {
            let id = c.id.clone();
            let id2 = id.clone();
            let active = Signal::derive(move || current.get().map(|(cur, _)| cur == id2).unwrap_or(false));
            let errors = c.errors();
            let warnings = c.diagnostics.len() - errors;
            let data_id = id.clone();
            view! {
                <li>
                    <button class="policy-item" class:active=active aria-current=move || active.get().then_some("true") data-policy=data_id on:click=move |_| pg.editing.set(Some(id.clone()))>
                        <span>{c.id.clone()}</span>
                        {if c.builtin { view! { <span class="tag">"preset"</span> }.into_any() } else { view! { <span class="tag user">"yours"</span> }.into_any() }}
                        {(errors > 0).then(|| view! { <span class="badge error">{format!("{errors} error{}", if errors == 1 { "" } else { "s" })}</span> })}
                        {(warnings > 0).then(|| view! { <span class="badge warn">{format!("{warnings} warning{}", if warnings == 1 { "" } else { "s" })}</span> })}
                    </button>
                </li>
            }
        }).collect_view()
    };

    view! {
        <div class="policies-layout">
            <section class="panel policy-list" aria-labelledby="plist-title">
                <h2 id="plist-title">"Policies"</h2>
                <ul class="plain">{list}</ul>
                <div class="row wrap">
                    <button class="primary" on:click=new_policy>"New policy"</button>
                    <label class="button">"Upload .toml"<input type="file" accept=".toml,text/plain" class="sr-only" on:change=upload /></label>
                </div>
                {move || upload_error.get().map(|e| view! { <p class="error small" role="alert" id="upload-error">{e}</p> })}
                <p class="muted small">"Your policies are saved in this browser and travel in share links."</p>
                <Backups />
            </section>
            <section class="panel policy-edit" aria-labelledby="pedit-title">
                {move || match (pg.reloads.get(), current.get()).1 {
                    None => view! { <p class="muted">"Loading policies…"</p> }.into_any(),
                    Some((id, builtin)) => view! {
                        <div class="panel-head">
                            <h2 id="pedit-title">{id.clone()}</h2>
                            <div class="row wrap">
                                {builtin.then(|| view! { <span class="muted small">"Presets are read-only."</span> })}
                                <button on:click=copy_current>{if builtin { "Edit a copy" } else { "Duplicate" }}</button>
                                <button on:click=download_current>"Download"</button>
                                {(!builtin).then(|| view! { <button class="danger" on:click=delete_current>"Delete"</button> })}
                            </div>
                        </div>
                        <CodeEditor id=id builtin=builtin />
                    }.into_any(),
                }}
            </section>
        </div>
    }
}

/// The workspace's backups (kept when storage held something this tab could not keep: an
/// unreadable workspace, another tab's save, the workspace before a restore), each restorable.
#[component]
fn Backups() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let saving = expect_context::<Saving>();
    let when = |ms: f64| {
        if ms <= 0.0 {
            return "earlier".to_string();
        }
        String::from(
            js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms))
                .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED),
        )
    };
    view! {
        <details class="backups" open=move || !saving.backups.with(|b| b.is_empty())>
            <summary>{move || format!("Backups ({})", saving.backups.with(|b| b.len()))}</summary>
            <p class="muted small">{format!(
                "Kept in this browser when something would otherwise be overwritten: the {MAX_BACKUPS} newest stay. Restoring one keeps the current workspace as a backup."
            )}</p>
            <ul class="plain backup-list">
                {move || saving.backups.get().into_iter().map(|b| {
                    let key = b.key.clone();
                    view! {
                        <li class="backup" data-backup=b.key.clone()>
                            <div class="small"><strong>{when(b.at_ms)}</strong>" — "{b.reason}</div>
                            <div class="small muted">{b.summary}</div>
                            <button class="small" on:click=move |_| saving.restore(pg, &key)>"Restore"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}

/// A text area with a line gutter; lines with diagnostics are marked in the gutter and the
/// diagnostics are listed beneath with line:column. The text area is created once per policy,
/// so typing never loses the caret; gutter and diagnostics follow the compiled policy.
#[component]
fn CodeEditor(id: String, builtin: bool) -> impl IntoView {
    let pg = expect_context::<Playground>();
    let key = id.clone();
    let compiled = Signal::derive(move || {
        pg.compiled
            .with(|all| all.iter().find(|c| c.id == key).cloned())
    });
    let initial = compiled
        .get_untracked()
        .map(|c| c.source)
        .unwrap_or_default();
    let diags = Signal::derive(move || compiled.get().map(|c| c.diagnostics).unwrap_or_default());
    let gutter_ref = NodeRef::<leptos::html::Div>::new();
    let gutter = move || {
        let (lines, marks) = compiled.with(|c| match c {
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
        let text = event_target_value(&ev);
        pg.workspace.update(|w| w.set_source(&id, text));
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
    let errors = move || diags.with(|d| d.iter().filter(|d| d.is_error()).count());
    let status = move || {
        let (e, n) = (errors(), diags.with(|d| d.len()));
        if e > 0 {
            format!("{e} error(s) — this policy cannot route until fixed")
        } else if n == 0 {
            "No problems".to_string()
        } else {
            format!("{n} warning(s)")
        }
    };
    view! {
        <div class="code-editor">
            <div class="gutter" node_ref=gutter_ref aria-hidden="true">{gutter}</div>
            <textarea
                class="code"
                aria-label="Policy source"
                spellcheck="false"
                readonly=builtin
                prop:value=initial
                on:input=on_input
                on:scroll=on_scroll
            ></textarea>
        </div>
        <div class="diag-status" class:ok=move || errors() == 0 data-errors=move || errors().to_string()>{status}</div>
        <ul class="diagnostics plain" aria-label="Diagnostics">
            {move || diags.get().into_iter().map(|d| view! { <DiagnosticRow d=d /> }).collect_view()}
        </ul>
    }
}

#[component]
fn DiagnosticRow(d: Diagnostic) -> impl IntoView {
    let cls = if d.is_error() {
        "diag error"
    } else {
        "diag warn"
    };
    view! {
        <li class=cls data-line=d.line.to_string() data-code=d.code>
            <span class="loc">{format!("{}:{}", d.line, d.column)}</span>
            <span class="msg">{d.message.clone()}</span>
            {d.help.clone().map(|h| view! { <span class="help">{h}</span> })}
            <span class="code-kind">{d.code}</span>
        </li>
    }
}
