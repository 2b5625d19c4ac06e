//! Bifrost routing rules (JSON): `{name, cel_expression, targets: [{provider, model, weight}],
//! fallbacks: ["provider/model"], scope, priority}`. Bifrost's CEL sees the request (headers,
//! params), not Routeplay's signals: the client sends each metadata field as an
//! `x-routeplay-<key>` header (strings; numbers compared through `double()`), or only
//! `x-routeplay-route` with `--carry route`.

use super::cond::{Cond, Field, Lit, Op};
use super::{pick_fidelity, Carry, Ctx, RuleReport};
use serde_json::{json, Value};

fn header(f: &Field) -> String {
    format!("headers[\"x-routeplay-{}\"]", f.key().replace('_', "-"))
}

/// A condition in Bifrost's CEL over the request headers.
pub fn cel(c: &Cond) -> String {
    match c {
        Cond::True => "true".into(),
        Cond::False => "false".into(),
        Cond::And(v) if v.is_empty() => "true".into(),
        Cond::Or(v) if v.is_empty() => "false".into(),
        Cond::And(v) => v
            .iter()
            .map(|c| format!("({})", cel(c)))
            .collect::<Vec<_>>()
            .join(" && "),
        Cond::Or(v) => v
            .iter()
            .map(|c| format!("({})", cel(c)))
            .collect::<Vec<_>>()
            .join(" || "),
        Cond::Cmp(f, op, l) => match l {
            Lit::Str(s) => format!(
                "{} {} {}",
                header(f),
                op.cel(),
                serde_json::to_string(s).unwrap_or_default()
            ),
            Lit::Bool(b) => format!("{} {} \"{b}\"", header(f), op.cel()),
            Lit::Int(_) | Lit::Num(_) => format!(
                "double({}) {} {}",
                header(f),
                op.cel(),
                match l {
                    Lit::Int(i) => format!("{i}.0"),
                    _ => l.cel(),
                }
            ),
        },
        Cond::In(f, v, neg) => {
            let items: Vec<String> = v
                .iter()
                .map(|l| match l {
                    Lit::Str(s) => serde_json::to_string(s).unwrap_or_default(),
                    other => format!("\"{}\"", other.cel()),
                })
                .collect();
            let s = format!("{} in [{}]", header(f), items.join(", "));
            if *neg {
                format!("!({s})")
            } else {
                s
            }
        }
        Cond::Unsupported(t) => format!("({t})"),
    }
}

fn target(ctx: &Ctx, id: &str, weight: f64) -> Value {
    json!({"provider": ctx.provider(id), "model": ctx.api_model(id), "weight": weight})
}

fn fb(ctx: &Ctx, ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|m| format!("{}/{}", ctx.provider(m), ctx.api_model(m)))
        .collect()
}

pub(crate) fn export(ctx: &Ctx) -> (String, Vec<RuleReport>, Vec<String>) {
    let mut rules: Vec<Value> = Vec::new();
    let mut reports = Vec::new();
    for r in ctx.lowered {
        let base = match ctx.carry {
            Carry::Route if r.is_default => Cond::True,
            Carry::Route => Cond::Cmp(Field::Var("route".into()), Op::Eq, Lit::Str(r.name.clone())),
            Carry::Translate => r.cond.clone(),
        };
        if !base.unsupported().is_empty() {
            reports.push(RuleReport::dropped(r, format!("its condition `{}` reads values that cannot be sent as one header each (lists such as `pii`, functions); export with --carry route to keep it exactly", r.when.as_deref().unwrap_or(""))));
            continue;
        }
        let pick = pick_fidelity(ctx.lowered, r, ctx.carry == Carry::Translate, "a weighted split: Bifrost draws targets at random by weight where Routeplay hashes the prompt, so shares match on average, not per prompt");
        let priority = r.index * 10;
        let mut names = Vec::new();
        if let Some((arms, fallbacks)) = &r.split {
            // Bifrost's target weights must sum to 1.
            let total_w: f64 = arms.iter().map(|a| a.1).sum::<f64>().max(f64::MIN_POSITIVE);
            rules.push(json!({"name": r.slug, "cel_expression": cel(&base), "scope": "global", "priority": priority,
                "targets": arms.iter().map(|(m, w)| target(ctx, m, *w / total_w)).collect::<Vec<_>>(), "fallbacks": fb(ctx, fallbacks)}));
            names.push(r.slug.clone());
        } else {
            let groups = r.groups();
            let n = groups.len();
            let all = super::lower::tasks().len();
            for (gi, (o, tasks)) in groups.into_iter().enumerate() {
                let name = if n == 1 {
                    r.slug.clone()
                } else {
                    format!("{}.{}", r.slug, gi + 1)
                };
                let mut c = base.clone();
                if tasks.len() < all {
                    let t = Cond::In(
                        Field::Var("task".into()),
                        tasks.iter().map(|t| Lit::Str(t.clone())).collect(),
                        false,
                    );
                    c = Cond::And(vec![c, t]);
                }
                rules.push(json!({"name": name, "cel_expression": cel(&c), "scope": "global", "priority": priority + gi,
                    "targets": [target(ctx, &o.model, 1.0)], "fallbacks": fb(ctx, &o.fallbacks)}));
                names.push(name);
            }
        }
        reports.push(RuleReport::kept(r, names, pick, vec![]));
    }
    let config = json!({"routing_rules": rules});
    let notes = vec![
        "the client sends each field of `routeplay annotate`'s metadata as an x-routeplay-<key> header (underscores as dashes); Bifrost's own variables (its complexity tier) are not used".to_string(),
        "priority follows Routeplay's rule order (ascending: 0 is evaluated before 10, as Bifrost sorts rules within a scope); every rule is global scope".to_string(),
    ];
    (
        serde_json::to_string_pretty(&config).unwrap_or_default() + "\n",
        reports,
        notes,
    )
}
