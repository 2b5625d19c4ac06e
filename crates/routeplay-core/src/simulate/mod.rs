//! Simulation: a prompt set under several policies, incrementally.
//!
//! The pipeline from a file to results is [`Runner`] (reading with [`read_prompt_set`],
//! metadata, task prediction, decisions, summary, diff filter, exports), used alike by the app
//! and the CLI. [`Simulation`] is its engine:
//!
//! ```text
//! let mut sim = Simulation::new(policies, catalog);
//! for prompt in prompts { sim.add(&id, &facts, outcomes.as_ref()); }   // in chunks, cancellable
//! let report = sim.report();          // totals, shares, latency percentiles, rule coverage
//! let diff = sim.diff(0, 1);          // which prompts changed route between two policies
//! ```
//!
//! Decisions are computed without traces (a trace is one [`Policy::decide`] away for any single
//! prompt). When a prompt carries per-model `outcomes` (a realized score per model id), the
//! report also gives the realized score of each policy against the oracle (the best model per
//! prompt) and the best single model.

pub mod charts;
pub mod export;
pub mod input;
pub mod runner;

pub use charts::{flow, flow_counted, pareto_frontier, Flow};
pub use export::{csv_cell, ExportFormat};
pub use input::{
    parse_prompt_set, read_prompt_set, read_prompt_set_bytes, read_records, read_records_bytes,
    Limits, LineError, ParsedSet, PromptRecord, ReadOptions, Record, RecordSet, SetError,
    SetFormat, SetReader,
};
pub use runner::{
    conversation_signals, prompt_facts, reads_language, record_facts, Progress, RowFilter,
    RunConfig, Runner, TaskSource,
};

use crate::catalog::Catalog;
use crate::policy::{Estimate, Facts, Policy};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy)]
struct Row {
    rule: u16,
    model: u16,
    est: Estimate,
}

const NONE: u16 = u16::MAX;

#[derive(Debug, Clone, Default)]
struct Acc {
    routed: usize,
    cost: f64,
    quality: f64,
    latencies: Vec<f64>,
    per_model: Vec<usize>,
    per_model_cost: Vec<f64>,
    per_rule: Vec<usize>,
    realized_n: usize,
    realized_score: f64,
    realized_cost: f64,
    realized_missing: usize,
}

/// An incremental simulation of several policies over one prompt set.
pub struct Simulation {
    policies: Vec<Policy>,
    catalog: Catalog,
    ids: Vec<String>,
    tasks: Vec<String>,
    rows: Vec<Vec<Row>>,
    accs: Vec<Acc>,
    // Outcome bookkeeping across policies.
    outcome_prompts: usize,
    oracle_score: f64,
    oracle_cost: f64,
    model_score: Vec<f64>,
    model_cost: Vec<f64>,
    model_n: Vec<usize>,
    scratch: Vec<usize>,
}

/// A share of decisions going to one model, provider or maker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// Model id, provider or maker.
    pub name: String,
    /// Decisions.
    pub count: usize,
    /// Fraction of routed decisions, 0..1.
    pub share: f64,
    /// Estimated USD spent on it.
    pub cost_usd: f64,
}

/// How often one rule chose.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCoverage {
    /// Rule name.
    pub rule: String,
    /// 1-based line in the policy file.
    pub line: usize,
    /// Prompts this rule routed.
    pub fired: usize,
    /// Fraction of all prompts, 0..1.
    pub share: f64,
}

/// Realized outcome scores, for prompts that carry `outcomes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Realized {
    /// Prompts with an outcome for the chosen model.
    pub prompts: usize,
    /// Prompts with outcomes but none for the chosen model (left out of the mean).
    pub missing: usize,
    /// Mean realized score of the chosen models.
    pub mean_score: f64,
    /// Estimated USD for those prompts.
    pub cost_usd: f64,
}

/// Per-policy results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyReport {
    /// Policy name.
    pub policy: String,
    /// Prompts simulated.
    pub prompts: usize,
    /// Prompts with no eligible model even at the default rule.
    pub unrouted: usize,
    /// Estimated USD for all routed prompts.
    pub total_cost_usd: f64,
    /// Mean estimated USD per routed prompt.
    pub mean_cost_usd: f64,
    /// Mean catalog quality of the chosen models for each prompt's task.
    pub mean_quality: f64,
    /// Estimated latency percentiles, milliseconds.
    pub latency_p50_ms: f64,
    /// 90th percentile.
    pub latency_p90_ms: f64,
    /// 99th percentile.
    pub latency_p99_ms: f64,
    /// Share per model, largest first.
    pub by_model: Vec<Share>,
    /// Share per provider.
    pub by_provider: Vec<Share>,
    /// Share per maker.
    pub by_maker: Vec<Share>,
    /// Every rule with how often it chose, in policy order.
    pub coverage: Vec<RuleCoverage>,
    /// Rules that never chose.
    pub never_fired: Vec<String>,
    /// Realized outcome scores, when the prompt set has outcomes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realized: Option<Realized>,
}

/// Reference points for prompts with outcomes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeBaselines {
    /// Prompts that carry outcomes.
    pub prompts: usize,
    /// Mean score when each prompt goes to its best model (cheapest among ties).
    pub oracle_mean_score: f64,
    /// Estimated USD of the oracle's choices.
    pub oracle_cost_usd: f64,
    /// The model with the best mean score over the prompts it has outcomes for (at least
    /// half of the outcome prompts).
    pub best_single_model: Option<String>,
    /// Its mean score.
    pub best_single_mean_score: f64,
    /// Its estimated USD over those prompts.
    pub best_single_cost_usd: f64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationReport {
    /// Prompts simulated.
    pub prompts: usize,
    /// One report per policy, in the order given.
    pub policies: Vec<PolicyReport>,
    /// Oracle and best single model, when prompts carry outcomes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<OutcomeBaselines>,
}

/// One policy's choice for one prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    /// Policy name.
    pub policy: String,
    /// Chosen model (`None`: unrouted).
    pub model: Option<String>,
    /// Rule that chose.
    pub rule: Option<String>,
    /// Estimates for the chosen model.
    pub estimate: Option<Estimate>,
}

/// Every policy's choice for one prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromptDecisions {
    /// Prompt id.
    pub id: String,
    /// Task type the policies saw.
    pub task: String,
    /// One choice per policy.
    pub choices: Vec<Choice>,
}

/// A prompt whose route differs between two policies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteChange {
    /// Prompt id.
    pub id: String,
    /// Task type.
    pub task: String,
    /// Model under policy A.
    pub from_model: Option<String>,
    /// Model under policy B.
    pub to_model: Option<String>,
    /// Rule under A.
    pub from_rule: Option<String>,
    /// Rule under B.
    pub to_rule: Option<String>,
    /// B's cost minus A's, USD.
    pub delta_cost_usd: f64,
    /// B's quality minus A's.
    pub delta_quality: f64,
    /// B's latency minus A's, ms.
    pub delta_latency_ms: f64,
}

/// How many prompts moved from one model to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    /// Model under A.
    pub from: String,
    /// Model under B.
    pub to: String,
    /// Prompts.
    pub count: usize,
}

/// The difference between two policies over the same prompts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDiff {
    /// Policy A.
    pub a: String,
    /// Policy B.
    pub b: String,
    /// Prompts compared.
    pub prompts: usize,
    /// Prompts whose model changed.
    pub changed: usize,
    /// B's total cost minus A's, USD.
    pub delta_total_cost_usd: f64,
    /// B's mean quality minus A's.
    pub delta_mean_quality: f64,
    /// B's mean latency minus A's, ms.
    pub delta_mean_latency_ms: f64,
    /// Model-to-model moves, largest first.
    pub transitions: Vec<Transition>,
    /// Every changed prompt.
    pub changes: Vec<RouteChange>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn shares(items: BTreeMap<String, (usize, f64)>, total: usize) -> Vec<Share> {
    let mut v: Vec<Share> = items
        .into_iter()
        .filter(|(_, (c, _))| *c > 0)
        .map(|(name, (count, cost))| Share {
            name,
            count,
            share: if total > 0 {
                count as f64 / total as f64
            } else {
                0.0
            },
            cost_usd: cost,
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    v
}

impl Simulation {
    /// Starts a simulation of `policies` (at most 65,534 rules each) over `catalog`.
    pub fn new(policies: Vec<Policy>, catalog: Catalog) -> Simulation {
        let n = catalog.models.len();
        let accs = policies
            .iter()
            .map(|p| Acc {
                per_model: vec![0; n],
                per_model_cost: vec![0.0; n],
                per_rule: vec![0; p.rules.len()],
                ..Default::default()
            })
            .collect();
        Simulation {
            policies,
            catalog,
            ids: Vec::new(),
            tasks: Vec::new(),
            rows: Vec::new(),
            accs,
            outcome_prompts: 0,
            oracle_score: 0.0,
            oracle_cost: 0.0,
            model_score: vec![0.0; n],
            model_cost: vec![0.0; n],
            model_n: vec![0; n],
            scratch: Vec::new(),
        }
    }

    /// The policies, in order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Prompts added so far.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no prompt was added yet.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Routes one prompt under every policy and records the results.
    pub fn add(
        &mut self,
        prompt_id: &str,
        facts: &Facts,
        outcomes: Option<&BTreeMap<String, f64>>,
    ) {
        let mut row = Vec::with_capacity(self.policies.len());
        let mut scratch = std::mem::take(&mut self.scratch);
        let out_tokens_default = facts.input_tokens();
        for (pi, policy) in self.policies.iter().enumerate() {
            let lean = policy.decide_lean(facts, &self.catalog, &mut scratch);
            let acc = &mut self.accs[pi];
            let (rule, model, est) = match (lean.rule, lean.model, lean.estimate) {
                (Some(r), Some(m), Some(e)) => (r, m, e),
                _ => {
                    row.push(Row {
                        rule: NONE,
                        model: NONE,
                        est: Estimate {
                            cost_usd: 0.0,
                            latency_ms: 0.0,
                            quality: 0.0,
                        },
                    });
                    continue;
                }
            };
            acc.routed += 1;
            acc.cost += est.cost_usd;
            acc.quality += est.quality;
            acc.latencies.push(est.latency_ms);
            acc.per_model[model] += 1;
            acc.per_model_cost[model] += est.cost_usd;
            acc.per_rule[rule] += 1;
            if let Some(o) = outcomes {
                match o.get(&self.catalog.models[model].id) {
                    Some(score) if score.is_finite() => {
                        acc.realized_n += 1;
                        acc.realized_score += score;
                        acc.realized_cost += est.cost_usd;
                    }
                    _ => acc.realized_missing += 1,
                }
            }
            row.push(Row {
                rule: rule.min(NONE as usize - 1) as u16,
                model: model.min(NONE as usize - 1) as u16,
                est,
            });
        }
        self.scratch = scratch;
        if let Some(o) = outcomes {
            let out_tokens = self
                .policies
                .first()
                .map(|p| p.output_tokens_for(facts))
                .unwrap_or(out_tokens_default);
            let mut best: Option<(f64, f64)> = None;
            for (id, score) in o {
                let Some(p) = self.catalog.position(id) else {
                    continue;
                };
                if !score.is_finite() {
                    continue;
                }
                let cost = self.catalog.models[p].cost(facts.input_tokens(), out_tokens);
                self.model_score[p] += score;
                self.model_cost[p] += cost;
                self.model_n[p] += 1;
                let better = match best {
                    None => true,
                    Some((bs, bc)) => *score > bs || (*score == bs && cost < bc),
                };
                if better {
                    best = Some((*score, cost));
                }
            }
            if let Some((s, c)) = best {
                self.outcome_prompts += 1;
                self.oracle_score += s;
                self.oracle_cost += c;
            }
        }
        self.ids.push(prompt_id.to_string());
        self.tasks.push(facts.task().to_string());
        self.rows.push(row);
    }

    /// Prompt number `i`'s id.
    pub fn id(&self, i: usize) -> Option<&str> {
        self.ids.get(i).map(String::as_str)
    }

    /// The task type policies saw for prompt number `i`.
    pub fn task(&self, i: usize) -> Option<&str> {
        self.tasks.get(i).map(String::as_str)
    }

    /// The catalog index of the model policy `p` chose for prompt number `i` (`None`:
    /// unrouted, or out of range).
    pub fn pick(&self, i: usize, p: usize) -> Option<usize> {
        let row = self.rows.get(i)?.get(p)?;
        (row.model != NONE).then_some(row.model as usize)
    }

    /// The prompts (indices in the order added) whose model differs between policy `a` and
    /// policy `b`; empty when an index is out of range.
    pub fn changed(&self, a: usize, b: usize) -> Vec<usize> {
        if a >= self.policies.len() || b >= self.policies.len() {
            return Vec::new();
        }
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row[a].model != row[b].model)
            .map(|(i, _)| i)
            .collect()
    }

    /// Prompts by task type, then by the model policy `p` chose (`(unrouted)` when none).
    pub fn flow(&self, p: usize) -> Option<Flow> {
        if p >= self.policies.len() {
            return None;
        }
        let models = &self.catalog.models;
        // Counted by (task, model) first: one hash per prompt instead of three ordered-map
        // insertions keyed by strings (100,000 prompts in a page).
        let mut counts: std::collections::HashMap<(&str, u16), usize> =
            std::collections::HashMap::new();
        for (row, task) in self.rows.iter().zip(&self.tasks) {
            *counts.entry((task.as_str(), row[p].model)).or_default() += 1;
        }
        Some(charts::flow_counted(counts.into_iter().map(
            |((task, m), n)| {
                (
                    task,
                    if m == NONE {
                        "(unrouted)"
                    } else {
                        models[m as usize].id.as_str()
                    },
                    n,
                )
            },
        )))
    }

    /// Totals, shares, percentiles, coverage and outcome comparisons so far.
    pub fn report(&self) -> SimulationReport {
        let n = self.ids.len();
        let policies = self
            .policies
            .iter()
            .zip(&self.accs)
            .map(|(p, acc)| {
                let mut lat = acc.latencies.clone();
                lat.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                let mut by_model = BTreeMap::new();
                let mut by_provider = BTreeMap::new();
                let mut by_maker = BTreeMap::new();
                for (i, m) in self.catalog.models.iter().enumerate() {
                    let (c, cost) = (acc.per_model[i], acc.per_model_cost[i]);
                    by_model.insert(m.id.clone(), (c, cost));
                    let e = by_provider.entry(m.provider.clone()).or_insert((0, 0.0));
                    e.0 += c;
                    e.1 += cost;
                    let e = by_maker.entry(m.maker.clone()).or_insert((0, 0.0));
                    e.0 += c;
                    e.1 += cost;
                }
                let coverage: Vec<RuleCoverage> = p
                    .rules
                    .iter()
                    .zip(&acc.per_rule)
                    .map(|(r, &f)| RuleCoverage {
                        rule: r.name.clone(),
                        line: r.line,
                        fired: f,
                        share: if n > 0 { f as f64 / n as f64 } else { 0.0 },
                    })
                    .collect();
                let never_fired = coverage
                    .iter()
                    .filter(|c| c.fired == 0)
                    .map(|c| c.rule.clone())
                    .collect();
                let routed = acc.routed.max(1) as f64;
                PolicyReport {
                    policy: p.name.clone(),
                    prompts: n,
                    unrouted: n - acc.routed,
                    total_cost_usd: acc.cost,
                    mean_cost_usd: acc.cost / routed,
                    mean_quality: acc.quality / routed,
                    latency_p50_ms: percentile(&lat, 50.0),
                    latency_p90_ms: percentile(&lat, 90.0),
                    latency_p99_ms: percentile(&lat, 99.0),
                    by_model: shares(by_model, acc.routed),
                    by_provider: shares(by_provider, acc.routed),
                    by_maker: shares(by_maker, acc.routed),
                    coverage,
                    never_fired,
                    realized: (acc.realized_n + acc.realized_missing > 0).then(|| Realized {
                        prompts: acc.realized_n,
                        missing: acc.realized_missing,
                        mean_score: if acc.realized_n > 0 {
                            acc.realized_score / acc.realized_n as f64
                        } else {
                            0.0
                        },
                        cost_usd: acc.realized_cost,
                    }),
                }
            })
            .collect();
        let outcomes = (self.outcome_prompts > 0).then(|| {
            let min_n = self.outcome_prompts.div_ceil(2);
            let best = (0..self.model_n.len())
                .filter(|&i| self.model_n[i] >= min_n)
                .max_by(|&a, &b| {
                    let ma = self.model_score[a] / self.model_n[a] as f64;
                    let mb = self.model_score[b] / self.model_n[b] as f64;
                    ma.partial_cmp(&mb)
                        .unwrap_or(std::cmp::Ordering::Equal)
                        .then(b.cmp(&a))
                });
            OutcomeBaselines {
                prompts: self.outcome_prompts,
                oracle_mean_score: self.oracle_score / self.outcome_prompts as f64,
                oracle_cost_usd: self.oracle_cost,
                best_single_model: best.map(|i| self.catalog.models[i].id.clone()),
                best_single_mean_score: best
                    .map(|i| self.model_score[i] / self.model_n[i] as f64)
                    .unwrap_or(0.0),
                best_single_cost_usd: best.map(|i| self.model_cost[i]).unwrap_or(0.0),
            }
        });
        SimulationReport {
            prompts: n,
            policies,
            outcomes,
        }
    }

    fn choice(&self, pi: usize, row: &Row) -> Choice {
        let p = &self.policies[pi];
        let routed = row.model != NONE;
        Choice {
            policy: p.name.clone(),
            model: routed.then(|| self.catalog.models[row.model as usize].id.clone()),
            rule: routed.then(|| p.rules[row.rule as usize].name.clone()),
            estimate: routed.then_some(row.est),
        }
    }

    /// Every policy's choice for prompt number `i` (in the order added).
    pub fn decisions(&self, i: usize) -> Option<PromptDecisions> {
        let row = self.rows.get(i)?;
        Some(PromptDecisions {
            id: self.ids[i].clone(),
            task: self.tasks[i].clone(),
            choices: row
                .iter()
                .enumerate()
                .map(|(pi, r)| self.choice(pi, r))
                .collect(),
        })
    }

    /// The per-prompt decisions for all prompts added so far.
    pub fn all_decisions(&self) -> Vec<PromptDecisions> {
        (0..self.rows.len())
            .filter_map(|i| self.decisions(i))
            .collect()
    }

    /// Which prompts changed route between policy `a` and policy `b` (indices into the
    /// policies given to [`Simulation::new`]). `None` when an index is out of range.
    pub fn diff(&self, a: usize, b: usize) -> Option<PolicyDiff> {
        let mut diff = self.diff_totals(a, b)?;
        diff.changes = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row[a].model != row[b].model)
            .map(|(i, row)| {
                let (ra, rb) = (&row[a], &row[b]);
                let x = self.choice(a, ra);
                let y = self.choice(b, rb);
                RouteChange {
                    id: self.ids[i].clone(),
                    task: self.tasks[i].clone(),
                    from_model: x.model,
                    to_model: y.model,
                    from_rule: x.rule,
                    to_rule: y.rule,
                    delta_cost_usd: rb.est.cost_usd - ra.est.cost_usd,
                    delta_quality: rb.est.quality - ra.est.quality,
                    delta_latency_ms: rb.est.latency_ms - ra.est.latency_ms,
                }
            })
            .collect();
        Some(diff)
    }

    /// [`Simulation::diff`] without the per-prompt [`PolicyDiff::changes`] (left empty): the
    /// counts, deltas and transitions only, without building a record for every changed
    /// prompt (the page shows these for 100,000 prompts at once and pages the prompts
    /// themselves through [`Simulation::changed`]).
    pub fn diff_totals(&self, a: usize, b: usize) -> Option<PolicyDiff> {
        if a >= self.policies.len() || b >= self.policies.len() {
            return None;
        }
        let mut trans: BTreeMap<(u16, u16), usize> = BTreeMap::new();
        let mut changed = 0;
        let (mut ca, mut cb, mut qa, mut qb, mut la, mut lb) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for row in &self.rows {
            let (ra, rb) = (&row[a], &row[b]);
            ca += ra.est.cost_usd;
            cb += rb.est.cost_usd;
            qa += ra.est.quality;
            qb += rb.est.quality;
            la += ra.est.latency_ms;
            lb += rb.est.latency_ms;
            if ra.model != rb.model {
                *trans.entry((ra.model, rb.model)).or_insert(0) += 1;
                changed += 1;
            }
        }
        let name = |m: u16| {
            if m == NONE {
                "(none)".to_string()
            } else {
                self.catalog.models[m as usize].id.clone()
            }
        };
        let n = self.rows.len().max(1) as f64;
        let mut transitions: Vec<Transition> = trans
            .into_iter()
            .map(|((from, to), count)| Transition {
                from: name(from),
                to: name(to),
                count,
            })
            .collect();
        transitions.sort_by(|x, y| {
            y.count
                .cmp(&x.count)
                .then(x.from.cmp(&y.from))
                .then(x.to.cmp(&y.to))
        });
        Some(PolicyDiff {
            a: self.policies[a].name.clone(),
            b: self.policies[b].name.clone(),
            prompts: self.rows.len(),
            changed,
            delta_total_cost_usd: cb - ca,
            delta_mean_quality: (qb - qa) / n,
            delta_mean_latency_ms: (lb - la) / n,
            transitions,
            changes: Vec::new(),
        })
    }
}

/// The diff of two policies over prompts already prepared as [`Facts`] (a two-policy
/// [`Simulation`] under the hood).
pub fn diff(a: &Policy, b: &Policy, prompts: &[(String, Facts)], catalog: &Catalog) -> PolicyDiff {
    let mut sim = Simulation::new(vec![a.clone(), b.clone()], catalog.clone());
    for (id, f) in prompts {
        sim.add(id, f, None);
    }
    sim.diff(0, 1).unwrap_or(PolicyDiff {
        a: a.name.clone(),
        b: b.name.clone(),
        prompts: 0,
        changed: 0,
        delta_total_cost_usd: 0.0,
        delta_mean_quality: 0.0,
        delta_mean_latency_ms: 0.0,
        transitions: Vec::new(),
        changes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::tests::{CATALOG, PRESETS};
    use crate::policy::Metadata;
    use crate::signals::{CheapSignals, PromptSignals, TaskPrediction};

    use crate::shipped::SAMPLES;

    fn sim() -> Simulation {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let policies = PRESETS
            .iter()
            .map(|(_, s)| Policy::load(s, &catalog).unwrap().0)
            .collect();
        Simulation::new(policies, catalog)
    }

    fn facts(text: &str, label: Option<&str>) -> Facts {
        let s = PromptSignals {
            cheap: CheapSignals::compute(text),
            task: label.map(|l| TaskPrediction {
                label: l.into(),
                scores: [(l.to_string(), 0.9)].into_iter().collect(),
                complexity: 0.4,
            }),
        };
        Facts::new(text, &s, &Metadata::new())
    }

    #[test]
    fn sample_set_has_200_prompts_over_all_task_types() {
        let set = parse_prompt_set(SAMPLES);
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        let ok = set.prompts;
        assert!(ok.len() >= 200);
        for t in crate::catalog::TASK_TYPES {
            let n = ok
                .iter()
                .filter(|(_, r)| r.label.as_deref() == Some(t))
                .count();
            assert!(n >= 15, "{t}: {n}");
        }
    }

    #[test]
    fn reports_coverage_shares_and_diff_on_the_sample_set() {
        let mut s = sim();
        let ok = parse_prompt_set(SAMPLES).prompts;
        for (_, r) in &ok {
            s.add(
                r.id.as_deref().unwrap(),
                &facts(&r.text, r.label.as_deref()),
                None,
            );
        }
        let rep = s.report();
        assert_eq!(rep.prompts, ok.len());
        for p in &rep.policies {
            assert_eq!(p.unrouted, 0, "{}", p.policy);
            let fired: usize = p.coverage.iter().map(|c| c.fired).sum();
            assert_eq!(fired, ok.len());
            let share: f64 = p.by_model.iter().map(|m| m.share).sum();
            assert!((share - 1.0).abs() < 1e-9);
            assert!(p.latency_p50_ms <= p.latency_p90_ms && p.latency_p90_ms <= p.latency_p99_ms);
        }
        // task-specialist (index 4) vs cost-saver (index 0).
        let d = s.diff(4, 0).unwrap();
        assert!(d.changed > ok.len() / 2);
        assert!(d.delta_total_cost_usd < 0.0 && d.delta_mean_quality < 0.0);
        assert_eq!(
            d.transitions.iter().map(|t| t.count).sum::<usize>(),
            d.changed
        );
        assert_eq!(s.decisions(0).unwrap().choices.len(), PRESETS.len());
        let prepared: Vec<(String, Facts)> = ok
            .iter()
            .take(30)
            .map(|(_, r)| (r.id.clone().unwrap(), facts(&r.text, r.label.as_deref())))
            .collect();
        let d2 = diff(&s.policies()[4], &s.policies()[0], &prepared, s.catalog());
        assert_eq!(d2.prompts, 30);
        assert!(d2.changed > 0);
        assert!(s.diff(0, 99).is_none());
    }

    #[test]
    fn realized_scores_against_oracle_and_best_single_model() {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let cheap = Policy::load("[default]\nmodel = \"gpt-5-mini\"\n", &catalog)
            .unwrap()
            .0;
        let strong = Policy::load("[default]\nmodel = \"claude-opus-5\"\n", &catalog)
            .unwrap()
            .0;
        let mut s = Simulation::new(vec![cheap, strong], catalog);
        let o1: BTreeMap<String, f64> =
            [("gpt-5-mini".into(), 60.0), ("claude-opus-5".into(), 90.0)]
                .into_iter()
                .collect();
        let o2: BTreeMap<String, f64> =
            [("gpt-5-mini".into(), 80.0), ("claude-opus-5".into(), 80.0)]
                .into_iter()
                .collect();
        let o3: BTreeMap<String, f64> = [("gemini-2.5-flash".into(), 70.0)].into_iter().collect();
        s.add(
            "a",
            &facts("hard question", Some("math_reasoning")),
            Some(&o1),
        );
        s.add("b", &facts("easy question", Some("qa")), Some(&o2));
        s.add("c", &facts("other", Some("qa")), Some(&o3));
        let r = s.report();
        let cheap = r.policies[0].realized.clone().unwrap();
        assert_eq!((cheap.prompts, cheap.missing), (2, 1));
        assert!((cheap.mean_score - 70.0).abs() < 1e-9);
        let strong = r.policies[1].realized.clone().unwrap();
        assert!((strong.mean_score - 85.0).abs() < 1e-9);
        let o = r.outcomes.unwrap();
        assert_eq!(o.prompts, 3);
        assert!((o.oracle_mean_score - 80.0).abs() < 1e-9); // 90, 80 (cheaper of the tie), 70
        assert_eq!(o.best_single_model.as_deref(), Some("claude-opus-5"));
    }
}

#[cfg(test)]
mod thread_safety {
    /// The app keeps these in reactive state, which wants `Send + Sync`.
    #[test]
    fn engine_types_are_send_and_sync() {
        fn assert<T: Send + Sync>() {}
        assert::<crate::policy::Policy>();
        assert::<crate::catalog::Catalog>();
        assert::<crate::policy::Facts>();
        assert::<super::Simulation>();
        assert::<crate::policy::Decision>();
        assert::<super::SimulationReport>();
        assert::<super::Runner>();
    }
}
