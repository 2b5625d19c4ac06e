//! Export a compiled policy to the gateways people deploy (Portkey, LiteLLM, vLLM Semantic
//! Router, Bifrost, OpenRouter), with a per-rule fidelity report.
//!
//! Two ways to carry a rule's condition, where the target allows both ([`Carry`]):
//! **translate** it into the target's own condition language (the gateway evaluates it), or
//! **route**: the client computes Routeplay's decision and sends `metadata.route = "<rule>"`
//! (see [`annotate::metadata`]); the condition is then exact by construction.
//!
//! Either way a rule's *pick* (objective over candidates and filters) is resolved at export
//! time by [`lower`]: per task type, at a stated prompt size. Where the pick changes with the
//! prompt's size the report says approximate and how.

pub mod annotate;
mod bifrost;
pub mod cond;
mod litellm;
pub mod lower;
mod openrouter;
mod portkey;
pub mod toml_out;
mod vllm_sr;

use crate::catalog::{Catalog, Model};
use crate::policy::Policy;
use lower::LoweredRule;
use serde::Serialize;
use std::fmt::Write;

/// A gateway format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Portkey gateway config (JSON).
    Portkey,
    /// LiteLLM router / proxy config (YAML).
    Litellm,
    /// vLLM Semantic Router DSL.
    VllmSr,
    /// Bifrost routing rules (JSON).
    Bifrost,
    /// OpenRouter request bodies (JSON, per route).
    Openrouter,
}

impl Target {
    /// Every target, in CLI order.
    pub const ALL: [Target; 5] = [
        Target::Portkey,
        Target::Litellm,
        Target::VllmSr,
        Target::Bifrost,
        Target::Openrouter,
    ];

    /// Its CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Target::Portkey => "portkey",
            Target::Litellm => "litellm",
            Target::VllmSr => "vllm-sr",
            Target::Bifrost => "bifrost",
            Target::Openrouter => "openrouter",
        }
    }

    /// Parses a CLI name.
    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == s)
    }

    /// The carrying modes it supports (first = default).
    pub fn carries(self) -> &'static [Carry] {
        match self {
            Target::Portkey | Target::Bifrost => &[Carry::Translate, Carry::Route],
            Target::VllmSr => &[Carry::Translate],
            Target::Litellm | Target::Openrouter => &[Carry::Route],
        }
    }
}

/// How conditions are carried (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Carry {
    /// The gateway evaluates the condition, translated.
    Translate,
    /// The client sends `metadata.route`; the gateway only dispatches.
    Route,
}

impl Carry {
    /// Parses `translate` / `route`.
    pub fn parse(s: &str) -> Option<Carry> {
        match s {
            "translate" => Some(Carry::Translate),
            "route" => Some(Carry::Route),
            _ => None,
        }
    }
}

/// Export options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Point every model at this OpenAI-compatible base URL (a proxy, or a local test server).
    pub base_url: Option<String>,
    /// How to carry conditions; `None`: the target's default.
    pub carry: Option<Carry>,
}

/// How faithfully one rule survives the export.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "why")]
pub enum Fidelity {
    /// The gateway routes every prompt this rule decides (up to
    /// [`lower::MAX_EXACT_TOKENS`] input tokens) to Routeplay's model and fallback chain, as
    /// far as the probe sizes of [`lower::probe_tokens`] can tell.
    Exact,
    /// Kept, but some prompts may go elsewhere: how.
    Approximate(Vec<String>),
    /// Not in the export: why.
    Dropped(String),
}

impl Fidelity {
    /// `exact`, `approximate` or `dropped`.
    pub fn kind(&self) -> &'static str {
        match self {
            Fidelity::Exact => "exact",
            Fidelity::Approximate(_) => "approximate",
            Fidelity::Dropped(_) => "dropped",
        }
    }
}

/// The report line of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// The rule's name.
    pub rule: String,
    /// Its 0-based index in the policy.
    pub index: usize,
    /// The target / model-group names it became.
    pub targets: Vec<String>,
    /// How faithful.
    pub fidelity: Fidelity,
    /// The task types for which this rule is exact even when the rule as a whole is not
    /// (its pick is the same at every probed size for them); every task when exact.
    pub exact_tasks: Vec<String>,
    /// Facts worth knowing that do not change the fidelity.
    pub notes: Vec<String>,
}

impl RuleReport {
    /// A rule that is not in the export.
    pub(crate) fn dropped(r: &LoweredRule, why: String) -> RuleReport {
        RuleReport {
            rule: r.name.clone(),
            index: r.index,
            targets: vec![],
            fidelity: Fidelity::Dropped(why),
            exact_tasks: vec![],
            notes: vec![],
        }
    }

    /// A kept rule: exact when `pick` found nothing to say and `extra` is empty.
    pub(crate) fn kept(
        r: &LoweredRule,
        targets: Vec<String>,
        pick: Pick,
        extra: Vec<String>,
    ) -> RuleReport {
        let mut how = pick.how;
        let exact_tasks = if extra.is_empty() {
            pick.exact_tasks
        } else {
            vec![]
        };
        how.extend(extra);
        RuleReport {
            rule: r.name.clone(),
            index: r.index,
            targets,
            fidelity: if how.is_empty() {
                Fidelity::Exact
            } else {
                Fidelity::Approximate(how)
            },
            exact_tasks,
            notes: pick.notes,
        }
    }
}

/// What [`pick_fidelity`] found about a rule's pick.
pub(crate) struct Pick {
    pub how: Vec<String>,
    pub notes: Vec<String>,
    pub exact_tasks: Vec<String>,
}

/// The fidelity report of one export.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The target.
    pub target: Target,
    /// The policy's name.
    pub policy: String,
    /// How conditions were carried.
    pub carry: Carry,
    /// The prompt size size-dependent picks were resolved for.
    pub reference_tokens: usize,
    /// The largest prompt an `exact` verdict vouches for.
    pub max_exact_tokens: usize,
    /// One line per rule, in policy order (the default last).
    pub rules: Vec<RuleReport>,
    /// What the client must do / what the export assumes.
    pub notes: Vec<String>,
}

impl Report {
    /// The rule report for rule `index`.
    pub fn rule(&self, index: usize) -> Option<&RuleReport> {
        self.rules.iter().find(|r| r.index == index)
    }

    /// Counts of (exact, approximate, dropped).
    pub fn counts(&self) -> (usize, usize, usize) {
        let c = |k: &str| self.rules.iter().filter(|r| r.fidelity.kind() == k).count();
        (c("exact"), c("approximate"), c("dropped"))
    }

    /// The human-readable report.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let (e, a, d) = self.counts();
        let _ = writeln!(
            s,
            "{} export of policy `{}` (conditions: {}): {e} exact, {a} approximate, {d} dropped",
            self.target.name(),
            self.policy,
            match self.carry {
                Carry::Translate => "translated",
                Carry::Route => "client-computed metadata.route",
            }
        );
        for r in &self.rules {
            let _ = writeln!(s, "  {:<11} {}", r.fidelity.kind(), r.rule);
            match &r.fidelity {
                Fidelity::Exact => {}
                Fidelity::Approximate(how) => {
                    for h in how {
                        let _ = writeln!(s, "              how: {h}");
                    }
                }
                Fidelity::Dropped(why) => {
                    let _ = writeln!(s, "              why: {why}");
                }
            }
            for n in &r.notes {
                let _ = writeln!(s, "              note: {n}");
            }
        }
        for n in &self.notes {
            let _ = writeln!(s, "  * {n}");
        }
        s
    }
}

/// One export: the config text and its report.
#[derive(Debug, Clone)]
pub struct Export {
    /// The target's config (JSON, YAML or DSL text), ending in a newline.
    pub config: String,
    /// The fidelity report.
    pub report: Report,
}

/// Exports `policy` (checked against `catalog`) to `target`.
pub fn export(
    policy: &Policy,
    catalog: &Catalog,
    target: Target,
    opts: &Options,
) -> Result<Export, String> {
    let carry = match opts.carry {
        None => target.carries()[0],
        Some(c) if target.carries().contains(&c) => c,
        Some(c) => {
            return Err(format!(
                "{} cannot carry conditions as `{}`; it supports: {}",
                target.name(),
                match c {
                    Carry::Translate => "translate",
                    Carry::Route => "route",
                },
                target
                    .carries()
                    .iter()
                    .map(|c| match c {
                        Carry::Translate => "translate",
                        Carry::Route => "route",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    };
    let lowered = lower::lower(policy, catalog);
    let ctx = Ctx {
        policy,
        catalog,
        lowered: &lowered,
        carry,
        base_url: opts.base_url.as_deref(),
    };
    let (config, rules, notes) = match target {
        Target::Portkey => portkey::export(&ctx),
        Target::Litellm => litellm::export(&ctx),
        Target::VllmSr => vllm_sr::export(&ctx),
        Target::Bifrost => bifrost::export(&ctx),
        Target::Openrouter => openrouter::export(&ctx),
    };
    Ok(Export {
        config,
        report: Report {
            target,
            policy: policy.name.clone(),
            carry,
            reference_tokens: lower::REFERENCE_TOKENS,
            max_exact_tokens: lower::MAX_EXACT_TOKENS,
            rules,
            notes,
        },
    })
}

/// What every exporter reads.
pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub catalog: &'a Catalog,
    pub lowered: &'a [LoweredRule],
    pub carry: Carry,
    pub base_url: Option<&'a str>,
}

impl Ctx<'_> {
    /// The model's name at its API (`api_model`, else the catalog id).
    pub fn api_model(&self, id: &str) -> String {
        self.model(id)
            .and_then(|m| m.api_model.clone())
            .unwrap_or_else(|| id.to_string())
    }

    pub fn model(&self, id: &str) -> Option<&Model> {
        self.catalog.get(id)
    }

    pub fn provider(&self, id: &str) -> String {
        self.model(id)
            .map(|m| m.provider.clone())
            .unwrap_or_else(|| "openai".into())
    }

    /// The placeholder a key goes in (keys never appear in exports).
    pub fn key_placeholder(&self, id: &str) -> String {
        if self.base_url.is_some() {
            "{{API_KEY}}".into()
        } else {
            format!("{{{{{}_API_KEY}}}}", self.provider(id).to_uppercase())
        }
    }
}

/// The report common to every target for the pick part of a rule: approximations from
/// size-dependent picks and splits, and, when conditions are translated (`translated`), earlier
/// rules that may catch this rule's prompts (a rule that Routeplay falls through at some prompt
/// sizes, which a gateway branch cannot).
pub(crate) fn pick_fidelity(
    lowered: &[LoweredRule],
    r: &LoweredRule,
    translated: bool,
    split_how: &str,
) -> Pick {
    let mut how = Vec::new();
    let mut notes = Vec::new();
    if r.split.is_some() {
        how.push(split_how.to_string());
    }
    let mut inexact: Vec<String> = Vec::new();
    let sized = r.size_dependent();
    if !sized.is_empty() {
        let tasks: Vec<String> = sized.iter().map(|(t, v)| format!("{t}: {v}")).collect();
        inexact.extend(sized.iter().map(|(t, _)| t.to_string()));
        how.push(format!(
            "the pick depends on prompt size; resolved for a {}-token prompt ({})",
            lower::REFERENCE_TOKENS,
            tasks.join("; ")
        ));
    }
    if translated {
        let mut stolen: Vec<String> = Vec::new();
        for e in &lowered[..r.index] {
            if !e.cond.unsupported().is_empty() {
                continue; // dropped from the export: it catches nothing
            }
            for (t, p) in e.reachable_picks() {
                if p.falls_through_sometimes && p.outcome.is_some() && !stolen.contains(t) {
                    stolen.push(t.clone());
                }
            }
        }
        if !stolen.is_empty() {
            how.push(format!(
                "an earlier rule has no eligible model at some prompt sizes for task {} (Routeplay falls through to later rules, the gateway does not), so some of those prompts may not reach this rule",
                stolen.join(", ")
            ));
            inexact.extend(stolen);
        }
    }
    let none: Vec<&str> = r
        .reachable_picks()
        .filter(|(_, p)| p.outcome.is_none() && p.constant)
        .map(|(t, _)| t.as_str())
        .collect();
    if !none.is_empty() && r.split.is_none() {
        notes.push(format!(
            "no eligible model for task {}: those prompts fall through to the next rule, as in Routeplay",
            none.join(", ")
        ));
    }
    if let Some(band) = r.quality_band {
        notes.push(format!(
            "quality_band = {band} is resolved at export time: per task type, the cheapest model within {band} points of the best catalog quality; the gateway has no quality scores, so export again when the catalog changes"
        ));
    }
    let groups = r.groups();
    if groups.len() > 1 && r.split.is_none() {
        notes.push(format!(
            "the pick depends on the task type: {} targets, chosen on metadata.task",
            groups.len()
        ));
    }
    let exact_tasks = if r.split.is_some() {
        vec![]
    } else {
        lower::tasks()
            .into_iter()
            .filter(|t| !inexact.contains(t))
            .collect()
    };
    if !how.is_empty() && !exact_tasks.is_empty() {
        notes.push(format!(
            "exact for prompts of task {}",
            exact_tasks.join(", ")
        ));
    }
    Pick {
        how,
        notes,
        exact_tasks,
    }
}

#[cfg(test)]
mod tests;
