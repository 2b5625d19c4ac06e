//! Leave-one-source-out (LOSO) evaluation: for each source group, train without it and score on
//! it. It measures what users see — prompts from sources the model never trained on — instead
//! of how well the model fits the style of its own training data.
//!
//! Pure and single-threaded: the caller (the CLI's `routeplay eval --loso`) runs the folds in
//! parallel and times them. Features are computed once for every row ([`LosoData::new`]); each
//! fold re-runs augmentation on its own training rows only, so a held-out group's passages never
//! reach training through re-wrapping.

use super::augment::augment;
use super::calibrate;
use super::clean::{stable_hash, Row};
use super::metrics::Confusion;
use super::train::{featurize, train_float, Feats, TrainConfig};
use std::collections::BTreeMap;

/// The LOSO group of a row's `source`: one upstream dataset or one project file.
/// `mmlu+routellm/law` → `mmlu`, `gsm8k_train` and `gsm8k_test+routellm` → `gsm8k`,
/// `aqua_rat_dev` → `aqua_rat`, `p3/xsum_…` → `p3`, `routeplay/hand` → `routeplay-own`,
/// a path such as `data/eval/routeplay-eval.jsonl` → `routeplay-eval`.
pub fn loso_group(source: &str) -> String {
    if source.ends_with(".jsonl") || source.ends_with(".csv") {
        let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
        return name.rsplit_once('.').map_or(name, |(s, _)| s).to_string();
    }
    let head = &source[..source.find(['/', '+']).unwrap_or(source.len())];
    if head == "routeplay" {
        return "routeplay-own".into();
    }
    if head.starts_with("writingprompts") {
        return "writingprompts".into();
    }
    let mut g = head;
    for suffix in ["_train", "_test", "_dev"] {
        g = g.strip_suffix(suffix).unwrap_or(g);
    }
    g.to_string()
}

/// How a model is trained: the [`TrainConfig`] plus the augmentation size.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// SGD, regularisation and size settings.
    pub train: TrainConfig,
    /// Augmented (re-wrapped passage) rows per label; 0 disables augmentation.
    pub augment: usize,
}

/// Rows with their features and groups, computed once for all folds.
pub struct LosoData {
    rows: Vec<Row>,
    feats: Vec<Feats>,
    groups: Vec<String>,
    /// Rows that are only scored, never trained on (evaluation sets).
    score_only: Vec<bool>,
}

impl LosoData {
    /// Prepares `rows` (already cleaned); `score_only[i]` marks rows never trained on.
    pub fn new(rows: Vec<Row>, score_only: Vec<bool>) -> LosoData {
        let feats = rows.iter().map(|r| featurize(&r.text)).collect();
        let groups = rows.iter().map(|r| loso_group(&r.source)).collect();
        LosoData {
            rows,
            feats,
            groups,
            score_only,
        }
    }

    /// The groups that have labelled rows, sorted.
    pub fn groups(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&String> = self
            .groups
            .iter()
            .zip(&self.rows)
            .filter(|(_, r)| r.label.is_some())
            .map(|(g, _)| g)
            .collect();
        set.into_iter().cloned().collect()
    }

    /// Labelled rows of `group`, by label.
    pub fn label_counts(&self, group: &str) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for (r, g) in self.rows.iter().zip(&self.groups) {
            if let (Some(l), true) = (&r.label, g == group) {
                *m.entry(l.clone()).or_default() += 1;
            }
        }
        m
    }
}

/// The held-out predictions of one fold.
#[derive(Debug, Clone)]
pub struct Fold {
    /// The held-out group.
    pub group: String,
    /// The fold model's labels (index space of `gold` and the logits).
    pub labels: Vec<String>,
    /// Gold label index per scored row (`None` when the fold model never saw that label).
    pub gold: Vec<Option<usize>>,
    /// Gold label names per scored row.
    pub gold_names: Vec<String>,
    /// Task logits of the float (unquantised) weights.
    pub float_logits: Vec<Vec<f32>>,
    /// Task logits of the i8 model (what ships).
    pub int8_logits: Vec<Vec<f32>>,
}

fn argmax(z: &[f32]) -> usize {
    (0..z.len())
        .max_by(|&a, &b| z[a].total_cmp(&z[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}

impl Fold {
    /// Confusion of the int8 (`int8 = true`) or float predictions.
    pub fn confusion(&self, int8: bool) -> Confusion {
        let logits = if int8 {
            &self.int8_logits
        } else {
            &self.float_logits
        };
        let preds: Vec<&str> = logits
            .iter()
            .map(|z| self.labels[argmax(z)].as_str())
            .collect();
        Confusion::from_pairs(
            self.gold_names
                .iter()
                .zip(&preds)
                .map(|(g, p)| (g.as_str(), *p)),
        )
    }
}

/// Trains without `group` and scores its labelled rows: at most `max_per_label` rows per label
/// (chosen by text hash, deterministic; 0 = all).
pub fn run_fold(
    data: &LosoData,
    group: &str,
    recipe: &Recipe,
    max_per_label: usize,
) -> Result<Fold, String> {
    let train_idx: Vec<usize> = (0..data.rows.len())
        .filter(|&i| data.groups[i] != group && !data.score_only[i])
        .collect();
    let train_rows: Vec<Row> = train_idx.iter().map(|&i| data.rows[i].clone()).collect();
    let extra = if recipe.augment > 0 {
        augment(&train_rows, recipe.augment, recipe.train.seed)
    } else {
        Vec::new()
    };
    let extra_feats: Vec<Feats> = extra.iter().map(|r| featurize(&r.text)).collect();
    let mut examples: Vec<(&Row, &Feats)> = train_idx
        .iter()
        .map(|&i| (&data.rows[i], &data.feats[i]))
        .collect();
    examples.extend(extra.iter().zip(&extra_feats));
    let cfg = TrainConfig {
        complexity_epochs: 0,
        ..recipe.train.clone()
    };
    let (fm, _) = train_float(&examples, &cfg)?;
    let model = fm.quantize(1.0, &[])?;
    let labels = fm.labels().to_vec();

    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for i in 0..data.rows.len() {
        if data.groups[i] == group {
            if let Some(l) = &data.rows[i].label {
                by_label.entry(l).or_default().push(i);
            }
        }
    }
    let mut scored = Vec::new();
    for (_, mut idx) in by_label {
        if max_per_label > 0 && idx.len() > max_per_label {
            idx.sort_by_key(|&i| stable_hash(&data.rows[i].text));
            idx.truncate(max_per_label);
        }
        scored.extend(idx);
    }
    scored.sort_unstable();
    let l = labels.len();
    let mut fold = Fold {
        group: group.to_string(),
        labels: labels.clone(),
        gold: Vec::new(),
        gold_names: Vec::new(),
        float_logits: Vec::new(),
        int8_logits: Vec::new(),
    };
    for i in scored {
        let name = data.rows[i].label.clone().unwrap_or_default();
        fold.gold.push(labels.iter().position(|x| *x == name));
        fold.gold_names.push(name);
        let mut z = vec![0f32; l];
        fm.logits(&data.feats[i], &mut z);
        fold.float_logits.push(z);
        let mut z = vec![0f32; l];
        model.task_logits(&data.feats[i], &mut z);
        fold.int8_logits.push(z);
    }
    Ok(fold)
}

/// Macro-F1 of argmax(logits + offsets) against `gold` (label indices; rows whose gold label the
/// model lacks count as errors through `n_labels`).
fn macro_f1_with(logits: &[&[f32]], gold: &[usize], offsets: &[f32], n_labels: usize) -> f64 {
    let mut tp = vec![0usize; n_labels + 1];
    let mut pred = vec![0usize; n_labels + 1];
    let mut sup = vec![0usize; n_labels + 1];
    for (z, &g) in logits.iter().zip(gold) {
        let mut best = 0;
        let mut bv = f32::NEG_INFINITY;
        for (k, (&x, &o)) in z.iter().zip(offsets).enumerate() {
            if x + o > bv {
                bv = x + o;
                best = k;
            }
        }
        pred[best] += 1;
        sup[g] += 1;
        if best == g {
            tp[best] += 1;
        }
    }
    let mut sum = 0.0;
    let mut n = 0;
    for k in 0..n_labels {
        if sup[k] == 0 {
            continue;
        }
        n += 1;
        let p = if pred[k] == 0 {
            0.0
        } else {
            tp[k] as f64 / pred[k] as f64
        };
        let r = tp[k] as f64 / sup[k] as f64;
        if p + r > 0.0 {
            sum += 2.0 * p * r / (p + r);
        }
    }
    sum / n.max(1) as f64
}

/// Per-label logit offsets that maximise the macro-F1 of `folds`' pooled held-out int8
/// predictions (coordinate search over -2..2 in steps of 0.1, three passes; deterministic).
/// They move the decision boundaries of labels the model over- or under-predicts on unseen
/// sources (issue 11: `qa` is a catch-all). Folded into the shipped model's biases.
pub fn fit_offsets(folds: &[&Fold]) -> Vec<f32> {
    let Some(first) = folds.first() else {
        return Vec::new();
    };
    let l = first.labels.len();
    let mut logits: Vec<&[f32]> = Vec::new();
    let mut gold = Vec::new();
    for f in folds {
        for (z, g) in f.int8_logits.iter().zip(&f.gold_names) {
            logits.push(z);
            gold.push(first.labels.iter().position(|x| x == g).unwrap_or(l));
        }
    }
    let mut off = vec![0f32; l];
    let mut best = macro_f1_with(&logits, &gold, &off, l);
    for _ in 0..3 {
        for k in 0..l {
            let keep = off[k];
            let mut best_v = keep;
            for step in -20..=20 {
                off[k] = step as f32 * 0.1;
                let f1 = macro_f1_with(&logits, &gold, &off, l);
                if f1 > best + 1e-9 {
                    best = f1;
                    best_v = off[k];
                }
            }
            off[k] = best_v;
        }
    }
    off
}

/// Per-group macro-F1 (int8) when each group's predictions use offsets fitted on the *other*
/// groups only (nested, so the estimate is honest), and their mean.
pub fn nested_offset_f1(folds: &[Fold]) -> (Vec<f64>, f64) {
    let mut per = Vec::new();
    for (i, f) in folds.iter().enumerate() {
        let others: Vec<&Fold> = folds
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, f)| f)
            .collect();
        let off = fit_offsets(&others);
        let preds: Vec<String> = f
            .int8_logits
            .iter()
            .map(|z| {
                let shifted: Vec<f32> = z.iter().zip(&off).map(|(a, b)| a + b).collect();
                f.labels[argmax(&shifted)].clone()
            })
            .collect();
        let c = Confusion::from_pairs(
            f.gold_names
                .iter()
                .zip(&preds)
                .map(|(g, p)| (g.as_str(), p.as_str())),
        );
        per.push(c.macro_f1());
    }
    let mean = per.iter().sum::<f64>() / per.len().max(1) as f64;
    (per, mean)
}

/// Per-group and summary figures of a LOSO run.
#[derive(Debug, Clone)]
pub struct Summary {
    /// (group, scored rows, int8 macro-F1, float macro-F1, int8 accuracy), by group name.
    pub per_group: Vec<(String, usize, f64, f64, f64)>,
    /// Mean over groups of the int8 macro-F1 (the headline).
    pub mean_int8: f64,
    /// Mean over groups of the float macro-F1.
    pub mean_float: f64,
    /// Macro-F1 of all held-out predictions pooled (int8): precision counts across groups.
    pub pooled_int8: Confusion,
    /// Per-label logit offsets fitted on all folds' pooled held-out predictions.
    pub offsets: Vec<(String, f32)>,
    /// Per-group int8 macro-F1 with offsets fitted on the other groups only (nested).
    pub nested_offset_f1: Vec<f64>,
    /// Their mean: the honest LOSO estimate of the offsets' effect.
    pub mean_nested_offset_f1: f64,
    /// The temperature fitted on the pooled held-out int8 logits plus offsets.
    pub temperature: f32,
    /// Expected calibration error (15 bins) of the pooled int8 predictions as trained (no
    /// offsets, T = 1).
    pub ece_before: f64,
    /// The same with the offsets and the fitted temperature.
    pub ece_after: f64,
    /// The temperature fitted on the pooled held-out int8 logits alone (no offsets): what the
    /// shipped model folds in (the offsets did not improve mean LOSO macro-F1 when nested).
    pub temperature_only: f32,
    /// ECE with that temperature alone.
    pub ece_temperature_only: f64,
}

/// Summarises folds (all trained on the same label set).
pub fn summarize(folds: &[Fold]) -> Summary {
    let mut per_group = Vec::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut logits = Vec::new();
    let mut gold = Vec::new();
    for f in folds {
        let ci = f.confusion(true);
        let cf = f.confusion(false);
        per_group.push((
            f.group.clone(),
            f.gold.len(),
            ci.macro_f1(),
            cf.macro_f1(),
            ci.accuracy(),
        ));
        for (z, (g, name)) in f.int8_logits.iter().zip(f.gold.iter().zip(&f.gold_names)) {
            pairs.push((name.clone(), f.labels[argmax(z)].clone()));
            if let Some(g) = g {
                logits.push(z.clone());
                gold.push(*g);
            }
        }
    }
    let n = per_group.len().max(1) as f64;
    let mean_int8 = per_group.iter().map(|g| g.2).sum::<f64>() / n;
    let mean_float = per_group.iter().map(|g| g.3).sum::<f64>() / n;
    let pooled_int8 = Confusion::from_pairs(pairs.iter().map(|(g, p)| (g.as_str(), p.as_str())));
    let ece_before = calibrate::ece(&calibrate::top_items(&logits, &gold, 1.0), 15);
    let t_only = calibrate::fit_temperature(&logits, &gold);
    let ece_temperature_only = calibrate::ece(&calibrate::top_items(&logits, &gold, t_only), 15);
    let all: Vec<&Fold> = folds.iter().collect();
    let off = fit_offsets(&all);
    let shifted: Vec<Vec<f32>> = logits
        .iter()
        .map(|z| z.iter().zip(&off).map(|(a, b)| a + b).collect())
        .collect();
    let temperature = calibrate::fit_temperature(&shifted, &gold);
    let ece_after = calibrate::ece(&calibrate::top_items(&shifted, &gold, temperature), 15);
    let (nested_offset_f1, mean_nested_offset_f1) = nested_offset_f1(folds);
    let offsets = folds
        .first()
        .map(|f| f.labels.iter().cloned().zip(off.iter().copied()).collect())
        .unwrap_or_default();
    Summary {
        per_group,
        mean_int8,
        mean_float,
        pooled_int8,
        offsets,
        nested_offset_f1,
        mean_nested_offset_f1,
        temperature,
        ece_before,
        ece_after,
        temperature_only: t_only,
        ece_temperature_only,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_of_sources() {
        for (s, g) in [
            ("mmlu+routellm/law", "mmlu"),
            ("gsm8k_train", "gsm8k"),
            ("gsm8k_test+routellm", "gsm8k"),
            ("aqua_rat_dev", "aqua_rat"),
            ("p3/xsum_summarize_this", "p3"),
            ("routeplay/hand", "routeplay-own"),
            ("writingprompts_lumenwrites", "writingprompts"),
            ("data/eval/routeplay-eval.jsonl", "routeplay-eval"),
            ("dolly15k", "dolly15k"),
        ] {
            assert_eq!(loso_group(s), g, "{s}");
        }
    }

    fn row(t: &str, l: &str, s: &str) -> Row {
        Row {
            text: t.into(),
            label: Some(l.into()),
            source: s.into(),
            hard: None,
        }
    }

    #[test]
    fn a_fold_never_trains_on_its_group_and_scores_only_it() {
        let mut rows = Vec::new();
        for i in 0..20 {
            rows.push(row(&format!("great lovely product {i}"), "pos", "a"));
            rows.push(row(&format!("awful broken thing {i}"), "neg", "a"));
            rows.push(row(&format!("great wonderful day {i}"), "pos", "b"));
            rows.push(row(&format!("awful terrible day {i}"), "neg", "b"));
        }
        rows.push(row("zebra zebra zebra", "pos", "eval.jsonl"));
        let n = rows.len();
        let mut only = vec![false; n];
        only[n - 1] = true;
        let data = LosoData::new(rows, only);
        assert_eq!(data.groups(), vec!["a", "b", "eval"]);
        let recipe = Recipe {
            train: TrainConfig {
                log2_buckets: 12,
                per_label: 50,
                epochs: 3,
                ..TrainConfig::default()
            },
            augment: 0,
        };
        let f = run_fold(&data, "b", &recipe, 5).unwrap();
        assert_eq!(f.gold.len(), 10, "5 per label");
        assert!(f.confusion(true).accuracy() > 0.9, "great/awful carry over");
        let e = run_fold(&data, "eval", &recipe, 0).unwrap();
        assert_eq!(e.gold_names, vec!["pos"]);
        let s = summarize(&[f, e]);
        assert_eq!(s.per_group.len(), 2);
        assert!(s.temperature > 0.0 && s.ece_after.is_finite() && s.ece_before.is_finite());
    }
}
