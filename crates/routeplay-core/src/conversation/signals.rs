//! The signals of a conversation: its size and shape ([`ConversationFacts`]) and the
//! classifier's two views (this turn, the whole conversation), turned into policy [`Facts`].
//!
//! How the two classifier views are formed:
//! - **this turn** (`task`, `complexity`, `confidence`, `scores`, and the cheap signals
//!   `tokens`, `has_code`, `language`, `pii`, …): the text of the last user message
//!   ([`Conversation::last_user_text`]). In an agent step that is the request the agent is
//!   working on, not the tool output that came back.
//! - **the conversation as a whole** (`conversation_task`, `conversation_complexity`,
//!   `conversation_confidence`): every user message's text, in order, joined by blank lines
//!   ([`Conversation::user_text`]); the system prompt, the assistant's answers and tool output
//!   are left out (they describe the model and its tools, not the person's task). For a
//!   single prompt the two views are the same.
//!
//! Token counts are estimates ([`crate::signals::estimate_tokens`]): the system prompt,
//! every message's text (tool calls as `name(arguments)`, tool results as their text), and each
//! tool's name, description and schema. Images are counted, not tokenised.

use super::model::{Conversation, Message, Role};
use crate::policy::{ConversationFacts, Facts, Metadata};
use crate::signals::estimate_tokens;
use crate::signals::{PromptSignals, TaskPrediction};
use serde::Serialize;

/// Everything known about a conversation beyond its last user message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationSignals {
    /// The size and shape policies read.
    pub facts: ConversationFacts,
    /// Estimated tokens of the messages before this turn (up to the last assistant message).
    pub history_tokens: usize,
    /// Estimated tokens of the tools offered (names, descriptions, schemas).
    pub tool_tokens: usize,
    /// Estimated tokens of this turn (the messages after the last assistant message).
    pub turn_tokens: usize,
    /// The classifier's view of the conversation as a whole (`None` without a classifier, or
    /// when there is no user text).
    pub whole: Option<TaskPrediction>,
}

/// Estimated tokens of one message's text.
pub fn message_tokens(m: &Message) -> usize {
    estimate_tokens(&m.plain_text())
}

/// The size and shape of `conv` (no classifier involved).
pub fn measure(conv: &Conversation) -> (ConversationFacts, usize, usize, usize) {
    let system_tokens = estimate_tokens(&conv.system);
    let tool_tokens: usize = conv
        .tools
        .iter()
        .map(|t| {
            estimate_tokens(&t.name) + estimate_tokens(&t.description) + estimate_tokens(&t.schema)
        })
        .sum();
    let turn_start = conv
        .messages
        .iter()
        .rposition(|m| m.role == Role::Assistant)
        .map_or(0, |i| i + 1);
    let history_tokens: usize = conv.messages[..turn_start].iter().map(message_tokens).sum();
    let turn_tokens: usize = conv.messages[turn_start..].iter().map(message_tokens).sum();
    let facts = ConversationFacts {
        turns: conv
            .messages
            .iter()
            .filter(|m| m.role == Role::User)
            .count()
            .max(1),
        agent_step: conv.is_agent_step(),
        tool_names: conv.tools.iter().map(|t| t.name.clone()).collect(),
        system_tokens,
        context_tokens: system_tokens + history_tokens + tool_tokens + turn_tokens,
        images: conv.messages.iter().map(Message::images).sum(),
    };
    (facts, history_tokens, tool_tokens, turn_tokens)
}

impl ConversationSignals {
    /// The signals of `conv`; `classify` gives the classifier's view of a text (`None` without
    /// a classifier) and is called once, on the whole conversation's user text, when it has
    /// more than one user message (else the last user message's prediction, `this_turn`, is
    /// reused).
    pub fn compute(
        conv: &Conversation,
        this_turn: Option<&TaskPrediction>,
        classify: impl FnOnce(&str) -> Option<TaskPrediction>,
    ) -> ConversationSignals {
        let (facts, history_tokens, tool_tokens, turn_tokens) = measure(conv);
        let users = conv
            .messages
            .iter()
            .filter(|m| m.role == Role::User)
            .count();
        let whole = if users > 1 {
            let text = conv.user_text();
            if text.trim().is_empty() {
                this_turn.cloned()
            } else {
                classify(&text)
            }
        } else {
            this_turn.cloned()
        };
        ConversationSignals {
            facts,
            history_tokens,
            tool_tokens,
            turn_tokens,
            whole,
        }
    }

    /// The policy facts of the request: `signals` are the last user message's (see the
    /// module's notes), these the conversation's.
    pub fn to_facts(&self, key: u64, signals: &PromptSignals, metadata: &Metadata) -> Facts {
        let mut facts = Facts::with_key(key, signals, metadata);
        facts.set_conversation(&self.facts, self.whole.as_ref());
        facts
    }
}

/// The split key of a conversation (what makes weighted splits deterministic): the FNV-1a hash
/// of its id and its first user message, so every turn of one conversation lands on the same
/// arm. A conversation without an id hashes its first user message only.
pub fn conversation_key(conv: &Conversation) -> u64 {
    let first = conv
        .messages
        .iter()
        .find(|m| m.role == Role::User)
        .map(Message::plain_text)
        .unwrap_or_default();
    crate::policy::split_key(&format!("{}\u{0}{first}", conv.id))
}
