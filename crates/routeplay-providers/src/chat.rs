//! A whole conversation in the providers' own terms, and its body in each wire format.
//!
//! The app converts the core's conversation into these types; [`crate::wire::build_request`]
//! then writes them as an OpenAI Chat Completions `messages` + `tools`, an Anthropic Messages
//! `system` + `messages` + `tools`, or a Gemini `systemInstruction` + `contents` + `tools` body.
//!
//! # Rules per format
//!
//! - **OpenAI**: a user message with one text part is a string, otherwise a list of `text` and
//!   `image_url` parts (a base64 image becomes a `data:` URL); an assistant message carries its
//!   `tool_calls` (arguments as a JSON string, as the API expects) and `content: null` when it
//!   has no text; each tool result is its own `role: "tool"` message.
//! - **Anthropic**: roles must alternate, so consecutive messages of one role are merged into one
//!   message of content blocks; tool results are `tool_result` blocks in a user message (with
//!   `is_error` when the tool failed); tool calls are `tool_use` blocks; images are `base64` or
//!   `url` sources; a tool without a parameter schema gets an empty object schema (the API
//!   requires `input_schema`). Empty text is left out (the API refuses empty text blocks).
//! - **Gemini**: the assistant is `role: "model"`; tool calls are `functionCall` parts (the
//!   first of each step carries the documented `skip_thought_signature_validator` signature,
//!   since the history was not produced by Gemini and Gemini 3 refuses unsigned calls); tool
//!   results are `functionResponse` parts in a user turn, named after the call they answer and
//!   with an object `response` (a JSON object result as is, anything else under `content`, or
//!   `error` when the tool failed); consecutive turns of one role are merged; base64 images are
//!   `inlineData`, URL images `fileData`; tool schemas go in `parametersJsonSchema` (full JSON
//!   Schema, so `additionalProperties` and friends are accepted).

use serde_json::{json, Map, Value};

/// One part of a user message.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Text.
    Text(String),
    /// An image.
    Image(Image),
}

/// Where an image is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Image {
    /// At a URL (`https://…`).
    Url(String),
    /// Inline, base64-encoded.
    Base64 {
        /// `image/png`, `image/jpeg`, …
        media_type: String,
        /// The base64 data, without a `data:` prefix.
        data: String,
    },
}

impl Image {
    /// An image from a URL as written in a request: a `data:<type>;base64,<data>` URL becomes
    /// [`Image::Base64`], anything else [`Image::Url`].
    pub fn from_url(url: &str) -> Image {
        if let Some(rest) = url.strip_prefix("data:") {
            if let Some((meta, data)) = rest.split_once(',') {
                if let Some(media_type) = meta.strip_suffix(";base64") {
                    return Image::Base64 {
                        media_type: media_type.to_string(),
                        data: data.to_string(),
                    };
                }
            }
        }
        Image::Url(url.to_string())
    }

    fn as_url(&self) -> String {
        match self {
            Image::Url(u) => u.clone(),
            Image::Base64 { media_type, data } => format!("data:{media_type};base64,{data}"),
        }
    }

    /// The media type: given for inline data, guessed from a URL's extension (JPEG otherwise).
    fn media_type(&self) -> String {
        match self {
            Image::Base64 { media_type, .. } => media_type.clone(),
            Image::Url(u) => {
                let path = u
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let ext = path.rsplit('.').next().unwrap_or("");
                match ext {
                    "png" => "image/png",
                    "gif" => "image/gif",
                    "webp" => "image/webp",
                    "heic" => "image/heic",
                    _ => "image/jpeg",
                }
                .to_string()
            }
        }
    }
}

/// A tool call the assistant made.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The call's id (what the tool result answers).
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments, a JSON value (normally an object).
    pub arguments: Value,
}

/// A tool offered to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// Its name.
    pub name: String,
    /// What it does (may be empty).
    pub description: String,
    /// JSON Schema of its arguments (`Value::Null` when none was given).
    pub parameters: Value,
}

/// One message of the conversation (the system prompt is separate: [`crate::ChatRequest::system`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// What the user said: text and images.
    User(Vec<Part>),
    /// What the assistant said, and the tools it called.
    Assistant {
        /// Its text (may be empty when it only called tools).
        text: String,
        /// Its tool calls, in order.
        tool_calls: Vec<ToolCall>,
    },
    /// The result of one tool call.
    ToolResult {
        /// The id of the call it answers.
        call_id: String,
        /// The tool's name (empty: looked up from the call with `call_id`).
        name: String,
        /// The result as text (often JSON).
        content: String,
        /// The tool reported a failure.
        is_error: bool,
    },
}

impl Message {
    /// A user message of one text.
    pub fn user(text: impl Into<String>) -> Message {
        Message::User(vec![Part::Text(text.into())])
    }
    /// An assistant message of text only.
    pub fn assistant(text: impl Into<String>) -> Message {
        Message::Assistant {
            text: text.into(),
            tool_calls: Vec::new(),
        }
    }
}

/// A user message's content for OpenAI and Anthropic: a string when it is one text.
fn single_text(parts: &[Part]) -> Option<&str> {
    match parts {
        [Part::Text(t)] => Some(t),
        _ => None,
    }
}

/// OpenAI Chat Completions `messages` (system first) and `tools` (`None` when there are none).
pub fn openai_messages(
    system: Option<&str>,
    messages: &[Message],
    tools: &[ToolSpec],
) -> (Value, Option<Value>) {
    let mut out = Vec::new();
    if let Some(s) = system {
        out.push(json!({"role": "system", "content": s}));
    }
    for m in messages {
        out.push(match m {
            Message::User(parts) => match single_text(parts) {
                Some(t) => json!({"role": "user", "content": t}),
                None => {
                    let parts: Vec<Value> = parts
                        .iter()
                        .map(|p| match p {
                            Part::Text(t) => json!({"type": "text", "text": t}),
                            Part::Image(i) => {
                                json!({"type": "image_url", "image_url": {"url": i.as_url()}})
                            }
                        })
                        .collect();
                    json!({"role": "user", "content": parts})
                }
            },
            Message::Assistant { text, tool_calls } => {
                let mut msg = json!({"role": "assistant", "content": text});
                if !tool_calls.is_empty() {
                    if text.is_empty() {
                        msg["content"] = Value::Null;
                    }
                    msg["tool_calls"] = tool_calls
                        .iter()
                        .map(|c| {
                            json!({"id": c.id, "type": "function", "function": {
                                "name": c.name, "arguments": arguments_string(&c.arguments)}})
                        })
                        .collect();
                }
                msg
            }
            Message::ToolResult {
                call_id, content, ..
            } => json!({"role": "tool", "tool_call_id": call_id, "content": content}),
        });
    }
    let tools = (!tools.is_empty()).then(|| {
        tools
            .iter()
            .map(|t| {
                let mut f = Map::new();
                f.insert("name".into(), json!(t.name));
                if !t.description.is_empty() {
                    f.insert("description".into(), json!(t.description));
                }
                f.insert("parameters".into(), object_schema(&t.parameters));
                json!({"type": "function", "function": f})
            })
            .collect()
    });
    (Value::Array(out), tools)
}

/// OpenAI sends arguments as a JSON string; a string value is already one.
fn arguments_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "{}".into(),
        other => other.to_string(),
    }
}

/// Arguments as an object for Anthropic and Gemini: a JSON string is parsed; anything that is
/// not an object is wrapped so nothing is lost.
fn arguments_object(v: &Value) -> Value {
    let v = match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
        other => other.clone(),
    };
    match v {
        Value::Object(_) => v,
        Value::Null => json!({}),
        other => json!({ "value": other }),
    }
}

/// A parameter schema every API accepts: the given one, or an empty object schema.
fn object_schema(v: &Value) -> Value {
    match v {
        Value::Object(m) if !m.is_empty() => v.clone(),
        _ => json!({"type": "object", "properties": {}}),
    }
}

/// Appends `blocks` to the last message when it has the same role, else starts a new message.
fn push_merged(out: &mut Vec<(String, Vec<Value>)>, role: &str, blocks: Vec<Value>) {
    if blocks.is_empty() {
        return;
    }
    match out.last_mut() {
        Some((r, b)) if r == role => b.extend(blocks),
        _ => out.push((role.to_string(), blocks)),
    }
}

/// Anthropic Messages `messages` and `tools` (`None` when there are none).
pub fn anthropic_messages(messages: &[Message], tools: &[ToolSpec]) -> (Value, Option<Value>) {
    let mut merged: Vec<(String, Vec<Value>)> = Vec::new();
    for m in messages {
        match m {
            Message::User(parts) => {
                let blocks = parts
                    .iter()
                    .filter_map(|p| match p {
                        Part::Text(t) if t.is_empty() => None,
                        Part::Text(t) => Some(json!({"type": "text", "text": t})),
                        Part::Image(Image::Base64 { media_type, data }) => Some(json!({
                            "type": "image",
                            "source": {"type": "base64", "media_type": media_type, "data": data}})),
                        Part::Image(Image::Url(u)) => Some(json!({
                            "type": "image", "source": {"type": "url", "url": u}})),
                    })
                    .collect();
                push_merged(&mut merged, "user", blocks);
            }
            Message::Assistant { text, tool_calls } => {
                let mut blocks = Vec::new();
                if !text.is_empty() {
                    blocks.push(json!({"type": "text", "text": text}));
                }
                for c in tool_calls {
                    blocks.push(json!({"type": "tool_use", "id": c.id, "name": c.name,
                        "input": arguments_object(&c.arguments)}));
                }
                push_merged(&mut merged, "assistant", blocks);
            }
            Message::ToolResult {
                call_id,
                content,
                is_error,
                ..
            } => {
                let mut block =
                    json!({"type": "tool_result", "tool_use_id": call_id, "content": content});
                if *is_error {
                    block["is_error"] = json!(true);
                }
                push_merged(&mut merged, "user", vec![block]);
            }
        }
    }
    let out = merged
        .into_iter()
        .map(|(role, blocks)| {
            // One text block is written as a plain string, as people write it.
            let content = match blocks.as_slice() {
                [b] if b["type"] == "text" => b["text"].clone(),
                _ => Value::Array(blocks),
            };
            json!({"role": role, "content": content})
        })
        .collect();
    let tools = (!tools.is_empty()).then(|| {
        tools
            .iter()
            .map(|t| {
                let mut o = Map::new();
                o.insert("name".into(), json!(t.name));
                if !t.description.is_empty() {
                    o.insert("description".into(), json!(t.description));
                }
                o.insert("input_schema".into(), object_schema(&t.parameters));
                Value::Object(o)
            })
            .collect()
    });
    (Value::Array(out), tools)
}

/// The signature Gemini documents for function calls it did not produce itself.
pub const GEMINI_SKIP_SIGNATURE: &str = "skip_thought_signature_validator";

/// Gemini `contents` and `tools` (`None` when there are none).
pub fn gemini_contents(messages: &[Message], tools: &[ToolSpec]) -> (Value, Option<Value>) {
    let mut merged: Vec<(String, Vec<Value>)> = Vec::new();
    let mut call_names: Vec<(&str, &str)> = Vec::new();
    for m in messages {
        match m {
            Message::User(parts) => {
                let parts = parts
                    .iter()
                    .filter_map(|p| match p {
                        Part::Text(t) if t.is_empty() => None,
                        Part::Text(t) => Some(json!({"text": t})),
                        Part::Image(i @ Image::Base64 { data, .. }) => Some(json!({
                            "inlineData": {"mimeType": i.media_type(), "data": data}})),
                        Part::Image(i @ Image::Url(u)) => Some(json!({
                            "fileData": {"mimeType": i.media_type(), "fileUri": u}})),
                    })
                    .collect();
                push_merged(&mut merged, "user", parts);
            }
            Message::Assistant { text, tool_calls } => {
                let mut parts = Vec::new();
                if !text.is_empty() {
                    parts.push(json!({"text": text}));
                }
                for (i, c) in tool_calls.iter().enumerate() {
                    call_names.push((&c.id, &c.name));
                    let mut part = json!({"functionCall": {"name": c.name,
                        "args": arguments_object(&c.arguments)}});
                    if i == 0 {
                        part["thoughtSignature"] = json!(GEMINI_SKIP_SIGNATURE);
                    }
                    parts.push(part);
                }
                push_merged(&mut merged, "model", parts);
            }
            Message::ToolResult {
                call_id,
                name,
                content,
                is_error,
            } => {
                let name = if name.is_empty() {
                    call_names
                        .iter()
                        .rev()
                        .find(|(id, _)| id == call_id)
                        .map(|(_, n)| *n)
                        .unwrap_or("tool")
                } else {
                    name.as_str()
                };
                let response = match (is_error, serde_json::from_str::<Value>(content)) {
                    (true, _) => json!({ "error": content }),
                    (false, Ok(v @ Value::Object(_))) => v,
                    (false, _) => json!({ "content": content }),
                };
                push_merged(
                    &mut merged,
                    "user",
                    vec![json!({"functionResponse": {"name": name, "response": response}})],
                );
            }
        }
    }
    let out = merged
        .into_iter()
        .map(|(role, parts)| json!({"role": role, "parts": parts}))
        .collect();
    let tools = (!tools.is_empty()).then(|| {
        let decls: Vec<Value> = tools
            .iter()
            .map(|t| {
                let mut o = Map::new();
                o.insert("name".into(), json!(t.name));
                if !t.description.is_empty() {
                    o.insert("description".into(), json!(t.description));
                }
                o.insert("parametersJsonSchema".into(), object_schema(&t.parameters));
                Value::Object(o)
            })
            .collect();
        json!([{ "functionDeclarations": decls }])
    });
    (Value::Array(out), tools)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_become_inline_images_and_others_stay_urls() {
        assert_eq!(
            Image::from_url("data:image/png;base64,AAAA"),
            Image::Base64 {
                media_type: "image/png".into(),
                data: "AAAA".into()
            }
        );
        assert_eq!(
            Image::from_url("https://x.test/a.png"),
            Image::Url("https://x.test/a.png".into())
        );
        // Not base64: kept as written.
        assert_eq!(
            Image::from_url("data:text/plain,hi"),
            Image::Url("data:text/plain,hi".into())
        );
        assert_eq!(
            Image::Url("https://x.test/A.WEBP?x=1".into()).media_type(),
            "image/webp"
        );
        assert_eq!(
            Image::Url("https://x.test/photo".into()).media_type(),
            "image/jpeg"
        );
    }

    #[test]
    fn arguments_are_objects_for_anthropic_and_gemini_and_strings_for_openai() {
        assert_eq!(arguments_object(&json!("{\"a\":1}")), json!({"a": 1}));
        assert_eq!(
            arguments_object(&json!("not json")),
            json!({"value": "not json"})
        );
        assert_eq!(arguments_object(&json!([1])), json!({"value": [1]}));
        assert_eq!(arguments_object(&Value::Null), json!({}));
        assert_eq!(arguments_string(&json!({"a": 1})), "{\"a\":1}");
        assert_eq!(arguments_string(&json!("{\"a\":1}")), "{\"a\":1}");
    }

    #[test]
    fn a_tool_result_without_a_name_takes_its_calls_name_for_gemini() {
        let msgs = [
            Message::Assistant {
                text: String::new(),
                tool_calls: vec![ToolCall {
                    id: "c1".into(),
                    name: "lookup".into(),
                    arguments: json!({}),
                }],
            },
            Message::ToolResult {
                call_id: "c1".into(),
                name: String::new(),
                content: "42".into(),
                is_error: false,
            },
            Message::ToolResult {
                call_id: "nope".into(),
                name: String::new(),
                content: "boom".into(),
                is_error: true,
            },
        ];
        let (c, _) = gemini_contents(&msgs, &[]);
        assert_eq!(
            c[1],
            json!({"role": "user", "parts": [
                {"functionResponse": {"name": "lookup", "response": {"content": "42"}}},
                {"functionResponse": {"name": "tool", "response": {"error": "boom"}}}]})
        );
    }
}
