//! Conversations simulated turn by turn: every turn routed with the history before it, under
//! several policies, with the prompt cache charged honestly.
//!
//! **Turns.** A conversation's turns are the points where the model is asked to answer
//! ([`Conversation::turn_ends`]): after each user message or tool result that an assistant
//! message follows, and at the end when the conversation ends on one. Each turn is routed as
//! the request holding the system prompt, the tools and every message up to that point.
//!
//! **Stickiness.** Each policy keeps its own model per conversation: a sticky policy's turns
//! are decided with [`Policy::decide_turn`] given the model of its previous routed turn.
//!
//! **Cost with the prompt cache.** A turn's input is its whole request
//! (`context_tokens`). When the turn goes to the same model as the conversation's previous
//! routed turn, the previous request's input is a cached prefix, billed at the model's
//! cached-input price ([`crate::catalog::Model::cost_with_cache`]), provided it is at least
//! [`CacheModel::min_prefix_tokens`] long (providers cache only long prefixes: OpenAI and
//! Anthropic from 1,024 tokens). When the model changes, that prefix is re-sent at the full
//! input price: the difference is the turn's *cache-miss cost*. A model without a published
//! cached price gets no discount either way (its cache-miss cost is 0). Output tokens are the
//! policy's expected answer length, as everywhere else.

use super::model::Conversation;
use super::signals::ConversationSignals;
use crate::catalog::Catalog;
use crate::policy::{Policy, Stickiness, TurnDecision};
use crate::simulate::runner::{reads_language, record_facts, RunConfig};
use crate::simulate::PromptRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// How the prompt cache is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CacheModel {
    /// The shortest prefix a provider caches, in tokens (shorter prefixes are billed in full
    /// even on the same model).
    pub min_prefix_tokens: f64,
}

impl Default for CacheModel {
    /// 1,024 tokens: the minimum cacheable prompt of OpenAI's automatic prompt caching and of
    /// Anthropic's cache breakpoints on most models.
    fn default() -> Self {
        CacheModel {
            min_prefix_tokens: 1024.0,
        }
    }
}

/// One routed turn of a conversation: its request and every policy's decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnRoute {
    /// 0-based turn number.
    pub turn: usize,
    /// How many messages the request holds (a prefix of the conversation).
    pub messages: usize,
    /// The text the classifier read for this turn (the last user message).
    pub text: String,
    /// The request's conversation signals.
    pub signals: ConversationSignals,
    /// One decision per policy, in the order given.
    pub decisions: Vec<TurnDecision>,
}

/// Routes every turn of `record`'s conversation (a plain prompt is one turn) under every
/// policy, each sticky policy given its own model of the previous turn. Full traces; for the
/// page's chat view and the simulation alike.
pub fn route_turns(
    record: &PromptRecord,
    policies: &[Policy],
    catalog: &Catalog,
    config: &RunConfig,
    language: bool,
) -> Vec<TurnRoute> {
    let conv = match &record.conversation {
        Some(c) => (**c).clone(),
        None => Conversation::from_prompt(record.id.clone().unwrap_or_default(), &record.text),
    };
    let mut anchors: Vec<Option<String>> = vec![None; policies.len()];
    let mut out = Vec::new();
    for (turn, end) in conv.turn_ends().into_iter().enumerate() {
        let prefix = conv.prefix(end);
        let text = prefix.last_user_text();
        let rec = PromptRecord {
            id: record.id.clone(),
            text: text.clone(),
            label: record.label.clone(),
            metadata: record.metadata.clone(),
            outcomes: None,
            conversation: Some(Box::new(prefix)),
        };
        let (facts, conv_signals) = record_facts(&rec, config, language);
        let conv_signals = conv_signals
            .unwrap_or_else(|| ConversationSignals::compute(&conv.prefix(end), None, |_| None));
        let decisions: Vec<TurnDecision> = policies
            .iter()
            .zip(anchors.iter_mut())
            .map(|(p, anchor)| {
                let d = p.decide_turn(&facts, catalog, anchor.as_deref());
                if let Some(m) = d.anchor() {
                    *anchor = Some(m.to_string());
                }
                d
            })
            .collect();
        out.push(TurnRoute {
            turn,
            messages: end,
            text,
            signals: conv_signals,
            decisions,
        });
    }
    out
}

/// What one turn cost under one policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnCost {
    /// The model used (`None`: no eligible model).
    pub model: Option<String>,
    /// Input tokens of the request.
    pub input_tokens: f64,
    /// Of those, billed at the cached-input price.
    pub cached_tokens: f64,
    /// Expected output tokens.
    pub output_tokens: f64,
    /// USD for the turn, the cache counted.
    pub cost_usd: f64,
    /// USD the turn paid because the model changed: the previous request re-sent at the full
    /// input price instead of the cached price (0 when the model stayed, or has no cached
    /// price).
    pub cache_miss_usd: f64,
    /// The model differs from the previous routed turn's.
    pub switched: bool,
}

/// The cost of each turn of one conversation under one policy (`routes` from
/// [`route_turns`], `p` the policy's index).
pub fn turn_costs(
    routes: &[TurnRoute],
    p: usize,
    catalog: &Catalog,
    cache: CacheModel,
) -> Vec<TurnCost> {
    let mut prev: Option<(String, f64)> = None; // (model, input tokens of its request)
    let mut out = Vec::with_capacity(routes.len());
    for r in routes {
        let Some(d) = r.decisions.get(p) else { break };
        let input = r.signals.facts.context_tokens as f64;
        let output = d.decision.output_tokens;
        let Some((id, m)) = d
            .model()
            .and_then(|id| catalog.get(id).map(|m| (id.to_string(), m)))
        else {
            out.push(TurnCost {
                model: None,
                input_tokens: input,
                cached_tokens: 0.0,
                output_tokens: output,
                cost_usd: 0.0,
                cache_miss_usd: 0.0,
                switched: false,
            });
            continue;
        };
        let prefix = prev.as_ref().map_or(0.0, |(_, t)| *t).min(input);
        let cacheable = if prefix >= cache.min_prefix_tokens {
            prefix
        } else {
            0.0
        };
        let switched = prev.as_ref().is_some_and(|(pm, _)| *pm != id);
        let cached = if switched { 0.0 } else { cacheable };
        let cost = m.cost_with_cache(input, cached, output);
        let miss = if switched {
            cost - m.cost_with_cache(input, cacheable, output)
        } else {
            0.0
        };
        out.push(TurnCost {
            model: Some(id.clone()),
            input_tokens: input,
            cached_tokens: cached,
            output_tokens: output,
            cost_usd: cost,
            cache_miss_usd: miss,
            switched,
        });
        prev = Some((id, input));
    }
    out
}

/// One conversation's totals under one policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationCost {
    /// The conversation's id.
    pub id: String,
    /// Turns routed.
    pub turns: usize,
    /// USD over its turns, the cache counted.
    pub cost_usd: f64,
    /// Model changes between consecutive routed turns.
    pub switches: usize,
    /// USD paid because of those changes.
    pub cache_miss_usd: f64,
    /// The model of each turn, in order (`None`: unrouted).
    pub models: Vec<Option<String>>,
}

/// Where agent steps (turns whose last message is a tool result) went under one policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelCount {
    /// Model id.
    pub model: String,
    /// Turns.
    pub turns: usize,
}

/// One policy's results over a conversation set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyConversationReport {
    /// Policy name.
    pub policy: String,
    /// Whether the policy is sticky.
    pub sticky: bool,
    /// Conversations simulated.
    pub conversations: usize,
    /// Turns routed (every turn of every conversation).
    pub turns: usize,
    /// Turns with no eligible model.
    pub unrouted_turns: usize,
    /// USD over every turn, the cache counted.
    pub total_cost_usd: f64,
    /// Mean USD per conversation.
    pub mean_cost_per_conversation_usd: f64,
    /// Model changes between consecutive turns, over all conversations.
    pub switches: usize,
    /// Conversations with at least one model change.
    pub conversations_switched: usize,
    /// USD paid because of model changes (the prompt cache lost).
    pub cache_miss_usd: f64,
    /// Input tokens billed at a cached price.
    pub cached_tokens: f64,
    /// Input tokens over all turns.
    pub input_tokens: f64,
    /// Turns kept on the conversation's model by stickiness although the rules chose another.
    pub kept_turns: usize,
    /// Turns an escalation rule moved to another model.
    pub escalations: usize,
    /// Turns that were agent steps.
    pub agent_steps: usize,
    /// Where the agent steps went, most first.
    pub agent_step_models: Vec<ModelCount>,
    /// Where all turns went, most first.
    pub by_model: Vec<ModelCount>,
    /// Per conversation, in set order.
    pub per_conversation: Vec<ConversationCost>,
}

/// A conversation set under several policies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationReport {
    /// Conversations simulated.
    pub conversations: usize,
    /// Turns per conversation, summed.
    pub turns: usize,
    /// The cache model used.
    pub cache: CacheModel,
    /// One report per policy, in the order given.
    pub policies: Vec<PolicyConversationReport>,
}

fn counts(m: BTreeMap<String, usize>) -> Vec<ModelCount> {
    let mut v: Vec<ModelCount> = m
        .into_iter()
        .map(|(model, turns)| ModelCount { model, turns })
        .collect();
    v.sort_by(|a, b| b.turns.cmp(&a.turns).then(a.model.cmp(&b.model)));
    v
}

/// Simulates every turn of every record of `set` under `policies` (see the module's notes).
pub fn simulate_conversations<'a>(
    set: impl IntoIterator<Item = &'a PromptRecord>,
    policies: &[Policy],
    catalog: &Catalog,
    config: &RunConfig,
    cache: CacheModel,
) -> ConversationReport {
    let language = policies.iter().any(reads_language);
    let mut reps: Vec<PolicyConversationReport> = policies
        .iter()
        .map(|p| PolicyConversationReport {
            policy: p.name.clone(),
            sticky: p.sticky,
            conversations: 0,
            turns: 0,
            unrouted_turns: 0,
            total_cost_usd: 0.0,
            mean_cost_per_conversation_usd: 0.0,
            switches: 0,
            conversations_switched: 0,
            cache_miss_usd: 0.0,
            cached_tokens: 0.0,
            input_tokens: 0.0,
            kept_turns: 0,
            escalations: 0,
            agent_steps: 0,
            agent_step_models: Vec::new(),
            by_model: Vec::new(),
            per_conversation: Vec::new(),
        })
        .collect();
    let mut agent: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new(); policies.len()];
    let mut models: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new(); policies.len()];
    let (mut conversations, mut turns) = (0, 0);
    for record in set {
        let routes = route_turns(record, policies, catalog, config, language);
        conversations += 1;
        turns += routes.len();
        for (p, rep) in reps.iter_mut().enumerate() {
            let costs = turn_costs(&routes, p, catalog, cache);
            let mut c = ConversationCost {
                id: record.id.clone().unwrap_or_default(),
                turns: costs.len(),
                cost_usd: 0.0,
                switches: 0,
                cache_miss_usd: 0.0,
                models: Vec::with_capacity(costs.len()),
            };
            for (r, t) in routes.iter().zip(&costs) {
                c.cost_usd += t.cost_usd;
                c.cache_miss_usd += t.cache_miss_usd;
                c.switches += usize::from(t.switched);
                c.models.push(t.model.clone());
                rep.cached_tokens += t.cached_tokens;
                rep.input_tokens += t.input_tokens;
                match &t.model {
                    None => rep.unrouted_turns += 1,
                    Some(m) => {
                        *models[p].entry(m.clone()).or_default() += 1;
                        if r.signals.facts.agent_step {
                            *agent[p].entry(m.clone()).or_default() += 1;
                        }
                    }
                }
                if r.signals.facts.agent_step {
                    rep.agent_steps += 1;
                }
                match r.decisions.get(p).and_then(|d| d.sticky.as_ref()) {
                    Some(Stickiness::Kept { .. }) => rep.kept_turns += 1,
                    Some(Stickiness::Escalated { .. }) => rep.escalations += 1,
                    _ => {}
                }
            }
            rep.conversations += 1;
            rep.turns += c.turns;
            rep.total_cost_usd += c.cost_usd;
            rep.switches += c.switches;
            rep.conversations_switched += usize::from(c.switches > 0);
            rep.cache_miss_usd += c.cache_miss_usd;
            rep.per_conversation.push(c);
        }
    }
    for (p, rep) in reps.iter_mut().enumerate() {
        rep.mean_cost_per_conversation_usd = if rep.conversations == 0 {
            0.0
        } else {
            rep.total_cost_usd / rep.conversations as f64
        };
        rep.agent_step_models = counts(std::mem::take(&mut agent[p]));
        rep.by_model = counts(std::mem::take(&mut models[p]));
    }
    ConversationReport {
        conversations,
        turns,
        cache,
        policies: reps,
    }
}
