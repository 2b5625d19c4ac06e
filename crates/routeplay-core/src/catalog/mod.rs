//! The model catalog: what each model costs, how fast it is, how good it is per task type, and
//! where every figure comes from.
//!
//! The shipped catalog is `public/catalog.json`; users can edit or replace it. Every figure is a
//! [`Figure`] carrying its value, source, date and whether it is an estimate, so the app can show
//! where a number comes from.

mod edits;

pub use edits::{parse_quality, CatalogEdits, Field, ModelEdit, NewModel, Origin, EDITED_SOURCE};

use serde::{Deserialize, Serialize};
#[cfg(test)]
use std::collections::BTreeSet;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The task types the classifier predicts and the catalog rates models on.
pub const TASK_TYPES: [&str; 11] = [
    "code",
    "math_reasoning",
    "planning",
    "summarization",
    "extraction",
    "classification",
    "creative_writing",
    "brainstorming",
    "qa",
    "translation",
    "chat",
];

/// One sourced number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The number itself, in the unit the field names.
    pub value: f64,
    /// Where it comes from (a pricing page, a benchmark, or "estimate").
    pub source: String,
    /// When it was seen, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// Whether the number is an estimate rather than a published figure.
    #[serde(default)]
    pub estimate: bool,
}

impl Figure {
    /// A published figure.
    pub fn new(value: f64, source: &str, date: &str) -> Self {
        Figure {
            value,
            source: source.to_string(),
            date: date.to_string(),
            estimate: false,
        }
    }
}

/// What a model can do besides plain text in, text out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Has a reasoning ("thinking") mode.
    #[serde(default)]
    pub reasoning: bool,
    /// Supports tool / function calling.
    #[serde(default)]
    pub tools: bool,
    /// Accepts images.
    #[serde(default)]
    pub vision: bool,
}

impl Capabilities {
    /// Whether the named capability is present; `None` for an unknown name.
    pub fn has(&self, name: &str) -> Option<bool> {
        match name {
            "reasoning" => Some(self.reasoning),
            "tools" => Some(self.tools),
            "vision" => Some(self.vision),
            _ => None,
        }
    }
}

/// The capability names a policy may require.
pub const CAPABILITIES: [&str; 3] = ["reasoning", "tools", "vision"];

/// Quality estimates per task type, 0-100, with one source for the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Score per task type (keys from [`TASK_TYPES`]).
    pub scores: BTreeMap<String, f64>,
    /// Where the scores come from.
    pub source: String,
    /// When they were made.
    pub date: String,
    /// Whether they are estimates (they usually are).
    #[serde(default)]
    pub estimate: bool,
}

/// One model as served by one provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Unique id used in policies, e.g. `gpt-5-mini` or `groq/llama-3.3-70b`.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Who serves it (`openai`, `groq`, `local`, ...).
    pub provider: String,
    /// Who made it (`openai`, `meta`, ...).
    pub maker: String,
    /// Model name at the provider's API, when it differs from `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_model: Option<String>,
    /// USD per 1M input tokens.
    pub input_price: Figure,
    /// USD per 1M cached input tokens (a prompt-cache hit: OpenAI cached input, Anthropic cache
    /// reads, Gemini context caching, DeepSeek cache hits). Absent when the provider publishes no
    /// cache discount: cached tokens then cost the full input price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_price: Option<Figure>,
    /// USD per 1M output tokens.
    pub output_price: Figure,
    /// Context window in tokens.
    pub context_window: Figure,
    /// Typical time to first token, milliseconds.
    pub ttft_ms: Figure,
    /// Typical output speed, tokens per second.
    pub output_tps: Figure,
    /// Quality estimate per task type.
    pub quality: Quality,
    /// Capability flags.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// Runs on the user's machine (free, private).
    #[serde(default)]
    pub local: bool,
    /// Free-form note shown in the app.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Model {
    /// Quality for `task`; the mean over all task types when the task is unknown.
    pub fn quality_for(&self, task: &str) -> f64 {
        match self.quality.scores.get(task) {
            Some(q) => *q,
            None => self.mean_quality(),
        }
    }

    /// Mean quality over the rated task types (0 when none are rated).
    pub fn mean_quality(&self) -> f64 {
        let n = self.quality.scores.len();
        if n == 0 {
            0.0
        } else {
            self.quality.scores.values().sum::<f64>() / n as f64
        }
    }

    /// The highest quality over all task types.
    pub fn max_quality(&self) -> f64 {
        self.quality.scores.values().copied().fold(0.0, f64::max)
    }

    /// Estimated cost in USD of one request.
    pub fn cost(&self, input_tokens: f64, output_tokens: f64) -> f64 {
        (input_tokens * self.input_price.value + output_tokens * self.output_price.value) / 1e6
    }

    /// USD per 1M cached input tokens: the published cached-input price, or the input price
    /// when none is published (no cache discount).
    pub fn cached_input_per_mtok(&self) -> f64 {
        self.cached_input_price
            .as_ref()
            .map_or(self.input_price.value, |f| f.value)
    }

    /// Estimated cost in USD of one request of which `cached_tokens` of the `input_tokens` are a
    /// prompt-cache hit (billed at [`Model::cached_input_per_mtok`]); `cached_tokens` is capped
    /// at `input_tokens`. Cache writes are billed as plain input.
    pub fn cost_with_cache(
        &self,
        input_tokens: f64,
        cached_tokens: f64,
        output_tokens: f64,
    ) -> f64 {
        let cached = cached_tokens.clamp(0.0, input_tokens.max(0.0));
        ((input_tokens - cached) * self.input_price.value
            + cached * self.cached_input_per_mtok()
            + output_tokens * self.output_price.value)
            / 1e6
    }

    /// Estimated latency in milliseconds until the whole answer is out.
    pub fn latency_ms(&self, output_tokens: f64) -> f64 {
        let tps = if self.output_tps.value > 0.0 {
            self.output_tps.value
        } else {
            1.0
        };
        self.ttft_ms.value + output_tokens / tps * 1000.0
    }
}

/// The whole catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    /// Free-form description of the catalog and its sources.
    #[serde(default)]
    pub about: String,
    /// When the catalog was last updated.
    #[serde(default)]
    pub updated: String,
    /// The models, in display order.
    pub models: Vec<Model>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

/// Why a catalog could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogError {
    /// What is wrong, in words.
    pub message: String,
    /// 1-based line of the problem in the JSON text, when known.
    pub line: Option<usize>,
    /// 1-based column of the problem, when known.
    pub column: Option<usize>,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "catalog:{l}:{c}: {}", self.message),
            _ => write!(f, "catalog: {}", self.message),
        }
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// Parses and validates a catalog in JSON.
    pub fn from_json(text: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog = serde_json::from_str(text).map_err(|e| CatalogError {
            message: e.to_string(),
            line: Some(e.line()),
            column: Some(e.column()),
        })?;
        Catalog::new(catalog.models, catalog.about, catalog.updated)
    }

    /// Builds a catalog from models, checking ids are unique and figures are sane.
    pub fn new(
        models: Vec<Model>,
        about: String,
        updated: String,
    ) -> Result<Catalog, CatalogError> {
        let mut index = HashMap::with_capacity(models.len());
        for (i, m) in models.iter().enumerate() {
            let err = |message: String| CatalogError {
                message,
                line: None,
                column: None,
            };
            if m.id.is_empty() {
                return Err(err(format!("model #{} has an empty id", i + 1)));
            }
            if index.insert(m.id.clone(), i).is_some() {
                return Err(err(format!("model id `{}` appears twice", m.id)));
            }
            for (what, f) in [
                ("input_price", Some(&m.input_price)),
                ("cached_input_price", m.cached_input_price.as_ref()),
                ("output_price", Some(&m.output_price)),
                ("context_window", Some(&m.context_window)),
                ("ttft_ms", Some(&m.ttft_ms)),
                ("output_tps", Some(&m.output_tps)),
            ] {
                let Some(f) = f else { continue };
                if !f.value.is_finite() || f.value < 0.0 {
                    return Err(err(format!(
                        "model `{}`: {what} must be a non-negative number",
                        m.id
                    )));
                }
            }
            for (task, q) in &m.quality.scores {
                if !q.is_finite() || !(0.0..=100.0).contains(q) {
                    return Err(err(format!(
                        "model `{}`: quality for `{task}` must be within 0-100",
                        m.id
                    )));
                }
            }
        }
        Ok(Catalog {
            about,
            updated,
            models,
            index,
        })
    }

    /// Serializes the catalog to pretty JSON (for saving an edited catalog).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The model with `id`.
    pub fn get(&self, id: &str) -> Option<&Model> {
        self.position(id).map(|i| &self.models[i])
    }

    /// The position of the model with `id` in [`Catalog::models`]. Uses the index built by
    /// [`Catalog::new`]; falls back to a scan when `models` was changed without
    /// [`Catalog::revalidate`] (or the catalog was deserialized directly).
    pub fn position(&self, id: &str) -> Option<usize> {
        match self.index.get(id) {
            Some(&i) if self.models.get(i).is_some_and(|m| m.id == id) => Some(i),
            _ => self.models.iter().position(|m| m.id == id),
        }
    }

    /// Ids of the models, in catalog order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.models.iter().map(|m| m.id.as_str())
    }

    /// The providers serving the catalog's models, in catalog order of first appearance, with
    /// how many models each serves (for the catalog view's provider filter).
    pub fn providers(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = Vec::new();
        for m in &self.models {
            match out.iter_mut().find(|(p, _)| *p == m.provider) {
                Some((_, n)) => *n += 1,
                None => out.push((m.provider.as_str(), 1)),
            }
        }
        out
    }

    /// Replaces a model's figures after an edit in place; re-validates the catalog.
    pub fn revalidate(self) -> Result<Catalog, CatalogError> {
        Catalog::new(self.models, self.about, self.updated)
    }

    /// The closest model ids to `id` (for "did you mean" hints).
    pub fn suggest(&self, id: &str) -> Option<&str> {
        closest(id, self.ids())
    }
}

/// The candidate closest to `word` by edit distance, if reasonably close.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (word.chars().count() / 3).max(2);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids() {
        let ids = ["gpt-5-mini", "claude-haiku-4.5", "gemini-2.5-flash"];
        assert_eq!(
            closest("gpt5-mini", ids.iter().copied()),
            Some("gpt-5-mini")
        );
        assert_eq!(closest("zzzzzzzz", ids.iter().copied()), None);
    }

    #[test]
    fn rejects_duplicate_ids_and_bad_json() {
        let e = Catalog::from_json("{\"models\": [}").unwrap_err();
        assert_eq!(e.line, Some(1));
        let m = r#"{"id":"a","provider":"p","maker":"m",
            "input_price":{"value":1,"source":"s","date":"d"},
            "output_price":{"value":1,"source":"s","date":"d"},
            "context_window":{"value":1000,"source":"s","date":"d"},
            "ttft_ms":{"value":100,"source":"s","date":"d"},
            "output_tps":{"value":100,"source":"s","date":"d"},
            "quality":{"scores":{"qa":50},"source":"s","date":"d"}}"#;
        let text = format!("{{\"models\": [{m}, {m}]}}");
        let e = Catalog::from_json(&text).unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
        let one = Catalog::from_json(&format!("{{\"models\": [{m}]}}")).unwrap();
        assert_eq!(one.get("a").unwrap().quality_for("qa"), 50.0);
        // Deserialized without `new`: lookups still work.
        let raw: Catalog = serde_json::from_str(&format!("{{\"models\": [{m}]}}")).unwrap();
        assert_eq!(raw.position("a"), Some(0));
        assert_eq!(one.get("a").unwrap().quality_for("unknown"), 50.0);
    }

    #[test]
    fn the_shipped_catalog_has_the_cloud_platforms_beside_the_makers_apis() {
        let c = Catalog::from_json(crate::shipped::CATALOG).unwrap();
        let providers = c.providers();
        let count = |p: &str| providers.iter().find(|x| x.0 == p).map_or(0, |x| x.1);
        assert_eq!(providers.iter().map(|p| p.1).sum::<usize>(), c.models.len());
        assert_eq!(c.models.len(), 48);
        assert_eq!(
            (count("bedrock"), count("azure"), count("vertex")),
            (9, 10, 6)
        );
        // Each platform hosts its house's models beside other makers'.
        let makers = |p: &str| -> BTreeSet<&str> {
            c.models
                .iter()
                .filter(|m| m.provider == p)
                .map(|m| m.maker.as_str())
                .collect()
        };
        assert!(makers("bedrock")
            .is_superset(&["amazon", "anthropic", "meta", "mistral", "deepseek"].into()));
        assert!(makers("azure")
            .is_superset(&["microsoft", "openai", "meta", "mistral", "deepseek", "xai"].into()));
        assert!(makers("vertex").is_superset(&["google", "anthropic", "meta"].into()));
        for m in c
            .models
            .iter()
            .filter(|m| ["bedrock", "azure", "vertex"].contains(&m.provider.as_str()))
        {
            assert!(m.id.starts_with(&format!("{}/", m.provider)), "{}", m.id);
            // Every figure is sourced and dated; an estimate says so in its source.
            let figs = [
                Some(&m.input_price),
                m.cached_input_price.as_ref(),
                Some(&m.output_price),
            ];
            for f in figs.into_iter().flatten() {
                assert!(
                    !f.source.is_empty() && !f.date.is_empty(),
                    "{}: {f:?}",
                    m.id
                );
                assert_eq!(
                    f.estimate,
                    f.source.starts_with("estimate"),
                    "{}: {f:?}",
                    m.id
                );
            }
            if let Some(cached) = &m.cached_input_price {
                assert!(
                    cached.value < m.input_price.value,
                    "{}: a cache hit costs less",
                    m.id
                );
            }
        }
    }

    #[test]
    fn cached_input_price_is_optional_checked_and_billed() {
        let base = r#""id":"a","provider":"p","maker":"m",
            "input_price":{"value":2,"source":"s","date":"d"},
            "output_price":{"value":8,"source":"s","date":"d"},
            "context_window":{"value":1000,"source":"s","date":"d"},
            "ttft_ms":{"value":100,"source":"s","date":"d"},
            "output_tps":{"value":100,"source":"s","date":"d"},
            "quality":{"scores":{"qa":50},"source":"s","date":"d"}"#;
        let plain = Catalog::from_json(&format!("{{\"models\": [{{{base}}}]}}")).unwrap();
        let m = plain.get("a").unwrap();
        assert_eq!(m.cached_input_price, None);
        // No published discount: cached tokens cost the full input price.
        assert_eq!(m.cached_input_per_mtok(), 2.0);
        assert_eq!(m.cost_with_cache(1e6, 5e5, 0.0), m.cost(1e6, 0.0));
        // Absent stays absent in the JSON written back.
        assert!(!plain.to_json().contains("cached_input_price"));

        let cached = format!(
            r#"{{"models": [{{{base}, "cached_input_price":{{"value":0.5,"source":"page","date":"2026-09"}}}}]}}"#
        );
        let c = Catalog::from_json(&cached).unwrap();
        let m = c.get("a").unwrap();
        assert_eq!(m.cached_input_price.as_ref().unwrap().source, "page");
        // 600k uncached at $2 + 400k cached at $0.50 + 1M output at $8.
        assert!((m.cost_with_cache(1e6, 4e5, 1e6) - (1.2 + 0.2 + 8.0)).abs() < 1e-12);
        // More cached tokens than input tokens are capped at the input.
        assert!((m.cost_with_cache(1e6, 2e6, 0.0) - 0.5).abs() < 1e-12);
        assert!(c.to_json().contains("\"cached_input_price\""));

        let bad = cached.replace("0.5", "-1");
        let e = Catalog::from_json(&bad).unwrap_err();
        assert!(
            e.message
                .contains("cached_input_price must be a non-negative number"),
            "{e}"
        );
    }
}
