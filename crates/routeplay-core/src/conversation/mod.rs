//! Conversations: whole chat requests (a system prompt, earlier turns, tools, tool results)
//! as a router sees them.
//!
//! - [`model`]: the data model ([`Conversation`], [`Message`], [`Part`], [`Tool`]).
//! - [`openai`], [`anthropic`], [`sharegpt`]: one reader per input format, each from a parsed
//!   JSON object, with errors that name the field.
//! - [`detect`]: which format a record is in (per record, so files may mix formats).
//! - [`simulate`]: every turn of a conversation set routed under several policies, with
//!   stickiness and the prompt cache's cost (per conversation, switches, cache misses).
//! - [`signals`]: turns, agent step, tools, context tokens, images and the classifier's two
//!   views (this turn, the whole conversation), as policy facts.
//!
//! Files are read by the one prompt-set reader ([`crate::simulate::input`]): a record in a
//! conversation format becomes a [`crate::simulate::PromptRecord`] carrying its conversation,
//! any other record a prompt (a one-turn conversation), with bad lines reported by number.

pub mod anthropic;
pub mod detect;
mod json;
pub mod model;
pub mod openai;
pub mod sharegpt;
pub mod signals;
pub mod simulate;

pub use detect::{detect_format, read_conversation};
pub use model::{Conversation, Message, Part, Role, SourceFormat, Tool, ToolCall};
pub use signals::{conversation_key, ConversationSignals};
pub use simulate::{
    route_turns, simulate_conversations, turn_costs, CacheModel, ConversationCost,
    ConversationReport, PolicyConversationReport, TurnCost, TurnRoute,
};

#[cfg(test)]
mod tests;
