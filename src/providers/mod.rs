//! Live runs against real providers with the user's own keys.
//!
//! The wire formats, SSE parsing, error classes and fallback rules live in the pure
//! `routeplay-providers` crate (tested natively); this module only does the browser I/O
//! (`fetch`, reading the body stream, `AbortController`) and keeps keys.
// Unused until the lead mounts `LivePanel` in app.rs; drop this allow then.
#![allow(dead_code)]

pub mod client;
pub mod keys;

pub use routeplay_providers::plan::{PlannedModel, RoutePlan};
