//! The Policies view: every policy in a list; the open one in an editor with clickable
//! diagnostics and quick fixes; its decision on the current prompt, live; a before/after run
//! over the prompt set; and the reference of the policy language.
//!
//! The rules (names are identities, upload conflicts, delete and undo) live in
//! [`crate::state::workspace`]; these components draw them and call them.

mod compare;
mod diagnostics;
mod editor;
mod live;
mod reference;

use crate::engine::{Compiled, Playground};
use crate::files;
use crate::saving::Saving;
use crate::state::storage::MAX_BACKUPS;
use crate::state::workspace::{Conflict, Removed, Upload, UploadChoice};
use crate::state::Notice;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::format::plural;
use routeplay_core::policy::MAX_POLICY_BYTES;
use routeplay_core::share::kb;
use std::collections::BTreeMap;

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

/// The version of a policy its edits are compared against: its source when it was opened in
/// the editor this session (or when the author last chose "Compare from here").
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// The source.
    pub source: String,
    /// When it was taken (ms since the epoch, for "opened at 17:42").
    pub at_ms: f64,
    /// Why it is the baseline ("opened" or "marked").
    pub how: &'static str,
}

/// State the parts of the Policies view share.
#[derive(Clone, Copy)]
pub struct PoliciesCtx {
    /// The open policy: (id, preset?).
    pub current: Memo<Option<(String, bool)>>,
    /// The open policy, compiled.
    pub compiled: Signal<Option<Compiled>>,
    /// Baselines per policy id (this session only).
    pub baselines: RwSignal<BTreeMap<String, Baseline>>,
    /// The editor's text area (for caret jumps and fixes).
    pub textarea: NodeRef<leptos::html::Textarea>,
    /// Renames made by typing, not yet seen by the editor session (so a rename keeps the caret).
    pub renames: StoredValue<Vec<(String, String)>>,
    /// The reference panel is open.
    pub reference_open: RwSignal<bool>,
}

impl PoliciesCtx {
    /// Saves `text` as the open policy's source; a new declared name renames it (the
    /// selection, the editor and its baseline follow).
    pub fn save_source(&self, pg: Playground, text: String) {
        let Some((id, false)) = self.current.get_untracked() else {
            return;
        };
        let presets = pg.presets.get_untracked();
        let edit = pg
            .workspace
            .try_update(|w| w.set_source(&id, text, &presets));
        if let Some(crate::state::workspace::SourceEdit::Renamed { from, to }) = edit {
            self.renames
                .update_value(|r| r.push((from.clone(), to.clone())));
            self.baselines.update(|b| {
                if let Some(base) = b.remove(&from) {
                    b.insert(to.clone(), base);
                }
            });
            pg.editing.set(Some(to));
        }
    }
}

/// Milliseconds since the epoch.
fn epoch_ms() -> f64 {
    js_sys::Date::now()
}

/// "17:42" for a time in ms since the epoch.
pub(crate) fn clock(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The policies view.
#[component]
pub fn PolicyEditor() -> impl IntoView {
    let pg = expect_context::<Playground>();
    // Open the policy asked for, else the first user policy, else the first preset.
    let current = Memo::new(move |_| {
        let all = pg.compiled.get();
        let want = pg.editing.get();
        want.and_then(|id| all.iter().find(|c| c.id == id).cloned())
            .or_else(|| all.iter().find(|c| !c.builtin).cloned())
            .or_else(|| all.first().cloned())
            .map(|c| (c.id.clone(), c.builtin))
    });
    let compiled = Signal::derive(move || {
        let (id, _) = current.get()?;
        pg.compiled
            .with(|all| all.iter().find(|c| c.id == id).cloned())
    });
    let ctx = PoliciesCtx {
        current,
        compiled,
        baselines: RwSignal::new(BTreeMap::new()),
        textarea: NodeRef::new(),
        renames: StoredValue::new(Vec::new()),
        reference_open: RwSignal::new(false),
    };
    provide_context(ctx);

    // An editor session lasts while the same policy is open: a rename typed in the source
    // keeps it (and so the caret); opening another policy, or a workspace replaced from
    // outside, starts a new one.
    let opens = Memo::new(move |prev: Option<&(Option<String>, u32)>| {
        let cur = current.get().map(|c| c.0);
        match prev {
            None => (cur, 0),
            Some((p, n)) if *p == cur => (cur, *n),
            Some((p, n)) => {
                let renamed = match (p, &cur) {
                    (Some(a), Some(b)) => ctx
                        .renames
                        .with_value(|r| r.iter().any(|(f, t)| f == a && t == b)),
                    _ => false,
                };
                ctx.renames.update_value(|r| r.clear());
                (cur, if renamed { *n } else { n + 1 })
            }
        }
    });
    let session = Memo::new(move |_| (pg.reloads.get(), opens.with(|o| o.1)));

    let presets_now = move || pg.presets.get_untracked();
    let notice = RwSignal::new(None::<Notice>);
    let undo = RwSignal::new(None::<Removed>);
    let pending = RwSignal::new(None::<Upload>);

    let new_policy = move |_| {
        let id = pg
            .workspace
            .try_update(|w| w.new_policy(NEW_POLICY, &presets_now()));
        notice.set(None);
        undo.set(None);
        pg.editing.set(id);
    };
    let copy_current = move |_| {
        let Some(c) = compiled.get_untracked() else {
            return;
        };
        let id = pg
            .workspace
            .try_update(|w| w.duplicate(&c.id, &c.source, &presets_now()));
        pg.editing.set(id);
    };
    let delete_current = move |_| {
        if let Some((id, false)) = current.get_untracked() {
            let removed = pg.workspace.try_update(|w| w.remove_policy(&id)).flatten();
            if let Some(r) = removed {
                notice.set(Some(Notice::info(format!("Deleted “{id}”."))));
                undo.set(Some(r));
            }
            pg.editing.set(None);
        }
    };
    let undo_delete = move |_| {
        if let Some(r) = undo.get_untracked() {
            let id = pg.workspace.try_update(|w| w.restore(r, &presets_now()));
            if let Some(id) = &id {
                notice.set(Some(Notice::info(format!("Restored “{id}”."))));
            }
            undo.set(None);
            pg.editing.set(id);
        }
    };
    let download_current = move |_| {
        if let Some(c) = compiled.get_untracked() {
            files::download(&format!("{}.toml", c.id), "application/toml", &c.source);
        }
    };
    let finish = move |up: Upload, choice: UploadChoice| {
        pending.set(None);
        let result = pg
            .workspace
            .try_update(|w| w.finish_upload(up, choice, &presets_now()));
        if let Some((id, n)) = result {
            notice.set(Some(n));
            if id.is_some() {
                pg.editing.set(id);
            }
            if choice == UploadChoice::Replace {
                // The open editor may hold the replaced text: it re-reads the workspace.
                pg.reloads.update(|n| *n += 1);
            }
        }
    };
    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = files::first_file(&ev) else {
            return;
        };
        // The same file may be chosen again after a cancel.
        if let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        {
            input.set_value("");
        }
        pending.set(None);
        undo.set(None);
        let name = file.name();
        if file.size() > MAX_POLICY_BYTES as f64 {
            notice.set(Some(Notice::warning(format!(
                "{name} was not added: it is {} and a policy file may be at most {}.",
                kb(file.size() as usize),
                kb(MAX_POLICY_BYTES)
            ))));
            return;
        }
        spawn_local(async move {
            let text = match files::read_text(&file).await {
                Ok(t) => t,
                Err(e) => {
                    notice.set(Some(Notice::warning(format!("{name} was not added: {e}."))));
                    return;
                }
            };
            if text.contains('\0') || text.contains('\u{FFFD}') {
                notice.set(Some(Notice::warning(format!(
                    "{name} was not added: it is not a UTF-8 text file (a policy is TOML text)."
                ))));
                return;
            }
            let up = pg
                .workspace
                .with_untracked(|w| w.plan_upload(&name, text, &presets_now()));
            match up.conflict {
                None | Some(Conflict::Yours { identical: true }) => {
                    finish(up, UploadChoice::KeepBoth)
                }
                Some(_) => {
                    notice.set(None);
                    pending.set(Some(up));
                    // The question takes the focus, on its safe answer.
                    request_animation_frame(|| {
                        let button = web_sys::window()
                            .and_then(|w| w.document())
                            .and_then(|d| {
                                d.query_selector(".upload-conflict [data-choice=\"keep-both\"]")
                                    .ok()
                                    .flatten()
                            })
                            .and_then(|e| {
                                wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()
                            });
                        if let Some(b) = button {
                            let _ = b.focus();
                        }
                    });
                }
            }
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
                        <span class="policy-name">{c.id.clone()}</span>
                        {if c.builtin { view! { <span class="tag">"preset"</span> }.into_any() } else { view! { <span class="tag user">"yours"</span> }.into_any() }}
                        {(errors > 0).then(|| view! { <span class="badge error">{plural(errors, "error")}</span> })}
                        {(warnings > 0).then(|| view! { <span class="badge warn">{plural(warnings, "warning")}</span> })}
                    </button>
                </li>
            }
        }).collect_view()
    };

    let name_issue = move || {
        let (id, builtin) = current.get()?;
        if builtin {
            return None;
        }
        let presets = pg.presets.get();
        pg.workspace.with(|w| w.name_issue(&id, &presets))
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
                {move || pending.get().map(|up| {
                    let (up1, up2, up3) = (up.clone(), up.clone(), up.clone());
                    let preset = up.conflict == Some(Conflict::Preset);
                    let question = if preset {
                        format!("“{}” is the name of a preset, and presets cannot be replaced.", up.name)
                    } else {
                        format!("You already have a policy named “{}”, with different text.", up.name)
                    };
                    view! {
                        <div class="upload-conflict" role="alertdialog" aria-labelledby="upload-q" data-name=up.name.clone()>
                            <p id="upload-q"><strong>{question}</strong>" What should the upload do?"</p>
                            <div class="row wrap">
                                {(!preset).then(|| view! { <button class="danger" data-choice="replace" on:click=move |_| finish(up1.clone(), UploadChoice::Replace)>"Replace yours"</button> })}
                                <button class="primary" data-choice="keep-both" on:click=move |_| finish(up2.clone(), UploadChoice::KeepBoth)>{format!("Keep both (as “{}”)", up.keep_both_as)}</button>
                                <button data-choice="cancel" on:click=move |_| finish(up3.clone(), UploadChoice::Cancel)>"Cancel"</button>
                            </div>
                        </div>
                    }
                })}
                {move || notice.get().map(|n| view! {
                    <div class="policy-notice small" class:warning=n.warning id=n.warning.then_some("upload-error") role=if n.warning { "alert" } else { "status" }>
                        <span>{n.text}</span>
                        {move || undo.get().is_some().then(|| view! { <button class="link" data-action="undo" on:click=undo_delete>"Undo"</button> })}
                        <button class="link" aria-label="Dismiss this message" on:click=move |_| { notice.set(None); undo.set(None); }>"Dismiss"</button>
                    </div>
                })}
                <p class="muted small">"A policy's name (name = \"…\" in its source) is its identity. Your policies are saved in this browser and travel in share links."</p>
                <Backups />
            </section>
            <section class="panel policy-edit" aria-labelledby="pedit-title">
                {move || {
                    let _ = session.get();
                    match current.get_untracked() {
                        None => view! { <p class="muted">"Loading policies…"</p> }.into_any(),
                        Some((id, builtin)) => {
                            let source = compiled.get_untracked().map(|c| c.source).unwrap_or_default();
                            // The version this session's edits are compared against.
                            ctx.baselines.update(|b| {
                                b.entry(id.clone()).or_insert(Baseline { source: source.clone(), at_ms: epoch_ms(), how: "opened" });
                            });
                            view! {
                                <div class="panel-head">
                                    <h2 id="pedit-title" data-policy=move || current.get().map(|c| c.0)>{move || current.get().map(|c| c.0)}</h2>
                                    <div class="row wrap">
                                        {builtin.then(|| view! { <span class="muted small">"Presets are read-only."</span> })}
                                        <button on:click=copy_current>{if builtin { "Edit a copy" } else { "Duplicate" }}</button>
                                        <button on:click=download_current>"Download"</button>
                                        {(!builtin).then(|| view! { <button class="danger" on:click=delete_current>"Delete"</button> })}
                                    </div>
                                </div>
                                {move || name_issue().map(|t| view! { <p class="name-issue small" role="status">{t}</p> })}
                                <editor::CodeEditor initial=source builtin=builtin />
                                <diagnostics::Diagnostics />
                            }.into_any()
                        }
                    }
                }}
            </section>
            <aside class="policy-side" aria-label="Try the policy">
                <live::LiveResult />
                <compare::BeforeAfter />
            </aside>
            <reference::Reference />
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
