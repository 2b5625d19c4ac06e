//! Diagnostics: what is wrong with a policy, and where, in line:column terms.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy cannot be used.
    Error,
    /// The policy works, but probably not as its author meant.
    Warning,
}

/// One problem found in a policy file, with a 1-based span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable kind: `syntax`, `schema`, `cel-syntax`, `unknown-signal`, `type`,
    /// `unknown-model`, `shadowed`, `no-eligible-model`, `no-default`, `unknown-function`, ...
    pub code: &'static str,
    /// 1-based line where the problem starts.
    pub line: usize,
    /// 1-based column (in characters) where the problem starts.
    pub column: usize,
    /// 1-based line where the problem ends.
    pub end_line: usize,
    /// 1-based column just past the problem.
    pub end_column: usize,
    /// What is wrong, for a policy author.
    pub message: String,
    /// How to fix it, when there is something to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A mechanical fix, when the fix is known (e.g. the closest valid name for a misspelt
    /// one): apply it with [`Fix::apply`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The section of the policy reference that explains what was written wrong
    /// (a [`super::reference::Section`] anchor such as `"fields"`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'static str>,
}

/// A known fix for a diagnostic: replace a span of the source with a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, for a button ("Replace `qualty` with `quality`").
    pub label: String,
    /// 1-based line where the replaced text starts.
    pub line: usize,
    /// 1-based column (in characters) where the replaced text starts.
    pub column: usize,
    /// 1-based line where the replaced text ends.
    pub end_line: usize,
    /// 1-based column (in characters) just past the replaced text.
    pub end_column: usize,
    /// The text that replaces it.
    pub replacement: String,
}

impl Fix {
    /// The source with the fix applied, or `None` when the source no longer has the span
    /// (it was edited since the diagnostic was made).
    pub fn apply(&self, source: &str) -> Option<String> {
        let idx = LineIndex::new(source);
        let start = idx.offset(self.line, self.column)?;
        let end = idx.offset(self.end_line, self.end_column)?;
        if end < start {
            return None;
        }
        let mut out = String::with_capacity(source.len() + self.replacement.len());
        out.push_str(&source[..start]);
        out.push_str(&self.replacement);
        out.push_str(&source[end..]);
        Some(out)
    }

    /// The 0-based character offset where the fix starts (for placing a caret).
    pub fn char_offset(&self, source: &str) -> Option<usize> {
        char_offset(source, self.line, self.column)
    }
}

/// The 0-based character offset of a 1-based line:column in `source` (what a text area's
/// `selectionStart` counts), or `None` past the end of the text.
pub fn char_offset(source: &str, line: usize, column: usize) -> Option<usize> {
    let idx = LineIndex::new(source);
    let byte = idx.offset(line, column)?;
    Some(source[..byte].chars().count())
}

impl Diagnostic {
    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic like a compiler does: `file:line:col: error: message`, the source
    /// line, a caret line and the help.
    pub fn render(&self, file: &str, source: &str) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{file}:{}:{}: {sev}[{}]: {}\n",
            self.line, self.column, self.code, self.message
        );
        if let Some(text) = source.lines().nth(self.line.saturating_sub(1)) {
            let width = if self.end_line == self.line && self.end_column > self.column {
                self.end_column - self.column
            } else {
                1
            };
            out.push_str(&format!("{:>5} | {text}\n", self.line));
            out.push_str(&format!(
                "      | {}{}\n",
                " ".repeat(self.column.saturating_sub(1)),
                "^".repeat(width.min(200))
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("      = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Maps byte offsets of a source text to 1-based line and character column.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { source, starts }
    }

    /// 1-based (line, column) of a byte offset (clamped to the text, snapped to a char boundary).
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.source[self.starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The byte offset of a 1-based line and character column; `None` when the line does not
    /// exist or the column is past its end (the end of a line, just before `\n`, is allowed).
    pub(crate) fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self
            .starts
            .get(line)
            .map(|s| s - 1)
            .unwrap_or(self.source.len());
        let text = &self.source[start..end];
        let col = column.checked_sub(1)?;
        if col == text.chars().count() {
            return Some(end);
        }
        text.char_indices().nth(col).map(|(b, _)| start + b)
    }

    /// A fix replacing the byte range `span` with `replacement`.
    pub(crate) fn fix(&self, span: Range<usize>, replacement: &str, label: String) -> Fix {
        let (line, column) = self.position(span.start);
        let (end_line, end_column) = self.position(span.end.max(span.start));
        Fix {
            label,
            line,
            column,
            end_line,
            end_column,
            replacement: replacement.to_string(),
        }
    }

    /// A fix replacing the first `wrong` inside `span` with `right`, labelled as a
    /// "did you mean" (`None` when `wrong` is not found there).
    /// A span may stop short of the name (a field selection's span covers its operand), so
    /// the search goes on to the end of the span's last line.
    pub(crate) fn rename_fix(&self, span: Range<usize>, wrong: &str, right: &str) -> Option<Fix> {
        let end = self.source[span.end.min(self.source.len())..]
            .find('\n')
            .map(|i| span.end + i)
            .unwrap_or(self.source.len());
        let text = self.source.get(span.start..end)?;
        let at = span.start + text.find(wrong)?;
        Some(self.fix(
            at..at + wrong.len(),
            right,
            format!("Replace `{wrong}` with `{right}`"),
        ))
    }

    /// A diagnostic covering the byte range `span`.
    pub(crate) fn diag(
        &self,
        severity: Severity,
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let (line, column) = self.position(span.start);
        let (end_line, end_column) = self.position(span.end.max(span.start));
        let (end_line, end_column) = if (end_line, end_column) == (line, column) {
            (line, column + 1)
        } else {
            (end_line, end_column)
        };
        Diagnostic {
            severity,
            code,
            line,
            column,
            end_line,
            end_column,
            message: message.into(),
            help,
            fix: None,
            reference: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_in_chars() {
        let idx = LineIndex::new("ab\nçd\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(5), (2, 2));
        assert_eq!(idx.position(4), (2, 1)); // inside 'ç': snapped back
        assert_eq!(idx.position(99), (3, 1));
    }

    #[test]
    fn offsets_invert_positions() {
        let src = "ab\nçd\n";
        let idx = LineIndex::new(src);
        for off in [0, 1, 2, 3, 5, 6, 7] {
            let (l, c) = idx.position(off);
            assert_eq!(idx.offset(l, c), Some(off), "offset {off} at {l}:{c}");
        }
        assert_eq!(idx.offset(1, 4), None, "past the end of line 1");
        assert_eq!(idx.offset(9, 1), None);
        assert_eq!(idx.offset(0, 1), None);
        assert_eq!(char_offset(src, 2, 2), Some(4));
    }

    #[test]
    fn a_fix_replaces_its_span_and_refuses_a_changed_source() {
        let src = "objective = \"cheapst\"\nx = 1\n";
        let idx = LineIndex::new(src);
        let fix = idx.rename_fix(12..21, "cheapst", "cheapest").unwrap();
        assert_eq!((fix.line, fix.column, fix.end_column), (1, 14, 21));
        assert_eq!(fix.label, "Replace `cheapst` with `cheapest`");
        assert_eq!(fix.apply(src).unwrap(), "objective = \"cheapest\"\nx = 1\n");
        assert_eq!(fix.char_offset(src), Some(13));
        assert!(fix.apply("short").is_none());
        assert!(idx.rename_fix(12..21, "nothere", "x").is_none());
    }

    /// The first diagnostic of `src` (parsed, then checked against the shipped catalog).
    fn first(src: &str) -> Diagnostic {
        let catalog = crate::catalog::Catalog::from_json(crate::shipped::CATALOG).unwrap();
        let diags = match super::super::Policy::parse(src) {
            Ok(p) => p.check(&catalog),
            Err(d) => d,
        };
        diags.into_iter().next().expect("a diagnostic")
    }

    /// Applies the fix of the first diagnostic and says what is left.
    fn fixed(src: &str) -> (Diagnostic, String) {
        let d = first(src);
        let fix = d.fix.clone().unwrap_or_else(|| panic!("no fix for {d:?}"));
        (d, fix.apply(src).unwrap())
    }

    const TAIL: &str = "[default]\nmodel = \"gpt-5-mini\"\n";

    #[test]
    fn did_you_mean_fixes_replace_the_misspelt_name() {
        let cases = [
            // A misspelt field of the weights (TOML's unknown field).
            (
                "name = \"t\"\n[default]\nobjective = \"weighted\"\nweights = { qualty = 1 }\n".to_string(),
                "qualty",
                "quality",
                "fields",
            ),
            // A misspelt objective.
            (
                format!("name = \"t\"\n[[rule]]\nwhen = 'true'\nobjective = \"best_qualty\"\n{TAIL}"),
                "best_qualty",
                "best_quality",
                "objectives",
            ),
            // A misspelt signal in a condition.
            (
                format!("name = \"t\"\n[[rule]]\nwhen = 'complexty > 0.5'\nmodel = \"gpt-5-mini\"\n{TAIL}"),
                "complexty",
                "complexity",
                "signals",
            ),
            // A misspelt task type under scores.
            (
                format!("name = \"t\"\n[[rule]]\nwhen = 'scores.planing > 0.5'\nmodel = \"gpt-5-mini\"\n{TAIL}"),
                "planing",
                "planning",
                "signals",
            ),
            // A misspelt rule field.
            (
                format!("name = \"t\"\n[[rule]]\nwhen = 'true'\nmodel = \"gpt-5-mini\"\nmin_qualty = 3\n{TAIL}"),
                "min_qualty",
                "min_quality",
                "fields",
            ),
        ];
        for (src, wrong, right, section) in cases {
            let (d, out) = fixed(&src);
            assert!(d.is_error(), "{d:?}");
            let fix = d.fix.as_ref().unwrap();
            assert_eq!(fix.label, format!("Replace `{wrong}` with `{right}`"));
            assert_eq!(out, src.replacen(wrong, right, 1), "{wrong}");
            assert_eq!(d.reference, Some(section), "{wrong}");
            // The fixed source has no diagnostic at that place any more.
            let again = super::super::Policy::parse(&out);
            assert!(again.is_ok(), "{wrong} → {right}: {again:?}");
        }
    }

    #[test]
    fn unknown_models_and_task_literals_get_fixes_too() {
        let src = format!("name = \"t\"\n[[rule]]\nwhen = 'true'\nmodel = \"gpt5-mini\"\n{TAIL}");
        let (d, out) = fixed(&src);
        assert_eq!(d.code, "unknown-model");
        assert_eq!(out, src.replacen("gpt5-mini", "gpt-5-mini", 1));
        let src = format!(
            "name = \"t\"\n[[rule]]\nwhen = 'task == \"cod\"'\nmodel = \"gpt-5-mini\"\n{TAIL}"
        );
        let (d, out) = fixed(&src);
        assert_eq!(d.code, "unknown-task");
        assert!(!d.is_error());
        assert!(out.contains("task == \"code\""), "{out}");
    }

    #[test]
    fn no_fix_is_offered_when_nothing_is_close() {
        let src = format!(
            "name = \"t\"\n[[rule]]\nwhen = 'zzzzzzzzzz > 1'\nmodel = \"gpt-5-mini\"\n{TAIL}"
        );
        let d = first(&src);
        assert_eq!(d.code, "unknown-signal");
        assert!(d.fix.is_none());
        assert_eq!(d.reference, Some("signals"));
    }
}
