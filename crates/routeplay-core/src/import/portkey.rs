//! Portkey config → policy. A `conditional` strategy's conditions become rules in order (their
//! query translated to CEL), its `default` the `[default]`; each target becomes a model (a
//! `single` target), a model with `fallbacks` (a `fallback` strategy), or a `split`
//! (`loadbalance`). Metadata keys that are Routeplay signals (as `routeplay annotate` sends them)
//! map back to the variables; any other key becomes a declared `[metadata]` field.

use super::{model_id, Imported, ImportedRule};
use crate::catalog::{Catalog, TASK_TYPES};
use crate::export::cond::{Cond, Field, Lit, Op};
use crate::export::toml_out::{q, q_cel};
use crate::export::Fidelity;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

use crate::export::cond::SIGNAL_KEYS as VARS;

struct Ctx {
    /// Declared metadata fields and a default of the right type.
    meta: BTreeMap<String, Value>,
    how: Vec<String>,
}

impl Ctx {
    fn field(&mut self, path: &str) -> Result<Field, String> {
        let Some(key) = path.strip_prefix("metadata.") else {
            return Err(format!("`{path}`: only metadata.* keys can be read by a Routeplay policy (params.* and url.* are request fields it does not see)"));
        };
        if VARS.contains(&key) {
            return Ok(Field::Var(key.to_string()));
        }
        if let Some(t) = key.strip_prefix("score_") {
            if TASK_TYPES.contains(&t) {
                return Ok(Field::Score(t.to_string()));
            }
        }
        let name = key.strip_prefix("meta_").unwrap_or(key);
        let name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok(Field::Meta(name))
    }

    fn declare(&mut self, f: &Field, l: &Lit) {
        if let Field::Meta(m) = f {
            let default = match l {
                Lit::Str(_) => Value::String(String::new()),
                Lit::Int(_) => Value::from(0),
                Lit::Num(_) => Value::from(0.0),
                Lit::Bool(_) => Value::Bool(false),
            };
            self.meta.entry(m.clone()).or_insert(default);
        }
    }

    fn query(&mut self, q: &Value) -> Result<Cond, String> {
        let Value::Object(o) = q else {
            return Err("a query must be an object".into());
        };
        let mut parts = Vec::new();
        for (k, v) in o {
            match k.as_str() {
                "$and" | "$or" => {
                    let Value::Array(items) = v else {
                        return Err(format!("`{k}` must hold a list"));
                    };
                    let subs: Result<Vec<Cond>, String> =
                        items.iter().map(|i| self.query(i)).collect();
                    // Portkey evaluates `$or`/`$and` and ignores the object's other keys.
                    let c = if k == "$and" {
                        Cond::And(subs?)
                    } else {
                        Cond::Or(subs?)
                    };
                    return Ok(c);
                }
                path => {
                    let f = self.field(path)?;
                    match v {
                        Value::Object(ops) => {
                            for (op, val) in ops {
                                parts.push(self.op(&f, op, val)?);
                            }
                        }
                        lit => parts.push(self.op(&f, "$eq", lit)?),
                    }
                }
            }
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Cond::True)
        } else {
            Cond::And(parts)
        })
    }

    fn lit(v: &Value) -> Result<Lit, String> {
        Ok(match v {
            Value::String(s) => Lit::Str(s.clone()),
            Value::Bool(b) => Lit::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Lit::Int(i),
                None => Lit::Num(n.as_f64().unwrap_or(0.0)),
            },
            other => return Err(format!("unsupported value {other}")),
        })
    }

    fn op(&mut self, f: &Field, op: &str, v: &Value) -> Result<Cond, String> {
        let cmp = |o: Op| -> Result<(Op, Lit), String> { Ok((o, Self::lit(v)?)) };
        let c = match op {
            "$in" | "$nin" => {
                let Value::Array(items) = v else {
                    return Err(format!("`{op}` must hold a list"));
                };
                let lits: Result<Vec<Lit>, String> = items.iter().map(Self::lit).collect();
                let lits = lits?;
                if let Some(l) = lits.first() {
                    self.declare(f, l);
                }
                return Ok(Cond::In(f.clone(), lits, op == "$nin"));
            }
            "$eq" => cmp(Op::Eq)?,
            "$ne" => cmp(Op::Ne)?,
            "$gt" => cmp(Op::Gt)?,
            "$gte" => cmp(Op::Ge)?,
            "$lt" => cmp(Op::Lt)?,
            "$lte" => cmp(Op::Le)?,
            "$regex" => {
                self.how.push(format!("`$regex` on {} has no CEL equivalent among Routeplay's functions; the rule is dropped", f.cel()));
                return Ok(Cond::Unsupported(format!("{} matches {v}", f.cel())));
            }
            other => return Err(format!("unknown operator `{other}`")),
        };
        let (o, mut l) = c;
        // Portkey compares $gt.. with parseFloat: numbers on both sides.
        if matches!(o, Op::Gt | Op::Ge | Op::Lt | Op::Le) {
            if let Lit::Int(i) = l {
                if matches!(f, Field::Var(v) if v != "tokens" && v != "chars" && v != "words" && v != "lines")
                    || matches!(f, Field::Score(_))
                {
                    l = Lit::Num(i as f64);
                }
            }
        }
        self.declare(f, &l);
        Ok(Cond::Cmp(f.clone(), o, l))
    }
}

/// Split arms (model, weight) or one model, and the fallbacks.
type Chain = (Vec<(String, f64)>, Vec<String>);
/// A condition waiting to be written: name, CEL, target, approximations, origin.
type Pending = (String, Option<String>, Value, Vec<String>, String);

/// The models a target routes to: (split arms or one model, fallbacks).
fn target_models(t: &Value, catalog: &Catalog, how: &mut Vec<String>) -> Result<Chain, String> {
    let mode = t.pointer("/strategy/mode").and_then(Value::as_str);
    let leaf = |t: &Value| -> Result<String, String> {
        let name = t
            .pointer("/override_params/model")
            .and_then(Value::as_str)
            .ok_or("a target without override_params.model: the model comes from the request, which a policy cannot express")?;
        model_id(catalog, name).ok_or_else(|| format!("model `{name}` is not in the catalog"))
    };
    let subs = || {
        t.get("targets")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    match mode {
        None | Some("single") if t.get("targets").is_none() => Ok((vec![(leaf(t)?, 1.0)], vec![])),
        None => Err("a target with `targets` but no strategy.mode".into()),
        Some("single") => {
            let s = subs();
            let first = s.first().ok_or("an empty single target")?;
            target_models(first, catalog, how)
        }
        Some("fallback") => {
            let mut chain = Vec::new();
            for s in subs() {
                let (arms, fb) = target_models(&s, catalog, how)?;
                if arms.len() > 1 {
                    how.push("a loadbalance inside a fallback: its first arm taken".into());
                }
                chain.push(arms[0].0.clone());
                chain.extend(fb);
            }
            if chain.is_empty() {
                return Err("an empty fallback target".into());
            }
            if t.pointer("/strategy/on_status_codes").is_some() {
                how.push(
                    "on_status_codes not kept: Routeplay's fallbacks apply on any failure".into(),
                );
            }
            let first = chain.remove(0);
            chain.dedup();
            Ok((vec![(first, 1.0)], chain))
        }
        Some("loadbalance") => {
            let mut arms = Vec::new();
            let mut fallbacks = Vec::new();
            for s in subs() {
                let w = s.get("weight").and_then(Value::as_f64).unwrap_or(1.0);
                let (a, fb) = target_models(&s, catalog, how)?;
                arms.push((a[0].0.clone(), w));
                if fallbacks.is_empty() {
                    fallbacks = fb;
                }
            }
            how.push("a loadbalance became a split: Routeplay draws per prompt (hash) where Portkey draws at random".into());
            Ok((arms, fallbacks))
        }
        Some(m) => Err(format!("nested `{m}` targets are not supported")),
    }
}

pub(crate) fn import(text: &str, name: &str, catalog: &Catalog) -> Result<Imported, String> {
    let config: Value =
        serde_json::from_str(text).map_err(|e| format!("not a JSON Portkey config: {e}"))?;
    let mut ctx = Ctx {
        meta: BTreeMap::new(),
        how: vec![],
    };
    let named = |n: &str| -> Option<Value> {
        config
            .get("targets")?
            .as_array()?
            .iter()
            .find(|t| t.get("name").and_then(Value::as_str) == Some(n))
            .cloned()
    };
    let mut rules: Vec<Pending> = Vec::new();
    let mut report = Vec::new();
    let mode = config.pointer("/strategy/mode").and_then(Value::as_str);
    let mut default_target: Option<(String, Value)> = None;
    match mode {
        Some("conditional") => {
            let conds = config
                .pointer("/strategy/conditions")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (i, c) in conds.iter().enumerate() {
                let then = c
                    .get("then")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let from = format!("strategy.conditions[{i}] → {then}");
                ctx.how.clear();
                let cond = c
                    .get("query")
                    .ok_or("a condition without `query`".to_string())
                    .and_then(|q| ctx.query(q));
                let target = named(&then);
                match (cond, target) {
                    (Err(e), _) => report.push(ImportedRule {
                        rule: then.clone(),
                        from,
                        fidelity: Fidelity::Dropped(e),
                    }),
                    (_, None) => report.push(ImportedRule {
                        rule: then.clone(),
                        from,
                        fidelity: Fidelity::Dropped(format!("no target named `{then}`")),
                    }),
                    (Ok(cond), Some(t)) => {
                        if !cond.unsupported().is_empty() {
                            report.push(ImportedRule {
                                rule: then.clone(),
                                from,
                                fidelity: Fidelity::Dropped(ctx.how.join("; ")),
                            });
                            continue;
                        }
                        rules.push((then.clone(), Some(cond.to_cel()), t, ctx.how.clone(), from));
                    }
                }
            }
            let d = config.pointer("/strategy/default").and_then(Value::as_str);
            if let Some(d) = d {
                let t = named(d).ok_or_else(|| format!("no target named `{d}` (the default)"))?;
                default_target = Some((d.to_string(), t));
            }
        }
        _ => {
            default_target = Some(("default".into(), config.clone()));
        }
    }
    let mut body = String::new();
    let mut seen_names: Vec<String> = Vec::new();
    let mut write_rule = |body: &mut String,
                          header: &str,
                          name: &str,
                          when: Option<&str>,
                          t: &Value,
                          mut how: Vec<String>,
                          from: String,
                          report: &mut Vec<ImportedRule>| {
        match target_models(t, catalog, &mut how) {
            Err(e) => report.push(ImportedRule {
                rule: name.to_string(),
                from,
                fidelity: Fidelity::Dropped(e),
            }),
            Ok((arms, fb)) => {
                let mut n = name.to_string();
                while seen_names.contains(&n) {
                    n.push('\'');
                }
                seen_names.push(n.clone());
                let _ = writeln!(body, "\n{header}\nname = {}", q(&n));
                if let Some(w) = when {
                    let _ = writeln!(body, "when = {}", q_cel(w));
                }
                if arms.len() == 1 {
                    let _ = writeln!(body, "model = {}", q(&arms[0].0));
                } else {
                    let a: Vec<String> = arms
                        .iter()
                        .map(|(m, w)| format!("{{ model = {}, weight = {w:?} }}", q(m)))
                        .collect();
                    let _ = writeln!(body, "split = [{}]", a.join(", "));
                }
                if !fb.is_empty() {
                    let f: Vec<String> = fb.iter().map(|m| q(m)).collect();
                    let _ = writeln!(body, "fallbacks = [{}]", f.join(", "));
                }
                how.dedup();
                report.push(ImportedRule {
                    rule: n,
                    from,
                    fidelity: if how.is_empty() {
                        Fidelity::Exact
                    } else {
                        Fidelity::Approximate(how)
                    },
                });
            }
        }
    };
    for (n, when, t, how, from) in &rules {
        write_rule(
            &mut body,
            "[[rule]]",
            n,
            when.as_deref(),
            t,
            how.clone(),
            from.clone(),
            &mut report,
        );
    }
    match &default_target {
        Some((n, t)) => write_rule(
            &mut body,
            "[default]",
            n,
            None,
            t,
            vec![],
            format!("strategy.default → {n}"),
            &mut report,
        ),
        None => return Err(
            "the config has no default target: a Routeplay policy needs one (add strategy.default)"
                .into(),
        ),
    }
    if !report
        .iter()
        .any(|r| r.from.starts_with("strategy.default") && r.fidelity.kind() != "dropped")
    {
        return Err("the default target could not be imported; see the report".into());
    }
    let mut head = format!("# Imported from a Portkey config by `routeplay import --from portkey`.\nname = {}\ndescription = \"Imported from a Portkey config.\"\n", q(name));
    if !ctx.meta.is_empty() {
        head.push_str("\n[metadata]\n");
        for (k, v) in &ctx.meta {
            let _ = writeln!(
                head,
                "{k} = {}",
                match v {
                    Value::String(s) => q(s),
                    other => other.to_string(),
                }
            );
        }
    }
    let notes = vec![
        "metadata keys sent by `routeplay annotate` map back to Routeplay's variables; other keys became [metadata] fields with empty defaults: set their real defaults".to_string(),
    ];
    Ok(Imported {
        policy: head + &body,
        rules: report,
        notes,
    })
}
