//! Routeplay's provider layer, pure: everything needed to call an LLM provider from a browser
//! except the I/O itself.
//!
//! - [`sse`]: incremental Server-Sent Events parser (bytes in, events out), bounded per line
//!   and per event.
//! - [`presets`]: known providers (OpenAI, Anthropic, Gemini, OpenAI-compatible presets, local
//!   servers) and those a page cannot call.
//! - [`chat`]: a whole conversation (system, turns, tool calls and results, images, tools) and
//!   its messages in each wire format.
//! - [`wire`]: request building (URL, headers, JSON body) per wire format; keys only in headers.
//! - [`decode`]: stream events and non-streamed bodies → text, usage, finish reasons, errors;
//!   an answer is complete only when the provider says so; body and answer size caps.
//! - [`errors`]: error kinds in user words, retry-after, and the fallback decision.
//! - [`hosts`]: key ↔ origin binding, checked before every request.
//! - [`plan`]: the route plan the app runs, the fallback chain's steps, costs, tokens, JSONL
//!   history.
//!
//! No web, clock or network dependencies: compiles for the host and `wasm32-unknown-unknown`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod chat;
pub mod decode;
pub mod errors;
pub mod hosts;
pub mod plan;
pub mod presets;
pub mod sse;
pub mod wire;

pub use chat::{Image, Message, Part, ToolCall, ToolSpec};
pub use decode::{FinishKind, FinishReason, StreamDecoder, StreamItem, StreamLimits, Usage};
pub use errors::{should_fall_back, ErrorKind, ProviderError};
pub use plan::{PlannedModel, RoutePlan, RunRecord};
pub use presets::{preset, Preset, WireFormat, PRESETS};
pub use wire::{build_request, ChatRequest, Endpoint, HttpRequest};
