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
}
