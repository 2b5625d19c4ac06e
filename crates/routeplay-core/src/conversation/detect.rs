//! Which format a record is in, decided per record (so one file may mix formats), and the
//! conversation read from it.
//!
//! In order: `custom_id` with `body` → OpenAI Batch; `conversations` → ShareGPT; `messages`
//! → Anthropic Messages when the body looks like one (a top-level `system`, `anthropic_version`,
//! a content block of type `tool_use`, `tool_result` or `image`, or a tool with
//! `input_schema`), else OpenAI Chat Completions (the two read a plain
//! `{"messages": [{"role": "user", "content": "…"}]}` the same way). Anything else is not a
//! conversation: the prompt-set reader reads it as a prompt (`text`).

use super::model::{Conversation, SourceFormat};
use super::{anthropic, openai, sharegpt};
use serde_json::{Map, Value};

/// The conversation format of a record, or `None` when it is not a conversation (a prompt).
pub fn detect_format(rec: &Map<String, Value>) -> Option<SourceFormat> {
    if rec.contains_key("custom_id") && rec.contains_key("body") {
        return Some(SourceFormat::OpenAiBatch);
    }
    if rec.contains_key("conversations") {
        return Some(SourceFormat::ShareGpt);
    }
    if !rec.contains_key("messages") {
        return None;
    }
    Some(if looks_anthropic(rec) {
        SourceFormat::AnthropicMessages
    } else {
        SourceFormat::OpenAiChat
    })
}

fn looks_anthropic(rec: &Map<String, Value>) -> bool {
    if rec.contains_key("system") || rec.contains_key("anthropic_version") {
        return true;
    }
    let block_kind = |b: &Value| {
        matches!(
            b.get("type").and_then(Value::as_str),
            Some("tool_use" | "tool_result" | "image")
        )
    };
    let in_messages = rec
        .get("messages")
        .and_then(Value::as_array)
        .is_some_and(|ms| {
            ms.iter().any(|m| {
                m.get("content")
                    .and_then(Value::as_array)
                    .is_some_and(|bs| bs.iter().any(block_kind))
            })
        });
    let in_tools = rec
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|ts| ts.iter().any(|t| t.get("input_schema").is_some()));
    in_messages || in_tools
}

/// Reads the conversation a record holds: `None` when the record is not in a conversation
/// format ([`detect_format`]), else the conversation or what is wrong with it (a message
/// naming the field, e.g. `messages[2].content: expected a string or a list of parts`).
/// The id is the record's `id` or `custom_id` when given, else empty (the caller names it).
pub fn read_conversation(rec: &Map<String, Value>) -> Option<Result<Conversation, String>> {
    let format = detect_format(rec)?;
    let conv = match format {
        SourceFormat::OpenAiBatch => openai::parse_batch(rec),
        SourceFormat::ShareGpt => sharegpt::parse_sharegpt(rec),
        SourceFormat::AnthropicMessages => anthropic::parse_messages(rec),
        SourceFormat::OpenAiChat | SourceFormat::Prompt => openai::parse_chat(rec),
    };
    Some(conv.map(|mut c| {
        if c.id.is_empty() {
            c.id = match rec.get("id") {
                Some(Value::String(s)) => s.trim().to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
        }
        c
    }))
}
