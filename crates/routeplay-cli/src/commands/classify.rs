//! `routeplay classify [FILE] [--model PATH]`: task type and complexity of each prompt.
//!
//! Input: a prompt set (standard input when FILE is absent or `-`) read by the core's one
//! reader: JSONL with a `"text"` field, CSV with a text column, or one prompt per line; blank
//! lines and JSONL comments are not entries. Output: one JSON object per entry, in file order:
//! `{"label": TOP_LABEL, "scores": {LABEL: P, ...}, "complexity": C, "confidence": P_TOP}`
//! (`confidence` is the top probability, the value policies read as `confidence`). A bad line (not a JSON
//! object, no string `text`, empty text, over the prompt limit) gives `{"line": N, "error":
//! "..."}` instead (1-based line numbers) and the rest are still processed; the exit code is
//! then 1. Invalid UTF-8 is replaced (U+FFFD) before reading, so such prompts are still
//! classified.

use crate::input::{read_set, SetArgs};
use crate::output::stdout;
use crate::{CmdResult, Outcome};
use routeplay_core::classifier::Model;
use routeplay_core::signals::TaskPrediction;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The model the app ships (`public/model/task-classifier.bin`), embedded at build time.
pub use routeplay_core::shipped::CLASSIFIER as SHIPPED_MODEL;

/// One output line: the prediction's fields, then `confidence`.
#[derive(serde::Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    p: &'a TaskPrediction,
    confidence: f64,
}

/// Arguments of `routeplay classify`.
#[derive(clap::Args)]
pub struct Args {
    /// Prompt set (JSONL, CSV or plain lines); standard input when absent or `-`.
    file: Option<PathBuf>,
    #[command(flatten)]
    set: SetArgs,
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

/// Classifies every entry; see the module docs.
pub fn run(args: Args) -> CmdResult {
    let model = load_model(args.model.as_deref())?;
    let set = read_set(args.file.as_deref(), &args.set)?;
    let mut out = stdout();
    let mut errors = set.errors.iter().peekable();
    for (line, r) in &set.prompts {
        while let Some(e) = errors.next_if(|e| e.line < *line) {
            writeln!(
                out,
                "{}",
                serde_json::json!({ "line": e.line, "error": e.message })
            )?;
        }
        let p = model.predict(&r.text);
        let line = Line {
            confidence: p.confidence(),
            p: &p,
        };
        serde_json::to_writer(&mut out, &line).map_err(std::io::Error::from)?;
        writeln!(out)?;
    }
    for e in errors {
        writeln!(
            out,
            "{}",
            serde_json::json!({ "line": e.line, "error": e.message })
        )?;
    }
    out.flush()?;
    Ok(Outcome::problems_if(!set.errors.is_empty()))
}
