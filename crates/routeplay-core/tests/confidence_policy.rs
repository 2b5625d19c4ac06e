//! The policy example of docs/policy.md ("Classifier confidence") passes check and routes a
//! prompt the classifier is unsure about to the safe general model, and a sure one by its rules;
//! `confidence` and `margin` are the top probability and its lead over the second.

use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::policy::{Facts, Metadata, Policy};
use routeplay_core::shipped::{CATALOG, CLASSIFIER};
use routeplay_core::signals::{CheapSignals, PromptSignals, TaskPrediction};

fn example() -> &'static str {
    let doc = include_str!("../../../docs/policy.md");
    let start = doc
        .find("<!-- confidence-example -->")
        .expect("marker in docs/policy.md");
    let rest = &doc[start..];
    let open = rest.find("```toml\n").expect("toml block") + "```toml\n".len();
    let len = rest[open..].find("```").expect("closing fence");
    &rest[open..open + len]
}

fn signals(text: &str, scores: &[(&str, f64)]) -> PromptSignals {
    PromptSignals {
        cheap: CheapSignals::compute(text),
        task: Some(TaskPrediction {
            label: scores[0].0.to_string(),
            scores: scores.iter().map(|(l, p)| (l.to_string(), *p)).collect(),
            complexity: 0.5,
        }),
    }
}

#[test]
fn the_documented_example_sends_unsure_prompts_to_the_safe_model() {
    let catalog = Catalog::from_json(CATALOG).unwrap();
    let (policy, diags) = Policy::load(example(), &catalog).expect("example parses");
    assert!(diags.is_empty(), "{diags:#?}");
    let text = "write a function that reverses a string";
    let decide =
        |s: &PromptSignals| policy.decide(&Facts::new(text, s, &Metadata::new()), &catalog);

    let sure = signals(text, &[("code", 0.9), ("qa", 0.06), ("chat", 0.04)]);
    let d = decide(&sure);
    assert_eq!(d.rule.as_deref(), Some("code"), "{d:#?}");

    let unsure = signals(text, &[("code", 0.42), ("qa", 0.38), ("chat", 0.2)]);
    let d = decide(&unsure);
    assert_eq!(d.model.as_deref(), Some("claude-sonnet-4.6"), "{d:#?}");

    // A clear top label but a close runner-up: the margin rule fires too.
    let close = signals(text, &[("code", 0.52), ("qa", 0.45), ("chat", 0.03)]);
    assert_eq!(decide(&close).model.as_deref(), Some("claude-sonnet-4.6"));
}

#[test]
fn confidence_and_margin_come_from_the_scores() {
    let s = signals("x", &[("code", 0.5), ("qa", 0.3), ("chat", 0.2)]);
    let p = s.task.as_ref().unwrap();
    assert!((p.confidence() - 0.5).abs() < 1e-12 && (p.margin() - 0.2).abs() < 1e-12);
    // The shipped model: confidence is the probability of its label.
    let m = Model::from_bytes(CLASSIFIER).unwrap();
    let p = m.predict("Translate 'good night' into Italian");
    assert_eq!(p.confidence(), p.scores[&p.label]);
    assert!(p.margin() >= 0.0 && p.margin() <= p.confidence());
}
