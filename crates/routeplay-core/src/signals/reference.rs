//! The cheap signals as they were before they were made faster (issue 14), kept verbatim as
//! the reference the fast code must match exactly, on the sample set, edge cases and random
//! texts.

use super::PiiKind;

/// The kinds of personal data found in `text`, sorted and without repeats.
pub(super) fn detect_pii(text: &str) -> Vec<PiiKind> {
    let mut found = Vec::new();
    let mut add = |k| {
        if !found.contains(&k) {
            found.push(k)
        }
    };
    for word in text.split_whitespace() {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric());
        if is_email(w) {
            add(PiiKind::Email);
        } else if is_iban(w) {
            add(PiiKind::Iban);
        } else if is_ipv4(w) {
            add(PiiKind::IpAddress);
        }
    }
    scan_digit_runs(text, &mut add);
    found.sort();
    found
}

fn is_email(w: &str) -> bool {
    let Some((local, domain)) = w.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        && domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

fn is_ipv4(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

fn is_iban(w: &str) -> bool {
    let b = w.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    // Move the first four characters to the end, letters to numbers, mod 97 must be 1.
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            (c - b'0') as u32
        } else {
            (c - b'A') as u32 + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Scans runs of digits joined by single separators (space, dash, dot, parentheses), e.g.
/// `+1 (415) 555-0100` or `4111 1111 1111 1111`.
fn scan_digit_runs(text: &str, add: &mut impl FnMut(PiiKind)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let plus = bytes[i] == b'+' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(bytes[i].is_ascii_digit()
            || plus
            || (bytes[i] == b'(' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
        {
            i += 1;
            continue;
        }
        // Must not continue a word or number (e.g. inside "abc123").
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.') {
            // Always advance: bytes[i] may be `(` (as in `push(4)`), which is not alphanumeric.
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let start = i;
        let mut digits: Vec<u8> = Vec::new();
        let mut separators = 0;
        let mut j = i + usize::from(plus);
        let mut last_was_sep = true;
        while j < bytes.len() && digits.len() <= 19 {
            let c = bytes[j];
            if c.is_ascii_digit() {
                digits.push(c - b'0');
                last_was_sep = false;
            } else if matches!(c, b' ' | b'-' | b'.' | b'(' | b')') && !last_was_sep {
                separators += 1;
                last_was_sep = c != b')';
            } else if c == b'(' && last_was_sep {
                // "+1 (415)": an opening parenthesis after a space.
            } else {
                break;
            }
            j += 1;
        }
        let run = text[start..j].trim_end_matches(|c: char| !c.is_ascii_digit());
        let n = digits.len();
        let followed_by_word = bytes
            .get(start + run.len())
            .is_some_and(|c| c.is_ascii_alphabetic());
        if !followed_by_word {
            if is_ssn(run) {
                add(PiiKind::Ssn);
            } else if (13..=19).contains(&n) && luhn(&digits) && separators <= 4 {
                add(PiiKind::CardNumber);
            } else if (10..=15).contains(&n) && (plus || separators >= 2) && separators <= 5 {
                add(PiiKind::Phone);
            }
        }
        i = j.max(i + 1);
    }
}

fn is_ssn(run: &str) -> bool {
    let b = run.as_bytes();
    b.len() == 11
        && b[3] == b'-'
        && b[6] == b'-'
        && b.iter()
            .enumerate()
            .all(|(k, c)| k == 3 || k == 6 || c.is_ascii_digit())
        && &run[..3] != "000"
        && &run[..3] != "666"
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| {
            let d = d as u32;
            if k % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Estimates how many tokens a typical BPE tokenizer (cl100k / o200k-like) produces for `text`.
///
/// Rules, per run of characters of one class: a run of Latin letters costs `1 + len / 8`
/// (common words are one token, long words split); a run of digits costs one token per three
/// digits; other letters (Cyrillic, Greek, accented, ...) cost `1 + len / 3`; each CJK, kana or
/// hangul character costs one; each punctuation or symbol character costs one; whitespace is
/// free (it merges into the next token). On English prose this lands within about 15% of real
/// tokenizers; it is an estimate and the UI labels it so.
pub(super) fn estimate_tokens(text: &str) -> usize {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        None,
        Latin,
        Digit,
        OtherLetter,
    }
    fn cost(class: Class, len: usize) -> usize {
        match class {
            Class::None => 0,
            Class::Latin => 1 + len / 8,
            Class::Digit => len.div_ceil(3),
            Class::OtherLetter => 1 + len / 3,
        }
    }

    let mut total = 0usize;
    let mut run = Class::None;
    let mut run_len = 0usize;
    for c in text.chars() {
        let class = if c.is_ascii_alphabetic() {
            Class::Latin
        } else if c.is_ascii_digit() {
            Class::Digit
        } else if is_cjk(c) {
            total += cost(run, run_len) + 1;
            run = Class::None;
            run_len = 0;
            continue;
        } else if c.is_alphabetic() {
            Class::OtherLetter
        } else {
            total += cost(run, run_len);
            run = Class::None;
            run_len = 0;
            if !c.is_whitespace() {
                total += 1;
            }
            continue;
        };
        if class == run {
            run_len += 1;
        } else {
            total += cost(run, run_len);
            run = class;
            run_len = 1;
        }
    }
    total + cost(run, run_len)
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

/// Returns true when `text` contains a Markdown code fence, or at least two lines that look like
/// code ([`is_code_line`]), or a single such line that makes up a large part of a short prompt.
pub(super) fn detect_code(text: &str) -> bool {
    if text.contains("```") {
        return true;
    }
    let mut code_lines = 0usize;
    let mut lines = 0usize;
    for line in text.lines().take(2000) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        lines += 1;
        if is_code_line(t) {
            code_lines += 1;
            if code_lines >= 2 {
                return true;
            }
        }
    }
    code_lines == 1 && lines <= 2 && text.len() < 400 && strong_single_line(text)
}

/// Whether one line looks like source code: a statement ending (`;`, `{`, `}`, `):`), a
/// keyword or call at its start (`def `, `import `, `SELECT `, `print(`, ...), or an operator
/// prose rarely has (` = ` with brackets, `=>`, `->`, `()`, `==`). The one code-line test in
/// Routeplay: [`detect_code`] counts these lines, and the classifier's structure features
/// (`classifier::features`) count them too, so the shipped model's features are unchanged.
pub(crate) fn is_code_line(t: &str) -> bool {
    let t = t.trim();
    if t.is_empty() {
        return false;
    }
    let ends = t.ends_with(';') || t.ends_with('{') || t.ends_with('}') || t.ends_with("):");
    let starts = [
        "def ",
        "class ",
        "import ",
        "from ",
        "#include",
        "function ",
        "return ",
        "const ",
        "let ",
        "var ",
        "public ",
        "private ",
        "fn ",
        "for (",
        "if (",
        "while (",
        "SELECT ",
        "select ",
        "<div",
        "<?php",
        "console.",
        "print(",
        "System.",
        "package ",
        "using ",
        "elif ",
        "else:",
        "try:",
        "except",
        "}",
        "#!/",
    ]
    .iter()
    .any(|p| t.starts_with(p));
    let ops = t.contains(" = ") && (t.contains('(') || t.contains('[') || t.ends_with(';'))
        || t.contains("=>")
        || t.contains("->")
        || t.contains("()")
        || t.contains("==");
    ends || starts || ops
}

fn strong_single_line(text: &str) -> bool {
    let t = text.trim();
    (t.contains("();") || t.contains("=>") || t.contains("::") || t.contains(") {"))
        && !t.ends_with('?')
}

/// The size counts as [`super::CheapSignals`] computed them.
fn sizes(text: &str) -> (usize, usize, usize) {
    let chars = text.chars().count();
    let words = text.split_whitespace().count();
    let lines = if text.is_empty() {
        0
    } else {
        text.lines().count().max(1)
    };
    (chars, words, lines)
}

mod tests {
    use super::super::test_texts::test_texts;
    use super::super::CheapSignals;

    #[test]
    fn cheap_signals_equal_the_reference() {
        for text in test_texts(3000) {
            let s = CheapSignals::compute_with_language(&text, false);
            let (chars, words, lines) = super::sizes(&text);
            assert_eq!(
                (s.chars, s.bytes, s.words, s.lines),
                (chars, text.len(), words, lines),
                "{text:?}"
            );
            assert_eq!(s.tokens, super::estimate_tokens(&text), "{text:?}");
            assert_eq!(s.has_code, super::detect_code(&text), "{text:?}");
            assert_eq!(s.pii, super::detect_pii(&text), "{text:?}");
            for line in text.lines() {
                assert_eq!(
                    super::super::is_code_line(line),
                    super::is_code_line(line),
                    "{line:?}"
                );
            }
        }
    }
}
