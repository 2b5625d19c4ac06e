//! vLLM Semantic Router DSL: one `ROUTE` per rule (per task group when the pick depends on the
//! task), `PRIORITY` descending in policy order (first match = highest priority), `WHEN` over its
//! signals, `MODEL` the model then its fallbacks. Its signals are computed by its own classifiers,
//! so every condition that reads a Routeplay signal is an approximation, listed per rule.

use super::cond::{Cond, Field, Lit, Op};
use super::{pick_fidelity, Ctx, RuleReport};
use std::fmt::Write;

/// A condition in the DSL, with the approximations it needed.
fn dsl(c: &Cond, how: &mut Vec<String>) -> Option<String> {
    Some(match c {
        Cond::True | Cond::And(_)
            if matches!(c, Cond::And(v) if v.is_empty()) || *c == Cond::True =>
        {
            return None
        }
        Cond::False => "NOT domain(\"*\")".into(),
        Cond::And(v) | Cond::Or(v) => {
            let op = if matches!(c, Cond::And(_)) {
                " AND "
            } else {
                " OR "
            };
            let parts: Vec<String> = v.iter().filter_map(|p| dsl(p, how)).collect();
            if parts.len() == 1 {
                parts[0].clone()
            } else {
                format!("({})", parts.join(op))
            }
        }
        Cond::Cmp(Field::Var(v), Op::Eq, Lit::Str(s)) if v == "task" => {
            how.push(format!("task == \"{s}\" became domain(\"{s}\"): vLLM-SR's domain classifier (MMLU-like subjects) is not Routeplay's task classifier"));
            format!("domain(\"{s}\")")
        }
        Cond::In(Field::Var(v), lits, neg) if v == "task" => {
            how.push("a task list became domain(…) alternatives: vLLM-SR's domains are not Routeplay's task labels".into());
            let parts: Vec<String> = lits
                .iter()
                .map(|l| format!("domain({})", l.cel()))
                .collect();
            let s = format!("({})", parts.join(" OR "));
            if *neg {
                format!("NOT {s}")
            } else {
                s
            }
        }
        Cond::Cmp(Field::Var(v), Op::Eq, Lit::Bool(b)) if v == "has_code" => {
            how.push("has_code became keyword(\"code_markers\"): a keyword list, not Routeplay's code detector".into());
            if *b {
                "keyword(\"code_markers\")".into()
            } else {
                "NOT keyword(\"code_markers\")".into()
            }
        }
        Cond::Cmp(Field::Var(v), Op::Eq, Lit::Bool(b)) if v == "has_pii" => {
            how.push(
                "has_pii became pii(\"any\"): vLLM-SR's PII classifier, not Routeplay's detectors"
                    .into(),
            );
            if *b {
                "pii(\"any\")".into()
            } else {
                "NOT pii(\"any\")".into()
            }
        }
        Cond::Cmp(Field::Var(v), op, l) if v == "complexity" => {
            let hard = matches!(op, Op::Gt | Op::Ge);
            how.push(format!("complexity {} {} became complexity(\"{}\"): its own complexity tiers, not Routeplay's score and threshold", op.cel(), l.cel(), if hard { "hard" } else { "easy" }));
            format!("complexity(\"{}\")", if hard { "hard" } else { "easy" })
        }
        Cond::Cmp(Field::Var(v), op, l) if v == "tokens" => {
            how.push(format!(
                "tokens {} {} became context(…): its token count, not Routeplay's estimate",
                op.cel(),
                l.cel()
            ));
            format!("context(\"{}{}\")", op.cel(), l.cel())
        }
        Cond::Cmp(Field::Var(v), Op::Eq, Lit::Str(s)) if v == "language" => {
            how.push(format!(
                "language == \"{s}\" became language(\"{s}\"): its language detector, not whatlang"
            ));
            format!("language(\"{s}\")")
        }
        Cond::Cmp(Field::Score(t), op, l) => {
            how.push(format!(
                "scores.{t} {} {} became domain(\"{t}\"): no per-task probability in vLLM-SR",
                op.cel(),
                l.cel()
            ));
            format!("domain(\"{t}\")")
        }
        other => {
            how.push(format!("`{}` has no vLLM-SR signal: written as a keyword signal named after it, which you must define", other.to_cel()));
            format!(
                "keyword({})",
                serde_json::to_string(&other.to_cel()).unwrap_or_default()
            )
        }
    })
}

pub(crate) fn export(ctx: &Ctx) -> (String, Vec<RuleReport>, Vec<String>) {
    let mut out = format!(
        "# vLLM Semantic Router DSL exported by Routeplay from policy {:?}.\n# Signals are vLLM-SR's own classifiers: see the report for every approximation.\n\n",
        ctx.policy.name
    );
    let mut reports = Vec::new();
    let total = ctx.lowered.len();
    for r in ctx.lowered {
        let mut how_cond = Vec::new();
        let when = if r.is_default {
            None
        } else {
            dsl(&r.cond, &mut how_cond)
        };
        let pick = pick_fidelity(ctx.lowered, r, true, "a weighted split: vLLM-SR lists the models without Routeplay's per-prompt weighted draw");
        let mut how = how_cond;
        let priority = 100 + 10 * (total - r.index);
        let mut names = Vec::new();
        let groups = if let Some((arms, fb)) = &r.split {
            vec![(
                arms.iter()
                    .map(|a| a.0.clone())
                    .chain(fb.clone())
                    .collect::<Vec<_>>(),
                vec![],
            )]
        } else {
            r.groups()
                .into_iter()
                .map(|(o, ts)| (std::iter::once(o.model).chain(o.fallbacks).collect(), ts))
                .collect()
        };
        let n = groups.len();
        for (gi, (models, tasks)) in groups.into_iter().enumerate() {
            let name = if n == 1 {
                r.slug.replace('-', "_")
            } else {
                format!("{}_{}", r.slug.replace('-', "_"), gi + 1)
            };
            let mut cond = when.clone();
            if n > 1 {
                let d: Vec<String> = tasks.iter().map(|t| format!("domain(\"{t}\")")).collect();
                let dt = format!("({})", d.join(" OR "));
                cond = Some(match cond {
                    Some(c) => format!("{c} AND {dt}"),
                    None => dt,
                });
            }
            let _ = writeln!(out, "ROUTE {name} {{");
            let _ = writeln!(out, "  PRIORITY {}", priority - gi);
            if let Some(c) = &cond {
                let _ = writeln!(out, "  WHEN {c}");
            }
            let ms: Vec<String> = models
                .iter()
                .map(|m| format!("\"{}/{}\"", ctx.provider(m), ctx.api_model(m)))
                .collect();
            let _ = writeln!(out, "  MODEL {}", ms.join(", "));
            let _ = writeln!(out, "}}\n");
            names.push(name);
        }
        if n > 1 {
            how.push("the pick depends on the task type: split into routes on domain(…), an approximation of the task".into());
        }
        reports.push(RuleReport::kept(r, names, pick, how));
    }
    let notes = vec![
        "vLLM-SR computes its own signals server-side; Routeplay's metadata cannot be passed in, so conditions are approximations (listed per rule)".to_string(),
        "signal names used (domain, keyword, complexity, pii, context, language) must be declared in your vLLM-SR config; model names are provider/model".to_string(),
    ];
    (out, reports, notes)
}
