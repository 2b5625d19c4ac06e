//! The request metadata a client sends with each prompt: exactly the fields the exported
//! configs branch on. Flat (`score_code`, `meta_tier`), because gateways read one level
//! below `metadata` (Portkey's `metadata.<key>`).

use super::lower::LoweredRule;
use crate::catalog::TASK_TYPES;
use crate::policy::{Decision, Metadata, Policy};
use crate::signals::PromptSignals;
use serde_json::{json, Map, Value};

/// The metadata for one prompt: its signals as the policy's conditions see them, the declared
/// `[metadata]` fields (defaults overlaid with the request's values) as `meta_<name>`, the rule
/// Routeplay chose as `route`, and the exported target / model group as `route_key`.
pub fn metadata(
    policy: &Policy,
    lowered: &[LoweredRule],
    signals: &PromptSignals,
    request: &Metadata,
    decision: &Decision,
) -> Map<String, Value> {
    let c = &signals.cheap;
    let mut m = Map::new();
    m.insert("task".into(), json!(decision.task));
    m.insert("complexity".into(), json!(decision.complexity));
    m.insert("tokens".into(), json!(c.tokens));
    m.insert("chars".into(), json!(c.chars));
    m.insert("words".into(), json!(c.words));
    m.insert("lines".into(), json!(c.lines));
    let lang = c
        .language
        .as_ref()
        .map(|l| l.code.clone())
        .unwrap_or_default();
    m.insert("language".into(), json!(lang));
    m.insert("has_code".into(), json!(c.has_code));
    m.insert("has_pii".into(), json!(c.has_pii()));
    m.insert("classified".into(), json!(signals.task.is_some()));
    for t in TASK_TYPES {
        let s = signals
            .task
            .as_ref()
            .and_then(|p| p.scores.get(t).copied())
            .filter(|x| x.is_finite())
            .unwrap_or(0.0);
        m.insert(format!("score_{t}"), json!(s));
    }
    for (k, default) in &policy.metadata {
        let v = request.get(k).unwrap_or(default);
        m.insert(format!("meta_{k}"), v.clone());
    }
    m.insert("route".into(), json!(decision.rule));
    let key = decision
        .rule_index
        .and_then(|i| lowered.get(i))
        .and_then(|r| r.route_key(&decision.task));
    m.insert("route_key".into(), json!(key));
    m
}
