//! `routeplay eval FILE [--model PATH]`: accuracy, macro-F1, per-class precision/recall/F1 and
//! the confusion matrix of a model on labelled JSON Lines (`text` and `label`).
//!
//! The last line is always `macro_f1=0.xxxx accuracy=0.xxxx n=N`. Bad lines are reported on
//! standard error with their line number, skipped, and make the exit code 1.

use super::classify::{jsonl_lines, load_model, parse_line};
use crate::{input, Outcome};
use routeplay_core::classifier::Confusion;
use std::path::PathBuf;

/// Arguments of `routeplay eval`.
#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines file with "text" and "label" per line.
    file: PathBuf,
    /// Model file to use instead of the shipped model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Also print up to this many misclassified prompts (to standard error).
    #[arg(long, default_value_t = 0)]
    show_errors: usize,
}

/// Evaluates the model on the file and prints the report.
pub fn run(args: Args) -> Result<Outcome, String> {
    let model = load_model(args.model.as_deref())?;
    let bytes = input::read_bytes(Some(&args.file))?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut bad = 0usize;
    let mut shown = 0usize;
    for (n, line) in jsonl_lines(&bytes) {
        let m = match parse_line(line) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("line {n}: {e}");
                bad += 1;
                continue;
            }
        };
        let (Some(serde_json::Value::String(text)), Some(serde_json::Value::String(label))) =
            (m.get("text"), m.get("label"))
        else {
            eprintln!("line {n}: needs string \"text\" and \"label\" fields");
            bad += 1;
            continue;
        };
        let p = model.predict(text);
        if p.label != *label && shown < args.show_errors {
            shown += 1;
            let short: String = text.chars().take(160).collect();
            eprintln!("[{label} -> {}] {}", p.label, short.replace('\n', " / "));
        }
        pairs.push((label.clone(), p.label));
    }
    if pairs.is_empty() {
        return Err(format!("{}: no labelled lines", args.file.display()));
    }
    let c = Confusion::from_pairs(pairs.iter().map(|(g, p)| (g.as_str(), p.as_str())));
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>8}",
        "label", "precision", "recall", "f1", "support"
    );
    for s in c.per_class() {
        println!(
            "{:<18} {:>9.4} {:>9.4} {:>9.4} {:>8}",
            s.label, s.precision, s.recall, s.f1, s.support
        );
    }
    println!();
    println!("confusion matrix (rows = gold, columns = predicted):");
    let abbrev: Vec<String> = c
        .labels
        .iter()
        .map(|l| l.chars().take(6).collect())
        .collect();
    print!("{:<18}", "");
    for a in &abbrev {
        print!(" {a:>6}");
    }
    println!();
    for (i, row) in c.counts.iter().enumerate() {
        print!("{:<18}", c.labels[i]);
        for v in row {
            print!(" {v:>6}");
        }
        println!();
    }
    println!();
    println!("top confusions (gold -> predicted: count):");
    for (g, p, n) in c.top_confusions(8) {
        println!("  {g} -> {p}: {n}");
    }
    if bad > 0 {
        println!("skipped {bad} bad lines");
    }
    println!(
        "macro_f1={:.4} accuracy={:.4} n={}",
        c.macro_f1(),
        c.accuracy(),
        c.total()
    );
    Ok(if bad > 0 {
        Outcome::Problems
    } else {
        Outcome::Ok
    })
}
