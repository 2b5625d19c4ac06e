//! Turning responses into answer text, usage and errors: streamed (one SSE event at a time)
//! and non-streamed (one JSON body).

use crate::errors::{classify_stream_error, ErrorKind, ProviderError};
use crate::presets::WireFormat;
use crate::sse::{fmt_bytes, SseEvent, SseLimits, SseParser};
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

/// Why the provider says the answer ended, as it said it, with its meaning.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FinishReason {
    /// The provider's own word (`stop`, `length`, `end_turn`, `max_tokens`, `MAX_TOKENS`,
    /// `SAFETY`, …; a Gemini prompt block is `blockReason: SAFETY`).
    pub raw: String,
    /// What it means.
    pub kind: FinishKind,
}

/// The meaning of a finish reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishKind {
    /// A natural end (`stop`, `end_turn`, `stop_sequence`, `STOP`).
    Stop,
    /// Cut at the output token limit (`length`, `max_tokens`, `MAX_TOKENS`).
    Length,
    /// Withheld or stopped by a safety / content system (`content_filter`, `refusal`, `SAFETY`,
    /// `RECITATION`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`, a blocked prompt).
    ContentFilter,
    /// The model asked to call a tool (`tool_calls`, `tool_use`, …).
    ToolCall,
    /// Anything else (`pause_turn`, `OTHER`, `MALFORMED_FUNCTION_CALL`, unknown words).
    Other,
}

impl FinishReason {
    /// Classify a provider's finish word.
    pub fn from_raw(raw: &str) -> Self {
        let kind = match raw {
            "stop" | "end_turn" | "stop_sequence" | "STOP" => FinishKind::Stop,
            "length" | "max_tokens" | "MAX_TOKENS" | "model_context_window_exceeded" => {
                FinishKind::Length
            }
            "content_filter" | "refusal" | "SAFETY" | "RECITATION" | "BLOCKLIST"
            | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => FinishKind::ContentFilter,
            "tool_calls" | "function_call" | "tool_use" => FinishKind::ToolCall,
            _ => FinishKind::Other,
        };
        Self {
            raw: raw.to_string(),
            kind,
        }
    }

    /// A sentence for the user when the reason is worth telling (not for a natural end).
    pub fn user_message(&self, provider: &str) -> Option<String> {
        let raw = &self.raw;
        match self.kind {
            FinishKind::Stop | FinishKind::ToolCall => None,
            FinishKind::Length => Some(format!(
                "{provider} stopped at the output token limit ({raw}): the answer is cut short. Raise \"Max output tokens\" for more."
            )),
            FinishKind::ContentFilter => Some(format!(
                "{provider} stopped or withheld the answer for safety / content reasons ({raw})."
            )),
            FinishKind::Other => Some(format!("{provider} ended the answer with reason \"{raw}\".")),
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
    /// The provider said why the answer ended (OpenAI `finish_reason`, Anthropic
    /// `stop_reason`, Gemini `finishReason` / `promptFeedback.blockReason`).
    Finish(FinishReason),
    /// The provider reported an error inside the stream, or the stream broke a limit or ended
    /// early ([`ErrorKind::Incomplete`]). Always the last item: the decoder stops after it.
    Error(ProviderError),
    /// The provider's end marker (`[DONE]`, `message_stop`).
    Done,
}

/// Bounds on one streamed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// Per line / per event limits of the SSE parser.
    pub sse: SseLimits,
    /// Whole body, bytes.
    pub max_body_bytes: u64,
    /// Answer text, bytes (UTF-8).
    pub max_answer_bytes: usize,
}

impl Default for StreamLimits {
    /// 32 MiB of body and 4 MiB of answer text: an answer of 128k tokens is about 0.5 MiB of
    /// text and 25 MiB of OpenAI-style SSE, so only a broken or hostile server reaches these.
    fn default() -> Self {
        Self {
            sse: SseLimits::default(),
            max_body_bytes: 32 << 20,
            max_answer_bytes: 4 << 20,
        }
    }
}

/// Decodes a streamed body of one wire format: feed raw bytes, get items.
///
/// The answer counts as complete only when the provider said so: an end marker (`[DONE]`,
/// `message_stop`) or a finish reason. A body that ends without either yields an
/// [`ErrorKind::Incomplete`] error from [`StreamDecoder::finish`] (mid-stream when text was
/// seen: the text so far is a partial answer). Exceeding a [`StreamLimits`] bound yields an
/// [`ErrorKind::TooLarge`] error at once and the decoder ignores the rest of the body.
#[derive(Debug, Clone)]
pub struct StreamDecoder {
    format: WireFormat,
    sse: SseParser,
    limits: StreamLimits,
    body_bytes: u64,
    answer_bytes: usize,
    text_seen: bool,
    done: bool,
    finish: Option<FinishReason>,
    stopped: bool,
}

impl StreamDecoder {
    /// A decoder for `format` with the default [`StreamLimits`].
    pub fn new(format: WireFormat) -> Self {
        Self::with_limits(format, StreamLimits::default())
    }

    /// A decoder with the given limits.
    pub fn with_limits(format: WireFormat, limits: StreamLimits) -> Self {
        Self {
            format,
            sse: SseParser::with_limits(limits.sse),
            limits,
            body_bytes: 0,
            answer_bytes: 0,
            text_seen: false,
            done: false,
            finish: None,
            stopped: false,
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

    /// The finish reason, if the provider gave one.
    pub fn finish_reason(&self) -> Option<&FinishReason> {
        self.finish.as_ref()
    }

    /// Whether the provider said the answer is complete (end marker or finish reason).
    pub fn is_complete(&self) -> bool {
        self.done || self.finish.is_some()
    }

    /// Whether the decoder stopped on an error (in-stream error, limit); later input is ignored.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Bytes of body consumed so far.
    pub fn body_bytes(&self) -> u64 {
        self.body_bytes
    }

    /// Feed a chunk of the body.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<StreamItem> {
        if self.stopped {
            return Vec::new();
        }
        let room = self.limits.max_body_bytes.saturating_sub(self.body_bytes);
        let over = chunk.len() as u64 > room;
        let chunk = if over { &chunk[..room as usize] } else { chunk };
        self.body_bytes += chunk.len() as u64;
        let events = self.sse.push(chunk);
        let mut out = self.handle(events);
        if !self.stopped {
            if let Some(e) = self.sse.error() {
                out.push(self.stop_too_large(e.to_string()));
            } else if over {
                let what = format!(
                    "the stream was longer than {}",
                    fmt_bytes(self.limits.max_body_bytes as usize)
                );
                out.push(self.stop_too_large(what));
            }
        }
        out
    }

    /// The body ended. Without an end marker or finish reason this yields
    /// [`ErrorKind::Incomplete`].
    pub fn finish(&mut self) -> Vec<StreamItem> {
        if self.stopped {
            return Vec::new();
        }
        let events = self.sse.finish();
        let mut out = self.handle(events);
        if !self.stopped && !self.is_complete() {
            let mut e = ProviderError::new(ErrorKind::Incomplete);
            e.mid_stream = self.text_seen;
            self.stopped = true;
            out.push(StreamItem::Error(e));
        }
        out
    }

    fn stop_too_large(&mut self, what: String) -> StreamItem {
        self.stopped = true;
        let mut e = ProviderError::new(ErrorKind::TooLarge);
        e.detail = Some(what);
        e.mid_stream = self.text_seen;
        StreamItem::Error(e)
    }

    fn handle(&mut self, events: Vec<SseEvent>) -> Vec<StreamItem> {
        let mut out = Vec::new();
        for ev in events {
            let items = decode_event(self.format, &ev, self.text_seen);
            for it in items {
                match &it {
                    StreamItem::Delta(t) if t.is_empty() => continue,
                    StreamItem::Delta(t) => {
                        if self.answer_bytes + t.len() > self.limits.max_answer_bytes {
                            // Keep what fits (on a character boundary), then stop.
                            let room = self.limits.max_answer_bytes - self.answer_bytes;
                            let mut cut = room.min(t.len());
                            while !t.is_char_boundary(cut) {
                                cut -= 1;
                            }
                            if cut > 0 {
                                self.answer_bytes += cut;
                                self.text_seen = true;
                                out.push(StreamItem::Delta(t[..cut].to_string()));
                            }
                            let what = format!(
                                "the answer was longer than {}",
                                fmt_bytes(self.limits.max_answer_bytes)
                            );
                            out.push(self.stop_too_large(what));
                            return out;
                        }
                        self.answer_bytes += t.len();
                        self.text_seen = true;
                    }
                    StreamItem::Done => self.done = true,
                    StreamItem::Finish(f) => {
                        // The first non-empty reason wins (OpenAI-compatible servers repeat it).
                        if self.finish.is_none() {
                            self.finish = Some(f.clone());
                        }
                    }
                    StreamItem::Error(_) => {
                        self.stopped = true;
                        out.push(it);
                        return out;
                    }
                    StreamItem::Usage(_) => {}
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
            if let Some(f) = v
                .pointer("/choices/0/finish_reason")
                .and_then(Value::as_str)
                .filter(|f| !f.is_empty())
            {
                out.push(StreamItem::Finish(FinishReason::from_raw(f)));
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
                    if let Some(f) = v
                        .pointer("/delta/stop_reason")
                        .and_then(Value::as_str)
                        .filter(|f| !f.is_empty())
                    {
                        out.push(StreamItem::Finish(FinishReason::from_raw(f)));
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
            if let Some(f) = gemini_finish(&v) {
                out.push(StreamItem::Finish(f));
            }
        }
    }
    out
}

/// `candidates[0].finishReason`, or a blocked prompt (`promptFeedback.blockReason`, sent with no
/// candidates at all).
fn gemini_finish(v: &Value) -> Option<FinishReason> {
    if let Some(f) = v
        .pointer("/candidates/0/finishReason")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty() && *f != "FINISH_REASON_UNSPECIFIED")
    {
        return Some(FinishReason::from_raw(f));
    }
    let block = v
        .pointer("/promptFeedback/blockReason")
        .and_then(Value::as_str)
        .filter(|b| !b.is_empty() && *b != "BLOCK_REASON_UNSPECIFIED")?;
    Some(FinishReason {
        raw: format!("blockReason: {block}"),
        kind: FinishKind::ContentFilter,
    })
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
    /// Why the answer ended, when reported.
    pub finish: Option<FinishReason>,
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
            let finish = v
                .pointer("/choices/0/finish_reason")
                .and_then(Value::as_str)
                .filter(|f| !f.is_empty())
                .map(FinishReason::from_raw);
            Ok(FullResponse {
                text,
                usage,
                finish,
            })
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
                finish: v
                    .get("stop_reason")
                    .and_then(Value::as_str)
                    .filter(|f| !f.is_empty())
                    .map(FinishReason::from_raw),
            })
        }
        WireFormat::Gemini => Ok(FullResponse {
            text: gemini_text(&v),
            usage: v.get("usageMetadata").map(gemini_usage).unwrap_or_default(),
            finish: gemini_finish(&v),
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
