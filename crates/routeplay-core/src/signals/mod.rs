//! Cheap prompt signals: computed in microseconds, with no model.
//!
//! Each signal has its own submodule; [`CheapSignals::compute`] gathers them. A new signal goes in
//! a new file here plus one field on [`CheapSignals`].

mod code;
mod language;
mod pii;
mod task;
mod tokens;

pub use code::detect_code;
pub use language::{detect_language, Language, LANGUAGE_SAMPLE_BYTES};
pub use pii::{detect_pii, PiiKind};
pub use task::{PromptSignals, TaskPrediction};
pub use tokens::estimate_tokens;

use serde::{Deserialize, Serialize};

/// The cheap, model-free signals of one prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheapSignals {
    /// Unicode scalar values in the prompt.
    pub chars: usize,
    /// UTF-8 bytes in the prompt.
    pub bytes: usize,
    /// Whitespace-separated words.
    pub words: usize,
    /// Lines (a prompt without a newline has one line; an empty prompt has zero).
    pub lines: usize,
    /// Estimated tokens for a typical BPE tokenizer (see [`estimate_tokens`]).
    pub tokens: usize,
    /// Whether the prompt contains source code (a fence or code-like lines).
    pub has_code: bool,
    /// The detected natural language, if the text is long enough to tell.
    pub language: Option<Language>,
    /// Kinds of personal data found (emails, phone numbers, card numbers, ...).
    pub pii: Vec<PiiKind>,
}

impl CheapSignals {
    /// Computes every cheap signal of `text`. Linear in the text's length; language detection
    /// looks only at the first [`LANGUAGE_SAMPLE_BYTES`] bytes, so a 1 MB prompt stays fast.
    pub fn compute(text: &str) -> Self {
        let chars = text.chars().count();
        let words = text.split_whitespace().count();
        let lines = if text.is_empty() {
            0
        } else {
            text.lines().count().max(1)
        };
        CheapSignals {
            chars,
            bytes: text.len(),
            words,
            lines,
            tokens: estimate_tokens(text),
            has_code: detect_code(text),
            language: detect_language(text),
            pii: detect_pii(text),
        }
    }

    /// Whether any personal data was found.
    pub fn has_pii(&self) -> bool {
        !self.pii.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_prompt_has_zero_everything() {
        let s = CheapSignals::compute("");
        assert_eq!(
            (s.chars, s.bytes, s.words, s.lines, s.tokens),
            (0, 0, 0, 0, 0)
        );
        assert!(!s.has_code);
        assert!(s.language.is_none());
        assert!(!s.has_pii());
    }

    #[test]
    fn counts_a_simple_prompt() {
        let s = CheapSignals::compute(
            "Plan a three-day trip to Lisbon for two people.\nBudget: 900 EUR.",
        );
        assert_eq!(s.lines, 2);
        assert_eq!(s.words, 12);
        assert_eq!(s.chars, 64);
        assert!(!s.has_code);
        assert_eq!(s.language.as_ref().map(|l| l.code.as_str()), Some("eng"));
    }

    #[test]
    fn signals_serialize_to_json() {
        let s = CheapSignals::compute("Write a Python function that reverses a list.");
        let v = serde_json::to_value(&s).unwrap();
        assert!(v["tokens"].as_u64().unwrap() > 5);
        assert_eq!(v["language"]["code"], "eng");
    }
}
