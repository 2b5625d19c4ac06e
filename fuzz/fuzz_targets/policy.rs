//! Routing policies (crates/routeplay-core/src/policy/): parse → check → decide against the
//! shipped catalog. Input: the policy's TOML text, optionally followed by `0xFF` and a prompt
//! (at most 512 bytes are used).
//!
//! Checks: no panic; parse errors and check diagnostics point at a line and column inside the
//! file and render; a policy that passes `check` decides each of a few fixed prompts (with and
//! without metadata, with and without a classifier) and the fuzzed prompt, choosing only
//! catalog models and rules that exist, with one trace entry per rule, and the lean
//! (simulation) path agrees with the traced one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::policy::{Diagnostic, Facts, Metadata, Policy};
use routeplay_core::shipped;
use routeplay_core::signals::{CheapSignals, PromptSignals};
use routeplay_fuzz::split_ff;
use std::sync::OnceLock;

struct Fixture {
    catalog: Catalog,
    model: Model,
    facts: Vec<Facts>,
}

const PROMPTS: [&str; 4] = [
    "Plan a three-day trip to Lisbon for two people. Budget: 900 EUR.",
    "Write a Rust function that parses an ISO-8601 duration.\n```rust\nfn parse(s: &str) -> Option<u64> { todo!() }\n```",
    "My email is ana@example.com, please summarise my invoice.",
    "",
];

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let catalog = Catalog::from_json(shipped::CATALOG).expect("shipped catalog");
        let model = Model::from_bytes(shipped::CLASSIFIER).expect("shipped model");
        let metas: [Metadata; 3] = [
            Metadata::new(),
            [("tier".to_string(), serde_json::json!("pro"))].into(),
            [
                ("tier".to_string(), serde_json::json!(3)),
                ("x".to_string(), serde_json::json!([1, {"a": null}])),
            ]
            .into(),
        ];
        let mut facts = Vec::new();
        for (i, text) in PROMPTS.iter().enumerate() {
            let cheap = CheapSignals::compute(text);
            for task in [Some(model.predict(text)), None] {
                let signals = PromptSignals {
                    cheap: cheap.clone(),
                    task,
                };
                facts.push(Facts::new(text, &signals, &metas[i % metas.len()]));
            }
        }
        Fixture {
            catalog,
            model,
            facts,
        }
    })
}

fn check_diagnostics(ds: &[Diagnostic], src: &str) {
    let lines = src.split('\n').count().max(1);
    for d in ds {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(
            d.line <= lines + 1,
            "line {} of a {lines}-line file: {d:?}",
            d.line
        );
        let _ = d.render("fuzz.toml", src);
    }
}

fn decide(p: &Policy, facts: &Facts, catalog: &Catalog) {
    let d = p.decide(facts, catalog);
    if let Some(m) = &d.model {
        assert!(catalog.get(m).is_some(), "chose {m}, not in the catalog");
    }
    for f in &d.fallbacks {
        assert!(catalog.get(f).is_some(), "fallback {f} not in the catalog");
    }
    if let Some(r) = d.rule_index {
        assert!(r < p.rules.len());
    }
    assert_eq!(d.trace.len(), p.rules.len(), "one trace entry per rule");
    let mut fallbacks = Vec::new();
    let lean = p.decide_lean(facts, catalog, &mut fallbacks);
    assert_eq!(
        lean.rule, d.rule_index,
        "lean and traced paths disagree on the rule"
    );
    assert_eq!(
        lean.model.map(|i| catalog.models[i].id.clone()),
        d.model,
        "lean and traced paths disagree on the model"
    );
}

fuzz_target!(|data: &[u8]| {
    let (policy, prompt) = split_ff(data);
    let Ok(src) = std::str::from_utf8(policy) else {
        return;
    };
    let fx = fixture();
    let p = match Policy::parse(src) {
        Ok(p) => p,
        Err(ds) => {
            assert!(!ds.is_empty(), "parse failed without a diagnostic");
            check_diagnostics(&ds, src);
            return;
        }
    };
    let ds = p.check(&fx.catalog);
    check_diagnostics(&ds, src);
    if ds.iter().any(Diagnostic::is_error) {
        return;
    }
    for f in &fx.facts {
        decide(&p, f, &fx.catalog);
    }
    let prompt = String::from_utf8_lossy(&prompt[..prompt.len().min(512)]);
    let cheap = CheapSignals::compute(&prompt);
    let signals = PromptSignals {
        cheap,
        task: Some(fx.model.predict(&prompt)),
    };
    decide(
        &p,
        &Facts::new(&prompt, &signals, &Metadata::new()),
        &fx.catalog,
    );
});
