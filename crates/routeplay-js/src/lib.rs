//! Routeplay's core as a JavaScript module, for the user's own app in front of a gateway
//! (Portkey, LiteLLM, OpenRouter): a [`Router`] built from a policy, a catalog and the task
//! classifier computes, per prompt, the request metadata the exported configs branch on
//! (`annotate`, exactly what `routeplay annotate` prints) and Routeplay's decision (`route`).
//!
//! Built by `scripts/js-module.sh` into `target/js/node` (CommonJS, `--target nodejs`) and
//! `target/js/web` (ES module, `--target web`); the TypeScript types are `routeplay.d.ts` next
//! to this crate, copied into both. See docs/gateways.md.
//!
//! A prompt is a string or an OpenAI-style `{messages: [{role, content}]}`; for messages the
//! text routed is the **last user message's** (string content, or its `text` parts joined by
//! newlines). Whole conversations are a later step.

use js_sys::{Array, Error, Reflect, Uint8Array};
use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::export::{annotate, lower};
use routeplay_core::policy::{Decision, Diagnostic, Facts, Metadata, Policy};
use routeplay_core::shipped;
use routeplay_core::signals::PromptSignals;
use routeplay_core::simulate::TaskSource;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A checked policy with its catalog and classifier, ready to annotate and route prompts.
#[wasm_bindgen]
pub struct Router {
    core: Core,
    warnings: Vec<Diagnostic>,
}

/// The pure part of [`Router`] (no JS values), so it is testable natively.
pub struct Core {
    policy: Policy,
    catalog: Catalog,
    lowered: Vec<lower::LoweredRule>,
    tasks: TaskSource,
}

/// Why a [`Core`] could not be built.
#[derive(Debug)]
pub enum LoadError {
    /// The catalog or the classifier model did not load.
    Other(String),
    /// The policy did not check: every diagnostic, and the text rendered compiler style.
    Policy(Vec<Diagnostic>, String),
}

impl Core {
    /// Loads `policy` against `catalog` (JSON; `None` for the shipped one) with the classifier
    /// `model` (`None` for the shipped one). `Ok` carries the warnings too.
    pub fn new(
        policy: &str,
        catalog: Option<&str>,
        model: Option<&[u8]>,
    ) -> Result<(Core, Vec<Diagnostic>), LoadError> {
        let catalog = Catalog::from_json(catalog.unwrap_or(shipped::CATALOG))
            .map_err(|e| LoadError::Other(format!("catalog: {e}")))?;
        let model = Model::from_bytes(model.unwrap_or(shipped::CLASSIFIER))
            .map_err(|e| LoadError::Other(format!("classifier model: {e}")))?;
        let (policy, warnings) = match Policy::load(policy, &catalog) {
            Ok(ok) => ok,
            Err(diags) => {
                let text = diags.iter().map(|d| d.render("policy", policy)).collect();
                return Err(LoadError::Policy(diags, text));
            }
        };
        let lowered = lower::lower(&policy, &catalog);
        let tasks = TaskSource::classifier(Arc::new(model));
        Ok((
            Core {
                policy,
                catalog,
                lowered,
                tasks,
            },
            warnings,
        ))
    }

    fn decide(&self, text: &str, request: &Metadata) -> (PromptSignals, Decision) {
        // The metadata carries the language, so it is always detected (as the CLI does).
        let signals = self.tasks.signals(text, None, true);
        let facts = Facts::new(text, &signals, request);
        let d = self.policy.decide(&facts, &self.catalog);
        (signals, d)
    }

    /// The request metadata for `text`: what `routeplay annotate` prints for that prompt.
    pub fn annotate(&self, text: &str, request: &Metadata) -> Map<String, Value> {
        let (signals, d) = self.decide(text, request);
        annotate::metadata(&self.policy, &self.lowered, &signals, request, &d)
    }

    fn api(&self, id: &str) -> String {
        self.catalog
            .get(id)
            .and_then(|m| m.api_model.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// Routeplay's decision for `text`, as the core serialises it, plus `api_model` and
    /// `api_fallbacks` (the provider's model names).
    pub fn route(&self, text: &str, request: &Metadata) -> Result<Value, String> {
        let (_, d) = self.decide(text, request);
        let api_model = d.model.as_deref().map(|m| self.api(m));
        let api_fallbacks: Vec<String> = d.fallbacks.iter().map(|f| self.api(f)).collect();
        let mut v = serde_json::to_value(&d).map_err(|e| format!("decision: {e}"))?;
        if let Value::Object(m) = &mut v {
            m.insert("api_model".into(), json!(api_model));
            m.insert("api_fallbacks".into(), json!(api_fallbacks));
        }
        Ok(v)
    }
}

fn err(msg: impl AsRef<str>) -> JsValue {
    Error::new(msg.as_ref()).into()
}

/// Plain JS objects (not `Map`s) for JSON objects, numbers for integers.
fn to_js(v: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| err(format!("routeplay: cannot convert the result: {e}")))
}

fn diagnostics_js(diags: &[Diagnostic]) -> Result<JsValue, JsValue> {
    to_js(&diags)
}

/// The text to route: a string, or the last user message of `{messages}`.
fn prompt_text(prompt: &JsValue) -> Result<String, JsValue> {
    if let Some(s) = prompt.as_string() {
        return Ok(s);
    }
    if !prompt.is_object() {
        return Err(err(
            "routeplay: a prompt is a string or {messages: [{role, content}]}",
        ));
    }
    let messages = Reflect::get(prompt, &"messages".into())?;
    let Some(messages) = messages.dyn_ref::<Array>() else {
        return Err(err("routeplay: prompt.messages must be an array"));
    };
    for m in messages.iter().rev() {
        if !m.is_object() {
            continue;
        }
        if Reflect::get(&m, &"role".into())?.as_string().as_deref() != Some("user") {
            continue;
        }
        let content = Reflect::get(&m, &"content".into())?;
        if let Some(s) = content.as_string() {
            return Ok(s);
        }
        if let Some(parts) = content.dyn_ref::<Array>() {
            let mut texts = Vec::new();
            for p in parts.iter() {
                if let Some(s) = p.as_string() {
                    texts.push(s);
                } else if p.is_object() {
                    if let Some(t) = Reflect::get(&p, &"text".into())?.as_string() {
                        texts.push(t);
                    }
                }
            }
            return Ok(texts.join("\n"));
        }
        return Err(err(
            "routeplay: the last user message's content must be a string or an array of text parts",
        ));
    }
    Err(err("routeplay: prompt.messages has no user message"))
}

/// `options.metadata` as request metadata (empty when absent).
fn request_metadata(options: &JsValue) -> Result<Metadata, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Metadata::new());
    }
    if !options.is_object() {
        return Err(err("routeplay: options must be an object"));
    }
    let meta = Reflect::get(options, &"metadata".into())?;
    if meta.is_undefined() || meta.is_null() {
        return Ok(Metadata::new());
    }
    if !meta.is_object() || Array::is_array(&meta) {
        return Err(err("routeplay: options.metadata must be a plain object"));
    }
    serde_wasm_bindgen::from_value(meta)
        .map_err(|e| err(format!("routeplay: options.metadata: {e}")))
}

#[wasm_bindgen]
impl Router {
    /// Checks `policy` (TOML) against `catalog` (JSON text; `undefined` for the shipped
    /// catalog) and loads the classifier `model` (bytes; `undefined` for the shipped one).
    /// Throws an `Error` whose message lists the policy's diagnostics (`policy:LINE:COLUMN:
    /// error[code]: message`) and whose `diagnostics` property holds them as objects.
    #[wasm_bindgen(constructor)]
    pub fn new(
        policy: &str,
        catalog: Option<String>,
        model: Option<Uint8Array>,
    ) -> Result<Router, JsValue> {
        let bytes = model.map(|m| m.to_vec());
        match Core::new(policy, catalog.as_deref(), bytes.as_deref()) {
            Ok((core, warnings)) => Ok(Router { core, warnings }),
            Err(LoadError::Other(msg)) => Err(err(format!("routeplay: {msg}"))),
            Err(LoadError::Policy(diags, text)) => {
                let e = Error::new(&format!("routeplay: the policy does not check:\n{text}"));
                Reflect::set(&e, &"diagnostics".into(), &diagnostics_js(&diags)?)?;
                Err(e.into())
            }
        }
    }

    /// The policy's warnings (diagnostics that do not stop it from loading).
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> Result<JsValue, JsValue> {
        diagnostics_js(&self.warnings)
    }

    /// The policy's name.
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> String {
        self.core.policy.name.clone()
    }

    /// The request metadata for `prompt` (see the module docs for `{messages}`), with
    /// `options.metadata` as the request's own metadata (e.g. `{tier: "pro"}`).
    pub fn annotate(&self, prompt: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let text = prompt_text(&prompt)?;
        let request = request_metadata(&options)?;
        to_js(&Value::Object(self.core.annotate(&text, &request)))
    }

    /// Routeplay's decision for `prompt`: `model`, `api_model`, `fallbacks`, `api_fallbacks`,
    /// `rule`, `rule_index`, the estimate and the trace, as the core serialises them.
    pub fn route(&self, prompt: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let text = prompt_text(&prompt)?;
        let request = request_metadata(&options)?;
        let decision = self
            .core
            .route(&text, &request)
            .map_err(|e| err(format!("routeplay: {e}")))?;
        to_js(&decision)
    }
}

/// The shipped preset policies' names.
#[wasm_bindgen(js_name = presetNames)]
pub fn preset_names() -> Array {
    shipped::PRESETS
        .iter()
        .map(|(n, _)| JsValue::from_str(n))
        .collect()
}

/// A shipped preset policy's TOML text, or `undefined`.
#[wasm_bindgen]
pub fn preset(name: &str) -> Option<String> {
    shipped::PRESETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_policy_reports_line_and_column() {
        let bad = "name = \"x\"\n[[rule]]\nname = \"r\"\nwhen = \"task ==\"\nmodel = \"nope\"\n";
        match Core::new(bad, None, None) {
            Err(LoadError::Policy(diags, text)) => {
                assert!(!diags.is_empty());
                let d = &diags[0];
                assert!(
                    text.contains(&format!("policy:{}:{}:", d.line, d.column)),
                    "{text}"
                );
            }
            Err(LoadError::Other(m)) => panic!("wrong error: {m}"),
            Ok(_) => panic!("a broken policy loaded"),
        }
    }

    #[test]
    fn route_carries_api_names_and_the_trace() {
        let (core, _) = Core::new(shipped::PRESETS[0].1, None, None).expect("preset loads");
        let v = core
            .route(
                "Write a Python function that reverses a list.",
                &Metadata::new(),
            )
            .expect("a decision serialises");
        assert!(v["model"].is_string(), "{v}");
        assert!(v["api_model"].is_string(), "{v}");
        assert!(v["trace"].as_array().is_some_and(|t| !t.is_empty()), "{v}");
    }
}
