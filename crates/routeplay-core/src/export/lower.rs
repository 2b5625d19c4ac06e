//! The shared lowering of a compiled policy into what a gateway config can hold: per rule, its
//! condition as a [`Cond`], and its pick resolved at export time to a fixed model and fallback
//! chain per task type. A pick that changes with the prompt's size (costs, context windows) is
//! resolved for [`REFERENCE_TOKENS`] and reported as approximate.
//!
//! Each rule is probed in isolation: it is written back as the `[default]` of a one-rule
//! policy and decided by [`Policy::decide`] itself, so the lowering can never disagree with
//! Routeplay's own ranking.

use super::cond::{Cond, Field, Lit, Op};
use super::toml_out;
use crate::catalog::{Catalog, TASK_TYPES};
use crate::policy::{Action, Facts, Metadata, Policy};
use crate::signals::{CheapSignals, PromptSignals, TaskPrediction};
use std::collections::BTreeMap;

/// The prompt size (input tokens) a size-dependent pick is resolved for.
pub const REFERENCE_TOKENS: usize = 200;
/// The prompt sizes probed to decide whether a pick depends on size: from 1 token, each about
/// 25% above the last (at least one more), up to [`MAX_EXACT_TOKENS`], with
/// [`REFERENCE_TOKENS`] among them (37 sizes).
pub fn probe_tokens() -> Vec<usize> {
    let mut out = vec![1usize];
    while let Some(&n) = out.last() {
        if n >= MAX_EXACT_TOKENS {
            break;
        }
        let next = (n + 1).max(n * 5 / 4).min(MAX_EXACT_TOKENS);
        out.push(next);
    }
    if !out.contains(&REFERENCE_TOKENS) {
        out.push(REFERENCE_TOKENS);
        out.sort_unstable();
    }
    out
}
/// The largest prompt the lowering vouches for.
pub const MAX_EXACT_TOKENS: usize = 3000;

/// A split's arms: (model id, weight).
pub type Arms = Vec<(String, f64)>;

/// A model and its fallback chain (catalog ids).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Outcome {
    /// The model.
    pub model: String,
    /// The fallback chain, in order.
    pub fallbacks: Vec<String>,
}

/// The pick of one rule for one task type.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPick {
    /// The outcome at [`REFERENCE_TOKENS`]; `None` when the rule picks nothing for this task
    /// (Routeplay then falls through to the next rule).
    pub outcome: Option<Outcome>,
    /// Whether the outcome is the same at every probed size.
    pub constant: bool,
    /// When not constant: what it is at other sizes, in words.
    pub varies: Option<String>,
    /// Whether, at some probed size, the rule has a model for this task while at another it
    /// has none (Routeplay then falls through; a gateway branch cannot).
    pub falls_through_sometimes: bool,
}

/// One rule, lowered.
#[derive(Debug, Clone)]
pub struct LoweredRule {
    /// Its index in the policy.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// A name usable as a target / model-group name (`[a-z0-9-]`), unique in the policy.
    pub slug: String,
    /// Whether it is the default rule.
    pub is_default: bool,
    /// Its condition (`True` for the default).
    pub cond: Cond,
    /// The CEL text.
    pub when: Option<String>,
    /// A split's arms (model, weight) and the shared fallbacks; `None` for other rules.
    pub split: Option<(Arms, Vec<String>)>,
    /// The pick per task type (every entry of [`tasks`]).
    pub picks: BTreeMap<String, TaskPick>,
    /// The task types a prompt can have when the condition holds (all, unless the condition
    /// requires `task` to be among some).
    pub reachable: Vec<String>,
    /// The rule's `quality_band`, resolved into the picks at export time.
    pub quality_band: Option<f64>,
}

impl LoweredRule {
    /// The distinct outcomes over task types, each with the tasks that lead to it.
    pub fn groups(&self) -> Vec<(Outcome, Vec<String>)> {
        let mut g: BTreeMap<Outcome, Vec<String>> = BTreeMap::new();
        for (t, p) in self.reachable_picks() {
            if let Some(o) = &p.outcome {
                g.entry(o.clone()).or_default().push(t.clone());
            }
        }
        let mut v: Vec<(Outcome, Vec<String>)> = g.into_iter().collect();
        // The outcome serving the most tasks first (the one a gateway's `default` gets).
        v.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        v
    }

    /// The picks of the task types the condition lets through.
    pub fn reachable_picks(&self) -> impl Iterator<Item = (&String, &TaskPick)> {
        self.picks
            .iter()
            .filter(|(t, _)| self.reachable.contains(t))
    }

    /// Whether the pick is one outcome for every task that gets one.
    pub fn task_independent(&self) -> bool {
        self.groups().len() <= 1
    }

    /// The route key a target or model group of this rule is named by for `task`: the slug, or
    /// `slug.N` (N = the group's position) when the rule's pick depends on the task.
    pub fn route_key(&self, task: &str) -> Option<String> {
        let groups = self.groups();
        if groups.len() <= 1 {
            return Some(self.slug.clone());
        }
        groups
            .iter()
            .position(|(_, ts)| ts.iter().any(|t| t == task))
            .map(|i| format!("{}.{}", self.slug, i + 1))
    }

    /// The tasks whose pick changes with prompt size.
    pub fn size_dependent(&self) -> Vec<(&str, &str)> {
        self.reachable_picks()
            .filter(|(_, p)| !p.constant)
            .map(|(t, p)| (t.as_str(), p.varies.as_deref().unwrap_or("")))
            .collect()
    }
}

/// The task types a prompt can have: the classifier's, then `unknown` (no classifier).
pub fn tasks() -> Vec<String> {
    TASK_TYPES
        .iter()
        .map(|t| t.to_string())
        .chain(std::iter::once("unknown".to_string()))
        .collect()
}

/// Lowers every rule of `policy` (default last).
pub fn lower(policy: &Policy, catalog: &Catalog) -> Vec<LoweredRule> {
    let mut used: Vec<String> = Vec::new();
    policy
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let mut slug = slugify(&rule.name);
            if slug.is_empty() {
                slug = format!("rule-{}", i + 1);
            }
            while used.contains(&slug) {
                slug.push('-');
                slug.push_str(&(i + 1).to_string());
            }
            used.push(slug.clone());
            let cond = match &rule.when {
                Some(w) => Cond::from_cel(w),
                None => Cond::True,
            };
            let split = match &rule.action {
                Action::Split { arms } => Some((arms.clone(), rule.fallbacks.clone())),
                _ => None,
            };
            let probe = probe_policy(policy, rule);
            let picks = tasks()
                .into_iter()
                .map(|t| {
                    let pick = match &probe {
                        Some(p) => pick_for(p, catalog, &t),
                        None => TaskPick {
                            outcome: None,
                            constant: false,
                            varies: Some("the rule could not be probed".into()),
                            falls_through_sometimes: true,
                        },
                    };
                    (t, pick)
                })
                .collect();
            let reachable = match cond_tasks(&cond) {
                Some(ts) => tasks().into_iter().filter(|t| ts.contains(t)).collect(),
                None => tasks(),
            };
            LoweredRule {
                reachable,
                index: i,
                name: rule.name.clone(),
                slug,
                is_default: rule.is_default,
                cond,
                when: rule.when.clone(),
                split,
                picks,
                quality_band: rule.filters.quality_band,
            }
        })
        .collect()
}

fn probe_policy(policy: &Policy, rule: &crate::policy::Rule) -> Option<Policy> {
    let mut src = String::from("name = \"probe\"\n");
    if let Some(o) = policy.output_tokens {
        src.push_str(&format!("output_tokens = {o:?}\n"));
    }
    src.push_str("[default]\n");
    let mut r = rule.clone();
    r.when = None;
    src.push_str(&toml_out::rule_body(&r, false));
    Policy::parse(&src).ok()
}

/// Synthetic facts: a prompt of `tokens` tokens whose task is `task`.
pub fn probe_facts(task: &str, tokens: usize) -> Facts {
    let cheap = CheapSignals {
        chars: tokens * 4,
        bytes: tokens * 4,
        words: tokens * 3 / 4,
        lines: 1,
        tokens,
        has_code: false,
        language: None,
        pii: Vec::new(),
    };
    let prediction = (task != "unknown").then(|| TaskPrediction {
        label: task.to_string(),
        scores: [(task.to_string(), 1.0)].into_iter().collect(),
        complexity: 0.5,
    });
    let signals = PromptSignals {
        cheap,
        task: prediction,
    };
    Facts::with_key(0, &signals, &Metadata::new())
}

fn outcome_at(probe: &Policy, catalog: &Catalog, task: &str, tokens: usize) -> Option<Outcome> {
    let d = probe.decide(&probe_facts(task, tokens), catalog);
    d.model.map(|model| Outcome {
        model,
        fallbacks: d.fallbacks,
    })
}

fn pick_for(probe: &Policy, catalog: &Catalog, task: &str) -> TaskPick {
    let reference = outcome_at(probe, catalog, task, REFERENCE_TOKENS);
    let mut other: Option<(usize, Option<Outcome>)> = None;
    let (mut some, mut none) = (false, false);
    for n in probe_tokens() {
        let o = outcome_at(probe, catalog, task, n);
        if o.is_some() {
            some = true;
        } else {
            none = true;
        }
        if o != reference && other.is_none() {
            other = Some((n, o));
        }
    }
    let falls_through_sometimes = some && none;
    match other {
        None => TaskPick {
            outcome: reference,
            constant: true,
            varies: None,
            falls_through_sometimes,
        },
        Some((n, o)) => {
            let what = |o: &Option<Outcome>| match o {
                Some(o) if o.fallbacks.is_empty() => o.model.clone(),
                Some(o) => format!("{} then {}", o.model, o.fallbacks.join(", ")),
                None => "no model".into(),
            };
            TaskPick {
                varies: Some(format!(
                    "{} for a {REFERENCE_TOKENS}-token prompt, {} for a {n}-token one",
                    what(&reference),
                    what(&o)
                )),
                outcome: reference,
                constant: false,
                falls_through_sometimes,
            }
        }
    }
}

/// `[a-z0-9-]` only.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The task types a condition can hold for: `None` when it does not restrict `task`.
fn cond_tasks(c: &Cond) -> Option<Vec<String>> {
    let is_task = |f: &Field| matches!(f, Field::Var(v) if v == "task");
    let strs = |v: &[Lit]| -> Vec<String> {
        v.iter()
            .filter_map(|l| match l {
                Lit::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    };
    let all_but = |ex: &[String]| -> Vec<String> {
        tasks().into_iter().filter(|t| !ex.contains(t)).collect()
    };
    match c {
        Cond::Cmp(f, Op::Eq, Lit::Str(s)) if is_task(f) => Some(vec![s.clone()]),
        Cond::Cmp(f, Op::Ne, Lit::Str(s)) if is_task(f) => Some(all_but(std::slice::from_ref(s))),
        Cond::In(f, v, false) if is_task(f) => Some(strs(v)),
        Cond::In(f, v, true) if is_task(f) => Some(all_but(&strs(v))),
        Cond::False => Some(vec![]),
        Cond::And(v) => {
            let mut out: Option<Vec<String>> = None;
            for p in v {
                if let Some(ts) = cond_tasks(p) {
                    out = Some(match out {
                        None => ts,
                        Some(o) => o.into_iter().filter(|t| ts.contains(t)).collect(),
                    });
                }
            }
            out
        }
        Cond::Or(v) => {
            let mut out: Vec<String> = Vec::new();
            for p in v {
                for t in cond_tasks(p)? {
                    if !out.contains(&t) {
                        out.push(t);
                    }
                }
            }
            Some(out)
        }
        _ => None,
    }
}
