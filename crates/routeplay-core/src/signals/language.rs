//! Natural-language detection, delegated to the `whatlang` crate (trigram profiles, 69 languages).

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

/// Detects the natural language of `text` from its first [`LANGUAGE_SAMPLE_BYTES`] bytes.
/// Returns `None` when the sample has no letters to go on.
pub fn detect_language(text: &str) -> Option<Language> {
    let sample = truncate_at_char_boundary(text, LANGUAGE_SAMPLE_BYTES);
    if !sample.chars().any(char::is_alphabetic) {
        return None;
    }
    let info = whatlang::detect(sample)?;
    Some(Language {
        code: info.lang().code().to_string(),
        name: info.lang().eng_name().to_string(),
        script: info.script().name().to_string(),
        confidence: info.confidence(),
        reliable: info.is_reliable(),
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
