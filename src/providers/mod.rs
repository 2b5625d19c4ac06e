//! Live runs against real providers with the user's own keys.
//!
//! The wire formats, SSE parsing, error classes and fallback rules live in the pure
//! `routeplay-providers` crate (tested natively); this module only does the browser I/O
//! (`fetch`, reading the body stream, `AbortController`) and keeps keys.

pub mod client;
pub mod keys;
pub mod stream_text;

pub use routeplay_providers::plan::{PlannedModel, RoutePlan};

use routeplay_core::catalog::{Catalog, Model};
use routeplay_core::policy::Decision;

/// One catalog model as a [`PlannedModel`]: the API model name (`api_model`, else the id),
/// list prices with their source and date, and the router's cost estimate for this prompt.
pub fn planned_model(m: &Model, input_tokens: f64, output_tokens: f64) -> PlannedModel {
    PlannedModel {
        provider: m.provider.clone(),
        model: m.api_model.clone().unwrap_or_else(|| m.id.clone()),
        input_per_mtok: m.input_price.value,
        output_per_mtok: m.output_price.value,
        estimated_cost_usd: Some(m.cost(input_tokens, output_tokens)),
        estimated_latency_ms: Some(m.latency_ms(output_tokens)),
        price_source: Some(
            if m.input_price.source == m.output_price.source
                && m.input_price.date == m.output_price.date
            {
                format!("{} ({})", m.input_price.source, m.input_price.date)
            } else {
                format!(
                    "input: {} ({}); output: {} ({})",
                    m.input_price.source,
                    m.input_price.date,
                    m.output_price.source,
                    m.output_price.date
                )
            },
        ),
    }
}

/// Build the plan the live panel runs from a policy decision: the chosen model, its fallback
/// chain, and `alternatives` (catalog ids, e.g. the next-best candidates) for comparison.
/// `None` when the decision chose no model or the model is not in the catalog.
pub fn plan_from_decision(
    decision: &Decision,
    catalog: &Catalog,
    alternatives: &[String],
) -> Option<RoutePlan> {
    let (i, o) = (decision.input_tokens, decision.output_tokens);
    let pm = |id: &str| catalog.get(id).map(|m| planned_model(m, i, o));
    let routed_id = decision.model.as_deref()?;
    let mut routed = pm(routed_id)?;
    if let Some(e) = &decision.estimate {
        routed.estimated_cost_usd = Some(e.cost_usd);
        routed.estimated_latency_ms = Some(e.latency_ms);
    }
    Some(RoutePlan {
        routed,
        fallbacks: decision.fallbacks.iter().filter_map(|id| pm(id)).collect(),
        alternatives: alternatives
            .iter()
            .enumerate()
            // Each once, and not the routed model or a fallback again.
            .filter(|(k, id)| {
                id.as_str() != routed_id
                    && !decision.fallbacks.contains(id)
                    && !alternatives[..*k].contains(id)
            })
            .filter_map(|(_, id)| pm(id))
            .collect(),
    })
}
