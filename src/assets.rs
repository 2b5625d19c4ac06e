//! Fetching what the page needs from `public/` (relative URLs, so any sub-path works).

use crate::engine::{now_ms, Load, Playground, Shared};
use crate::state::PolicyDoc;
use gloo_net::http::Request;
use leptos::prelude::*;
use leptos::task::spawn_local;
use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use serde::Deserialize;

/// The shipped catalog.
pub const CATALOG_URL: &str = "public/catalog.json";
/// The index of shipped policies.
pub const POLICY_INDEX_URL: &str = "public/policies/index.json";
/// The shipped task classifier.
pub const MODEL_URL: &str = "public/model/task-classifier.bin";
/// The shipped sample prompt set.
pub const SAMPLES_URL: &str = "public/samples/prompts.jsonl";
/// The shipped sample conversations (OpenAI Chat Completions and Batch rows, Anthropic Messages
/// bodies and ShareGPT rows in one mixed JSONL file).
pub const CONVERSATIONS_URL: &str = "public/samples/conversations.jsonl";

#[derive(Deserialize)]
struct PolicyIndex {
    policies: Vec<PolicyEntry>,
}
#[derive(Deserialize)]
struct PolicyEntry {
    id: String,
    file: String,
}

/// Fetches a text file, with an error that says which file and why.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    resp.text().await.map_err(|e| format!("{url}: {e}"))
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    resp.binary().await.map_err(|e| format!("{url}: {e}"))
}

/// Starts loading catalog and presets, then the classifier; each updates its own `Load`
/// state, so the page works (with cheap signals) before the model arrives.
pub fn load_all(pg: Playground) {
    // The presets first: their index is read and their requests sent before the catalog
    // (already downloaded, preloaded by index.html) is parsed, so they are in flight meanwhile.
    spawn_local(async move {
        let result: Result<Vec<PolicyDoc>, String> = async {
            let index: PolicyIndex = serde_json::from_str(&fetch_text(POLICY_INDEX_URL).await?)
                .map_err(|e| format!("{POLICY_INDEX_URL}: {e}"))?;
            // All at once: one after the other, the presets' round trips added up before the
            // first decision.
            let sources =
                futures::future::join_all(index.policies.iter().map(|p| async move {
                    fetch_text(&format!("public/policies/{}", p.file)).await
                }))
                .await;
            index
                .policies
                .into_iter()
                .zip(sources)
                .map(|(p, source)| {
                    Ok(PolicyDoc {
                        id: p.id,
                        source: source?,
                        builtin: true,
                    })
                })
                .collect()
        }
        .await;
        match result {
            Ok(docs) => {
                pg.load_policies
                    .set(Load::Ready(format!("{} presets", docs.len())));
                // Names are identities: ids stored before that become the declared names.
                pg.workspace.maybe_update(|w| w.reconcile_names(&docs));
                pg.presets.set(docs);
            }
            Err(e) => pg.load_policies.set(Load::Failed(e)),
        }
    });
    spawn_local(async move {
        match fetch_text(CATALOG_URL)
            .await
            .and_then(|t| Catalog::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(c) => {
                pg.load_catalog
                    .set(Load::Ready(format!("{} models", c.models.len())));
                pg.base_catalog.set(Some(Shared::new(c)));
            }
            Err(e) => pg.load_catalog.set(Load::Failed(e)),
        }
    });
    // The classifier is not needed for the first decision (cheap-signal decisions show first,
    // marked provisional, and are re-decided when it arrives): fetch it once the catalog and
    // the presets are in, so that its bytes and its decoding do not delay them.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let waiting = matches!(pg.load_catalog.get(), Load::Loading)
            || matches!(pg.load_policies.get(), Load::Loading);
        if waiting || started.get_value() {
            return;
        }
        started.set_value(true);
        spawn_local(load_model(pg));
    });
}

/// Resolves in a later task (`setTimeout` 0), once what is queued now has run: the first
/// decision's drawing, scheduled by the same catalog and presets that start the model load.
/// (Not an animation frame: those stop in a background tab or a hidden frame.)
async fn after_current_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let queued = web_sys::window().is_some_and(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .is_ok()
        });
        if !queued {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Fetches and decodes the classifier; `pg.load_model` says how it went.
async fn load_model(pg: Playground) {
    // The first decision (cheap signals) is drawn first: the model's request starts after it.
    after_current_task().await;
    let t0 = now_ms();
    match fetch_bytes(MODEL_URL).await {
        Ok(bytes) => {
            let t1 = now_ms();
            match Model::from_bytes(&bytes) {
                Ok(m) => {
                    let t2 = now_ms();
                    pg.load_model.set(Load::Ready(format!(
                        "{} KB, fetched in {:.0} ms, decoded in {:.1} ms",
                        bytes.len() / 1024,
                        t1 - t0,
                        t2 - t1
                    )));
                    pg.shipped_classifier.set(Some(Shared::new(m)));
                }
                Err(e) => pg.load_model.set(Load::Failed(format!("{MODEL_URL}: {e}"))),
            }
        }
        Err(e) => pg.load_model.set(Load::Failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::PolicyIndex;

    /// index.html preloads exactly the presets `public/policies/index.json` lists (and the
    /// catalog and the index), so they download while the wasm compiles: a preset added to
    /// the index without its preload would be fetched only after the app starts (~170 ms later
    /// on the first decision's path), and a stale preload would download a file nobody reads.
    #[test]
    fn index_html_preloads_every_preset_of_the_index_and_nothing_else() {
        let html = include_str!("../index.html");
        let index: PolicyIndex =
            serde_json::from_str(include_str!("../public/policies/index.json")).unwrap();
        let mut preloaded: Vec<&str> = html
            .lines()
            .filter(|l| l.contains("rel=\"preload\"") && l.contains("as=\"fetch\""))
            .filter_map(|l| l.split("href=\"").nth(1)?.split('"').next())
            .collect();
        preloaded.sort();
        let mut expected: Vec<String> = index
            .policies
            .iter()
            .map(|p| format!("public/policies/{}", p.file))
            .chain([
                super::CATALOG_URL.to_string(),
                super::POLICY_INDEX_URL.to_string(),
            ])
            .collect();
        expected.sort();
        assert_eq!(preloaded, expected);
    }
}
