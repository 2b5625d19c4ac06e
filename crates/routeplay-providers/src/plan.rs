//! What to run (the route plan the app receives), what it cost, and the exportable history.

use crate::decode::Usage;
use crate::errors::ProviderError;

/// One model to call, with its catalog prices.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlannedModel {
    /// Provider id (a [`crate::presets`] id or alias such as `google`).
    pub provider: String,
    /// Model id as the provider names it.
    pub model: String,
    /// USD per 1M input tokens (catalog).
    pub input_per_mtok: f64,
    /// USD per 1M output tokens (catalog).
    pub output_per_mtok: f64,
    /// The router's cost estimate for this prompt, USD, if it made one.
    #[serde(default)]
    pub estimated_cost_usd: Option<f64>,
    /// The router's latency estimate for the whole answer, ms, if it made one.
    #[serde(default)]
    pub estimated_latency_ms: Option<f64>,
    /// Where and when the prices were seen (shown next to costs).
    #[serde(default)]
    pub price_source: Option<String>,
}

/// The routed model, its fallback chain, and alternatives for comparison.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RoutePlan {
    /// The model the policy chose.
    pub routed: PlannedModel,
    /// Tried in order when the routed model fails with a fallback-worthy error.
    #[serde(default)]
    pub fallbacks: Vec<PlannedModel>,
    /// Other candidates the user may compare against.
    #[serde(default)]
    pub alternatives: Vec<PlannedModel>,
}

impl RoutePlan {
    /// Routed model followed by the fallbacks.
    pub fn chain(&self) -> Vec<PlannedModel> {
        std::iter::once(self.routed.clone())
            .chain(self.fallbacks.iter().cloned())
            .collect()
    }
}

/// The role of a line in the editable run list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The model the policy chose (first of the fallback chain).
    Routed,
    /// Tried in order after the routed model.
    Fallback,
    /// Run in parallel in compare mode.
    Compare,
}

/// The plan as editable text: one `routed|fallback|compare provider model [in out]` per line,
/// prices in USD per 1M tokens.
pub fn plan_to_text(plan: &RoutePlan) -> String {
    let line = |role: &str, m: &PlannedModel| {
        if m.input_per_mtok.is_finite() && m.output_per_mtok.is_finite() {
            format!(
                "{role} {} {} {} {}\n",
                m.provider, m.model, m.input_per_mtok, m.output_per_mtok
            )
        } else {
            format!("{role} {} {}\n", m.provider, m.model)
        }
    };
    let mut s = line("routed", &plan.routed);
    for m in &plan.fallbacks {
        s += &line("fallback", m);
    }
    for m in &plan.alternatives {
        s += &line("compare", m);
    }
    s
}

/// A parsed run list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunList {
    /// Entries in order.
    pub entries: Vec<(Role, PlannedModel)>,
    /// One message per line that could not be read (1-based line numbers).
    pub errors: Vec<String>,
}

/// Parse the run list. Models also in `plan` keep its prices, estimates and price source;
/// prices typed on the line override them (the source then says so). Blank lines and lines
/// starting with `#` are skipped. Prices may be omitted (cost then shows "no catalog price").
pub fn parse_run_list(text: &str, plan: Option<&RoutePlan>) -> RunList {
    let known: Vec<&PlannedModel> = plan
        .map(|p| {
            std::iter::once(&p.routed)
                .chain(p.fallbacks.iter())
                .chain(p.alternatives.iter())
                .collect()
        })
        .unwrap_or_default();
    let mut out = RunList::default();
    for (n, l) in text.lines().enumerate() {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let w: Vec<&str> = l.split_whitespace().collect();
        let role = match w[0] {
            "routed" => Role::Routed,
            "fallback" => Role::Fallback,
            "compare" => Role::Compare,
            other => {
                out.errors.push(format!(
                    "line {}: \"{other}\" is not routed, fallback or compare",
                    n + 1
                ));
                continue;
            }
        };
        if w.len() != 3 && w.len() != 5 {
            out.errors.push(format!(
                "line {}: expected \"{} provider model\" and optionally two prices",
                n + 1,
                w[0]
            ));
            continue;
        }
        let prices: Option<(f64, f64)> = if w.len() == 5 {
            match (w[3].parse::<f64>(), w[4].parse::<f64>()) {
                (Ok(i), Ok(o)) if i >= 0.0 && o >= 0.0 && i.is_finite() && o.is_finite() => {
                    Some((i, o))
                }
                _ => {
                    out.errors.push(format!(
                        "line {}: prices must be two non-negative numbers",
                        n + 1
                    ));
                    continue;
                }
            }
        } else {
            None
        };
        let (provider, model) = (w[1], w[2]);
        let mut m = known
            .iter()
            .find(|k| k.provider == provider && k.model == model)
            .map(|k| (*k).clone())
            .unwrap_or(PlannedModel {
                provider: provider.to_string(),
                model: model.to_string(),
                input_per_mtok: f64::NAN,
                output_per_mtok: f64::NAN,
                estimated_cost_usd: None,
                estimated_latency_ms: None,
                price_source: None,
            });
        if let Some((i, o)) = prices {
            if i != m.input_per_mtok || o != m.output_per_mtok {
                m.input_per_mtok = i;
                m.output_per_mtok = o;
                m.price_source = Some("typed in the run list".to_string());
            }
        }
        out.entries.push((role, m));
    }
    out
}

/// Rough token estimate used when a provider reports no usage (about 4 characters per token);
/// always shown marked as an estimate.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// USD cost of `input`/`output` tokens at per-1M prices.
pub fn cost_usd(input: u64, output: u64, input_per_mtok: f64, output_per_mtok: f64) -> f64 {
    (input as f64 * input_per_mtok + output as f64 * output_per_mtok) / 1_000_000.0
}

/// Token counts for display: provider usage where reported, else estimates (flagged).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tokens {
    /// Input tokens.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// True if either number is estimated rather than reported.
    pub estimated: bool,
}

/// Combine reported usage with estimates from the prompt and answer text.
pub fn tokens_for(usage: Usage, prompt: &str, answer: &str) -> Tokens {
    Tokens {
        input: usage
            .input_tokens
            .unwrap_or_else(|| estimate_tokens(prompt)),
        output: usage
            .output_tokens
            .unwrap_or_else(|| estimate_tokens(answer)),
        estimated: usage.input_tokens.is_none() || usage.output_tokens.is_none(),
    }
}

/// One attempt in a run's trace.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attempt {
    /// Provider id.
    pub provider: String,
    /// Model id.
    pub model: String,
    /// `served`, `failed`, `skipped` or `cancelled`.
    pub outcome: String,
    /// Why it failed, in user words (keys already scrubbed).
    pub reason: Option<String>,
    /// The classified error, if any.
    pub error: Option<ProviderError>,
}

/// One finished run as exported (JSONL). Deliberately has no field that could hold a key or a
/// request header.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunRecord {
    /// Milliseconds since the Unix epoch when the run started.
    pub started_at_ms: f64,
    /// `routed` (fallback chain) or `compare`.
    pub mode: String,
    /// The prompt.
    pub prompt: String,
    /// Provider that answered (or last tried).
    pub provider: String,
    /// Model that answered (or last tried).
    pub model: String,
    /// Every attempt, in order (fallback trace).
    pub attempts: Vec<Attempt>,
    /// Answer text (possibly partial).
    pub answer: String,
    /// Whether the answer is complete.
    pub complete: bool,
    /// Time to first token, ms.
    pub ttft_ms: Option<f64>,
    /// Total time, ms.
    pub total_ms: Option<f64>,
    /// Tokens (reported or estimated).
    pub tokens: Option<Tokens>,
    /// Actual cost from catalog prices, USD.
    pub cost_usd: Option<f64>,
    /// The router's estimate, USD.
    pub estimated_cost_usd: Option<f64>,
    /// The router's latency estimate, ms.
    #[serde(default)]
    pub estimated_latency_ms: Option<f64>,
}

/// Serialise records as JSON Lines.
pub fn to_jsonl(records: &[RunRecord]) -> String {
    records
        .iter()
        .filter_map(|r| serde_json::to_string(r).ok())
        .map(|l| l + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_and_estimates() {
        assert!((cost_usd(1_000_000, 500_000, 2.0, 8.0) - 6.0).abs() < 1e-9);
        assert_eq!(estimate_tokens("abcdefgh1"), 3);
        let t = tokens_for(
            Usage {
                input_tokens: Some(10),
                output_tokens: None,
            },
            "p",
            "answer text",
        );
        assert_eq!((t.input, t.output, t.estimated), (10, 3, true));
    }

    fn pm(p: &str, m: &str, i: f64, o: f64) -> PlannedModel {
        PlannedModel {
            provider: p.into(),
            model: m.into(),
            input_per_mtok: i,
            output_per_mtok: o,
            estimated_cost_usd: Some(0.5),
            estimated_latency_ms: None,
            price_source: Some("catalog".into()),
        }
    }

    #[test]
    fn run_list_round_trip_and_errors() {
        let plan = RoutePlan {
            routed: pm("openai", "gpt-5.4-mini", 0.75, 4.5),
            fallbacks: vec![pm("anthropic", "claude-haiku-4-5", 1.0, 5.0)],
            alternatives: vec![pm("google", "gemini-2.5-flash", 0.3, 2.5)],
        };
        let text = plan_to_text(&plan);
        assert_eq!(
            text,
            "routed openai gpt-5.4-mini 0.75 4.5\nfallback anthropic claude-haiku-4-5 1 5\ncompare google gemini-2.5-flash 0.3 2.5\n"
        );
        let back = parse_run_list(&text, Some(&plan));
        assert!(back.errors.is_empty());
        assert_eq!(back.entries.len(), 3);
        assert_eq!(back.entries[0], (Role::Routed, plan.routed.clone()));
        assert_eq!(back.entries[2].0, Role::Compare);

        let edited = "# mine\n\nrouted openai gpt-5.4-mini 1 4.5\ncompare groq llama\nbogus x y\ncompare a b 1\nfallback a b x y\n";
        let r = parse_run_list(edited, Some(&plan));
        assert_eq!(r.entries.len(), 2);
        assert_eq!(
            r.entries[0].1.price_source.as_deref(),
            Some("typed in the run list")
        );
        assert_eq!(r.entries[0].1.estimated_cost_usd, Some(0.5));
        assert!(r.entries[1].1.input_per_mtok.is_nan());
        assert_eq!(r.errors.len(), 3, "{:?}", r.errors);
        assert!(r.errors[0].starts_with("line 5:"));
    }

    #[test]
    fn jsonl_lines() {
        let r = RunRecord {
            started_at_ms: 1.0,
            mode: "routed".into(),
            prompt: "p".into(),
            provider: "openai".into(),
            model: "m".into(),
            attempts: vec![],
            answer: "a\nb".into(),
            complete: true,
            ttft_ms: Some(1.0),
            total_ms: Some(2.0),
            tokens: None,
            cost_usd: None,
            estimated_cost_usd: None,
            estimated_latency_ms: None,
        };
        let s = to_jsonl(&[r.clone(), r]);
        assert_eq!(s.lines().count(), 2);
        let back: RunRecord = serde_json::from_str(s.lines().next().unwrap()).unwrap();
        assert_eq!(back.answer, "a\nb");
    }
}
