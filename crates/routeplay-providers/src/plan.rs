//! What to run (the route plan the app receives), what it cost, and the exportable history.

use crate::decode::Usage;
use crate::errors::{should_fall_back, ErrorKind, ProviderError};

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

/// Combine reported usage with estimates. `estimate(Side)` is asked only for a count the provider
/// did not report; the app passes the core's estimator (`routeplay_core::signals::tokens`), the
/// same one the router's own estimate uses, so the card never shows two estimators' numbers.
pub fn tokens_for(usage: Usage, mut estimate: impl FnMut(Side) -> u64) -> Tokens {
    Tokens {
        input: usage.input_tokens.unwrap_or_else(|| estimate(Side::Input)),
        output: usage
            .output_tokens
            .unwrap_or_else(|| estimate(Side::Output)),
        estimated: usage.input_tokens.is_none() || usage.output_tokens.is_none(),
    }
}

/// Which side of a run a token estimate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The prompt.
    Input,
    /// The answer.
    Output,
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
    /// Whether a model served the answer and the provider said it was complete (an end marker
    /// or a finish reason). A `length` finish still counts: see `finish_reason`.
    pub complete: bool,
    /// The answer text is only the start of what the provider was sending: the stream was cut
    /// (closed early, broke a limit, timed out, cancelled, failed midway).
    #[serde(default)]
    pub partial: bool,
    /// The provider's finish reason (`stop`, `length`, `end_turn`, `max_tokens`, `MAX_TOKENS`,
    /// `SAFETY`, `content_filter`, …), when it gave one.
    #[serde(default)]
    pub finish_reason: Option<String>,
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

/// What happened to one model of a fallback chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It answered.
    Served,
    /// Not sent: a problem found before sending (no key, key bound elsewhere, a key character
    /// a header cannot carry, a request that cannot be built, no endpoint).
    Skipped,
    /// Sent, and it failed.
    Failed,
    /// The user cancelled.
    Cancelled,
}

impl Outcome {
    /// The word used in the trace and the export.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Served => "served",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// What a fallback chain does after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Try the next model in the chain.
    TryNext,
    /// Stop here; the card ends with this outcome.
    Stop(Outcome),
}

/// The fallback chain's state machine, one step: given how the attempt at a model ended
/// (`None` = served) and whether more models follow, what the attempt is recorded as and what
/// happens next. Local problems (see [`ErrorKind::is_local`]) are `Skipped`: nothing was sent,
/// and the chain moves on when [`should_fall_back`] says so — a key the header cannot carry
/// disqualifies only its own provider, so other providers in the chain still run.
pub fn step(result: Option<&ProviderError>, more: bool) -> (Outcome, Next) {
    let Some(e) = result else {
        return (Outcome::Served, Next::Stop(Outcome::Served));
    };
    let outcome = if e.kind == ErrorKind::Cancelled {
        Outcome::Cancelled
    } else if e.kind.is_local() {
        Outcome::Skipped
    } else {
        Outcome::Failed
    };
    let next = if outcome == Outcome::Cancelled {
        Next::Stop(Outcome::Cancelled)
    } else if more && should_fall_back(e) {
        Next::TryNext
    } else {
        Next::Stop(Outcome::Failed)
    };
    (outcome, next)
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
        let mut asked = Vec::new();
        let t = tokens_for(
            Usage {
                input_tokens: Some(10),
                output_tokens: None,
            },
            |side| {
                asked.push(side);
                3
            },
        );
        assert_eq!((t.input, t.output, t.estimated), (10, 3, true));
        assert_eq!(asked, [Side::Output], "only the missing count is estimated");
        let t = tokens_for(
            Usage {
                input_tokens: Some(1),
                output_tokens: Some(2),
            },
            |_| unreachable!("nothing to estimate"),
        );
        assert_eq!((t.input, t.output, t.estimated), (1, 2, false));
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
            partial: false,
            finish_reason: Some("stop".into()),
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
        assert_eq!(back.finish_reason.as_deref(), Some("stop"));
        // Records exported before `partial` / `finish_reason` existed still read.
        let old = s
            .lines()
            .next()
            .unwrap()
            .replace(",\"partial\":false,\"finish_reason\":\"stop\"", "");
        assert!(!old.contains("partial"));
        let back: RunRecord = serde_json::from_str(&old).unwrap();
        assert!(!back.partial && back.finish_reason.is_none());
    }

    #[test]
    fn fallback_chain_steps() {
        use ErrorKind::*;
        let e = |k| ProviderError::new(k);
        assert_eq!(
            step(None, true),
            (Outcome::Served, Next::Stop(Outcome::Served))
        );
        // Transient and local problems move on while models remain.
        for k in [
            RateLimited,
            Overloaded,
            Timeout,
            Network,
            NotFound,
            Incomplete,
            TimeLimit,
        ] {
            assert_eq!(
                step(Some(&e(k)), true),
                (Outcome::Failed, Next::TryNext),
                "{k:?}"
            );
            assert_eq!(
                step(Some(&e(k)), false),
                (Outcome::Failed, Next::Stop(Outcome::Failed)),
                "{k:?} last"
            );
        }
        for k in [MissingKey, HostNotAllowed, LocalKey, LocalRequest] {
            assert_eq!(
                step(Some(&e(k)), true),
                (Outcome::Skipped, Next::TryNext),
                "{k:?}"
            );
            assert_eq!(
                step(Some(&e(k)), false),
                (Outcome::Skipped, Next::Stop(Outcome::Failed)),
                "{k:?} last"
            );
        }
        // Problems the next model would not fix stop the chain.
        for k in [BadKey, OutOfQuota, BadRequest, TooLarge, BadResponse] {
            assert_eq!(
                step(Some(&e(k)), true),
                (Outcome::Failed, Next::Stop(Outcome::Failed)),
                "{k:?}"
            );
        }
        assert_eq!(
            step(Some(&e(Cancelled)), true),
            (Outcome::Cancelled, Next::Stop(Outcome::Cancelled))
        );
        // After text was shown nothing falls back (no silent double billing).
        let mut cut = e(Incomplete);
        cut.mid_stream = true;
        assert_eq!(
            step(Some(&cut), true),
            (Outcome::Failed, Next::Stop(Outcome::Failed))
        );
    }
}
