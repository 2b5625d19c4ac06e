//! Does the prompt contain source code?

/// Returns true when `text` contains a Markdown code fence, or at least two lines that look like
/// code (statement endings, braces, keywords at line start, assignments, shell prompts, SQL), or
/// a single such line that makes up a large part of a short prompt.
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
        if looks_like_code(t) {
            code_lines += 1;
            if code_lines >= 2 {
                return true;
            }
        }
    }
    code_lines == 1 && lines <= 2 && text.len() < 400 && strong_single_line(text)
}

const LINE_STARTS: &[&str] = &[
    "def ",
    "fn ",
    "pub fn ",
    "function ",
    "class ",
    "import ",
    "from ",
    "#include",
    "package ",
    "return ",
    "let ",
    "const ",
    "var ",
    "public ",
    "private ",
    "static ",
    "async ",
    "await ",
    "if (",
    "for (",
    "while (",
    "elif ",
    "else:",
    "try:",
    "except",
    "catch (",
    "#!/",
    "$ ",
    "SELECT ",
    "select ",
    "INSERT ",
    "UPDATE ",
    "CREATE TABLE",
    "<div",
    "<?php",
    "console.",
    "print(",
    "println!",
    "printf(",
    "std::",
    "@Override",
    "using namespace",
    "func ",
    "impl ",
    "struct ",
    "enum ",
    "interface ",
    "type ",
    "module ",
    "echo ",
    "sudo ",
    "npm ",
    "pip ",
];

fn looks_like_code(t: &str) -> bool {
    if LINE_STARTS.iter().any(|p| t.starts_with(p)) {
        // "from " and "type " and "class " begin English sentences too: require a code shape.
        let needs_shape = [
            "from ", "type ", "class ", "import ", "return ", "let ", "for (", "echo ",
        ]
        .iter()
        .any(|p| t.starts_with(p));
        return !needs_shape || has_code_shape(t);
    }
    let ends = t.ends_with(';') || t.ends_with('{') || t == "}" || t == "};" || t.ends_with("):");
    ends && has_code_shape(t)
}

/// Punctuation that prose rarely has: brackets with no spaces, operators, arrows.
fn has_code_shape(t: &str) -> bool {
    let symbols = [
        "()", "(", "{", "}", "=>", "->", "==", "!=", " = ", "::", "[]", "</", "/>", ";", "$", "|",
        "&&",
    ];
    symbols.iter().filter(|s| t.contains(*s)).count() >= 1
        && (t.contains('(')
            || t.contains('{')
            || t.contains(';')
            || t.contains(" = ")
            || t.contains("::"))
}

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
    fn prose_is_not_code() {
        assert!(!detect_code("Write me a poem about the sea; make it sad."));
        assert!(!detect_code(
            "From Paris to Rome: plan a trip for me.\nType the itinerary as a list."
        ));
        assert!(!detect_code(
            "Write a Python function that reverses a string."
        ));
    }
}
