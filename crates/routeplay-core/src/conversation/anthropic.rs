//! Anthropic Messages request bodies: `system` (a string or text blocks), `messages` whose
//! content is a string or a list of blocks (`text`, `image`, `tool_use`, `tool_result`;
//! `thinking`, `redacted_thinking` and `document` blocks are skipped), and `tools` (`name`,
//! `description`, `input_schema`). A user message holding only tool results is read as a
//! [`Role::Tool`] message.

use super::json::{array, kind, object, opt_str, req_str, text_of};
use super::model::{Conversation, Message, Part, Role, SourceFormat, Tool, ToolCall};
use super::openai::image_source;
use serde_json::{Map, Value};

/// Reads an Anthropic Messages request body.
pub fn parse_messages(body: &Map<String, Value>) -> Result<Conversation, String> {
    let msgs = array(
        body.get("messages")
            .ok_or_else(|| "missing \"messages\"".to_string())?,
        "messages",
    )?;
    let mut conv = Conversation {
        format: Some(SourceFormat::AnthropicMessages),
        model: opt_str(body, "model", "body")?.map(str::to_string),
        ..Conversation::default()
    };
    conv.system = match body.get("system") {
        None | Some(Value::Null) => String::new(),
        Some(v) => Message {
            role: Role::User,
            parts: blocks(v, "system")?,
        }
        .plain_text(),
    };
    for (i, m) in msgs.iter().enumerate() {
        let path = format!("messages[{i}]");
        let o = object(m, &path)?;
        let role = match req_str(o, "role", &path)? {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => {
                return Err(format!(
                    "{path}.role: \"{other}\" is not a role (user, assistant; the system prompt is the top-level \"system\")"
                ))
            }
        };
        let parts = match o.get("content") {
            None => return Err(format!("{path}: missing \"content\"")),
            Some(c) => blocks(c, &format!("{path}.content"))?,
        };
        let only_results = !parts.is_empty()
            && parts
                .iter()
                .all(|p| matches!(p, Part::ToolResult { .. } | Part::Image { .. }))
            && parts.iter().any(|p| matches!(p, Part::ToolResult { .. }));
        conv.messages.push(Message {
            role: if role == Role::User && only_results {
                Role::Tool
            } else {
                role
            },
            parts,
        });
    }
    if let Some(tools) = body.get("tools").filter(|v| !v.is_null()) {
        for (i, t) in array(tools, "tools")?.iter().enumerate() {
            let path = format!("tools[{i}]");
            let o = object(t, &path)?;
            conv.tools.push(Tool {
                name: req_str(o, "name", &path)?.to_string(),
                description: opt_str(o, "description", &path)?
                    .unwrap_or_default()
                    .to_string(),
                schema: o.get("input_schema").map(text_of).unwrap_or_default(),
            });
        }
    }
    Ok(conv)
}

/// Anthropic content: a string or a list of blocks.
fn blocks(v: &Value, path: &str) -> Result<Vec<Part>, String> {
    let items = match v {
        Value::String(s) => return Ok(vec![Part::Text { text: s.clone() }]),
        Value::Array(items) => items,
        other => {
            return Err(format!(
                "{path}: expected a string or a list of content blocks, found {}",
                kind(other)
            ))
        }
    };
    let mut parts = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let bpath = format!("{path}[{i}]");
        let o = object(it, &bpath)?;
        match req_str(o, "type", &bpath)? {
            "text" => parts.push(Part::Text {
                text: req_str(o, "text", &bpath)?.to_string(),
            }),
            "image" => parts.push(Part::Image {
                source: image_block_source(o, &bpath)?,
            }),
            "tool_use" | "server_tool_use" => parts.push(Part::ToolCall(ToolCall {
                id: opt_str(o, "id", &bpath)?.unwrap_or_default().to_string(),
                name: req_str(o, "name", &bpath)?.to_string(),
                arguments: o.get("input").map(text_of).unwrap_or_default(),
            })),
            "tool_result" => {
                let call_id = opt_str(o, "tool_use_id", &bpath)?
                    .unwrap_or_default()
                    .to_string();
                let inner = match o.get("content") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(c) => blocks(c, &format!("{bpath}.content"))?,
                };
                let text = Message {
                    role: Role::Tool,
                    parts: inner.clone(),
                }
                .plain_text();
                let is_error = o.get("is_error").and_then(Value::as_bool).unwrap_or(false);
                parts.push(Part::ToolResult {
                    call_id,
                    text,
                    is_error,
                });
                parts.extend(
                    inner
                        .into_iter()
                        .filter(|p| matches!(p, Part::Image { .. })),
                );
            }
            _ => {} // thinking, documents, citations: not text the router reads
        }
    }
    Ok(parts)
}

fn image_block_source(o: &Map<String, Value>, path: &str) -> Result<String, String> {
    let spath = format!("{path}.source");
    let s = object(
        o.get("source")
            .ok_or_else(|| format!("{path}: missing \"source\""))?,
        &spath,
    )?;
    Ok(match opt_str(s, "url", &spath)? {
        Some(url) => image_source(url),
        None => opt_str(s, "media_type", &spath)?
            .unwrap_or("image")
            .to_string(),
    })
}
