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

/// Below this probability of its top label a prediction is shown as "uncertain": the
/// classifier spreads its belief over several task types (with eleven labels, a uniform guess
/// is 9%). Policies still see the top label; `scores` lets them ask for more.
pub const UNCERTAIN_BELOW: f64 = 0.5;

/// Prompts with fewer words than this are too short for the complexity score to mean anything
/// ("hi" is not harder than a design question); it is still computed, and shown as "too short
/// to tell".
pub const COMPLEXITY_MIN_WORDS: usize = 5;

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

    /// Whether the top label's probability ([`TaskPrediction::confidence`]) is below
    /// [`UNCERTAIN_BELOW`].
    pub fn is_uncertain(&self) -> bool {
        self.confidence() < UNCERTAIN_BELOW
    }
}

impl PromptSignals {
    /// Whether the prompt has no text to go on (empty or only whitespace): nothing to route.
    pub fn is_blank(&self) -> bool {
        self.cheap.words == 0
    }

    /// Whether the prompt is too short for its complexity score to mean anything (fewer than
    /// [`COMPLEXITY_MIN_WORDS`] words).
    pub fn complexity_too_short(&self) -> bool {
        self.cheap.words < COMPLEXITY_MIN_WORDS
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::CheapSignals;

    fn prediction(top: f64) -> TaskPrediction {
        // `chat` is the top label, as the classifier's label always is.
        let rest = (1.0 - top) / 2.0;
        let scores = [
            ("chat".to_string(), top),
            ("qa".to_string(), rest),
            ("code".to_string(), rest),
        ]
        .into_iter()
        .collect();
        TaskPrediction {
            label: "chat".into(),
            scores,
            complexity: 0.3,
        }
    }

    #[test]
    fn a_low_top_score_is_uncertain() {
        assert!(prediction(0.34).is_uncertain());
        assert!(prediction(UNCERTAIN_BELOW - 0.01).is_uncertain());
        assert!(!prediction(UNCERTAIN_BELOW).is_uncertain());
        assert!(!prediction(0.92).is_uncertain());
        assert_eq!(prediction(0.7).confidence(), 0.7);
    }

    #[test]
    fn short_and_blank_prompts() {
        let s = |t: &str| PromptSignals {
            cheap: CheapSignals::compute(t),
            task: None,
        };
        assert!(s("").is_blank() && s("  \n\t ").is_blank());
        assert!(!s("hi").is_blank());
        assert!(s("hi").complexity_too_short());
        assert!(s("hey, how are you?").complexity_too_short());
        assert!(!s("Design a distributed rate limiter for a global API.").complexity_too_short());
    }
}
