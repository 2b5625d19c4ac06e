//! Deterministic training: class-balanced SGD of a hashed softmax (task labels) and a logistic
//! head (complexity), then i8 quantisation into a [`Model`].

use super::clean::Row;
use super::features::{for_each_feature, GROUPS};
use super::model::{Model, MAX_LABELS};
use std::collections::BTreeMap;

/// A small seeded generator (SplitMix64): same seed, same model, on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Training settings. [`TrainConfig::default`] is what the shipped model uses.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// log2 of the hash buckets (16 → 65,536 buckets).
    pub log2_buckets: u8,
    /// Passes over the (rebalanced) data.
    pub epochs: usize,
    /// Initial learning rate (decays linearly to 10%).
    pub lr: f32,
    /// L2 penalty, applied to the weights an example touches.
    pub l2: f32,
    /// Examples drawn per label per epoch (small labels are oversampled, large ones subsampled).
    pub per_label: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Epochs of the complexity head.
    pub complexity_epochs: usize,
    /// Share of an example's features dropped at random in each SGD step of the task head
    /// (0 = none): the model cannot lean on one template phrase.
    pub feature_dropout: f32,
    /// Softmax temperature folded into the task outputs of the quantised model (1 = none);
    /// fitted on leave-one-source-out predictions (`routeplay eval --loso`).
    pub temperature: f32,
    /// Per-label logit offsets added before the temperature (label, offset); labels not listed
    /// get 0. Fitted by `routeplay eval --loso` (see [`super::loso::fit_offsets`]).
    pub offsets: Vec<(String, f32)>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            log2_buckets: 16,
            epochs: 8,
            lr: 0.4,
            l2: 1e-5,
            per_label: 2000,
            seed: 20_261_125,
            complexity_epochs: 4,
            feature_dropout: 0.4,
            temperature: 1.0,
            offsets: Vec::new(),
        }
    }
}

/// Hashed features of one example: bucket ids (full 30-bit hashes, reduced to a bucket by the
/// trainer's mask) with the group in the top two bits, and the per-group normalisers.
#[derive(Debug, Clone)]
pub struct Feats {
    pub(crate) ids: Vec<u32>,
    pub(crate) norms: [f32; GROUPS],
}

/// Computes the features of `text` once, so that several trainings (leave-one-source-out folds)
/// can share them. Valid for any model of up to 2^22 buckets.
pub fn featurize(text: &str) -> Feats {
    let mut ids = Vec::with_capacity(256);
    let mut counts = [0u32; GROUPS];
    for_each_feature(text, |g, h| {
        counts[g as usize] += 1;
        ids.push(((g as u32) << 30) | (h & 0x3fff_ffff));
    });
    let mut norms = [0f32; GROUPS];
    for g in 0..GROUPS {
        norms[g] = 1.0 / (counts[g].max(1) as f32).sqrt();
    }
    Feats { ids, norms }
}

/// What training did, for the report and the model card.
#[derive(Debug, Clone, Default)]
pub struct TrainReport {
    /// Labelled examples per label (after cleaning, before rebalancing).
    pub label_counts: BTreeMap<String, usize>,
    /// Rows with a complexity target.
    pub complexity_rows: usize,
}

/// The sampling group of a source: its first segment (`p3/xsum_...` → `p3`,
/// `mmlu+routellm/law` → `mmlu`).
pub fn sampling_group(source: &str) -> &str {
    let end = source.find(['/', '+']).unwrap_or(source.len());
    &source[..end]
}

fn quantize_column(w: &[f32], outputs: usize, k: usize) -> f32 {
    // Scale from the 99.99th percentile of |w| so a few outliers do not flatten the rest.
    let mut v: Vec<f32> = w.iter().skip(k).step_by(outputs).map(|x| x.abs()).collect();
    v.sort_by(|a, b| a.total_cmp(b));
    let q = v[((v.len() as f64 * 0.9999) as usize).min(v.len() - 1)];
    if q <= 0.0 {
        1.0
    } else {
        q / 127.0
    }
}

/// Unquantised weights straight from SGD: used to compare float and int8 accuracy, and
/// quantised into a [`Model`] by [`FloatModel::quantize`].
#[derive(Debug, Clone)]
pub struct FloatModel {
    labels: Vec<String>,
    log2_buckets: u8,
    has_complexity: bool,
    /// `buckets × (labels + 1)`, bucket-major.
    w: Vec<f32>,
    bias: Vec<f32>,
}

impl FloatModel {
    /// The labels, in output order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Task logits of pre-computed features (one per label) into `out`.
    pub fn logits(&self, f: &Feats, out: &mut [f32]) {
        let l = self.labels.len();
        let outputs = l + 1;
        let mask = (1u32 << self.log2_buckets) - 1;
        out[..l].copy_from_slice(&self.bias[..l]);
        for &id in &f.ids {
            let v = f.norms[(id >> 30) as usize];
            let row = &self.w[(id & mask) as usize * outputs..][..l];
            for (z, &x) in out.iter_mut().zip(row) {
                *z += x * v;
            }
        }
    }

    /// i8 quantisation (one scale per output from the 99.99th percentile of |w|), with
    /// `offsets` added to the task biases and the task outputs divided by `temperature`
    /// (calibration: the temperature does not change the argmax; the offsets move the
    /// boundaries of over- and under-predicted labels).
    pub fn quantize(&self, temperature: f32, offsets: &[(String, f32)]) -> Result<Model, String> {
        let outputs = self.labels.len() + 1;
        let t = if temperature.is_finite() && temperature > 0.0 {
            temperature
        } else {
            return Err(format!("temperature must be positive, got {temperature}"));
        };
        let scales: Vec<f32> = (0..outputs)
            .map(|k| quantize_column(&self.w, outputs, k))
            .collect();
        let qw: Vec<i8> = self
            .w
            .iter()
            .enumerate()
            .map(|(i, &x)| (x / scales[i % outputs]).round().clamp(-127.0, 127.0) as i8)
            .collect();
        let l = self.labels.len();
        let scales = scales
            .iter()
            .enumerate()
            .map(|(k, s)| if k < l { s / t } else { *s })
            .collect();
        let offset = |k: usize| {
            offsets
                .iter()
                .find(|(name, _)| *name == self.labels[k])
                .map_or(0.0, |(_, o)| *o)
        };
        let bias = self
            .bias
            .iter()
            .enumerate()
            .map(|(k, b)| if k < l { (b + offset(k)) / t } else { *b })
            .collect();
        Model::from_parts(
            self.labels.clone(),
            self.log2_buckets,
            self.has_complexity,
            scales,
            bias,
            [1.0; GROUPS],
            qw,
        )
        .map_err(|e| e.to_string())
    }
}

/// Trains a model on `rows`: rows with a label train the task head; rows with `hard` train the
/// complexity head (skipped when there are none, then complexity is always 0.5).
pub fn train(rows: &[Row], cfg: &TrainConfig) -> Result<(Model, TrainReport), String> {
    let feats: Vec<Feats> = rows.iter().map(|r| featurize(&r.text)).collect();
    let examples: Vec<(&Row, &Feats)> = rows.iter().zip(&feats).collect();
    let (fm, report) = train_float(&examples, cfg)?;
    Ok((fm.quantize(cfg.temperature, &cfg.offsets)?, report))
}

/// [`train`] on pre-computed features, without quantising.
pub fn train_float(
    examples: &[(&Row, &Feats)],
    cfg: &TrainConfig,
) -> Result<(FloatModel, TrainReport), String> {
    let mut labels: Vec<String> = examples
        .iter()
        .filter_map(|r| r.0.label.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    labels.retain(|l| !l.is_empty());
    if labels.len() < 2 {
        return Err(format!(
            "need at least 2 distinct labels to train, found {}",
            labels.len()
        ));
    }
    if labels.len() > MAX_LABELS {
        return Err(format!(
            "at most {MAX_LABELS} labels, found {}",
            labels.len()
        ));
    }
    if let Some(l) = labels.iter().find(|l| l.len() > 255) {
        return Err(format!("label too long: {l:?}"));
    }
    if !(10..=22).contains(&cfg.log2_buckets) {
        return Err(format!(
            "2^{} hash buckets (must be 2^10..=2^22)",
            cfg.log2_buckets
        ));
    }
    let l = labels.len();
    let outputs = l + 1;
    let buckets = 1usize << cfg.log2_buckets;
    let mask = (buckets - 1) as u32;
    let index: BTreeMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();

    let mut report = TrainReport::default();
    let mut by_label: Vec<Vec<usize>> = vec![Vec::new(); l];
    let mut hard_rows = Vec::new();
    for (i, (r, _)) in examples.iter().enumerate() {
        if let Some(lab) = r.label.as_deref().filter(|s| !s.is_empty()) {
            by_label[index[lab]].push(i);
            *report.label_counts.entry(lab.to_string()).or_default() += 1;
        }
        if r.hard.is_some() {
            hard_rows.push(i);
        }
    }
    report.complexity_rows = hard_rows.len();
    let by_label_group: Vec<Vec<Vec<usize>>> = by_label
        .iter()
        .map(|members| {
            let mut g: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for &i in members {
                g.entry(sampling_group(&examples[i].0.source))
                    .or_default()
                    .push(i);
            }
            g.into_values().collect()
        })
        .collect();

    let mut w = vec![0f32; buckets * outputs];
    let mut bias = vec![0f32; outputs];
    let mut rng = Rng::new(cfg.seed);
    // Feature dropout: a feature is kept when a hash of (step, feature) is above this.
    let drop_below = (cfg.feature_dropout.clamp(0.0, 0.9) as f64 * u32::MAX as f64) as u32;
    let mut kept: Vec<u32> = Vec::with_capacity(512);

    // --- Task head: softmax regression, class-balanced sampling each epoch.
    let total_steps = cfg.epochs * cfg.per_label * l;
    let mut step = 0usize;
    let mut logits = vec![0f32; l];
    for _epoch in 0..cfg.epochs {
        let mut order = Vec::with_capacity(cfg.per_label * l);
        for groups in &by_label_group {
            if groups.is_empty() {
                continue;
            }
            // Source groups are drawn in proportion to the square root of their size, so one
            // big templated source cannot define a label, and small hand-written sets count.
            let weights: Vec<f64> = groups.iter().map(|g| (g.len() as f64).sqrt()).collect();
            let total: f64 = weights.iter().sum();
            for _ in 0..cfg.per_label {
                let mut x = rng.unit() * total;
                let mut gi = 0;
                while gi + 1 < groups.len() && x >= weights[gi] {
                    x -= weights[gi];
                    gi += 1;
                }
                let members = &groups[gi];
                order.push(members[rng.below(members.len())]);
            }
        }
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        for &ex in &order {
            let lr = cfg.lr * (1.0 - 0.9 * step as f32 / total_steps.max(1) as f32);
            step += 1;
            let (row, f) = examples[ex];
            let y = index[row.label.as_deref().unwrap_or_default()];
            let step = SgdStep {
                lr,
                l2: cfg.l2,
                drop_below,
                outputs,
                mask,
            };
            step.apply(f, y, &mut rng, &mut kept, &mut w, &mut bias, &mut logits);
        }
    }

    // --- Complexity head: logistic regression on the same features, column `l`.
    if !hard_rows.is_empty() {
        // Per source group, positives and negatives; groups drawn by sqrt(size) so the large
        // MMLU set does not drown the open-ended AlpacaEval instructions.
        let mut by_group: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for &i in &hard_rows {
            let e = by_group
                .entry(sampling_group(&examples[i].0.source))
                .or_default();
            if examples[i].0.hard == Some(true) {
                e.0.push(i);
            } else {
                e.1.push(i);
            }
        }
        let groups: Vec<(Vec<usize>, Vec<usize>)> = by_group.into_values().collect();
        let gw: Vec<f64> = groups
            .iter()
            .map(|(p, n)| ((p.len() + n.len()) as f64).sqrt())
            .collect();
        let gw_total: f64 = gw.iter().sum();
        let per = hard_rows.len();
        let total = cfg.complexity_epochs * per;
        let mut step = 0usize;
        for _ in 0..cfg.complexity_epochs {
            for _ in 0..per {
                let mut x = rng.unit() * gw_total;
                let mut gi = 0;
                while gi + 1 < groups.len() && x >= gw[gi] {
                    x -= gw[gi];
                    gi += 1;
                }
                let (pos, neg) = &groups[gi];
                // Balanced draw of positives and negatives within the group.
                let ex = if (rng.below(2) == 0 && !pos.is_empty()) || neg.is_empty() {
                    pos[rng.below(pos.len())]
                } else {
                    neg[rng.below(neg.len())]
                };
                let lr = 0.1 * (1.0 - 0.9 * step as f32 / total.max(1) as f32);
                step += 1;
                let (row, f) = examples[ex];
                let mut z = bias[l];
                for &id in &f.ids {
                    z += w[(id & mask) as usize * outputs + l] * f.norms[(id >> 30) as usize];
                }
                let p = 1.0 / (1.0 + (-z).exp());
                let g = p - if row.hard == Some(true) { 1.0 } else { 0.0 };
                bias[l] -= lr * 0.1 * g;
                for &id in &f.ids {
                    let v = f.norms[(id >> 30) as usize];
                    let x = &mut w[(id & mask) as usize * outputs + l];
                    *x -= lr * (g * v + 1e-4 * *x);
                }
            }
        }
    }
    Ok((
        FloatModel {
            labels,
            log2_buckets: cfg.log2_buckets,
            has_complexity: !hard_rows.is_empty(),
            w,
            bias,
        },
        report,
    ))
}

/// One softmax SGD update of the task head on one example, with feature dropout: the step
/// `train_float` takes for every example and the page's stepwise trainer takes in slices.
pub(crate) struct SgdStep {
    /// Learning rate of this update.
    pub lr: f32,
    /// L2 penalty on the touched weights.
    pub l2: f32,
    /// Features whose salted hash falls below this are dropped (0: none).
    pub drop_below: u32,
    /// Weights per bucket (labels + complexity).
    pub outputs: usize,
    /// Bucket mask of the hashed ids.
    pub mask: u32,
}

impl SgdStep {
    /// Updates `w` and `bias` for example `f` of true label `y`; `kept` and `logits` are scratch
    /// (`logits.len()` is the number of labels).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn apply(
        &self,
        f: &Feats,
        y: usize,
        rng: &mut Rng,
        kept: &mut Vec<u32>,
        w: &mut [f32],
        bias: &mut [f32],
        logits: &mut [f32],
    ) {
        let (lr, l, outputs, mask, drop_below) = (
            self.lr,
            logits.len(),
            self.outputs,
            self.mask,
            self.drop_below,
        );
        let mut norms = f.norms;
        let ids: &[u32] = if drop_below > 0 {
            let salt = rng.next_u64() as u32;
            kept.clear();
            let mut counts = [0u32; GROUPS];
            for &id in &f.ids {
                let h = (id ^ salt).wrapping_mul(0x9e37_79b1);
                if (h ^ (h >> 15)).wrapping_mul(0x85eb_ca77) >= drop_below {
                    kept.push(id);
                    counts[(id >> 30) as usize] += 1;
                }
            }
            for g in 0..GROUPS {
                norms[g] = 1.0 / (counts[g].max(1) as f32).sqrt();
            }
            kept
        } else {
            &f.ids
        };
        logits.copy_from_slice(&bias[..l]);
        for &id in ids {
            let v = norms[(id >> 30) as usize];
            let row = &w[(id & mask) as usize * outputs..][..l];
            for (z, &x) in logits.iter_mut().zip(row) {
                *z += x * v;
            }
        }
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0f32;
        for z in logits.iter_mut() {
            *z = (*z - max).exp();
            sum += *z;
        }
        for (k, z) in logits.iter_mut().enumerate() {
            *z = *z / sum - if k == y { 1.0 } else { 0.0 };
        }
        for (b, g) in bias.iter_mut().zip(logits.iter()) {
            *b -= lr * 0.1 * g;
        }
        for &id in ids {
            let v = norms[(id >> 30) as usize];
            let row = &mut w[(id & mask) as usize * outputs..][..l];
            for (x, g) in row.iter_mut().zip(logits.iter()) {
                *x -= lr * (g * v + self.l2 * *x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: &str, l: &str) -> Row {
        Row {
            text: t.into(),
            label: Some(l.into()),
            source: String::new(),
            hard: None,
        }
    }

    #[test]
    fn learns_a_toy_task_deterministically() {
        let rows = vec![
            row("I love this, great product", "pos"),
            row("wonderful and great", "pos"),
            row("terrible, I hate it", "neg"),
            row("awful and bad", "neg"),
        ];
        let cfg = TrainConfig {
            log2_buckets: 12,
            per_label: 50,
            epochs: 4,
            ..TrainConfig::default()
        };
        let (m1, rep) = train(&rows, &cfg).unwrap();
        let (m2, _) = train(&rows, &cfg).unwrap();
        assert_eq!(m1.to_bytes(), m2.to_bytes());
        assert_eq!(rep.label_counts["pos"], 2);
        assert_eq!(m1.predict("great, I love it").label, "pos");
        assert_eq!(m1.predict("bad, I hate it").label, "neg");
        assert_eq!(m1.predict("x").complexity, 0.5);
    }

    #[test]
    fn needs_two_labels() {
        assert!(train(&[row("a", "x")], &TrainConfig::default()).is_err());
    }
}
