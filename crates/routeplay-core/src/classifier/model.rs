//! The task-type and complexity model: a hashed linear softmax over [`super::features`], with
//! i8-quantised weights, and its versioned binary file format.
//!
//! # File format (all integers little-endian)
//!
//! | bytes | content |
//! |---|---|
//! | 4 | magic `RPTC` |
//! | 2 | format version ([`FORMAT_VERSION`]) |
//! | 2 | feature version ([`FEATURE_VERSION`]) |
//! | 1 | log2 of the number of hash buckets `B` (10..=22) |
//! | 1 | number of labels `L` (1..=[`MAX_LABELS`]) |
//! | 2 | flags: bit 0 = the complexity head was trained |
//! | L × (1 + n) | labels: length byte, then UTF-8 |
//! | (L+1) × 8 | per output (labels, then complexity): f32 scale, f32 bias |
//! | 3 × 4 | f32 weight of each feature group |
//! | B × (L+1) | i8 weights, bucket-major |
//! | *format 2 only:* 2 + 2 + D × 4 + 1 + K × 4 | difficulty head: feature version ([`DIFFICULTY_VERSION`]), `D` ([`DIFFICULTY_FEATURES`]), f32 weight per feature; `K` (0 or `L`), f32 task offset per label |
//! | 4 | FNV-1a 32-bit checksum of everything before it |
//!
//! Format 2 adds the difficulty head (see [`super::complexity`]): the complexity logit is the
//! complexity column as in format 1 plus the dot product of these weights with
//! [`super::difficulty::difficulty_features`], minus Σ_k p_k × offset_k over the task
//! probabilities (complexity relative to the prompt's task). Files without it are written as
//! format 1.
//!
//! Loading checks every length and the checksum and returns a [`ModelError`]; it never panics.

use super::difficulty::difficulty_features;
pub use super::difficulty::{DIFFICULTY_FEATURES, DIFFICULTY_VERSION};
pub use super::features::FEATURE_VERSION;
use super::features::{for_each_feature, GROUPS};
use crate::signals::TaskPrediction;
use std::collections::BTreeMap;
use std::fmt;

/// Bucket ids queued by [`Model::predict_into`] before their rows are summed.
const QUEUE: usize = 128;

/// File magic.
pub const MAGIC: &[u8; 4] = b"RPTC";
/// File format version of models without a difficulty head.
pub const FORMAT_VERSION: u16 = 1;
/// File format version of models with a difficulty head (complexity from
/// [`super::difficulty`] features).
pub const FORMAT_VERSION_DIFFICULTY: u16 = 2;
/// Most labels a model can have.
pub const MAX_LABELS: usize = 63;
/// Largest magnitude of a scale, bias or group weight. Trained models stay far below it
/// (scales about 0.02, biases under 1, group weights 1); past it, the logits of a long prompt
/// can overflow `f32` and the probabilities become NaN.
pub const MAX_PARAMETER: f32 = 1000.0;

/// Why a model file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes do not start with the `RPTC` magic: not a Routeplay model.
    BadMagic,
    /// The file ends before its declared content does.
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        found: usize,
    },
    /// A format version this build does not read.
    UnsupportedVersion(u16),
    /// Features of a different definition than this build computes.
    UnsupportedFeatures(u16),
    /// A header field out of range, or a bad label.
    Invalid(String),
    /// The checksum does not match: the file is corrupt.
    Checksum,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::BadMagic => write!(f, "not a Routeplay model file (bad magic)"),
            ModelError::Truncated { needed, found } => {
                write!(f, "model file truncated: needs {needed} bytes, has {found}")
            }
            ModelError::UnsupportedVersion(v) => write!(
                f,
                "model format version {v} is not supported (this build reads {FORMAT_VERSION} and {FORMAT_VERSION_DIFFICULTY})"
            ),
            ModelError::UnsupportedFeatures(v) => write!(
                f,
                "model uses feature version {v}; this build computes {FEATURE_VERSION}"
            ),
            ModelError::Invalid(m) => write!(f, "invalid model file: {m}"),
            ModelError::Checksum => write!(f, "model file is corrupt (checksum mismatch)"),
        }
    }
}

impl std::error::Error for ModelError {}

/// What [`Model::with_complexity_centred_per_task`] measured on the labelled rows (logits
/// before centring).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskCentring {
    /// Rows per label.
    pub rows: Vec<usize>,
    /// Mean complexity logit per label (0 for labels without rows).
    pub means: Vec<f64>,
    /// Mean over all rows.
    pub mean: f64,
    /// Pooled within-label standard deviation.
    pub sd: f64,
}

/// A loaded classifier. Cheap to share; [`Model::predict`] takes `&self`.
///
/// ```ignore
/// let model = Model::from_bytes(&bytes)?;      // bytes fetched from public/model/
/// let p = model.predict("Translate 'good morning' into German");
/// assert_eq!(p.label, "translation");
/// let labels: &[String] = model.labels();
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    labels: Vec<String>,
    log2_buckets: u8,
    has_complexity: bool,
    /// Per output (labels then complexity).
    scales: Vec<f32>,
    biases: Vec<f32>,
    group_weights: [f32; GROUPS],
    /// `buckets × (labels + 1)`, bucket-major.
    weights: Vec<i8>,
    /// The same weights in 16-wide rows, for models with at most 15 labels (derived on load).
    padded16: Option<Vec<[i8; 16]>>,
    /// Weights of the difficulty features in the complexity logit (format 2).
    difficulty: Option<[f32; DIFFICULTY_FEATURES]>,
    /// Whether any difficulty weight is non-zero (otherwise the features are not computed).
    difficulty_dense: bool,
    /// Per label, subtracted from the complexity logit in proportion to the label's
    /// probability (format 2; empty = none): complexity relative to the prompt's task.
    task_offsets: Vec<f32>,
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.pos.checked_add(n).ok_or(ModelError::Truncated {
            needed: usize::MAX,
            found: self.b.len(),
        })?;
        if end > self.b.len() {
            return Err(ModelError::Truncated {
                needed: end,
                found: self.b.len(),
            });
        }
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        let s = self.take(4)?;
        Ok(f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
}

impl Model {
    /// Builds a model from its parts (used by training). `weights` is bucket-major with
    /// `labels.len() + 1` entries per bucket; `scales`/`biases` have `labels.len() + 1` entries.
    pub fn from_parts(
        labels: Vec<String>,
        log2_buckets: u8,
        has_complexity: bool,
        scales: Vec<f32>,
        biases: Vec<f32>,
        group_weights: [f32; GROUPS],
        weights: Vec<i8>,
    ) -> Result<Model, ModelError> {
        let mut m = Model {
            labels,
            log2_buckets,
            has_complexity,
            scales,
            biases,
            group_weights,
            weights,
            padded16: None,
            difficulty: None,
            difficulty_dense: false,
            task_offsets: Vec::new(),
        };
        m.validate()?;
        let outputs = m.labels.len() + 1;
        if outputs <= 16 {
            m.padded16 = Some(
                m.weights
                    .chunks_exact(outputs)
                    .map(|c| {
                        let mut row = [0i8; 16];
                        row[..outputs].copy_from_slice(c);
                        row
                    })
                    .collect(),
            );
        }
        Ok(m)
    }

    fn validate(&self) -> Result<(), ModelError> {
        let l = self.labels.len();
        if l == 0 || l > MAX_LABELS {
            return Err(ModelError::Invalid(format!(
                "{l} labels (must be 1..={MAX_LABELS})"
            )));
        }
        if !(10..=22).contains(&self.log2_buckets) {
            return Err(ModelError::Invalid(format!(
                "2^{} hash buckets (must be 2^10..=2^22)",
                self.log2_buckets
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        for lab in &self.labels {
            if lab.is_empty() || lab.len() > 255 || !seen.insert(lab) {
                return Err(ModelError::Invalid(format!(
                    "bad or duplicate label {lab:?}"
                )));
            }
        }
        if self.scales.len() != l + 1
            || self.biases.len() != l + 1
            || self.weights.len() != (1usize << self.log2_buckets) * (l + 1)
        {
            return Err(ModelError::Invalid(
                "array sizes do not match header".into(),
            ));
        }
        let in_range = self
            .scales
            .iter()
            .chain(&self.biases)
            .chain(&self.group_weights)
            .all(|x| x.is_finite() && x.abs() <= MAX_PARAMETER);
        if !in_range {
            return Err(ModelError::Invalid(format!(
                "a scale, bias or group weight is not a number within ±{MAX_PARAMETER}"
            )));
        }
        Ok(())
    }

    /// Loads a model from the bytes of a model file (e.g. `public/model/task-classifier.bin`,
    /// fetched by the app). Never panics: a wrong, truncated or corrupt file gives an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() < 4 || &bytes[..4] != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let mut r = Reader { b: bytes, pos: 4 };
        let version = r.u16()?;
        if version != FORMAT_VERSION && version != FORMAT_VERSION_DIFFICULTY {
            return Err(ModelError::UnsupportedVersion(version));
        }
        let fv = r.u16()?;
        if fv != FEATURE_VERSION {
            return Err(ModelError::UnsupportedFeatures(fv));
        }
        let log2_buckets = r.u8()?;
        let n_labels = r.u8()? as usize;
        let flags = r.u16()?;
        if !(10..=22).contains(&log2_buckets) {
            return Err(ModelError::Invalid(format!(
                "2^{log2_buckets} hash buckets"
            )));
        }
        if n_labels == 0 || n_labels > MAX_LABELS {
            return Err(ModelError::Invalid(format!("{n_labels} labels")));
        }
        let mut labels = Vec::with_capacity(n_labels);
        for _ in 0..n_labels {
            let n = r.u8()? as usize;
            let s = r.take(n)?;
            let s = std::str::from_utf8(s)
                .map_err(|_| ModelError::Invalid("label is not UTF-8".into()))?;
            labels.push(s.to_string());
        }
        let outputs = n_labels + 1;
        let mut scales = Vec::with_capacity(outputs);
        let mut biases = Vec::with_capacity(outputs);
        for _ in 0..outputs {
            scales.push(r.f32()?);
            biases.push(r.f32()?);
        }
        let mut group_weights = [0f32; GROUPS];
        for g in &mut group_weights {
            *g = r.f32()?;
        }
        let n_weights = (1usize << log2_buckets) * outputs;
        let w = r.take(n_weights)?;
        let difficulty = if version == FORMAT_VERSION_DIFFICULTY {
            let dv = r.u16()?;
            let d = r.u16()? as usize;
            if dv != DIFFICULTY_VERSION || d != DIFFICULTY_FEATURES {
                return Err(ModelError::Invalid(format!(
                    "difficulty features version {dv} ({d} features); this build computes version {DIFFICULTY_VERSION} ({DIFFICULTY_FEATURES} features)"
                )));
            }
            let mut dw = [0f32; DIFFICULTY_FEATURES];
            for x in &mut dw {
                *x = r.f32()?;
            }
            let k = r.u8()? as usize;
            if k != 0 && k != n_labels {
                return Err(ModelError::Invalid(format!(
                    "{k} task offsets for {n_labels} labels"
                )));
            }
            let mut offsets = Vec::with_capacity(k);
            for _ in 0..k {
                offsets.push(r.f32()?);
            }
            Some((dw, offsets))
        } else {
            None
        };
        let body_end = r.pos;
        let sum = r.take(4)?;
        if r.pos != bytes.len() {
            return Err(ModelError::Invalid(format!(
                "{} trailing bytes",
                bytes.len() - r.pos
            )));
        }
        let stored = u32::from_le_bytes([sum[0], sum[1], sum[2], sum[3]]);
        if stored != fnv1a(&bytes[..body_end]) {
            return Err(ModelError::Checksum);
        }
        let weights = w.iter().map(|&b| b as i8).collect();
        let m = Model::from_parts(
            labels,
            log2_buckets,
            flags & 1 == 1,
            scales,
            biases,
            group_weights,
            weights,
        )?;
        match difficulty {
            Some((dw, offsets)) => m.set_difficulty(dw, offsets),
            None => Ok(m),
        }
    }

    fn set_difficulty(
        mut self,
        dw: [f32; DIFFICULTY_FEATURES],
        offsets: Vec<f32>,
    ) -> Result<Model, ModelError> {
        if !offsets.is_empty() && offsets.len() != self.labels.len() {
            return Err(ModelError::Invalid(format!(
                "{} task offsets for {} labels",
                offsets.len(),
                self.labels.len()
            )));
        }
        if !dw
            .iter()
            .chain(&offsets)
            .all(|x| x.is_finite() && x.abs() <= MAX_PARAMETER)
        {
            return Err(ModelError::Invalid(format!(
                "a difficulty weight is not a number within ±{MAX_PARAMETER}"
            )));
        }
        self.difficulty_dense = dw.iter().any(|x| *x != 0.0);
        self.difficulty = Some(dw);
        self.task_offsets = offsets;
        Ok(self)
    }

    /// This model with its complexity head replaced by a difficulty head: the complexity
    /// logit becomes `bias + weights · difficulty_features(text)`, plus `scale ×` the hashed
    /// complexity column when `column` gives one (one i8 per bucket; otherwise the column is
    /// zeroed), minus Σ_k p_k × `task_offsets[k]` (empty = none; else one per label). The
    /// task outputs are untouched, so task predictions stay identical.
    pub fn with_difficulty_head(
        &self,
        weights: [f32; DIFFICULTY_FEATURES],
        bias: f32,
        column: Option<(&[i8], f32)>,
        task_offsets: &[f32],
    ) -> Result<Model, ModelError> {
        let l = self.labels.len();
        let outputs = l + 1;
        if let Some((col, _)) = column {
            if col.len() != self.buckets() {
                return Err(ModelError::Invalid(format!(
                    "complexity column has {} buckets, the model {}",
                    col.len(),
                    self.buckets()
                )));
            }
        }
        let mut weights_i8 = self.weights.clone();
        for (b, row) in weights_i8.chunks_exact_mut(outputs).enumerate() {
            row[l] = column.map_or(0, |(c, _)| c[b]);
        }
        let mut scales = self.scales.clone();
        let mut biases = self.biases.clone();
        scales[l] = column.map_or(1.0, |(_, s)| s);
        biases[l] = bias;
        Model::from_parts(
            self.labels.clone(),
            self.log2_buckets,
            true,
            scales,
            biases,
            self.group_weights,
            weights_i8,
        )?
        .set_difficulty(weights, task_offsets.to_vec())
    }

    /// This model with its hashed complexity column **centred per task**: complexity says how
    /// hard a prompt looks *relative to the typical prompt of its task*, not which tasks are
    /// hard. `rows` are labelled prompts (text, gold label index in [`Model::labels`] order),
    /// e.g. the rows the task model trained on. With `z` the column's complexity logit (bias +
    /// column), `m_k` its mean over label `k`'s rows, `m` its mean over all rows and `σ` its
    /// pooled within-label standard deviation, the new logit is
    /// `1.7 × (z − Σ_k p_k m_k) / σ` (`p` = the task probabilities), so 0.5 = a typical prompt
    /// of its task and the sigmoid(1.7 z) spread of the earlier heads is kept. Stored in format
    /// 2 with zero difficulty weights (none computed at prediction): scale `1.7 s/σ`, bias
    /// `1.7 (b − m)/σ`, task offsets `1.7 (m_k − m)/σ`, so the column, scale and bias alone
    /// (what [`Model::with_complexity_of`] copies to a model with other labels) give the
    /// uncentred complexity on the same scale. The weights are untouched, so task scores stay
    /// identical. Labels without rows get offset 0 (the overall mean).
    ///
    /// Errors when the model has no complexity column, already has a difficulty head, no row
    /// has a known label, or the logit does not vary within labels.
    pub fn with_complexity_centred_per_task<'a>(
        &self,
        rows: impl IntoIterator<Item = (&'a str, usize)>,
    ) -> Result<(Model, TaskCentring), ModelError> {
        if !self.has_complexity || self.difficulty.is_some() {
            return Err(ModelError::Invalid(
                "only a model with a trained complexity column and no difficulty head can be centred per task".into(),
            ));
        }
        let l = self.labels.len();
        let mut per: Vec<Vec<f64>> = vec![Vec::new(); l];
        for (text, k) in rows {
            if k < l {
                per[k].push((self.biases[l] + self.complexity_column_logit(text)) as f64);
            }
        }
        let n: usize = per.iter().map(Vec::len).sum();
        if n < 2 {
            return Err(ModelError::Invalid(
                "no labelled rows to centre the complexity on".into(),
            ));
        }
        let means: Vec<f64> = per
            .iter()
            .map(|v| v.iter().sum::<f64>() / v.len().max(1) as f64)
            .collect();
        let mean = per.iter().flatten().sum::<f64>() / n as f64;
        let ss: f64 = per
            .iter()
            .zip(&means)
            .map(|(v, m)| v.iter().map(|z| (z - m).powi(2)).sum::<f64>())
            .sum();
        let sd = (ss / n as f64).sqrt();
        if sd.is_nan() || sd <= 1e-6 {
            return Err(ModelError::Invalid(
                "the complexity logit does not vary within labels".into(),
            ));
        }
        let k = 1.7 / sd;
        let offsets: Vec<f32> = per
            .iter()
            .zip(&means)
            .map(|(v, m)| {
                if v.is_empty() {
                    0.0
                } else {
                    (k * (m - mean)) as f32
                }
            })
            .collect();
        let (column, scale) = self.complexity_column();
        let centred = self.with_difficulty_head(
            [0.0; DIFFICULTY_FEATURES],
            (k * (self.biases[l] as f64 - mean)) as f32,
            Some((&column, (k * scale as f64) as f32)),
            &offsets,
        )?;
        let stats = TaskCentring {
            rows: per.iter().map(Vec::len).collect(),
            means,
            mean,
            sd,
        };
        Ok((centred, stats))
    }

    /// The hashed complexity column's contribution to the complexity logit (scale × the
    /// normalised sum of its weights over `text`'s features; no bias, no difficulty head).
    pub fn complexity_column_logit(&self, text: &str) -> f32 {
        let l = self.labels.len();
        let outputs = l + 1;
        let mask = (1u32 << self.log2_buckets) - 1;
        let mut acc = [0i32; GROUPS];
        let mut counts = [0u32; GROUPS];
        for_each_feature(text, |g, h| {
            let gi = g as usize;
            counts[gi] += 1;
            acc[gi] += self.weights[(h & mask) as usize * outputs + l] as i32;
        });
        let s: f32 = (0..GROUPS)
            .map(|g| acc[g] as f32 * self.group_weights[g] / (counts[g].max(1) as f32).sqrt())
            .sum();
        self.scales[l] * s
    }

    /// This model's hashed complexity column (one i8 per bucket) and its scale.
    pub fn complexity_column(&self) -> (Vec<i8>, f32) {
        let l = self.labels.len();
        let col = self.weights.chunks_exact(l + 1).map(|row| row[l]).collect();
        (col, self.scales[l])
    }

    /// The difficulty head's weights (format 2 models), in [`super::difficulty::NAMES`] order.
    pub fn difficulty_weights(&self) -> Option<&[f32; DIFFICULTY_FEATURES]> {
        self.difficulty.as_ref()
    }

    /// Per label, the offset subtracted from the complexity logit in proportion to the label's
    /// probability (format 2; empty = none).
    pub fn task_offsets(&self) -> &[f32] {
        &self.task_offsets
    }

    /// Serialises the model in the file format above.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.weights.len() + 256);
        out.extend_from_slice(MAGIC);
        let version = if self.difficulty.is_some() {
            FORMAT_VERSION_DIFFICULTY
        } else {
            FORMAT_VERSION
        };
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
        out.push(self.log2_buckets);
        out.push(self.labels.len() as u8);
        out.extend_from_slice(&(self.has_complexity as u16).to_le_bytes());
        for l in &self.labels {
            out.push(l.len() as u8);
            out.extend_from_slice(l.as_bytes());
        }
        for (s, b) in self.scales.iter().zip(&self.biases) {
            out.extend_from_slice(&s.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
        }
        for g in &self.group_weights {
            out.extend_from_slice(&g.to_le_bytes());
        }
        out.extend(self.weights.iter().map(|&w| w as u8));
        if let Some(dw) = &self.difficulty {
            out.extend_from_slice(&DIFFICULTY_VERSION.to_le_bytes());
            out.extend_from_slice(&(DIFFICULTY_FEATURES as u16).to_le_bytes());
            for x in dw {
                out.extend_from_slice(&x.to_le_bytes());
            }
            out.push(self.task_offsets.len() as u8);
            for x in &self.task_offsets {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// The labels this model predicts, in score order of [`Model::predict_into`].
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Whether the complexity head was trained (otherwise complexity is always 0.5).
    pub fn has_complexity(&self) -> bool {
        self.has_complexity
    }

    /// Number of hash buckets.
    pub fn buckets(&self) -> usize {
        1 << self.log2_buckets
    }

    /// This model with `other`'s complexity head (its weight column, scale and bias, and its
    /// difficulty head when it has one): a model trained on your own labels keeps the shipped
    /// complexity signal. The difficulty head's per-task offsets are kept when the labels are
    /// the same; for other labels every label gets the mean of `other`'s offsets (complexity
    /// relative to the average task, as the labels cannot be matched). `None` when `other` has
    /// no complexity head or hashes features differently (bucket count, group weights).
    pub fn with_complexity_of(&self, other: &Model) -> Option<Model> {
        if !other.has_complexity
            || other.log2_buckets != self.log2_buckets
            || other.group_weights != self.group_weights
        {
            return None;
        }
        let (l, lo) = (self.labels.len(), other.labels.len());
        let mut weights = self.weights.clone();
        for b in 0..self.buckets() {
            weights[b * (l + 1) + l] = other.weights[b * (lo + 1) + lo];
        }
        let mut scales = self.scales.clone();
        scales[l] = other.scales[lo];
        let mut biases = self.biases.clone();
        biases[l] = other.biases[lo];
        let m = Model::from_parts(
            self.labels.clone(),
            self.log2_buckets,
            true,
            scales,
            biases,
            self.group_weights,
            weights,
        )
        .ok()?;
        match &other.difficulty {
            None => Some(m),
            Some(dw) => {
                let offsets = if other.labels == self.labels || other.task_offsets.is_empty() {
                    other.task_offsets.clone()
                } else {
                    let mean =
                        other.task_offsets.iter().sum::<f32>() / other.task_offsets.len() as f32;
                    vec![mean; l]
                };
                m.set_difficulty(*dw, offsets).ok()
            }
        }
    }

    /// Scores `text` without allocating: writes one probability per label into `probs`
    /// (which must hold at least `labels().len()` values; extra entries are untouched) and
    /// returns the complexity in [0, 1].
    pub fn predict_into(&self, text: &str, probs: &mut [f32]) -> f32 {
        let l = self.labels.len();
        let outputs = l + 1;
        let mask = (1u32 << self.log2_buckets) - 1;
        let mut acc = [[0i32; MAX_LABELS + 1]; GROUPS];
        let mut counts = [0u32; GROUPS];
        if let Some(padded) = &self.padded16 {
            // Fast path (≤ 15 labels): fixed 16-wide rows, which the compiler vectorises. The
            // feature walk only queues bucket ids; a run of ids of one group is then summed in
            // a tight loop, so many row loads (cache misses: the table is 1 MB) are in flight
            // at once instead of one per hashed feature (issue 14). Integer sums: the order
            // does not change a bit of the result.
            let mut acc16 = [[0i32; 16]; GROUPS];
            let mut queue = [0u32; QUEUE];
            let mut queued = 0usize;
            let mut group = 0usize;
            let flush = |acc: &mut [i32; 16], ids: &[u32]| {
                let mut a = *acc;
                for &id in ids {
                    let row: &[i8; 16] = &padded[id as usize];
                    for k in 0..16 {
                        a[k] += row[k] as i32;
                    }
                }
                *acc = a;
            };
            for_each_feature(text, |g, h| {
                let gi = g as usize;
                counts[gi] += 1;
                if gi != group || queued == QUEUE {
                    flush(&mut acc16[group], &queue[..queued]);
                    queued = 0;
                    group = gi;
                }
                queue[queued] = h & mask;
                queued += 1;
            });
            flush(&mut acc16[group], &queue[..queued]);
            for g in 0..GROUPS {
                acc[g][..16].copy_from_slice(&acc16[g]);
            }
        } else {
            let w = &self.weights;
            for_each_feature(text, |g, h| {
                let gi = g as usize;
                counts[gi] += 1;
                let base = (h & mask) as usize * outputs;
                let row = &w[base..base + outputs];
                for (a, &x) in acc[gi][..outputs].iter_mut().zip(row) {
                    *a += x as i32;
                }
            });
        }
        let mut norms = [0f32; GROUPS];
        for g in 0..GROUPS {
            norms[g] = self.group_weights[g] / (counts[g].max(1) as f32).sqrt();
        }
        let logit = |k: usize| -> f32 {
            let mut s = 0f32;
            for g in 0..GROUPS {
                s += acc[g][k] as f32 * norms[g];
            }
            self.biases[k] + self.scales[k] * s
        };
        let mut max = f32::NEG_INFINITY;
        for (k, p) in probs.iter_mut().take(l).enumerate() {
            *p = logit(k);
            max = max.max(*p);
        }
        let mut sum = 0f32;
        for p in probs.iter_mut().take(l) {
            *p = (*p - max).exp();
            sum += *p;
        }
        for p in probs.iter_mut().take(l) {
            *p /= sum;
        }
        if self.has_complexity {
            let mut z = logit(l);
            if let Some(dw) = &self.difficulty {
                if self.difficulty_dense {
                    let mut f = [0f32; DIFFICULTY_FEATURES];
                    difficulty_features(text, &mut f);
                    z += dw.iter().zip(&f).map(|(w, x)| w * x).sum::<f32>();
                }
                z -= self
                    .task_offsets
                    .iter()
                    .zip(probs.iter())
                    .map(|(c, p)| c * p)
                    .sum::<f32>();
            }
            1.0 / (1.0 + (-z).exp())
        } else {
            0.5
        }
    }

    /// Task logits (after scale and bias, before the softmax) of features computed by
    /// [`super::train::featurize`]: the same numbers [`Model::predict_into`] turns into
    /// probabilities, without featurising the text again (leave-one-source-out evaluation).
    pub fn task_logits(&self, f: &super::train::Feats, out: &mut [f32]) {
        let l = self.labels.len();
        let outputs = l + 1;
        let mask = (1u32 << self.log2_buckets) - 1;
        let mut acc = vec![[0i32; GROUPS]; l];
        for &id in &f.ids {
            let g = (id >> 30) as usize;
            let row = &self.weights[(id & mask) as usize * outputs..][..l];
            for (a, &x) in acc.iter_mut().zip(row) {
                a[g] += x as i32;
            }
        }
        for (k, o) in out.iter_mut().take(l).enumerate() {
            let s: f32 = (0..GROUPS)
                .map(|g| acc[k][g] as f32 * self.group_weights[g] * f.norms[g])
                .sum();
            *o = self.biases[k] + self.scales[k] * s;
        }
    }

    /// Classifies one prompt: a probability per label and the complexity.
    pub fn predict(&self, text: &str) -> TaskPrediction {
        let mut probs = [0f32; MAX_LABELS];
        let complexity = self.predict_into(text, &mut probs);
        let l = self.labels.len();
        let mut best = 0;
        for k in 1..l {
            if probs[k] > probs[best] {
                best = k;
            }
        }
        let scores: BTreeMap<String, f64> = self
            .labels
            .iter()
            .zip(&probs[..l])
            .map(|(name, &p)| (name.clone(), round4(p as f64)))
            .collect();
        TaskPrediction {
            label: self.labels[best].clone(),
            scores,
            complexity: round4(complexity as f64),
        }
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        let labels = vec!["a".to_string(), "b".to_string()];
        let weights = (0..(1usize << 10) * 3).map(|i| (i % 7) as i8 - 3).collect();
        Model::from_parts(
            labels,
            10,
            true,
            vec![0.1; 3],
            vec![0.0; 3],
            [1.0; GROUPS],
            weights,
        )
        .unwrap()
    }

    #[test]
    fn round_trips_and_predicts() {
        let m = tiny();
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back, m);
        let p = back.predict("hello there");
        let total: f64 = p.scores.values().sum();
        assert!((total - 1.0).abs() < 1e-3);
        assert!((0.0..=1.0).contains(&p.complexity));
        assert_eq!(back.labels(), &["a".to_string(), "b".to_string()]);
    }

    /// A difficulty head changes only the complexity: task scores stay identical, the file
    /// round-trips as format 2, and a bad offset count or weight is refused.
    #[test]
    fn difficulty_head_round_trips_and_leaves_the_task_alone() {
        let m = tiny();
        let mut w = [0f32; DIFFICULTY_FEATURES];
        w[0] = 0.8; // log_words
        let d = m.with_difficulty_head(w, -2.0, None, &[0.5, -0.5]).unwrap();
        let bytes = d.to_bytes();
        assert_eq!(&bytes[4..6], &FORMAT_VERSION_DIFFICULTY.to_le_bytes());
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back, d);
        for t in [
            "hello there",
            "a much longer prompt with many more words in it than that",
        ] {
            assert_eq!(back.predict(t).scores, m.predict(t).scores, "{t}");
        }
        assert!(
            back.predict("a b c d e f g h i j k l m n").complexity > back.predict("a").complexity
        );
        assert!(m.with_difficulty_head(w, 0.0, None, &[1.0]).is_err());
        w[0] = f32::NAN;
        assert!(m.with_difficulty_head(w, 0.0, None, &[]).is_err());
        for cut in 0..bytes.len() {
            assert!(Model::from_bytes(&bytes[..cut]).is_err());
        }
    }

    /// Centring the complexity column per task: task scores identical, no difficulty features
    /// computed (all-zero weights), complexity = 1.7 × (z − Σ p_k m_k) / σ, and with one label
    /// the rows' centred logits have mean 0 and SD 1.7; the column alone (what a model with
    /// other labels copies) gives the uncentred logit on the same scale. Bad inputs are refused.
    #[test]
    fn centring_the_complexity_column_per_task() {
        let m = tiny();
        let texts = [
            "hello there",
            "a much longer prompt with many more words in it than that",
            "write a poem about the sea",
            "fix this bug in my code please",
            "what is the capital of france",
            "plan a trip",
        ];
        let rows: Vec<(&str, usize)> = texts.iter().enumerate().map(|(i, t)| (*t, i % 2)).collect();
        let (c, st) = m
            .with_complexity_centred_per_task(rows.iter().copied())
            .unwrap();
        assert_eq!(st.rows, vec![3, 3]);
        let back = Model::from_bytes(&c.to_bytes()).unwrap();
        assert_eq!(back, c);
        assert!(!c.difficulty_dense);
        let logit = |p: f32| (p / (1.0 - p)).ln();
        for t in texts.iter().chain(&["zzz", ""]) {
            assert_eq!(back.predict(t).scores, m.predict(t).scores, "{t}");
            let mut p0 = [0f32; 2];
            let z = logit(m.predict_into(t, &mut p0)) as f64;
            let expect =
                1.7 * (z - p0[0] as f64 * st.means[0] - p0[1] as f64 * st.means[1]) / st.sd;
            let mut p1 = [0f32; 2];
            let got = logit(back.predict_into(t, &mut p1)) as f64;
            assert!((got - expect).abs() < 1e-3, "{t}: {got} vs {expect}");
        }
        // Copied to a model with the same labels: the whole head, the same complexity.
        let same = m.with_complexity_of(&c).unwrap();
        for t in texts {
            assert_eq!(
                same.predict(t).complexity,
                back.predict(t).complexity,
                "{t}"
            );
        }
        // Copied to a model with other labels: the column, scale and bias, minus the mean of
        // the offsets (0 here: both labels have 3 rows) — the uncentred logit, standardised.
        let three = Model::from_parts(
            vec!["x".into(), "y".into(), "z".into()],
            10,
            true,
            vec![0.1; 4],
            vec![0.0; 4],
            [1.0; GROUPS],
            (0..(1usize << 10) * 4).map(|i| (i % 5) as i8 - 2).collect(),
        )
        .unwrap();
        let plain = three.with_complexity_of(&c).unwrap();
        assert_eq!(plain.task_offsets().len(), 3);
        for t in texts {
            let mut p = [0f32; 2];
            let z = logit(m.predict_into(t, &mut p)) as f64;
            let got = logit(plain.predict_into(t, &mut [0f32; 3])) as f64;
            assert!((got - 1.7 * (z - st.mean) / st.sd).abs() < 1e-3, "{t}");
        }
        // One label: p = 1, so the centred logits of the rows have mean 0 and SD 1.7.
        let one = Model::from_parts(
            vec!["only".into()],
            10,
            true,
            vec![0.1; 2],
            vec![0.3; 2],
            [1.0; GROUPS],
            (0..(1usize << 10) * 2)
                .map(|i| (i % 11) as i8 - 5)
                .collect(),
        )
        .unwrap();
        let (c1, _) = one
            .with_complexity_centred_per_task(texts.iter().map(|t| (*t, 0)))
            .unwrap();
        let zs: Vec<f64> = texts
            .iter()
            .map(|t| logit(c1.predict_into(t, &mut [0f32; 1])) as f64)
            .collect();
        let mean = zs.iter().sum::<f64>() / zs.len() as f64;
        let sd = (zs.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / zs.len() as f64).sqrt();
        assert!(mean.abs() < 1e-3 && (sd - 1.7).abs() < 1e-3, "{mean} {sd}");
        // Refused: no rows, a constant logit, a model already centred, no complexity column.
        assert!(matches!(
            m.with_complexity_centred_per_task([("x", 5)]),
            Err(ModelError::Invalid(_))
        ));
        assert!(m
            .with_complexity_centred_per_task([("a", 0), ("a", 0)])
            .is_err());
        assert!(c
            .with_complexity_centred_per_task(rows.iter().copied())
            .is_err());
        let untrained = Model::from_parts(
            vec!["a".into()],
            10,
            false,
            vec![0.1; 2],
            vec![0.0; 2],
            [1.0; GROUPS],
            vec![1; 1 << 11],
        )
        .unwrap();
        assert!(untrained
            .with_complexity_centred_per_task(rows.iter().copied())
            .is_err());
    }

    #[test]
    fn rejects_bad_files() {
        let bytes = tiny().to_bytes();
        assert_eq!(Model::from_bytes(b"nope"), Err(ModelError::BadMagic));
        assert_eq!(Model::from_bytes(&[]), Err(ModelError::BadMagic));
        assert!(matches!(
            Model::from_bytes(&bytes[..bytes.len() - 10]),
            Err(ModelError::Truncated { .. })
        ));
        let mut flipped = bytes.clone();
        flipped[200] ^= 1;
        assert_eq!(Model::from_bytes(&flipped), Err(ModelError::Checksum));
        let mut v2 = bytes.clone();
        v2[4] = 9;
        assert_eq!(
            Model::from_bytes(&v2),
            Err(ModelError::UnsupportedVersion(9))
        );
        for cut in 0..40 {
            assert!(Model::from_bytes(&bytes[..cut]).is_err());
        }
    }

    /// Found by `fuzz/fuzz_targets/model_load.rs`: a file with a valid checksum and a scale of
    /// -2.1e8 (group weight -9.9e35) loaded, then classified every prompt as NaN.
    #[test]
    fn rejects_parameters_that_overflow_and_predicts_finite_at_the_limit() {
        let labels = vec!["only".to_string()];
        let w = vec![127i8; 1 << 10];
        let g = [1.0; GROUPS];
        for (scale, bias, gw) in [
            (-2.147e8, 0.0, g),
            (0.1, f32::MAX, g),
            (0.1, 0.0, [-9.9e35, 1.0, 1.0]),
        ] {
            let m = Model::from_parts(
                labels.clone(),
                10,
                true,
                vec![scale; 2],
                vec![bias; 2],
                gw,
                w.clone(),
            );
            assert!(
                matches!(m, Err(ModelError::Invalid(_))),
                "{scale} {bias} {gw:?}"
            );
        }
        // Every parameter at the limit, every weight at its extreme, a prompt with many features.
        let two = vec!["a".to_string(), "b".to_string()];
        let w: Vec<i8> = (0..(1usize << 10) * 3)
            .map(|i| if i % 3 == 0 { 127 } else { -127 })
            .collect();
        let m = Model::from_parts(
            two,
            10,
            true,
            vec![MAX_PARAMETER; 3],
            vec![-MAX_PARAMETER; 3],
            [MAX_PARAMETER; GROUPS],
            w,
        )
        .unwrap();
        let text = "word ".repeat(2000) + &"日本".repeat(500);
        for t in ["", "x", text.as_str()] {
            let p = m.predict(t);
            assert!(p.scores.values().all(|v| v.is_finite()), "{p:?}");
            assert!((p.scores.values().sum::<f64>() - 1.0).abs() < 1e-3, "{p:?}");
            assert!((0.0..=1.0).contains(&p.complexity), "{p:?}");
        }
    }
}
