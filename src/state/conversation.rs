//! The prompt box read as a conversation, and a conversation turned into a live-run request.
//!
//! - [`read_prompt_box`]: the box holds a prompt, or one chat request (OpenAI Chat Completions or
//!   Batch line, Anthropic Messages, ShareGPT; detected by the core), or something that looks
//!   like one but is broken (said why; the text is then routed as a prompt, nothing is lost).
//! - [`dropped_text`]: what a file dropped on the box puts in it (the first conversation of a
//!   JSONL file, with a note saying how many records it had).
//! - [`chat_request_parts`]: the core's conversation in the providers' own terms (system,
//!   messages with tool calls and results, images, tools), which `routeplay_providers` writes in
//!   each provider's wire format. Inline images are taken from the pasted JSON, since the core
//!   keeps only their media type.
//!
//! Plain functions, tested natively; the components only draw what they return.

use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::conversation::{
    read_conversation, route_turns, turn_costs, CacheModel, Conversation, Part, Role, TurnCost,
    TurnRoute,
};
use routeplay_core::conversation::{simulate_conversations, ConversationReport};
use routeplay_core::policy::{Metadata, Policy};
use routeplay_core::simulate::{ParsedSet, PromptRecord, RunConfig, TaskSource};
use routeplay_providers::chat::{Image, Message, Part as WirePart, ToolCall, ToolSpec};
use serde_json::{Map, Value};
use std::sync::Arc;

/// What the prompt box holds.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptInput {
    /// A prompt (plain text, or JSON that is not a chat request).
    Prompt,
    /// One chat request, read.
    Conversation(Box<PastedConversation>),
    /// A chat request that could not be read: the format it looks like and what is wrong.
    Broken {
        /// The detected format's name.
        format: &'static str,
        /// What is wrong (naming the field).
        error: String,
    },
}

/// A conversation read from the prompt box, with what a live run needs from the JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct PastedConversation {
    /// The conversation.
    pub conversation: Conversation,
    /// Inline (base64) images in the order they appear in the request, for live runs.
    pub inline_images: Vec<Image>,
}

impl PastedConversation {
    /// The record the core's per-turn routing reads (the text is the last user message).
    pub fn record(&self) -> PromptRecord {
        PromptRecord {
            id: Some(self.conversation.id.clone()),
            text: self.conversation.last_user_text(),
            label: None,
            metadata: Default::default(),
            outcomes: None,
            conversation: Some(Box::new(self.conversation.clone())),
        }
    }

    /// The text the signals panel and the single decision read: the last user message.
    pub fn routed_text(&self) -> String {
        self.conversation.last_user_text()
    }
}

/// The id a pasted conversation gets when the request names none.
pub const PASTED_ID: &str = "pasted";

/// Reads the prompt box. Only a text that is one JSON object (after trimming) can be a
/// conversation; anything else is a prompt, as before.
pub fn read_prompt_box(text: &str) -> PromptInput {
    let t = text.trim();
    if !(t.starts_with('{') && t.ends_with('}')) {
        return PromptInput::Prompt;
    }
    let Ok(obj) = serde_json::from_str::<Map<String, Value>>(t) else {
        return PromptInput::Prompt;
    };
    let format = routeplay_core::conversation::detect_format(&obj);
    match read_conversation(&obj) {
        None => PromptInput::Prompt,
        Some(Err(error)) => PromptInput::Broken {
            format: format.map(|f| f.label()).unwrap_or("chat request"),
            error,
        },
        Some(Ok(mut conversation)) => {
            if conversation.id.is_empty() {
                conversation.id = PASTED_ID.into();
            }
            PromptInput::Conversation(Box::new(PastedConversation {
                inline_images: inline_images(&obj),
                conversation,
            }))
        }
    }
}

/// What a dropped file puts in the prompt box: the text as is, unless it is a JSONL file of
/// several records, in which case its first record that is a conversation (or its first line)
/// and a sentence saying so.
pub fn dropped_text(name: &str, text: &str) -> (String, Option<String>) {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let all_json = lines.len() > 1
        && lines
            .iter()
            .all(|l| l.starts_with('{') && serde_json::from_str::<Value>(l).is_ok());
    if !all_json {
        return (text.to_string(), None);
    }
    let pick = lines
        .iter()
        .position(|l| matches!(read_prompt_box(l), PromptInput::Conversation(_)))
        .unwrap_or(0);
    let note = format!(
        "{name} holds {}: the prompt box shows record {} of them. Open the file in the Prompt set view to route every one.",
        routeplay_core::format::plural(lines.len(), "record"),
        pick + 1
    );
    (lines[pick].to_string(), Some(note))
}

/// The sample conversations the prompt view's "Sample conversation" button cycles through
/// (1-based lines of `public/samples/conversations.jsonl`): an agent run with a tool, a task
/// whose type changes, an Anthropic agent step, a support agent with a long system prompt, a
/// ShareGPT row, an image, a Batch line, a coding agent step, a failed tool, a data task.
pub const FEATURED_SAMPLES: [usize; 10] = [24, 13, 53, 27, 61, 42, 70, 25, 56, 15];

/// The `n`-th featured sample (cycling) from the samples file's text, with its line number.
pub fn featured_sample(samples: &str, n: usize) -> Option<(usize, String)> {
    let line = FEATURED_SAMPLES[n % FEATURED_SAMPLES.len()];
    samples
        .lines()
        .nth(line - 1)
        .map(|l| (line, l.trim().to_string()))
        .filter(|(_, l)| !l.is_empty())
}

/// Every inline (base64) image of a request, in order: OpenAI `image_url` data URLs and
/// Anthropic `base64` sources, in `messages` (or a Batch line's `body.messages`).
fn inline_images(obj: &Map<String, Value>) -> Vec<Image> {
    fn walk(v: &Value, out: &mut Vec<Image>) {
        match v {
            Value::Object(o) => {
                let url = match o.get("image_url") {
                    Some(Value::String(s)) => Some(s.as_str()),
                    Some(Value::Object(u)) => u.get("url").and_then(Value::as_str),
                    _ => None,
                };
                if let Some(u) = url.filter(|u| u.starts_with("data:")) {
                    if let i @ Image::Base64 { .. } = Image::from_url(u) {
                        out.push(i);
                    }
                    return;
                }
                if o.get("type").and_then(Value::as_str) == Some("image") {
                    if let Some(src) = o.get("source").and_then(Value::as_object) {
                        if src.get("type").and_then(Value::as_str) == Some("base64") {
                            out.push(Image::Base64 {
                                media_type: src
                                    .get("media_type")
                                    .and_then(Value::as_str)
                                    .unwrap_or("image/png")
                                    .to_string(),
                                data: src
                                    .get("data")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_string(),
                            });
                        }
                    }
                    return;
                }
                o.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let messages = obj
        .get("messages")
        .or_else(|| obj.get("body").and_then(|b| b.get("messages")));
    if let Some(m) = messages {
        walk(m, &mut out);
    }
    out
}

/// Every turn of a pasted conversation under the selected policies (see
/// [`routeplay_core::conversation::route_turns`]: each turn routed with the history before it,
/// sticky policies given their model so far), and each policy's cost per turn with the prompt
/// cache counted.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRoutes {
    /// The policy document ids, in the order of the decisions.
    pub policy_ids: Vec<String>,
    /// The turns, in order.
    pub turns: Vec<TurnRoute>,
    /// Per policy (same order), the cost of each turn.
    pub costs: Vec<Vec<TurnCost>>,
}

impl ConversationRoutes {
    /// Policy `p`'s total over the conversation: (USD, model switches, USD lost to cache misses).
    pub fn totals(&self, p: usize) -> (f64, usize, f64) {
        self.costs.get(p).map_or((0.0, 0, 0.0), |c| {
            (
                c.iter().map(|t| t.cost_usd).sum(),
                c.iter().filter(|t| t.switched).count(),
                c.iter().map(|t| t.cache_miss_usd).sum(),
            )
        })
    }

    /// The index of the turn that ends after message `len` messages (a prefix length), if one
    /// does: where the chat view draws that turn's decisions.
    pub fn turn_ending_at(&self, len: usize) -> Option<&TurnRoute> {
        self.turns.iter().find(|t| t.messages == len)
    }
}

/// Routes every turn of `p` under `policies` (document id, compiled policy).
pub fn route_conversation(
    p: &PastedConversation,
    policies: &[(String, Policy)],
    catalog: &Catalog,
    classifier: Option<Arc<Model>>,
    metadata: &Metadata,
) -> ConversationRoutes {
    let config = RunConfig {
        metadata: metadata.clone(),
        tasks: TaskSource {
            classifier,
            ..TaskSource::default()
        },
    };
    let compiled: Vec<Policy> = policies.iter().map(|(_, p)| p.clone()).collect();
    let turns = route_turns(&p.record(), &compiled, catalog, &config, true);
    let costs = (0..compiled.len())
        .map(|i| turn_costs(&turns, i, catalog, CacheModel::default()))
        .collect();
    ConversationRoutes {
        policy_ids: policies.iter().map(|(id, _)| id.clone()).collect(),
        turns,
        costs,
    }
}

/// A prompt set simulates turn by turn in the page up to this many conversations (the rest is
/// said, and the CLI's `simulate` runs any size).
pub const SET_CONVERSATIONS_MAX: usize = 500;

/// A prompt set's conversations simulated turn by turn (see
/// [`routeplay_core::conversation::simulate_conversations`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SetConversations {
    /// The report: per policy cost with the cache, switches, cache misses, agent steps.
    pub report: ConversationReport,
    /// Conversations in the set (records holding one).
    pub in_set: usize,
}

/// Simulates the records of `set` that hold a conversation (the first
/// [`SET_CONVERSATIONS_MAX`]); `None` when it holds none.
pub fn simulate_set_conversations(
    set: &ParsedSet,
    policies: &[Policy],
    catalog: &Catalog,
    classifier: Option<Arc<Model>>,
    metadata: &Metadata,
) -> Option<SetConversations> {
    let records: Vec<&PromptRecord> = set
        .prompts
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r.conversation.is_some())
        .collect();
    if records.is_empty() {
        return None;
    }
    let config = RunConfig {
        metadata: metadata.clone(),
        tasks: TaskSource {
            classifier,
            ..TaskSource::default()
        },
    };
    let report = simulate_conversations(
        records.iter().copied().take(SET_CONVERSATIONS_MAX),
        policies,
        catalog,
        &config,
        CacheModel::default(),
    );
    Some(SetConversations {
        report,
        in_set: records.len(),
    })
}

/// A request's system prompt, messages and tools in the providers' terms.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatParts {
    /// The system prompt, when there is one.
    pub system: Option<String>,
    /// The messages.
    pub messages: Vec<Message>,
    /// The tools offered.
    pub tools: Vec<ToolSpec>,
}

impl ChatParts {
    /// A single prompt: one user message.
    pub fn prompt(text: &str) -> ChatParts {
        ChatParts {
            messages: vec![Message::user(text)],
            ..ChatParts::default()
        }
    }
}

/// Arguments kept as the JSON they are, or as the text they are when not JSON.
fn arguments(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// The conversation as a live-run request. `inline_images` are the request's base64 images in
/// order ([`PastedConversation::inline_images`]); an inline image without its data (none given,
/// or fewer than the conversation holds) is sent as a short text saying an image was there.
pub fn chat_request_parts(conv: &Conversation, inline_images: &[Image]) -> ChatParts {
    let mut inline = inline_images.iter();
    let mut image = |source: &str| -> WirePart {
        if source.starts_with("http://") || source.starts_with("https://") {
            return WirePart::Image(Image::Url(source.to_string()));
        }
        match inline.next() {
            Some(i) => WirePart::Image(i.clone()),
            None => WirePart::Text(format!("[image: {source}]")),
        }
    };
    let mut messages = Vec::new();
    for m in &conv.messages {
        match m.role {
            Role::Assistant => {
                let mut text = String::new();
                let mut tool_calls = Vec::new();
                for p in &m.parts {
                    match p {
                        Part::Text { text: t } => {
                            if !text.is_empty() && !t.is_empty() {
                                text.push_str("\n\n");
                            }
                            text.push_str(t);
                        }
                        Part::ToolCall(c) => tool_calls.push(ToolCall {
                            id: c.id.clone(),
                            name: c.name.clone(),
                            arguments: arguments(&c.arguments),
                        }),
                        // An image or a tool result in an assistant turn has no wire form.
                        _ => {}
                    }
                }
                messages.push(Message::Assistant { text, tool_calls });
            }
            Role::User | Role::Tool => {
                // Tool results become their own messages; text and images around them stay
                // user content, in order.
                let mut pending: Vec<WirePart> = Vec::new();
                for p in &m.parts {
                    match p {
                        Part::Text { text } => pending.push(WirePart::Text(text.clone())),
                        Part::Image { source } => pending.push(image(source)),
                        Part::ToolResult {
                            call_id,
                            text,
                            is_error,
                        } => {
                            if !pending.is_empty() {
                                messages.push(Message::User(std::mem::take(&mut pending)));
                            }
                            messages.push(Message::ToolResult {
                                call_id: call_id.clone(),
                                name: String::new(),
                                content: text.clone(),
                                is_error: *is_error,
                            });
                        }
                        Part::ToolCall(_) => {}
                    }
                }
                if !pending.is_empty() {
                    messages.push(Message::User(pending));
                }
            }
        }
    }
    let tools = conv
        .tools
        .iter()
        .map(|t| ToolSpec {
            name: t.name.clone(),
            description: t.description.clone(),
            parameters: if t.schema.trim().is_empty() {
                Value::Null
            } else {
                arguments(&t.schema)
            },
        })
        .collect();
    ChatParts {
        system: (!conv.system.trim().is_empty()).then(|| conv.system.clone()),
        messages,
        tools,
    }
}

/// The live-run request for what the prompt box holds: the whole conversation when it is one,
/// else the text as one user message.
pub fn chat_parts_for(text: &str) -> ChatParts {
    match read_prompt_box(text) {
        PromptInput::Conversation(p) => chat_request_parts(&p.conversation, &p.inline_images),
        _ => ChatParts::prompt(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const AGENT: &str = r#"{"model": "gpt-5.4-mini",
        "messages": [
          {"role": "system", "content": "You are a weather bot."},
          {"role": "user", "content": [{"type": "text", "text": "Umbrella in Bergen?"},
                                       {"type": "image_url", "image_url": {"url": "data:image/png;base64,QUJD"}}]},
          {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Bergen\"}"}}]},
          {"role": "tool", "tool_call_id": "call_1", "content": "{\"rain_mm\": 14}"}
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city.",
                   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}"#;

    #[test]
    fn a_pasted_openai_body_is_a_conversation_and_goes_out_whole() {
        let PromptInput::Conversation(p) = read_prompt_box(AGENT) else {
            panic!("not read as a conversation")
        };
        assert_eq!(p.conversation.id, PASTED_ID);
        assert!(p.conversation.is_agent_step());
        assert_eq!(p.routed_text(), "Umbrella in Bergen?");
        let parts = chat_request_parts(&p.conversation, &p.inline_images);
        assert_eq!(parts.system.as_deref(), Some("You are a weather bot."));
        assert_eq!(
            parts.messages,
            vec![
                Message::User(vec![
                    WirePart::Text("Umbrella in Bergen?".into()),
                    WirePart::Image(Image::Base64 {
                        media_type: "image/png".into(),
                        data: "QUJD".into()
                    }),
                ]),
                Message::Assistant {
                    text: String::new(),
                    tool_calls: vec![ToolCall {
                        id: "call_1".into(),
                        name: "get_weather".into(),
                        arguments: json!({"city": "Bergen"}),
                    }],
                },
                Message::ToolResult {
                    call_id: "call_1".into(),
                    name: String::new(),
                    content: "{\"rain_mm\": 14}".into(),
                    is_error: false,
                },
            ]
        );
        assert_eq!(
            parts.tools,
            vec![ToolSpec {
                name: "get_weather".into(),
                description: "Weather for a city.".into(),
                parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}}),
            }]
        );
        // The record the per-turn routing reads carries the conversation.
        let r = p.record();
        assert_eq!(r.text, "Umbrella in Bergen?");
        assert!(r.conversation.is_some());
    }

    #[test]
    fn an_anthropic_body_with_tool_results_and_a_url_image_goes_out_whole() {
        let body = json!({"model": "claude-sonnet-4-6", "max_tokens": 100, "system": "Be brief.",
            "messages": [
              {"role": "user", "content": [{"type": "image", "source": {"type": "url", "url": "https://x.test/a.jpg"}},
                                           {"type": "text", "text": "What is this?"}]},
              {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "look", "input": {"q": 1}}]},
              {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "a cat", "is_error": true},
                                           {"type": "text", "text": "and now?"}]}
            ]})
        .to_string();
        let parts = chat_parts_for(&body);
        assert_eq!(parts.system.as_deref(), Some("Be brief."));
        assert_eq!(
            parts.messages[0],
            Message::User(vec![
                WirePart::Image(Image::Url("https://x.test/a.jpg".into())),
                WirePart::Text("What is this?".into()),
            ])
        );
        assert_eq!(
            parts.messages[2],
            Message::ToolResult {
                call_id: "t1".into(),
                name: String::new(),
                content: "a cat".into(),
                is_error: true
            }
        );
        assert_eq!(parts.messages[3], Message::user("and now?"));
    }

    #[test]
    fn plain_text_and_non_chat_json_stay_prompts_and_broken_requests_say_why() {
        assert_eq!(read_prompt_box("Plan a trip to Oslo"), PromptInput::Prompt);
        assert_eq!(read_prompt_box("{ not json at all }"), PromptInput::Prompt);
        assert_eq!(read_prompt_box(r#"{"text": "hello"}"#), PromptInput::Prompt);
        match read_prompt_box(r#"{"messages": [{"role": "wizard", "content": "hi"}]}"#) {
            PromptInput::Broken { format, error } => {
                assert_eq!(format, "OpenAI Chat Completions");
                assert!(error.contains("messages[0]"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        // A prompt is sent as one user message.
        assert_eq!(chat_parts_for("hi"), ChatParts::prompt("hi"));
    }

    #[test]
    fn an_inline_image_without_its_data_is_said_not_dropped() {
        let PromptInput::Conversation(p) = read_prompt_box(AGENT) else {
            panic!()
        };
        let parts = chat_request_parts(&p.conversation, &[]);
        assert_eq!(
            parts.messages[0],
            Message::User(vec![
                WirePart::Text("Umbrella in Bergen?".into()),
                WirePart::Text("[image: image/png]".into()),
            ])
        );
    }

    #[test]
    fn a_dropped_jsonl_file_puts_its_first_conversation_in_the_box() {
        let file = format!(
            "{{\"text\": \"just a prompt\"}}\n{}\n",
            AGENT.replace('\n', " ")
        );
        let (text, note) = dropped_text("logs.jsonl", &file);
        assert!(matches!(
            read_prompt_box(&text),
            PromptInput::Conversation(_)
        ));
        assert_eq!(
            note.as_deref(),
            Some("logs.jsonl holds 2 records: the prompt box shows record 2 of them. Open the file in the Prompt set view to route every one.")
        );
        // One JSON object, or any other text, goes in as it is.
        assert_eq!(dropped_text("a.json", AGENT), (AGENT.to_string(), None));
        assert_eq!(dropped_text("a.txt", "a\nb"), ("a\nb".to_string(), None));
    }

    #[test]
    fn the_sample_set_simulates_every_conversation_turn_by_turn() {
        use routeplay_core::simulate::{read_prompt_set, ReadOptions};
        let catalog = Catalog::from_json(routeplay_core::shipped::CATALOG).unwrap();
        let policy = |name: &str| {
            let src = routeplay_core::shipped::PRESETS
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap()
                .1;
            Policy::load(src, &catalog).unwrap().0
        };
        let set = read_prompt_set(
            include_str!("../../public/samples/conversations.jsonl"),
            &ReadOptions::default(),
        )
        .unwrap();
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        let policies = [policy("cost-saver"), policy("quality-first")];
        let s =
            simulate_set_conversations(&set, &policies, &catalog, None, &Metadata::new()).unwrap();
        assert_eq!((s.in_set, s.report.conversations), (75, 75));
        assert!(
            s.report.turns > 75,
            "multi-turn conversations route every turn"
        );
        assert_eq!(s.report.policies.len(), 2);
        assert!(s.report.policies.iter().all(|p| p.agent_steps >= 9));
        // A set of plain prompts holds no conversation.
        let prompts = read_prompt_set("one\ntwo\n", &ReadOptions::default()).unwrap();
        assert_eq!(
            simulate_set_conversations(&prompts, &policies, &catalog, None, &Metadata::new()),
            None
        );
    }

    #[test]
    fn featured_samples_are_conversations_of_every_format() {
        let samples = include_str!("../../public/samples/conversations.jsonl");
        let mut formats = std::collections::BTreeSet::new();
        for n in 0..FEATURED_SAMPLES.len() {
            let (line, text) = featured_sample(samples, n).unwrap();
            let PromptInput::Conversation(p) = read_prompt_box(&text) else {
                panic!("line {line} is not a conversation")
            };
            formats.insert(p.conversation.format.unwrap().label());
        }
        assert_eq!(formats.len(), 4, "{formats:?}");
        // It cycles.
        assert_eq!(featured_sample(samples, 0), featured_sample(samples, 10));
    }

    #[test]
    fn every_shipped_sample_conversation_reads_and_converts() {
        let samples = include_str!("../../public/samples/conversations.jsonl");
        let mut n = 0;
        for (i, line) in samples.lines().enumerate() {
            let PromptInput::Conversation(p) = read_prompt_box(line) else {
                panic!("line {}: not a conversation", i + 1)
            };
            let parts = chat_request_parts(&p.conversation, &p.inline_images);
            assert!(!parts.messages.is_empty(), "line {}", i + 1);
            // No inline image is lost: every one of the sample's images goes out as an image.
            let sent_images = parts
                .messages
                .iter()
                .map(|m| match m {
                    Message::User(ps) => ps
                        .iter()
                        .filter(|p| matches!(p, WirePart::Image(_)))
                        .count(),
                    _ => 0,
                })
                .sum::<usize>();
            let images: usize = p.conversation.messages.iter().map(|m| m.images()).sum();
            assert_eq!(sent_images, images, "line {}", i + 1);
            n += 1;
        }
        assert_eq!(n, 75);
    }
}
