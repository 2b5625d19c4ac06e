//! Neutrality audit: who gets the traffic under a policy, for a "house" (a set of makers
//! and/or providers).
//!
//! One stage per file:
//!
//! 1. [`house`]: the house — [`House::parse`] (`"google"`, `"amazon,bedrock"`), membership,
//!    presets for every maker and provider of the catalog.
//! 2. [`neutral`](mod@neutral): the neutral counterfactual — the same policy with every
//!    maker/provider preference and restriction naming the house removed, objectives kept;
//!    its TOML text and the list of what was removed.
//! 3. [`measure`]: house share of prompts and of spend, steered and dominated prompts, the
//!    premium and the quality given up, overall and by task type, in catalog quality and in
//!    realised outcomes; [`bootstrap`] gives the intervals (a seeded generator, no `rand`).
//! 4. [`explain`]: every steered prompt's two decisions and a one-line difference.
//! 5. [`card`]: the audit card in Markdown and JSON, headline first.
//!
//! The run reuses the prompt-set pipeline ([`Runner`]): the same reader, metadata, task
//! source (the classifier's signals) and decisions as `simulate`. The app steps an
//! [`AuditRun`] between frames; the CLI calls [`audit`].
//!
//! ```text
//! let house = House::parse("google", &catalog)?;
//! let mut run = AuditRun::new(set, policy, house, vec![balanced], catalog, config, AuditOptions::default())?;
//! while !run.is_done() { run.step(64); }
//! let report = run.report();          // report.headline, report.comparisons[0] (neutral)
//! report.card_markdown(); report.card_json();
//! ```

pub mod bootstrap;
pub mod card;
pub mod explain;
pub mod house;
pub mod measure;
pub mod neutral;

pub use bootstrap::{Prng, Stat};
pub use card::AuditCard;
pub use explain::difference;
pub use house::{display_name, House, HouseError, HousePreset};
pub use measure::{HouseShare, Measures, RealisedMeasures};
pub use neutral::{neutral, Neutral, NeutralError, Removal, RemovalKind};

use crate::catalog::Catalog;
use crate::policy::{Decision, Policy};
use crate::simulate::{prompt_facts, ParsedSet, Progress, RunConfig, Runner};
use measure::{PromptPair, Side};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// How an audit measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AuditOptions {
    /// Seed of the bootstrap's generator: the same seed gives the same intervals.
    pub seed: u64,
    /// Bootstrap resamples (0: no intervals, every interval is its point).
    pub resamples: usize,
    /// Confidence level of the intervals, e.g. 0.95.
    pub level: f64,
    /// How many steered prompts per comparison carry their two full decisions (traces);
    /// the rest carry the one-line difference only.
    pub explain_limit: usize,
}

impl Default for AuditOptions {
    /// Seed 1, 1,000 resamples, 95 % intervals, traces for the first 200 steered prompts.
    fn default() -> Self {
        AuditOptions {
            seed: 1,
            resamples: 1000,
            level: 0.95,
            explain_limit: 200,
        }
    }
}

/// Why an audit could not start.
#[derive(Debug, Clone)]
pub struct AuditError {
    /// What went wrong, in words.
    pub message: String,
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AuditError {}

/// One side's choice for one prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pick {
    /// Model id.
    pub model: String,
    /// Its maker.
    pub maker: String,
    /// Its provider.
    pub provider: String,
    /// The rule that chose it.
    pub rule: String,
    /// Estimated USD for the prompt, at the audited policy's expected answer length.
    pub cost_usd: f64,
    /// Catalog quality for the prompt's task.
    pub quality: f64,
    /// Realised score, when the prompt's outcomes score this model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<f64>,
}

/// A prompt the policy steered to the house.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SteeredPrompt {
    /// Index of the prompt in the set (order read).
    pub index: usize,
    /// Its id.
    pub id: String,
    /// The first 160 characters of its text.
    pub excerpt: String,
    /// The task type the policies saw.
    pub task: String,
    /// The policy's (house) choice.
    pub policy: Pick,
    /// The reference's choice (outside the house).
    pub reference: Pick,
    /// Whether the reference's model was at least as good and no more expensive.
    pub dominated: bool,
    /// Policy cost minus reference cost, USD.
    pub premium_usd: f64,
    /// Reference quality minus policy quality (catalog), points.
    pub quality_given_up: f64,
    /// The same in realised outcomes, when both models have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realised_given_up: Option<f64>,
    /// Which rule chose the house model and what kept the reference's model out, in one line.
    pub difference: String,
    /// The policy's full decision with its trace (the first
    /// [`AuditOptions::explain_limit`] steered prompts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_decision: Option<Decision>,
    /// The reference's full decision with its trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_decision: Option<Decision>,
}

/// The measures of one task type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskMeasures {
    /// The task type.
    pub task: String,
    /// Its measures.
    #[serde(flatten)]
    pub measures: Measures,
}

/// Which kind of reference a comparison is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// The neutral counterfactual of the policy.
    Neutral,
    /// A policy the user picked.
    Picked,
}

/// The policy against one reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The reference policy's name.
    pub reference: String,
    /// Neutral counterfactual or picked policy.
    pub kind: ReferenceKind,
    /// One sentence with the main figures.
    pub headline: String,
    /// Over the whole prompt set.
    pub overall: Measures,
    /// By task type (the policy's view of the task), largest first.
    pub by_task: Vec<TaskMeasures>,
    /// Every steered prompt, in set order.
    pub steered_prompts: Vec<SteeredPrompt>,
}

/// The neutral policy as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeutralSummary {
    /// Its name.
    pub name: String,
    /// Its TOML text (what ran).
    pub toml: String,
    /// What the transformation removed.
    pub removed: Vec<Removal>,
    /// House preferences it kept on purpose.
    pub kept: Vec<String>,
}

/// The result of an audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    /// The house.
    pub house: House,
    /// How it reads (`Google`).
    pub house_label: String,
    /// The audited policy's name.
    pub policy: String,
    /// The neutral counterfactual.
    pub neutral: NeutralSummary,
    /// Prompts audited.
    pub prompts: usize,
    /// Prompts that carry outcomes.
    pub outcome_prompts: usize,
    /// Outcome model ids not in the catalog (no policy can choose them; ignored), sorted.
    pub unknown_outcome_models: Vec<String>,
    /// How it was measured.
    pub options: AuditOptions,
    /// The headline: the comparison with the neutral counterfactual.
    pub headline: String,
    /// Against the neutral counterfactual first, then each picked reference.
    pub comparisons: Vec<Comparison>,
}

/// An audit in progress: the policy, its neutral counterfactual and the picked references over
/// one prompt set, decided in steps (the app yields between them).
pub struct AuditRun {
    runner: Runner,
    house: House,
    neutral: Neutral,
    options: AuditOptions,
    references: usize,
}

impl AuditRun {
    /// Prepares an audit of `policy` for `house` over `set`, against its neutral
    /// counterfactual and each of `references`. Fails only when the neutral policy could not
    /// be written (a bug, reported instead of a panic) or the house is empty.
    pub fn new(
        set: Arc<ParsedSet>,
        policy: Policy,
        house: House,
        references: Vec<Policy>,
        catalog: Catalog,
        config: RunConfig,
        options: AuditOptions,
    ) -> Result<AuditRun, AuditError> {
        if house.is_empty() {
            return Err(AuditError {
                message: "the house is empty: name at least one maker or provider".into(),
            });
        }
        let neutral = neutral::neutral(&policy, &house, &catalog).map_err(|e| AuditError {
            message: format!(
                "the neutral counterfactual of `{}` did not parse back: {}",
                policy.name,
                e.diagnostics
                    .iter()
                    .map(|d| d.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        })?;
        let n_refs = references.len();
        let mut policies = vec![policy, neutral.policy.clone()];
        policies.extend(references);
        Ok(AuditRun {
            runner: Runner::new(set, policies, catalog, config),
            house,
            neutral,
            options,
            references: n_refs,
        })
    }

    /// Decides the next `n` prompts under the policy and every reference.
    pub fn step(&mut self, n: usize) -> Progress {
        self.runner.step(n)
    }

    /// Decides every prompt left.
    pub fn run_to_end(&mut self) -> Progress {
        self.runner.run_to_end()
    }

    /// Whether every prompt is decided.
    pub fn is_done(&self) -> bool {
        self.runner.is_done()
    }

    /// How far the run is.
    pub fn progress(&self) -> Progress {
        self.runner.progress()
    }

    /// The house.
    pub fn house(&self) -> &House {
        &self.house
    }

    /// The neutral counterfactual (available before any prompt is decided).
    pub fn neutral(&self) -> &Neutral {
        &self.neutral
    }

    /// The underlying run (policies in order: the policy, the neutral counterfactual, the
    /// picked references).
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// The policy's and reference `r`'s full decisions for prompt `i` (reference 0 is the
    /// neutral counterfactual, 1.. the picked references); `None` when out of range or not
    /// decided yet.
    pub fn explain(&self, r: usize, i: usize) -> Option<(Decision, Decision)> {
        if r > self.references || i >= self.runner.simulation().len() {
            return None;
        }
        let record = self.runner.prompt(i)?;
        let facts = prompt_facts(record, self.runner.config(), self.runner.detects_language());
        let sim = self.runner.simulation();
        let policies = sim.policies();
        let catalog = sim.catalog();
        Some((
            policies[0].decide(&facts, catalog),
            policies[1 + r].decide(&facts, catalog),
        ))
    }

    /// The report over the prompts decided so far.
    pub fn report(&self) -> AuditReport {
        let sim = self.runner.simulation();
        let catalog = sim.catalog();
        let policies = sim.policies();
        let n = sim.len();
        let mut unknown: BTreeSet<String> = BTreeSet::new();
        let mut outcome_prompts = 0;
        let outcomes: Vec<Option<&BTreeMap<String, f64>>> = (0..n)
            .map(|i| {
                let o = self
                    .runner
                    .prompt(i)
                    .and_then(|r| r.outcomes.as_ref())
                    .filter(|o| !o.is_empty());
                if let Some(o) = o {
                    outcome_prompts += 1;
                    for id in o.keys() {
                        if catalog.get(id).is_none() {
                            unknown.insert(id.clone());
                        }
                    }
                }
                o
            })
            .collect();
        let decisions: Vec<_> = (0..n).filter_map(|i| sim.decisions(i)).collect();
        // Every cost is estimated with the audited policy's expected answer length, so a
        // reference that assumes another length (`output_tokens`) is priced on the same
        // tokens.
        let tokens: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let text = self.runner.prompt(i).map(|p| p.text.as_str()).unwrap_or("");
                let input = crate::signals::estimate_tokens(text) as f64;
                let task = sim.task(i).unwrap_or("unknown");
                let output = policies[0]
                    .output_tokens
                    .unwrap_or_else(|| crate::policy::expected_output_tokens(task, input));
                (input, output)
            })
            .collect();
        let pick = |i: usize, p: usize| -> Option<Pick> {
            let c = decisions.get(i)?.choices.get(p)?;
            let id = c.model.as_ref()?;
            let m = catalog.get(id)?;
            let e = c.estimate?;
            let (input, output) = tokens[i];
            Some(Pick {
                model: id.clone(),
                maker: m.maker.clone(),
                provider: m.provider.clone(),
                rule: c.rule.clone().unwrap_or_default(),
                cost_usd: m.cost(input, output),
                quality: e.quality,
                outcome: outcomes[i]
                    .and_then(|o| o.get(id).copied())
                    .filter(|x| x.is_finite()),
            })
        };
        let side = |p: &Pick| Side {
            house: self.house.contains_id(&p.model, catalog),
            cost: p.cost_usd,
            quality: p.quality,
            outcome: p.outcome,
        };
        let removed_rules: Vec<String> = self
            .neutral
            .removed
            .iter()
            .filter(|r| r.kind == RemovalKind::Rule)
            .map(|r| r.rule.clone())
            .collect();
        let label = self.house.label();
        let policy_name = policies[0].name.clone();
        let mut comparisons = Vec::new();
        for r in 0..=self.references {
            let pairs: Vec<PromptPair> = (0..n)
                .map(|i| PromptPair {
                    task: decisions.get(i).map(|d| d.task.clone()).unwrap_or_default(),
                    policy: pick(i, 0).as_ref().map(side),
                    reference: pick(i, 1 + r).as_ref().map(side),
                    outcomes: outcomes[i].is_some(),
                })
                .collect();
            let seed = self.options.seed.wrapping_add(r as u64);
            let all: Vec<&PromptPair> = pairs.iter().collect();
            let overall = measure::measure(&all, self.options.resamples, seed, self.options.level);
            let mut tasks: BTreeMap<&str, Vec<&PromptPair>> = BTreeMap::new();
            for p in &pairs {
                tasks.entry(p.task.as_str()).or_default().push(p);
            }
            let mut by_task: Vec<TaskMeasures> = tasks
                .iter()
                .enumerate()
                .map(|(k, (t, rows))| TaskMeasures {
                    task: t.to_string(),
                    measures: measure::measure(
                        rows,
                        self.options.resamples,
                        seed.wrapping_add(0x1000 * (k as u64 + 1)),
                        self.options.level,
                    ),
                })
                .collect();
            by_task.sort_by(|a, b| {
                b.measures
                    .prompts
                    .cmp(&a.measures.prompts)
                    .then(a.task.cmp(&b.task))
            });
            let removed: &[String] = if r == 0 { &removed_rules } else { &[] };
            let mut steered_prompts = Vec::new();
            for (i, pair) in pairs.iter().enumerate() {
                if !pair.steered() {
                    continue;
                }
                let (Some(pp), Some(rp)) = (pick(i, 0), pick(i, 1 + r)) else {
                    continue;
                };
                let full = (steered_prompts.len() < self.options.explain_limit)
                    .then(|| self.explain(r, i))
                    .flatten();
                let difference = match &full {
                    Some((a, b)) => explain::difference(a, b, removed),
                    None => format!(
                        "{}: `{}` by rule `{}`; {}: `{}` by rule `{}`",
                        policy_name,
                        pp.model,
                        pp.rule,
                        policies[1 + r].name,
                        rp.model,
                        rp.rule
                    ),
                };
                let text = self.runner.prompt(i).map(|p| p.text.as_str()).unwrap_or("");
                steered_prompts.push(SteeredPrompt {
                    index: i,
                    id: sim.id(i).unwrap_or("").to_string(),
                    excerpt: text.chars().take(160).collect(),
                    task: pair.task.clone(),
                    dominated: pair.dominated(),
                    premium_usd: pp.cost_usd - rp.cost_usd,
                    quality_given_up: rp.quality - pp.quality,
                    realised_given_up: match (pp.outcome, rp.outcome) {
                        (Some(a), Some(b)) => Some(b - a),
                        _ => None,
                    },
                    difference,
                    policy_decision: full.as_ref().map(|f| f.0.clone()),
                    reference_decision: full.map(|f| f.1),
                    policy: pp,
                    reference: rp,
                });
            }
            let kind = if r == 0 {
                ReferenceKind::Neutral
            } else {
                ReferenceKind::Picked
            };
            let reference = policies[1 + r].name.clone();
            comparisons.push(Comparison {
                headline: headline(&label, &policy_name, &reference, kind, &overall),
                reference,
                kind,
                overall,
                by_task,
                steered_prompts,
            });
        }
        AuditReport {
            house: self.house.clone(),
            house_label: label,
            policy: policy_name,
            neutral: NeutralSummary {
                name: self.neutral.policy.name.clone(),
                toml: self.neutral.toml.clone(),
                removed: self.neutral.removed.clone(),
                kept: self.neutral.kept.clone(),
            },
            prompts: n,
            outcome_prompts,
            unknown_outcome_models: unknown.into_iter().collect(),
            options: self.options,
            headline: comparisons
                .first()
                .map(|c| c.headline.clone())
                .unwrap_or_default(),
            comparisons,
        }
    }
}

/// A percentage as the headline shows it: `38%`, `0.4%`.
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p != 0.0 && p.abs() < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// The headline of one comparison: `38% of prompts steered to Google; on them customers pay
/// 21% more for 2.1 points less quality (vs. the neutral policy)`.
pub fn headline(
    house: &str,
    policy: &str,
    reference: &str,
    kind: ReferenceKind,
    m: &Measures,
) -> String {
    let vs = match kind {
        ReferenceKind::Neutral => format!("{policy} vs. its neutral counterfactual"),
        ReferenceKind::Picked => format!("{policy} vs. {reference}"),
    };
    if m.steered == 0 {
        return format!(
            "No prompts steered to {house} ({vs}); {house}'s share is {} under {policy}, {} under the reference",
            percent(m.policy_house.of_prompts.value),
            percent(m.reference_house.of_prompts.value)
        );
    }
    let cost = match m.premium_pct {
        Some(p) if p.value > 0.0005 => format!("customers pay {} more", percent(p.value)),
        Some(p) if p.value < -0.0005 => format!("customers pay {} less", percent(-p.value)),
        Some(_) => "customers pay the same".to_string(),
        // The reference spent nothing on these prompts (free models): no percentage.
        None if m.premium_usd > 0.0 => {
            format!("customers pay {} more", crate::format::usd(m.premium_usd))
        }
        None => "customers pay the same".to_string(),
    };
    let quality = match m.quality_given_up {
        Some(q) if q.value > 0.05 => format!("for {:.1} points less quality", q.value),
        Some(q) if q.value < -0.05 => format!("with {:.1} points more quality", -q.value),
        _ => "for the same quality".to_string(),
    };
    format!(
        "{} of prompts steered to {house} ({} of {}); on them {cost} {quality} ({vs})",
        percent(m.steered_share.value),
        m.steered,
        crate::format::plural(m.prompts, "prompt"),
    )
}

/// Audits `policy` for `house` over `set` in one go (see [`AuditRun`]).
pub fn audit(
    set: Arc<ParsedSet>,
    policy: Policy,
    house: House,
    references: Vec<Policy>,
    catalog: Catalog,
    config: RunConfig,
    options: AuditOptions,
) -> Result<AuditReport, AuditError> {
    let mut run = AuditRun::new(set, policy, house, references, catalog, config, options)?;
    run.run_to_end();
    Ok(run.report())
}

#[cfg(test)]
mod tests;
