//! Turning responses into answer text, usage and errors: streamed (one SSE event at a time)
//! and non-streamed (one JSON body).

use crate::errors::{classify_stream_error, ErrorKind, ProviderError};
use crate::presets::WireFormat;
use crate::sse::{SseEvent, SseParser};
use crate::wire::json_or_null;
use serde_json::Value;

/// Token counts reported by the provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    /// Input (prompt) tokens.
    pub input_tokens: Option<u64>,
    /// Output (completion) tokens.
    pub output_tokens: Option<u64>,
}

impl Usage {
    /// Overwrite fields that `newer` reports (Anthropic's `message_delta` output count is
    /// cumulative, Gemini repeats the full counts in every chunk).
    pub fn merge(&mut self, newer: Usage) {
        if newer.input_tokens.is_some() {
            self.input_tokens = newer.input_tokens;
        }
        if newer.output_tokens.is_some() {
            self.output_tokens = newer.output_tokens;
        }
    }
}

/// One thing learned from the stream.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    /// More answer text.
    Delta(String),
    /// Token counts (merge with [`Usage::merge`]).
    Usage(Usage),
    /// The provider reported an error inside the stream.
    Error(ProviderError),
    /// The provider said the answer is complete (`[DONE]`, `message_stop`).
    Done,
}

/// Decodes a streamed body of one wire format: feed raw bytes, get items.
#[derive(Debug, Clone)]
pub struct StreamDecoder {
    format: WireFormat,
    sse: SseParser,
    text_seen: bool,
    done: bool,
}

impl StreamDecoder {
    /// A decoder for `format`.
    pub fn new(format: WireFormat) -> Self {
        Self {
            format,
            sse: SseParser::new(),
            text_seen: false,
            done: false,
        }
    }

    /// Whether any answer text has been produced.
    pub fn text_seen(&self) -> bool {
        self.text_seen
    }

    /// Whether an explicit end marker was seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Feed a chunk of the body.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<StreamItem> {
        let events = self.sse.push(chunk);
        self.handle(events)
    }

    /// The body ended. Gemini has no end marker, so a clean end counts as done there.
    pub fn finish(&mut self) -> Vec<StreamItem> {
        let events = self.sse.finish();
        let mut out = self.handle(events);
        if !self.done && self.format == WireFormat::Gemini {
            self.done = true;
            out.push(StreamItem::Done);
        }
        out
    }

    fn handle(&mut self, events: Vec<SseEvent>) -> Vec<StreamItem> {
        let mut out = Vec::new();
        for ev in events {
            let items = decode_event(self.format, &ev, self.text_seen);
            for it in items {
                match &it {
                    StreamItem::Delta(t) if t.is_empty() => continue,
                    StreamItem::Delta(_) => self.text_seen = true,
                    StreamItem::Done => self.done = true,
                    _ => {}
                }
                out.push(it);
            }
        }
        out
    }
}

/// Decode one SSE event of `format`. `text_seen` marks errors as mid-stream.
pub fn decode_event(format: WireFormat, ev: &SseEvent, text_seen: bool) -> Vec<StreamItem> {
    let mut out = Vec::new();
    let data = ev.data.trim();
    if format == WireFormat::OpenAiChat && data == "[DONE]" {
        out.push(StreamItem::Done);
        return out;
    }
    let v = json_or_null(data);
    if v.is_null() {
        if ev.event == "error" {
            let mut e = ProviderError::new(ErrorKind::ServerError);
            e.mid_stream = text_seen;
            out.push(StreamItem::Error(e));
        }
        return out;
    }
    match format {
        WireFormat::OpenAiChat => {
            if v.get("error").is_some_and(|e| !e.is_null()) {
                out.push(StreamItem::Error(classify_stream_error(&v, text_seen)));
                return out;
            }
            if let Some(t) = v
                .pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
            {
                out.push(StreamItem::Delta(t.to_string()));
            }
            for u in [v.get("usage"), v.pointer("/x_groq/usage")]
                .into_iter()
                .flatten()
            {
                if u.is_object() {
                    out.push(StreamItem::Usage(openai_usage(u)));
                }
            }
        }
        WireFormat::Anthropic => {
            let name = if ev.event == "message" {
                v.get("type").and_then(Value::as_str).unwrap_or("")
            } else {
                ev.event.as_str()
            };
            match name {
                "message_start" => {
                    if let Some(u) = v.pointer("/message/usage") {
                        out.push(StreamItem::Usage(anthropic_usage(u)));
                    }
                }
                "content_block_delta"
                    if v.pointer("/delta/type").and_then(Value::as_str) == Some("text_delta") =>
                {
                    if let Some(t) = v.pointer("/delta/text").and_then(Value::as_str) {
                        out.push(StreamItem::Delta(t.to_string()));
                    }
                }
                "message_delta" => {
                    if let Some(u) = v.get("usage") {
                        out.push(StreamItem::Usage(anthropic_usage(u)));
                    }
                }
                "message_stop" => out.push(StreamItem::Done),
                "error" => out.push(StreamItem::Error(classify_stream_error(&v, text_seen))),
                _ => {}
            }
        }
        WireFormat::Gemini => {
            if v.get("error").is_some_and(|e| !e.is_null()) {
                out.push(StreamItem::Error(classify_stream_error(&v, text_seen)));
                return out;
            }
            let t = gemini_text(&v);
            if !t.is_empty() {
                out.push(StreamItem::Delta(t));
            }
            if let Some(u) = v.get("usageMetadata") {
                out.push(StreamItem::Usage(gemini_usage(u)));
            }
        }
    }
    out
}

fn u(v: &Value, k: &str) -> Option<u64> {
    v.get(k).and_then(Value::as_u64)
}

fn openai_usage(v: &Value) -> Usage {
    Usage {
        input_tokens: u(v, "prompt_tokens"),
        output_tokens: u(v, "completion_tokens"),
    }
}

fn anthropic_usage(v: &Value) -> Usage {
    // Cache reads/writes are input too.
    let input = u(v, "input_tokens").map(|i| {
        i + u(v, "cache_read_input_tokens").unwrap_or(0)
            + u(v, "cache_creation_input_tokens").unwrap_or(0)
    });
    Usage {
        input_tokens: input,
        output_tokens: u(v, "output_tokens"),
    }
}

fn gemini_usage(v: &Value) -> Usage {
    let out = u(v, "candidatesTokenCount").map(|c| c + u(v, "thoughtsTokenCount").unwrap_or(0));
    Usage {
        input_tokens: u(v, "promptTokenCount"),
        output_tokens: out,
    }
}

fn gemini_text(v: &Value) -> String {
    let mut s = String::new();
    if let Some(parts) = v
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array)
    {
        for p in parts {
            if p.get("thought").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            if let Some(t) = p.get("text").and_then(Value::as_str) {
                s.push_str(t);
            }
        }
    }
    s
}

/// A complete (non-streamed) answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FullResponse {
    /// Answer text.
    pub text: String,
    /// Token counts, when reported.
    pub usage: Usage,
}

/// Read a non-streamed 2xx body. OpenRouter-style `error` objects under 200 become errors.
pub fn parse_full_response(format: WireFormat, body: &str) -> Result<FullResponse, ProviderError> {
    let v: Value =
        serde_json::from_str(body).map_err(|_| ProviderError::new(ErrorKind::BadResponse))?;
    if v.get("error").is_some_and(|e| !e.is_null())
        || v.get("type").and_then(Value::as_str) == Some("error")
    {
        return Err(classify_stream_error(&v, false));
    }
    match format {
        WireFormat::OpenAiChat => {
            let text = v
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mut usage = v.get("usage").map(openai_usage).unwrap_or_default();
            if let Some(g) = v.pointer("/x_groq/usage") {
                usage.merge(openai_usage(g));
            }
            Ok(FullResponse { text, usage })
        }
        WireFormat::Anthropic => {
            let text = v
                .get("content")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                        .filter_map(|b| b.get("text").and_then(Value::as_str))
                        .collect::<String>()
                })
                .unwrap_or_default();
            Ok(FullResponse {
                text,
                usage: v.get("usage").map(anthropic_usage).unwrap_or_default(),
            })
        }
        WireFormat::Gemini => Ok(FullResponse {
            text: gemini_text(&v),
            usage: v.get("usageMetadata").map(gemini_usage).unwrap_or_default(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_responses() {
        let r = parse_full_response(WireFormat::OpenAiChat, r#"{"choices":[{"message":{"role":"assistant","content":"Hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#).unwrap();
        assert_eq!(
            (r.text.as_str(), r.usage.input_tokens, r.usage.output_tokens),
            ("Hi", Some(3), Some(1))
        );
        let r = parse_full_response(WireFormat::Anthropic, r#"{"content":[{"type":"text","text":"A"},{"type":"text","text":"B"}],"usage":{"input_tokens":5,"output_tokens":2}}"#).unwrap();
        assert_eq!(r.text, "AB");
        let r = parse_full_response(WireFormat::Gemini, r#"{"candidates":[{"content":{"parts":[{"text":"thinking","thought":true},{"text":"G"}]}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}}"#).unwrap();
        assert_eq!((r.text.as_str(), r.usage.input_tokens), ("G", Some(4)));
        assert_eq!(
            parse_full_response(
                WireFormat::OpenAiChat,
                r#"{"error":{"code":402,"message":"no credits"}}"#
            )
            .unwrap_err()
            .kind,
            ErrorKind::OutOfQuota
        );
    }
}
