//! Routeplay's pure core.
//!
//! Everything that decides how a prompt is routed lives here and nowhere else, so that the
//! browser app and the `routeplay` CLI give the same answers:
//!
//! - [`classifier`]: the task-type and complexity model (features, file format, training, metrics).
//! - [`embed`]: the options an embed URL's fragment carries (policies, theme, prompt, read-only).
//! - [`format`]: money, signed differences and counts as people read them (app and CLI alike).
//! - [`signals`]: cheap, deterministic facts about a prompt (size, tokens, code, language, PII).
//! - [`catalog`]: the models, their prices, speeds and quality estimates, each figure sourced.
//! - [`policy`]: routing policies (TOML + CEL conditions): parse, check, decide with a trace.
//! - [`share`]: share links: the experiment state in a URL fragment (encode, decode, limits).
//! - [`shipped`]: the catalog, presets, samples and model the app ships, embedded.
//! - [`export`]: a policy as Portkey, LiteLLM, vLLM-SR, Bifrost and OpenRouter configs, with a fidelity report.
//! - [`import`]: Portkey and LiteLLM configs as Routeplay policies, with a report.
//! - [`simulate`]: a prompt set under several policies: totals, shares, diff, rule coverage.
//! - [`audit`]: neutrality audit of a policy for a house: steered prompts, premium, quality given up.
//!
//! The crate has no web, clock, file or network dependencies: it compiles unchanged for the
//! host and for `wasm32-unknown-unknown`. Callers measure time and do I/O themselves.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod catalog;
pub mod classifier;
pub mod embed;
pub mod export;
pub mod format;
pub mod import;
pub mod policy;
pub mod share;
pub mod shipped;
pub mod signals;
pub mod simulate;
