//! Training on your own labels in small steps, so the page stays responsive: the app calls
//! [`TrainJob::step`] repeatedly (a bounded amount of work each: a few rows featurised, a few
//! hundred SGD updates, one weight column quantised, or a few held-out rows scored), yields to
//! the browser between chunks, and drops the job to cancel. The result is an ordinary
//! [`Model`] (the file `routeplay classify --model FILE` loads) with held-out metrics.
//!
//! The task head is the same class-balanced softmax SGD with feature dropout as
//! [`super::train::train_float`], on the same hashed features, quantised to i8 the same way
//! (one scale per output from the 99.99th percentile of |w|). A custom set has no complexity
//! targets: the model keeps the complexity head of a base model (the shipped one) when it is
//! given, so `complexity` in policies means the same as before.
//!
//! ```
//! use routeplay_core::classifier::{labelled::read_labelled, stepwise::{TrainJob, TrainSettings}};
//! let mut text = String::new();
//! for i in 0..20 {
//!     text += &format!("{{\"text\": \"please refund order {i}\", \"label\": \"refund\"}}\n");
//!     text += &format!("{{\"text\": \"where is parcel {i}\", \"label\": \"shipping\"}}\n");
//! }
//! let set = read_labelled(&text).unwrap();
//! let mut job = TrainJob::new(&set, &TrainSettings::default(), None).unwrap();
//! while !job.is_done() {
//!     let p = job.step();
//!     assert!((0.0..=1.0).contains(&p.fraction));
//! }
//! let done = job.result().unwrap();
//! assert_eq!(done.model.predict("refund my order please").label, "refund");
//! ```

use super::features::GROUPS;
use super::labelled::LabelledSet;
use super::metrics::{ClassScores, Confusion};
use super::model::{Model, MAX_LABELS};
use super::train::{featurize, Feats, Rng, SgdStep};

/// Rows featurised (or held-out rows scored) per step.
pub const ROWS_PER_STEP: usize = 16;
/// SGD updates per step.
pub const UPDATES_PER_STEP: usize = 256;

/// Settings of an in-page training run. The defaults are what the Train view uses.
#[derive(Debug, Clone)]
pub struct TrainSettings {
    /// Share of each label's rows held out for the metrics.
    pub held_out: f64,
    /// Passes over the class-balanced draw.
    pub epochs: usize,
    /// Initial learning rate (decays linearly to 10%).
    pub lr: f32,
    /// L2 penalty on the weights an example touches.
    pub l2: f32,
    /// Share of an example's features dropped in each update.
    pub feature_dropout: f32,
    /// Fewest and most examples drawn per label per epoch (the largest label's row count,
    /// within these bounds).
    pub per_label: (usize, usize),
    /// log2 of the hash buckets (16, as the shipped model, so its complexity head fits).
    pub log2_buckets: u8,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            held_out: 0.2,
            epochs: 8,
            lr: 0.4,
            l2: 1e-5,
            feature_dropout: 0.3,
            per_label: (300, 3000),
            log2_buckets: 16,
            seed: 20_261_201,
        }
    }
}

/// What the job is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Computing the features of the training rows.
    Reading,
    /// SGD updates.
    Training,
    /// Quantising the weights to i8.
    Packing,
    /// Scoring the held-out rows with the quantised model.
    Testing,
    /// Finished: [`TrainJob::result`] is ready.
    Done,
}

impl Stage {
    /// A short word for people.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "reading rows",
            Stage::Training => "training",
            Stage::Packing => "packing the model",
            Stage::Testing => "testing on held-out rows",
            Stage::Done => "done",
        }
    }
}

/// How far a job is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The current stage.
    pub stage: Stage,
    /// Share of the whole job done, 0..=1 (never goes down).
    pub fraction: f64,
}

/// A finished training: the model and its held-out metrics.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model (the same file format as the shipped one: [`Model::to_bytes`]).
    pub model: Model,
    /// Held-out confusion matrix over the model's labels (gold rows, predicted columns).
    pub confusion: Confusion,
    /// Held-out precision, recall and F1 per label.
    pub per_label: Vec<ClassScores>,
    /// Held-out macro-F1.
    pub macro_f1: f64,
    /// Held-out accuracy.
    pub accuracy: f64,
    /// Rows trained on.
    pub train_rows: usize,
    /// Rows held out.
    pub test_rows: usize,
    /// Whether the complexity head was taken from the base model.
    pub complexity_from_base: bool,
}

// Relative cost of one unit of work, for the progress fraction.
const COST_FEATURIZE: f64 = 8.0;
const COST_UPDATE: f64 = 1.0;
const COST_TEST: f64 = 10.0;
const COST_COLUMN: f64 = 400.0;

/// A training run in progress. Dropping it cancels it.
pub struct TrainJob {
    labels: Vec<String>,
    settings: TrainSettings,
    /// Training rows (text, label index) and their features once read.
    train: Vec<(String, usize)>,
    feats: Vec<Feats>,
    by_label: Vec<Vec<usize>>,
    test: Vec<(String, usize)>,
    per_label: usize,
    w: Vec<f32>,
    bias: Vec<f32>,
    rng: Rng,
    order: Vec<usize>,
    pos: usize,
    updates: usize,
    total_updates: usize,
    scales: Vec<f32>,
    predictions: Vec<usize>,
    base: Option<Model>,
    /// The quantised model and whether it kept the base's complexity head (from packing on).
    packed: Option<(Model, bool)>,
    stage: Stage,
    done_units: f64,
    total_units: f64,
    result: Option<Trained>,
    failed: Option<String>,
}

impl std::fmt::Debug for TrainJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainJob")
            .field("labels", &self.labels)
            .field("stage", &self.stage)
            .field("progress", &self.progress().fraction)
            .finish()
    }
}

impl TrainJob {
    /// Starts a job on `set` (refused while [`LabelledSet::problems`] says why). `base`: a
    /// model whose complexity head the result keeps (the shipped classifier).
    pub fn new(
        set: &LabelledSet,
        settings: &TrainSettings,
        base: Option<&Model>,
    ) -> Result<TrainJob, String> {
        if let Some(p) = set.problems().into_iter().next() {
            return Err(p);
        }
        if !(10..=22).contains(&settings.log2_buckets) {
            return Err(format!(
                "2^{} hash buckets (must be 2^10..=2^22)",
                settings.log2_buckets
            ));
        }
        let labels: Vec<String> = set.label_counts().into_keys().collect();
        debug_assert!(labels.len() <= MAX_LABELS);
        let index = |l: &str| labels.binary_search_by(|x| x.as_str().cmp(l)).unwrap_or(0);
        let (train_idx, test_idx) = set.split(settings.held_out);
        let take = |idx: &[usize]| -> Vec<(String, usize)> {
            idx.iter()
                .map(|&i| (set.rows[i].text.clone(), index(&set.rows[i].label)))
                .collect()
        };
        let train = take(&train_idx);
        let test = take(&test_idx);
        let l = labels.len();
        let mut by_label = vec![Vec::new(); l];
        for (i, (_, y)) in train.iter().enumerate() {
            by_label[*y].push(i);
        }
        let largest = by_label.iter().map(Vec::len).max().unwrap_or(0);
        let per_label = largest.clamp(settings.per_label.0, settings.per_label.1.max(1));
        let total_updates = settings.epochs * per_label * l;
        let outputs = l + 1;
        let total_units = train.len() as f64 * COST_FEATURIZE
            + total_updates as f64 * COST_UPDATE
            + outputs as f64 * COST_COLUMN
            + test.len() as f64 * COST_TEST;
        Ok(TrainJob {
            settings: settings.clone(),
            feats: Vec::with_capacity(train.len()),
            by_label,
            per_label,
            w: vec![0.0; (1usize << settings.log2_buckets) * outputs],
            bias: vec![0.0; outputs],
            rng: Rng::new(settings.seed),
            order: Vec::new(),
            pos: 0,
            updates: 0,
            total_updates,
            scales: Vec::with_capacity(outputs),
            predictions: Vec::with_capacity(test.len()),
            base: base.cloned(),
            packed: None,
            stage: Stage::Reading,
            done_units: 0.0,
            total_units,
            result: None,
            failed: None,
            labels,
            train,
            test,
        })
    }

    /// The labels the model will predict, in output order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Rows trained on and held out.
    pub fn sizes(&self) -> (usize, usize) {
        (self.train.len(), self.test.len())
    }

    /// How far the job is.
    pub fn progress(&self) -> Progress {
        let fraction = if self.stage == Stage::Done {
            1.0
        } else {
            (self.done_units / self.total_units.max(1.0)).clamp(0.0, 0.999)
        };
        Progress {
            stage: self.stage,
            fraction,
        }
    }

    /// The finished model and metrics (`None` until the job is done).
    pub fn result(&self) -> Option<&Trained> {
        self.result.as_ref()
    }

    /// Why the job ended without a model, if it did.
    pub fn failed(&self) -> Option<&str> {
        self.failed.as_deref()
    }

    /// Whether the job has ended (with a result or a failure).
    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Takes the finished result out of the job.
    pub fn into_result(self) -> Option<Trained> {
        self.result
    }

    /// Does one bounded piece of work and says how far the job is. Calling it after the job
    /// is done does nothing.
    pub fn step(&mut self) -> Progress {
        match self.stage {
            Stage::Reading => self.step_read(),
            Stage::Training => self.step_train(),
            Stage::Packing => self.step_pack(),
            Stage::Testing => self.step_test(),
            Stage::Done => {}
        }
        self.progress()
    }

    fn step_read(&mut self) {
        let start = self.feats.len();
        let end = (start + ROWS_PER_STEP).min(self.train.len());
        for (text, _) in &self.train[start..end] {
            self.feats.push(featurize(text));
        }
        self.done_units += (end - start) as f64 * COST_FEATURIZE;
        if self.feats.len() == self.train.len() {
            self.stage = Stage::Training;
        }
    }

    /// A new epoch's class-balanced, shuffled draw.
    fn draw(&mut self) {
        self.order.clear();
        for members in &self.by_label {
            for _ in 0..self.per_label {
                self.order.push(members[self.rng.below(members.len())]);
            }
        }
        for i in (1..self.order.len()).rev() {
            let j = self.rng.below(i + 1);
            self.order.swap(i, j);
        }
        self.pos = 0;
    }

    fn step_train(&mut self) {
        let l = self.labels.len();
        let outputs = l + 1;
        let mask = (1u32 << self.settings.log2_buckets) - 1;
        let drop_below =
            (self.settings.feature_dropout.clamp(0.0, 0.9) as f64 * u32::MAX as f64) as u32;
        let mut logits = vec![0f32; l];
        let mut kept: Vec<u32> = Vec::with_capacity(512);
        for _ in 0..UPDATES_PER_STEP {
            if self.updates >= self.total_updates {
                break;
            }
            if self.pos >= self.order.len() {
                self.draw();
            }
            let ex = self.order[self.pos];
            self.pos += 1;
            let lr = self.settings.lr
                * (1.0 - 0.9 * self.updates as f32 / self.total_updates.max(1) as f32);
            self.updates += 1;
            let f = &self.feats[ex];
            let y = self.train[ex].1;
            let step = SgdStep {
                lr,
                l2: self.settings.l2,
                drop_below,
                outputs,
                mask,
            };
            step.apply(
                f,
                y,
                &mut self.rng,
                &mut kept,
                &mut self.w,
                &mut self.bias,
                &mut logits,
            );
            self.done_units += COST_UPDATE;
        }
        if self.updates >= self.total_updates {
            self.order = Vec::new();
            self.stage = Stage::Packing;
        }
    }

    /// One output column's quantisation scale per step; the model is built after the last.
    fn step_pack(&mut self) {
        let outputs = self.labels.len() + 1;
        let k = self.scales.len();
        if k < outputs {
            let mut v: Vec<f32> = self
                .w
                .iter()
                .skip(k)
                .step_by(outputs)
                .map(|x| x.abs())
                .collect();
            let at = ((v.len() as f64 * 0.9999) as usize).min(v.len() - 1);
            let (_, q, _) = v.select_nth_unstable_by(at, |a, b| a.total_cmp(b));
            let q = *q;
            self.scales.push(if q > 0.0 { q / 127.0 } else { 1.0 });
            self.done_units += COST_COLUMN;
            return;
        }
        let scales = &self.scales;
        let qw: Vec<i8> = self
            .w
            .iter()
            .enumerate()
            .map(|(i, &x)| (x / scales[i % outputs]).round().clamp(-127.0, 127.0) as i8)
            .collect();
        self.w = Vec::new();
        let built = Model::from_parts(
            self.labels.clone(),
            self.settings.log2_buckets,
            false,
            self.scales.clone(),
            self.bias.clone(),
            [1.0; GROUPS],
            qw,
        );
        match built {
            Ok(m) => {
                let with_base = self.base.as_ref().and_then(|b| m.with_complexity_of(b));
                let from_base = with_base.is_some();
                self.packed = Some((with_base.unwrap_or(m), from_base));
                self.feats = Vec::new();
                self.stage = Stage::Testing;
            }
            // Not reachable for weights SGD produced (finite, bounded); never panic on it.
            Err(e) => {
                self.failed = Some(format!("the trained weights do not make a model: {e}"));
                self.stage = Stage::Done;
            }
        }
    }

    fn step_test(&mut self) {
        let Some((model, _)) = self.packed.as_ref() else {
            self.stage = Stage::Done;
            return;
        };
        let l = self.labels.len();
        let start = self.predictions.len();
        let end = (start + ROWS_PER_STEP).min(self.test.len());
        let mut probs = [0f32; MAX_LABELS];
        for (text, _) in &self.test[start..end] {
            model.predict_into(text, &mut probs);
            let mut best = 0;
            for k in 1..l {
                if probs[k] > probs[best] {
                    best = k;
                }
            }
            self.predictions.push(best);
        }
        self.done_units += (end - start) as f64 * COST_TEST;
        if self.predictions.len() < self.test.len() {
            return;
        }
        let mut counts = vec![vec![0usize; l]; l];
        for ((_, gold), &pred) in self.test.iter().zip(&self.predictions) {
            counts[*gold][pred] += 1;
        }
        let confusion = Confusion {
            labels: self.labels.clone(),
            counts,
        };
        if let Some((model, complexity_from_base)) = self.packed.take() {
            self.result = Some(Trained {
                model,
                per_label: confusion.per_class(),
                macro_f1: confusion.macro_f1(),
                accuracy: confusion.accuracy(),
                confusion,
                train_rows: self.train.len(),
                test_rows: self.test.len(),
                complexity_from_base,
            });
        }
        self.stage = Stage::Done;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classifier::labelled::read_labelled;

    /// A small 3-label support set in varied wording.
    pub(crate) fn support_set() -> String {
        let refund = [
            "I want my money back for order {n}",
            "Please refund the charge on my card, order {n}",
            "The item {n} arrived broken, can I get a refund?",
            "How do I return product {n} and get reimbursed?",
            "You charged me twice for {n}, refund one of them",
            "Cancel order {n} and give me my money back",
        ];
        let shipping = [
            "Where is my parcel {n}? It has not arrived",
            "When will order {n} be delivered?",
            "The tracking number for {n} shows no updates",
            "Can you ship order {n} to a different address?",
            "How long does delivery to Norway take for {n}?",
            "My package {n} is stuck in customs",
        ];
        let other = [
            "Do you have this jacket {n} in blue?",
            "What are your opening hours on day {n}?",
            "I love your store, thanks for item {n}",
            "Can I change my account password? ref {n}",
            "Is product {n} suitable for children?",
            "Do you offer gift cards worth {n} euros?",
        ];
        let mut out = String::new();
        for n in 0..12 {
            for (label, list) in [
                ("refund", &refund),
                ("shipping", &shipping),
                ("other", &other),
            ] {
                let t = list[n % list.len()].replace("{n}", &(n * 7 + 3).to_string());
                out += &serde_json::json!({"text": t, "label": label}).to_string();
                out.push('\n');
            }
        }
        out
    }

    fn run(job: &mut TrainJob) -> usize {
        let mut steps = 0;
        let mut last = 0.0;
        while !job.is_done() {
            let p = job.step();
            assert!(
                p.fraction >= last,
                "progress went down: {last} → {}",
                p.fraction
            );
            last = p.fraction;
            steps += 1;
            assert!(steps < 100_000, "the job does not finish");
        }
        assert_eq!(job.progress().fraction, 1.0);
        steps
    }

    #[test]
    fn trains_stepwise_with_metrics_and_the_file_round_trips() {
        let set = read_labelled(&support_set()).unwrap();
        let mut job = TrainJob::new(&set, &TrainSettings::default(), None).unwrap();
        assert_eq!(job.labels(), &["other", "refund", "shipping"]);
        let (tr, te) = job.sizes();
        assert_eq!(tr + te, 36);
        assert!(te >= 3);
        let steps = run(&mut job);
        assert!(steps > 10, "work is split into many steps ({steps})");
        let done = job.result().unwrap();
        assert_eq!(done.test_rows, te);
        assert_eq!(done.confusion.total(), te);
        assert_eq!(done.confusion.labels.len(), 3);
        assert!(done.macro_f1 > 0.6, "held-out macro-F1 {}", done.macro_f1);
        assert_eq!(done.per_label.len(), 3);
        assert!(!done.complexity_from_base);
        let bytes = done.model.to_bytes();
        assert_eq!(&bytes[..4], b"RPTC");
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back, done.model);
        assert_eq!(
            back.predict("Please give me a refund, the mug arrived broken")
                .label,
            "refund"
        );
        assert_eq!(
            back.predict("When does my parcel arrive?").label,
            "shipping"
        );
    }

    #[test]
    fn same_file_same_model_and_dropping_cancels() {
        let set = read_labelled(&support_set()).unwrap();
        let mut a = TrainJob::new(&set, &TrainSettings::default(), None).unwrap();
        let mut b = TrainJob::new(&set, &TrainSettings::default(), None).unwrap();
        run(&mut a);
        // A cancelled job: a few steps, then dropped; nothing else changes.
        let mut c = TrainJob::new(&set, &TrainSettings::default(), None).unwrap();
        for _ in 0..5 {
            c.step();
        }
        assert!(c.progress().fraction > 0.0 && c.progress().fraction < 1.0);
        assert!(c.result().is_none() && !c.is_done());
        drop(c);
        run(&mut b);
        assert_eq!(
            a.result().unwrap().model.to_bytes(),
            b.result().unwrap().model.to_bytes()
        );
    }

    #[test]
    fn keeps_the_base_complexity_head() {
        let set = read_labelled(&support_set()).unwrap();
        // A base model with a complexity head that says "hard" for "prove".
        let base_set = (0..30)
            .flat_map(|i| {
                [
                    crate::classifier::Row {
                        text: format!("prove theorem {i} rigorously"),
                        label: Some("a".into()),
                        source: String::new(),
                        hard: Some(true),
                    },
                    crate::classifier::Row {
                        text: format!("say hi {i}"),
                        label: Some("b".into()),
                        source: String::new(),
                        hard: Some(false),
                    },
                ]
            })
            .collect::<Vec<_>>();
        let cfg = crate::classifier::TrainConfig {
            per_label: 100,
            epochs: 2,
            ..Default::default()
        };
        let (base, _) = crate::classifier::train(&base_set, &cfg).unwrap();
        let mut job = TrainJob::new(&set, &TrainSettings::default(), Some(&base)).unwrap();
        run(&mut job);
        let done = job.result().unwrap();
        assert!(done.complexity_from_base);
        assert!(done.model.has_complexity());
        let t = "prove theorem 7 rigorously";
        assert_eq!(done.model.predict(t).complexity, base.predict(t).complexity);
        assert_eq!(
            Model::from_bytes(&done.model.to_bytes()).unwrap(),
            done.model
        );
    }

    #[test]
    fn refuses_sets_that_cannot_train() {
        let set = read_labelled(r#"{"text": "a", "label": "x"}"#).unwrap();
        let err = TrainJob::new(&set, &TrainSettings::default(), None).unwrap_err();
        assert!(err.contains("at least 2 labels"), "{err}");
    }
}
