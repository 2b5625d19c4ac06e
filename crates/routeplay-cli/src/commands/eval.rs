//! `routeplay eval FILE [--model PATH]`: accuracy, macro-F1, per-class precision/recall/F1 and
//! the confusion matrix of a model on labelled prompts (`text` and `label`; JSONL or CSV, read
//! by the core's one reader).
//!
//! The last line is always `macro_f1=0.xxxx accuracy=0.xxxx n=N`. Bad lines are reported on
//! standard error with their line number, skipped, and make the exit code 1.

use super::classify::load_model;
use crate::input::{load_set, SetArgs};
use crate::output::stdout;
use crate::{CmdResult, Outcome};
use routeplay_core::classifier::Confusion;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `routeplay eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Labelled prompts: JSONL with "text" and "label" per line, or CSV with those columns.
    file: PathBuf,
    #[command(flatten)]
    set: SetArgs,
    /// Model file to use instead of the shipped model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Also print up to this many misclassified prompts (to standard error).
    #[arg(long, default_value_t = 0)]
    show_errors: usize,
}

/// Evaluates the model on the file and prints the report.
pub fn run(args: Args) -> CmdResult {
    let model = load_model(args.model.as_deref())?;
    let set = load_set(Some(&args.file), &args.set)?;
    let mut bad = set.errors.len();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut shown = 0usize;
    for (n, r) in &set.prompts {
        let Some(label) = &r.label else {
            eprintln!("{}:{n}: skipped: needs a \"label\"", args.file.display());
            bad += 1;
            continue;
        };
        let p = model.predict(&r.text);
        if p.label != *label && shown < args.show_errors {
            shown += 1;
            let short: String = r.text.chars().take(160).collect();
            eprintln!("[{label} -> {}] {}", p.label, short.replace('\n', " / "));
        }
        pairs.push((label.clone(), p.label));
    }
    if pairs.is_empty() {
        return Err(format!("{}: no labelled lines", args.file.display()).into());
    }
    let mut out = stdout();
    let c = Confusion::from_pairs(pairs.iter().map(|(g, p)| (g.as_str(), p.as_str())));
    writeln!(
        out,
        "{:<18} {:>9} {:>9} {:>9} {:>8}",
        "label", "precision", "recall", "f1", "support"
    )?;
    for s in c.per_class() {
        writeln!(
            out,
            "{:<18} {:>9.4} {:>9.4} {:>9.4} {:>8}",
            s.label, s.precision, s.recall, s.f1, s.support
        )?;
    }
    writeln!(out)?;
    writeln!(out, "confusion matrix (rows = gold, columns = predicted):")?;
    let abbrev: Vec<String> = c
        .labels
        .iter()
        .map(|l| l.chars().take(6).collect())
        .collect();
    write!(out, "{:<18}", "")?;
    for a in &abbrev {
        write!(out, " {a:>6}")?;
    }
    writeln!(out)?;
    for (i, row) in c.counts.iter().enumerate() {
        write!(out, "{:<18}", c.labels[i])?;
        for v in row {
            write!(out, " {v:>6}")?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    writeln!(out, "top confusions (gold -> predicted: count):")?;
    for (g, p, n) in c.top_confusions(8) {
        writeln!(out, "  {g} -> {p}: {n}")?;
    }
    if bad > 0 {
        writeln!(out, "skipped {bad} bad lines")?;
    }
    writeln!(
        out,
        "macro_f1={:.4} accuracy={:.4} n={}",
        c.macro_f1(),
        c.accuracy(),
        c.total()
    )?;
    out.flush()?;
    Ok(Outcome::problems_if(bad > 0))
}
