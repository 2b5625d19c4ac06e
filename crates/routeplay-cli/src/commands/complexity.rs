//! `routeplay eval --complexity OUTCOMES...`: how well complexity tracks real model failures.
//!
//! Reads rows with per-model `outcomes` (files or directories of JSONL; RouteLLM GSM8K/MMLU
//! booleans, AlpacaEval win rates) and builds the target of
//! `routeplay_core::classifier::complexity` (hard = a weak model fails where a strong one
//! succeeds). Rows go through the same cleaning as `routeplay train` and the same 10 % hold-out
//! by text hash (`stable_hash % 100 < 10`), so the shipped model never trained on them.
//!
//! Prints, per outcome source (`gsm8k`, `mmlu`, `alpaca_eval`) and pooled: ROC AUC and
//! within-task AUC (inside each task label — the gold label, or the model's prediction for
//! unlabelled rows — averaged over tasks with ≥ 10 hard and 10 easy rows) of
//! - `model`: the complexity of `--model` (default: the shipped model) on the held-out rows,
//! - `baseline`: the same for `--baseline-model` when given (e.g. the previous model),
//! - `prior`: a pure task prior (each task's hard rate on the training split), for scale,
//! - `head`: a difficulty head trained here on the training split,
//! - `LOSO`: a difficulty head trained without the source, scored on all its rows;
//!
//! then, with `--task-set FILE` (labelled prompts), the share of complexity variance explained by
//! the task label (η²: 1 = complexity only restates the task). `--complexity-out FILE` writes
//! `--model` with its complexity head replaced by the head trained here (task outputs unchanged).
//! The last line is `complexity_auc=… within_task_auc=… loso_within_task_auc=…` (of the head).

use crate::input::{load_records, load_set, SetArgs};
use crate::output::stdout;
use crate::{CmdResult, Outcome};
use routeplay_core::classifier::clean::{clean, stable_hash};
use routeplay_core::classifier::complexity::{
    boolean_target, eta_squared, fit, loso, win_rate_gap_targets, within_group_auc,
    ComplexityConfig, DenseHead, Example,
};
use routeplay_core::classifier::loso::loso_group;
use routeplay_core::classifier::{roc_auc, Model, Row};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Strong and weak model counts of the win-rate gap (AlpacaEval: 58 models).
const GAP_STRONG: usize = 10;
const GAP_WEAK: usize = 20;
/// Models left out of the ranking: the AlpacaEval reference (always 0.5) and its sanity baseline.
const GAP_IGNORE: &[&str] = &["gpt4_1106_preview", "NullModel"];
/// Per task, at least this many hard and easy rows for a within-task AUC.
const MIN_EACH: usize = 10;

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| format!("cannot read {}: {e}", p.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "jsonl") {
                collect(&e, out)?;
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

/// Reads every row with `outcomes` and builds its target; rows without one are skipped.
/// Returns (rows, bad lines, description of the win-rate target if any).
pub fn read_outcome_rows(paths: &[PathBuf]) -> Result<(Vec<Row>, usize, String), String> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    let mut rows = Vec::new();
    let mut bad = 0usize;
    let mut rates: Vec<(usize, BTreeMap<String, f64>)> = Vec::new();
    for f in &files {
        let set = load_records(Some(f), &SetArgs::default())?;
        for e in &set.errors {
            eprintln!("{}:{}: skipped: {}", f.display(), e.line, e.message);
            bad += 1;
        }
        for r in &set.records {
            let m = &r.fields;
            let (Some(text), Some(Value::Object(o))) =
                (m.get("text").and_then(Value::as_str), m.get("outcomes"))
            else {
                continue;
            };
            let row = Row {
                text: text.to_string(),
                label: m.get("label").and_then(Value::as_str).map(str::to_string),
                source: m
                    .get("source")
                    .and_then(Value::as_str)
                    .map_or_else(|| f.display().to_string(), str::to_string),
                hard: None,
            };
            if o.values().all(Value::is_boolean) {
                let b: BTreeMap<String, bool> = o
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_bool()?)))
                    .collect();
                if let Some(h) = boolean_target(&b) {
                    rows.push(Row {
                        hard: Some(h),
                        ..row
                    });
                }
            } else {
                let x: BTreeMap<String, f64> = o
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                    .collect();
                rates.push((rows.len(), x));
                rows.push(row);
            }
        }
    }
    let mut note = String::new();
    if !rates.is_empty() {
        let maps: Vec<BTreeMap<String, f64>> = rates.iter().map(|r| r.1.clone()).collect();
        let t = win_rate_gap_targets(&maps, GAP_STRONG, GAP_WEAK, GAP_IGNORE);
        note = format!(
            "win rates: {} rows; hard = mean win rate of the {} strongest models minus that of the {} weakest above the median gap {:.3}; strong: {}; weak: {}",
            maps.len(),
            t.strong.len(),
            t.weak.len(),
            t.median,
            t.strong.join(", "),
            t.weak.join(", ")
        );
        for ((i, _), target) in rates.iter().zip(&t.targets) {
            rows[*i].hard = *target;
        }
    }
    rows.retain(|r| r.hard.is_some());
    Ok((rows, bad, note))
}

/// A row ready for evaluation.
struct Item {
    text: String,
    hard: bool,
    source: String,
    group: String,
    task: String,
    held_out: bool,
    /// The model's task probabilities, in its label order.
    probs: Vec<f32>,
    /// The model's hashed complexity column logit (with `--keep-column`).
    base: Option<f32>,
}

fn example(it: &Item) -> Example {
    let e = Example::new(
        &it.text,
        it.hard,
        format!("{}|{}", it.source, it.task),
        it.group.clone(),
    )
    .with_task_probs(it.probs.clone());
    match it.base {
        Some(b) => e.with_base(b),
        None => e,
    }
}

/// The labelled rows of `paths` (files or directories), cleaned like `routeplay train`, whose
/// label is one of `model`'s: (text, label index in the model's label order).
fn read_labelled(paths: &[PathBuf], model: &Model) -> Result<Vec<(String, usize)>, String> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    let mut rows = Vec::new();
    for f in &files {
        let set = load_records(Some(f), &SetArgs::default())?;
        for r in &set.records {
            let m = &r.fields;
            if let (Some(text), Some(label)) = (
                m.get("text").and_then(Value::as_str),
                m.get("label").and_then(Value::as_str),
            ) {
                rows.push(Row {
                    text: text.to_string(),
                    label: Some(label.to_string()),
                    source: m
                        .get("source")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    hard: None,
                });
            }
        }
    }
    let (rows, _) = clean(rows);
    let labels = model.labels();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let k = labels
                .iter()
                .position(|l| Some(l.as_str()) == r.label.as_deref())?;
            Some((r.text, k))
        })
        .collect())
}

/// The labelled rows of `paths` (see [`read_labelled`]) as (example, label index in the
/// model's label order), with the model's task probabilities (and its hashed complexity
/// column with `keep_column`), for centring the head per task.
fn read_task_rows(
    paths: &[PathBuf],
    model: &Model,
    keep_column: bool,
) -> Result<Vec<(Example, usize)>, String> {
    let labels = model.labels();
    Ok(read_labelled(paths, model)?
        .into_iter()
        .map(|(text, k)| {
            let p = model.predict(&text);
            let it = Item {
                text: text.clone(),
                hard: false,
                source: String::new(),
                group: String::new(),
                task: p.label.clone(),
                held_out: false,
                probs: labels.iter().map(|l| p.score(l) as f32).collect(),
                base: keep_column.then(|| model.complexity_column_logit(&text)),
            };
            (example(&it), k)
        })
        .collect())
}

/// One line of the table: (source, AUC, within-task AUC, rows, hard rows).
type Line = (String, f64, f64, usize, usize);

/// Per source and pooled: the [`Line`]s of `scores` on `idx`.
fn table(items: &[Item], idx: &[usize], scores: &[f64]) -> Vec<Line> {
    let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, &i) in idx.iter().enumerate() {
        by.entry(items[i].group.as_str()).or_default().push(k);
    }
    let all: Vec<usize> = (0..idx.len()).collect();
    let mut out = Vec::new();
    for (name, ks) in by.into_iter().chain([("all", all)]) {
        let s: Vec<f64> = ks.iter().map(|&k| scores[k]).collect();
        let p: Vec<bool> = ks.iter().map(|&k| items[idx[k]].hard).collect();
        let t: Vec<&str> = ks.iter().map(|&k| items[idx[k]].task.as_str()).collect();
        let auc = roc_auc(&s, &p).unwrap_or(f64::NAN);
        let within = within_group_auc(&s, &p, &t, MIN_EACH).0.unwrap_or(f64::NAN);
        let hard = p.iter().filter(|x| **x).count();
        out.push((name.to_string(), auc, within, s.len(), hard));
    }
    out
}

/// Arguments shared with `routeplay eval`.
pub struct Opts<'a> {
    /// Outcome files or directories.
    pub files: &'a [PathBuf],
    /// The model under test (its task predictions give unlabelled rows a task).
    pub model: Model,
    /// An older model to compare.
    pub baseline: Option<(String, Model)>,
    /// Labelled prompts for η².
    pub task_set: Option<&'a Path>,
    /// Where to write the model with the new head.
    pub out: Option<&'a Path>,
    /// Also train a lexical column (hashed words, pairs within strata).
    pub lexical: bool,
    /// Labelled rows whose per-task mean features centre the head (complexity relative to
    /// the prompt's task); empty = no centring.
    pub task_means: &'a [PathBuf],
    /// Keep the model's hashed complexity column as one more input of the head.
    pub keep_column: bool,
    /// With `lexical`: train the lexical column alone (no dense difficulty weights).
    pub lexical_only: bool,
    /// Learning rate of the lexical column (default [`ComplexityConfig::default`]'s).
    pub lexical_lr: Option<f32>,
    /// Measure `model`'s own complexity column centred per task on `task_means` (see
    /// [`Model::with_complexity_centred_per_task`]) instead of centring the head; the
    /// uncentred model becomes the baseline (unless one is given), and `out` gets the centred
    /// model.
    pub center_previous: bool,
    /// Train only these difficulty features (names); empty = all.
    pub difficulty_features: &'a [String],
    /// Keep the difficulty weights on the side of `EFFORT_SIGNS`.
    pub monotone: bool,
}

/// Runs the evaluation; see the module docs.
pub fn run(mut o: Opts) -> CmdResult {
    let t0 = Instant::now();
    let mut centred_note = None;
    if o.center_previous {
        if o.task_means.is_empty() {
            return Err("--center-previous needs --task-means DATA... (labelled rows)".into());
        }
        let rows = read_labelled(o.task_means, &o.model)?;
        let (centred, c) = o
            .model
            .with_complexity_centred_per_task(rows.iter().map(|(t, k)| (t.as_str(), *k)))
            .map_err(|e| format!("cannot centre the complexity column: {e}"))?;
        let means: Vec<String> = o
            .model
            .labels()
            .iter()
            .zip(c.means.iter().zip(&c.rows))
            .map(|(l, (m, n))| format!("{l} {m:+.3} ({n})"))
            .collect();
        centred_note = Some(format!(
            "centred previous column: complexity = sigmoid(1.7 × (logit − Σ p_k mean_k) / {:.4}) on {} labelled rows; overall mean logit {:+.3}; mean per label: {}",
            c.sd,
            rows.len(),
            c.mean,
            means.join(", ")
        ));
        let previous = std::mem::replace(&mut o.model, centred);
        if o.baseline.is_none() {
            o.baseline = Some(("uncentred".into(), previous));
        }
    }
    let (rows, bad, note) = read_outcome_rows(o.files)?;
    let (rows, _) = clean(rows);
    if rows.is_empty() {
        return Err("no rows with usable outcomes".into());
    }
    let items: Vec<Item> = rows
        .into_iter()
        .map(|r| {
            let p = o.model.predict(&r.text);
            let probs = o.model.labels().iter().map(|l| p.score(l) as f32).collect();
            let task = match &r.label {
                Some(l) => l.clone(),
                None => p.label,
            };
            Item {
                probs,
                base: o
                    .keep_column
                    .then(|| o.model.complexity_column_logit(&r.text)),
                held_out: stable_hash(&r.text) % 100 < 10,
                group: loso_group(&r.source),
                hard: r.hard == Some(true),
                source: r.source,
                text: r.text,
                task,
            }
        })
        .collect();
    let mut so = stdout();
    if !note.is_empty() {
        writeln!(so, "target: {note}")?;
    }
    writeln!(
        so,
        "target: boolean outcomes (RouteLLM): hard = gpt-4-1106-preview right and mixtral-8x7b wrong; easy = mixtral right; both wrong: no target"
    )?;
    let defaults = ComplexityConfig::default();
    let cfg = ComplexityConfig {
        lexical_buckets: (o.lexical || o.lexical_only)
            .then(|| o.model.buckets().trailing_zeros() as u8),
        lexical_lr: o.lexical_lr.unwrap_or(defaults.lexical_lr),
        dense: !o.lexical_only,
        features: if o.difficulty_features.is_empty() {
            None
        } else {
            let names = routeplay_core::classifier::difficulty::NAMES;
            let only: Result<Vec<usize>, String> = o
                .difficulty_features
                .iter()
                .map(|n| {
                    names.iter().position(|x| x == n).ok_or_else(|| {
                        format!(
                            "unknown difficulty feature {n:?}; known: {}",
                            names.join(", ")
                        )
                    })
                })
                .collect();
            Some(only?)
        },
        monotone: o.monotone,
        ..defaults
    };
    let train: Vec<Example> = items.iter().filter(|i| !i.held_out).map(example).collect();
    let mut head = fit(&train, &cfg)?;
    if let Some(n) = &centred_note {
        writeln!(so, "{n}")?;
    }
    let centre_rows = if o.task_means.is_empty() || o.center_previous {
        None
    } else {
        let rows = read_task_rows(o.task_means, &o.model, o.keep_column)?;
        writeln!(
            so,
            "centring: complexity relative to the prompt's task, on the mean logit of {} labelled rows per task",
            rows.len()
        )?;
        Some(rows)
    };
    let n_labels = o.model.labels().len();
    let centre = |h: &mut DenseHead| {
        if let Some(rows) = &centre_rows {
            h.center_on_logits(rows, n_labels);
        }
    };
    centre(&mut head);
    let held: Vec<usize> = (0..items.len()).filter(|&i| items[i].held_out).collect();

    // Scores on the held-out rows.
    let model_scores: Vec<f64> = held
        .iter()
        .map(|&i| o.model.predict(&items[i].text).complexity)
        .collect();
    let base_scores: Option<Vec<f64>> = o.baseline.as_ref().map(|(_, m)| {
        held.iter()
            .map(|&i| m.predict(&items[i].text).complexity)
            .collect()
    });
    let head_scores: Vec<f64> = held
        .iter()
        .map(|&i| head.probability(&example(&items[i])))
        .collect();
    let mut prior: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for it in items.iter().filter(|i| !i.held_out) {
        let e = prior.entry(it.task.as_str()).or_default();
        e.0 += it.hard as usize;
        e.1 += 1;
    }
    let prior_scores: Vec<f64> = held
        .iter()
        .map(|&i| {
            prior
                .get(items[i].task.as_str())
                .map_or(0.0, |(h, n)| *h as f64 / *n as f64)
        })
        .collect();

    // LOSO over all rows.
    let all_ex: Vec<Example> = items.iter().map(example).collect();
    let folds = loso(&all_ex, &cfg, Some(&centre))?;
    let mut loso_idx = Vec::new();
    let mut loso_scores = Vec::new();
    for (_, idx, s) in &folds {
        loso_idx.extend_from_slice(idx);
        loso_scores.extend_from_slice(s);
    }

    let mut columns: Vec<(String, Vec<Line>)> = Vec::new();
    columns.push(("model".into(), table(&items, &held, &model_scores)));
    if let (Some((name, _)), Some(s)) = (&o.baseline, &base_scores) {
        columns.push((format!("baseline ({name})"), table(&items, &held, s)));
    }
    columns.push(("prior".into(), table(&items, &held, &prior_scores)));
    columns.push(("head".into(), table(&items, &held, &head_scores)));
    let loso_t = table(&items, &loso_idx, &loso_scores);

    writeln!(
        so,
        "\nheld-out rows (10 % by text hash): AUC / within-task AUC; LOSO: trained without the source, all its rows"
    )?;
    write!(so, "{:<12} {:>6} {:>5}", "source", "rows", "hard")?;
    for (name, _) in &columns {
        write!(so, "  {:>15}", short(name))?;
    }
    writeln!(so, "  {:>6} {:>15}", "rows", "LOSO")?;
    let n_rows = columns[0].1.len();
    for r in 0..n_rows {
        let (src, _, _, n, h) = &columns[0].1[r];
        write!(so, "{src:<12} {n:>6} {h:>5}")?;
        for (_, t) in &columns {
            write!(so, "  {:>7.4} / {:>5.3}", t[r].1, t[r].2)?;
        }
        match loso_t.iter().find(|x| x.0 == *src) {
            Some(l) => writeln!(so, "  {:>6} {:>7.4} / {:>5.3}", l.3, l.1, l.2)?,
            None => writeln!(so)?,
        }
    }
    for (name, _) in &columns {
        writeln!(so, "  {}: {name}", short(name))?;
    }

    // Within subject: inside each (source, task) stratum, e.g. one MMLU subject.
    writeln!(
        so,
        "\nwithin-subject AUC (inside each source × task, e.g. one MMLU subject; held-out rows, ≥ 5 hard and easy):"
    )?;
    let strata: Vec<String> = held
        .iter()
        .map(|&i| format!("{}|{}", items[i].source, items[i].task))
        .collect();
    let strata: Vec<&str> = strata.iter().map(String::as_str).collect();
    let hard_of: Vec<bool> = held.iter().map(|&i| items[i].hard).collect();
    let mut scorers: Vec<(&str, &Vec<f64>)> = vec![("model", &model_scores)];
    if let Some(s) = &base_scores {
        scorers.push(("baseline", s));
    }
    scorers.push(("head", &head_scores));
    for (name, s) in scorers {
        let (m, per) = within_group_auc(s, &hard_of, &strata, 5);
        writeln!(
            so,
            "  {name:<9} {:.4} over {} strata",
            m.unwrap_or(f64::NAN),
            per.len()
        )?;
    }

    // Per task inside all held-out rows, for the model and the head.
    writeln!(
        so,
        "\nwithin-task AUC per task (held-out rows, ≥ {MIN_EACH} hard and easy):"
    )?;
    let p: Vec<bool> = held.iter().map(|&i| items[i].hard).collect();
    let t: Vec<&str> = held.iter().map(|&i| items[i].task.as_str()).collect();
    let per_model = within_group_auc(&model_scores, &p, &t, MIN_EACH).1;
    let per_head = within_group_auc(&head_scores, &p, &t, MIN_EACH).1;
    let per_base = base_scores
        .as_ref()
        .map(|s| within_group_auc(s, &p, &t, MIN_EACH).1);
    for (k, (task, n, a)) in per_model.iter().enumerate() {
        let b = per_base
            .as_ref()
            .and_then(|v| v.get(k))
            .map_or(String::new(), |x| format!("  baseline {:.4}", x.2));
        writeln!(
            so,
            "  {task:<18} n={n:<5} model {a:.4}{b}  head {:.4}",
            per_head.get(k).map_or(f64::NAN, |x| x.2)
        )?;
    }

    if let Some(ts) = o.task_set {
        let set = load_set(Some(ts), &SetArgs::default())?;
        let labelled: Vec<(&str, &str)> = set
            .prompts
            .iter()
            .filter_map(|(_, r)| Some((r.text.as_str(), r.label.as_deref()?)))
            .collect();
        let g: Vec<&str> = labelled.iter().map(|x| x.1).collect();
        let mut models: Vec<(String, &Model)> = vec![("model".into(), &o.model)];
        if let Some((name, m)) = &o.baseline {
            models.push((format!("baseline ({name})"), m));
        }
        writeln!(
            so,
            "\nhow much complexity restates the task on {} ({} labelled prompts): η² = share of variance explained by the label",
            ts.display(),
            labelled.len()
        )?;
        let mut scored: Vec<(String, Vec<f64>)> = models
            .iter()
            .map(|(name, m)| {
                let s = labelled.iter().map(|x| m.predict(x.0).complexity).collect();
                (name.clone(), s)
            })
            .collect();
        // The head trained here, as the written model would score (4 decimals, like `predict`).
        let head_s = labelled
            .iter()
            .map(|x| {
                let p = o.model.predict(x.0);
                let it = Item {
                    text: x.0.to_string(),
                    hard: false,
                    source: String::new(),
                    group: String::new(),
                    task: p.label.clone(),
                    held_out: true,
                    probs: o.model.labels().iter().map(|l| p.score(l) as f32).collect(),
                    base: o.keep_column.then(|| o.model.complexity_column_logit(x.0)),
                };
                (head.probability(&example(&it)) * 1e4).round() / 1e4
            })
            .collect();
        scored.push(("head".into(), head_s));
        for (name, s) in scored {
            let mut means: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
            for (v, l) in s.iter().zip(&g) {
                let e = means.entry(l).or_default();
                e.0 += v;
                e.1 += 1;
            }
            let ms: Vec<String> = means
                .iter()
                .map(|(l, (v, n))| format!("{l} {:.2}", v / *n as f64))
                .collect();
            let lm: Vec<f64> = means.values().map(|(v, n)| v / *n as f64).collect();
            let (lo, hi) = lm
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                    (a.min(*x), b.max(*x))
                });
            let mean = s.iter().sum::<f64>() / s.len().max(1) as f64;
            let sd =
                (s.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / s.len().max(1) as f64).sqrt();
            let share = |t: f64| {
                100.0 * s.iter().filter(|x| **x > t).count() as f64 / s.len().max(1) as f64
            };
            writeln!(
                so,
                "  {name}: η² {:.3}; label means {lo:.2}–{hi:.2}; sd {sd:.3}; share > 0.6 {:.1} %, > 0.7 {:.1} %, > 0.75 {:.1} %, > 0.8 {:.1} %; mean per label: {}",
                eta_squared(&s, &g),
                share(0.6),
                share(0.7),
                share(0.75),
                share(0.8),
                ms.join(", ")
            )?;
        }
    }

    if let (Some(path), true) = (o.out, o.center_previous) {
        let bytes = o.model.to_bytes();
        std::fs::write(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        writeln!(
            so,
            "\nwrote {} ({} bytes): the model with its own complexity column centred per task",
            path.display(),
            bytes.len()
        )?;
    } else if let Some(path) = o.out {
        let kept = o.model.complexity_column();
        let column = match (&head.column, o.keep_column) {
            (Some((_, c, s)), _) => Some((c.as_slice(), *s)),
            (None, true) => Some((kept.0.as_slice(), kept.1 * head.base_weight)),
            (None, false) => None,
        };
        let m = o
            .model
            .with_difficulty_head(head.weights, head.bias, column, &head.task_offsets)
            .map_err(|e| e.to_string())?;
        let bytes = m.to_bytes();
        std::fs::write(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        writeln!(
            so,
            "\nwrote {} ({} bytes): the model with the difficulty head trained on the {} training rows",
            path.display(),
            bytes.len(),
            train.len()
        )?;
        print_head(&mut so, &head)?;
    }
    let head_all = &columns.iter().find(|c| c.0 == "head").map(|c| &c.1);
    let (ha, hw) = head_all
        .and_then(|t| t.last())
        .map_or((f64::NAN, f64::NAN), |x| (x.1, x.2));
    let lw = loso_t.last().map_or(f64::NAN, |x| x.2);
    writeln!(
        so,
        "\ntook {:.1} s ({} rows, {} held out, {} LOSO folds)",
        t0.elapsed().as_secs_f64(),
        items.len(),
        held.len(),
        folds.len()
    )?;
    if bad > 0 {
        writeln!(so, "skipped {bad} bad lines")?;
    }
    writeln!(
        so,
        "complexity_auc={ha:.4} within_task_auc={hw:.4} loso_within_task_auc={lw:.4}"
    )?;
    so.flush()?;
    Ok(Outcome::problems_if(bad > 0))
}

fn short(name: &str) -> &str {
    name.split(' ').next().unwrap_or(name)
}

fn print_head(so: &mut impl Write, head: &DenseHead) -> std::io::Result<()> {
    let names = routeplay_core::classifier::difficulty::NAMES;
    let mut w: Vec<(f32, &str)> = head.weights.iter().copied().zip(names).collect();
    w.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    let s: Vec<String> = w.iter().map(|(x, n)| format!("{n} {x:+.2}")).collect();
    writeln!(
        so,
        "head weights (largest first): {}; bias {:+.2}",
        s.join(", "),
        head.bias
    )
}
