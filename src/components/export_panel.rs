//! The Export view: a policy as a gateway config (Portkey, LiteLLM, vLLM Semantic Router,
//! Bifrost, OpenRouter) with the core's fidelity report beside it, and import of a Portkey or
//! LiteLLM config as a new policy of the workspace.

use crate::engine::{Playground, Shared};
use crate::files;
use crate::saving::Saving;
use crate::state::{Notice, View};
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::export::{self, Carry, Export, Fidelity, Options, Target};
use routeplay_core::import::{self, Imported, Source};

/// The largest config accepted for import (a gateway config is small).
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

fn target_label(t: Target) -> &'static str {
    match t {
        Target::Portkey => "Portkey",
        Target::Litellm => "LiteLLM",
        Target::VllmSr => "vLLM Semantic Router",
        Target::Bifrost => "Bifrost",
        Target::Openrouter => "OpenRouter",
    }
}

fn carry_name(c: Carry) -> &'static str {
    match c {
        Carry::Translate => "translate",
        Carry::Route => "route",
    }
}

/// The download file name and MIME type of a target's config.
fn file_kind(t: Target) -> (&'static str, &'static str) {
    match t {
        Target::Portkey | Target::Bifrost | Target::Openrouter => ("json", "application/json"),
        Target::Litellm => ("yaml", "application/yaml"),
        Target::VllmSr => ("dsl", "text/plain"),
    }
}

/// How the client sends the metadata `routeplay annotate` computes, per target.
fn client_snippet(t: Target, carry: Carry) -> &'static str {
    match (t, carry) {
        (Target::Portkey, _) => {
            "// Per request: the metadata from `routeplay annotate` (or the JS module's annotate())
const meta = annotate(prompt);   // {task, complexity, tokens, language, has_code, has_pii,
                                 //  score_<task>, meta_<field>, route, route_key}
fetch(`${PORTKEY}/v1/chat/completions`, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'x-portkey-config': JSON.stringify(config),   // this export (or a saved config id)
    'x-portkey-metadata': JSON.stringify(meta),   // conditions read metadata.<key>
  },
  body: JSON.stringify({ messages }),             // the config's targets set the model
});"
        }
        (Target::Litellm, _) => {
            "// LiteLLM cannot branch on metadata: the client computes the route and asks for
// the model group named by route_key (fallbacks come from router_settings).
const meta = annotate(prompt);   // {task, complexity, tokens, ..., route, route_key}
await client.chat.completions.create({
  model: meta.route_key,                          // a model group of this config
  messages,
  metadata: meta,                                 // kept for logs / spend tracking
});"
        }
        (Target::VllmSr, _) => {
            "# vLLM Semantic Router classifies the prompt itself: the client sends a plain
# request to its Envoy listener and the DSL's ROUTEs pick the model.
curl $VLLM_SR/v1/chat/completions -H 'content-type: application/json' \\
  -d '{\"model\": \"auto\", \"messages\": [{\"role\": \"user\", \"content\": \"...\"}]}'
# Declare the signals the report names (domain, keyword, pii, complexity, ...) in its config."
        }
        (Target::Bifrost, Carry::Route) => {
            "// Bifrost reads headers: the client sends the chosen rule.
const meta = annotate(prompt);   // {..., route, route_key}
fetch(`${BIFROST}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-routeplay-route': meta.route },
  body: JSON.stringify({ model: 'routeplay', messages }),
});"
        }
        (Target::Bifrost, Carry::Translate) => {
            "// Bifrost's CEL reads headers[...]: one x-routeplay-<key> header per metadata field
// (underscores as dashes; numbers compared through double()).
const meta = annotate(prompt);   // {task, complexity, tokens, has_code, score_<task>, ...}
const headers = { 'content-type': 'application/json' };
for (const [k, v] of Object.entries(meta)) headers[`x-routeplay-${k.replaceAll('_', '-')}`] = String(v);
fetch(`${BIFROST}/v1/chat/completions`, {
  method: 'POST', headers, body: JSON.stringify({ model: 'routeplay', messages }),
});"
        }
        (Target::Openrouter, _) => {
            "// OpenRouter has no server-side rules: the body is built per request from this
// export's routes, keyed by the route_key the client computes.
const meta = annotate(prompt);   // {..., route, route_key}
const { models, provider } = exported.routes[meta.route_key];
fetch('https://openrouter.ai/api/v1/chat/completions', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
  body: JSON.stringify({ models, provider, messages }),  // models: fallbacks, in order
});"
        }
    }
}

/// What one export attempt produced.
type Outcome = Option<Result<Shared<Export>, String>>;

/// The Export view.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let policy_id = RwSignal::new(String::new());
    let target = RwSignal::new(Target::Portkey);
    let carry = RwSignal::new(None::<Carry>);
    let base_url = RwSignal::new(String::new());
    let copied = RwSignal::new(None::<Result<(), String>>);

    // The policy exported: the one picked, else the first selected, else the first there is.
    let current = Memo::new(move |_| {
        let picked = policy_id.get();
        let all = pg.compiled.get();
        if all.iter().any(|c| c.id == picked) {
            return picked;
        }
        let selected = pg.workspace.with(|w| w.selected.clone());
        selected
            .into_iter()
            .find(|s| all.iter().any(|c| &c.id == s))
            .or_else(|| all.first().map(|c| c.id.clone()))
            .unwrap_or_default()
    });
    let carry_now = move || {
        let t = target.get();
        carry
            .get()
            .filter(|c| t.carries().contains(c))
            .unwrap_or(t.carries()[0])
    };
    let result: Memo<Outcome> = Memo::new(move |_| {
        let cat = pg.catalog.get()?;
        let id = current.get();
        let all = pg.compiled.get();
        let c = all.iter().find(|c| c.id == id)?;
        let Some(policy) = &c.policy else {
            return Some(Err(format!(
                "{id} has {}: fix it in the Policies view to export it.",
                routeplay_core::format::plural(c.errors(), "error")
            )));
        };
        let url = base_url.get().trim().to_string();
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Some(Err(format!(
                "Base URL {url}: expected an http:// or https:// URL."
            )));
        }
        let opts = Options {
            base_url: (!url.is_empty()).then_some(url),
            carry: Some(carry_now()),
        };
        Some(export::export(policy, &cat, target.get(), &opts).map(Shared::new))
    });
    Effect::new(move |_| {
        result.track();
        copied.set(None);
    });

    let policy_options = move || {
        pg.compiled
            .get()
            .iter()
            .map(|c| {
                let label = if c.builtin {
                    format!("{} (preset)", c.id)
                } else {
                    c.id.clone()
                };
                view! { <option value=c.id.clone()>{label}</option> }
            })
            .collect_view()
    };

    let copy = move |_| {
        let Some(Ok(e)) = result.get_untracked() else {
            return;
        };
        let text = e.config.clone();
        spawn_local(async move {
            let r = match web_sys::window() {
                Some(w) => {
                    let p = w.navigator().clipboard().write_text(&text);
                    wasm_bindgen_futures::JsFuture::from(p)
                        .await
                        .map(|_| ())
                        .map_err(|_| {
                            "the browser refused the clipboard: use Download, or select the text"
                                .to_string()
                        })
                }
                None => Err("no window".into()),
            };
            copied.set(Some(r));
        });
    };
    let download = move |_| {
        if let Some(Ok(e)) = result.get_untracked() {
            let t = e.report.target;
            let (ext, mime) = file_kind(t);
            files::download(
                &format!("{}.{}.{ext}", current.get_untracked(), t.name()),
                mime,
                &e.config,
            );
        }
    };

    let body = move || match result.get() {
        None => view! { <p class="muted empty">"Loading the catalog and policies…"</p> }.into_any(),
        Some(Err(e)) => {
            view! { <p class="error" role="alert" data-export-error="">{e}</p> }.into_any()
        }
        Some(Ok(e)) => {
            let t = e.report.target;
            let config = e.config.clone();
            view! {
                <div class="export-layout">
                    <section class="panel export-config" aria-label="Generated config">
                        <div class="panel-head">
                            <h2>{format!("{} config", target_label(t))}</h2>
                            <div class="row">
                                <button on:click=copy data-action="copy-config">"Copy"</button>
                                <button on:click=download data-action="download-config">"Download"</button>
                            </div>
                        </div>
                        {move || copied.get().map(|r| match r {
                            Ok(()) => view! { <p class="small ok" role="status">"Copied to the clipboard."</p> }.into_any(),
                            Err(e) => view! { <p class="small error" role="alert">{e}</p> }.into_any(),
                        })}
                        <pre class="code-block" data-target=t.name() tabindex="0"><code>{config}</code></pre>
                    </section>
                    <ReportView e=e.clone() />
                </div>
            }
            .into_any()
        }
    };

    let snippet = move || {
        let t = target.get();
        client_snippet(t, carry_now())
    };

    view! {
        <div class="export-view" id="export-panel">
            <section class="panel export-controls" aria-label="Export settings">
                <div class="panel-head">
                    <h2>"Export to a gateway"</h2>
                    <p class="small muted">"The policy as the gateway's own config, with what survives the translation rule by rule."</p>
                    <button class="link" data-action="to-import" on:click=move |_| {
                        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("import-panel")) {
                            el.scroll_into_view();
                        }
                    }>"Import a gateway config ↓"</button>
                </div>
                <div class="export-form">
                    <label>
                        <span>"Policy"</span>
                        <select id="export-policy" prop:value=move || current.get() on:change=move |ev| policy_id.set(event_target_value(&ev))>
                            {policy_options}
                        </select>
                    </label>
                    <fieldset class="targets">
                        <legend>"Target"</legend>
                        {Target::ALL.into_iter().map(|t| view! {
                            <button
                                class="chip target-chip"
                                class:selected=move || target.get() == t
                                aria-pressed=move || (target.get() == t).to_string()
                                data-target=t.name()
                                on:click=move |_| target.set(t)
                            >{target_label(t)}</button>
                        }).collect_view()}
                    </fieldset>
                    {move || {
                        let t = target.get();
                        if t.carries().len() < 2 {
                            let only = match t.carries()[0] {
                                Carry::Translate => "Conditions: translated into the target's language.",
                                Carry::Route => "Conditions: computed by the client (metadata.route) — the target cannot branch on them.",
                            };
                            return view! { <p class="small muted carry-note">{only}</p> }.into_any();
                        }
                        view! {
                            <fieldset class="carry">
                                <legend>"Conditions"</legend>
                                {t.carries().iter().map(|&c| view! {
                                    <label class="radio">
                                        <input type="radio" name="carry" value=carry_name(c)
                                            prop:checked=move || carry_now() == c
                                            on:change=move |_| carry.set(Some(c)) />
                                        {match c {
                                            Carry::Translate => "translate (the gateway evaluates them)",
                                            Carry::Route => "client-computed route (always exact)",
                                        }}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                        }.into_any()
                    }}
                    <label>
                        <span>"Base URL (optional)"</span>
                        <input id="export-base-url" type="url" class="mono" placeholder="http://127.0.0.1:4000/v1"
                            prop:value=move || base_url.get()
                            on:input=move |ev| base_url.set(event_target_value(&ev)) />
                    </label>
                </div>
            </section>
            {body}
            <section class="panel export-snippet" aria-label="Client snippet">
                <h2>"How the client sends the metadata"</h2>
                <pre class="code-block" data-snippet=move || target.get().name() tabindex="0"><code>{snippet}</code></pre>
                <p class="small muted">"The fields are what "<code>"routeplay annotate"</code>" prints per prompt (and the JS module's "<code>"annotate()"</code>" returns): task, complexity, tokens, language, has_code, has_pii, score_<task>, meta_<field>, route, route_key."</p>
            </section>
            <ImportPanel />
        </div>
    }
}

fn fidelity_lines(f: &Fidelity) -> (Vec<String>, Option<String>) {
    match f {
        Fidelity::Exact => (vec![], None),
        Fidelity::Approximate(how) => (how.clone(), None),
        Fidelity::Dropped(why) => (vec![], Some(why.clone())),
    }
}

/// The fidelity report of one export.
#[component]
fn ReportView(e: Shared<Export>) -> impl IntoView {
    let r = &e.report;
    let (exact, approx, dropped) = r.counts();
    let carried = match r.carry {
        Carry::Translate => "conditions translated",
        Carry::Route => "conditions computed by the client (metadata.route)",
    };
    let rules = r
        .rules
        .iter()
        .map(|rule| {
            let kind = rule.fidelity.kind();
            let (how, why) = fidelity_lines(&rule.fidelity);
            let targets = rule.targets.join(", ");
            view! {
                <li class=format!("fidelity-rule {kind}") data-rule=rule.rule.clone() data-fidelity=kind>
                    <div class="fidelity-head">
                        <span class=format!("fidelity-label {kind}")>{kind}</span>
                        <span class="rule-name">{rule.rule.clone()}</span>
                        {(!targets.is_empty()).then(|| view! { <span class="small muted">"→ "{targets}</span> })}
                    </div>
                    {(!how.is_empty()).then(|| view! {
                        <ul class="fidelity-how">{how.into_iter().map(|h| view! { <li><span class="muted">"how: "</span>{h}</li> }).collect_view()}</ul>
                    })}
                    {why.map(|w| view! { <p class="fidelity-why"><span class="muted">"why: "</span>{w}</p> })}
                    {rule.notes.iter().map(|n| view! { <p class="small muted">"note: "{n.clone()}</p> }).collect_view()}
                </li>
            }
        })
        .collect_view();
    let notes = r
        .notes
        .iter()
        .map(|n| view! { <li>{n.clone()}</li> })
        .collect_view();
    view! {
        <section class="panel fidelity" aria-label="Fidelity report" data-policy=r.policy.clone()>
            <h2>"Fidelity report"</h2>
            <p class="fidelity-counts" data-exact=exact data-approximate=approx data-dropped=dropped>
                <span class="fidelity-label exact" class:zero=exact == 0>{format!("{exact} exact")}</span>
                <span class="fidelity-label approximate" class:zero=approx == 0>{format!("{approx} approximate")}</span>
                <span class="fidelity-label dropped" class:zero=dropped == 0>{format!("{dropped} dropped")}</span>
            </p>
            <p class="small muted">{format!(
                "Policy {} — {carried}; size-dependent picks resolved for a {}-token prompt; exact holds up to {} tokens.",
                r.policy, r.reference_tokens, r.max_exact_tokens
            )}</p>
            <ol class="plain fidelity-rules">{rules}</ol>
            {(!r.notes.is_empty()).then(|| view! { <ul class="fidelity-notes small">{notes}</ul> })}
        </section>
    }
}

/// Import of a gateway config as a new policy.
#[component]
fn ImportPanel() -> impl IntoView {
    let pg = expect_context::<Playground>();
    let saving = expect_context::<Saving>();
    let text = RwSignal::new(String::new());
    let source = RwSignal::new(Source::Portkey);
    let name = RwSignal::new("imported".to_string());
    let error = RwSignal::new(None::<String>);
    let last = RwSignal::new(None::<(String, Shared<Imported>)>);

    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = files::first_file(&ev) else {
            return;
        };
        error.set(None);
        let fname = file.name();
        if file.size() > MAX_IMPORT_BYTES as f64 {
            error.set(Some(format!(
                "{fname} was not read: it is larger than {} KiB, and a gateway config is small.",
                MAX_IMPORT_BYTES / 1024
            )));
            return;
        }
        if fname.ends_with(".yaml") || fname.ends_with(".yml") {
            source.set(Source::Litellm);
        } else if fname.ends_with(".json") {
            source.set(Source::Portkey);
        }
        spawn_local(async move {
            match files::read_text(&file).await {
                Ok(t) => {
                    let stem = fname
                        .rsplit_once('.')
                        .map(|(s, _)| s)
                        .unwrap_or(&fname)
                        .to_string();
                    if !stem.is_empty() {
                        name.set(stem);
                    }
                    text.set(t);
                }
                Err(e) => error.set(Some(format!("{fname} was not read: {e}."))),
            }
        });
    };

    let do_import = move |_| {
        error.set(None);
        let Some(cat) = pg.catalog.get_untracked() else {
            error.set(Some("The catalog is not loaded yet.".into()));
            return;
        };
        let t = text.get_untracked();
        if t.trim().is_empty() {
            error.set(Some("Paste a config or choose a file first.".into()));
            return;
        }
        if t.len() > MAX_IMPORT_BYTES {
            error.set(Some(format!(
                "This config is larger than {} KiB: nothing was imported.",
                MAX_IMPORT_BYTES / 1024
            )));
            return;
        }
        let n = name.get_untracked();
        let n = n.trim();
        let n = if n.is_empty() { "imported" } else { n };
        match import::import(source.get_untracked(), &t, n, &cat) {
            Err(e) => error.set(Some(format!("Nothing was imported: {e}"))),
            Ok(imp) => {
                let presets = pg.presets.get_untracked();
                let policy = imp.policy.clone();
                let id = pg
                    .workspace
                    .try_update(|w| w.add_policy(n, policy, &presets))
                    .unwrap_or_default();
                saving.notify(vec![Notice::info(format!(
                    "Imported the config as policy “{id}”; it is selected in the Prompt view beside your other policies."
                ))]);
                last.set(Some((id, Shared::new(imp))));
            }
        }
    };

    let report = move || {
        last.get().map(|(id, imp)| {
            let exact = imp.rules.iter().filter(|r| r.fidelity.kind() == "exact").count();
            let rules = imp
                .rules
                .iter()
                .map(|r| {
                    let kind = r.fidelity.kind();
                    let (how, why) = fidelity_lines(&r.fidelity);
                    view! {
                        <li class=format!("fidelity-rule {kind}") data-rule=r.rule.clone() data-fidelity=kind>
                            <div class="fidelity-head">
                                <span class=format!("fidelity-label {kind}")>{kind}</span>
                                <span class="rule-name">{r.rule.clone()}</span>
                                <span class="small muted">{format!("from {}", r.from)}</span>
                            </div>
                            {(!how.is_empty()).then(|| view! {
                                <ul class="fidelity-how">{how.into_iter().map(|h| view! { <li><span class="muted">"how: "</span>{h}</li> }).collect_view()}</ul>
                            })}
                            {why.map(|w| view! { <p class="fidelity-why"><span class="muted">"why: "</span>{w}</p> })}
                        </li>
                    }
                })
                .collect_view();
            let notes = imp.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view();
            let total = imp.rules.len();
            view! {
                <div class="import-report" data-imported=id.clone()>
                    <p>
                        <strong>{format!("Imported as “{id}”")}</strong>
                        {format!(" — {exact} of {total} rules exact. ")}
                        <button class="link" on:click=move |_| pg.view.set(View::Prompt)>"See it in the Prompt view"</button>
                    </p>
                    <ol class="plain fidelity-rules">{rules}</ol>
                    {(!imp.notes.is_empty()).then(|| view! { <ul class="fidelity-notes small">{notes}</ul> })}
                    <details>
                        <summary class="small">"The policy (TOML)"</summary>
                        <pre class="code-block"><code>{imp.policy.clone()}</code></pre>
                    </details>
                </div>
            }
        })
    };

    view! {
        <section class="panel import" aria-label="Import a gateway config" id="import-panel">
            <div class="panel-head">
                <h2>"Import a gateway config"</h2>
                <p class="small muted">"Bring in what runs in production (a Portkey config or a LiteLLM router config) and compare it with a proposal."</p>
            </div>
            <div class="row wrap">
                <label>
                    <span class="sr-only">"Format"</span>
                    <select id="import-format" aria-label="Format"
                        prop:value=move || match source.get() { Source::Portkey => "portkey", Source::Litellm => "litellm" }
                        on:change=move |ev| if let Some(s) = Source::parse(&event_target_value(&ev)) { source.set(s) }>
                        <option value="portkey">"Portkey config (JSON)"</option>
                        <option value="litellm">"LiteLLM router config (YAML)"</option>
                    </select>
                </label>
                <label class="import-name">
                    <span>"Policy name"</span>
                    <input id="import-name" class="mono" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label class="button">
                    "Upload…"
                    <input type="file" class="sr-only" id="import-file" accept=".json,.yaml,.yml,application/json,text/yaml" on:change=upload />
                </label>
            </div>
            <textarea id="import-text" class="mono import-text" spellcheck="false"
                placeholder="Paste a Portkey config (JSON) or a LiteLLM config (YAML) here"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="row">
                <button class="primary" data-action="import" on:click=do_import>"Import"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-import-error="">{e}</p> })}
            {report}
        </section>
    }
}
