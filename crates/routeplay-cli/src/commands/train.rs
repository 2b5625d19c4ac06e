//! `routeplay train --data FILE_OR_DIR... --out MODEL`: trains a task/complexity model on JSON
//! Lines rows (read by the core's one reader, so blank lines and `//`/`#` comments are skipped
//! and bad lines reported with their line numbers). Deterministic: same data and options,
//! byte-identical model.
//!
//! Each row needs `"text"`; `"label"` (any string: your own label set works) trains the task
//! head; a complexity target comes from `"hard": true/false`, or from `"outcomes"` (all boolean:
//! hard when any model failed; numeric win rates: hard when the row's numeric `"difficulty"` is
//! above the median of such rows). `"source"` selects the cleaning rules of
//! `routeplay_core::classifier::clean` (rows from ../shared/datasets) and the sampling group.
//! Directories are read recursively (`*.jsonl`, sorted by path).

use crate::input::{load_records, SetArgs};
use crate::output::stdout;
use crate::{CmdResult, Failure, Outcome};
use routeplay_core::classifier::{
    augment::augment, clean::clean, clean::stable_hash, loso::Recipe, roc_auc, train, Confusion,
    Row, TrainConfig,
};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `routeplay train`.
#[derive(clap::Args)]
pub struct Args {
    /// JSONL files or directories of them.
    #[arg(long, required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long)]
    out: PathBuf,
    /// Percent of rows (by text hash) held out for validation; 0 trains on everything.
    #[arg(long, default_value_t = 0)]
    holdout: u64,
    /// Write the held-out labelled rows here (JSONL with text, label, source) for `eval`.
    #[arg(long)]
    holdout_out: Option<PathBuf>,
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Calibration to fold into the model: the JSON `routeplay eval --loso --calibration-out`
    /// writes (`{"temperature": T, "offsets": {LABEL: OFFSET, ...}}`).
    #[arg(long)]
    calibration: Option<PathBuf>,
}

/// Reads a calibration file: (temperature, per-label offsets).
fn read_calibration(path: &Path) -> Result<(f32, Vec<(String, f32)>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let t = v
        .get("temperature")
        .and_then(Value::as_f64)
        .filter(|t| t.is_finite() && *t > 0.0)
        .ok_or_else(|| format!("{}: needs a positive \"temperature\"", path.display()))?;
    let mut offsets = Vec::new();
    if let Some(o) = v.get("offsets") {
        let o = o
            .as_object()
            .ok_or_else(|| format!("{}: \"offsets\" must be an object", path.display()))?;
        for (k, x) in o {
            let x = x
                .as_f64()
                .filter(|x| x.is_finite() && x.abs() <= 10.0)
                .ok_or_else(|| {
                    format!(
                        "{}: offset of {k:?} must be a number within ±10",
                        path.display()
                    )
                })?;
            offsets.push((k.clone(), x as f32));
        }
    }
    Ok((t as f32, offsets))
}

/// How a model is trained: shared by `train` and `eval --loso`, so both run the same recipe.
#[derive(clap::Args, Clone)]
pub struct RecipeArgs {
    /// Do not apply the cleaning rules.
    #[arg(long)]
    no_clean: bool,
    /// Augmented (re-wrapped passage) rows per label; 0 disables augmentation.
    #[arg(long, default_value_t = 600)]
    augment: usize,
    /// Training epochs.
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    epochs: usize,
    /// Examples drawn per label per epoch.
    #[arg(long, default_value_t = TrainConfig::default().per_label)]
    per_label: usize,
    /// log2 of the hash buckets.
    #[arg(long, default_value_t = TrainConfig::default().log2_buckets)]
    log2_buckets: u8,
    /// L2 penalty on the weights an example touches.
    #[arg(long, default_value_t = TrainConfig::default().l2)]
    l2: f32,
    /// Share of each example's features dropped per SGD step (against template phrases).
    #[arg(long, default_value_t = TrainConfig::default().feature_dropout)]
    feature_dropout: f32,
    /// Random seed.
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    seed: u64,
}

impl RecipeArgs {
    /// The core's recipe.
    pub fn recipe(&self) -> Recipe {
        Recipe {
            train: TrainConfig {
                epochs: self.epochs,
                per_label: self.per_label,
                log2_buckets: self.log2_buckets,
                seed: self.seed,
                l2: self.l2,
                feature_dropout: self.feature_dropout,
                ..TrainConfig::default()
            },
            augment: self.augment,
        }
    }

    /// Applies the cleaning rules unless `--no-clean`, printing their counts.
    pub fn clean(&self, rows: Vec<Row>) -> Vec<Row> {
        if self.no_clean {
            return rows;
        }
        let (rows, report) = clean(rows);
        for (rule, n) in &report {
            eprintln!("cleaning: {rule}: {n}");
        }
        rows
    }
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| format!("cannot read {}: {e}", p.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "jsonl") {
                collect_files(&e, out)?;
            }
        }
        Ok(())
    } else if p.is_file() {
        out.push(p.to_path_buf());
        Ok(())
    } else {
        Err(format!("no such file or directory: {}", p.display()))
    }
}

/// A parsed row plus its numeric difficulty, before the median rule is applied.
struct Raw {
    row: Row,
    difficulty: Option<f64>,
}

fn parse_row(m: &serde_json::Map<String, Value>, file: &Path) -> Option<Raw> {
    let text = m.get("text")?.as_str()?.to_string();
    let label = m.get("label").and_then(Value::as_str).map(str::to_string);
    let source = m
        .get("source")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| file.display().to_string());
    let mut hard = m.get("hard").and_then(Value::as_bool);
    let mut difficulty = None;
    if hard.is_none() {
        if let Some(Value::Object(o)) = m.get("outcomes") {
            if !o.is_empty() && o.values().all(Value::is_boolean) {
                hard = Some(o.values().any(|v| v == &Value::Bool(false)));
            } else {
                difficulty = m.get("difficulty").and_then(Value::as_f64);
            }
        }
    }
    Some(Raw {
        row: Row {
            text,
            label,
            source,
            hard,
        },
        difficulty,
    })
}

/// Reads every JSONL row of `paths` (files or directories), reporting bad lines on standard
/// error: the rows (numeric difficulty already turned into `hard`) and the number of bad lines.
pub fn read_rows(paths: &[PathBuf]) -> Result<(Vec<Row>, usize, usize), Failure> {
    let mut files = Vec::new();
    for d in paths {
        collect_files(d, &mut files)?;
    }
    let mut raws = Vec::new();
    let mut bad = 0usize;
    for f in &files {
        let set = load_records(Some(f), &SetArgs::default())?;
        for e in &set.errors {
            eprintln!("{}:{}: skipped: {}", f.display(), e.line, e.message);
            bad += 1;
        }
        for r in &set.records {
            match parse_row(&r.fields, f) {
                Some(raw) => raws.push(raw),
                None => {
                    eprintln!(
                        "{}:{}: skipped (needs a JSON object with \"text\")",
                        f.display(),
                        r.line
                    );
                    bad += 1;
                }
            }
        }
    }
    // Numeric difficulty → hard when above the median.
    let mut diffs: Vec<f64> = raws.iter().filter_map(|r| r.difficulty).collect();
    diffs.sort_by(|a, b| a.total_cmp(b));
    if let Some(&median) = diffs.get(diffs.len() / 2) {
        for r in &mut raws {
            if let Some(d) = r.difficulty {
                r.row.hard = Some(d > median);
            }
        }
    }
    let rows: Vec<Row> = raws.into_iter().map(|r| r.row).collect();
    Ok((rows, bad, files.len()))
}

/// Trains and writes the model; prints what was done.
pub fn run(args: Args) -> CmdResult {
    let (rows, bad, n_files) = read_rows(&args.data)?;
    eprintln!("read {} rows from {} files", rows.len(), n_files);
    let rows = args.recipe.clean(rows);
    let recipe = args.recipe.recipe();
    let (mut train_rows, held): (Vec<Row>, Vec<Row>) = rows
        .into_iter()
        .partition(|r| stable_hash(&r.text) % 100 >= args.holdout);
    if recipe.augment > 0 {
        let extra = augment(&train_rows, recipe.augment, recipe.train.seed);
        eprintln!("augmentation: {} re-wrapped rows", extra.len());
        train_rows.extend(extra);
    }
    let mut per_source: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for r in &train_rows {
        let e = per_source
            .entry(routeplay_core::classifier::train::sampling_group(&r.source))
            .or_default();
        e.0 += r.label.is_some() as usize;
        e.1 += r.hard.is_some() as usize;
    }
    for (g, (labelled, hard)) in &per_source {
        eprintln!("train rows: {g}: {labelled} labelled, {hard} with a complexity target");
    }
    let (temperature, offsets) = match &args.calibration {
        Some(p) => read_calibration(p)?,
        None => (1.0, Vec::new()),
    };
    if args.calibration.is_some() {
        eprintln!("calibration: temperature {temperature}, offsets {offsets:?}");
    }
    let cfg = TrainConfig {
        temperature,
        offsets,
        ..recipe.train
    };
    let (model, report) = train(&train_rows, &cfg)?;
    for (label, n) in &report.label_counts {
        eprintln!("train: {label}: {n}");
    }
    eprintln!("train: complexity rows: {}", report.complexity_rows);
    let bytes = model.to_bytes();
    let mut so = stdout();
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&args.out, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    writeln!(
        so,
        "wrote {} ({} bytes, {} labels)",
        args.out.display(),
        bytes.len(),
        model.labels().len()
    )?;

    if !held.is_empty() {
        let labelled: Vec<&Row> = held.iter().filter(|r| r.label.is_some()).collect();
        if !labelled.is_empty() {
            let preds: Vec<String> = labelled
                .iter()
                .map(|r| model.predict(&r.text).label)
                .collect();
            let c = Confusion::from_pairs(
                labelled
                    .iter()
                    .zip(&preds)
                    .map(|(r, p)| (r.label.as_deref().unwrap_or_default(), p.as_str())),
            );
            writeln!(
                so,
                "holdout: macro_f1={:.4} accuracy={:.4} n={}",
                c.macro_f1(),
                c.accuracy(),
                c.total()
            )?;
        }
        let hard: Vec<&Row> = held.iter().filter(|r| r.hard.is_some()).collect();
        let scores: Vec<f64> = hard
            .iter()
            .map(|r| model.predict(&r.text).complexity)
            .collect();
        let pos: Vec<bool> = hard.iter().map(|r| r.hard == Some(true)).collect();
        if let Some(auc) = roc_auc(&scores, &pos) {
            writeln!(so, "holdout: complexity_auc={auc:.4} n={}", hard.len())?;
            // Per source group, since the sources differ a lot.
            let mut groups: std::collections::BTreeMap<&str, (Vec<f64>, Vec<bool>)> =
                Default::default();
            for ((r, s), p) in hard.iter().zip(&scores).zip(&pos) {
                let g = routeplay_core::classifier::train::sampling_group(&r.source);
                let e = groups.entry(g).or_default();
                e.0.push(*s);
                e.1.push(*p);
            }
            for (g, (s, p)) in groups {
                if let Some(a) = roc_auc(&s, &p) {
                    writeln!(so, "holdout: complexity_auc[{g}]={a:.4} n={}", s.len())?;
                }
            }
        }
        if let Some(path) = &args.holdout_out {
            let mut out = String::new();
            for r in held.iter().filter(|r| r.label.is_some()) {
                let v = serde_json::json!({"text": r.text, "label": r.label, "source": r.source});
                out.push_str(&v.to_string());
                out.push('\n');
            }
            std::fs::write(path, out)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    so.flush()?;
    Ok(Outcome::problems_if(bad > 0))
}
