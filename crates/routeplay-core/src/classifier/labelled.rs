//! A labelled set uploaded to train a classifier on your own labels (the playground's Train
//! view): JSONL lines `{"text": ..., "label": ...}` or CSV with `text` and `label` columns
//! under a header. Any label set works (a company's own taxonomy); every bad line is reported
//! with its line number and the rest are kept. [`LabelledSet::split`] holds out a deterministic,
//! per-label share of the rows for the metrics.
//!
//! ```
//! use routeplay_core::classifier::labelled::read_labelled;
//! let set = read_labelled("{\"text\": \"Where is my parcel?\", \"label\": \"shipping\"}\n{\"text\": 3}\n").unwrap();
//! assert_eq!(set.rows.len(), 1);
//! assert_eq!(set.errors[0].line, 2);
//! ```

use super::model::MAX_LABELS;
use crate::simulate::input::{read_records, Limits, LineError, ReadOptions, SetFormat};
use serde_json::Value;
use std::collections::BTreeMap;

/// The largest labelled set read, in bytes (a larger one is refused whole).
pub const MAX_LABELLED_BYTES: usize = 16 * 1024 * 1024;
/// The most rows (and bad lines) a labelled set may have.
pub const MAX_LABELLED_ROWS: usize = 50_000;
/// The longest prompt kept, in bytes (a longer one is a bad line).
pub const MAX_LABELLED_TEXT: usize = 64 * 1024;
/// The longest label, in bytes.
pub const MAX_LABEL_BYTES: usize = 64;
/// Fewest rows a label needs for training to start.
pub const MIN_ROWS_PER_LABEL: usize = 2;
/// The task a policy sees while no classifier has answered: not usable as a label.
pub const RESERVED_LABEL: &str = "unknown";

/// One usable row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledRow {
    /// 1-based line it starts on.
    pub line: usize,
    /// The prompt.
    pub text: String,
    /// Its label (trimmed).
    pub label: String,
}

/// Every usable row and every bad line of an uploaded set.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledSet {
    /// The format read.
    pub format: SetFormat,
    /// Usable rows, in file order.
    pub rows: Vec<LabelledRow>,
    /// Bad lines, in file order.
    pub errors: Vec<LineError>,
}

/// Rows by label, in label order.
pub type LabelCounts = BTreeMap<String, usize>;

impl LabelledSet {
    /// Rows per label, in label order.
    pub fn label_counts(&self) -> LabelCounts {
        let mut c = LabelCounts::new();
        for r in &self.rows {
            *c.entry(r.label.clone()).or_default() += 1;
        }
        c
    }

    /// What stops training on this set (empty when it can start): too few or too many labels,
    /// labels with too few rows.
    pub fn problems(&self) -> Vec<String> {
        let counts = self.label_counts();
        let mut out = Vec::new();
        if counts.len() < 2 {
            out.push(format!(
                "training needs at least 2 labels; this set has {}",
                crate::format::plural(counts.len(), "label")
            ));
        }
        if counts.len() > MAX_LABELS {
            out.push(format!(
                "a model holds at most {MAX_LABELS} labels; this set has {}: merge some",
                counts.len()
            ));
        }
        let thin: Vec<&str> = counts
            .iter()
            .filter(|(_, &n)| n < MIN_ROWS_PER_LABEL)
            .map(|(l, _)| l.as_str())
            .collect();
        if !thin.is_empty() {
            out.push(format!(
                "every label needs at least {MIN_ROWS_PER_LABEL} rows (one to train on, one to test); too few: {}",
                thin.join(", ")
            ));
        }
        out
    }

    /// Splits the rows into (training, held-out) indices into [`LabelledSet::rows`]: per label,
    /// about `held_out` of its rows (at least one, and never all of them), chosen by a hash of
    /// the text, so the same file always splits the same way and a duplicated prompt never
    /// lands on both sides.
    pub fn split(&self, held_out: f64) -> (Vec<usize>, Vec<usize>) {
        let share = if held_out.is_finite() {
            held_out.clamp(0.0, 0.9)
        } else {
            0.2
        };
        let mut by_label: BTreeMap<&str, Vec<(u64, usize)>> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            by_label
                .entry(r.label.as_str())
                .or_default()
                .push((text_hash(&r.text), i));
        }
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for (_, mut members) in by_label {
            members.sort_unstable();
            let n = members.len();
            let mut k = ((n as f64 * share).round() as usize).max(1).min(n - 1);
            // Do not cut between copies of one text.
            while k < n && k > 0 && members[k].0 == members[k - 1].0 {
                k += 1;
            }
            if k >= n {
                k = n - 1;
                while k > 0 && members[k].0 == members[k - 1].0 {
                    k -= 1;
                }
            }
            test.extend(members[..k].iter().map(|m| m.1));
            train.extend(members[k..].iter().map(|m| m.1));
        }
        train.sort_unstable();
        test.sort_unstable();
        (train, test)
    }
}

/// FNV-1a of the whitespace-normalised, lower-cased text.
fn text_hash(t: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for w in t.split_whitespace() {
        for b in w.bytes() {
            h = (h ^ b.to_ascii_lowercase() as u64).wrapping_mul(0x0100_0000_01b3);
        }
        h = (h ^ b' ' as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn string_field(
    fields: &serde_json::Map<String, Value>,
    keys: &[&str],
) -> Result<Option<String>, String> {
    for k in keys {
        match fields.get(*k) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => return Ok(Some(s.clone())),
            Some(other) => {
                return Err(format!(
                    "`{k}` must be a string, not {}",
                    match other {
                        Value::Bool(_) => "true/false",
                        Value::Number(_) => "a number",
                        Value::Array(_) => "a list",
                        _ => "an object",
                    }
                ))
            }
        }
    }
    Ok(None)
}

/// Checks one label: trimmed, not blank, not too long, not [`RESERVED_LABEL`].
pub fn check_label(raw: &str) -> Result<String, String> {
    let l = raw.trim();
    if l.is_empty() {
        return Err("the label is blank".into());
    }
    if l.len() > MAX_LABEL_BYTES {
        return Err(format!(
            "the label is {} bytes long; the limit is {MAX_LABEL_BYTES}",
            l.len()
        ));
    }
    if l == RESERVED_LABEL {
        return Err(format!(
            "\"{RESERVED_LABEL}\" is reserved (it is the task while no classifier has answered): rename it"
        ));
    }
    if l.chars().any(char::is_control) {
        return Err("the label contains a control character".into());
    }
    Ok(l.to_string())
}

/// Reads a labelled set: JSONL (`text` or `prompt`, and `label`) or CSV with a header naming
/// `text` (or `prompt`) and `label` columns. Refuses the whole file only when it is too large,
/// has too many lines, or is in neither format; otherwise every bad line is in
/// [`LabelledSet::errors`] and the rest are kept.
pub fn read_labelled(text: &str) -> Result<LabelledSet, String> {
    let opts = ReadOptions {
        format: None,
        limits: Limits {
            max_bytes: MAX_LABELLED_BYTES,
            max_entries: MAX_LABELLED_ROWS,
            // Longer prompts are reported per line below, with this module's limit.
            max_prompt_bytes: usize::MAX,
        },
    };
    let records = read_records(text, &opts).map_err(|e| {
        e.to_string()
            .replace("prompt set", "labelled set")
            .replace("prompts and bad lines", "rows and bad lines")
    })?;
    match records.format {
        SetFormat::Lines => {
            return Err(
                "each row needs a label: upload JSONL lines like {\"text\": \"…\", \"label\": \"refund\"} or CSV with a header naming text and label columns"
                    .into(),
            )
        }
        SetFormat::Csv
            if !records.records.is_empty()
                && records
                    .records
                    .iter()
                    .all(|r| !r.fields.contains_key("label")) =>
        {
            return Err("the CSV header has no `label` column: name the columns text,label".into())
        }
        _ => {}
    }
    let mut set = LabelledSet {
        format: records.format,
        rows: Vec::new(),
        errors: records.errors,
    };
    for r in records.records {
        let row = (|| {
            let text = string_field(&r.fields, &["text", "prompt"])?.ok_or("no `text` field")?;
            if text.trim().is_empty() {
                return Err("the text is blank".to_string());
            }
            if text.len() > MAX_LABELLED_TEXT {
                return Err(format!(
                    "the text is {} KB; the limit is {} KB",
                    text.len() / 1024,
                    MAX_LABELLED_TEXT / 1024
                ));
            }
            let label = string_field(&r.fields, &["label"])?.ok_or("no `label` field")?;
            Ok(LabelledRow {
                line: r.line,
                text,
                label: check_label(&label)?,
            })
        })();
        match row {
            Ok(row) => set.rows.push(row),
            Err(message) => set.errors.push(LineError {
                line: r.line,
                message,
            }),
        }
    }
    set.errors.sort_by_key(|e| e.line);
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_keeps_good_rows_and_reports_every_bad_line_by_number() {
        let text = [
            r#"{"text": "I want my money back", "label": "refund"}"#,
            r#"{"text": "Where is my parcel?", "label": " shipping "}"#,
            "not json",
            r#"{"text": "hello"}"#,
            r#"{"text": "", "label": "other"}"#,
            r#"{"text": "x", "label": 3}"#,
            r#"{"text": "y", "label": "unknown"}"#,
            "",
            r#"{"prompt": "Hi there", "label": "other"}"#,
        ]
        .join("\n");
        let set = read_labelled(&text).unwrap();
        assert_eq!(set.format, SetFormat::Jsonl);
        let labels: Vec<(&str, usize)> = set
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.line))
            .collect();
        assert_eq!(labels, vec![("refund", 1), ("shipping", 2), ("other", 9)]);
        let bad: Vec<(usize, &str)> = set
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(bad.len(), 5, "{bad:?}");
        assert_eq!(bad[0].0, 3);
        assert!(bad[0].1.starts_with("invalid JSON"));
        assert_eq!(bad[1], (4, "no `label` field"));
        assert_eq!(bad[2], (5, "the text is blank"));
        assert_eq!(bad[3], (6, "`label` must be a string, not a number"));
        assert_eq!(bad[4].0, 7);
        assert!(bad[4].1.contains("reserved"));
    }

    #[test]
    fn csv_needs_a_label_column_and_reads_quoted_fields() {
        let set = read_labelled(
            "text,label\n\"Refund, please\",refund\nWhere is it?,shipping\nno label here,\n",
        )
        .unwrap();
        assert_eq!(set.format, SetFormat::Csv);
        assert_eq!(set.rows.len(), 2);
        assert_eq!(set.rows[0].text, "Refund, please");
        assert_eq!(set.errors.len(), 1);
        assert_eq!(set.errors[0].line, 4);
        let err = read_labelled("text,category\nhello,a\n").unwrap_err();
        assert!(err.contains("no `label` column"), "{err}");
        let err = read_labelled("just a prompt\nanother\n").unwrap_err();
        assert!(err.contains("each row needs a label"), "{err}");
    }

    #[test]
    fn limits_refuse_whole_files_and_long_rows_clearly() {
        let big = "x".repeat(MAX_LABELLED_BYTES + 1);
        let err = read_labelled(&big).unwrap_err();
        assert!(
            err.contains("labelled set") && err.contains("limit"),
            "{err}"
        );
        let long = format!(
            "{{\"text\": \"{}\", \"label\": \"a\"}}\n{{\"text\": \"ok\", \"label\": \"{}\"}}",
            "y".repeat(MAX_LABELLED_TEXT + 1),
            "l".repeat(MAX_LABEL_BYTES + 1)
        );
        let set = read_labelled(&long).unwrap();
        assert!(set.rows.is_empty());
        assert!(set.errors[0].message.contains("limit is 64 KB"));
        assert!(set.errors[1].message.contains("limit is 64"));
    }

    #[test]
    fn problems_name_what_stops_training() {
        let one = read_labelled(r#"{"text": "a", "label": "x"}"#).unwrap();
        assert_eq!(
            one.problems(),
            vec![
                "training needs at least 2 labels; this set has 1 label".to_string(),
                "every label needs at least 2 rows (one to train on, one to test); too few: x"
                    .to_string()
            ]
        );
        let many: String = (0..=MAX_LABELS)
            .flat_map(|i| {
                [
                    format!("{{\"text\": \"a{i}\", \"label\": \"l{i}\"}}\n"),
                    format!("{{\"text\": \"b{i}\", \"label\": \"l{i}\"}}\n"),
                ]
            })
            .collect();
        let p = read_labelled(&many).unwrap().problems();
        assert_eq!(p.len(), 1);
        assert!(p[0].contains("at most 63 labels; this set has 64"), "{p:?}");
    }

    #[test]
    fn split_is_deterministic_per_label_and_keeps_duplicates_together() {
        let mut lines = Vec::new();
        for i in 0..50 {
            lines.push(format!(
                "{{\"text\": \"refund request {i}\", \"label\": \"refund\"}}"
            ));
        }
        for i in 0..10 {
            lines.push(format!(
                "{{\"text\": \"parcel {i}\", \"label\": \"shipping\"}}"
            ));
        }
        for _ in 0..2 {
            lines.push("{\"text\": \"Same   TEXT\", \"label\": \"other\"}".into());
        }
        lines.push("{\"text\": \"different\", \"label\": \"other\"}".into());
        let set = read_labelled(&lines.join("\n")).unwrap();
        let (train, test) = set.split(0.2);
        assert_eq!(set.split(0.2), (train.clone(), test.clone()));
        assert_eq!(train.len() + test.len(), set.rows.len());
        let held = |l: &str| test.iter().filter(|&&i| set.rows[i].label == l).count();
        assert_eq!(
            (held("refund"), held("shipping"), held("other")),
            (10, 2, 1)
        );
        // The two copies of "Same TEXT" are on one side.
        let same: Vec<bool> = (0..set.rows.len())
            .filter(|&i| set.rows[i].text.starts_with("Same"))
            .map(|i| test.contains(&i))
            .collect();
        assert_eq!(same[0], same[1]);
    }
}
