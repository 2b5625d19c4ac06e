//! OpenRouter has no server-side rules: the export is the request body per route, which the
//! client fills in at request time from `metadata.route_key`: `models` (the model then its
//! fallbacks, OpenRouter slugs) and `provider` preferences (`sort`, `max_price`) from the
//! rule's objective and filters.

use super::{pick_fidelity, Ctx, RuleReport};
use crate::policy::{Action, Objective};
use serde_json::{json, Map, Value};

fn slug(ctx: &Ctx, id: &str) -> Option<String> {
    let m = ctx.model(id)?;
    if m.local {
        return None;
    }
    // A cloud platform's model (`bedrock/claude-haiku-4.5`): OpenRouter serves the model from
    // its own providers, named by the catalog id's model part, not the platform's model id.
    let api = match m.provider.as_str() {
        "bedrock" | "azure" | "vertex" => id.to_string(),
        _ => ctx.api_model(id),
    };
    let name = api.rsplit('/').next().unwrap_or(&api).to_string();
    Some(format!("{}/{}", m.maker, name))
}

pub(crate) fn export(ctx: &Ctx) -> (String, Vec<RuleReport>, Vec<String>) {
    let mut routes = Map::new();
    let mut reports = Vec::new();
    for r in ctx.lowered {
        let rule = &ctx.policy.rules[r.index];
        let mut pick = pick_fidelity(ctx.lowered, r, false, "a weighted split: the body lists the arms as fallbacks; the client draws the arm (Routeplay's decision already did)");
        let mut how: Vec<String> = Vec::new();
        let mut provider = Map::new();
        provider.insert("allow_fallbacks".into(), json!(true));
        if let Action::Pick { objective, .. } = &rule.action {
            match objective {
                Objective::Cheapest => {
                    provider.insert("sort".into(), json!("price"));
                }
                Objective::Fastest => {
                    provider.insert("sort".into(), json!("latency"));
                }
                _ => {}
            }
        }
        let f = &rule.filters;
        if f.max_input_price.is_some() || f.max_output_price.is_some() {
            let mut mp = Map::new();
            if let Some(p) = f.max_input_price {
                mp.insert("prompt".into(), json!(p));
            }
            if let Some(p) = f.max_output_price {
                mp.insert("completion".into(), json!(p));
            }
            provider.insert("max_price".into(), Value::Object(mp));
        }
        if !f.allow_providers.is_empty() || !f.deny_providers.is_empty() {
            pick.notes.push("allow/deny_providers name model APIs in Routeplay's catalog, not OpenRouter's hosting providers: already applied by the decision, not repeated in provider.only/ignore".into());
        }
        let mut names = Vec::new();
        let outcomes: Vec<Vec<String>> = if let Some((arms, fb)) = &r.split {
            vec![arms.iter().map(|a| a.0.clone()).chain(fb.clone()).collect()]
        } else {
            r.groups()
                .into_iter()
                .map(|(o, _)| std::iter::once(o.model).chain(o.fallbacks).collect())
                .collect()
        };
        let n = outcomes.len();
        for (gi, chain) in outcomes.into_iter().enumerate() {
            let name = if n == 1 {
                r.slug.clone()
            } else {
                format!("{}.{}", r.slug, gi + 1)
            };
            let mut models = Vec::new();
            for m in &chain {
                match slug(ctx, m) {
                    Some(s) => models.push(s),
                    None => how.push(format!(
                        "{m} is a local model, not on OpenRouter: left out of `models`"
                    )),
                }
            }
            if models.is_empty() {
                continue;
            }
            routes.insert(
                name.clone(),
                json!({"models": models, "provider": Value::Object(provider.clone())}),
            );
            names.push(name);
        }
        how.dedup();
        if names.is_empty() {
            reports.push(RuleReport::dropped(
                r,
                "every model it can pick is local; OpenRouter cannot serve it".into(),
            ));
        } else {
            reports.push(RuleReport::kept(r, names, pick, how));
        }
    }
    let config = json!({"policy": ctx.policy.name, "route_key_from": "metadata.route_key", "routes": routes});
    let notes = vec![
        "OpenRouter has no server-side rules: per request, the client looks up routes[metadata.route_key] and sends its models and provider in the body of POST /api/v1/chat/completions".to_string(),
        "model slugs are maker/model; check them against OpenRouter's model list".to_string(),
    ];
    (
        serde_json::to_string_pretty(&config).unwrap_or_default() + "\n",
        reports,
        notes,
    )
}
