//! One sentence for people that says why a decision chose its model: which rule, what it saw,
//! and how it picked ("Rule `code` matched (task is code); best-quality eligible model of 4
//! candidates, est. cost ≤ $0.05"). The trace has every detail; this is its headline.

use super::{Action, Decision, Filters, Objective, Policy, RuleOutcome};
use crate::format::plural;

impl Decision {
    /// Why this decision chose its model, in one line. `policy` is the policy that made it
    /// (the sentence reads the chosen rule's action and filters from it).
    pub fn why(&self, policy: &Policy) -> String {
        let (Some(model), Some(ri)) = (&self.model, self.rule_index) else {
            return "No rule found an eligible model: every candidate was excluded (see the trace)."
                .into();
        };
        let Some(rule) = policy.rules.get(ri) else {
            return format!("{model} was chosen.");
        };
        let matched = if rule.is_default {
            if ri == 0 {
                "The default rule (the only one) chose".to_string()
            } else {
                "No earlier rule chose, so the default rule did".to_string()
            }
        } else {
            let values = self
                .trace
                .iter()
                .find(|t| t.outcome == RuleOutcome::Chosen)
                .and_then(|t| values_read(&t.reason, rule.when.as_deref()?, model));
            match values {
                Some(v) if !v.is_empty() => format!("Rule `{}` matched ({v})", rule.name),
                _ => format!("Rule `{}` matched", rule.name),
            }
        };
        format!("{matched}; {}", how(&rule.action, &rule.filters, model))
    }
}

/// The values a chosen rule's condition read, from its trace line (`` `when` is true (task =
/// "code", ...); model by ... ``), written as "task is code, ...".
fn values_read(reason: &str, when: &str, model: &str) -> Option<String> {
    let rest = reason.strip_prefix(&format!("`{when}` is true"))?;
    let end = rest.rfind(&format!("; {model} by "))?;
    let inner = rest[..end].trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(", ")
            .map(|part| match part.split_once(" = ") {
                Some((name, value)) => {
                    let value = value
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(value);
                    format!("{name} is {value}")
                }
                None => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// How a rule picks, with the limits that applied.
fn how(action: &Action, filters: &Filters, model: &str) -> String {
    let limits = limits(filters);
    let with = if limits.is_empty() {
        String::new()
    } else {
        format!(", {}", limits.join(", "))
    };
    match action {
        Action::Model { model: m } if m == model => format!("always {m}{with}"),
        Action::Model { model: m } => format!("{m} was not eligible, so fallback {model}{with}"),
        Action::Split { arms } => {
            let names: Vec<&str> = arms.iter().map(|(m, _)| m.as_str()).collect();
            format!(
                "weighted split between {} (the same prompt always gets the same arm){with}",
                names.join(", ")
            )
        }
        Action::Pick {
            candidates,
            objective,
        } => {
            let what = match objective {
                Objective::Cheapest => match filters.quality_band {
                    Some(b) => format!(
                        "cheapest eligible model within {b} quality points of the best"
                    ),
                    None => "cheapest eligible model".to_string(),
                },
                Objective::BestQuality => "best-quality eligible model".to_string(),
                Objective::Fastest => "fastest eligible model".to_string(),
                Objective::Weighted {
                    cost,
                    quality,
                    latency,
                } => format!(
                    "eligible model with the best weighted score (quality {quality}, cost {cost}, latency {latency})"
                ),
            };
            let among = match candidates {
                Some(list) => format!(" of {}", plural(list.len(), "candidate")),
                None => " in the catalog".to_string(),
            };
            format!("{what}{among}{with}")
        }
    }
}

/// The filters a rule set, in words (the context-window check is on by default and not said).
fn limits(f: &Filters) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(q) = f.min_quality {
        out.push(format!("quality ≥ {q}"));
    }
    if let Some(c) = f.max_cost {
        out.push(format!("est. cost ≤ ${c}"));
    }
    if let Some(p) = f.max_input_price {
        out.push(format!("input ≤ ${p}/1M"));
    }
    if let Some(p) = f.max_output_price {
        out.push(format!("output ≤ ${p}/1M"));
    }
    if !f.require.is_empty() {
        out.push(format!("with {}", f.require.join(", ")));
    }
    if !f.allow_providers.is_empty() {
        out.push(format!("only from {}", f.allow_providers.join(", ")));
    }
    if !f.deny_providers.is_empty() {
        out.push(format!("not from {}", f.deny_providers.join(", ")));
    }
    if !f.allow_makers.is_empty() {
        out.push(format!("only made by {}", f.allow_makers.join(", ")));
    }
    if !f.deny_makers.is_empty() {
        out.push(format!("not made by {}", f.deny_makers.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::policy::{Facts, Metadata, Policy};
    use crate::signals::{CheapSignals, PromptSignals, TaskPrediction};

    fn catalog() -> Catalog {
        Catalog::from_json(crate::shipped::CATALOG).unwrap()
    }

    fn decide_why(src: &str, text: &str, task: Option<&str>) -> String {
        let cat = catalog();
        let (policy, _) = Policy::load(src, &cat).unwrap();
        let signals = PromptSignals {
            cheap: CheapSignals::compute(text),
            task: task.map(|t| TaskPrediction {
                label: t.into(),
                scores: [(t.to_string(), 0.9)].into_iter().collect(),
                complexity: 0.5,
            }),
        };
        let facts = Facts::new(text, &signals, &Metadata::new());
        policy.decide(&facts, &cat).why(&policy)
    }

    const CODE_POLICY: &str = r#"name = "p"
description = "test"

[[rule]]
name = "code-tasks"
when = 'task == "code"'
objective = "cheapest"
min_quality = 80

[default]
model = "gpt-5-mini"
"#;

    #[test]
    fn a_matched_rule_says_what_it_saw_and_how_it_picked() {
        let why = decide_why(CODE_POLICY, "Fix this function", Some("code"));
        assert_eq!(
            why,
            "Rule `code-tasks` matched (task is code); cheapest eligible model in the catalog, quality ≥ 80"
        );
    }

    #[test]
    fn the_default_rule_says_no_earlier_rule_chose() {
        let why = decide_why(CODE_POLICY, "Plan a trip to Oslo", Some("planning"));
        assert_eq!(
            why,
            "No earlier rule chose, so the default rule did; always gpt-5-mini"
        );
    }

    #[test]
    fn candidates_and_limits_are_counted_and_named() {
        let src = r#"name = "p"

[[rule]]
name = "code"
when = 'task == "code" || (!classified && has_code)'
candidates = ["claude-sonnet-5", "claude-opus-5", "gpt-5.4", "deepseek-v4-pro"]
objective = "best_quality"
max_cost = 0.05

[default]
objective = "weighted"
weights = { quality = 2, cost = 1, latency = 1 }
deny_providers = ["local"]
"#;
        let why = decide_why(src, "Write a Rust parser", Some("code"));
        assert_eq!(
            why,
            "Rule `code` matched (task is code, has_code is false, classified is true); best-quality eligible model of 4 candidates, est. cost ≤ $0.05"
        );
        let why = decide_why(src, "Say hello", Some("chat"));
        assert_eq!(
            why,
            "No earlier rule chose, so the default rule did; eligible model with the best weighted score (quality 2, cost 1, latency 1) in the catalog, not from local"
        );
    }

    #[test]
    fn every_preset_explains_every_sample_prompt() {
        let cat = catalog();
        for (name, src) in crate::shipped::PRESETS {
            let (policy, _) = Policy::load(src, &cat).unwrap();
            for (_, r) in crate::simulate::parse_prompt_set(crate::shipped::SAMPLES).prompts {
                let signals = PromptSignals {
                    cheap: CheapSignals::compute(&r.text),
                    task: None,
                };
                let d = policy.decide(&Facts::new(&r.text, &signals, &Metadata::new()), &cat);
                let why = d.why(&policy);
                assert!(!why.is_empty() && !why.contains('?'), "{name}: {why}");
                if let Some(rule) = &d.rule {
                    let default = policy.rules.last().map(|r| &r.name) == Some(rule);
                    assert!(
                        default || why.contains(&format!("`{rule}`")),
                        "{name}: {why}"
                    );
                }
            }
        }
    }
}
