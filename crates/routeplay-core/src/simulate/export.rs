//! The export schema of a prompt-set run, the same from the app's buttons and the CLI's
//! `--export`.
//!
//! **JSONL**: one object per prompt, keys in this order:
//! `{"id": str, "text": str, "task": str, "choices": [{"policy": str, "model": str|null,
//! "rule": str|null, "estimate": {"cost_usd": num, "latency_ms": num, "quality": num}|null}]}`,
//! one choice per policy in run order.
//!
//! **CSV** (RFC 4180, `\n` line ends): a header `id,task,text` followed by, per policy P,
//! `P.model,P.rule,P.cost_usd,P.latency_ms,P.quality`; then one record per prompt. Unrouted
//! choices leave their five cells empty. Costs have 8 decimals, latencies 1, quality 2.
//!
//! **Formula injection**: prompts come from share links and uploaded files, and a spreadsheet
//! runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage return)
//! as a formula. Every CSV cell that starts with one of these characters is written with a
//! leading apostrophe (`'=1+1`), which spreadsheets show as text; see [`csv_cell`]. The JSONL
//! export is not changed.

use super::input::PromptRecord;
use super::{Choice, Simulation};
use serde::Serialize;

/// A file format for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// One JSON object per prompt.
    Jsonl,
    /// One CSV record per prompt, with a header.
    Csv,
}

impl ExportFormat {
    /// The format named `jsonl` or `csv`.
    pub fn from_name(name: &str) -> Option<ExportFormat> {
        match name.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(ExportFormat::Jsonl),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }

    /// The format a file name's extension names (`.csv`; `.jsonl`, `.ndjson`).
    pub fn from_file_name(name: &str) -> Option<ExportFormat> {
        let (_, ext) = name.rsplit_once('.')?;
        ExportFormat::from_name(ext)
    }

    /// The file name the app downloads.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "routeplay-decisions.jsonl",
            ExportFormat::Csv => "routeplay-decisions.csv",
        }
    }

    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "application/x-ndjson",
            ExportFormat::Csv => "text/csv",
        }
    }
}

/// One CSV cell: neutralised against formula injection (a leading `'` when the value starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return), then quoted when it holds a comma, a
/// quote or a line break (quotes doubled).
pub fn csv_cell(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let v = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The CSV header line (with its `\n`); `None` for JSONL.
pub(super) fn header(sim: &Simulation, format: ExportFormat) -> Option<String> {
    if format != ExportFormat::Csv {
        return None;
    }
    let mut out = String::from("id,task,text");
    for p in sim.policies() {
        for col in ["model", "rule", "cost_usd", "latency_ms", "quality"] {
            out.push(',');
            out.push_str(&csv_cell(&format!("{}.{col}", p.name)));
        }
    }
    out.push('\n');
    Some(out)
}

#[derive(Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    text: &'a str,
    task: &'a str,
    choices: &'a [Choice],
}

/// Prompt number `i` as one export line (with its `\n`); `None` when it was not run.
pub(super) fn row(
    sim: &Simulation,
    prompt: &PromptRecord,
    i: usize,
    format: ExportFormat,
) -> Option<String> {
    let d = sim.decisions(i)?;
    let mut out = match format {
        ExportFormat::Jsonl => serde_json::to_string(&JsonRow {
            id: &d.id,
            text: &prompt.text,
            task: &d.task,
            choices: &d.choices,
        })
        .ok()?,
        ExportFormat::Csv => {
            let mut out = String::new();
            out.push_str(&csv_cell(&d.id));
            out.push(',');
            out.push_str(&csv_cell(&d.task));
            out.push(',');
            out.push_str(&csv_cell(&prompt.text));
            for c in &d.choices {
                let e = c.estimate;
                for v in [
                    c.model.clone().unwrap_or_default(),
                    c.rule.clone().unwrap_or_default(),
                    e.map(|e| format!("{:.8}", e.cost_usd)).unwrap_or_default(),
                    e.map(|e| format!("{:.1}", e.latency_ms))
                        .unwrap_or_default(),
                    e.map(|e| format!("{:.2}", e.quality)).unwrap_or_default(),
                ] {
                    out.push(',');
                    out.push_str(&csv_cell(&v));
                }
            }
            out
        }
    };
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::input::{read_prompt_set, ReadOptions};
    use super::super::runner::{RowFilter, RunConfig, Runner};
    use super::*;
    use crate::catalog::Catalog;
    use crate::policy::Policy;
    use crate::shipped::CATALOG;
    use std::sync::Arc;

    #[test]
    fn csv_cells_are_quoted_and_neutralised() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("a=1"), "a=1");
        assert_eq!(csv_cell(""), "");
        assert_eq!(
            ExportFormat::from_file_name("out.CSV"),
            Some(ExportFormat::Csv)
        );
        assert_eq!(
            ExportFormat::from_file_name("out.jsonl"),
            Some(ExportFormat::Jsonl)
        );
        assert_eq!(ExportFormat::from_file_name("out"), None);
    }

    #[test]
    fn exports_follow_the_schema_and_defuse_formulas_from_prompts() {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let a = Policy::load(
            "name = \"=cheap\"\n[default]\nmodel = \"gpt-5-mini\"\n",
            &catalog,
        )
        .unwrap()
        .0;
        let b = Policy::load(
            "name = \"strong\"\n[default]\nmodel = \"claude-opus-5\"\n",
            &catalog,
        )
        .unwrap()
        .0;
        let policies = vec![a, b];
        let text = "id,text\n@id,\"=1+1, a formula\"\n2,-5 degrees\n";
        let set = Arc::new(read_prompt_set(text, &ReadOptions::default()).unwrap());
        let mut r = Runner::new(set, policies, catalog, RunConfig::default());
        r.run_to_end();
        let rows = r.rows(RowFilter::All);
        let csv = r.export(&rows, ExportFormat::Csv);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("id,task,text,'=cheap.model,'=cheap.rule,'=cheap.cost_usd,"));
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with("'@id,unknown,\"'=1+1, a formula\",gpt-5-mini,default,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("2,unknown,'-5 degrees,gpt-5-mini,"),
            "{}",
            lines[2]
        );
        let fields = lines[2].split(',').count();
        assert_eq!(fields, 3 + 5 * 2);
        let jsonl = r.export(&rows, ExportFormat::Jsonl);
        let first = jsonl.lines().next().unwrap();
        assert!(first.starts_with("{\"id\":\"@id\",\"text\":\"=1+1, a formula\",\"task\":\"unknown\",\"choices\":[{\"policy\":\"=cheap\",\"model\":\"gpt-5-mini\",\"rule\":\"default\",\"estimate\":{"), "{first}");
        // Streaming gives the same bytes.
        assert_eq!(
            r.export_lines(&rows, ExportFormat::Csv).collect::<String>(),
            csv
        );
    }
}
