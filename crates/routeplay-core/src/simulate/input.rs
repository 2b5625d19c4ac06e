//! Reading prompt sets in the formats people have at hand, and small pure helpers for the
//! batch view's charts.
//!
//! [`parse_prompt_set`] detects the format: JSONL (the first meaningful line starts with `{`),
//! CSV (the first line is a header with a `text` column), else plain text with one prompt per
//! line. Bad lines are reported with their 1-based line number; the rest are used.

use super::{parse_prompts_jsonl, LineError, PromptRecord};
use crate::signals::{detect_code, detect_pii, estimate_tokens, CheapSignals};
use serde::Serialize;
use std::collections::BTreeMap;

/// The longest prompt accepted from a set, in bytes (a longer line is reported, not used).
pub const MAX_PROMPT_BYTES: usize = 2 * 1024 * 1024;

/// The format a prompt set was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header naming a `text` column.
    Csv,
    /// One prompt per line.
    Lines,
}

impl SetFormat {
    /// A short name for people.
    pub fn label(self) -> &'static str {
        match self {
            SetFormat::Jsonl => "JSONL",
            SetFormat::Csv => "CSV",
            SetFormat::Lines => "plain text, one prompt per line",
        }
    }
}

/// A prompt set read from text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSet {
    /// The detected format.
    pub format: SetFormat,
    /// Good prompts with their 1-based line number.
    pub prompts: Vec<(usize, PromptRecord)>,
    /// Bad lines, in file order.
    pub errors: Vec<LineError>,
}

fn first_meaningful(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
}

/// Reads a prompt set, detecting JSONL, CSV (header with a `text` column) or plain lines.
pub fn parse_prompt_set(text: &str) -> ParsedSet {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = first_meaningful(text).unwrap_or("");
    let (format, prompts, mut errors) = if first.starts_with('{') {
        let (ok, bad) = parse_prompts_jsonl(text);
        (SetFormat::Jsonl, ok, bad)
    } else if let Some(cols) = csv_header(first) {
        let (ok, bad) = parse_csv(text, &cols);
        (SetFormat::Csv, ok, bad)
    } else {
        let (ok, bad) = parse_lines(text);
        (SetFormat::Lines, ok, bad)
    };
    let mut kept = Vec::with_capacity(prompts.len());
    for (line, r) in prompts {
        if r.text.trim().is_empty() {
            errors.push(LineError {
                line,
                message: "empty prompt text".into(),
            });
        } else if r.text.len() > MAX_PROMPT_BYTES {
            errors.push(LineError {
                line,
                message: format!(
                    "prompt is {} bytes; the limit is {} bytes",
                    r.text.len(),
                    MAX_PROMPT_BYTES
                ),
            });
        } else {
            kept.push((line, r));
        }
    }
    errors.sort_by_key(|e| e.line);
    ParsedSet {
        format,
        prompts: kept,
        errors,
    }
}

fn parse_lines(text: &str) -> (Vec<(usize, PromptRecord)>, Vec<LineError>) {
    let mut ok = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        ok.push((
            i + 1,
            PromptRecord {
                id: Some(format!("line-{}", i + 1)),
                text: t.to_string(),
                label: None,
                metadata: BTreeMap::new(),
                outcomes: None,
            },
        ));
    }
    (ok, Vec::new())
}

/// Column names of a CSV header line that names a `text` column (lower-cased, trimmed).
fn csv_header(line: &str) -> Option<Vec<String>> {
    if !line.contains(',') && !line.eq_ignore_ascii_case("text") {
        return None;
    }
    let mut rec = CsvReader::new(line);
    let (_, fields) = rec.next_record()?.ok()?;
    let cols: Vec<String> = fields.iter().map(|f| f.trim().to_lowercase()).collect();
    cols.iter()
        .any(|c| c == "text" || c == "prompt")
        .then_some(cols)
}

fn parse_csv(text: &str, cols: &[String]) -> (Vec<(usize, PromptRecord)>, Vec<LineError>) {
    let text_col = cols
        .iter()
        .position(|c| c == "text")
        .or_else(|| cols.iter().position(|c| c == "prompt"))
        .unwrap_or(0);
    let id_col = cols.iter().position(|c| c == "id");
    let label_col = cols
        .iter()
        .position(|c| c == "label" || c == "task" || c == "task_type");
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    let mut reader = CsvReader::new(text);
    let mut header_seen = false;
    while let Some(rec) = reader.next_record() {
        let (line, fields) = match rec {
            Ok(r) => r,
            Err(e) => {
                bad.push(e);
                continue;
            }
        };
        if fields.len() == 1 && fields[0].trim().is_empty() {
            continue;
        }
        if !header_seen {
            header_seen = true;
            continue;
        }
        if fields.len() != cols.len() {
            bad.push(LineError {
                line,
                message: format!(
                    "expected {} fields as in the header, found {}",
                    cols.len(),
                    fields.len()
                ),
            });
            continue;
        }
        let mut fields = fields;
        let text = std::mem::take(&mut fields[text_col]);
        let id = id_col
            .map(|i| fields[i].trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("line-{line}"));
        let label = label_col
            .map(|i| fields[i].trim().to_string())
            .filter(|s| !s.is_empty());
        ok.push((
            line,
            PromptRecord {
                id: Some(id),
                text,
                label,
                metadata: BTreeMap::new(),
                outcomes: None,
            },
        ));
    }
    (ok, bad)
}

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines.
struct CsvReader<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
}

impl<'a> CsvReader<'a> {
    fn new(text: &'a str) -> Self {
        CsvReader {
            chars: text.chars().peekable(),
            line: 1,
        }
    }

    /// The next record with the line it starts on, or the error that spoilt it.
    fn next_record(&mut self) -> Option<Result<(usize, Vec<String>), LineError>> {
        self.chars.peek()?;
        let start = self.line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut error: Option<String> = None;
        loop {
            let Some(c) = self.chars.next() else {
                if quoted {
                    error.get_or_insert_with(|| "a quoted field is never closed".into());
                }
                break;
            };
            if quoted {
                match c {
                    '"' if self.chars.peek() == Some(&'"') => {
                        self.chars.next();
                        field.push('"');
                    }
                    '"' => {
                        quoted = false;
                        // Only a separator or the end of the record may follow.
                        match self.chars.peek() {
                            None | Some(',') | Some('\n') | Some('\r') => {}
                            Some(_) => {
                                error.get_or_insert_with(|| {
                                    "text after a closing quote (double a quote inside a quoted field)"
                                        .into()
                                });
                            }
                        }
                    }
                    '\n' => {
                        self.line += 1;
                        field.push(c);
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                ',' => fields.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    self.line += 1;
                    break;
                }
                '"' if field.trim().is_empty() => {
                    field.clear();
                    quoted = true;
                }
                _ => field.push(c),
            }
        }
        fields.push(field);
        Some(match error {
            Some(message) => Err(LineError {
                line: start,
                message,
            }),
            None => Ok((start, fields)),
        })
    }
}

/// Indices of the points on the cost-quality frontier: no other point is at most as costly and
/// at least as good with one of the two strictly better. Sorted by cost, cheapest first.
/// Points with a non-finite coordinate are never on it.
pub fn pareto_frontier(points: &[(f64, f64)]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].0.is_finite() && points[i].1.is_finite())
        .collect();
    // Cheapest first; among equal cost, best quality first.
    idx.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[b].1.total_cmp(&points[a].1))
            .then(a.cmp(&b))
    });
    let mut out = Vec::new();
    let mut best = f64::NEG_INFINITY;
    for i in idx {
        if points[i].1 > best {
            best = points[i].1;
            out.push(i);
        }
    }
    out
}

/// Counts of a two-stage flow: prompts by first key (e.g. task type), then by second key
/// (e.g. model), sorted by count, largest first, ties by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    /// Total items.
    pub total: usize,
    /// First-stage nodes with their counts.
    pub stage1: Vec<(String, usize)>,
    /// Second-stage nodes with their counts.
    pub stage2: Vec<(String, usize)>,
    /// Links (stage-1 name, stage-2 name, count).
    pub links: Vec<(String, String, usize)>,
}

/// Aggregates `(first, second)` pairs into a [`Flow`].
pub fn flow<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Flow {
    let mut s1: BTreeMap<&str, usize> = BTreeMap::new();
    let mut s2: BTreeMap<&str, usize> = BTreeMap::new();
    let mut links: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut total = 0;
    for (a, b) in pairs {
        total += 1;
        *s1.entry(a).or_default() += 1;
        *s2.entry(b).or_default() += 1;
        *links.entry((a, b)).or_default() += 1;
    }
    fn sorted(m: BTreeMap<&str, usize>) -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, c)| (k.to_string(), c)).collect();
        v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        v
    }
    let mut links: Vec<(String, String, usize)> = links
        .into_iter()
        .map(|((a, b), c)| (a.to_string(), b.to_string(), c))
        .collect();
    links.sort_by(|x, y| y.2.cmp(&x.2).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    Flow {
        total,
        stage1: sorted(s1),
        stage2: sorted(s2),
        links,
    }
}

/// The cheap signals of `text` exactly as [`CheapSignals::compute`] gives them, except that
/// language detection — by far the costliest cheap signal — is skipped (`language: None`) when
/// `language` is false. A batch run passes [`reads_language`] of its policies, so it computes
/// only what its conditions can see.
pub fn cheap_signals(text: &str, language: bool) -> CheapSignals {
    if language {
        return CheapSignals::compute(text);
    }
    CheapSignals {
        chars: text.chars().count(),
        bytes: text.len(),
        words: text.split_whitespace().count(),
        lines: if text.is_empty() {
            0
        } else {
            text.lines().count().max(1)
        },
        tokens: estimate_tokens(text),
        has_code: detect_code(text),
        language: None,
        pii: detect_pii(text),
    }
}

/// Whether a policy source could read the prompt's language (conservative: any mention of
/// `language` counts, comments included).
pub fn reads_language(policy_source: &str) -> bool {
    policy_source.contains("language")
}

/// Quotes a CSV field when it needs it.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_jsonl_and_reports_bad_lines() {
        let t =
            "{\"text\": \"a\"}\nnot json\n\n{\"text\": \"b\", \"id\": \"x\"}\n{\"text\": \"  \"}\n";
        let p = parse_prompt_set(t);
        assert_eq!(p.format, SetFormat::Jsonl);
        assert_eq!(p.prompts.len(), 2);
        assert_eq!(p.prompts[1].1.id.as_deref(), Some("x"));
        let lines: Vec<usize> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 5]);
    }

    #[test]
    fn reads_csv_with_quotes_commas_and_newlines() {
        let t = "id,text,label\n1,\"Hello, world\",qa\n2,\"Say \"\"hi\"\"\nthen stop\",chat\n3,plain,\n4,too,many,fields\n5,\"open\n";
        let p = parse_prompt_set(t);
        assert_eq!(p.format, SetFormat::Csv);
        let texts: Vec<&str> = p.prompts.iter().map(|(_, r)| r.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["Hello, world", "Say \"hi\"\nthen stop", "plain"]
        );
        assert_eq!(p.prompts[0].1.label.as_deref(), Some("qa"));
        assert_eq!(p.prompts[2].0, 5); // line numbers count the newline inside the quoted field
        assert_eq!(p.prompts[2].1.label, None);
        let lines: Vec<usize> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![6, 7]);
    }

    #[test]
    fn csv_with_only_a_text_column_and_crlf() {
        let p = parse_prompt_set("text\r\nfirst\r\nsecond\r\n");
        assert_eq!(p.format, SetFormat::Csv);
        assert_eq!(p.prompts.len(), 2);
        assert_eq!(p.prompts[1].1.text, "second");
        assert_eq!(p.prompts[1].1.id.as_deref(), Some("line-3"));
    }

    #[test]
    fn plain_lines_otherwise() {
        let p = parse_prompt_set("Translate this, please\n\nWrite a poem\n");
        assert_eq!(p.format, SetFormat::Lines);
        assert_eq!(p.prompts.len(), 2);
        assert_eq!(p.prompts[1].0, 3);
        assert!(p.errors.is_empty());
        assert!(parse_prompt_set("").prompts.is_empty());
    }

    #[test]
    fn frontier_keeps_only_undominated_points() {
        let pts = [
            (1.0, 50.0),
            (2.0, 70.0),
            (2.5, 60.0),
            (3.0, 90.0),
            (0.5, 40.0),
            (f64::NAN, 99.0),
        ];
        assert_eq!(pareto_frontier(&pts), vec![4, 0, 1, 3]);
        assert_eq!(pareto_frontier(&[(1.0, 5.0), (1.0, 7.0)]), vec![1]);
        assert!(pareto_frontier(&[]).is_empty());
    }

    #[test]
    fn flow_counts_both_stages() {
        let f = flow([("code", "a"), ("code", "b"), ("qa", "a"), ("code", "a")]);
        assert_eq!(f.total, 4);
        assert_eq!(f.stage1, vec![("code".into(), 3), ("qa".into(), 1)]);
        assert_eq!(f.stage2, vec![("a".into(), 3), ("b".into(), 1)]);
        assert_eq!(f.links[0], ("code".into(), "a".into(), 2));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }

    #[test]
    fn cheap_signals_match_compute_apart_from_language() {
        let samples = crate::shipped::SAMPLES;
        for (_, r) in parse_prompt_set(samples).prompts {
            let full = CheapSignals::compute(&r.text);
            assert_eq!(cheap_signals(&r.text, true), full);
            let lean = cheap_signals(&r.text, false);
            assert_eq!(lean.language, None);
            assert_eq!(
                CheapSignals {
                    language: full.language.clone(),
                    ..lean
                },
                full
            );
        }
        assert!(reads_language("when = 'language == \"fr\"'"));
        assert!(!reads_language("when = 'task == \"code\"'"));
    }

    #[test]
    fn a_hundred_thousand_lines_parse() {
        let mut t = String::new();
        for i in 0..100_000 {
            if i % 1000 == 7 {
                t.push_str("{broken\n");
            } else {
                t.push_str(&format!("{{\"text\": \"prompt number {i}\"}}\n"));
            }
        }
        let p = parse_prompt_set(&t);
        assert_eq!(p.prompts.len() + p.errors.len(), 100_000);
        assert_eq!(p.errors.len(), 100);
        assert_eq!(p.errors[0].line, 8);
    }
}
