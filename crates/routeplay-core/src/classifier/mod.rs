//! The routing classifier: task type (a probability per label) and complexity (how likely the
//! prompt needs a strong model), in microseconds, deterministic, with no I/O.
//!
//! # Using a model
//!
//! ```no_run
//! use routeplay_core::classifier::Model;
//! let bytes: Vec<u8> = std::fs::read("public/model/task-classifier.bin").unwrap();
//! let model = Model::from_bytes(&bytes).expect("a valid model file"); // never panics on bad bytes
//! let p = model.predict("Summarize this thread for me: ...");
//! println!("{} {:?} {}", p.label, p.scores, p.complexity);
//! println!("{:?}", model.labels());
//! ```
//!
//! The browser app fetches the same file asynchronously and calls [`Model::from_bytes`] then
//! [`Model::predict`]. Nothing here hard-codes the label set: [`train()`] learns whatever labels
//! the rows carry.
//!
//! Modules: [`features`] (hashed n-grams and structure), [`model`] (file format, prediction),
//! [`train`](mod@train) (deterministic SGD), [`clean`] (label rules for the shared datasets),
//! [`augment`] (instruction/passage recombination), [`metrics`] (F1, confusion, AUC),
//! [`loso`] (leave-one-source-out evaluation), [`calibrate`] (temperature scaling, ECE),
//! [`difficulty`] (dense difficulty features), [`complexity`] (the failure target, the
//! difficulty head, within-task AUC), [`labelled`] (an uploaded set of your own labels) and
//! [`stepwise`] (training on it in small steps, as the page does).

pub mod augment;
pub mod calibrate;
pub mod clean;
pub mod complexity;
pub mod difficulty;
pub mod features;
pub mod labelled;
pub mod loso;
pub mod metrics;
pub mod model;
pub mod stepwise;
pub mod train;

pub use clean::Row;
pub use metrics::{roc_auc, Confusion};
pub use model::{Model, ModelError};
pub use train::{train, TrainConfig, TrainReport};
