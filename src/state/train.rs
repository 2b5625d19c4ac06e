//! The Train view's state: an uploaded labelled set, its summary, a training run in chunks
//! (each a few milliseconds, so the page stays responsive), and the trained model that
//! "Use this model" puts in place of the shipped classifier (this tab's memory only).
//!
//! The work itself is the core's ([`routeplay_core::classifier::labelled`] and
//! [`routeplay_core::classifier::stepwise`]); this module only decides what the view says.

use crate::engine::Shared;
use routeplay_core::classifier::labelled::{read_labelled, LabelledSet};
use routeplay_core::classifier::stepwise::{Progress, TrainJob, TrainSettings, Trained};
use routeplay_core::classifier::Model;
use routeplay_core::format::{plural, thousands};
use routeplay_core::simulate::input::LineError;

/// Milliseconds of training between yields to the browser.
pub const CHUNK_MS: f64 = 8.0;
/// Bad lines listed in the summary (the rest are counted).
pub const BAD_LINES_SHOWN: usize = 20;

/// A classifier trained here and chosen for this tab's decisions and batch runs.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomModel {
    /// Where it came from, for people ("support.jsonl, 3 labels").
    pub name: String,
    /// The model.
    pub model: Shared<Model>,
}

/// An uploaded file, read.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The file's name.
    pub file_name: String,
    /// The set, or why the whole file was refused.
    pub set: Result<LabelledSet, String>,
}

impl Upload {
    /// Reads `text` uploaded as `file_name`.
    pub fn read(file_name: &str, text: &str) -> Upload {
        Upload {
            file_name: file_name.to_string(),
            set: read_labelled(text),
        }
    }

    /// What the summary shows, when the file was read.
    pub fn summary(&self) -> Option<Summary> {
        let set = self.set.as_ref().ok()?;
        let counts = set.label_counts();
        let (train, test) = set.split(TrainSettings::default().held_out);
        Some(Summary {
            rows: set.rows.len(),
            format: set.format.label(),
            labels: counts.into_iter().collect(),
            bad_lines: set.errors.iter().take(BAD_LINES_SHOWN).cloned().collect(),
            bad_total: set.errors.len(),
            problems: set.problems(),
            train_rows: train.len(),
            test_rows: test.len(),
        })
    }

    /// A name for the model trained on this file ("support.jsonl" → "support").
    pub fn model_stem(&self) -> String {
        let stem = self
            .file_name
            .rsplit_once('.')
            .map_or(self.file_name.as_str(), |(s, _)| s);
        let clean: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .take(60)
            .collect();
        if clean.trim_matches('-').is_empty() {
            "custom".into()
        } else {
            clean
        }
    }

    /// The download name of the model trained on this file.
    pub fn download_name(&self) -> String {
        format!("routeplay-{}.bin", self.model_stem())
    }
}

/// The summary of an uploaded set.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Usable rows.
    pub rows: usize,
    /// The format read, for people.
    pub format: &'static str,
    /// Rows per label, in label order.
    pub labels: Vec<(String, usize)>,
    /// The first bad lines.
    pub bad_lines: Vec<LineError>,
    /// All bad lines.
    pub bad_total: usize,
    /// What stops training (empty: it can start).
    pub problems: Vec<String>,
    /// Rows trained on and held out.
    pub train_rows: usize,
    /// Rows held out for the metrics.
    pub test_rows: usize,
}

impl Summary {
    /// One line: "120 rows, 3 labels (96 to train, 24 held out); 2 bad lines".
    pub fn headline(&self) -> String {
        let mut s = format!(
            "{}, {} ({} to train, {} held out)",
            plural(self.rows, "row"),
            plural(self.labels.len(), "label"),
            thousands(self.train_rows),
            thousands(self.test_rows)
        );
        if self.bad_total > 0 {
            s += &format!("; {} skipped", plural(self.bad_total, "bad line"));
        }
        s
    }

    /// "… and 12 more bad lines", when not all are listed.
    pub fn more_bad_lines(&self) -> Option<String> {
        (self.bad_total > self.bad_lines.len()).then(|| {
            format!(
                "… and {} more",
                plural(self.bad_total - self.bad_lines.len(), "bad line")
            )
        })
    }
}

/// Where a training run is.
#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    /// Nothing started (or a new file was uploaded).
    Idle,
    /// Running: how far.
    Running(Progress),
    /// Cancelled at this share of the work.
    Cancelled(f64),
    /// Finished with this result.
    Done(Shared<Trained>),
    /// Could not start or finish.
    Failed(String),
}

impl RunStatus {
    /// Whether a run is going.
    pub fn running(&self) -> bool {
        matches!(self, RunStatus::Running(_))
    }

    /// What the status line says.
    pub fn text(&self) -> String {
        match self {
            RunStatus::Idle => String::new(),
            RunStatus::Running(p) => format!("{:.0}% — {}…", p.fraction * 100.0, p.stage.label()),
            RunStatus::Cancelled(f) => format!(
                "Cancelled at {:.0}%: nothing changed; the model in use is the same as before.",
                f * 100.0
            ),
            RunStatus::Done(t) => format!(
                "Trained on {} in this page; held-out macro-F1 {:.2}, accuracy {:.0}% on {}.",
                plural(t.train_rows, "row"),
                t.macro_f1,
                t.accuracy * 100.0,
                plural(t.test_rows, "held-out row")
            ),
            RunStatus::Failed(e) => format!("Training could not finish: {e}"),
        }
    }
}

/// Runs job steps until `budget_ms` have passed on `now` (or the job is done); at least one
/// step, so every chunk makes progress.
pub fn run_chunk(job: &mut TrainJob, now: &mut impl FnMut() -> f64, budget_ms: f64) -> Progress {
    let t0 = now();
    let mut p = job.step();
    while !job.is_done() && now() - t0 < budget_ms {
        p = job.step();
    }
    p
}

/// The cells of a confusion matrix for drawing: per gold row, `(count, share of the row)`.
pub fn confusion_cells(t: &Trained) -> Vec<Vec<(usize, f64)>> {
    t.confusion
        .counts
        .iter()
        .map(|row| {
            let total: usize = row.iter().sum();
            row.iter()
                .map(|&c| (c, c as f64 / total.max(1) as f64))
                .collect()
        })
        .collect()
}

/// What the "model in use" line says.
pub fn in_use_text(custom: Option<&CustomModel>) -> String {
    match custom {
        Some(c) => format!(
            "In use for this tab's decisions and batch runs: your model “{}” ({}). Kept in memory only: reloading the page returns to the shipped model.",
            c.name,
            c.model.labels().join(", ")
        ),
        None => "In use: the shipped classifier (11 task types).".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_text() -> String {
        let mut s = String::new();
        for i in 0..15 {
            s += &format!(
                "{{\"text\": \"please refund my order number {i}\", \"label\": \"refund\"}}\n"
            );
            s += &format!("{{\"text\": \"where is my parcel {i}, tracking shows nothing\", \"label\": \"shipping\"}}\n");
            s += &format!(
                "{{\"text\": \"do you sell blue jackets in size {i}\", \"label\": \"other\"}}\n"
            );
        }
        s += "broken line\n";
        s
    }

    #[test]
    fn summary_counts_rows_labels_and_bad_lines() {
        let u = Upload::read("Support Set.jsonl", &set_text());
        let s = u.summary().unwrap();
        assert_eq!(s.rows, 45);
        assert_eq!(
            s.labels,
            vec![
                ("other".to_string(), 15),
                ("refund".to_string(), 15),
                ("shipping".to_string(), 15)
            ]
        );
        assert_eq!(s.bad_total, 1);
        assert_eq!(s.bad_lines[0].line, 46);
        assert!(s.problems.is_empty());
        assert_eq!(
            s.headline(),
            "45 rows, 3 labels (36 to train, 9 held out); 1 bad line skipped"
        );
        assert_eq!(s.more_bad_lines(), None);
        assert_eq!(u.download_name(), "routeplay-Support-Set.bin");
        let refused = Upload::read("x.txt", "one\ntwo\n");
        assert!(refused.summary().is_none());
        assert!(refused.set.unwrap_err().contains("each row needs a label"));
    }

    #[test]
    fn chunks_respect_the_clock_and_finish_with_metrics() {
        let u = Upload::read("s.jsonl", &set_text());
        let set = u.set.as_ref().unwrap();
        let mut job = TrainJob::new(set, &TrainSettings::default(), None).unwrap();
        // A fake clock that advances 1 ms per reading: a chunk of budget 3 ms takes 3 steps.
        let mut t = 0.0;
        let mut clock = || {
            t += 1.0;
            t
        };
        let before = job.progress().fraction;
        run_chunk(&mut job, &mut clock, 3.0);
        assert!(job.progress().fraction > before);
        let mut chunks = 1;
        while !job.is_done() {
            run_chunk(&mut job, &mut clock, 3.0);
            chunks += 1;
        }
        assert!(chunks > 3, "the work is split into chunks ({chunks})");
        let t = Shared::new(job.into_result().unwrap());
        let status = RunStatus::Done(t.clone());
        assert!(status.text().starts_with("Trained on 36 rows in this page"));
        let cells = confusion_cells(&t);
        assert_eq!(cells.len(), 3);
        let row_total: usize = cells[0].iter().map(|c| c.0).sum();
        assert_eq!(row_total, 3);
        let custom = CustomModel {
            name: "s".into(),
            model: Shared::new(t.model.clone()),
        };
        assert!(in_use_text(Some(&custom)).contains("other, refund, shipping"));
        assert!(in_use_text(None).contains("shipped"));
        assert!(RunStatus::Cancelled(0.42)
            .text()
            .starts_with("Cancelled at 42%"));
    }
}
