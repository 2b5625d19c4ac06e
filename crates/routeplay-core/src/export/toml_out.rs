//! Writes a rule back as Routeplay TOML: used to probe one rule in isolation (see
//! [`super::lower`]) and by the importers to emit a policy.

use crate::policy::{Action, Filters, Objective, Rule};
use std::fmt::Write;

/// A TOML string literal (basic string, escaped).
pub fn q(s: &str) -> String {
    // serde_json's string escaping is valid TOML basic-string escaping for every character.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A CEL condition as a TOML literal string when it can be one, else an escaped basic string.
pub fn q_cel(s: &str) -> String {
    if !s.contains('\'') && !s.contains('\n') {
        format!("'{s}'")
    } else {
        q(s)
    }
}

fn list(items: &[String]) -> String {
    let v: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", v.join(", "))
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

/// The body of a rule table (everything but the `[[rule]]` / `[default]` header).
pub fn rule_body(rule: &Rule, with_name: bool) -> String {
    let mut s = String::new();
    if with_name {
        let _ = writeln!(s, "name = {}", q(&rule.name));
    }
    if let Some(w) = &rule.when {
        let _ = writeln!(s, "when = {}", q_cel(w));
    }
    action_body(&mut s, &rule.action);
    filters_body(&mut s, &rule.filters);
    if !rule.fallbacks.is_empty() {
        let _ = writeln!(s, "fallbacks = {}", list(&rule.fallbacks));
    }
    // Written when set, and as 0 when the action's default would add fallbacks on reading
    // back (a pick defaults to 2, a split to its other arms).
    let default_count = match &rule.action {
        Action::Pick { .. } => 2,
        Action::Split { arms } => arms.len().saturating_sub(1),
        Action::Model { .. } => 0,
    };
    if rule.fallback_count > 0 || default_count > 0 {
        let _ = writeln!(s, "fallback_count = {}", rule.fallback_count);
    }
    s
}

/// Writes an action's keys.
pub fn action_body(s: &mut String, action: &Action) {
    match action {
        Action::Model { model } => {
            let _ = writeln!(s, "model = {}", q(model));
        }
        Action::Split { arms } => {
            let a: Vec<String> = arms
                .iter()
                .map(|(m, w)| format!("{{ model = {}, weight = {} }}", q(m), num(*w)))
                .collect();
            let _ = writeln!(s, "split = [{}]", a.join(", "));
        }
        Action::Pick {
            candidates,
            objective,
        } => {
            if let Some(c) = candidates {
                let _ = writeln!(s, "candidates = {}", list(c));
            }
            match objective {
                Objective::Cheapest => s.push_str("objective = \"cheapest\"\n"),
                Objective::BestQuality => s.push_str("objective = \"best_quality\"\n"),
                Objective::Fastest => s.push_str("objective = \"fastest\"\n"),
                Objective::Weighted {
                    cost,
                    quality,
                    latency,
                } => {
                    let _ = writeln!(
                        s,
                        "objective = \"weighted\"\nweights = {{ quality = {}, cost = {}, latency = {} }}",
                        num(*quality),
                        num(*cost),
                        num(*latency)
                    );
                }
            }
        }
    }
}

/// Writes a rule's filters (every one that differs from "no filter").
pub fn filters_body(s: &mut String, f: &Filters) {
    for (key, v) in [
        ("allow_providers", &f.allow_providers),
        ("deny_providers", &f.deny_providers),
        ("allow_makers", &f.allow_makers),
        ("deny_makers", &f.deny_makers),
        ("require", &f.require),
    ] {
        if !v.is_empty() {
            let _ = writeln!(s, "{key} = {}", list(v));
        }
    }
    for (key, v) in [
        ("max_input_price", f.max_input_price),
        ("max_output_price", f.max_output_price),
        ("min_quality", f.min_quality),
        ("max_cost", f.max_cost),
        ("quality_band", f.quality_band),
    ] {
        if let Some(x) = v {
            let _ = writeln!(s, "{key} = {}", num(x));
        }
    }
    if !f.context_fit {
        s.push_str("context_fit = false\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    /// Every rule written back and read again has the fallback count it had, including an
    /// explicit 0 where the action's default is not 0.
    #[test]
    fn fallback_counts_survive_writing_back() {
        for (action, counts) in [
            ("candidates = [\"gpt-5.5\", \"gpt-5-mini\"]\nobjective = \"cheapest\"", [0, 1, 2, 5]),
            (
                "split = [{ model = \"gpt-5.5\", weight = 1.0 }, { model = \"gpt-5-mini\", weight = 1.0 }]",
                [0, 1, 2, 3],
            ),
            ("model = \"gpt-5.5\"", [0, 1, 2, 4]),
        ] {
            for n in counts {
                let src = format!("[default]\n{action}\nfallback_count = {n}\n");
                let p = Policy::parse(&src).unwrap();
                let written = format!("[default]\n{}", rule_body(p.rules.last().unwrap(), false));
                let back = Policy::parse(&written).unwrap();
                assert_eq!(back.rules.last().unwrap().fallback_count, n, "{written}");
            }
        }
    }
}
