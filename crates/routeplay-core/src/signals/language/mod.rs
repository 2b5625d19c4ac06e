//! Natural-language detection: whatlang's method (trigram profiles, 69 languages), ported into
//! this crate (`detect.rs`, data in `data.rs`; MIT licence, see there) so that it gives the
//! same answers as `whatlang::detect` at a fraction of the cost (a test compares the two).

mod data;
mod detect;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_whatlang;

use detect::{detect_with_counts, Script, ScriptCounts};
use serde::{Deserialize, Serialize};

/// Language detection reads at most this many bytes from the start of the prompt.
pub const LANGUAGE_SAMPLE_BYTES: usize = 4096;

/// A detected natural language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// ISO 639-3 code, e.g. `eng`, `deu`, `cmn`.
    pub code: String,
    /// English name, e.g. `English`.
    pub name: String,
    /// Writing system, e.g. `Latin`, `Cyrillic`.
    pub script: String,
    /// The detector's confidence in [0, 1].
    pub confidence: f64,
    /// Whether the detector considers the result reliable (enough text, clear margin).
    pub reliable: bool,
}

/// Letters a prompt in a script many languages share (Latin, Cyrillic, Arabic, Devanagari,
/// Hebrew) needs before its language is told: below this, trigram statistics are noise ("hi"
/// comes out as Zulu, "ok" as Hungarian).
pub const LANGUAGE_MIN_LETTERS: usize = 24;

/// The detector's confidence (whatlang's margin over the runner-up, 0..1) a result in a shared
/// script needs to count. On the shipped sample set every wrong guess of a single-language
/// prompt had less than 0.35 ("tell me a joke about cats" → Hungarian 0.14); above it only
/// prompts that mix two languages were mislabelled.
pub const LANGUAGE_MIN_CONFIDENCE: f64 = 0.35;

/// Detects the natural language of `text` from its first [`LANGUAGE_SAMPLE_BYTES`] bytes.
///
/// Returns `None` when the language cannot be told reliably: no letters, or a script many
/// languages share with fewer than [`LANGUAGE_MIN_LETTERS`] letters, or a detector confidence
/// below [`LANGUAGE_MIN_CONFIDENCE`]. A script only one language writes (Greek, Hangul, Thai,
/// ...) is enough on its own. Policies then see `language == ""` (see `docs/policy.md`), and
/// [`language_verdict`] says why in words.
pub fn detect_language(text: &str) -> Option<Language> {
    let sample = truncate_at_char_boundary(text, LANGUAGE_SAMPLE_BYTES);
    // One pass: letters (only whether there are none, or fewer than the minimum, matters)
    // and whatlang's per-script char counts.
    let mut letters = 0usize;
    let mut counts = ScriptCounts::new();
    let bytes = sample.as_bytes();
    let (mut i, mut latin_run) = (0, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII: letters are Latin; everything else is a stop char or DEL (no script).
            latin_run += b.is_ascii_alphabetic() as usize;
            i += 1;
            continue;
        }
        letters += latin_run;
        counts.bump_n(Script::Latin, latin_run);
        latin_run = 0;
        let ch = sample[i..].chars().next().unwrap_or(' ');
        i += ch.len_utf8();
        if letters < LANGUAGE_MIN_LETTERS && ch.is_alphabetic() {
            letters += 1;
        }
        counts.add(ch);
    }
    letters += latin_run;
    counts.bump_n(Script::Latin, latin_run);
    if letters == 0 {
        return None;
    }
    let info = detect_with_counts(sample, &counts)?;
    let shared_script = matches!(
        info.script,
        Script::Latin | Script::Cyrillic | Script::Arabic | Script::Devanagari | Script::Hebrew
    );
    if shared_script
        && (letters < LANGUAGE_MIN_LETTERS || info.confidence < LANGUAGE_MIN_CONFIDENCE)
    {
        return None;
    }
    Some(Language {
        code: info.code().to_string(),
        name: info.eng_name().to_string(),
        script: info.script.name().to_string(),
        confidence: info.confidence,
        reliable: info.is_reliable(),
    })
}

/// Why `text` has no detected language, in words for people: "no letters", "too short to
/// tell", or "unclear" (long enough, but no language stands out, e.g. a mix). `None` when it
/// has one (`detected`, the result of [`detect_language`]) or is blank.
pub fn language_verdict(text: &str, detected: Option<&Language>) -> Option<&'static str> {
    let sample = truncate_at_char_boundary(text, LANGUAGE_SAMPLE_BYTES);
    if sample.trim().is_empty() || detected.is_some() {
        return None;
    }
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    Some(if letters == 0 {
        "no letters"
    } else if letters < LANGUAGE_MIN_LETTERS {
        "too short to tell"
    } else {
        "unclear"
    })
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub(crate) fn truncate_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_languages() {
        let cases = [
            (
                "Could you please summarize this article about renewable energy for me?",
                "eng",
            ),
            (
                "Kannst du mir bitte diesen Artikel über erneuerbare Energien zusammenfassen?",
                "deu",
            ),
            (
                "¿Puedes resumir este artículo sobre energías renovables, por favor?",
                "spa",
            ),
            (
                "Не могли бы вы кратко изложить эту статью о возобновляемой энергии?",
                "rus",
            ),
        ];
        for (text, code) in cases {
            assert_eq!(detect_language(text).unwrap().code, code, "{text}");
        }
    }

    #[test]
    fn too_short_or_unsure_means_no_language() {
        // Trigram noise on a few letters: whatlang says Zulu, Hungarian, Romanian.
        for text in ["hi", "ok", "hey, how are you?", "Translate hello to German"] {
            assert_eq!(detect_language(text), None, "{text}");
            assert_eq!(
                language_verdict(text, None),
                Some("too short to tell"),
                "{text}"
            );
        }
        // Long enough, but the detector is unsure (whatlang: Hungarian at 0.14).
        let unsure = "tell me a joke about cats and dogs please";
        assert!(unsure.chars().filter(|c| c.is_alphabetic()).count() >= LANGUAGE_MIN_LETTERS);
        assert_eq!(detect_language(unsure), None);
        assert_eq!(language_verdict(unsure, None), Some("unclear"));
        assert_eq!(language_verdict("1234 + 5678", None), Some("no letters"));
        assert_eq!(language_verdict("  ", None), None);
        // A script only one language writes needs no length.
        for (text, code) in [("안녕하세요", "kor"), ("Γεια σου", "ell")] {
            assert_eq!(detect_language(text).unwrap().code, code, "{text}");
        }
        // A detected language has no verdict.
        let l = detect_language("Bonjour ! Peux-tu traduire cette phrase en anglais ?").unwrap();
        assert_eq!(l.code, "fra");
        assert_eq!(language_verdict("Bonjour", Some(&l)), None);
    }

    #[test]
    fn no_letters_means_no_language() {
        assert!(detect_language("1234 + 5678 = ?").is_none());
        assert!(detect_language("").is_none());
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let s = "ééééé"; // 2 bytes each
        assert_eq!(truncate_at_char_boundary(s, 3), "é");
        assert_eq!(truncate_at_char_boundary(s, 100), s);
    }
}
