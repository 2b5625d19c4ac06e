//! `routeplay classify [FILE] [--model PATH]`: task type and complexity of each prompt.
//!
//! Input: JSON Lines with a `"text"` field (standard input when FILE is absent or `-`).
//! Output: one JSON object per input line, in order:
//! `{"label": TOP_LABEL, "scores": {LABEL: P, ...}, "complexity": C}`. A line that is not a JSON
//! object with a string `text` gives `{"line": N, "error": "..."}` instead (1-based line
//! numbers) and the rest are still processed; the exit code is then 1. Invalid UTF-8 inside a
//! line is replaced (U+FFFD) before parsing, so such prompts are still classified. A final
//! empty line (the file's trailing newline) is not an input line.

use crate::{input, Outcome};
use routeplay_core::classifier::Model;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The model the app ships (`public/model/task-classifier.bin`), embedded at build time.
pub use routeplay_core::shipped::CLASSIFIER as SHIPPED_MODEL;

/// Arguments of `routeplay classify`.
#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines file with a "text" field per line; standard input when absent or `-`.
    file: Option<PathBuf>,
    /// Model file to use instead of the shipped model.
    #[arg(long)]
    model: Option<PathBuf>,
}

/// Loads `path`, or the shipped model when `None`.
pub fn load_model(path: Option<&Path>) -> Result<Model, String> {
    match path {
        Some(p) => {
            let bytes =
                std::fs::read(p).map_err(|e| format!("cannot read model {}: {e}", p.display()))?;
            Model::from_bytes(&bytes).map_err(|e| format!("{}: {e}", p.display()))
        }
        None => Model::from_bytes(SHIPPED_MODEL).map_err(|e| format!("shipped model: {e}")),
    }
}

/// Splits JSONL bytes into `(line_number, line)` pairs, dropping only the empty piece after a
/// final newline. `\r\n` endings are accepted.
pub fn jsonl_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|p| p.is_empty()) {
        pieces.pop();
    }
    pieces.into_iter().enumerate().map(|(i, l)| {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        (i + 1, l)
    })
}

/// Parses one JSONL line into a JSON object, replacing invalid UTF-8.
pub fn parse_line(line: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let text = String::from_utf8_lossy(line);
    if text.trim().is_empty() {
        return Err("empty line".into());
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err("not a JSON object".into()),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

/// Classifies every line; see the module docs.
pub fn run(args: Args) -> Result<Outcome, String> {
    let model = load_model(args.model.as_deref())?;
    let bytes = input::read_bytes(args.file.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut bad = 0usize;
    for (n, line) in jsonl_lines(&bytes) {
        let result = parse_line(line).and_then(|m| match m.get("text") {
            Some(serde_json::Value::String(t)) => Ok(model.predict(t)),
            Some(_) => Err("\"text\" is not a string".into()),
            None => Err("missing \"text\" field".into()),
        });
        let json = match result {
            Ok(p) => serde_json::to_string(&p).map_err(|e| e.to_string())?,
            Err(e) => {
                bad += 1;
                serde_json::json!({ "line": n, "error": e }).to_string()
            }
        };
        writeln!(out, "{json}").map_err(|e| format!("cannot write output: {e}"))?;
    }
    out.flush()
        .map_err(|e| format!("cannot write output: {e}"))?;
    Ok(if bad > 0 {
        Outcome::Problems
    } else {
        Outcome::Ok
    })
}
