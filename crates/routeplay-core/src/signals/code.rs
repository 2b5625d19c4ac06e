//! Does the prompt contain source code?

/// Returns true when `text` contains a Markdown code fence, or at least two lines that look like
/// code ([`is_code_line`]), or a single such line that makes up a large part of a short prompt.
pub fn detect_code(text: &str) -> bool {
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
pub fn is_code_line(t: &str) -> bool {
    let t = t.trim();
    let Some(&last) = t.as_bytes().last() else {
        return false;
    };
    if matches!(last, b';' | b'{' | b'}') || t.ends_with("):") {
        return true;
    }
    // Only the prefixes that start with the line's first byte are compared.
    let first = t.as_bytes()[0];
    if CODE_STARTS
        .iter()
        .any(|p| p.as_bytes()[0] == first && t.starts_with(p))
    {
        return true;
    }
    // The operators, in one pass over the bytes (all ASCII, so no byte of them can be part of
    // a multi-byte char): ` = `, `(`, `[`, `=>`, `->`, `()`, `==`.
    let (mut assign, mut bracket) = (false, false);
    let (mut p2, mut p1) = (0u8, 0u8);
    for &b in t.as_bytes() {
        match b {
            b'>' if p1 == b'=' || p1 == b'-' => return true,
            b')' if p1 == b'(' => return true,
            b'=' if p1 == b'=' => return true,
            b' ' if p1 == b'=' && p2 == b' ' => assign = true,
            b'(' | b'[' => bracket = true,
            _ => {}
        }
        p2 = p1;
        p1 = b;
    }
    // `last == b';'` returned above, so ` = ` needs a bracket.
    assign && bracket
}

/// Line starts that mark code (see [`is_code_line`]).
const CODE_STARTS: [&str; 31] = [
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
];

fn strong_single_line(text: &str) -> bool {
    let t = text.trim();
    (t.contains("();") || t.contains("=>") || t.contains("::") || t.contains(") {"))
        && !t.ends_with('?')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_is_code() {
        assert!(detect_code("Why does this fail?\n```\nx = 1\n```"));
    }

    #[test]
    fn unfenced_snippet_is_code() {
        assert!(detect_code(
            "fix this:\ndef add(a, b):\n    return a + b\nprint(add(1, 2))"
        ));
        assert!(detect_code(
            "int main() {\n  printf(\"hi\");\n  return 0;\n}"
        ));
    }

    #[test]
    fn code_lines_by_their_shape() {
        for line in [
            "result = []",
            "}",
            "SELECT * FROM t;",
            "def f(x) -> float:",
            "if x % 2 == 0:",
        ] {
            assert!(is_code_line(line), "{line}");
        }
        for line in [
            "",
            "Plan a trip to Oslo.",
            "What is 2 plus 2?",
            "From here to there",
        ] {
            assert!(!is_code_line(line), "{line}");
        }
        // Unfenced code that is not the first or only thing in the prompt.
        assert!(detect_code(
            "Refactor this to use list comprehension: result = []\nfor x in nums:\n    if x % 2 == 0:\n        result.append(x * x)"
        ));
    }

    #[test]
    fn prose_is_not_code() {
        assert!(!detect_code("Write me a poem about the sea; make it sad."));
        assert!(!detect_code(
            "From Paris to Rome: plan a trip for me.\nType the itinerary as a list."
        ));
        assert!(!detect_code(
            "Write a Python function that reverses a string."
        ));
    }

    #[test]
    fn an_email_with_an_address_and_a_phone_number_is_not_code() {
        // Review finding: such an email showed "code 52%". That came from the classifier (its
        // model is retrained separately); the cheap signal and the code-line test, which the
        // classifier's structure features also count, must not fire on it.
        let emails = [
            "Hi Maria,\n\nThanks for your order. We will ship it to:\nMaria Lopez\n12 Harbour Road, Apt 4B\nBristol BS1 5TT, United Kingdom\n\nIf anything changes, call me on +44 117 496 0123 or write to maria.lopez@example.com.\n\nBest regards,\nTom Becker\nCustomer Service",
            "Dear John,\nplease update my address: 221B Baker Street, London NW1 6XE.\nPhone: (555) 123-4567, mobile: 555-987-6543\nEmail: john.doe@example.org\nThanks!\n-- \nJane",
            "From: Anna Schmidt <anna@example.com>\nTo: support@example.com\nSubject: Re: invoice #4411\n\nHello,\nmy new phone is +49 30 1234567 and my address is Hauptstraße 5, 10115 Berlin.\nKind regards,\nAnna",
        ];
        for email in emails {
            assert!(!detect_code(email), "{email}");
            for line in email.lines() {
                assert!(!is_code_line(line), "{line}");
            }
        }
    }
}
