//! Token estimate without a tokenizer.

/// Estimates how many tokens a typical BPE tokenizer (cl100k / o200k-like) produces for `text`.
///
/// Rules, per run of characters of one class: a run of Latin letters costs `1 + len / 8`
/// (common words are one token, long words split); a run of digits costs one token per three
/// digits; other letters (Cyrillic, Greek, accented, ...) cost `1 + len / 3`; each CJK, kana or
/// hangul character costs one; each punctuation or symbol character costs one; whitespace is
/// free (it merges into the next token). On English prose this lands within about 15% of real
/// tokenizers; it is an estimate and the UI labels it so.
pub fn estimate_tokens(text: &str) -> usize {
    text_counts(text).tokens
}

/// What one pass over a prompt counts: [`estimate_tokens`] and the sizes of
/// [`super::CheapSignals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextCounts {
    /// Unicode scalar values.
    pub chars: usize,
    /// Whitespace-separated words (as `split_whitespace` counts them).
    pub words: usize,
    /// The token estimate.
    pub tokens: usize,
}

/// Chars, words and the token estimate of `text` in one pass (issue 14: three passes cost
/// three times as much), with a fast path for ASCII.
pub(crate) fn text_counts(text: &str) -> TextCounts {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        None,
        Latin,
        Digit,
        OtherLetter,
    }
    #[inline]
    fn cost(class: Class, len: usize) -> usize {
        match class {
            Class::None => 0,
            Class::Latin => 1 + len / 8,
            Class::Digit => len.div_ceil(3),
            Class::OtherLetter => 1 + len / 3,
        }
    }

    let mut chars = 0usize;
    let mut words = 0usize;
    let mut in_word = false;
    let mut total = 0usize;
    let mut run = Class::None;
    let mut run_len = 0usize;
    for c in text.chars() {
        chars += 1;
        let class = if c.is_ascii_alphabetic() {
            Class::Latin
        } else if c.is_ascii_digit() {
            Class::Digit
        } else if c.is_ascii() {
            total += cost(run, run_len);
            run = Class::None;
            run_len = 0;
            // ASCII whitespace as `char::is_whitespace` has it: space and \t..=\r.
            let space = c == ' ' || ('\t'..='\r').contains(&c);
            if !space {
                total += 1;
                words += !in_word as usize;
            }
            in_word = !space;
            continue;
        } else if is_cjk(c) {
            total += cost(run, run_len) + 1;
            run = Class::None;
            run_len = 0;
            words += !in_word as usize;
            in_word = true;
            continue;
        } else if c.is_alphabetic() {
            Class::OtherLetter
        } else {
            total += cost(run, run_len);
            run = Class::None;
            run_len = 0;
            let space = c.is_whitespace();
            if !space {
                total += 1;
                words += !in_word as usize;
            }
            in_word = !space;
            continue;
        };
        words += !in_word as usize;
        in_word = true;
        if class == run {
            run_len += 1;
        } else {
            total += cost(run, run_len);
            run = class;
            run_len = 1;
        }
    }
    TextCounts {
        chars,
        words,
        tokens: total + cost(run, run_len),
    }
}

/// CJK ideographs, kana and hangul: roughly one token per character.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions B+
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_sentence_is_close_to_a_real_tokenizer() {
        // cl100k gives 10 tokens for this sentence.
        let n = estimate_tokens("The quick brown fox jumps over the lazy dog.");
        assert!((9..=12).contains(&n), "{n}");
    }

    #[test]
    fn digits_group_by_three() {
        assert_eq!(estimate_tokens("1234567"), 3);
    }

    #[test]
    fn cjk_counts_per_character() {
        assert_eq!(estimate_tokens("你好世界"), 4);
    }

    #[test]
    fn whitespace_alone_is_free() {
        assert_eq!(estimate_tokens(" \n\t  "), 0);
    }
}
