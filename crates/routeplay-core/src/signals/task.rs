//! The shape of a task-type prediction, shared by the classifier (which makes it) and the policy
//! engine (which reads it).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A classifier's view of one prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskPrediction {
    /// The most probable label.
    pub label: String,
    /// Probability per label (they sum to 1 over the model's label set).
    pub scores: BTreeMap<String, f64>,
    /// How likely the prompt needs a strong model, in [0, 1].
    pub complexity: f64,
}

impl TaskPrediction {
    /// The probability of `label`, 0 when the model does not know the label.
    pub fn score(&self, label: &str) -> f64 {
        self.scores.get(label).copied().unwrap_or(0.0)
    }

    /// The top probability: how sure the classifier is of `label` (calibrated by temperature
    /// scaling on leave-one-source-out predictions; see docs/model-card.md).
    pub fn confidence(&self) -> f64 {
        crate::classifier::calibrate::confidence_margin(self.scores.values().copied()).0
    }

    /// The top probability minus the second: small when two task types are about as likely.
    pub fn margin(&self) -> f64 {
        crate::classifier::calibrate::confidence_margin(self.scores.values().copied()).1
    }
}

/// Everything known about one prompt: cheap signals always, the task prediction once a
/// classifier model is loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptSignals {
    /// Model-free signals.
    pub cheap: super::CheapSignals,
    /// The classifier's prediction; `None` while no model is loaded.
    pub task: Option<TaskPrediction>,
}
