//! Portkey gateway config: `strategy.mode = "conditional"`, one named target per rule (per
//! task group when the pick depends on the task), `fallback` sub-strategies for fallback chains
//! and `loadbalance` for splits. Format read from the gateway's `src/services/conditionalRouter.ts`
//! and its config docs (see docs/gateways.md): queries over `metadata.<key>` with `$eq $ne $gt
//! $gte $lt $lte $in $nin $and $or`; a key path is read two levels deep; an object with `$or`
//! or `$and` must hold nothing else.

use super::cond::{Cond, Lit, Op};
use super::lower::Outcome;
use super::{pick_fidelity, Carry, Ctx, RuleReport};
use serde_json::{json, Value};

/// Status codes that move a fallback chain on.
pub const ON_STATUS: [u16; 5] = [429, 500, 502, 503, 504];

fn provider(p: &str) -> &'static str {
    match p {
        "anthropic" => "anthropic",
        "google" => "google",
        "mistral" => "mistral-ai",
        "groq" => "groq",
        "deepseek" => "deepseek",
        "xai" => "x-ai",
        "bedrock" => "bedrock",
        "azure" => "azure-ai",
        "vertex" => "vertex-ai",
        _ => "openai",
    }
}

fn leaf(ctx: &Ctx, id: &str) -> Value {
    let model = ctx.api_model(id);
    match ctx.base_url {
        Some(url) => json!({"provider": "openai", "custom_host": url,
            "api_key": ctx.key_placeholder(id), "override_params": {"model": model}}),
        None if ctx.provider(id) == "local" => json!({"provider": "openai",
            "custom_host": "{{LOCAL_BASE_URL}}", "api_key": ctx.key_placeholder(id),
            "override_params": {"model": model}}),
        None => json!({"provider": provider(&ctx.provider(id)),
            "api_key": ctx.key_placeholder(id), "override_params": {"model": model}}),
    }
}

fn chain(ctx: &Ctx, o: &Outcome) -> Value {
    if o.fallbacks.is_empty() {
        return leaf(ctx, &o.model);
    }
    let targets: Vec<Value> = std::iter::once(&o.model)
        .chain(&o.fallbacks)
        .map(|m| leaf(ctx, m))
        .collect();
    json!({"strategy": {"mode": "fallback", "on_status_codes": ON_STATUS}, "targets": targets})
}

fn named(mut v: Value, name: &str) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert("name".into(), json!(name));
    }
    v
}

/// A condition as a Portkey query.
pub fn query(c: &Cond) -> Value {
    let key = |f: &super::cond::Field| format!("metadata.{}", f.key());
    match c {
        Cond::True => json!({"$and": []}),
        Cond::False => json!({"$or": []}),
        Cond::And(v) => json!({"$and": v.iter().map(query).collect::<Vec<_>>()}),
        Cond::Or(v) => json!({"$or": v.iter().map(query).collect::<Vec<_>>()}),
        Cond::Cmp(f, op, l) => {
            let o = match op {
                Op::Eq => "$eq",
                Op::Ne => "$ne",
                Op::Gt => "$gt",
                Op::Ge => "$gte",
                Op::Lt => "$lt",
                Op::Le => "$lte",
            };
            json!({ key(f): { o: l.json() } })
        }
        Cond::In(f, v, neg) => {
            let o = if *neg { "$nin" } else { "$in" };
            json!({ key(f): { o: v.iter().map(Lit::json).collect::<Vec<_>>() } })
        }
        // Never emitted: rules with unsupported parts are dropped before.
        Cond::Unsupported(_) => json!({"$or": []}),
    }
}

fn and(a: Value, b: Option<Value>) -> Value {
    match b {
        None => a,
        Some(b) => json!({"$and": [a, b]}),
    }
}

pub(crate) fn export(ctx: &Ctx) -> (String, Vec<RuleReport>, Vec<String>) {
    let mut conditions: Vec<Value> = Vec::new();
    let mut targets: Vec<Value> = Vec::new();
    let mut default: Option<String> = None;
    let mut reports = Vec::new();
    let all_tasks = super::lower::tasks();
    for r in ctx.lowered {
        let mut names = Vec::new();
        let rule_query = match ctx.carry {
            Carry::Route if r.is_default => Some(json!({"$and": []})),
            Carry::Route => Some(json!({"metadata.route": {"$eq": r.name}})),
            Carry::Translate => {
                let bad = r.cond.unsupported();
                if bad.is_empty() {
                    Some(query(&r.cond))
                } else {
                    None
                }
            }
        };
        let Some(rule_query) = rule_query else {
            reports.push(RuleReport::dropped(r, format!(
                "its condition `{}` reads values Portkey's query operators cannot test (lists such as `pii`, functions, arithmetic); export with --carry route to keep it exactly",
                r.when.as_deref().unwrap_or("")
            )));
            continue;
        };
        let pick = pick_fidelity(
            ctx.lowered,
            r,
            ctx.carry == Carry::Translate,
            "a weighted split: Portkey's loadbalance draws at random per request where Routeplay hashes the prompt, so shares match on average, not per prompt",
        );
        if let Some((arms, fallbacks)) = &r.split {
            let name = r.slug.clone();
            let arm_targets: Vec<Value> = arms
                .iter()
                .map(|(m, w)| {
                    let mut t = chain(
                        ctx,
                        &Outcome {
                            model: m.clone(),
                            fallbacks: fallbacks.clone(),
                        },
                    );
                    if let Value::Object(o) = &mut t {
                        o.insert("weight".into(), json!(w));
                    }
                    t
                })
                .collect();
            targets.push(
                json!({"name": name, "strategy": {"mode": "loadbalance"}, "targets": arm_targets}),
            );
            if r.is_default {
                default = Some(name.clone());
            } else {
                conditions.push(json!({"query": rule_query, "then": name}));
            }
            names.push(name);
        } else {
            let groups = r.groups();
            for (gi, (outcome, tasks)) in groups.iter().enumerate() {
                let name = if groups.len() == 1 {
                    r.slug.clone()
                } else {
                    format!("{}.{}", r.slug, gi + 1)
                };
                let task_q = (tasks.len() < all_tasks.len())
                    .then(|| json!({"metadata.task": {"$in": tasks}}));
                targets.push(named(chain(ctx, outcome), &name));
                if r.is_default && gi == 0 && default.is_none() {
                    // The default's largest group is the gateway's default; the smaller groups
                    // become conditions on the task ahead of it.
                    default = Some(name.clone());
                } else if r.is_default {
                    conditions.push(
                        json!({"query": task_q.unwrap_or(json!({"$and": []})), "then": name}),
                    );
                } else {
                    conditions
                        .push(json!({"query": and(rule_query.clone(), task_q), "then": name}));
                }
                names.push(name);
            }
        }
        reports.push(RuleReport::kept(r, names, pick, vec![]));
    }
    let mut strategy = json!({"mode": "conditional", "conditions": conditions});
    if let Some(d) = default {
        strategy["default"] = json!(d);
    }
    let config = json!({"strategy": strategy, "targets": targets});
    let mut notes = vec![
        "send the metadata `routeplay annotate` prints for each prompt in the x-portkey-metadata header (JSON); the config goes in x-portkey-config or is saved as a config id".to_string(),
        "keys are placeholders ({{…_API_KEY}}): put your keys or virtual keys in their place; no key is ever written to an export".to_string(),
    ];
    if ctx.carry == Carry::Translate {
        notes.push("conditions are translated into Portkey queries over metadata.* (scores as score_<task>, [metadata] fields as meta_<name>)".into());
    } else {
        notes.push("conditions are carried as metadata.route (the rule Routeplay chose, computed by the client): exact by construction".into());
    }
    let text = serde_json::to_string_pretty(&config).unwrap_or_default() + "\n";
    (text, reports, notes)
}
