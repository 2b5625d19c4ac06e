//! Routing policies: an ordered list of rules with CEL conditions, read from TOML.
//!
//! Three stages, as in cedar-policy:
//!
//! 1. **parse** ([`Policy::parse`]): TOML syntax, the shape of each rule, and each CEL
//!    condition's syntax and types (against the variables in [`VARIABLES`] and the fields
//!    declared under `[metadata]`). Conditions are compiled once here, and each gets a static
//!    cost estimate with a budget (`cost.rs`; docs/policy.md, "Bounded work").
//! 2. **check** ([`Policy::check`]): against a [`Catalog`]: unknown models, rules that can
//!    leave no eligible model, shadowed rules, unknown providers or makers.
//! 3. **evaluate** ([`Policy::decide`]): one prompt's [`Facts`] → a [`Decision`] with a trace.
//!
//! Every problem is a [`Diagnostic`] with a 1-based line:column span in the policy file.
//! Nothing here panics on any input.
//!
//! # Why TOML
//!
//! TOML has no indentation rules to get wrong, its `[[rule]]` tables read as an ordered list,
//! CEL conditions fit in `'single-quoted'` literal strings with no escaping (so a position in
//! the condition maps exactly to a position in the file), and the `toml` crate reports byte
//! spans for every value, which is what line:column diagnostics need.
//!
//! # Format
//!
//! ```toml
//! name = "example"
//! description = "What this policy is for."
//! output_tokens = 400          # optional: expected answer length for estimates
//!
//! [metadata]                   # request metadata the conditions read, with defaults
//! tier = "free"
//!
//! [constraints]                # filters applied to every rule (a rule may override)
//! deny_providers = ["xai"]
//!
//! [[rule]]
//! name = "hard code"
//! when = 'task == "code" && complexity > 0.6'
//! objective = "best_quality"   # cheapest | best_quality | fastest | weighted
//! candidates = ["gpt-5.4", "claude-sonnet-5"]   # default: every catalog model
//! max_cost = 0.05              # USD per request
//! fallback_count = 2           # next-ranked candidates form the fallback chain
//!
//! [[rule]]
//! name = "pro users"
//! when = 'meta.tier == "pro"'
//! split = [{ model = "claude-sonnet-5", weight = 80 }, { model = "gpt-5.4", weight = 20 }]
//!
//! [default]
//! model = "gpt-5-mini"
//! fallbacks = ["gemini-2.5-flash"]
//! ```
//!
//! Filters (in a rule or `[constraints]`): `allow_providers`, `deny_providers`, `allow_makers`,
//! `deny_makers`, `max_input_price`, `max_output_price` (USD per 1M tokens), `require`
//! (`reasoning`, `tools`, `vision`), `min_quality` (0-100, for the prompt's task), `max_cost`
//! (USD per request), `context_fit` (default true: the prompt plus the expected answer must fit
//! the context window). With `objective = "cheapest"` a rule may add `quality_band = N` (points,
//! 0-100): only candidates within N points of the best eligible quality for the prompt's task
//! stay eligible, and the cheapest of them wins ("the cheapest model within N points of the
//! best", the way platform routers describe their cost modes).
//!
//! A rule that matches but leaves no eligible model falls through to the next rule; the trace
//! says so.

mod cost;
mod decide;
mod diag;
mod explain;
mod expr;
pub mod reference;
pub mod source;

pub use cost::{
    MAX_CONDITION_COST, MAX_CONDITION_STEPS, MAX_META_FIELDS, MAX_META_VALUE_BYTES, MAX_POLICY_COST,
};
pub use decide::{
    expected_output_tokens, CandidateTrace, ConditionRun, Decision, Estimate, Lean, RuleOutcome,
    RuleTrace,
};
pub use diag::{char_offset, Diagnostic, Fix, Severity};
pub use expr::{
    heuristic_complexity, split_key, Facts, Metadata, Variable, FUNCTIONS, MAX_CONDITION_BYTES,
    MAX_CONDITION_DEPTH, MAX_CONDITION_NESTING, VARIABLES,
};

use crate::catalog::{Catalog, CAPABILITIES, TASK_TYPES};
use cel::common::value::Val;
use diag::LineIndex;
use expr::{Condition, MetaSchema};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// The longest policy file accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

/// How a rule picks among its candidates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Objective {
    /// The lowest estimated cost (use `min_quality` for a floor).
    Cheapest,
    /// The highest quality for the prompt's task (use `max_cost` for a cap).
    BestQuality,
    /// The lowest estimated latency.
    Fastest,
    /// The highest weighted score: each of quality, cost and latency is scaled to 0..1 over the
    /// eligible candidates; score = quality·wq − cost·wc − latency·wl.
    Weighted {
        /// Weight of cost.
        cost: f64,
        /// Weight of quality.
        quality: f64,
        /// Weight of latency.
        latency: f64,
    },
}

/// What a rule does when its condition holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// Always this model (subject to the filters).
    Model {
        /// Model id.
        model: String,
    },
    /// A weighted traffic split, deterministic per prompt (hash of the prompt text).
    Split {
        /// (model id, weight) pairs.
        arms: Vec<(String, f64)>,
    },
    /// Rank candidates by an objective.
    Pick {
        /// Candidate model ids; `None` means every catalog model.
        candidates: Option<Vec<String>>,
        /// How to rank them.
        objective: Objective,
    },
}

/// Which models a rule may use.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Filters {
    /// Only these providers (empty: any).
    pub allow_providers: Vec<String>,
    /// Never these providers.
    pub deny_providers: Vec<String>,
    /// Only models by these makers (empty: any).
    pub allow_makers: Vec<String>,
    /// Never models by these makers.
    pub deny_makers: Vec<String>,
    /// Maximum USD per 1M input tokens.
    pub max_input_price: Option<f64>,
    /// Maximum USD per 1M output tokens.
    pub max_output_price: Option<f64>,
    /// Required capabilities.
    pub require: Vec<String>,
    /// Minimum quality (0-100) for the prompt's task.
    pub min_quality: Option<f64>,
    /// Maximum estimated USD per request.
    pub max_cost: Option<f64>,
    /// Whether the prompt plus expected answer must fit the context window.
    pub context_fit: bool,
    /// With objective `cheapest`: only candidates within this many quality points (0-100) of
    /// the best eligible candidate for the prompt's task stay eligible.
    pub quality_band: Option<f64>,
}

/// One rule of a policy.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its name (from the file, or `rule N`).
    pub name: String,
    /// 1-based line of the rule in the file.
    pub line: usize,
    /// The CEL condition text; `None` for the default rule.
    pub when: Option<String>,
    /// What it does.
    pub action: Action,
    /// Which models it may use.
    pub filters: Filters,
    /// Explicit fallback chain.
    pub fallbacks: Vec<String>,
    /// How many next-ranked candidates to add to the fallback chain.
    pub fallback_count: usize,
    /// Whether this is the `[default]` rule.
    pub is_default: bool,
    condition: Option<Condition>,
    /// What the trace shows the values of: variables, or `scores.X` / `meta.X` fields.
    cond_vars: Vec<String>,
    spans: RuleSpans,
}

impl Rule {
    /// The static cost estimate of the condition, in cost units (at most
    /// [`MAX_CONDITION_COST`]); `None` for the default rule.
    pub fn cost(&self) -> Option<u64> {
        self.condition.as_ref().map(|c| c.cost.cost)
    }

    /// The most loop iterations the condition can run, by the same estimate; `None` for the
    /// default rule.
    pub fn max_loop_steps(&self) -> Option<u64> {
        self.condition.as_ref().map(|c| c.cost.loop_steps)
    }
}

#[derive(Debug, Clone, Default)]
struct RuleSpans {
    header: Range<usize>,
    when: Option<Range<usize>>,
    /// Every model id the rule names, with its span.
    models: Vec<(String, Range<usize>)>,
    providers: Vec<(String, Range<usize>)>,
    makers: Vec<(String, Range<usize>)>,
}

/// A parsed policy, ready to decide.
#[derive(Clone)]
pub struct Policy {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Rules in order; the default rule is last.
    pub rules: Vec<Rule>,
    /// Expected answer length override for estimates.
    pub output_tokens: Option<f64>,
    /// The declared metadata fields and their defaults.
    pub metadata: BTreeMap<String, serde_json::Value>,
    meta_schema: MetaSchema,
    default_meta: Arc<Box<dyn Val>>,
    source: Arc<str>,
    warnings: Vec<Diagnostic>,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("name", &self.name)
            .field("rules", &self.rules.len())
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// The file as TOML sees it.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: Option<Spanned<String>>,
    description: Option<String>,
    output_tokens: Option<Spanned<f64>>,
    #[serde(default)]
    metadata: BTreeMap<String, Spanned<toml::Value>>,
    constraints: Option<Spanned<RawFilters>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    default: Option<Spanned<RawRule>>,
}

type SList = Option<Spanned<Vec<Spanned<String>>>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFilters {
    allow_providers: SList,
    deny_providers: SList,
    allow_makers: SList,
    deny_makers: SList,
    max_input_price: Option<Spanned<f64>>,
    max_output_price: Option<Spanned<f64>>,
    require: SList,
    min_quality: Option<Spanned<f64>>,
    max_cost: Option<Spanned<f64>>,
    context_fit: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<Spanned<String>>,
    when: Option<Spanned<String>>,
    model: Option<Spanned<String>>,
    split: Option<Spanned<Vec<Spanned<RawArm>>>>,
    candidates: SList,
    objective: Option<Spanned<String>>,
    weights: Option<Spanned<RawWeights>>,
    fallbacks: SList,
    fallback_count: Option<Spanned<i64>>,
    allow_providers: SList,
    deny_providers: SList,
    allow_makers: SList,
    deny_makers: SList,
    max_input_price: Option<Spanned<f64>>,
    max_output_price: Option<Spanned<f64>>,
    require: SList,
    min_quality: Option<Spanned<f64>>,
    max_cost: Option<Spanned<f64>>,
    context_fit: Option<bool>,
    quality_band: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArm {
    model: Spanned<String>,
    weight: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    #[serde(default)]
    cost: f64,
    #[serde(default)]
    quality: f64,
    #[serde(default)]
    latency: f64,
}

fn span<T>(s: &Spanned<T>) -> Range<usize> {
    s.span()
}

fn strings(list: &SList) -> Vec<String> {
    list.as_ref()
        .map(|l| l.get_ref().iter().map(|s| s.get_ref().clone()).collect())
        .unwrap_or_default()
}

fn spanned_strings(list: &SList) -> Vec<(String, Range<usize>)> {
    list.as_ref()
        .map(|l| {
            l.get_ref()
                .iter()
                .map(|s| (s.get_ref().clone(), s.span()))
                .collect()
        })
        .unwrap_or_default()
}

/// Where the text of a TOML string value starts, and whether file text equals the value.
fn string_content_start(source: &str, value_span: &Range<usize>, value: &str) -> (usize, bool) {
    let raw = source.get(value_span.clone()).unwrap_or("");
    let mut start = value_span.start;
    if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        start += 3;
        let rest = &source[start.min(source.len())..];
        if rest.starts_with("\r\n") {
            start += 2;
        } else if rest.starts_with('\n') {
            start += 1;
        }
    } else if raw.starts_with('\'') || raw.starts_with('"') {
        start += 1;
    }
    let exact = source.get(start..start + value.len()) == Some(value);
    (start, exact)
}

impl Policy {
    /// Stage 1: parses a policy file (TOML syntax, rule shapes, CEL syntax and types).
    ///
    /// On success the policy can decide; [`Policy::check`] against the catalog is still needed
    /// to find unknown models and rules with no eligible model. Warnings found here are kept
    /// and returned by [`Policy::check`] too. On failure, every diagnostic found (errors and
    /// warnings) in file order.
    pub fn parse(source: &str) -> Result<Policy, Vec<Diagnostic>> {
        let idx = LineIndex::new(source);
        if source.len() > MAX_POLICY_BYTES {
            return Err(vec![idx.diag(
                Severity::Error,
                "syntax",
                0..1,
                format!(
                    "the policy is {} bytes; the limit is {MAX_POLICY_BYTES}",
                    source.len()
                ),
                None,
            )]);
        }
        let raw: RawPolicy = match toml::from_str(source) {
            Ok(r) => r,
            Err(e) => {
                let span = e.span().unwrap_or(0..1);
                let msg = e.message().trim().to_string();
                let code = if msg.starts_with("unknown field")
                    || msg.starts_with("missing field")
                    || msg.starts_with("invalid type")
                {
                    "schema"
                } else {
                    "syntax"
                };
                let help = toml_help(&msg);
                let mut d = idx.diag(Severity::Error, code, span.clone(), msg.clone(), help);
                if let Some((wrong, right)) = reference::unknown_field_suggestion(&msg) {
                    d.help = Some(format!("did you mean `{right}`? Fields are listed in the policy reference (docs/policy.md)"));
                    d.fix = idx.rename_fix(span, &wrong, &right);
                }
                if code == "schema" {
                    d.reference = Some(reference::Section::Fields.anchor());
                }
                return Err(vec![d]);
            }
        };
        let mut diags = Vec::new();
        let mut b = Builder {
            source,
            idx: &idx,
            diags: &mut diags,
        };
        let policy = b.build(raw);
        diags.sort_by_key(|d| (d.line, d.column));
        match policy {
            Some(p) if !diags.iter().any(|d| d.is_error()) => Ok(Policy {
                warnings: diags,
                ..p
            }),
            _ => Err(diags),
        }
    }

    /// Stages 1 and 2 together: parse, then check against `catalog`. `Ok` carries the policy
    /// and its warnings; `Err` every diagnostic when any is an error.
    pub fn load(
        source: &str,
        catalog: &Catalog,
    ) -> Result<(Policy, Vec<Diagnostic>), Vec<Diagnostic>> {
        let policy = Policy::parse(source)?;
        let diags = policy.check(catalog);
        if diags.iter().any(|d| d.is_error()) {
            Err(diags)
        } else {
            Ok((policy, diags))
        }
    }

    /// Stage 2: checks the policy against a catalog. Returns errors and warnings (the parse
    /// warnings included), in file order; the policy is usable when none is an error.
    pub fn check(&self, catalog: &Catalog) -> Vec<Diagnostic> {
        let idx = LineIndex::new(&self.source);
        let mut out = self.warnings.clone();
        let providers: Vec<&str> = catalog.models.iter().map(|m| m.provider.as_str()).collect();
        let makers: Vec<&str> = catalog.models.iter().map(|m| m.maker.as_str()).collect();
        for rule in &self.rules {
            let mut unknown = false;
            for (id, sp) in &rule.spans.models {
                if catalog.get(id).is_none() {
                    unknown = true;
                    let near = catalog.suggest(id);
                    let help = match near {
                        Some(s) => Some(format!("did you mean `{s}`?")),
                        None => Some("model ids are the `id` fields of the catalog (public/catalog.json by default)".into()),
                    };
                    let mut d = idx.diag(
                        Severity::Error,
                        "unknown-model",
                        sp.clone(),
                        format!("unknown model `{id}`: it is not in the catalog"),
                        help,
                    );
                    d.fix = near.and_then(|s| idx.rename_fix(sp.clone(), id, s));
                    out.push(d);
                }
            }
            for (list, known, what) in [
                (&rule.spans.providers, &providers, "provider"),
                (&rule.spans.makers, &makers, "maker"),
            ] {
                for (name, sp) in list {
                    if !known.contains(&name.as_str()) {
                        let near = crate::catalog::closest(name, known.iter().copied());
                        let help = near.map(|s| format!("did you mean `{s}`?"));
                        let mut d = idx.diag(
                            Severity::Warning,
                            "unknown-name",
                            sp.clone(),
                            format!("no model in the catalog has {what} `{name}`"),
                            help,
                        );
                        d.fix = near.and_then(|s| idx.rename_fix(sp.clone(), name, s));
                        out.push(d);
                    }
                }
            }
            if unknown {
                continue;
            }
            if let Some(reason) = decide::static_no_eligible(rule, catalog) {
                let sp = rule.spans.header.clone();
                out.push(idx.diag(
                    Severity::Error,
                    "no-eligible-model",
                    sp,
                    format!("rule `{}` can never pick a model: {reason}", rule.name),
                    Some("loosen its filters (min_quality, max prices, allow/deny lists, require) or change its candidates".into()),
                ));
            }
        }
        out.sort_by_key(|d| (d.line, d.column));
        out
    }

    /// The policy file text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether any condition of the policy reads the variable `var` (a name from
    /// [`VARIABLES`], e.g. `"language"` or `"meta"`). Computed from the parsed conditions, so a
    /// name in a string literal or a comprehension variable that shadows it does not count.
    /// Lets a caller skip work no policy needs, e.g. language detection when no selected
    /// policy reads `language`. Constant conditions read nothing.
    pub fn reads(&self, var: &str) -> bool {
        self.variables_read().any(|v| v == var)
    }

    /// Every variable the policy's conditions read, in [`VARIABLES`] order, without repeats.
    pub fn variables_read(&self) -> impl Iterator<Item = &'static str> + '_ {
        VARIABLES.iter().map(|v| v.name).filter(|name| {
            self.rules
                .iter()
                .any(|r| r.condition.as_ref().is_some_and(|c| c.reads.contains(name)))
        })
    }

    /// The default rule (always present in a parsed policy).
    pub fn default_rule(&self) -> &Rule {
        // A parsed policy always ends with its default rule.
        &self.rules[self.rules.len() - 1]
    }
}

fn toml_help(msg: &str) -> Option<String> {
    if msg.starts_with("unknown field") {
        Some("check the spelling; rule fields are listed in docs/policy.md".into())
    } else if msg.contains("invalid basic string") || msg.contains("escape") {
        Some("write CEL conditions in single quotes: when = 'task == \"code\"'".into())
    } else if msg.contains("duplicate key") {
        Some("each key may appear once per table; start another rule with [[rule]]".into())
    } else {
        None
    }
}

struct Builder<'a> {
    source: &'a str,
    idx: &'a LineIndex<'a>,
    diags: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn error(
        &mut self,
        code: &'static str,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) {
        self.diags
            .push(self.idx.diag(Severity::Error, code, span, message, help));
    }
    fn warning(
        &mut self,
        code: &'static str,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) {
        self.diags
            .push(self.idx.diag(Severity::Warning, code, span, message, help));
    }

    /// Attaches a known fix (replace `.0` with `.1` inside `span`) and a reference section
    /// to the diagnostic just pushed.
    fn fix_last(
        &mut self,
        span: Range<usize>,
        suggest: Option<(String, String)>,
        section: reference::Section,
    ) {
        let fix = suggest.and_then(|(wrong, right)| self.idx.rename_fix(span, &wrong, &right));
        if let Some(d) = self.diags.last_mut() {
            d.fix = fix;
            d.reference = Some(section.anchor());
        }
    }

    fn build(&mut self, raw: RawPolicy) -> Option<Policy> {
        let mut meta = MetaSchema::default();
        let mut metadata = BTreeMap::new();
        for (k, v) in &raw.metadata {
            let json = serde_json::to_value(v.get_ref()).unwrap_or(serde_json::Value::Null);
            match MetaSchema::ty_of_json(&json) {
                Some(t) => {
                    meta.fields.insert(k.clone(), (t, json.clone()));
                    metadata.insert(k.clone(), json);
                }
                None => self.error(
                    "schema",
                    v.span(),
                    format!("metadata field `{k}` needs a string, number, boolean or list default"),
                    None,
                ),
            }
        }
        let constraints = raw.constraints.as_ref().map(|c| c.get_ref());
        let output_tokens = raw.output_tokens.as_ref().map(|o| {
            let v = *o.get_ref();
            if !(v.is_finite() && v >= 0.0) {
                self.error(
                    "schema",
                    o.span(),
                    "output_tokens must be a non-negative number".into(),
                    None,
                );
            }
            v
        });
        let mut rules = Vec::new();
        for (i, r) in raw.rule.iter().enumerate() {
            if let Some(rule) = self.rule(r, i, false, constraints, &meta) {
                rules.push(rule);
            }
        }
        match &raw.default {
            None => {
                let end = self.source.len();
                self.error("no-default", end.saturating_sub(1)..end, "the policy has no [default] rule".into(), Some("add a [default] table naming the model to use when no rule matches, e.g. [default] model = \"gpt-5-mini\"".into()));
            }
            Some(d) => {
                if let Some(w) = &d.get_ref().when {
                    self.error("schema", w.span(), "the [default] rule cannot have a condition".into(), Some("it applies when no other rule matched; move this condition to a [[rule]]".into()));
                } else if let Some(rule) = self.rule(d, raw.rule.len(), true, constraints, &meta) {
                    rules.push(rule);
                }
            }
        }
        self.shadowing(&rules);
        self.total_cost(&rules);
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &rules {
            if let Some(prev) = names.insert(&r.name, r.line) {
                let sp = r.spans.header.clone();
                self.warning("duplicate-name", sp, format!("another rule is also named `{}` (line {prev}); traces and coverage will be ambiguous", r.name), None);
            }
        }
        let default_meta = expr::meta_value(&meta, &BTreeMap::new());
        Some(Policy {
            name: raw
                .name
                .map(|n| n.into_inner())
                .unwrap_or_else(|| "unnamed".into()),
            description: raw.description.unwrap_or_default(),
            rules,
            output_tokens,
            metadata,
            meta_schema: meta,
            default_meta: Arc::new(default_meta),
            source: Arc::from(self.source),
            warnings: Vec::new(),
        })
    }

    /// Every condition may run for one prompt: their estimates together have a budget too.
    fn total_cost(&mut self, rules: &[Rule]) {
        let mut total: u64 = 0;
        for r in rules {
            let Some(c) = &r.condition else { continue };
            total = total.saturating_add(c.cost.cost);
            if total > MAX_POLICY_COST {
                let sp = r.spans.when.clone().unwrap_or(r.spans.header.clone());
                self.error(
                    "cel-cost",
                    sp,
                    format!(
                        "the conditions up to rule `{}` together may take too long: their estimated cost is {} units, the budget for a policy is {}",
                        r.name,
                        expr::thousands(total),
                        expr::thousands(MAX_POLICY_COST)
                    ),
                    Some("simplify the costliest conditions (each rule's estimate is in docs/policy.md, \"Bounded work\"), or split the policy".into()),
                );
                return;
            }
        }
    }

    fn shadowing(&mut self, rules: &[Rule]) {
        let mut catch_all: Option<&Rule> = None;
        let mut seen: Vec<(String, &Rule)> = Vec::new();
        for r in rules.iter().filter(|r| !r.is_default) {
            let Some(cond) = &r.condition else { continue };
            let sp = r.spans.when.clone().unwrap_or(r.spans.header.clone());
            if let Some(prev) = catch_all {
                self.warning(
                    "shadowed",
                    sp.clone(),
                    format!(
                        "rule `{}` never fires: rule `{}` (line {}) above always matches",
                        r.name, prev.name, prev.line
                    ),
                    Some(
                        "move this rule above the catch-all, or give the catch-all a condition"
                            .into(),
                    ),
                );
                continue;
            }
            let norm: String = cond.source.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some((_, prev)) = seen.iter().find(|(s, _)| *s == norm) {
                self.warning("shadowed", sp.clone(), format!("rule `{}` never fires: rule `{}` (line {}) above has the same condition", r.name, prev.name, prev.line), Some("an earlier rule with the same condition always wins; merge the two or change one condition".into()));
                continue;
            }
            seen.push((norm, r));
            match cond.constant {
                // A rule with a quality floor or a cost cap can still fall through.
                Some(true) if r.filters.min_quality.is_none() && r.filters.max_cost.is_none() => {
                    catch_all = Some(r);
                }
                Some(true) => {}
                Some(false) => {
                    self.warning(
                        "never-matches",
                        sp,
                        format!(
                            "rule `{}` never fires: its condition is always false",
                            r.name
                        ),
                        None,
                    );
                }
                None => {}
            }
        }
        if let Some(prev) = catch_all {
            if let Some(d) = rules.iter().find(|r| r.is_default) {
                let sp = d.spans.header.clone();
                self.warning(
                    "shadowed",
                    sp,
                    format!(
                        "the default rule never fires: rule `{}` (line {}) always matches",
                        prev.name, prev.line
                    ),
                    Some("make that rule the [default] instead".into()),
                );
            }
        }
    }

    fn filters(&mut self, r: &RawRule, c: Option<&RawFilters>) -> Filters {
        let pick = |a: &SList, b: Option<&SList>| -> Vec<String> {
            if a.is_some() {
                strings(a)
            } else {
                b.map(strings).unwrap_or_default()
            }
        };
        let num = |a: &Option<Spanned<f64>>, b: Option<&Option<Spanned<f64>>>| -> Option<f64> {
            a.as_ref()
                .or(b.and_then(|b| b.as_ref()))
                .map(|s| *s.get_ref())
        };
        let f = Filters {
            allow_providers: pick(&r.allow_providers, c.map(|c| &c.allow_providers)),
            deny_providers: pick(&r.deny_providers, c.map(|c| &c.deny_providers)),
            allow_makers: pick(&r.allow_makers, c.map(|c| &c.allow_makers)),
            deny_makers: pick(&r.deny_makers, c.map(|c| &c.deny_makers)),
            max_input_price: num(&r.max_input_price, c.map(|c| &c.max_input_price)),
            max_output_price: num(&r.max_output_price, c.map(|c| &c.max_output_price)),
            require: pick(&r.require, c.map(|c| &c.require)),
            min_quality: num(&r.min_quality, c.map(|c| &c.min_quality)),
            max_cost: num(&r.max_cost, c.map(|c| &c.max_cost)),
            context_fit: r
                .context_fit
                .or(c.and_then(|c| c.context_fit))
                .unwrap_or(true),
            quality_band: r.quality_band.as_ref().map(|b| *b.get_ref()),
        };
        for (name, v) in [
            ("max_input_price", &r.max_input_price),
            ("max_output_price", &r.max_output_price),
            ("max_cost", &r.max_cost),
        ]
        .into_iter()
        .chain(c.into_iter().flat_map(|c| {
            [
                ("max_input_price", &c.max_input_price),
                ("max_output_price", &c.max_output_price),
                ("max_cost", &c.max_cost),
            ]
        })) {
            if let Some(v) = v {
                if !(v.get_ref().is_finite() && *v.get_ref() >= 0.0) {
                    self.error(
                        "schema",
                        v.span(),
                        format!("{name} must be a non-negative number"),
                        None,
                    );
                }
            }
        }
        for q in [&r.min_quality]
            .into_iter()
            .chain(c.map(|c| &c.min_quality))
            .flatten()
        {
            if !(0.0..=100.0).contains(q.get_ref()) {
                self.error(
                    "schema",
                    q.span(),
                    "min_quality is a score from 0 to 100".into(),
                    None,
                );
            }
        }
        for list in [&r.require]
            .into_iter()
            .chain(c.map(|c| &c.require))
            .flatten()
        {
            for cap in list.get_ref() {
                if !CAPABILITIES.contains(&cap.get_ref().as_str()) {
                    self.error(
                        "schema",
                        cap.span(),
                        format!("unknown capability `{}`", cap.get_ref()),
                        Some(format!("capabilities: {}", CAPABILITIES.join(", "))),
                    );
                }
            }
        }
        f
    }

    fn rule(
        &mut self,
        sr: &Spanned<RawRule>,
        i: usize,
        is_default: bool,
        c: Option<&RawFilters>,
        meta: &MetaSchema,
    ) -> Option<Rule> {
        let r = sr.get_ref();
        let header = self.header_span(sr);
        let name = r
            .name
            .as_ref()
            .map(|n| n.get_ref().clone())
            .unwrap_or_else(|| {
                if is_default {
                    "default".into()
                } else {
                    format!("rule {}", i + 1)
                }
            });
        let line = self.idx.position(header.start).0;
        let mut spans = RuleSpans {
            header: header.clone(),
            ..Default::default()
        };
        let before = self.diags.iter().filter(|d| d.is_error()).count();

        // Condition.
        let mut condition = None;
        let mut cond_vars = Vec::new();
        match (&r.when, is_default) {
            (None, false) => self.error(
                "schema",
                header.clone(),
                format!("rule `{name}` has no `when` condition"),
                Some("add when = '...', or make it the [default] rule".into()),
            ),
            (Some(w), false) => {
                spans.when = Some(w.span());
                let text = w.get_ref();
                let (start, exact) = string_content_start(self.source, &w.span(), text);
                let to_bytes = |chars: &Range<usize>| -> Range<usize> {
                    if !exact {
                        return w.span();
                    }
                    let byte_at = |ci: usize| {
                        text.char_indices()
                            .nth(ci)
                            .map(|(b, _)| b)
                            .unwrap_or(text.len())
                    };
                    start + byte_at(chars.start)..start + byte_at(chars.end.max(chars.start))
                };
                match expr::compile(text, meta) {
                    Ok((cond, warnings)) => {
                        for wi in warnings {
                            let sp = to_bytes(&wi.chars);
                            self.warning(wi.code, sp.clone(), wi.message, wi.help);
                            self.fix_last(sp, wi.suggest, reference::Section::Signals);
                        }
                        let fields = expr::field_refs(cond.program.expression());
                        for &v in &cond.reads {
                            let own: Vec<&String> = fields
                                .iter()
                                .filter(|f| f.split('.').next() == Some(v))
                                .collect();
                            if own.is_empty() {
                                cond_vars.push(v.to_string());
                            } else {
                                cond_vars.extend(own.into_iter().cloned());
                            }
                        }
                        condition = Some(cond);
                    }
                    Err(issues) => {
                        for is in issues {
                            let sp = to_bytes(&is.chars);
                            if is.warning {
                                self.warning(is.code, sp.clone(), is.message, is.help);
                            } else {
                                self.error(is.code, sp.clone(), is.message, is.help);
                            }
                            let section = match is.code {
                                "unknown-function" => reference::Section::Functions,
                                _ => reference::Section::Signals,
                            };
                            self.fix_last(sp, is.suggest, section);
                        }
                    }
                }
            }
            _ => {}
        }

        // Action.
        let n_actions = usize::from(r.model.is_some())
            + usize::from(r.split.is_some())
            + usize::from(r.objective.is_some());
        if n_actions != 1 {
            let msg = if n_actions == 0 {
                if r.candidates.is_some() {
                    format!("rule `{name}` lists candidates but no objective")
                } else {
                    format!("rule `{name}` does not say which model to use")
                }
            } else {
                format!("rule `{name}` has more than one of model / split / objective")
            };
            self.error("schema", header.clone(), msg, Some("give exactly one of: model = \"id\", split = [{ model, weight }], or objective = \"cheapest\" | \"best_quality\" | \"fastest\" | \"weighted\"".into()));
        }
        if r.candidates.is_some() && r.objective.is_none() && n_actions == 1 {
            let sp = r.candidates.as_ref().map(span).unwrap_or(header.clone());
            self.error(
                "schema",
                sp,
                "`candidates` only goes with an `objective`".into(),
                None,
            );
        }
        if r.weights.is_some()
            && r.objective.as_ref().map(|o| o.get_ref().as_str()) != Some("weighted")
        {
            let sp = r.weights.as_ref().map(span).unwrap_or(header.clone());
            self.warning(
                "unused",
                sp,
                "`weights` is only used with objective = \"weighted\"".into(),
                None,
            );
        }
        let action = if let Some(m) = &r.model {
            spans.models.push((m.get_ref().clone(), m.span()));
            Action::Model {
                model: m.get_ref().clone(),
            }
        } else if let Some(split) = &r.split {
            if split.get_ref().is_empty() {
                self.error(
                    "schema",
                    split.span(),
                    "a split needs at least one arm".into(),
                    None,
                );
            }
            let mut arms = Vec::new();
            for arm in split.get_ref() {
                let a = arm.get_ref();
                let w = *a.weight.get_ref();
                if !(w.is_finite() && w > 0.0) {
                    self.error(
                        "schema",
                        a.weight.span(),
                        "a split weight must be a positive number".into(),
                        None,
                    );
                }
                spans
                    .models
                    .push((a.model.get_ref().clone(), a.model.span()));
                arms.push((a.model.get_ref().clone(), w));
            }
            // A model in several arms is one candidate whose weights add up (decide.rs);
            // legal, but most likely a copy-paste slip, so say what it means.
            for (i, arm) in split.get_ref().iter().enumerate() {
                let model = arm.get_ref().model.get_ref();
                let first = arms.iter().position(|(m, _)| m == model);
                if first != Some(i) {
                    continue;
                }
                let repeats: Vec<&Spanned<RawArm>> = split.get_ref()[i + 1..]
                    .iter()
                    .filter(|a| a.get_ref().model.get_ref() == model)
                    .collect();
                if let Some(second) = repeats.first() {
                    let total: f64 = arms
                        .iter()
                        .filter(|(m, _)| m == model)
                        .map(|(_, w)| *w)
                        .sum();
                    let all: f64 = arms.iter().map(|(_, w)| *w).sum();
                    let line = self.idx.position(arm.get_ref().model.span().start).0;
                    self.warning(
                        "repeated-arm",
                        second.get_ref().model.span(),
                        format!(
                            "model `{model}` already has a split arm (line {line}); its arms count as one with weight {total} of {all}"
                        ),
                        Some(format!(
                            "merge them into one arm: {{ model = \"{model}\", weight = {total} }}"
                        )),
                    );
                }
            }
            Action::Split { arms }
        } else if let Some(o) = &r.objective {
            let objective = match o.get_ref().as_str() {
                "cheapest" => Objective::Cheapest,
                "best_quality" => Objective::BestQuality,
                "fastest" => Objective::Fastest,
                "weighted" => {
                    let (cost, quality, latency) = match &r.weights {
                        Some(w) => {
                            let w2 = w.get_ref();
                            let ok = [w2.cost, w2.quality, w2.latency]
                                .iter()
                                .all(|x| x.is_finite() && *x >= 0.0);
                            if !ok || w2.cost + w2.quality + w2.latency <= 0.0 {
                                self.error(
                                    "schema",
                                    w.span(),
                                    "weights must be non-negative and not all zero".into(),
                                    None,
                                );
                            }
                            (w2.cost, w2.quality, w2.latency)
                        }
                        None => (1.0, 1.0, 1.0),
                    };
                    Objective::Weighted {
                        cost,
                        quality,
                        latency,
                    }
                }
                other => {
                    let names = reference::OBJECTIVES.iter().map(|o| o.name);
                    let near = crate::catalog::closest(other, names);
                    let help = match near {
                        Some(n) => format!(
                            "did you mean `{n}`? Objectives: {}",
                            reference::objective_names()
                        ),
                        None => format!("objectives: {}", reference::objective_names()),
                    };
                    self.error(
                        "schema",
                        o.span(),
                        format!("unknown objective `{other}`"),
                        Some(help),
                    );
                    let suggest = near.map(|n| (other.to_string(), n.to_string()));
                    self.fix_last(o.span(), suggest, reference::Section::Objectives);
                    Objective::Cheapest
                }
            };
            let list = strings(&r.candidates);
            let candidates = if r.candidates.is_none() || list.iter().any(|c| c == "*") {
                None
            } else {
                if list.is_empty() {
                    let sp = r.candidates.as_ref().map(span).unwrap_or(header.clone());
                    self.error(
                        "no-eligible-model",
                        sp,
                        format!("rule `{name}` has an empty candidate list"),
                        Some("list model ids, or drop `candidates` to consider every model".into()),
                    );
                }
                spans.models.extend(spanned_strings(&r.candidates));
                Some(list)
            };
            Action::Pick {
                candidates,
                objective,
            }
        } else {
            Action::Model {
                model: String::new(),
            }
        };
        if let Some(band) = &r.quality_band {
            let objective = r.objective.as_ref().map(|o| o.get_ref().as_str());
            if objective != Some("cheapest") {
                let what = match objective {
                    Some(o) => format!("objective = \"{o}\""),
                    None if r.model.is_some() => "a fixed model".into(),
                    None if r.split.is_some() => "a split".into(),
                    None => "no objective".into(),
                };
                self.error(
                    "quality-band",
                    band.span(),
                    format!("`quality_band` only goes with objective = \"cheapest\"; rule `{name}` has {what}"),
                    Some("quality_band = N keeps the candidates within N points of the best eligible quality and picks the cheapest of them: set objective = \"cheapest\", or drop quality_band".into()),
                );
                self.fix_last(band.span(), None, reference::Section::Fields);
            } else if !(band.get_ref().is_finite() && (0.0..=100.0).contains(band.get_ref())) {
                self.error(
                    "quality-band",
                    band.span(),
                    format!("quality_band is a number of quality points from 0 to 100, not {}", band.get_ref()),
                    Some("e.g. quality_band = 2 (the cheapest model within 2 points of the best); 0 keeps only the best".into()),
                );
                self.fix_last(band.span(), None, reference::Section::Fields);
            }
        }
        spans.models.extend(spanned_strings(&r.fallbacks));
        for l in [&r.allow_providers, &r.deny_providers] {
            spans.providers.extend(spanned_strings(l));
        }
        for l in [&r.allow_makers, &r.deny_makers] {
            spans.makers.extend(spanned_strings(l));
        }
        if let Some(c) = c {
            for l in [&c.allow_providers, &c.deny_providers] {
                spans.providers.extend(spanned_strings(l));
            }
            for l in [&c.allow_makers, &c.deny_makers] {
                spans.makers.extend(spanned_strings(l));
            }
        }
        let filters = self.filters(r, c);
        let fallback_count = match &r.fallback_count {
            Some(n) if !(0..=20).contains(n.get_ref()) => {
                self.error(
                    "schema",
                    n.span(),
                    "fallback_count must be between 0 and 20".into(),
                    None,
                );
                0
            }
            Some(n) => *n.get_ref() as usize,
            None => match &action {
                Action::Pick { .. } => 2,
                Action::Split { arms } => arms.len().saturating_sub(1),
                Action::Model { .. } => 0,
            },
        };
        let after = self.diags.iter().filter(|d| d.is_error()).count();
        if after > before {
            return None;
        }
        Some(Rule {
            name,
            line,
            when: r.when.as_ref().map(|w| w.get_ref().clone()),
            action,
            filters,
            fallbacks: strings(&r.fallbacks),
            fallback_count,
            is_default,
            condition,
            cond_vars,
            spans,
        })
    }

    /// The span of a rule's `[[rule]]` / `[default]` header (what TOML reports for a table).
    fn header_span<T>(&self, sr: &Spanned<T>) -> Range<usize> {
        let sp = sr.span();
        let start = sp.start.min(self.source.len());
        let end = sp.end.clamp(start, self.source.len());
        if self.source[start..].starts_with('[') {
            start..end
        } else {
            // An inline table: point at its first character.
            start..(start + 1).min(self.source.len().max(start))
        }
    }
}

/// All task types a policy may test `task` against (the catalog's rating keys).
pub fn task_types() -> &'static [&'static str] {
    &TASK_TYPES
}

#[cfg(test)]
pub(crate) mod tests;
