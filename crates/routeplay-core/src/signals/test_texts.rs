//! Texts the fast hot path is checked against its reference implementations on: the sample
//! set, edge cases, and seeded random texts mixing scripts, whitespace kinds, digits, PII-like
//! runs, code, dialogue and list lines, of every length up to well past the classifier's read
//! regions (so multi-byte chars fall on their boundaries).

use crate::classifier::train::Rng;

const SNIPPETS: &[&str] = &[
    "the",
    "The",
    "Summarize",
    "write",
    "a",
    "poem",
    "about",
    "code",
    "def f(x):",
    "return x;",
    "```",
    "```python",
    "}",
    "{",
    "SELECT * FROM t;",
    " = ",
    "=>",
    "->",
    "()",
    "==",
    "x = [1]",
    "print(",
    "import os",
    "from",
    "#include",
    "http://",
    "https://x.io/a",
    "www.",
    "A) ",
    "(B) ",
    "C. ",
    "- ",
    "* ",
    "• ",
    "1. ",
    "12) ",
    "Customer: ",
    "#Person1#: ",
    "[10:02] Bob: ",
    "Q: ",
    "Total (EUR): ",
    "a@b.io",
    "jane.doe@example.com",
    "x@y",
    "@",
    "192.168.1.20",
    "1.2.3.4.5",
    "256.1.1.1",
    "GB82WEST12345698765432",
    "DE89370400440532013000",
    "+1 (415) 555-0100",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "123-45-6789",
    "000-12-3456",
    "555 123 4567",
    "(555) 123-4567",
    "+44 117 496 0123",
    "12345678901234567890123",
    "3.14",
    "1,500,000",
    "2+2=4",
    "3^(2x+1)",
    "12 × 4 ÷ 3",
    "?",
    "？",
    "¿",
    "\"",
    "“",
    "”",
    "«",
    "»",
    "「",
    "」",
    "'",
    "it's",
    "don't",
    "é",
    "École",
    "straße",
    "ß",
    "ø",
    "İstanbul",
    "ΣΊΣΥΦΟΣ",
    "жизнь",
    "Привет",
    "日本語",
    "中文",
    "한국어",
    "あいう",
    "カタカナ",
    "عربي",
    "עברית",
    "हिन्दी",
    "ไทย",
    "😊",
    "👍🏽",
    "٣٤",
    "²",
    "Ⅻ",
    "½",
    "\u{a0}",
    "\u{2003}",
    "\u{3000}",
    "\u{85}",
    "\u{2028}",
    "\u{200b}",
    "\u{0}",
    "\t",
    "\r\n",
    "\n",
    "\n\n",
    "  ",
    " ",
    " ",
    " ",
    " ",
    ",",
    ".",
    ";",
    ":",
    "!",
    "-",
    "--",
    "(",
    ")",
    "[",
    "]",
    "0",
    "7",
    "42",
    "2024",
    "99999",
    "x1",
    "abc123",
    "v.push(4);",
    "f(2)",
    "if (x) {",
    "while (",
    "class A:",
    "else:",
    "try:",
    "except",
    "#!/bin/sh",
    "<div>",
    "<?php",
    "console.log(1)",
    "System.out",
    "package a",
    "using b",
    "elif",
    "fn main() {",
    "let x",
    "const y",
    "var z",
];

/// A seeded random text of about `len` snippets.
pub(crate) fn random_text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    for _ in 0..len {
        s.push_str(SNIPPETS[rng.below(SNIPPETS.len())]);
        match rng.below(6) {
            0..=2 => s.push(' '),
            3 => s.push('\n'),
            _ => {}
        }
    }
    s
}

/// The sample set, edge cases and `n` random texts of varied lengths.
pub(crate) fn test_texts(n: usize) -> Vec<String> {
    let mut out: Vec<String> = crate::simulate::parse_prompt_set(crate::shipped::SAMPLES)
        .prompts
        .into_iter()
        .map(|(_, r)| r.text)
        .collect();
    for t in [
        "",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "a",
        "é",
        "日本語",
        "a:b",
        "```",
        "(A)",
        "1+",
        "\u{0}",
        "?",
        "x@y.z",
        "1.2.3.4",
        "+12",
        "(5",
        "Hi",
        "hi there",
        "İ",
        "\u{3000}a\u{3000}",
    ] {
        out.push(t.to_string());
    }
    // Long prompts whose read regions end inside multi-byte chars.
    for (unit, k) in [
        ("é", 2000),
        ("日", 1500),
        ("😊", 1100),
        ("a ", 2600),
        ("word. ", 900),
    ] {
        out.push(unit.repeat(k) + " tail words here? yes");
    }
    let mut rng = Rng::new(0x5eed_1404);
    for i in 0..n {
        let len = match i % 4 {
            0 => rng.below(8),
            1 => rng.below(120),
            2 => rng.below(400),
            _ => 600 + rng.below(1600),
        };
        out.push(random_text(&mut rng, len));
    }
    out
}
