//! `routeplay eval FILE [--model PATH]`: accuracy, macro-F1, per-class precision/recall/F1 and
//! the confusion matrix of a model on labelled prompts (`text` and `label`; JSONL or CSV, read
//! by the core's one reader).
//!
//! The last line is always `macro_f1=0.xxxx accuracy=0.xxxx n=N`; the line before it gives the
//! expected calibration error of the top probability (`ece=0.xxxx`, 15 bins). Bad lines are
//! reported on standard error with their line number, skipped, and make the exit code 1.
//!
//! `routeplay eval --loso DATA... [--score-only EVAL...]`: leave-one-source-out evaluation of
//! the training recipe (the same options as `routeplay train`). For each source group of the
//! rows (see `routeplay_core::classifier::loso::loso_group`), a model is trained without the
//! group and scored on it; `--score-only` files are scored as their own groups and never trained
//! on. Prints per-group macro-F1 (int8 model, float weights), their mean (the headline), the
//! pooled macro-F1 of all held-out predictions, per-label logit offsets (fitted nested, on
//! the other groups, to show whether they would help), the calibration temperature with ECE
//! before and after, and the time taken. `--calibration-out FILE` writes the temperature as
//! JSON for `routeplay train --calibration FILE`. The last line is
//! `loso_mean_f1=0.xxxx pooled_f1=0.xxxx groups=N`.
//!
//! `routeplay eval --complexity OUTCOMES... [--baseline-model OLD] [--task-set FILE]
//! [--complexity-out MODEL]`: complexity AUC against real model failures, per source, within
//! task and leave-one-source-out; see [`super::complexity`].

use super::classify::load_model;
use super::train::{read_rows, RecipeArgs};
use crate::input::{load_set, SetArgs};
use crate::output::stdout;
use crate::{CmdResult, Outcome};
use routeplay_core::classifier::calibrate;
use routeplay_core::classifier::loso::{run_fold, summarize, Fold, LosoData};
use routeplay_core::classifier::Confusion;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Arguments of `routeplay eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Labelled prompts: JSONL with "text" and "label" per line, or CSV with those columns.
    /// With `--loso`: the training data (files or directories of JSONL).
    #[arg(required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    /// Leave-one-source-out evaluation of the training recipe over FILES.
    #[arg(long)]
    loso: bool,
    /// With `--loso`: evaluation sets, scored as their own groups, never trained on.
    #[arg(long, num_args = 1..)]
    score_only: Vec<PathBuf>,
    /// With `--loso`: score at most this many rows per label of each group (0 = all).
    #[arg(long, default_value_t = 0)]
    max_per_label: usize,
    /// With `--loso`: only these groups (comma-separated); default all.
    #[arg(long, value_delimiter = ',')]
    groups: Vec<String>,
    /// With `--loso`: folds trained at the same time.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// With `--loso`: write the fitted calibration (temperature, per-label offsets) as JSON.
    #[arg(long)]
    calibration_out: Option<PathBuf>,
    #[command(flatten)]
    recipe: RecipeArgs,
    #[command(flatten)]
    set: SetArgs,
    /// Model file to use instead of the shipped model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Complexity against per-model outcomes (FILES: rows with "outcomes"); see
    /// `commands/complexity.rs`.
    #[arg(long)]
    complexity: bool,
    /// With `--complexity`: a second model to compare (e.g. the previous shipped model).
    #[arg(long)]
    baseline_model: Option<PathBuf>,
    /// With `--complexity`: labelled prompts on which to measure how much complexity restates
    /// the task label (η²).
    #[arg(long)]
    task_set: Option<PathBuf>,
    /// With `--complexity`: write the model with its complexity head replaced by the
    /// difficulty head trained on the outcome rows (task outputs unchanged).
    #[arg(long)]
    complexity_out: Option<PathBuf>,
    /// With `--complexity`: train a lexical column (hashed words) with the difficulty head.
    #[arg(long)]
    complexity_lexical: bool,
    /// With `--complexity`: labelled training rows (files or directories); their per-task mean
    /// difficulty features centre the head, so complexity is relative to the prompt's task.
    #[arg(long, num_args = 1..)]
    task_means: Vec<PathBuf>,
    /// With `--complexity`: keep the model's hashed complexity column as one more input of
    /// the head (its weight is fitted with the difficulty features).
    #[arg(long)]
    keep_column: bool,
    /// With `--complexity`: train the lexical column alone (no dense difficulty features).
    #[arg(long)]
    complexity_lexical_only: bool,
    /// With `--complexity`: learning rate of the lexical column.
    #[arg(long)]
    complexity_lexical_lr: Option<f32>,
    /// With `--complexity` and `--task-means`: measure (and with `--complexity-out` write)
    /// `--model`'s own complexity column centred per task on the mean logit of each gold label
    /// of the `--task-means` rows and scaled by their pooled within-label SD (weights
    /// untouched); the uncentred model becomes the baseline column.
    #[arg(long)]
    center_previous: bool,
    /// With `--complexity`: train only these difficulty features (comma-separated names of
    /// `classifier::difficulty::NAMES`); the others get weight 0.
    #[arg(long, value_delimiter = ',')]
    difficulty_features: Vec<String>,
    /// With `--complexity`: keep each difficulty weight on the side of
    /// `classifier::complexity::EFFORT_SIGNS` (cues of effort only raise complexity, easy cues
    /// only lower it; unsigned features get no weight).
    #[arg(long)]
    difficulty_monotone: bool,
    /// Also print up to this many misclassified prompts (to standard error).
    #[arg(long, default_value_t = 0)]
    show_errors: usize,
}

/// Evaluates the model on the file and prints the report.
pub fn run(args: Args) -> CmdResult {
    if args.loso {
        return run_loso(args);
    }
    if args.complexity {
        let baseline = match &args.baseline_model {
            Some(p) => Some((p.display().to_string(), load_model(Some(p))?)),
            None => None,
        };
        return super::complexity::run(super::complexity::Opts {
            files: &args.files,
            model: load_model(args.model.as_deref())?,
            baseline,
            task_set: args.task_set.as_deref(),
            out: args.complexity_out.as_deref(),
            lexical: args.complexity_lexical,
            task_means: &args.task_means,
            keep_column: args.keep_column,
            lexical_only: args.complexity_lexical_only,
            lexical_lr: args.complexity_lexical_lr,
            center_previous: args.center_previous,
            difficulty_features: &args.difficulty_features,
            monotone: args.difficulty_monotone,
        });
    }
    let [file] = args.files.as_slice() else {
        return Err("eval takes one file (or --loso with several)".into());
    };
    let file = file.clone();
    let model = load_model(args.model.as_deref())?;
    let set = load_set(Some(&file), &args.set)?;
    let mut bad = set.errors.len();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut tops: Vec<(f64, bool)> = Vec::new();
    let mut shown = 0usize;
    for (n, r) in &set.prompts {
        let Some(label) = &r.label else {
            eprintln!("{}:{n}: skipped: needs a \"label\"", file.display());
            bad += 1;
            continue;
        };
        let p = model.predict(&r.text);
        if p.label != *label && shown < args.show_errors {
            shown += 1;
            let short: String = r.text.chars().take(160).collect();
            eprintln!("[{label} -> {}] {}", p.label, short.replace('\n', " / "));
        }
        tops.push((p.confidence(), p.label == *label));
        pairs.push((label.clone(), p.label));
    }
    if pairs.is_empty() {
        return Err(format!("{}: no labelled lines", file.display()).into());
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
    writeln!(out, "ece={:.4} (15 bins)", calibrate::ece(&tops, 15))?;
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

/// Leave-one-source-out evaluation; see the module docs.
fn run_loso(args: Args) -> CmdResult {
    let t0 = Instant::now();
    let (rows, mut bad, n_files) = read_rows(&args.files)?;
    let rows = args.recipe.clean(rows);
    let (extra, bad_extra, n_extra) = if args.score_only.is_empty() {
        (Vec::new(), 0, 0)
    } else {
        read_rows(&args.score_only)?
    };
    bad += bad_extra;
    let mut only = vec![false; rows.len()];
    only.extend(std::iter::repeat_n(true, extra.len()));
    let all: Vec<_> = rows.into_iter().chain(extra).collect();
    eprintln!(
        "loso: {} rows from {} files ({} score-only files)",
        all.len(),
        n_files + n_extra,
        n_extra
    );
    let data = LosoData::new(all, only);
    let mut groups = data.groups();
    if !args.groups.is_empty() {
        for g in &args.groups {
            if !groups.contains(g) {
                return Err(format!("no group {g:?}; groups: {}", groups.join(", ")).into());
            }
        }
        groups.retain(|g| args.groups.contains(g));
    }
    let recipe = args.recipe.recipe();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Fold, String>>>> =
        Mutex::new((0..groups.len()).map(|_| None).collect());
    let jobs = args.jobs.clamp(1, groups.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(g) = groups.get(i) else { break };
                let t = Instant::now();
                let r = run_fold(&data, g, &recipe, args.max_per_label);
                eprintln!("loso: fold {g} in {:.1} s", t.elapsed().as_secs_f64());
                if let Ok(mut v) = results.lock() {
                    v[i] = Some(r);
                }
            });
        }
    });
    let mut folds = Vec::new();
    for r in results
        .into_inner()
        .map_err(|_| "a fold panicked".to_string())?
    {
        match r {
            Some(Ok(f)) => folds.push(f),
            Some(Err(e)) => return Err(e.into()),
            None => return Err("a fold did not finish".into()),
        }
    }
    let sum = summarize(&folds);
    let mut out = stdout();
    writeln!(
        out,
        "{:<22} {:>6} {:>9} {:>9} {:>9} {:>9}  labels",
        "held-out group", "rows", "macro_f1", "float_f1", "accuracy", "+offsets"
    )?;
    for (((g, n, f1, ff1, acc), fold), nf1) in
        sum.per_group.iter().zip(&folds).zip(&sum.nested_offset_f1)
    {
        let labels = data.label_counts(&fold.group);
        let names: Vec<&str> = labels.keys().map(String::as_str).collect();
        writeln!(
            out,
            "{g:<22} {n:>6} {f1:>9.4} {ff1:>9.4} {acc:>9.4} {nf1:>9.4}  {}",
            names.join(" ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "mean over {} groups: macro_f1 {:.4} (int8), {:.4} (float)",
        sum.per_group.len(),
        sum.mean_int8,
        sum.mean_float
    )?;
    let pooled = &sum.pooled_int8;
    writeln!(
        out,
        "pooled held-out predictions: macro_f1 {:.4}, accuracy {:.4}, n={}",
        pooled.macro_f1(),
        pooled.accuracy(),
        pooled.total()
    )?;
    for c in pooled.per_class() {
        let predicted: usize = pooled
            .labels
            .iter()
            .position(|l| *l == c.label)
            .map(|j| pooled.counts.iter().map(|r| r[j]).sum())
            .unwrap_or(0);
        writeln!(
            out,
            "  {:<18} f1 {:.4}  precision {:.4}  recall {:.4}  gold {:>5}  predicted {:>5}",
            c.label, c.f1, c.precision, c.recall, c.support, predicted
        )?;
    }
    writeln!(out, "top confusions (gold -> predicted: count):")?;
    for (g, p, n) in pooled.top_confusions(10) {
        writeln!(out, "  {g} -> {p}: {n}")?;
    }
    writeln!(
        out,
        "per-label offsets (nested: fitted on the other groups): mean macro_f1 {:.4}",
        sum.mean_nested_offset_f1
    )?;
    let offs: Vec<String> = sum
        .offsets
        .iter()
        .map(|(l, o)| format!("{l} {o:+.1}"))
        .collect();
    writeln!(out, "  offsets fitted on all groups: {}", offs.join(", "))?;
    writeln!(
        out,
        "calibration: ECE {:.4} as trained (T=1); {:.4} with temperature {:.3} alone; {:.4} with offsets and temperature {:.3}",
        sum.ece_before,
        sum.ece_temperature_only,
        sum.temperature_only,
        sum.ece_after,
        sum.temperature
    )?;
    if let Some(path) = &args.calibration_out {
        // The temperature alone: the offsets are reported but not shipped (nested, they
        // lowered mean LOSO macro-F1).
        let v = serde_json::json!({ "temperature": sum.temperature_only });
        std::fs::write(path, format!("{v}\n"))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        writeln!(
            out,
            "wrote {} (for routeplay train --calibration)",
            path.display()
        )?;
    }
    writeln!(
        out,
        "took {:.1} s ({} folds, {} jobs{})",
        t0.elapsed().as_secs_f64(),
        folds.len(),
        jobs,
        if args.max_per_label > 0 {
            format!(
                ", at most {} scored rows per label and group",
                args.max_per_label
            )
        } else {
            String::new()
        }
    )?;
    if bad > 0 {
        writeln!(out, "skipped {bad} bad lines")?;
    }
    writeln!(
        out,
        "loso_mean_f1={:.4} pooled_f1={:.4} groups={}",
        sum.mean_int8,
        pooled.macro_f1(),
        sum.per_group.len()
    )?;
    out.flush()?;
    Ok(Outcome::problems_if(bad > 0))
}
