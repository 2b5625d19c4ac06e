//! Cheap prompt signals: computed in microseconds, with no model.
//!
//! Each signal has its own submodule; [`CheapSignals::compute`] gathers them. A new signal goes in
//! a new file here plus one field on [`CheapSignals`].

mod code;
mod language;
mod pii;
#[cfg(test)]
pub(crate) mod reference;
mod task;
#[cfg(test)]
pub(crate) mod test_texts;
mod tokens;

pub use code::{detect_code, is_code_line};
pub use language::{
    detect_language, language_verdict, Language, LANGUAGE_MIN_CONFIDENCE, LANGUAGE_MIN_LETTERS,
    LANGUAGE_SAMPLE_BYTES,
};
pub use pii::{detect_pii, PiiKind};
pub use task::{PromptSignals, TaskPrediction, COMPLEXITY_MIN_WORDS, UNCERTAIN_BELOW};
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
        Self::compute_timed(text, || 0.0).0
    }

    /// Like [`CheapSignals::compute`], also timing each signal with the caller's clock `now`
    /// (milliseconds; the core has no clock of its own, so the browser passes
    /// `performance.now()` and native callers `Instant`). Returns the signals and, per signal
    /// name, the milliseconds it took.
    pub fn compute_timed(text: &str, now: impl FnMut() -> f64) -> (Self, Vec<(&'static str, f64)>) {
        Self::compute_parts(text, true, now)
    }

    /// Like [`CheapSignals::compute`], except that language detection (by far the costliest
    /// cheap signal) is skipped, leaving `language: None`, when `language` is false. A prompt
    /// set run passes whether any of its policies reads the language.
    pub fn compute_with_language(text: &str, language: bool) -> Self {
        Self::compute_parts(text, language, || 0.0).0
    }

    fn compute_parts(
        text: &str,
        with_language: bool,
        mut now: impl FnMut() -> f64,
    ) -> (Self, Vec<(&'static str, f64)>) {
        let mut timings = Vec::with_capacity(4);
        let mut lap = |name: &'static str, t0: f64, now: &mut dyn FnMut() -> f64| {
            let t1 = now();
            timings.push((name, (t1 - t0).max(0.0)));
            t1
        };
        let t = now();
        // Chars, words and tokens come from one pass (see `tokens::text_counts`), timed as one.
        let tokens::TextCounts {
            chars,
            words,
            tokens,
        } = tokens::text_counts(text);
        let lines = if text.is_empty() {
            0
        } else {
            text.lines().count().max(1)
        };
        let t = lap("size and tokens", t, &mut now);
        let has_code = detect_code(text);
        let t = lap("code", t, &mut now);
        let language = if with_language {
            detect_language(text)
        } else {
            None
        };
        let t = lap("language", t, &mut now);
        let pii = detect_pii(text);
        lap("pii", t, &mut now);
        let signals = CheapSignals {
            chars,
            bytes: text.len(),
            words,
            lines,
            tokens,
            has_code,
            language,
            pii,
        };
        (signals, timings)
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
    fn timed_compute_reports_each_signal_and_matches() {
        let mut clock = 0.0;
        let text = "Email me at a@b.io about the 3-day plan.";
        let (s, t) = CheapSignals::compute_timed(text, || {
            clock += 1.0;
            clock
        });
        assert_eq!(s, CheapSignals::compute(text));
        let names: Vec<_> = t.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["size and tokens", "code", "language", "pii"]);
        assert!(t.iter().all(|(_, ms)| *ms == 1.0));
    }

    #[test]
    fn without_language_only_the_language_is_left_out() {
        for (_, r) in crate::simulate::parse_prompt_set(crate::shipped::SAMPLES).prompts {
            let full = CheapSignals::compute(&r.text);
            assert_eq!(CheapSignals::compute_with_language(&r.text, true), full);
            let lean = CheapSignals::compute_with_language(&r.text, false);
            assert_eq!(lean.language, None);
            assert_eq!(
                CheapSignals {
                    language: full.language.clone(),
                    ..lean
                },
                full
            );
        }
    }

    #[test]
    fn signals_serialize_to_json() {
        let s = CheapSignals::compute("Write a Python function that reverses a list.");
        let v = serde_json::to_value(&s).unwrap();
        assert!(v["tokens"].as_u64().unwrap() > 5);
        assert_eq!(v["language"]["code"], "eng");
    }
}
