//! Complexity that tracks failures: the target ("a weak model fails where a strong one
//! succeeds"), the difficulty head trained on [`super::difficulty`] features, and the AUC
//! figures that judge it (overall, per source, within each task so a subject prior cannot
//! score, and leave-one-source-out).
//!
//! # Target
//!
//! - Boolean outcomes (RouteLLM GSM8K/MMLU: `gpt-4-1106-preview` and `mixtral-8x7b-instruct`
//!   correct or not) → [`pair_target`]: *hard* when the strong model is right and the weak one
//!   wrong (routing to the strong model pays), *easy* when the weak model is right, and no
//!   target when both fail (no model in the pair helps; often a bad key).
//! - Win rates against a reference over many models (AlpacaEval) → [`win_rate_gap_targets`]:
//!   models ranked by their mean win rate over the file; per instruction, the *gap* = mean win
//!   rate of the strongest `n_strong` models − mean of the weakest `n_weak`; hard when the gap is
//!   above the median (the weak models lose where the strong ones win).
//!
//! # Head
//!
//! A linear logit over the [`DIFFICULTY_FEATURES`] dense features, trained with a *pairwise*
//! logistic loss on (hard, easy) pairs drawn from the same stratum (source × task label): a
//! feature that is constant within a stratum (the subject) gets no gradient, so the head learns
//! what makes one prompt harder than another of the same kind. The score is then scaled so that
//! the output reads as a rank: sigmoid(1.7 × standardised score) ≈ the share of the training
//! prompts that score lower (0.5 = typical). It is not a calibrated probability of failure: the
//! signal is weak (see docs/model-card.md), and a calibrated probability would sit in a narrow
//! band around the base rate where no policy threshold could use it. See [`fit`].
//!
//! The shipped head is *monotone* ([`ComplexityConfig::monotone`], [`EFFORT_SIGNS`]: a cue of
//! effort can only raise complexity, an easy cue only lower it) and *centred per task*
//! ([`DenseHead::center_on_logits`]: 0.5 = a typical prompt of its task), so complexity says
//! how demanding a prompt is for its kind and `task` carries the subject.

use super::difficulty::{difficulty_features, DIFFICULTY_FEATURES};
use super::metrics::roc_auc;
use super::train::{featurize, Feats, Rng};
use std::collections::BTreeMap;

/// The strong model of the RouteLLM outcome rows.
pub const ROUTELLM_STRONG: &str = "gpt-4-1106-preview";

/// Target of a strong/weak pair of boolean outcomes: `Some(true)` (hard) when the strong model
/// is right and the weak one wrong, `Some(false)` when the weak model is right, `None` when both
/// are wrong.
pub fn pair_target(strong_correct: bool, weak_correct: bool) -> Option<bool> {
    match (strong_correct, weak_correct) {
        (true, false) => Some(true),
        (_, true) => Some(false),
        (false, false) => None,
    }
}

/// Target of a row's boolean outcomes (model → correct). With [`ROUTELLM_STRONG`] and exactly
/// one other model: [`pair_target`]. Otherwise (no known strong model): hard when some models
/// are right and others wrong, easy when all are right, none when all are wrong. `None` too when
/// there are fewer than two outcomes.
pub fn boolean_target(outcomes: &BTreeMap<String, bool>) -> Option<bool> {
    if outcomes.len() < 2 {
        return None;
    }
    if let (Some(&strong), 2) = (outcomes.get(ROUTELLM_STRONG), outcomes.len()) {
        let weak = outcomes
            .iter()
            .find(|(k, _)| k.as_str() != ROUTELLM_STRONG)
            .map(|(_, v)| *v)?;
        return pair_target(strong, weak);
    }
    let right = outcomes.values().filter(|v| **v).count();
    match right {
        0 => None,
        n if n == outcomes.len() => Some(false),
        _ => Some(true),
    }
}

/// The AlpacaEval-style target of many rows of win rates, and how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct GapTargets {
    /// The strong models (highest mean win rate first).
    pub strong: Vec<String>,
    /// The weak models (weakest last).
    pub weak: Vec<String>,
    /// Per row: mean win rate of the strong models minus that of the weak ones (`None` when
    /// the row has none of either).
    pub gaps: Vec<Option<f64>>,
    /// The median gap: rows above it are hard.
    pub median: f64,
    /// Per row: the target.
    pub targets: Vec<Option<bool>>,
}

/// Targets from per-row win rates (model → win probability against a reference): models are
/// ranked by their mean win rate over all rows (models in `ignore`, e.g. the reference itself
/// and sanity baselines, are left out); the top `n_strong` are strong, the bottom `n_weak` weak;
/// a row is hard when its gap (strong mean − weak mean) is above the median gap.
pub fn win_rate_gap_targets(
    rows: &[BTreeMap<String, f64>],
    n_strong: usize,
    n_weak: usize,
    ignore: &[&str],
) -> GapTargets {
    let mut sums: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for r in rows {
        for (m, &v) in r {
            if v.is_finite() && !ignore.contains(&m.as_str()) {
                let e = sums.entry(m.as_str()).or_default();
                e.0 += v;
                e.1 += 1;
            }
        }
    }
    let mut ranked: Vec<(f64, &str)> = sums.iter().map(|(m, (s, n))| (s / *n as f64, *m)).collect();
    // Highest mean first; ties by name (deterministic).
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let n_strong = n_strong.min(ranked.len() / 2);
    let n_weak = n_weak.min(ranked.len() - n_strong);
    let strong: Vec<String> = ranked[..n_strong].iter().map(|x| x.1.to_string()).collect();
    let weak: Vec<String> = ranked[ranked.len() - n_weak..]
        .iter()
        .map(|x| x.1.to_string())
        .collect();
    let mean_of = |r: &BTreeMap<String, f64>, set: &[String]| {
        let v: Vec<f64> = set
            .iter()
            .filter_map(|m| r.get(m))
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let gaps: Vec<Option<f64>> = rows
        .iter()
        .map(|r| Some(mean_of(r, &strong)? - mean_of(r, &weak)?))
        .collect();
    let mut sorted: Vec<f64> = gaps.iter().flatten().copied().collect();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let targets = gaps.iter().map(|g| g.map(|g| g > median)).collect();
    GapTargets {
        strong,
        weak,
        gaps,
        median,
        targets,
    }
}

/// One training or evaluation row of the complexity head.
#[derive(Debug, Clone)]
pub struct Example {
    /// [`difficulty_features`] of the prompt.
    pub feats: [f32; DIFFICULTY_FEATURES],
    /// The target.
    pub hard: bool,
    /// Pairs are drawn within a stratum (e.g. `mmlu+routellm/law|qa`).
    pub stratum: String,
    /// The source group (e.g. `mmlu`): groups are drawn by sqrt(size), and the probability fit
    /// weights each group by sqrt(size).
    pub group: String,
    /// Hashed word features (the task head's), for the optional lexical column.
    pub lex: Feats,
    /// The task model's probability per label (label order of the model), for centring per
    /// task; empty when unknown.
    pub task_probs: Vec<f32>,
    /// An existing complexity score to keep as one more input (e.g. the base model's hashed
    /// complexity column, [`super::Model::complexity_column_logit`]); its fitted weight is
    /// [`DenseHead::base_weight`].
    pub base: Option<f32>,
}

impl Example {
    /// An example from a prompt's text.
    pub fn new(text: &str, hard: bool, stratum: String, group: String) -> Example {
        let mut feats = [0f32; DIFFICULTY_FEATURES];
        difficulty_features(text, &mut feats);
        Example {
            feats,
            hard,
            stratum,
            group,
            lex: featurize(text),
            task_probs: Vec::new(),
            base: None,
        }
    }

    /// The same example with an existing complexity logit as one more input.
    pub fn with_base(mut self, base: f32) -> Example {
        self.base = Some(base);
        self
    }

    /// The same example with the task model's probabilities (for [`DenseHead::center`]).
    pub fn with_task_probs(mut self, probs: Vec<f32>) -> Example {
        self.task_probs = probs;
        self
    }
}

/// Mean difficulty features per label: `rows` gives (text, label index < `n_labels`). Labels
/// without rows get the mean over all rows.
pub fn task_means<'a>(
    rows: impl IntoIterator<Item = (&'a str, usize)>,
    n_labels: usize,
) -> Vec<[f32; DIFFICULTY_FEATURES]> {
    let mut sums = vec![([0f64; DIFFICULTY_FEATURES], 0usize); n_labels];
    let mut all = ([0f64; DIFFICULTY_FEATURES], 0usize);
    let mut f = [0f32; DIFFICULTY_FEATURES];
    for (text, k) in rows {
        if k >= n_labels {
            continue;
        }
        difficulty_features(text, &mut f);
        for acc in [&mut sums[k].0, &mut all.0] {
            for (a, x) in acc.iter_mut().zip(&f) {
                *a += *x as f64;
            }
        }
        sums[k].1 += 1;
        all.1 += 1;
    }
    sums.iter()
        .map(|(s, n)| {
            let (s, n) = if *n == 0 { (&all.0, all.1) } else { (s, *n) };
            let mut m = [0f32; DIFFICULTY_FEATURES];
            for (o, x) in m.iter_mut().zip(s) {
                *o = (x / n.max(1) as f64) as f32;
            }
            m
        })
        .collect()
}

/// Hard and easy row indices of one stratum.
type Stratum = (Vec<usize>, Vec<usize>);

/// One leave-one-source-out fold: (group, its row indices, their scores).
pub type LosoFold = (String, Vec<usize>, Vec<f64>);

/// Settings of [`fit`]. The default is what `routeplay eval --complexity` trains.
#[derive(Debug, Clone)]
pub struct ComplexityConfig {
    /// SGD steps (one (hard, easy) pair each).
    pub steps: usize,
    /// Initial learning rate (decays linearly to 10 %).
    pub lr: f32,
    /// L2 penalty on the (standardised) weights.
    pub l2: f32,
    /// Seed.
    pub seed: u64,
    /// log2 of the hash buckets of a lexical column trained with the dense weights (the same
    /// hashed features as the task head, pairs within strata as well); `None` = dense only.
    pub lexical_buckets: Option<u8>,
    /// Learning rate of the lexical column.
    pub lexical_lr: f32,
    /// Train the dense difficulty weights (`false`: the lexical column alone).
    pub dense: bool,
    /// Only these difficulty features (indices into [`super::difficulty::NAMES`]) get a
    /// weight; `None` = all of them.
    pub features: Option<Vec<usize>>,
    /// Keep each weight on the side [`EFFORT_SIGNS`] gives it (features without a sign get
    /// none): the data sets how much a cue of effort counts, never that it makes a prompt
    /// easier.
    pub monotone: bool,
}

/// The direction a difficulty feature can move complexity in a monotone head
/// ([`ComplexityConfig::monotone`]), in [`super::difficulty::NAMES`] order: +1 = more of it can
/// only make a prompt harder (length and lines of the instruction, sentences, clauses,
/// constraints, parts, reasoning and instruction verbs, long words), −1 = only easier (easy
/// cues: "briefly", "one word", "hi"), 0 = not used. Left out after measuring (docs/model-card.md,
/// Complexity): list items and format cues, which MMLU's numbered statements and reading
/// passages made the strongest cues there while a bulleted note to summarise or "in a table"
/// is not what makes a prompt hard (held-out within-task AUC 0.568 with format cues, 0.574
/// without); numbers, operators, questions and the other counts, whose direction differs
/// between word problems and multiple-choice stems.
pub const EFFORT_SIGNS: [i8; DIFFICULTY_FEATURES] = [
    1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0,
];

impl Default for ComplexityConfig {
    fn default() -> Self {
        ComplexityConfig {
            steps: 200_000,
            lr: 0.05,
            l2: 1e-3,
            seed: 20_261_201,
            lexical_buckets: None,
            lexical_lr: 0.005,
            dense: true,
            features: None,
            monotone: false,
        }
    }
}

/// A trained difficulty head: complexity = sigmoid(bias + weights · features), a difficulty rank
/// in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct DenseHead {
    /// One weight per difficulty feature.
    pub weights: [f32; DIFFICULTY_FEATURES],
    /// The bias.
    pub bias: f32,
    /// The lexical column (when trained): log2 buckets, i8 weight per bucket, and its scale.
    pub column: Option<(u8, Vec<i8>, f32)>,
    /// Per task label, the logit of that label's mean prompt (see [`DenseHead::center`]);
    /// empty = no centring.
    pub task_offsets: Vec<f32>,
    /// Weight of [`Example::base`] (0 when the examples had none).
    pub base_weight: f32,
}

impl DenseHead {
    /// The logit of pre-computed features.
    pub fn logit(&self, e: &Example) -> f32 {
        let mut z = self.bias
            + self
                .weights
                .iter()
                .zip(&e.feats)
                .map(|(w, x)| w * x)
                .sum::<f32>();
        if let Some((log2, col, scale)) = &self.column {
            let mask = (1u32 << log2) - 1;
            let mut acc = 0f32;
            for &id in &e.lex.ids {
                acc += col[(id & mask) as usize] as f32 * e.lex.norms[(id >> 30) as usize];
            }
            z += scale * acc;
        }
        z += self.base_weight * e.base.unwrap_or(0.0);
        if !self.task_offsets.is_empty() && e.task_probs.len() == self.task_offsets.len() {
            z -= self
                .task_offsets
                .iter()
                .zip(&e.task_probs)
                .map(|(c, p)| c * p)
                .sum::<f32>();
        }
        z
    }

    /// Centres the head per task: afterwards the logit is
    /// `bias + weights · f − Σ_k p_k (bias + weights · means[k])`, so a prompt with the mean
    /// features of its task (by the task model's probabilities `p`) scores 0.5, and complexity
    /// says how much harder than a typical prompt *of its task* a prompt looks. The task prior
    /// drops out: `task` carries the subject, `complexity` the difficulty within it.
    pub fn center(&mut self, means: &[[f32; DIFFICULTY_FEATURES]]) {
        self.task_offsets = means
            .iter()
            .map(|m| self.bias + self.weights.iter().zip(m).map(|(w, x)| w * x).sum::<f32>())
            .collect();
    }

    /// Centres the head per task on mean *logits*: `rows` are (example, label index <
    /// `n_labels`), e.g. the labelled rows the task model trains on; afterwards the logit is
    /// the uncentred logit − Σ_k p_k × (mean uncentred logit of label k's rows), so a prompt
    /// that scores like the typical prompt of its task gets 0.5, whatever the task. Unlike
    /// [`DenseHead::center`] this includes the lexical column. Labels without rows get the mean
    /// over all rows.
    pub fn center_on_logits(&mut self, rows: &[(Example, usize)], n_labels: usize) {
        self.task_offsets.clear();
        let mut sums = vec![(0f64, 0usize); n_labels];
        let mut all = (0f64, 0usize);
        for (e, k) in rows {
            let z = self.logit(e) as f64;
            if let Some(s) = sums.get_mut(*k) {
                s.0 += z;
                s.1 += 1;
            }
            all.0 += z;
            all.1 += 1;
        }
        let fallback = all.0 / all.1.max(1) as f64;
        self.task_offsets = sums
            .iter()
            .map(|(s, n)| if *n == 0 { fallback } else { s / *n as f64 } as f32)
            .collect();
    }

    /// The complexity of an example, in [0, 1] (0.5 = a typical training prompt).
    pub fn probability(&self, e: &Example) -> f64 {
        1.0 / (1.0 + (-(self.logit(e) as f64)).exp())
    }
}

/// Trains a [`DenseHead`] on `examples` (see the module docs). Needs at least one stratum with
/// both hard and easy rows.
pub fn fit(examples: &[Example], cfg: &ComplexityConfig) -> Result<DenseHead, String> {
    let n = examples.len();
    if n == 0 {
        return Err("no rows with a complexity target".into());
    }
    // Standardise.
    let mut mean = [0f64; DIFFICULTY_FEATURES];
    let mut sd = [0f64; DIFFICULTY_FEATURES];
    for e in examples {
        for (m, &x) in mean.iter_mut().zip(&e.feats) {
            *m += x as f64 / n as f64;
        }
    }
    for e in examples {
        for ((s, &x), m) in sd.iter_mut().zip(&e.feats).zip(&mean) {
            *s += (x as f64 - m).powi(2) / n as f64;
        }
    }
    let sd: Vec<f64> = sd.iter().map(|v| v.sqrt().max(1e-3)).collect();
    let z = |e: &Example| -> [f32; DIFFICULTY_FEATURES] {
        let mut o = [0f32; DIFFICULTY_FEATURES];
        for j in 0..DIFFICULTY_FEATURES {
            o[j] = ((e.feats[j] as f64 - mean[j]) / sd[j]) as f32;
        }
        o
    };
    let zs: Vec<[f32; DIFFICULTY_FEATURES]> = examples.iter().map(z).collect();
    // The base score, standardised, as one more input.
    let use_base = examples.iter().all(|e| e.base.is_some());
    let bases: Vec<f64> = examples
        .iter()
        .map(|e| e.base.unwrap_or(0.0) as f64)
        .collect();
    let b_mean = bases.iter().sum::<f64>() / n as f64;
    let b_sd = (bases.iter().map(|x| (x - b_mean).powi(2)).sum::<f64>() / n as f64)
        .sqrt()
        .max(1e-3);
    let zb: Vec<f32> = bases
        .iter()
        .map(|x| {
            if use_base {
                ((x - b_mean) / b_sd) as f32
            } else {
                0.0
            }
        })
        .collect();
    let mut wb = 0f32;
    let mut wb_avg = 0f64;

    // Strata with both classes, by group.
    let mut strata: BTreeMap<(&str, &str), Stratum> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        let s = strata
            .entry((e.group.as_str(), e.stratum.as_str()))
            .or_default();
        if e.hard {
            s.0.push(i);
        } else {
            s.1.push(i);
        }
    }
    let mut groups: BTreeMap<&str, Vec<Stratum>> = BTreeMap::new();
    for ((g, _), (p, q)) in strata {
        if !p.is_empty() && !q.is_empty() {
            groups.entry(g).or_default().push((p, q));
        }
    }
    if groups.is_empty() {
        return Err("no stratum has both hard and easy rows".into());
    }
    let groups: Vec<Vec<Stratum>> = groups.into_values().collect();
    let size = |s: &Stratum| (s.0.len() + s.1.len()) as f64;
    let gw: Vec<f64> = groups
        .iter()
        .map(|g| g.iter().map(size).sum::<f64>().sqrt())
        .collect();
    let pick = |rng: &mut Rng, w: &[f64]| {
        let mut x = rng.unit() * w.iter().sum::<f64>();
        let mut i = 0;
        while i + 1 < w.len() && x >= w[i] {
            x -= w[i];
            i += 1;
        }
        i
    };
    let sw: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| g.iter().map(size).collect())
        .collect();

    // Pairwise logistic SGD, averaged over the second half.
    let mut rng = Rng::new(cfg.seed);
    let mut w = [0f32; DIFFICULTY_FEATURES];
    let mut avg = [0f64; DIFFICULTY_FEATURES];
    let trained: [bool; DIFFICULTY_FEATURES] = std::array::from_fn(|j| {
        cfg.dense
            && cfg.features.as_ref().is_none_or(|only| only.contains(&j))
            && (!cfg.monotone || EFFORT_SIGNS[j] != 0)
    });
    let mut n_avg = 0usize;
    let mut d = [0f32; DIFFICULTY_FEATURES];
    let lex_mask = cfg.lexical_buckets.map(|b| (1u32 << b.clamp(10, 22)) - 1);
    let mut v = vec![0f32; lex_mask.map_or(0, |m| m as usize + 1)];
    let sparse = |v: &[f32], f: &Feats, mask: u32| -> f32 {
        f.ids
            .iter()
            .map(|&id| v[(id & mask) as usize] * f.norms[(id >> 30) as usize])
            .sum()
    };
    for step in 0..cfg.steps {
        let gi = pick(&mut rng, &gw);
        let si = pick(&mut rng, &sw[gi]);
        let (pos, neg) = &groups[gi][si];
        let (ia, ib) = (pos[rng.below(pos.len())], neg[rng.below(neg.len())]);
        let (a, b) = (&zs[ia], &zs[ib]);
        let mut s = 0f32;
        for j in 0..DIFFICULTY_FEATURES {
            d[j] = a[j] - b[j];
            s += w[j] * d[j];
        }
        if let Some(mask) = lex_mask {
            s += sparse(&v, &examples[ia].lex, mask) - sparse(&v, &examples[ib].lex, mask);
        }
        let db = zb[ia] - zb[ib];
        s += wb * db;
        let g = 1.0 / (1.0 + s.exp()); // −∂ log σ(s) / ∂s
        let decay = 1.0 - 0.9 * step as f32 / cfg.steps.max(1) as f32;
        let lr = cfg.lr * decay;
        for j in 0..DIFFICULTY_FEATURES {
            if trained[j] {
                w[j] += lr * (g * d[j] - cfg.l2 * w[j]);
                if cfg.monotone {
                    // Projected back onto its allowed side (sign² = 1).
                    let sign = EFFORT_SIGNS[j] as f32;
                    w[j] = (w[j] * sign).max(0.0) * sign;
                }
            }
        }
        wb += lr * (g * db - cfg.l2 * wb);
        if let Some(mask) = lex_mask {
            let lr = cfg.lexical_lr * decay;
            for (f, sign) in [(&examples[ia].lex, 1.0f32), (&examples[ib].lex, -1.0)] {
                for &id in &f.ids {
                    let x = &mut v[(id & mask) as usize];
                    *x += lr * (sign * g * f.norms[(id >> 30) as usize] - 1e-4 * *x);
                }
            }
        }
        if step >= cfg.steps / 2 {
            for j in 0..DIFFICULTY_FEATURES {
                avg[j] += w[j] as f64;
            }
            wb_avg += wb as f64;
            n_avg += 1;
        }
    }
    let w: Vec<f64> = avg.iter().map(|x| x / n_avg.max(1) as f64).collect();
    let wb = wb_avg / n_avg.max(1) as f64;

    // Scale: sigmoid(1.7 (s − μ) / σ) ≈ the normal CDF, so the output reads as the prompt's rank
    // among the training prompts (0.5 = a typical one), with rows weighted sqrt(n_g) / n_g per
    // source group so the big MMLU set does not define "typical" alone.
    let scores: Vec<f64> = zs
        .iter()
        .zip(examples)
        .map(|(f, e)| {
            let lexical = lex_mask.map_or(0.0, |m| sparse(&v, &e.lex, m) as f64);
            f.iter().zip(&w).map(|(x, w)| *x as f64 * w).sum::<f64>() + lexical
        })
        .zip(&zb)
        .map(|(s, b)| s + wb * *b as f64)
        .collect();
    let mut group_n: BTreeMap<&str, usize> = BTreeMap::new();
    for e in examples {
        *group_n.entry(e.group.as_str()).or_default() += 1;
    }
    let rw: Vec<f64> = examples
        .iter()
        .map(|e| {
            let g = group_n[e.group.as_str()] as f64;
            g.sqrt() / g
        })
        .collect();
    let total: f64 = rw.iter().sum();
    let mu = scores.iter().zip(&rw).map(|(s, w)| s * w).sum::<f64>() / total;
    let var = scores
        .iter()
        .zip(&rw)
        .map(|(s, w)| w * (s - mu).powi(2))
        .sum::<f64>()
        / total;
    let a = 1.7 / var.sqrt().max(1e-6);
    let b = -a * mu;
    let mut weights_out = [0f32; DIFFICULTY_FEATURES];
    let mut bias = b;
    let base_weight = if use_base { a * wb / b_sd } else { 0.0 };
    bias -= base_weight * b_mean;
    for j in 0..DIFFICULTY_FEATURES {
        weights_out[j] = (a * w[j] / sd[j]) as f32;
        bias -= a * w[j] * mean[j] / sd[j];
    }
    // The lexical column, scaled by `a` and quantised to i8 (scale from the 99.99th percentile).
    let column = cfg.lexical_buckets.map(|log2| {
        let mut mags: Vec<f32> = v.iter().map(|x| x.abs()).collect();
        mags.sort_by(|p, q| p.total_cmp(q));
        let q = mags[((mags.len() as f64 * 0.9999) as usize).min(mags.len() - 1)];
        let scale = if q > 0.0 { q / 127.0 } else { 1.0 };
        let col = v
            .iter()
            .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
            .collect();
        (log2.clamp(10, 22), col, scale * a as f32)
    });
    Ok(DenseHead {
        weights: weights_out,
        bias: bias as f32,
        column,
        task_offsets: Vec::new(),
        base_weight: base_weight as f32,
    })
}

/// AUC inside each group (e.g. task label), averaged without weights over the groups that have
/// at least `min_each` positives and `min_each` negatives: (mean, per group (name, rows, AUC)).
/// A score that only knows the group (a subject prior) gets 0.5 here.
pub fn within_group_auc(
    scores: &[f64],
    positive: &[bool],
    groups: &[&str],
    min_each: usize,
) -> (Option<f64>, Vec<(String, usize, f64)>) {
    let mut by: BTreeMap<&str, (Vec<f64>, Vec<bool>)> = BTreeMap::new();
    for ((s, p), g) in scores.iter().zip(positive).zip(groups) {
        let e = by.entry(g).or_default();
        e.0.push(*s);
        e.1.push(*p);
    }
    let mut per = Vec::new();
    for (g, (s, p)) in by {
        let pos = p.iter().filter(|x| **x).count();
        if pos < min_each.max(1) || p.len() - pos < min_each.max(1) {
            continue;
        }
        if let Some(a) = roc_auc(&s, &p) {
            per.push((g.to_string(), s.len(), a));
        }
    }
    let mean = (!per.is_empty()).then(|| per.iter().map(|x| x.2).sum::<f64>() / per.len() as f64);
    (mean, per)
}

/// Share of the variance of `scores` explained by `groups` (η²: between-group sum of squares over
/// the total). 1 when the score only restates the group, 0 when group means are equal.
pub fn eta_squared(scores: &[f64], groups: &[&str]) -> f64 {
    let n = scores.len().min(groups.len());
    if n == 0 {
        return 0.0;
    }
    let mean = scores[..n].iter().sum::<f64>() / n as f64;
    let mut by: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for (s, g) in scores[..n].iter().zip(groups) {
        let e = by.entry(g).or_default();
        e.0 += s;
        e.1 += 1;
    }
    let total: f64 = scores[..n].iter().map(|s| (s - mean).powi(2)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let between: f64 = by
        .values()
        .map(|(s, c)| *c as f64 * (s / *c as f64 - mean).powi(2))
        .sum();
    between / total
}

/// Leave-one-group-out: for each group, a head trained on the other groups scores the group's
/// rows. Returns (group, per-row probability for that group's rows, in order of appearance).
/// `centre` (e.g. [`DenseHead::center`]) is applied to each fold's head.
pub fn loso(
    examples: &[Example],
    cfg: &ComplexityConfig,
    centre: Option<&dyn Fn(&mut DenseHead)>,
) -> Result<Vec<LosoFold>, String> {
    let groups: std::collections::BTreeSet<&str> =
        examples.iter().map(|e| e.group.as_str()).collect();
    let mut out = Vec::new();
    for g in groups {
        let train: Vec<Example> = examples.iter().filter(|e| e.group != g).cloned().collect();
        let mut head = fit(&train, cfg)?;
        if let Some(c) = centre {
            c(&mut head);
        }
        let idx: Vec<usize> = (0..examples.len())
            .filter(|&i| examples[i].group == g)
            .collect();
        let scores = idx
            .iter()
            .map(|&i| head.probability(&examples[i]))
            .collect();
        out.push((g.to_string(), idx, scores));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_and_boolean_targets() {
        assert_eq!(pair_target(true, false), Some(true));
        assert_eq!(pair_target(true, true), Some(false));
        assert_eq!(pair_target(false, true), Some(false));
        assert_eq!(pair_target(false, false), None);
        let m = |v: &[(&str, bool)]| -> BTreeMap<String, bool> {
            v.iter().map(|(k, b)| (k.to_string(), *b)).collect()
        };
        let routellm = |s, w| m(&[(ROUTELLM_STRONG, s), ("mixtral-8x7b-instruct-v0.1", w)]);
        assert_eq!(boolean_target(&routellm(true, false)), Some(true));
        assert_eq!(boolean_target(&routellm(false, true)), Some(false));
        assert_eq!(boolean_target(&routellm(false, false)), None);
        // No known strong model: mixed results are hard.
        assert_eq!(boolean_target(&m(&[("a", true), ("b", false)])), Some(true));
        assert_eq!(boolean_target(&m(&[("a", true), ("b", true)])), Some(false));
        assert_eq!(boolean_target(&m(&[("a", false), ("b", false)])), None);
        assert_eq!(boolean_target(&m(&[("a", true)])), None);
    }

    #[test]
    fn gap_targets_rank_models_and_split_at_the_median() {
        let row = |v: &[(&str, f64)]| -> BTreeMap<String, f64> {
            v.iter().map(|(k, x)| (k.to_string(), *x)).collect()
        };
        // Means: s1 0.8, s2 0.6, w1 0.2, w2 0.1; "ref" is ignored.
        let rows = vec![
            row(&[
                ("s1", 1.0),
                ("s2", 1.0),
                ("w1", 0.0),
                ("w2", 0.0),
                ("ref", 0.5),
            ]),
            row(&[
                ("s1", 0.6),
                ("s2", 0.2),
                ("w1", 0.4),
                ("w2", 0.2),
                ("ref", 0.5),
            ]),
            row(&[
                ("s1", 0.8),
                ("s2", 0.6),
                ("w1", 0.2),
                ("w2", 0.1),
                ("ref", 0.5),
            ]),
        ];
        let t = win_rate_gap_targets(&rows, 1, 1, &["ref"]);
        assert_eq!(t.strong, vec!["s1"]);
        assert_eq!(t.weak, vec!["w2"]);
        let g: Vec<f64> = t
            .gaps
            .iter()
            .map(|g| (g.unwrap() * 1e6).round() / 1e6)
            .collect();
        assert_eq!(g, vec![1.0, 0.4, 0.7]);
        assert!((t.median - 0.7).abs() < 1e-12, "{}", t.median);
        assert_eq!(t.targets, vec![Some(true), Some(false), Some(false)]);
    }

    #[test]
    fn within_group_auc_is_exact_and_blind_to_group_priors() {
        // Group a: pos {0.9, 0.3}, neg {0.5, 0.1}: pairs (0.9>0.5, 0.9>0.1, 0.3<0.5, 0.3>0.1)
        // → 3/4. Group b: pos {0.2}, neg {0.2}: a tie → 0.5.
        let s = [0.9, 0.3, 0.5, 0.1, 0.2, 0.2];
        let p = [true, true, false, false, true, false];
        let g = ["a", "a", "a", "a", "b", "b"];
        let (mean, per) = within_group_auc(&s, &p, &g, 1);
        assert_eq!(per, vec![("a".into(), 4, 0.75), ("b".into(), 2, 0.5)]);
        assert_eq!(mean, Some(0.625));
        // min_each = 2 drops group b.
        assert_eq!(within_group_auc(&s, &p, &g, 2).0, Some(0.75));
        // A pure subject prior: the hard subject (2 of 3 hard) scores 0.9, the easy one (1 of 3)
        // 0.1. Pooled: 4 of the 9 (hard, easy) pairs won, 4 tied → (4 + 2) / 9 = 2/3.
        // Within each subject: all tied → exactly 0.5.
        let prior = [0.9, 0.9, 0.9, 0.1, 0.1, 0.1];
        let hard = [true, true, false, true, false, false];
        let subj = ["law", "law", "law", "art", "art", "art"];
        assert_eq!(roc_auc(&prior, &hard), Some(6.0 / 9.0));
        assert_eq!(within_group_auc(&prior, &hard, &subj, 1).0, Some(0.5));
        assert_eq!(
            within_group_auc(&prior, &hard, &subj, 2).0,
            None,
            "no subject has 2 of each"
        );
    }

    #[test]
    fn centring_puts_each_tasks_mean_prompt_at_one_half() {
        let head0 = DenseHead {
            weights: {
                let mut w = [0f32; DIFFICULTY_FEATURES];
                w[0] = 1.0; // log_words
                w
            },
            bias: -2.0,
            column: None,
            task_offsets: Vec::new(),
            base_weight: 0.0,
        };
        let short = "one two three";
        let long = "one two three four five six seven eight nine ten eleven twelve";
        let means = task_means([(short, 0), (short, 0), (long, 1), ("", 5)], 2);
        assert_eq!(means.len(), 2);
        let mut head = head0.clone();
        head.center(&means);
        let ex = |t: &str, p: Vec<f32>| {
            Example::new(t, false, String::new(), String::new()).with_task_probs(p)
        };
        // Each task's mean prompt → logit 0 → 0.5.
        assert!((head.probability(&ex(short, vec![1.0, 0.0])) - 0.5).abs() < 1e-6);
        assert!((head.probability(&ex(long, vec![0.0, 1.0])) - 0.5).abs() < 1e-6);
        // The long prompt is hard for task 0 and the short one easy for task 1.
        assert!(head.probability(&ex(long, vec![1.0, 0.0])) > 0.5);
        assert!(head.probability(&ex(short, vec![0.0, 1.0])) < 0.5);
        // Without task probabilities the head is uncentred.
        let plain = Example::new(short, false, String::new(), String::new());
        assert_eq!(head.logit(&plain), head0.logit(&plain));
    }

    /// Centring on mean logits (lexical column included): each label's rows average a logit
    /// of 0 once the prompt is known to be of that label; a lexical-only head has no dense
    /// weights.
    #[test]
    fn a_lexical_only_head_centred_on_mean_logits_puts_each_labels_rows_at_zero() {
        let mut ex = Vec::new();
        for i in 0..40 {
            let hard = i % 2 == 0;
            let text = if hard {
                format!("derive and prove claim {i} with a proof")
            } else {
                format!("name item {i}")
            };
            ex.push(Example::new(&text, hard, "s".into(), "g".into()));
        }
        let cfg = ComplexityConfig {
            steps: 4_000,
            lexical_buckets: Some(12),
            dense: false,
            ..Default::default()
        };
        let mut head = fit(&ex, &cfg).unwrap();
        assert!(head.weights.iter().all(|w| *w == 0.0));
        assert!(head.probability(&ex[0]) > head.probability(&ex[1]));
        // Label 0 = the hard rows, label 1 = the easy ones; label 2 has no rows.
        let rows: Vec<(Example, usize)> = ex
            .iter()
            .map(|e| {
                let k = if e.hard { 0 } else { 1 };
                let mut p = vec![0.0; 3];
                p[k] = 1.0;
                (e.clone().with_task_probs(p), k)
            })
            .collect();
        head.center_on_logits(&rows, 3);
        assert_eq!(head.task_offsets.len(), 3);
        for k in 0..2 {
            let mean: f32 = rows
                .iter()
                .filter(|r| r.1 == k)
                .map(|r| head.logit(&r.0))
                .sum::<f32>()
                / 20.0;
            assert!(mean.abs() < 1e-3, "label {k}: {mean}");
        }
        // The empty label gets the mean over all rows.
        let all = (head.task_offsets[0] + head.task_offsets[1]) / 2.0;
        assert!((head.task_offsets[2] - all).abs() < 1e-3);
    }

    /// Rows where an effort cue goes with the *easy* side (reasoning verbs on the easy rows,
    /// the hard rows longer): a free fit gives the reasoning cue a negative weight, a monotone
    /// one clamps it at 0, keeps the length weight positive and gives unsigned features and
    /// those left out of `features` no weight.
    #[test]
    fn a_monotone_fit_keeps_each_weight_on_its_effort_side() {
        let name = |n: &str| {
            super::super::difficulty::NAMES
                .iter()
                .position(|x| *x == n)
                .unwrap()
        };
        let (words, reasoning, numbers, lines) = (
            name("log_words"),
            name("log_reasoning"),
            name("log_numbers"),
            name("log_lines"),
        );
        assert_eq!(EFFORT_SIGNS[reasoning], 1);
        assert_eq!(EFFORT_SIGNS[numbers], 0);
        let mut ex = Vec::new();
        for i in 0..60 {
            let filler = "item ".repeat(10 + i % 7);
            let easy = format!("Explain and compare {}: {filler}", i + 1);
            let hard = format!("List {} and {} {filler} {filler} {filler}", i + 2, i + 3);
            ex.push(Example::new(&easy, false, "s".into(), "g".into()));
            ex.push(Example::new(&hard, true, "s".into(), "g".into()));
        }
        let cfg = ComplexityConfig {
            steps: 6_000,
            ..Default::default()
        };
        let free = fit(&ex, &cfg).unwrap();
        assert!(free.weights[reasoning] < 0.0, "{:?}", free.weights);
        let mono = fit(
            &ex,
            &ComplexityConfig {
                monotone: true,
                ..cfg.clone()
            },
        )
        .unwrap();
        assert_eq!(mono.weights[reasoning], 0.0);
        assert!(mono.weights[words] > 0.0, "{:?}", mono.weights);
        for (w, s) in mono.weights.iter().zip(EFFORT_SIGNS) {
            assert!(
                *w * s as f32 >= 0.0 && (s != 0 || *w == 0.0),
                "{:?}",
                mono.weights
            );
        }
        // Only the named features: everything else stays at 0.
        let only = fit(
            &ex,
            &ComplexityConfig {
                monotone: true,
                features: Some(vec![lines]),
                ..cfg
            },
        )
        .unwrap();
        for (j, w) in only.weights.iter().enumerate() {
            assert!(j == lines || *w == 0.0, "{j}: {w}");
        }
    }

    #[test]
    fn eta_squared_is_exact() {
        assert_eq!(
            eta_squared(&[1.0, 1.0, 0.0, 0.0], &["a", "a", "b", "b"]),
            1.0
        );
        assert_eq!(
            eta_squared(&[1.0, 0.0, 1.0, 0.0], &["a", "a", "b", "b"]),
            0.0
        );
        // Means 1.5 and 0.5 around 1: between 4 × 0.25 = 1; total 1+0+1+0... (2,1,1,0): mean 1,
        // total (1+0+0+1) = 2 → 0.5.
        assert_eq!(
            eta_squared(&[2.0, 1.0, 1.0, 0.0], &["a", "a", "b", "b"]),
            0.5
        );
    }

    #[test]
    fn fit_learns_a_within_stratum_signal_not_the_stratum() {
        // Two strata with different lengths; within each, the longer prompts are hard.
        let mut ex = Vec::new();
        for i in 0..60 {
            let long = i % 2 == 0;
            for (stratum, base) in [("s1", 8), ("s2", 30)] {
                let words = if long { base * 2 + 20 } else { base } + i % 5;
                let text = "word ".repeat(words);
                ex.push(Example::new(&text, long, stratum.into(), stratum.into()));
            }
        }
        let head = fit(
            &ex,
            &ComplexityConfig {
                steps: 5_000,
                ..Default::default()
            },
        )
        .unwrap();
        let f_long = Example::new(&"word ".repeat(90), true, String::new(), String::new());
        let f_short = Example::new(&"word ".repeat(6), false, String::new(), String::new());
        assert!(
            head.probability(&f_long) > 0.8,
            "{}",
            head.probability(&f_long)
        );
        assert!(
            head.probability(&f_short) < 0.2,
            "{}",
            head.probability(&f_short)
        );
        // Deterministic.
        let again = fit(
            &ex,
            &ComplexityConfig {
                steps: 5_000,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(head, again);
        assert!(fit(&[], &ComplexityConfig::default()).is_err());
    }
}

/// The difficulty head on real prompts, attached to the shipped task model.
#[cfg(test)]
mod shipped_tests {
    use super::{fit, ComplexityConfig, Example};
    use crate::classifier::Model;

    fn shipped() -> Model {
        Model::from_bytes(crate::shipped::CLASSIFIER).expect("the shipped model loads")
    }

    /// The shipped file is format 2: its complexity is the monotone difficulty head centred
    /// per task (docs/model-card.md, Complexity), with the hashed column zeroed, only the
    /// signed effort features weighted, each on its side, and one task offset per label.
    #[test]
    fn shipped_model_has_a_monotone_difficulty_head_centred_per_task_and_no_column() {
        use super::EFFORT_SIGNS;
        use crate::classifier::model::FORMAT_VERSION_DIFFICULTY;
        let bytes = crate::shipped::CLASSIFIER;
        assert_eq!(&bytes[4..6], &FORMAT_VERSION_DIFFICULTY.to_le_bytes());
        let m = shipped();
        assert!(m.has_complexity());
        let w = m.difficulty_weights().expect("a difficulty head");
        for (x, s) in w.iter().zip(EFFORT_SIGNS) {
            assert!(*x * s as f32 >= 0.0 && (s != 0 || *x == 0.0), "{w:?}");
        }
        assert!(w.iter().filter(|x| **x != 0.0).count() >= 8, "{w:?}");
        assert_eq!(m.task_offsets().len(), m.labels().len());
        let (column, _) = m.complexity_column();
        assert!(column.iter().all(|w| *w == 0));
    }

    /// Constructed training rows: in each stratum (code, writing, planning), hard rows are long,
    /// multi-part requests with constraints and a list, easy rows one line.
    fn constructed() -> Vec<Example> {
        let topics = [
            "a cache",
            "a parser",
            "a queue",
            "a scheduler",
            "a logger",
            "an invoice",
            "a garden",
            "a harbour",
            "a wedding",
            "a train journey",
            "a bakery",
            "a museum",
        ];
        let mut rows = Vec::new();
        for (stratum, verb) in [
            ("code", "Implement"),
            ("writing", "Write"),
            ("plan", "Plan"),
        ] {
            for (i, t) in topics.iter().enumerate() {
                let easy = format!("{verb} {t}.");
                let hard = format!(
                    "{verb} {t} for a team of {n} people. Requirements:\n\
                     1. It must handle at least {m} cases and no more than {k} steps.\n\
                     2. Include a summary table and keep each part under 200 words.\n\
                     3. Do not use any outside material.\n\
                     Then explain the trade-offs you made, and finally list the risks for each part.",
                    n = i + 3,
                    m = i + 2,
                    k = 4 * i + 10,
                );
                rows.push(Example::new(&easy, false, stratum.into(), stratum.into()));
                rows.push(Example::new(&hard, true, stratum.into(), stratum.into()));
            }
        }
        rows
    }

    /// A head trained on [`constructed`] rows and attached to the shipped model with
    /// [`Model::with_difficulty_head`]: the task scores are unchanged, and within one task
    /// (both prompts are classified as code; the same for writing) a long multi-part request
    /// with constraints scores > 0.2 above a one-line one.
    #[test]
    fn a_head_trained_on_constructed_rows_ranks_a_long_constrained_multi_part_prompt_higher_within_a_task(
    ) {
        let base = shipped();
        let cfg = ComplexityConfig {
            steps: 20_000,
            ..Default::default()
        };
        let head = fit(&constructed(), &cfg).unwrap();
        let m = base
            .with_difficulty_head(head.weights, head.bias, None, &[])
            .unwrap();
        let pairs = [
            (
                "Write a Python function that reverses a string.",
                "Refactor this Python function into a thread-safe rate limiter class:\n\
                 ```python\n\
                 def allow(user_id, limit, window):\n\
                 \x20   now = time.time()\n\
                 \x20   hits[user_id] = [t for t in hits[user_id] if now - t < window]\n\
                 \x20   return len(hits[user_id]) < limit\n\
                 ```\n\
                 Requirements:\n\
                 1. It must support a token bucket and a sliding window, selectable per route.\n\
                 2. Keep the state in Redis and handle the connection dropping without letting \
                 requests through unchecked.\n\
                 3. Include type hints, docstrings and at least five pytest tests.\n\
                 4. Do not use any third-party library other than redis-py.\n\
                 Then explain the trade-offs between the two algorithms, and finally list the \
                 failure modes you considered.",
            ),
            (
                "Write a short poem about the sea.",
                "Write a short story (no more than 800 words) set in a lighthouse in 1911. \
                 Requirements: the narrator must be the keeper's daughter; the story has to \
                 include a storm, a letter that is never sent and a ship that does not arrive; \
                 use present tense throughout; avoid the words 'suddenly' and 'very'.\n\
                 - Give it a title.\n- End on a line of dialogue.\n- Then add a two-sentence \
                 note explaining the structure you chose and why.",
            ),
        ];
        for (easy, hard) in pairs {
            let (pe, ph) = (m.predict(easy), m.predict(hard));
            assert_eq!(pe.scores, base.predict(easy).scores, "{easy:?}");
            assert_eq!(ph.scores, base.predict(hard).scores, "{hard:?}");
            assert_eq!(pe.label, ph.label, "same task: {easy:?} vs {hard:?}");
            assert!(
                ph.complexity > pe.complexity + 0.2,
                "{}: {} vs {}",
                pe.label,
                ph.complexity,
                pe.complexity
            );
        }
    }
}
