//! Personal data in a prompt: a fast scan with checksums where the format has one.

use serde::{Deserialize, Serialize};

/// A kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// An email address.
    Email,
    /// A phone number (10–15 digits written with a leading `+` or separators).
    Phone,
    /// A payment card number (13–19 digits passing the Luhn check).
    CardNumber,
    /// A US social security number written `ddd-dd-dddd`.
    Ssn,
    /// An IBAN passing the mod-97 check.
    Iban,
    /// An IPv4 address.
    IpAddress,
}

impl PiiKind {
    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone number",
            PiiKind::CardNumber => "card number",
            PiiKind::Ssn => "SSN",
            PiiKind::Iban => "IBAN",
            PiiKind::IpAddress => "IP address",
        }
    }
}

/// The kinds of personal data found in `text`, sorted and without repeats.
pub fn detect_pii(text: &str) -> Vec<PiiKind> {
    let mut found = Vec::new();
    let mut add = |k| {
        if !found.contains(&k) {
            found.push(k)
        }
    };
    // Without an `@` in the text no word is an email; checking once spares a search per word.
    let at = text.as_bytes().contains(&b'@');
    for_each_word(text, |word| {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric());
        if at && is_email(w) {
            add(PiiKind::Email);
        } else if is_iban(w) {
            add(PiiKind::Iban);
        } else if is_ipv4(w) {
            add(PiiKind::IpAddress);
        }
    });
    scan_digit_runs(text, &mut add);
    found.sort();
    found
}

/// Calls `f` with each word of `text` as `split_whitespace` splits it, reading ASCII bytes
/// without decoding them (most prompts are mostly ASCII).
fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let b = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let (space, len) = if b[i] < 0x80 {
            (matches!(b[i], b' ' | b'\t'..=b'\r'), 1)
        } else {
            match text.get(i..).and_then(|s| s.chars().next()) {
                Some(c) => (c.is_whitespace(), c.len_utf8()),
                None => (false, 1),
            }
        };
        match (space, start) {
            (true, Some(s)) => {
                f(&text[s..i]);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        f(&text[s..]);
    }
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
    if !w.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    // Four dot-separated parts of 1-3 digits, each at most 255; no allocation (this runs on
    // every word of every prompt).
    let mut parts = 0;
    for p in w.split('.') {
        parts += 1;
        if parts > 4
            || p.is_empty()
            || p.len() > 3
            || !p.bytes().all(|b| b.is_ascii_digit())
            || !p.parse::<u16>().is_ok_and(|n| n <= 255)
        {
            return false;
        }
    }
    parts == 4
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
        // At most 20 digits are read (the loop stops past 19); a fixed buffer, no allocation.
        let mut digit_buf = [0u8; 20];
        let mut n = 0usize;
        let mut separators = 0;
        let mut j = i + usize::from(plus);
        let mut last_was_sep = true;
        while j < bytes.len() && n <= 19 {
            let c = bytes[j];
            if c.is_ascii_digit() {
                digit_buf[n] = c - b'0';
                n += 1;
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
        let digits = &digit_buf[..n];
        let followed_by_word = bytes
            .get(start + run.len())
            .is_some_and(|c| c.is_ascii_alphabetic());
        if !followed_by_word {
            if is_ssn(run) {
                add(PiiKind::Ssn);
            } else if (13..=19).contains(&n) && luhn(digits) && separators <= 4 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind() {
        assert_eq!(
            detect_pii("mail me at jane.doe@example.com."),
            vec![PiiKind::Email]
        );
        assert_eq!(
            detect_pii("call +1 (415) 555-0100 today"),
            vec![PiiKind::Phone]
        );
        assert_eq!(
            detect_pii("card 4111 1111 1111 1111 exp 12/29"),
            vec![PiiKind::CardNumber]
        );
        assert_eq!(detect_pii("SSN 123-45-6789"), vec![PiiKind::Ssn]);
        assert_eq!(
            detect_pii("IBAN GB82WEST12345698765432"),
            vec![PiiKind::Iban]
        );
        assert_eq!(
            detect_pii("server at 192.168.1.20 is down"),
            vec![PiiKind::IpAddress]
        );
    }

    #[test]
    fn ordinary_numbers_are_not_pii() {
        assert!(detect_pii("In 2024 we sold 1,500,000 units for $3.5 million.").is_empty());
        assert!(detect_pii("Solve 12345 * 6789 and 4111111111111112.").is_empty());
        assert!(detect_pii("version 1.2.3 and the @mention").is_empty());
    }

    #[test]
    fn a_parenthesis_after_a_word_terminates() {
        // Used to loop forever: `(` after an alphanumeric never advanced the scanner.
        assert!(detect_pii("v.push(4); f(2) and 3^(2x+1)").is_empty());
    }
}
