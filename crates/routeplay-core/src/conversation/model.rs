//! The data model of a conversation: what every input format is read into.

use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person (or the calling application) asking.
    User,
    /// The model's earlier answers, including its tool calls.
    Assistant,
    /// The result of a tool the assistant called.
    Tool,
}

impl Role {
    /// `"user"`, `"assistant"` or `"tool"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// A tool call the assistant made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The call's id, which the tool result names (`""` when the format gives none).
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments as JSON text (OpenAI sends a string; Anthropic an object, written out).
    pub arguments: String,
}

/// One piece of a message's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image: counted as present, never read as text.
    Image {
        /// Where the image came from: a URL, or the media type of inline data
        /// (`"image/png"`); never the data itself.
        source: String,
    },
    /// A tool call made by the assistant.
    ToolCall(ToolCall),
    /// The result of a tool call.
    ToolResult {
        /// The id of the call it answers (`""` when the format gives none).
        call_id: String,
        /// The result's text (images in a result are counted, not kept).
        text: String,
        /// Whether the tool reported an error.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
    },
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// Its content, in order.
    pub parts: Vec<Part>,
}

impl Message {
    /// A message holding one text part.
    pub fn text(role: Role, text: impl Into<String>) -> Message {
        Message {
            role,
            parts: vec![Part::Text { text: text.into() }],
        }
    }

    /// The text of the message as a model reads it: text parts and tool results joined by
    /// blank lines, tool calls as `name(arguments)`; images left out.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            let piece: std::borrow::Cow<'_, str> = match p {
                Part::Text { text } => text.into(),
                Part::ToolResult { text, .. } => text.into(),
                Part::ToolCall(c) => format!("{}({})", c.name, c.arguments).into(),
                Part::Image { .. } => continue,
            };
            if piece.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&piece);
        }
        out
    }

    /// How many images the message holds.
    pub fn images(&self) -> usize {
        self.parts
            .iter()
            .filter(|p| matches!(p, Part::Image { .. }))
            .count()
    }

    /// Whether the message is (or holds) a tool result.
    pub fn is_tool_result(&self) -> bool {
        self.role == Role::Tool
            || self
                .parts
                .iter()
                .any(|p| matches!(p, Part::ToolResult { .. }))
    }

    /// The tool calls the message makes.
    pub fn tool_calls(&self) -> impl Iterator<Item = &ToolCall> {
        self.parts.iter().filter_map(|p| match p {
            Part::ToolCall(c) => Some(c),
            _ => None,
        })
    }
}

/// A tool offered to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Its name.
    pub name: String,
    /// Its description (`""` when none).
    #[serde(default)]
    pub description: String,
    /// Its parameter schema as JSON text (`""` when none); counted in the context tokens.
    #[serde(default)]
    pub schema: String,
}

/// The input formats a conversation can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// An OpenAI Chat Completions request body (`messages`, `tools`, `model`, …).
    OpenAiChat,
    /// A line of an OpenAI Batch API input file (`custom_id`, `body` holding a chat request).
    OpenAiBatch,
    /// An Anthropic Messages request body (`system`, `messages` with content blocks, `tools`).
    AnthropicMessages,
    /// ShareGPT-style (`conversations: [{from, value}]`).
    ShareGpt,
    /// A single prompt, as a prompt set holds it (JSONL `text`, a CSV row, a plain line).
    Prompt,
}

impl SourceFormat {
    /// A short name for people.
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::OpenAiChat => "OpenAI Chat Completions",
            SourceFormat::OpenAiBatch => "OpenAI Batch API",
            SourceFormat::AnthropicMessages => "Anthropic Messages",
            SourceFormat::ShareGpt => "ShareGPT",
            SourceFormat::Prompt => "prompt",
        }
    }
}

/// A conversation as a router sees it: the request's system prompt, its messages so far and
/// the tools it offers. A single prompt is a conversation of one user message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Conversation {
    /// An id: the record's own (`id`, `custom_id`) or `line-N`.
    #[serde(default)]
    pub id: String,
    /// The system prompt (`""` when none; several system messages are joined by blank lines).
    #[serde(default)]
    pub system: String,
    /// The messages in order.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// The tools offered.
    #[serde(default)]
    pub tools: Vec<Tool>,
    /// The model the request named, if any (`model`); informational only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The format it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SourceFormat>,
}

impl Conversation {
    /// A one-turn conversation: a single user message.
    pub fn from_prompt(id: impl Into<String>, text: impl Into<String>) -> Conversation {
        Conversation {
            id: id.into(),
            messages: vec![Message::text(Role::User, text)],
            format: Some(SourceFormat::Prompt),
            ..Conversation::default()
        }
    }

    /// The index of the last user message (with text), if any.
    pub fn last_user_index(&self) -> Option<usize> {
        self.messages.iter().rposition(|m| {
            m.role == Role::User && m.parts.iter().any(|p| matches!(p, Part::Text { .. }))
        })
    }

    /// The text of the last user message: what the classifier reads as "this turn's task"
    /// (`""` when there is none).
    pub fn last_user_text(&self) -> String {
        self.last_user_index()
            .map(|i| self.messages[i].plain_text())
            .unwrap_or_default()
    }

    /// Whether the request is an agent step: its last message is a tool result (the model
    /// is asked to go on after a tool ran, not to answer a person).
    pub fn is_agent_step(&self) -> bool {
        self.messages.last().is_some_and(Message::is_tool_result)
    }

    /// The points where the model is asked to answer: after each user message or tool result
    /// that is followed by an assistant message, or ends the conversation. Each is given as the
    /// number of messages the request at that point holds (a prefix length), in order.
    pub fn turn_ends(&self) -> Vec<usize> {
        let n = self.messages.len();
        (0..n)
            .filter(|&i| {
                self.messages[i].role != Role::Assistant
                    && (i + 1 == n || self.messages[i + 1].role == Role::Assistant)
            })
            .map(|i| i + 1)
            .collect()
    }

    /// The request at one point of the conversation: the system prompt, the tools and the first
    /// `len` messages.
    pub fn prefix(&self, len: usize) -> Conversation {
        Conversation {
            id: self.id.clone(),
            system: self.system.clone(),
            messages: self.messages[..len.min(self.messages.len())].to_vec(),
            tools: self.tools.clone(),
            model: self.model.clone(),
            format: self.format,
        }
    }

    /// The text of the whole conversation as the classifier reads it for "the conversation as a
    /// whole": every user message's text, in order, joined by blank lines (not the system
    /// prompt, the assistant's answers or tool output, which describe the model and its tools
    /// rather than the person's task).
    pub fn user_text(&self) -> String {
        let mut out = String::new();
        for m in &self.messages {
            if m.role == Role::User {
                let t = m.plain_text();
                if t.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&t);
            }
        }
        out
    }
}
