//! Stage 3: evaluating a policy for one prompt, with an explained trace.

use super::expr::{self, CowMeta, Facts, Scope};
use super::{Action, Filters, Objective, Policy, Rule};
use crate::catalog::{Catalog, Model};
use cel::{Context, Value};
use serde::Serialize;

/// Estimated figures of a chosen model for one prompt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// USD for the request (input tokens plus expected output tokens at list price).
    pub cost_usd: f64,
    /// Milliseconds until the whole answer is out (time to first token + output at typical speed).
    pub latency_ms: f64,
    /// The catalog's quality (0-100) for the prompt's task (mean over tasks when unknown).
    pub quality: f64,
}

/// What happened to one rule for one prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleOutcome {
    /// The condition held and the rule chose a model.
    Chosen,
    /// The condition was false.
    NotMatched,
    /// The condition could not be evaluated (treated as false).
    Error,
    /// The condition held but every candidate was excluded: evaluation went on.
    NoEligible,
    /// Not evaluated: an earlier rule chose.
    Skipped,
}

/// One candidate model in a rule's trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateTrace {
    /// Model id.
    pub model: String,
    /// 1-based rank among the eligible candidates; `None` when excluded.
    pub rank: Option<usize>,
    /// Why it was excluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
    /// Estimated figures (absent for a model missing from the catalog).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
    /// The weighted score, for the `weighted` objective.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// One rule's line in a decision trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleTrace {
    /// Rule name.
    pub rule: String,
    /// 1-based line of the rule in the policy file.
    pub line: usize,
    /// What happened.
    pub outcome: RuleOutcome,
    /// Why, in words (the condition and the values it read).
    pub reason: String,
    /// The candidates considered, ranked then excluded (empty unless the condition held).
    pub candidates: Vec<CandidateTrace>,
}

/// The decision for one prompt under one policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Policy name.
    pub policy: String,
    /// The chosen model; `None` when even the default rule had no eligible model.
    pub model: Option<String>,
    /// The rule that chose.
    pub rule: Option<String>,
    /// Index of that rule in [`Policy::rules`].
    pub rule_index: Option<usize>,
    /// The fallback chain, in order, after the chosen model.
    pub fallbacks: Vec<String>,
    /// Estimated cost / latency / quality of the chosen model.
    pub estimate: Option<Estimate>,
    /// The task type the policy saw.
    pub task: String,
    /// The complexity the policy saw.
    pub complexity: f64,
    /// Estimated input tokens.
    pub input_tokens: f64,
    /// Expected output tokens used for the estimates.
    pub output_tokens: f64,
    /// Every rule in order: matched or not and why, with candidates.
    pub trace: Vec<RuleTrace>,
}

/// One measured evaluation of a condition (see [`Policy::measure_condition`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionRun {
    /// Its value, or why it could not be evaluated.
    pub value: Result<bool, String>,
    /// Loop iterations run (every `all` / `exists` / `exists_one` / `map` / `filter` step).
    pub steps: u64,
}

/// The compact result used by simulation: catalog and rule indices instead of names, no trace.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lean {
    /// Index of the rule that chose, in [`Policy::rules`].
    pub rule: Option<usize>,
    /// Index of the chosen model in the catalog's models.
    pub model: Option<usize>,
    /// Estimates for the chosen model.
    pub estimate: Option<Estimate>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Excl {
    NotInCatalog,
    ProviderNotAllowed,
    ProviderDenied,
    MakerNotAllowed,
    MakerDenied,
    MissingCapability(usize),
    InputPrice(f64),
    OutputPrice(f64),
    ContextWindow(f64),
    Quality(f64),
    Cost(f64),
    /// Below the quality band: (band, best eligible quality).
    QualityBand(f64, f64),
}

fn describe(
    e: Excl,
    m: Option<&Model>,
    f: &Filters,
    needed: f64,
    est: Option<&Estimate>,
) -> String {
    let Some(m) = m else {
        return "not in the catalog".into();
    };
    match e {
        Excl::NotInCatalog => "not in the catalog".into(),
        Excl::ProviderNotAllowed => format!("provider `{}` is not in allow_providers", m.provider),
        Excl::ProviderDenied => format!("provider `{}` is denied", m.provider),
        Excl::MakerNotAllowed => format!("maker `{}` is not in allow_makers", m.maker),
        Excl::MakerDenied => format!("maker `{}` is denied", m.maker),
        Excl::MissingCapability(i) => format!(
            "lacks `{}`",
            f.require.get(i).map(|s| s.as_str()).unwrap_or("?")
        ),
        Excl::InputPrice(max) => format!(
            "input price ${}/1M exceeds max ${max}/1M",
            m.input_price.value
        ),
        Excl::OutputPrice(max) => format!(
            "output price ${}/1M exceeds max ${max}/1M",
            m.output_price.value
        ),
        Excl::ContextWindow(w) => format!("needs ~{needed:.0} tokens, context window is {w:.0}"),
        Excl::Quality(floor) => format!(
            "quality {:.0} is below the floor {floor:.0}",
            est.map(|e| e.quality).unwrap_or(0.0)
        ),
        Excl::Cost(cap) => format!(
            "estimated ${:.5} exceeds max_cost ${cap}",
            est.map(|e| e.cost_usd).unwrap_or(0.0)
        ),
        Excl::QualityBand(band, best) => format!(
            "quality {:.0} is more than {band} points below the best eligible ({best:.0}): outside quality_band",
            est.map(|e| e.quality).unwrap_or(0.0)
        ),
    }
}

/// Static filters only (no prompt): provider, maker, capabilities, prices.
fn static_exclusion(m: &Model, f: &Filters) -> Option<Excl> {
    if !f.allow_providers.is_empty() && !f.allow_providers.contains(&m.provider) {
        return Some(Excl::ProviderNotAllowed);
    }
    if f.deny_providers.contains(&m.provider) {
        return Some(Excl::ProviderDenied);
    }
    if !f.allow_makers.is_empty() && !f.allow_makers.contains(&m.maker) {
        return Some(Excl::MakerNotAllowed);
    }
    if f.deny_makers.contains(&m.maker) {
        return Some(Excl::MakerDenied);
    }
    for (i, cap) in f.require.iter().enumerate() {
        if m.capabilities.has(cap) != Some(true) {
            return Some(Excl::MissingCapability(i));
        }
    }
    if let Some(max) = f.max_input_price {
        if m.input_price.value > max {
            return Some(Excl::InputPrice(max));
        }
    }
    if let Some(max) = f.max_output_price {
        if m.output_price.value > max {
            return Some(Excl::OutputPrice(max));
        }
    }
    None
}

fn dynamic_exclusion(m: &Model, f: &Filters, needed: f64, est: &Estimate) -> Option<Excl> {
    if let Some(e) = static_exclusion(m, f) {
        return Some(e);
    }
    if f.context_fit && needed > m.context_window.value {
        return Some(Excl::ContextWindow(m.context_window.value));
    }
    if let Some(floor) = f.min_quality {
        if est.quality < floor {
            return Some(Excl::Quality(floor));
        }
    }
    if let Some(cap) = f.max_cost {
        if est.cost_usd > cap {
            return Some(Excl::Cost(cap));
        }
    }
    None
}

/// The models a rule names (or every model), as catalog positions; unknown ids are `None`.
fn named_models(rule: &Rule, catalog: &Catalog) -> Vec<(String, Option<usize>)> {
    let ids: Vec<&str> = match &rule.action {
        Action::Model { model } => vec![model.as_str()],
        Action::Split { arms } => arms.iter().map(|(m, _)| m.as_str()).collect(),
        Action::Pick {
            candidates: Some(c),
            ..
        } => c.iter().map(|s| s.as_str()).collect(),
        Action::Pick {
            candidates: None, ..
        } => catalog.ids().collect(),
    };
    ids.into_iter()
        .map(|id| (id.to_string(), catalog.position(id)))
        .collect()
}

/// Why a rule can never choose a model whatever the prompt, if it cannot.
pub(crate) fn static_no_eligible(rule: &Rule, catalog: &Catalog) -> Option<String> {
    let models = named_models(rule, catalog);
    let mut reasons = Vec::new();
    for (id, pos) in &models {
        let Some(m) = pos.map(|p| &catalog.models[p]) else {
            reasons.push(format!("{id}: not in the catalog"));
            continue;
        };
        if let Some(e) = static_exclusion(m, &rule.filters) {
            reasons.push(format!(
                "{id}: {}",
                describe(e, Some(m), &rule.filters, 0.0, None)
            ));
            continue;
        }
        if let Some(floor) = rule.filters.min_quality {
            if m.max_quality() < floor {
                reasons.push(format!(
                    "{id}: best quality {:.0} < min_quality {floor:.0}",
                    m.max_quality()
                ));
                continue;
            }
        }
        return None;
    }
    if models.is_empty() {
        return Some("it has no candidates".into());
    }
    let shown: Vec<String> = reasons.iter().take(4).cloned().collect();
    let more = if reasons.len() > 4 {
        format!(" (and {} more)", reasons.len() - 4)
    } else {
        String::new()
    };
    Some(format!(
        "every candidate is excluded — {}{more}",
        shown.join("; ")
    ))
}

/// Expected answer length (tokens) per task type, used for cost and latency estimates.
pub fn expected_output_tokens(task: &str, input_tokens: f64) -> f64 {
    match task {
        "code" => 600.0,
        "math_reasoning" => 700.0,
        "planning" => 800.0,
        "summarization" => 250.0,
        "extraction" => 200.0,
        "classification" => 20.0,
        "creative_writing" => 900.0,
        "brainstorming" => 600.0,
        "qa" => 300.0,
        "translation" => input_tokens.max(50.0),
        "chat" => 200.0,
        _ => 400.0,
    }
}

fn mix(key: u64, salt: u64) -> u64 {
    // splitmix64 finalizer
    let mut z = key ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[derive(Clone, Copy)]
struct Cand {
    pos: Option<usize>,
    /// Which of the models the rule names this is (see `unknown_name`).
    named: usize,
    est: Option<Estimate>,
    excl: Option<Excl>,
    score: f64,
}

impl Policy {
    /// Output tokens assumed for a prompt.
    pub fn output_tokens_for(&self, facts: &Facts) -> f64 {
        self.output_tokens
            .unwrap_or_else(|| expected_output_tokens(&facts.task, facts.input_tokens))
    }

    /// Stage 3: decides the model for one prompt, with a full trace.
    pub fn decide(&self, facts: &Facts, catalog: &Catalog) -> Decision {
        let mut trace = Vec::with_capacity(self.rules.len());
        let mut fallbacks = Vec::new();
        let lean = self.run(facts, catalog, Some(&mut trace), &mut fallbacks);
        Decision {
            policy: self.name.clone(),
            model: lean.model.map(|p| catalog.models[p].id.clone()),
            rule: lean.rule.map(|r| self.rules[r].name.clone()),
            rule_index: lean.rule,
            fallbacks: fallbacks
                .iter()
                .map(|&p| catalog.models[p].id.clone())
                .collect(),
            estimate: lean.estimate,
            task: facts.task.clone(),
            complexity: facts.complexity,
            input_tokens: facts.input_tokens,
            output_tokens: self.output_tokens_for(facts),
            trace,
        }
    }

    /// Convenience for one prompt: prepares its [`Facts`] and decides with a full trace.
    /// `text` feeds only the split key; when deciding one prompt under several policies,
    /// build the [`Facts`] once and call [`Policy::decide`] instead.
    pub fn decide_prompt(
        &self,
        text: &str,
        signals: &crate::signals::PromptSignals,
        metadata: &expr::Metadata,
        catalog: &Catalog,
    ) -> Decision {
        self.decide(&Facts::new(text, signals, metadata), catalog)
    }

    /// Evaluates rule `rule`'s condition alone for one prompt and counts the loop iterations
    /// it ran (the steps [`MAX_CONDITION_STEPS`](super::MAX_CONDITION_STEPS) bounds). `None`
    /// for the default rule or an index out of range. For tests and measurements: it shows the
    /// work a condition really did next to its estimate ([`Rule::cost`]).
    pub fn measure_condition(&self, rule: usize, facts: &Facts) -> Option<ConditionRun> {
        let c = self.rules.get(rule)?.condition.as_ref()?;
        if let Some(why) = facts.meta_limits.check(c) {
            return Some(ConditionRun {
                value: Err(why.to_string()),
                steps: 0,
            });
        }
        let scope = Scope::new(facts, self.meta_for(facts));
        let mut ctx = Context::with_env(expr::env().clone());
        ctx.set_variable_resolver(&scope);
        Some(match scope.eval_counted(&c.guarded, &ctx) {
            Ok((value, steps)) => ConditionRun {
                value: Ok(value),
                steps,
            },
            Err(e) => ConditionRun {
                value: Err(e),
                steps: scope.steps(),
            },
        })
    }

    /// The request metadata as conditions read it: the policy's defaults, shared, when the
    /// request carries none; else the request's fields over the defaults.
    fn meta_for(&self, facts: &Facts) -> CowMeta<'_> {
        if facts.metadata.is_empty() {
            CowMeta::Borrowed(self.default_meta.as_ref().as_ref())
        } else {
            CowMeta::Owned(expr::meta_value(&self.meta_schema, &facts.metadata))
        }
    }

    /// Decides without building a trace (what simulation uses): the fastest path. The
    /// fallback chain is written to `fallbacks` as catalog indices (cleared first), so a caller
    /// deciding many prompts can reuse one buffer.
    pub fn decide_lean(
        &self,
        facts: &Facts,
        catalog: &Catalog,
        fallbacks: &mut Vec<usize>,
    ) -> Lean {
        self.run(facts, catalog, None, fallbacks)
    }

    fn run(
        &self,
        facts: &Facts,
        catalog: &Catalog,
        mut trace: Option<&mut Vec<RuleTrace>>,
        fallbacks: &mut Vec<usize>,
    ) -> Lean {
        fallbacks.clear();
        let out_tokens = self.output_tokens_for(facts);
        let needed = facts.input_tokens + out_tokens;
        let scope = Scope::new(facts, self.meta_for(facts));
        let mut ctx = Context::with_env(expr::env().clone());
        ctx.set_variable_resolver(&scope);
        let mut cands: Vec<Cand> = Vec::new();
        let seen = std::cell::RefCell::new(vec![0u64; catalog.models.len().div_ceil(64)]);
        let mut chosen: Option<(usize, usize, Estimate)> = None;
        for (ri, rule) in self.rules.iter().enumerate() {
            if chosen.is_some() {
                if let Some(t) = trace.as_deref_mut() {
                    t.push(RuleTrace {
                        rule: rule.name.clone(),
                        line: rule.line,
                        outcome: RuleOutcome::Skipped,
                        reason: "not evaluated: an earlier rule chose".into(),
                        candidates: Vec::new(),
                    });
                }
                continue;
            }
            // Condition.
            let matched = match &rule.condition {
                None => Ok(true),
                Some(c) => match c.constant {
                    Some(b) => Ok(b),
                    None => match facts.meta_limits.check(c) {
                        Some(why) => Err(why.to_string()),
                        None => scope.eval(&c.guarded, &ctx),
                    },
                },
            };
            let reason_vals = |r: &Rule| -> String {
                let vals: Vec<String> = r
                    .cond_vars
                    .iter()
                    .map(|v| format!("{v} = {}", var_text(v, &ctx)))
                    .collect();
                if vals.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", vals.join(", "))
                }
            };
            match matched {
                Ok(false) | Err(_) => {
                    if let Some(t) = trace.as_deref_mut() {
                        let (outcome, reason) = match &matched {
                            Err(e) => (
                                RuleOutcome::Error,
                                format!(
                                    "condition `{}` failed: {e}; treated as false{}",
                                    rule.when.as_deref().unwrap_or(""),
                                    reason_vals(rule)
                                ),
                            ),
                            _ => (
                                RuleOutcome::NotMatched,
                                format!(
                                    "`{}` is false{}",
                                    rule.when.as_deref().unwrap_or(""),
                                    reason_vals(rule)
                                ),
                            ),
                        };
                        t.push(RuleTrace {
                            rule: rule.name.clone(),
                            line: rule.line,
                            outcome,
                            reason,
                            candidates: Vec::new(),
                        });
                    }
                    continue;
                }
                Ok(true) => {}
            }
            // Candidates. `named` counts the models the rule names, in order (primaries, then
            // fallbacks), so a model missing from the catalog can be named in the trace.
            cands.clear();
            seen.borrow_mut().fill(0);
            let mut named = 0usize;
            let push = |pos: Option<usize>, cands: &mut Vec<Cand>, named: &mut usize| {
                let index = *named;
                *named += 1;
                // Already a candidate? A bit per catalog model (a rule without a list has every
                // model: comparing each with all before it was quadratic; issue 14).
                if let Some(p) = pos {
                    let (word, bit) = (p / 64, 1u64 << (p % 64));
                    if seen.borrow()[word] & bit != 0 {
                        return;
                    }
                    seen.borrow_mut()[word] |= bit;
                }
                let (est, excl) = match pos {
                    Some(p) => {
                        let m = &catalog.models[p];
                        let est = Estimate {
                            cost_usd: m.cost(facts.input_tokens, out_tokens),
                            latency_ms: m.latency_ms(out_tokens),
                            quality: m.quality_for(&facts.task),
                        };
                        (Some(est), dynamic_exclusion(m, &rule.filters, needed, &est))
                    }
                    None => (None, Some(Excl::NotInCatalog)),
                };
                cands.push(Cand {
                    pos,
                    named: index,
                    est,
                    excl,
                    score: 0.0,
                });
            };
            match &rule.action {
                Action::Model { model } => push(catalog.position(model), &mut cands, &mut named),
                Action::Split { arms } => {
                    // One weight per candidate: a model named in several arms is one candidate
                    // whose weights add up.
                    let mut weights: Vec<f64> = Vec::with_capacity(arms.len());
                    for (m, w) in arms {
                        let pos = catalog.position(m);
                        match cands.iter().position(|c| c.pos == pos && pos.is_some()) {
                            Some(i) => {
                                weights[i] += *w;
                                named += 1;
                            }
                            None => {
                                push(pos, &mut cands, &mut named);
                                weights.push(*w);
                            }
                        }
                    }
                    // Weighted pick among the eligible arms, deterministic per prompt.
                    let total: f64 = weights
                        .iter()
                        .zip(&cands)
                        .filter(|(_, c)| c.excl.is_none())
                        .map(|(w, _)| *w)
                        .sum();
                    if total > 0.0 {
                        let u = (mix(facts.split_key, ri as u64 + 1) >> 11) as f64
                            / (1u64 << 53) as f64
                            * total;
                        let mut acc = 0.0;
                        let mut pick = None;
                        for (i, (w, c)) in weights.iter().zip(&cands).enumerate() {
                            if c.excl.is_some() {
                                continue;
                            }
                            acc += *w;
                            pick = Some(i);
                            if u < acc {
                                break;
                            }
                        }
                        if let Some(i) = pick {
                            if i < cands.len() {
                                let c = cands.remove(i);
                                cands.insert(0, c);
                            }
                        }
                    }
                }
                Action::Pick {
                    candidates,
                    objective,
                } => {
                    match candidates {
                        Some(list) => {
                            for m in list {
                                push(catalog.position(m), &mut cands, &mut named);
                            }
                        }
                        None => {
                            for p in 0..catalog.models.len() {
                                push(Some(p), &mut cands, &mut named);
                            }
                            // The rule names no primary model: fallbacks count from 0.
                            named = 0;
                        }
                    }
                    if let Some(band) = rule.filters.quality_band {
                        band_filter(&mut cands, band);
                    }
                    rank(&mut cands, *objective);
                }
            }
            let n_primary = cands.len();
            for f in &rule.fallbacks {
                push(catalog.position(f), &mut cands, &mut named);
            }
            let first = cands.iter().position(|c| c.excl.is_none());
            if let Some(fi) = first {
                let pos = cands[fi].pos.unwrap_or(0);
                let est = cands[fi].est.unwrap_or(Estimate {
                    cost_usd: 0.0,
                    latency_ms: 0.0,
                    quality: 0.0,
                });
                chosen = Some((ri, pos, est));
                // Fallback chain: next-ranked eligible primaries, then the explicit fallbacks.
                let auto = cands[..n_primary]
                    .iter()
                    .skip(fi + 1)
                    .filter(|c| c.excl.is_none())
                    .take(rule.fallback_count)
                    .filter_map(|c| c.pos);
                fallbacks.extend(auto);
                let explicit: Vec<usize> = cands[n_primary..]
                    .iter()
                    .filter(|c| c.excl.is_none())
                    .filter_map(|c| c.pos)
                    .collect();
                for p in explicit {
                    if p != pos && !fallbacks.contains(&p) {
                        fallbacks.push(p);
                    }
                }
            }
            if let Some(t) = trace.as_deref_mut() {
                let mut rank_no = 0;
                let ct: Vec<CandidateTrace> = cands
                    .iter()
                    .map(|c| {
                        let m = c.pos.map(|p| &catalog.models[p]);
                        let rank = if c.excl.is_none() {
                            rank_no += 1;
                            Some(rank_no)
                        } else {
                            None
                        };
                        CandidateTrace {
                            model: m
                                .map(|m| m.id.clone())
                                .unwrap_or_else(|| unknown_name(rule, c.named)),
                            rank,
                            excluded: c
                                .excl
                                .map(|e| describe(e, m, &rule.filters, needed, c.est.as_ref())),
                            estimate: c.est,
                            score: match rule.action {
                                Action::Pick {
                                    objective: Objective::Weighted { .. },
                                    ..
                                } if c.excl.is_none() => Some(c.score),
                                _ => None,
                            },
                        }
                    })
                    .collect();
                let cond = match &rule.when {
                    Some(w) => format!("`{w}` is true{}", reason_vals(rule)),
                    None => "default rule: no earlier rule chose".into(),
                };
                let (outcome, reason) = match chosen {
                    Some((_, p, _)) => (
                        RuleOutcome::Chosen,
                        format!("{cond}; {} by {}", catalog.models[p].id, how(rule)),
                    ),
                    None => (
                        RuleOutcome::NoEligible,
                        format!("{cond}, but every candidate was excluded; going on"),
                    ),
                };
                t.push(RuleTrace {
                    rule: rule.name.clone(),
                    line: rule.line,
                    outcome,
                    reason,
                    candidates: ct,
                });
            }
        }
        match chosen {
            Some((ri, pos, est)) => Lean {
                rule: Some(ri),
                model: Some(pos),
                estimate: Some(est),
            },
            None => Lean {
                rule: None,
                model: None,
                estimate: None,
            },
        }
    }
}

/// The `i`-th model id the rule names (primaries, then fallbacks).
fn unknown_name(rule: &Rule, i: usize) -> String {
    let named: Vec<&str> = match &rule.action {
        Action::Model { model } => vec![model],
        Action::Split { arms } => arms.iter().map(|(m, _)| m.as_str()).collect(),
        Action::Pick {
            candidates: Some(c),
            ..
        } => c.iter().map(|s| s.as_str()).collect(),
        Action::Pick {
            candidates: None, ..
        } => vec![],
    };
    let all: Vec<&str> = named
        .into_iter()
        .chain(rule.fallbacks.iter().map(|s| s.as_str()))
        .collect();
    all.get(i)
        .map(|s| s.to_string())
        .unwrap_or_else(|| "?".into())
}

/// `quality_band`: the eligible candidates more than `band` points below the best eligible
/// quality are excluded (before ranking, so the cheapest of the rest wins).
fn band_filter(cands: &mut [Cand], band: f64) {
    let best = cands
        .iter()
        .filter(|c| c.excl.is_none())
        .filter_map(|c| c.est.map(|e| e.quality))
        .fold(f64::NEG_INFINITY, f64::max);
    if !best.is_finite() {
        return;
    }
    for c in cands.iter_mut().filter(|c| c.excl.is_none()) {
        if c.est.is_some_and(|e| e.quality < best - band) {
            c.excl = Some(Excl::QualityBand(band, best));
        }
    }
}

fn how(rule: &Rule) -> String {
    match &rule.action {
        Action::Model { .. } => "fixed model".into(),
        Action::Split { .. } => "weighted split (deterministic per prompt)".into(),
        Action::Pick { objective, .. } => match objective {
            Objective::Cheapest => match rule.filters.quality_band {
                Some(b) => format!("cheapest eligible within {b} quality points of the best"),
                None => "cheapest eligible".into(),
            },
            Objective::BestQuality => "best quality eligible".into(),
            Objective::Fastest => "fastest eligible".into(),
            Objective::Weighted {
                cost,
                quality,
                latency,
            } => {
                format!("weighted score (quality {quality}, cost {cost}, latency {latency})")
            }
        },
    }
}

fn rank(cands: &mut [Cand], objective: Objective) {
    let key = |c: &Cand| -> f64 {
        let Some(e) = c.est else { return f64::INFINITY };
        match objective {
            Objective::Cheapest => e.cost_usd,
            Objective::BestQuality => -e.quality,
            Objective::Fastest => e.latency_ms,
            Objective::Weighted { .. } => -c.score,
        }
    };
    if let Objective::Weighted {
        cost,
        quality,
        latency,
    } = objective
    {
        let mut lo = [f64::INFINITY; 3];
        let mut hi = [f64::NEG_INFINITY; 3];
        for c in cands.iter().filter(|c| c.excl.is_none()) {
            if let Some(e) = c.est {
                for (i, v) in [e.quality, e.cost_usd, e.latency_ms]
                    .into_iter()
                    .enumerate()
                {
                    lo[i] = lo[i].min(v);
                    hi[i] = hi[i].max(v);
                }
            }
        }
        let norm = |v: f64, i: usize| {
            if hi[i] > lo[i] {
                (v - lo[i]) / (hi[i] - lo[i])
            } else {
                0.0
            }
        };
        for c in cands.iter_mut() {
            if let (Some(e), None) = (c.est, c.excl) {
                c.score = quality * norm(e.quality, 0)
                    - cost * norm(e.cost_usd, 1)
                    - latency * norm(e.latency_ms, 2);
            }
        }
    }
    // Eligible first, by objective; ties keep catalog / list order (stable sort).
    let by = |a: &(bool, f64), b: &(bool, f64)| {
        a.0.cmp(&b.0)
            .then(a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal))
    };
    let keys: Vec<(bool, f64)> = cands.iter().map(|c| (c.excl.is_some(), key(c))).collect();
    if keys.iter().any(|k| k.1.is_nan()) {
        // A NaN compares equal to everything, so the order depends on the algorithm: sort the
        // candidates themselves, as always.
        cands.sort_by(|a, b| by(&(a.excl.is_some(), key(a)), &(b.excl.is_some(), key(b))));
        return;
    }
    // Without NaN the keys are totally ordered and a stable sort has one result: sort indices
    // by precomputed keys, then move each candidate once (issue 14: the candidates are ~90
    // bytes and a rule without a list ranks the whole catalog).
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by(|&a, &b| by(&keys[a], &keys[b]));
    let sorted: Vec<Cand> = order.iter().map(|&i| cands[i]).collect();
    cands.copy_from_slice(&sorted);
}

fn var_text(name: &str, ctx: &Context) -> String {
    if let Some((var, field)) = name.split_once('.') {
        return match ctx.get_variable(var).map(|v| Value::try_from(v.as_ref())) {
            Some(Ok(Value::Map(m))) => match m.map.get(&cel::objects::Key::from(field.to_string()))
            {
                Some(v) => short_value(v),
                None => "(absent)".into(),
            },
            _ => "?".into(),
        };
    }
    match ctx.get_variable(name) {
        Some(v) => match Value::try_from(v.as_ref()) {
            Ok(v) => short_value(&v),
            Err(_) => "?".into(),
        },
        None => "?".into(),
    }
}

pub(crate) fn short_value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => format!("{f:.2}"),
        Value::String(s) => format!("{:?}", s.as_str()),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::List(l) => format!(
            "[{}]",
            l.iter()
                .take(8)
                .map(short_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(m) => {
            let mut items: Vec<(String, String, f64)> = m
                .map
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        cel::objects::Key::String(s) => s.to_string(),
                        other => format!("{other:?}"),
                    };
                    let num = match v {
                        Value::Float(f) => *f,
                        _ => 0.0,
                    };
                    (key, short_value(v), num)
                })
                .collect();
            items.sort_by(|a, b| {
                b.2.partial_cmp(&a.2)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.0.cmp(&b.0))
            });
            // A score map: leave out the zero entries.
            if m.map.values().all(|v| matches!(v, Value::Float(_))) {
                items.retain(|(_, _, n)| *n >= 0.005);
            }
            let shown: Vec<String> = items
                .iter()
                .take(4)
                .map(|(k, v, _)| format!("{k}: {v}"))
                .collect();
            let more = if items.len() > 4 { ", …" } else { "" };
            format!("{{{}{more}}}", shown.join(", "))
        }
        other => format!("{other:?}"),
    }
}
