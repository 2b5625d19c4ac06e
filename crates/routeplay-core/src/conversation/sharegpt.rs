//! ShareGPT-style conversations: `{"conversations": [{"from": …, "value": …}], "system"?,
//! "tools"?}`. `from` is `system`, `human` / `user`, `gpt` / `assistant` / `chatgpt` / `bing`
//! / `bard` / `model`, `function_call` (an assistant tool call, its value the JSON call) or
//! `observation` / `tool` / `function_response` (a tool result). A `tools` field may be a
//! list or a JSON string of a list of `{name, description, parameters}` (as in Glaive- and
//! ToolBench-style exports).

use super::json::{array, kind, object, opt_str, req_str, text_of};
use super::model::{Conversation, Message, Part, Role, SourceFormat, Tool, ToolCall};
use serde_json::{Map, Value};

/// Reads a ShareGPT-style record.
pub fn parse_sharegpt(rec: &Map<String, Value>) -> Result<Conversation, String> {
    let turns = array(
        rec.get("conversations")
            .ok_or_else(|| "missing \"conversations\"".to_string())?,
        "conversations",
    )?;
    let mut conv = Conversation {
        format: Some(SourceFormat::ShareGpt),
        ..Conversation::default()
    };
    let mut system: Vec<String> = Vec::new();
    if let Some(s) = opt_str(rec, "system", "record")? {
        if !s.is_empty() {
            system.push(s.to_string());
        }
    }
    for (i, t) in turns.iter().enumerate() {
        let path = format!("conversations[{i}]");
        let o = object(t, &path)?;
        let from = req_str(o, "from", &path)?;
        let value = match o.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => {
                return Err(format!(
                    "{path}.value: expected a string, found {}",
                    kind(v)
                ))
            }
            None => return Err(format!("{path}: missing \"value\"")),
        };
        match from.to_ascii_lowercase().as_str() {
            "system" => system.push(value),
            "human" | "user" => conv.messages.push(Message::text(Role::User, value)),
            "gpt" | "assistant" | "chatgpt" | "bing" | "bard" | "model" => {
                conv.messages.push(Message::text(Role::Assistant, value))
            }
            "function_call" => {
                let call = serde_json::from_str::<Value>(&value).ok();
                let name = call
                    .as_ref()
                    .and_then(|c| c.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("function")
                    .to_string();
                let arguments = call
                    .as_ref()
                    .and_then(|c| c.get("arguments"))
                    .map(text_of)
                    .unwrap_or(value);
                conv.messages.push(Message {
                    role: Role::Assistant,
                    parts: vec![Part::ToolCall(ToolCall {
                        id: String::new(),
                        name,
                        arguments,
                    })],
                });
            }
            "observation" | "tool" | "function_response" | "function" => conv.messages.push(Message {
                role: Role::Tool,
                parts: vec![Part::ToolResult {
                    call_id: String::new(),
                    text: value,
                    is_error: false,
                }],
            }),
            other => {
                return Err(format!(
                    "{path}.from: \"{other}\" is not a speaker (system, human, gpt, function_call, observation)"
                ))
            }
        }
    }
    conv.system = system.join("\n\n");
    let tools = match rec.get("tools") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(
            serde_json::from_str::<Value>(s)
                .map_err(|e| format!("tools: a string that is not JSON: {e}"))?,
        ),
        Some(v) => Some(v.clone()),
    };
    if let Some(tools) = tools {
        for (i, t) in array(&tools, "tools")?.iter().enumerate() {
            let path = format!("tools[{i}]");
            let o = object(t, &path)?;
            let f = match o.get("function") {
                Some(f) => object(f, &format!("{path}.function"))?,
                None => o,
            };
            conv.tools.push(Tool {
                name: req_str(f, "name", &path)?.to_string(),
                description: opt_str(f, "description", &path)?
                    .unwrap_or_default()
                    .to_string(),
                schema: f.get("parameters").map(text_of).unwrap_or_default(),
            });
        }
    }
    Ok(conv)
}
