//! Request building for each wire format: URL, headers and JSON body.

use crate::chat::{anthropic_messages, gemini_contents, openai_messages, Message, ToolSpec};
use crate::presets::WireFormat;
use serde_json::{json, Value};

/// What to ask: a whole conversation (one user message for a single prompt).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// Model id as the provider names it (`gpt-5.4-mini`, `claude-sonnet-4-6`, `gemini-2.5-flash`).
    pub model: String,
    /// Optional system prompt.
    pub system: Option<String>,
    /// The conversation so far, oldest first: user turns, assistant turns with their tool
    /// calls, tool results (see [`crate::chat`] for how each format writes them).
    pub messages: Vec<Message>,
    /// Tools offered to the model.
    pub tools: Vec<ToolSpec>,
    /// Output token cap. Anthropic requires one (1024 is used when absent); others omit it.
    pub max_tokens: Option<u32>,
    /// Ask for a streamed (SSE) answer.
    pub stream: bool,
}

impl ChatRequest {
    /// A single prompt: one user message, no system prompt, no tools.
    pub fn prompt(model: impl Into<String>, prompt: impl Into<String>, stream: bool) -> Self {
        ChatRequest {
            model: model.into(),
            system: None,
            messages: vec![Message::user(prompt)],
            tools: Vec::new(),
            max_tokens: None,
            stream,
        }
    }
}

/// Where and how to call: the wire format, the base URL and the provider's quirks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Wire format.
    pub format: WireFormat,
    /// Base URL without trailing slash (`https://api.openai.com/v1`).
    pub base_url: String,
    /// Send `stream_options.include_usage` (OpenAI format).
    pub stream_usage_option: bool,
}

/// A fully built HTTP request, ready for `fetch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Full URL. Never contains the key.
    pub url: String,
    /// Headers, including the auth header when a key is given.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: String,
}

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The model id contains characters that cannot go into a URL path (Gemini).
    BadModelId,
    /// The endpoint has no base URL (an unconfigured custom endpoint).
    NoBaseUrl,
    /// The key holds a character that cannot go into a header.
    BadKeyChar(BadKeyChar),
}

/// A character in a key that must not go into an HTTP header: the browser's `Headers` refuses a
/// line break, a NUL and anything above U+00FF, and no provider's key holds anything outside
/// printable ASCII (a space, tab or a typographic character is a copy-and-paste accident).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadKeyChar {
    /// The character.
    pub ch: char,
    /// 1-based position in the (trimmed) key, in characters.
    pub position: usize,
}

impl std::fmt::Display for BadKeyChar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.ch;
        let name = match c {
            '\n' => "line break".to_string(),
            '\r' => "carriage return".to_string(),
            '\t' => "tab".to_string(),
            ' ' => "space".to_string(),
            '\0' => "NUL character".to_string(),
            '\u{a0}' => "no-break space (U+00A0)".to_string(),
            '\u{200b}' => "zero-width space (U+200B)".to_string(),
            '\u{200c}' | '\u{200d}' | '\u{2060}' => {
                format!("invisible joiner (U+{:04X})", c as u32)
            }
            '\u{feff}' => "byte-order mark (U+FEFF)".to_string(),
            '\u{2028}' | '\u{2029}' => format!("line separator (U+{:04X})", c as u32),
            c if c.is_control() => format!("control character U+{:04X}", c as u32),
            c => format!("\"{c}\" (U+{:04X})", c as u32),
        };
        write!(f, "{name} at position {}", self.position)
    }
}

/// The first character of `key` (trimmed) that cannot be sent in a header, if any.
pub fn check_key_chars(key: &str) -> Result<(), BadKeyChar> {
    match key
        .trim()
        .chars()
        .enumerate()
        .find(|(_, c)| !matches!(*c, '!'..='~'))
    {
        Some((i, ch)) => Err(BadKeyChar {
            ch,
            position: i + 1,
        }),
        None => Ok(()),
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::BadModelId => {
                f.write_str("the model id contains characters not allowed in a model name")
            }
            BuildError::NoBaseUrl => f.write_str("this endpoint has no address configured"),
            BuildError::BadKeyChar(b) => write!(f, "the key contains a {b}"),
        }
    }
}

/// Default Anthropic output cap when the request gives none.
pub const ANTHROPIC_DEFAULT_MAX_TOKENS: u32 = 1024;

/// Build the HTTP request. `key` is put only in a header (`Authorization`, `x-api-key` or
/// `x-goog-api-key`), never in the URL or body; `None` or empty sends no auth header.
pub fn build_request(
    ep: &Endpoint,
    key: Option<&str>,
    req: &ChatRequest,
) -> Result<HttpRequest, BuildError> {
    let base = ep.base_url.trim().trim_end_matches('/');
    if base.is_empty() {
        return Err(BuildError::NoBaseUrl);
    }
    let key = key.map(str::trim).filter(|k| !k.is_empty());
    if let Some(k) = key {
        check_key_chars(k).map_err(BuildError::BadKeyChar)?;
    }
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    match ep.format {
        WireFormat::OpenAiChat => {
            if let Some(k) = key {
                headers.push(("Authorization".into(), format!("Bearer {k}")));
            }
            let (messages, tools) =
                openai_messages(req.system.as_deref(), &req.messages, &req.tools);
            let mut body = json!({"model": req.model, "messages": messages, "stream": req.stream});
            if let Some(t) = tools {
                body["tools"] = t;
            }
            if let Some(m) = req.max_tokens {
                body["max_tokens"] = json!(m);
            }
            if req.stream && ep.stream_usage_option {
                body["stream_options"] = json!({"include_usage": true});
            }
            Ok(HttpRequest {
                url: format!("{base}/chat/completions"),
                headers,
                body: body.to_string(),
            })
        }
        WireFormat::Anthropic => {
            if let Some(k) = key {
                headers.push(("x-api-key".into(), k.to_string()));
            }
            headers.push(("anthropic-version".into(), "2023-06-01".into()));
            headers.push((
                "anthropic-dangerous-direct-browser-access".into(),
                "true".into(),
            ));
            let (messages, tools) = anthropic_messages(&req.messages, &req.tools);
            let mut body = json!({
                "model": req.model,
                "max_tokens": req.max_tokens.unwrap_or(ANTHROPIC_DEFAULT_MAX_TOKENS),
                "messages": messages,
                "stream": req.stream,
            });
            if let Some(s) = &req.system {
                body["system"] = json!(s);
            }
            if let Some(t) = tools {
                body["tools"] = t;
            }
            Ok(HttpRequest {
                url: format!("{base}/messages"),
                headers,
                body: body.to_string(),
            })
        }
        WireFormat::Gemini => {
            if let Some(k) = key {
                headers.push(("x-goog-api-key".into(), k.to_string()));
            }
            let model = req.model.trim().trim_start_matches("models/");
            if model.is_empty()
                || !model
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            {
                return Err(BuildError::BadModelId);
            }
            let (contents, tools) = gemini_contents(&req.messages, &req.tools);
            let mut body = json!({ "contents": contents });
            if let Some(s) = &req.system {
                body["systemInstruction"] = json!({"parts": [{"text": s}]});
            }
            if let Some(t) = tools {
                body["tools"] = t;
            }
            if let Some(m) = req.max_tokens {
                body["generationConfig"] = json!({"maxOutputTokens": m});
            }
            let url = if req.stream {
                format!("{base}/models/{model}:streamGenerateContent?alt=sse")
            } else {
                format!("{base}/models/{model}:generateContent")
            };
            Ok(HttpRequest {
                url,
                headers,
                body: body.to_string(),
            })
        }
    }
}

/// Names of the headers that carry a key (for redaction in any debug view).
pub const SECRET_HEADERS: &[&str] = &["authorization", "x-api-key", "x-goog-api-key", "api-key"];

/// Parse helper shared by decoders: JSON or `Value::Null`.
pub(crate) fn json_or_null(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::PRESETS;

    const KEY: &str = "test-key-zz9-plural-z-alpha";

    fn req(stream: bool) -> ChatRequest {
        ChatRequest::prompt("m-1", "hi", stream)
    }

    #[test]
    fn key_never_in_url_or_body_for_any_preset() {
        for p in PRESETS {
            let ep = Endpoint {
                format: p.format,
                base_url: if p.base_url.is_empty() {
                    "http://127.0.0.1:9/v1".into()
                } else {
                    p.base_url.into()
                },
                stream_usage_option: p.stream_usage_option,
            };
            for stream in [false, true] {
                let r = build_request(&ep, Some(KEY), &req(stream)).unwrap();
                assert!(!r.url.contains(KEY), "{}: key in URL", p.id);
                assert!(
                    !r.url.to_ascii_lowercase().contains("key="),
                    "{}: key param in URL",
                    p.id
                );
                assert!(!r.body.contains(KEY), "{}: key in body", p.id);
                let in_headers = r.headers.iter().filter(|(_, v)| v.contains(KEY)).count();
                assert_eq!(in_headers, 1, "{}: key in exactly one header", p.id);
                // The key is sent only to the preset's own origin.
                let origin = crate::hosts::key_origin_for(&ep.base_url).unwrap();
                assert!(crate::hosts::key_may_be_sent(&origin, &r.url), "{}", p.id);
            }
        }
    }

    #[test]
    fn openai_shape() {
        let ep = Endpoint {
            format: WireFormat::OpenAiChat,
            base_url: "https://api.openai.com/v1/".into(),
            stream_usage_option: true,
        };
        let r = build_request(&ep, Some(KEY), &req(true)).unwrap();
        assert_eq!(r.url, "https://api.openai.com/v1/chat/completions");
        let b: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(b["stream"], true);
        assert_eq!(b["stream_options"]["include_usage"], true);
        assert_eq!(b["messages"][0]["content"], "hi");
        assert!(r
            .headers
            .contains(&("Authorization".into(), format!("Bearer {KEY}"))));
    }

    #[test]
    fn mistral_sends_only_two_headers() {
        let p = crate::presets::preset("mistral").unwrap();
        let ep = Endpoint {
            format: p.format,
            base_url: p.base_url.into(),
            stream_usage_option: p.stream_usage_option,
        };
        let r = build_request(&ep, Some(KEY), &req(true)).unwrap();
        let names: Vec<_> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Content-Type", "Authorization"]);
        assert!(!r.body.contains("stream_options"));
    }

    #[test]
    fn local_without_key_sends_no_auth() {
        let ep = Endpoint {
            format: WireFormat::OpenAiChat,
            base_url: "http://localhost:11434/v1".into(),
            stream_usage_option: false,
        };
        let r = build_request(&ep, Some("  "), &req(false)).unwrap();
        assert_eq!(r.headers.len(), 1);
    }

    #[test]
    fn anthropic_shape() {
        let ep = Endpoint {
            format: WireFormat::Anthropic,
            base_url: "https://api.anthropic.com/v1".into(),
            stream_usage_option: false,
        };
        let mut q = req(true);
        q.system = Some("be brief".into());
        let r = build_request(&ep, Some(KEY), &q).unwrap();
        assert_eq!(r.url, "https://api.anthropic.com/v1/messages");
        assert!(r.headers.contains(&(
            "anthropic-dangerous-direct-browser-access".into(),
            "true".into()
        )));
        assert!(r
            .headers
            .contains(&("anthropic-version".into(), "2023-06-01".into())));
        assert!(r.headers.contains(&("x-api-key".into(), KEY.into())));
        let b: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(b["max_tokens"], 1024);
        assert_eq!(b["system"], "be brief");
    }

    #[test]
    fn keys_with_header_breaking_characters_are_refused_locally() {
        let ep = Endpoint {
            format: WireFormat::OpenAiChat,
            base_url: "https://api.openai.com/v1".into(),
            stream_usage_option: true,
        };
        let key = format!("{}\n{}", &KEY[..10], &KEY[10..]);
        let e = build_request(&ep, Some(&key), &req(true)).unwrap_err();
        assert_eq!(
            e,
            BuildError::BadKeyChar(BadKeyChar {
                ch: '\n',
                position: 11
            })
        );
        assert_eq!(
            e.to_string(),
            "the key contains a line break at position 11"
        );
        let b = check_key_chars("  sk-abc\u{200b}def ").unwrap_err();
        assert_eq!(b.to_string(), "zero-width space (U+200B) at position 7");
        assert_eq!(
            check_key_chars("sk-ab\u{201c}").unwrap_err().to_string(),
            "\"\u{201c}\" (U+201C) at position 6"
        );
        assert_eq!(check_key_chars("sk a").unwrap_err().position, 3);
        assert_eq!(
            check_key_chars("sk\0a").unwrap_err().to_string(),
            "NUL character at position 3"
        );
        // Surrounding whitespace is trimmed, not an error; every printable ASCII key is fine.
        assert!(check_key_chars("  test-key-AZaz09_-.~!  \n").is_ok());
        assert!(build_request(&ep, Some(" test-key \r\n"), &req(true)).is_ok());
    }

    #[test]
    fn gemini_shape() {
        let ep = Endpoint {
            format: WireFormat::Gemini,
            base_url: "https://generativelanguage.googleapis.com/v1beta".into(),
            stream_usage_option: false,
        };
        let mut q = req(true);
        q.model = "models/gemini-2.5-flash".into();
        let r = build_request(&ep, Some(KEY), &q).unwrap();
        assert_eq!(r.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assert!(r.headers.contains(&("x-goog-api-key".into(), KEY.into())));
        q.stream = false;
        assert!(build_request(&ep, Some(KEY), &q)
            .unwrap()
            .url
            .ends_with(":generateContent"));
        q.model = "x/../y?key=1".into();
        assert_eq!(
            build_request(&ep, Some(KEY), &q),
            Err(BuildError::BadModelId)
        );
    }

    /// A support agent's conversation: system prompt, a user turn with an image, an assistant
    /// turn that calls two tools at once, their results (one failed), and a follow-up question.
    fn agent_conversation(stream: bool) -> ChatRequest {
        use crate::chat::{Image, Part, ToolCall, ToolSpec};
        ChatRequest {
            model: "m-1".into(),
            system: Some("You are Nova, a support agent.".into()),
            messages: vec![
                Message::User(vec![
                    Part::Text("Where is my order? Photo of the label:".into()),
                    Part::Image(Image::from_url("data:image/png;base64,iVBORw0KGgo=")),
                ]),
                Message::Assistant {
                    text: "Let me check.".into(),
                    tool_calls: vec![
                        ToolCall {
                            id: "call_1".into(),
                            name: "lookup_order".into(),
                            arguments: json!({"order": "BW-1"}),
                        },
                        ToolCall {
                            id: "call_2".into(),
                            name: "track".into(),
                            arguments: json!("{\"carrier\":\"DHL\"}"),
                        },
                    ],
                },
                Message::ToolResult {
                    call_id: "call_1".into(),
                    name: String::new(),
                    content: "{\"status\":\"shipped\"}".into(),
                    is_error: false,
                },
                Message::ToolResult {
                    call_id: "call_2".into(),
                    name: String::new(),
                    content: "carrier timeout".into(),
                    is_error: true,
                },
                Message::assistant("It shipped; tracking is down."),
                Message::user("When will it arrive?"),
            ],
            tools: vec![
                ToolSpec {
                    name: "lookup_order".into(),
                    description: "Look up an order.".into(),
                    parameters: json!({"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]}),
                },
                ToolSpec {
                    name: "track".into(),
                    description: String::new(),
                    parameters: Value::Null,
                },
            ],
            max_tokens: Some(300),
            stream,
        }
    }

    fn body_of(format: WireFormat, req: &ChatRequest) -> Value {
        let ep = Endpoint {
            format,
            base_url: "http://127.0.0.1:9/v1".into(),
            stream_usage_option: false,
        };
        let r = build_request(&ep, Some(KEY), req).unwrap();
        assert!(!r.url.contains(KEY) && !r.body.contains(KEY));
        serde_json::from_str(&r.body).unwrap()
    }

    #[test]
    fn openai_body_carries_the_whole_conversation() {
        let b = body_of(WireFormat::OpenAiChat, &agent_conversation(true));
        assert_eq!(
            b,
            json!({
                "model": "m-1",
                "stream": true,
                "max_tokens": 300,
                "messages": [
                    {"role": "system", "content": "You are Nova, a support agent."},
                    {"role": "user", "content": [
                        {"type": "text", "text": "Where is my order? Photo of the label:"},
                        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]},
                    {"role": "assistant", "content": "Let me check.", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "lookup_order", "arguments": "{\"order\":\"BW-1\"}"}},
                        {"id": "call_2", "type": "function", "function": {"name": "track", "arguments": "{\"carrier\":\"DHL\"}"}}]},
                    {"role": "tool", "tool_call_id": "call_1", "content": "{\"status\":\"shipped\"}"},
                    {"role": "tool", "tool_call_id": "call_2", "content": "carrier timeout"},
                    {"role": "assistant", "content": "It shipped; tracking is down."},
                    {"role": "user", "content": "When will it arrive?"}
                ],
                "tools": [
                    {"type": "function", "function": {"name": "lookup_order", "description": "Look up an order.",
                        "parameters": {"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]}}},
                    {"type": "function", "function": {"name": "track", "parameters": {"type": "object", "properties": {}}}}
                ]
            })
        );
        // An assistant turn that only calls tools has `content: null`.
        let mut q = agent_conversation(false);
        q.messages[1] = Message::Assistant {
            text: String::new(),
            tool_calls: vec![crate::chat::ToolCall {
                id: "c".into(),
                name: "t".into(),
                arguments: json!({}),
            }],
        };
        let b = body_of(WireFormat::OpenAiChat, &q);
        assert_eq!(b["messages"][2]["content"], Value::Null);
        assert_eq!(
            b["messages"][2]["tool_calls"][0]["function"]["arguments"],
            "{}"
        );
    }

    #[test]
    fn anthropic_body_carries_the_whole_conversation() {
        let b = body_of(WireFormat::Anthropic, &agent_conversation(false));
        assert_eq!(
            b,
            json!({
                "model": "m-1",
                "stream": false,
                "max_tokens": 300,
                "system": "You are Nova, a support agent.",
                "messages": [
                    {"role": "user", "content": [
                        {"type": "text", "text": "Where is my order? Photo of the label:"},
                        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]},
                    {"role": "assistant", "content": [
                        {"type": "text", "text": "Let me check."},
                        {"type": "tool_use", "id": "call_1", "name": "lookup_order", "input": {"order": "BW-1"}},
                        {"type": "tool_use", "id": "call_2", "name": "track", "input": {"carrier": "DHL"}}]},
                    {"role": "user", "content": [
                        {"type": "tool_result", "tool_use_id": "call_1", "content": "{\"status\":\"shipped\"}"},
                        {"type": "tool_result", "tool_use_id": "call_2", "content": "carrier timeout", "is_error": true}]},
                    {"role": "assistant", "content": "It shipped; tracking is down."},
                    {"role": "user", "content": "When will it arrive?"}
                ],
                "tools": [
                    {"name": "lookup_order", "description": "Look up an order.",
                        "input_schema": {"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]}},
                    {"name": "track", "input_schema": {"type": "object", "properties": {}}}
                ]
            })
        );
        // Roles alternate: a user question right after tool results joins their message, and
        // an image by URL is a URL source.
        let mut q = agent_conversation(false);
        q.messages.remove(4);
        q.messages[0] = Message::User(vec![crate::chat::Part::Image(
            crate::chat::Image::from_url("https://x.test/label.jpg"),
        )]);
        let b = body_of(WireFormat::Anthropic, &q);
        assert_eq!(
            b["messages"][0]["content"],
            json!([{"type": "image", "source": {"type": "url", "url": "https://x.test/label.jpg"}}])
        );
        assert_eq!(b["messages"].as_array().unwrap().len(), 3);
        assert_eq!(
            b["messages"][2]["content"][2],
            json!({"type": "text", "text": "When will it arrive?"})
        );
    }

    #[test]
    fn gemini_body_carries_the_whole_conversation() {
        let b = body_of(WireFormat::Gemini, &agent_conversation(true));
        assert_eq!(
            b,
            json!({
                "systemInstruction": {"parts": [{"text": "You are Nova, a support agent."}]},
                "generationConfig": {"maxOutputTokens": 300},
                "contents": [
                    {"role": "user", "parts": [
                        {"text": "Where is my order? Photo of the label:"},
                        {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]},
                    {"role": "model", "parts": [
                        {"text": "Let me check."},
                        {"functionCall": {"name": "lookup_order", "args": {"order": "BW-1"}},
                            "thoughtSignature": "skip_thought_signature_validator"},
                        {"functionCall": {"name": "track", "args": {"carrier": "DHL"}}}]},
                    {"role": "user", "parts": [
                        {"functionResponse": {"name": "lookup_order", "response": {"status": "shipped"}}},
                        {"functionResponse": {"name": "track", "response": {"error": "carrier timeout"}}}]},
                    {"role": "model", "parts": [{"text": "It shipped; tracking is down."}]},
                    {"role": "user", "parts": [{"text": "When will it arrive?"}]}
                ],
                "tools": [{"functionDeclarations": [
                    {"name": "lookup_order", "description": "Look up an order.",
                        "parametersJsonSchema": {"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]}},
                    {"name": "track", "parametersJsonSchema": {"type": "object", "properties": {}}}
                ]}]
            })
        );
    }

    #[test]
    fn a_single_prompt_is_one_user_message_in_every_format() {
        let q = ChatRequest::prompt("m-1", "hi", false);
        assert_eq!(
            body_of(WireFormat::OpenAiChat, &q),
            json!({"model": "m-1", "stream": false, "messages": [{"role": "user", "content": "hi"}]})
        );
        assert_eq!(
            body_of(WireFormat::Anthropic, &q),
            json!({"model": "m-1", "stream": false, "max_tokens": 1024,
                "messages": [{"role": "user", "content": "hi"}]})
        );
        assert_eq!(
            body_of(WireFormat::Gemini, &q),
            json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})
        );
    }
}
