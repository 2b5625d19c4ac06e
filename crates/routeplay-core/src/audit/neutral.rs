//! The neutral counterfactual: the same policy with every maker/provider preference and
//! restriction that names the house taken out, the objectives kept.
//!
//! Precisely, for a house H (see docs/audit.md, "The counterfactual"), rule by rule:
//!
//! 1. **House-first rules are removed.** A rule other than `[default]` whose own models are
//!    the house's only — its own `allow_makers` / `allow_providers` lists name house members and
//!    nothing else, or its `candidates` (or `model`, or every `split` arm) are house models
//!    only — *and* that either has no objective (`model`, `split`) or has a quality floor or a
//!    cost cap (`min_quality`, `max_cost`: "the house when it is good enough, else the rules
//!    after me") exists to send the prompts it matches to the house. It is removed whole, so
//!    those prompts are routed by the rules after it: the author's own statement of how to
//!    route when the house is not preferred. A house-restricted rule with an objective and no
//!    floor or cap always chooses when it matches: it is a routing rule over a house pool (a
//!    platform router over its own model family), kept with its restriction lifted (2, 4).
//! 2. **Allow lists that name the house are dropped** (the whole list: a list that names the
//!    house among others was drawn up with the house in it), in every remaining rule, whether
//!    the rule sets it or inherits it from `[constraints]`.
//! 3. **House names are taken out of deny lists** (the neutral policy treats the house like
//!    anyone else); other names in deny lists stay (`deny_providers = ["local"]` has its own
//!    reasons).
//! 4. **House-only candidate lists are dropped** in the rules kept: the rule ranks every
//!    catalog model that passes its other filters, by the same objective. When the candidates
//!    are served on providers outside the house (Nova on Bedrock, for the house Amazon) and the
//!    rule names no providers, it gets `allow_providers` = those providers: the neutral rule
//!    ranks every model *there* (the platform is not the house, so its restriction stays).
//!
//! Everything else is kept as written: conditions, objectives and weights, quality floors,
//! cost and price caps, required capabilities, context checks, fallbacks, metadata, mixed
//! candidate lists and splits (a list naming house and other models), and a `[default]` pinned
//! to one house model (the audit cannot invent an objective for it; it is listed in
//! [`Neutral::kept`]).
//!
//! The neutral policy is written as TOML ([`Neutral::toml`]) and parsed back, so what runs is
//! exactly the text shown. `[constraints]` are written into each rule that inherits them.

use super::house::House;
use crate::catalog::Catalog;
use crate::export::toml_out::{q, rule_body};
use crate::policy::{Action, Diagnostic, Policy, Rule};
use serde::Serialize;
use std::fmt::Write;

/// What the transformation took out of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalKind {
    /// The whole rule (a house-first rule).
    Rule,
    /// An `allow_makers` list naming the house.
    AllowMakers,
    /// An `allow_providers` list naming the house.
    AllowProviders,
    /// House makers in a `deny_makers` list.
    DenyMakers,
    /// House providers in a `deny_providers` list.
    DenyProviders,
    /// A house-only `candidates` list.
    Candidates,
}

/// One thing the neutral transformation removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    /// The rule it was in (`[constraints]` for a policy-wide filter).
    pub rule: String,
    /// 1-based line of that rule in the policy file (0 for `[constraints]`).
    pub line: usize,
    /// What kind of thing.
    pub kind: RemovalKind,
    /// What exactly, in words: `allow_makers = ["google"]: restricts the rule to the house`.
    pub what: String,
}

/// A policy's neutral counterfactual for a house.
#[derive(Debug, Clone)]
pub struct Neutral {
    /// The neutral policy, parsed from [`Neutral::toml`].
    pub policy: Policy,
    /// Its TOML text (what the page shows and what runs).
    pub toml: String,
    /// Everything removed, in rule order.
    pub removed: Vec<Removal>,
    /// House preferences the transformation kept on purpose, in words (e.g. a `[default]`
    /// pinned to a house model).
    pub kept: Vec<String>,
}

/// The neutral transformation failed: the rewritten policy did not parse or check. This is a
/// bug in the transformation, reported instead of a panic.
#[derive(Debug, Clone)]
pub struct NeutralError {
    /// The text that was written.
    pub toml: String,
    /// What the parser or checker said about it.
    pub diagnostics: Vec<Diagnostic>,
}

fn list_text(items: &[String]) -> String {
    let v: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", v.join(", "))
}

/// The rule tables of the source as TOML sees them: `[[rule]]` tables in order, then
/// `[default]`; used to tell a rule's own filters from those inherited from `[constraints]`.
fn raw_tables(source: &str) -> (Vec<toml::Table>, Option<toml::Table>) {
    let Ok(t) = toml::from_str::<toml::Table>(source) else {
        return (Vec::new(), None);
    };
    let mut rules: Vec<toml::Table> = t
        .get("rule")
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_table().cloned()).collect())
        .unwrap_or_default();
    if let Some(d) = t.get("default").and_then(|d| d.as_table()) {
        rules.push(d.clone());
    }
    let constraints = t.get("constraints").and_then(|c| c.as_table()).cloned();
    (rules, constraints)
}

/// Whether a rule's action can only ever choose house models.
fn action_house_only(action: &Action, house: &House, catalog: &Catalog) -> bool {
    let all = |ids: &mut dyn Iterator<Item = &String>| {
        let mut n = 0;
        for id in ids {
            n += 1;
            if !house.contains_id(id, catalog) {
                return false;
            }
        }
        n > 0
    };
    match action {
        Action::Model { model } => house.contains_id(model, catalog),
        Action::Split { arms } => all(&mut arms.iter().map(|(m, _)| m)),
        Action::Pick {
            candidates: Some(c),
            ..
        } => all(&mut c.iter()),
        Action::Pick {
            candidates: None, ..
        } => false,
    }
}

/// Builds the neutral counterfactual of `policy` for `house` (see the module documentation
/// for exactly what is removed).
pub fn neutral(policy: &Policy, house: &House, catalog: &Catalog) -> Result<Neutral, NeutralError> {
    let (raw, _constraints) = raw_tables(policy.source());
    let mut removed = Vec::new();
    let mut kept = Vec::new();
    let mut constraint_noted: Vec<&'static str> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let label = house.label();
    for (i, rule) in policy.rules.iter().enumerate() {
        let own = raw.get(i);
        let own_has = |key: &str| own.is_some_and(|t| t.contains_key(key));
        let f = &rule.filters;
        let names_maker = f.allow_makers.iter().any(|m| house.has_maker(m));
        let names_provider = f.allow_providers.iter().any(|p| house.has_provider(p));
        let only_makers = names_maker && f.allow_makers.iter().all(|m| house.has_maker(m));
        let only_providers =
            names_provider && f.allow_providers.iter().all(|p| house.has_provider(p));
        let restricted_by_own_list = (only_makers && own_has("allow_makers"))
            || (only_providers && own_has("allow_providers"));
        let house_only_action = action_house_only(&rule.action, house, catalog);
        let is_pick = matches!(rule.action, Action::Pick { .. });
        let falls_through = f.min_quality.is_some() || f.max_cost.is_some();
        if !rule.is_default
            && (restricted_by_own_list || house_only_action)
            && (!is_pick || falls_through)
        {
            let why = if house_only_action {
                match &rule.action {
                    Action::Model { model } => format!("model = {}", q(model)),
                    Action::Split { .. } => "every split arm is a house model".to_string(),
                    Action::Pick {
                        candidates: Some(c),
                        ..
                    } => format!("candidates = {}", list_text(c)),
                    Action::Pick { .. } => String::new(),
                }
            } else if only_makers && own_has("allow_makers") {
                format!("allow_makers = {}", list_text(&f.allow_makers))
            } else {
                format!("allow_providers = {}", list_text(&f.allow_providers))
            };
            removed.push(Removal {
                rule: rule.name.clone(),
                line: rule.line,
                kind: RemovalKind::Rule,
                what: if is_pick {
                    format!(
                        "rule `{}` ({why}) chooses {label}'s models when one clears its floor or cap, else lets the prompt through: a house-first rule, removed; the prompts it took go to the rules after it",
                        rule.name
                    )
                } else {
                    format!(
                        "rule `{}` ({why}) can only choose {label}'s models and has no objective to keep: a house-first rule, removed; the prompts it took go to the rules after it",
                        rule.name
                    )
                },
            });
            continue;
        }
        let mut r = rule.clone();
        let mut note = |kind: RemovalKind, key: &'static str, what: String, own_key: bool| {
            if own_key {
                removed.push(Removal {
                    rule: rule.name.clone(),
                    line: rule.line,
                    kind,
                    what: format!("rule `{}`: {what}", rule.name),
                });
            } else if !constraint_noted.contains(&key) {
                constraint_noted.push(key);
                removed.push(Removal {
                    rule: "[constraints]".into(),
                    line: 0,
                    kind,
                    what: format!("{what} (in [constraints], for every rule that inherits it)"),
                });
            }
        };
        if names_maker {
            note(
                RemovalKind::AllowMakers,
                "allow_makers",
                format!(
                    "allow_makers = {}: names {label}; dropped",
                    list_text(&f.allow_makers)
                ),
                own_has("allow_makers"),
            );
            r.filters.allow_makers.clear();
        }
        if names_provider {
            note(
                RemovalKind::AllowProviders,
                "allow_providers",
                format!(
                    "allow_providers = {}: names {label}; dropped",
                    list_text(&f.allow_providers)
                ),
                own_has("allow_providers"),
            );
            r.filters.allow_providers.clear();
        }
        if f.deny_makers.iter().any(|m| house.has_maker(m)) {
            let gone: Vec<String> = f
                .deny_makers
                .iter()
                .filter(|m| house.has_maker(m))
                .cloned()
                .collect();
            note(
                RemovalKind::DenyMakers,
                "deny_makers",
                format!("{} taken out of deny_makers", list_text(&gone)),
                own_has("deny_makers"),
            );
            r.filters.deny_makers.retain(|m| !house.has_maker(m));
        }
        if f.deny_providers.iter().any(|p| house.has_provider(p)) {
            let gone: Vec<String> = f
                .deny_providers
                .iter()
                .filter(|p| house.has_provider(p))
                .cloned()
                .collect();
            note(
                RemovalKind::DenyProviders,
                "deny_providers",
                format!("{} taken out of deny_providers", list_text(&gone)),
                own_has("deny_providers"),
            );
            r.filters.deny_providers.retain(|p| !house.has_provider(p));
        }
        if house_only_action {
            match &mut r.action {
                Action::Pick { candidates, .. } => {
                    if let Some(c) = candidates.take() {
                        // The platforms the candidates are served on stay, unless they are
                        // the house's own (or the rule already says which providers).
                        let mut on: Vec<String> = Vec::new();
                        for id in &c {
                            if let Some(m) = catalog.get(id) {
                                if !on.contains(&m.provider) {
                                    on.push(m.provider.clone());
                                }
                            }
                        }
                        let keep_providers = !on.is_empty()
                            && r.filters.allow_providers.is_empty()
                            && !on.iter().any(|p| house.has_provider(p));
                        let then = if keep_providers {
                            let t = format!(
                                "replaced by allow_providers = {} (where they are served): the rule ranks every model there",
                                list_text(&on)
                            );
                            r.filters.allow_providers = on;
                            t
                        } else {
                            "dropped: the rule ranks every model".to_string()
                        };
                        removed.push(Removal {
                            rule: rule.name.clone(),
                            line: rule.line,
                            kind: RemovalKind::Candidates,
                            what: format!(
                                "rule `{}`: candidates = {}: {label}'s models only; {then}",
                                rule.name,
                                list_text(&c)
                            ),
                        });
                    }
                }
                Action::Model { model } => kept.push(format!(
                    "rule `{}` is pinned to the house model `{model}`; kept, as the audit cannot invent an objective for it",
                    rule.name
                )),
                Action::Split { .. } => kept.push(format!(
                    "rule `{}` splits between house models only; kept, as the audit cannot invent an objective for it",
                    rule.name
                )),
            }
        }
        rules.push(r);
    }
    let toml = write_policy(policy, &rules, &label, &removed, &kept);
    match Policy::load(&toml, catalog) {
        Ok((p, _warnings)) => Ok(Neutral {
            policy: p,
            toml,
            removed,
            kept,
        }),
        Err(diagnostics) => Err(NeutralError { toml, diagnostics }),
    }
}

/// A JSON metadata default as a TOML value (strings, numbers, booleans, arrays, tables).
fn toml_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "\"\"".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => q(s),
        serde_json::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(toml_value).collect();
            format!("[{}]", items.join(", "))
        }
        serde_json::Value::Object(o) => {
            let items: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{} = {}", q(k), toml_value(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// Text safe in a TOML comment: line breaks (and other control characters) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The neutral name of `policy` for a house labelled `label`.
pub fn neutral_name(policy: &str, label: &str) -> String {
    format!("{policy} (neutral for {label})")
}

fn write_policy(
    policy: &Policy,
    rules: &[Rule],
    label: &str,
    removed: &[Removal],
    kept: &[String],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# The neutral counterfactual of `{}` for the house {}, written by the audit:",
        one_line(&policy.name),
        one_line(label)
    );
    let _ = writeln!(
        s,
        "# every preference and restriction naming the house removed, objectives kept."
    );
    if removed.is_empty() {
        let _ = writeln!(
            s,
            "# Nothing in the policy names the house: it is unchanged."
        );
    }
    for r in removed {
        let _ = writeln!(s, "# removed: {}", one_line(&r.what));
    }
    for k in kept {
        let _ = writeln!(s, "# kept: {}", one_line(k));
    }
    let _ = writeln!(s, "name = {}", q(&neutral_name(&policy.name, label)));
    if !policy.description.is_empty() {
        let _ = writeln!(s, "description = {}", q(&policy.description));
    }
    if let Some(o) = policy.output_tokens {
        let _ = writeln!(s, "output_tokens = {o}");
    }
    if !policy.metadata.is_empty() {
        let _ = writeln!(s, "\n[metadata]");
        for (k, v) in &policy.metadata {
            let _ = writeln!(s, "{} = {}", q(k), toml_value(v));
        }
    }
    for r in rules {
        if r.is_default {
            let _ = writeln!(s, "\n[default]");
        } else {
            let _ = writeln!(s, "\n[[rule]]");
        }
        s.push_str(&rule_body(r, true));
    }
    s
}
