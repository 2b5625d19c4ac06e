//! OpenAI request bodies: Chat Completions (`messages`, `tools`, `model`, …) and the Batch API
//! input line (`custom_id`, `method`, `url`, `body`), whose `body` is a chat request.
//!
//! Read: `system` and `developer` messages (joined into [`Conversation::system`]), `user`,
//! `assistant` (text, `tool_calls`, the legacy `function_call`) and `tool` / `function`
//! results; content as a string, null, or a list of parts (`text`, `image_url`; `input_audio`
//! and `file` parts are skipped: they are neither text nor images); `tools` of type
//! `function` and the legacy `functions`. Other fields (`temperature`, `stream`, …) are ignored.

use super::json::{array, kind, object, opt_str, req_str, text_of};
use super::model::{Conversation, Message, Part, Role, SourceFormat, Tool, ToolCall};
use serde_json::{Map, Value};

/// Reads an OpenAI Chat Completions request body.
pub fn parse_chat(body: &Map<String, Value>) -> Result<Conversation, String> {
    let msgs = array(
        body.get("messages")
            .ok_or_else(|| "missing \"messages\"".to_string())?,
        "messages",
    )?;
    let mut conv = Conversation {
        format: Some(SourceFormat::OpenAiChat),
        model: opt_str(body, "model", "body")?.map(str::to_string),
        ..Conversation::default()
    };
    let mut system: Vec<String> = Vec::new();
    for (i, m) in msgs.iter().enumerate() {
        let path = format!("messages[{i}]");
        let o = object(m, &path)?;
        let role = req_str(o, "role", &path)?;
        let mut parts = match o.get("content") {
            None | Some(Value::Null) => Vec::new(),
            Some(c) => content_parts(c, &format!("{path}.content"))?,
        };
        match role {
            "system" | "developer" => {
                let t = Message {
                    role: Role::User,
                    parts,
                }
                .plain_text();
                if !t.is_empty() {
                    system.push(t);
                }
            }
            "user" => conv.messages.push(Message {
                role: Role::User,
                parts,
            }),
            "assistant" => {
                if let Some(calls) = o.get("tool_calls").filter(|v| !v.is_null()) {
                    for (j, c) in array(calls, &format!("{path}.tool_calls"))?
                        .iter()
                        .enumerate()
                    {
                        parts.push(Part::ToolCall(tool_call(
                            c,
                            &format!("{path}.tool_calls[{j}]"),
                        )?));
                    }
                }
                if let Some(fc) = o.get("function_call").filter(|v| !v.is_null()) {
                    let fpath = format!("{path}.function_call");
                    let f = object(fc, &fpath)?;
                    parts.push(Part::ToolCall(ToolCall {
                        id: String::new(),
                        name: req_str(f, "name", &fpath)?.to_string(),
                        arguments: f.get("arguments").map(text_of).unwrap_or_default(),
                    }));
                }
                conv.messages.push(Message {
                    role: Role::Assistant,
                    parts,
                });
            }
            "tool" | "function" => {
                let call_id = opt_str(o, "tool_call_id", &path)?
                    .unwrap_or_default()
                    .to_string();
                let text = Message {
                    role: Role::Tool,
                    parts: parts.clone(),
                }
                .plain_text();
                let mut out = vec![Part::ToolResult {
                    call_id,
                    text,
                    is_error: false,
                }];
                out.extend(
                    parts
                        .into_iter()
                        .filter(|p| matches!(p, Part::Image { .. })),
                );
                conv.messages.push(Message {
                    role: Role::Tool,
                    parts: out,
                });
            }
            other => {
                return Err(format!(
                "{path}.role: \"{other}\" is not a role (system, developer, user, assistant, tool)"
            ))
            }
        }
    }
    conv.system = system.join("\n\n");
    if let Some(tools) = body.get("tools").filter(|v| !v.is_null()) {
        for (i, t) in array(tools, "tools")?.iter().enumerate() {
            let path = format!("tools[{i}]");
            let o = object(t, &path)?;
            match o.get("function") {
                Some(f) => conv.tools.push(function_tool(
                    object(f, &format!("{path}.function"))?,
                    &format!("{path}.function"),
                )?),
                // Built-in tools (`{"type": "web_search"}`) are offered by type.
                None => conv.tools.push(Tool {
                    name: req_str(o, "type", &path)?.to_string(),
                    description: String::new(),
                    schema: String::new(),
                }),
            }
        }
    }
    if let Some(fns) = body.get("functions").filter(|v| !v.is_null()) {
        for (i, f) in array(fns, "functions")?.iter().enumerate() {
            let path = format!("functions[{i}]");
            conv.tools.push(function_tool(object(f, &path)?, &path)?);
        }
    }
    Ok(conv)
}

/// Reads a line of an OpenAI Batch API input file: `custom_id` becomes the id and `body` is
/// read as a chat request.
pub fn parse_batch(line: &Map<String, Value>) -> Result<Conversation, String> {
    let id = match line.get("custom_id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(v) => return Err(format!("custom_id: expected a string, found {}", kind(v))),
        None => return Err("missing \"custom_id\"".into()),
    };
    let body = object(
        line.get("body")
            .ok_or_else(|| "missing \"body\"".to_string())?,
        "body",
    )?;
    let mut conv = parse_chat(body).map_err(|e| format!("body.{e}"))?;
    conv.id = id;
    conv.format = Some(SourceFormat::OpenAiBatch);
    Ok(conv)
}

fn function_tool(f: &Map<String, Value>, path: &str) -> Result<Tool, String> {
    Ok(Tool {
        name: req_str(f, "name", path)?.to_string(),
        description: opt_str(f, "description", path)?
            .unwrap_or_default()
            .to_string(),
        schema: f.get("parameters").map(text_of).unwrap_or_default(),
    })
}

fn tool_call(v: &Value, path: &str) -> Result<ToolCall, String> {
    let o = object(v, path)?;
    let id = opt_str(o, "id", path)?.unwrap_or_default().to_string();
    let fpath = format!("{path}.function");
    let f = object(
        o.get("function")
            .ok_or_else(|| format!("{path}: missing \"function\""))?,
        &fpath,
    )?;
    Ok(ToolCall {
        id,
        name: req_str(f, "name", &fpath)?.to_string(),
        arguments: f.get("arguments").map(text_of).unwrap_or_default(),
    })
}

/// OpenAI content: a string or a list of parts.
fn content_parts(v: &Value, path: &str) -> Result<Vec<Part>, String> {
    match v {
        Value::String(s) => Ok(vec![Part::Text { text: s.clone() }]),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                let ppath = format!("{path}[{i}]");
                // A bare string in the list is text.
                if let Value::String(s) = it {
                    parts.push(Part::Text { text: s.clone() });
                    continue;
                }
                let o = object(it, &ppath)?;
                match req_str(o, "type", &ppath)? {
                    "text" | "input_text" | "output_text" | "refusal" => {
                        let key = if o.contains_key("refusal") {
                            "refusal"
                        } else {
                            "text"
                        };
                        parts.push(Part::Text {
                            text: req_str(o, key, &ppath)?.to_string(),
                        })
                    }
                    "image_url" | "input_image" => {
                        let url = match o.get("image_url") {
                            Some(Value::String(s)) => s.as_str(),
                            Some(Value::Object(u)) => {
                                req_str(u, "url", &format!("{ppath}.image_url"))?
                            }
                            Some(other) => {
                                return Err(format!(
                                    "{ppath}.image_url: expected an object with \"url\", found {}",
                                    kind(other)
                                ))
                            }
                            None => return Err(format!("{ppath}: missing \"image_url\"")),
                        };
                        parts.push(Part::Image {
                            source: image_source(url),
                        });
                    }
                    _ => {} // audio, files: neither text nor an image
                }
            }
            Ok(parts)
        }
        other => Err(format!(
            "{path}: expected a string or a list of parts, found {}",
            kind(other)
        )),
    }
}

/// An image URL as kept: a `data:` URL becomes its media type (the data is not kept).
pub(crate) fn image_source(url: &str) -> String {
    match url.strip_prefix("data:") {
        Some(rest) => rest
            .split([';', ','])
            .next()
            .filter(|m| !m.is_empty())
            .unwrap_or("image")
            .to_string(),
        None => url.chars().take(200).collect(),
    }
}
