//! LiteLLM router / proxy config (YAML): one model group per route (rule, or rule and task group
//! when the pick depends on the task), one group per fallback model, `router_settings.fallbacks`
//! for the chains. LiteLLM has no condition language over request metadata (its tag filtering
//! was seen not to confine requests; see docs/gateways.md), so the client picks the group: it
//! sends `model = metadata.route_key` from `routeplay annotate`.

use super::lower::{slugify, Outcome};
use super::{pick_fidelity, Ctx, RuleReport};
use std::fmt::Write;

fn prefix(p: &str) -> &'static str {
    match p {
        "anthropic" => "anthropic",
        "google" => "gemini",
        "mistral" => "mistral",
        "groq" => "groq",
        "deepseek" => "deepseek",
        "xai" => "xai",
        // Cloud platforms: LiteLLM's own provider routes (AWS, Azure AI Foundry and Google Cloud
        // credentials come from the environment LiteLLM runs in).
        "bedrock" => "bedrock",
        "azure" => "azure_ai",
        "vertex" => "vertex_ai",
        _ => "openai",
    }
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The model group a fallback model is served under.
pub fn model_group(id: &str) -> String {
    format!("model.{}", slugify(id))
}

fn deployment(ctx: &Ctx, out: &mut String, group: &str, id: &str, weight: Option<f64>) {
    let model = ctx.api_model(id);
    let provider = ctx.provider(id);
    let _ = writeln!(out, "  - model_name: {}", q(group));
    let _ = writeln!(out, "    litellm_params:");
    match ctx.base_url {
        Some(url) => {
            let _ = writeln!(out, "      model: {}", q(&format!("openai/{model}")));
            let _ = writeln!(out, "      api_base: {}", q(url));
            let _ = writeln!(out, "      api_key: \"os.environ/ROUTEPLAY_API_KEY\"");
        }
        None => {
            let _ = writeln!(
                out,
                "      model: {}",
                q(&format!("{}/{model}", prefix(&provider)))
            );
            if provider == "local" {
                let _ = writeln!(out, "      api_base: \"os.environ/LOCAL_BASE_URL\"");
            }
            let _ = writeln!(
                out,
                "      api_key: {}",
                q(&format!("os.environ/{}_API_KEY", provider.to_uppercase()))
            );
        }
    }
    if let Some(w) = weight {
        let _ = writeln!(out, "      weight: {w}");
    }
    let _ = writeln!(out, "    model_info:");
    let _ = writeln!(out, "      routeplay_id: {}", q(id));
}

pub(crate) fn export(ctx: &Ctx) -> (String, Vec<RuleReport>, Vec<String>) {
    let mut out = format!(
        "# LiteLLM config exported by Routeplay from policy {}.\n# The client sends model = metadata.route_key (routeplay annotate).\nmodel_list:\n",
        q(&ctx.policy.name)
    );
    let mut fallbacks: Vec<(String, Vec<String>)> = Vec::new();
    let mut fallback_models: Vec<String> = Vec::new();
    let mut reports = Vec::new();
    for r in ctx.lowered {
        let mut names = Vec::new();
        let pick = pick_fidelity(
            ctx.lowered,
            r,
            false,
            "a weighted split: LiteLLM's simple-shuffle draws deployments at random by weight where Routeplay hashes the prompt, so shares match on average, not per prompt",
        );
        let mut add_chain = |group: &str, chain: &[String]| {
            if !chain.is_empty() {
                fallbacks.push((
                    group.to_string(),
                    chain.iter().map(|m| model_group(m)).collect(),
                ));
                for m in chain {
                    if !fallback_models.contains(m) {
                        fallback_models.push(m.clone());
                    }
                }
            }
        };
        if let Some((arms, fb)) = &r.split {
            for (m, w) in arms {
                deployment(ctx, &mut out, &r.slug, m, Some(*w));
            }
            add_chain(&r.slug, fb);
            names.push(r.slug.clone());
        } else {
            let groups = r.groups();
            for (gi, (o, _)) in groups.iter().enumerate() {
                let name = if groups.len() == 1 {
                    r.slug.clone()
                } else {
                    format!("{}.{}", r.slug, gi + 1)
                };
                let Outcome {
                    model,
                    fallbacks: fb,
                } = o;
                deployment(ctx, &mut out, &name, model, None);
                add_chain(&name, fb);
                names.push(name);
            }
        }
        reports.push(RuleReport::kept(r, names, pick, vec![]));
    }
    for m in &fallback_models {
        deployment(ctx, &mut out, &model_group(m), m, None);
    }
    out.push_str("router_settings:\n  routing_strategy: \"simple-shuffle\"\n  num_retries: 0\n");
    if fallbacks.is_empty() {
        out.push_str("  fallbacks: []\n");
    } else {
        out.push_str("  fallbacks:\n");
        for (g, chain) in &fallbacks {
            let c: Vec<String> = chain.iter().map(|s| q(s)).collect();
            let _ = writeln!(out, "    - {}: [{}]", q(g), c.join(", "));
        }
    }
    let notes = vec![
        "conditions are client-computed: the client sends model = metadata.route_key from `routeplay annotate` (LiteLLM cannot branch on request metadata; its tag filtering was seen not to confine requests)".to_string(),
        "keys are read from the environment (os.environ/…); no key is written to the export".to_string(),
        "use with the proxy (`litellm --config FILE`) or load the YAML into `litellm.Router(model_list=…, fallbacks=…)`".to_string(),
    ];
    (out, reports, notes)
}
