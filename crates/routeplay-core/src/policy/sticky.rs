//! Stickiness: keeping a conversation on one model across its turns.
//!
//! A policy with `sticky = true` decides a conversation's turns with
//! [`Policy::decide_turn`], given the conversation's model so far (its *anchor*: the model
//! chosen at its first routed turn, or the model of the last escalation). The rules run as
//! for any prompt; then:
//!
//! - no anchor yet (the first routed turn): the rules' choice stands and becomes the anchor;
//! - a rule marked `escalation = true` chose: its model stands and becomes the anchor
//!   ("escalated by rule R");
//! - otherwise the conversation is kept on the anchor ("kept on X (sticky)"), unless the anchor
//!   cannot serve the turn: it is missing from the catalog, or the request no longer fits its
//!   context window (then the rules' choice stands and becomes the anchor).
//!
//! A policy without `sticky` decides every turn on its own ([`TurnDecision::sticky`] is
//! `None`).

use super::{Decision, Facts, Policy};
use crate::catalog::Catalog;
use serde::Serialize;

/// What stickiness did to one turn's decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stickiness {
    /// The first routed turn: the rules chose, and later turns stay on this model.
    First {
        /// The model chosen.
        model: String,
    },
    /// The rules chose the conversation's model again.
    Same {
        /// The conversation's model.
        model: String,
    },
    /// Kept on the conversation's model although the rules chose another.
    Kept {
        /// The conversation's model, used for this turn.
        model: String,
        /// What the rules chose (`None`: no eligible model).
        instead: Option<String>,
        /// The rule that chose it.
        rule: Option<String>,
    },
    /// A rule marked as an escalation chose: the conversation moves to its model.
    Escalated {
        /// The escalation rule.
        rule: String,
        /// The conversation's model before.
        from: String,
        /// The model it moves to.
        model: String,
    },
    /// The conversation's model could not serve this turn; the rules' choice is used and the
    /// conversation stays on it from now on.
    Left {
        /// The conversation's model before.
        from: String,
        /// Why it could not serve the turn.
        reason: String,
    },
}

impl Stickiness {
    /// One line for a trace: "kept on claude-sonnet-5 (sticky); rule `simple` chose
    /// gpt-5-mini", "escalated by rule `hard`: gpt-5-mini → claude-opus-5", …
    pub fn describe(&self) -> String {
        match self {
            Stickiness::First { model } => {
                format!("first routed turn: the conversation stays on {model} (sticky)")
            }
            Stickiness::Same { model } => {
                format!("stays on {model} (sticky; the rules chose it again)")
            }
            Stickiness::Kept {
                model,
                instead,
                rule,
            } => match (instead, rule) {
                (Some(m), Some(r)) => {
                    format!("kept on {model} (sticky); rule `{r}` chose {m}, which is not an escalation")
                }
                _ => format!("kept on {model} (sticky); the rules found no eligible model"),
            },
            Stickiness::Escalated { rule, from, model } => {
                format!("escalated by rule `{rule}`: {from} → {model}")
            }
            Stickiness::Left { from, reason } => {
                format!("left {from}: {reason}; the rules' choice is used from now on")
            }
        }
    }

    /// Whether the turn's model differs from the conversation's model before it.
    pub fn switched(&self) -> bool {
        matches!(self, Stickiness::Escalated { .. } | Stickiness::Left { .. })
    }
}

/// One turn's decision with what stickiness did to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnDecision {
    /// The decision (its model is the one used for the turn; its trace is the rules' trace).
    pub decision: Decision,
    /// What stickiness did; `None` when the policy is not sticky.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sticky: Option<Stickiness>,
}

impl TurnDecision {
    /// The model used for the turn.
    pub fn model(&self) -> Option<&str> {
        self.decision.model.as_deref()
    }

    /// The conversation's model after this turn (the anchor the next turn is given).
    pub fn anchor(&self) -> Option<&str> {
        self.model()
    }
}

impl Policy {
    /// Decides one turn of a conversation (see the module's notes). `anchor` is the
    /// conversation's model so far ([`TurnDecision::anchor`] of its previous routed turn);
    /// `None` at the first turn, or for a single prompt, where this is [`Policy::decide`].
    pub fn decide_turn(
        &self,
        facts: &Facts,
        catalog: &Catalog,
        anchor: Option<&str>,
    ) -> TurnDecision {
        let mut decision = self.decide(facts, catalog);
        if !self.sticky {
            return TurnDecision {
                decision,
                sticky: None,
            };
        }
        let chosen = decision.model.clone();
        let Some(anchor) = anchor else {
            return TurnDecision {
                sticky: chosen.map(|model| Stickiness::First { model }),
                decision,
            };
        };
        if chosen.as_deref() == Some(anchor) {
            return TurnDecision {
                decision,
                sticky: Some(Stickiness::Same {
                    model: anchor.to_string(),
                }),
            };
        }
        let rule = decision.rule_index.and_then(|i| self.rules.get(i));
        if let (Some(r), Some(model)) = (rule.filter(|r| r.escalation), &chosen) {
            return TurnDecision {
                sticky: Some(Stickiness::Escalated {
                    rule: r.name.clone(),
                    from: anchor.to_string(),
                    model: model.clone(),
                }),
                decision,
            };
        }
        let needed = facts.input_tokens() + decision.output_tokens;
        let m = match catalog.get(anchor) {
            Some(m) if needed <= m.context_window.value => m,
            other => {
                let reason = match other {
                    None => format!("{anchor} is not in the catalog"),
                    Some(m) => format!(
                        "the request needs ~{needed:.0} tokens, its context window is {:.0}",
                        m.context_window.value
                    ),
                };
                return TurnDecision {
                    sticky: Some(Stickiness::Left {
                        from: anchor.to_string(),
                        reason,
                    }),
                    decision,
                };
            }
        };
        // Kept: the anchor serves the turn; the rules' choice heads the fallbacks.
        let task = decision.task.clone();
        decision.estimate = Some(super::Estimate {
            cost_usd: m.cost(facts.input_tokens(), decision.output_tokens),
            latency_ms: m.latency_ms(decision.output_tokens),
            quality: m.quality_for(&task),
        });
        let mut fallbacks: Vec<String> = chosen.iter().cloned().collect();
        fallbacks.extend(decision.fallbacks.drain(..).filter(|f| f != anchor));
        fallbacks.dedup();
        decision.fallbacks = fallbacks;
        decision.model = Some(anchor.to_string());
        TurnDecision {
            sticky: Some(Stickiness::Kept {
                model: anchor.to_string(),
                instead: chosen,
                rule: decision.rule.clone(),
            }),
            decision,
        }
    }
}
