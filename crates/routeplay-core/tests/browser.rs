//! The core's behaviour checked in a real browser: `scripts/wasm-test.sh` compiles this file for
//! wasm32 and runs it in headless Chromium; natively it runs as ordinary `#[test]`s.
//!
//! Anything whose result could differ on wasm32 (32-bit `usize`, float formatting, hashing,
//! no clock) gets a test here.

use routeplay_core::signals::{CheapSignals, PiiKind};
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test(unsupported = test)]
fn cheap_signals_match_native_values() {
    let s = CheapSignals::compute(
        "Translate to German: 'The meeting moved to Friday.' Contact: ana@example.com",
    );
    assert_eq!(s.words, 10);
    assert_eq!(s.lines, 1);
    assert!(!s.has_code);
    assert_eq!(s.pii, vec![PiiKind::Email]);
    assert_eq!(s.language.as_ref().map(|l| l.code.as_str()), Some("eng"));
}

#[wasm_bindgen_test(unsupported = test)]
fn one_megabyte_prompt_is_handled() {
    let text = "Summarize the following report. ".repeat(32 * 1024);
    let s = CheapSignals::compute(&text);
    assert_eq!(s.bytes, text.len());
    assert!(s.tokens > 100_000);
    assert_eq!(s.language.as_ref().map(|l| l.code.as_str()), Some("eng"));
}

#[wasm_bindgen_test(unsupported = test)]
fn code_detection_in_browser() {
    assert!(CheapSignals::compute("```js\nconsole.log(1)\n```").has_code);
}

/// The shipped classifier gives the same kind of answer in the browser: hashing and float
/// maths must not depend on the target's pointer width.
#[wasm_bindgen_test(unsupported = test)]
fn shipped_classifier_runs_in_browser() {
    use routeplay_core::classifier::Model;
    let model =
        Model::from_bytes(routeplay_core::shipped::CLASSIFIER).expect("shipped model loads");
    let cases = [
        (
            "Write a Python function that returns the n-th Fibonacci number iteratively.",
            "code",
        ),
        (
            "Translate into French: 'The train leaves at noon.'",
            "translation",
        ),
        (
            "Plan a 5-day itinerary for Rome with a toddler, including rest breaks.",
            "planning",
        ),
    ];
    for (text, want) in cases {
        let p = model.predict(text);
        assert_eq!(p.label, want, "{text}: {:?}", p.scores);
        let total: f64 = p.scores.values().sum();
        assert!((total - 1.0).abs() < 1e-2);
        assert!((0.0..=1.0).contains(&p.complexity));
    }
}

/// Every shipped preset loads and decides in the browser, with a trace line per rule.
#[wasm_bindgen_test(unsupported = test)]
fn presets_decide_in_browser() {
    use routeplay_core::catalog::Catalog;
    use routeplay_core::policy::{Facts, Metadata, Policy};
    use routeplay_core::signals::PromptSignals;
    let catalog = Catalog::from_json(routeplay_core::shipped::CATALOG).unwrap();
    let text = "Refactor this function to avoid the double loop:\n```js\nfor (const a of xs) for (const b of ys) if (a === b) out.push(a);\n```";
    let signals = PromptSignals {
        cheap: CheapSignals::compute(text),
        task: None,
    };
    let facts = Facts::new(text, &signals, &Metadata::new());
    for (_, src) in routeplay_core::shipped::PRESETS {
        let (policy, _) = Policy::load(src, &catalog).expect("preset loads");
        let d = policy.decide(&facts, &catalog);
        assert!(d.model.is_some(), "{} chose nothing", policy.name);
        assert_eq!(d.trace.len(), policy.rules.len());
    }
}

/// Bounded work holds on wasm32 too: the issue's seven nested loops are rejected with
/// `cel-cost` at the loop's line:column, and four nested loops just under the budget decide
/// having run exactly the 5,110 iterations the estimate allows for.
#[wasm_bindgen_test(unsupported = test)]
fn condition_cost_budget_holds_in_browser() {
    use routeplay_core::catalog::Catalog;
    use routeplay_core::policy::{
        Facts, Metadata, Policy, MAX_CONDITION_COST, MAX_CONDITION_STEPS,
    };
    use routeplay_core::signals::PromptSignals;
    const D: &str = "[0,1,2,3,4,5,6,7,8,9]";
    let nest = |levels: usize, body: &str| {
        let mut s = String::from("tokens > 0 && ");
        for v in ["a", "b", "c", "d", "e", "f", "g"].iter().take(levels) {
            s.push_str(&format!("{D}.all({v}, "));
        }
        s + body + &")".repeat(levels)
    };
    let policy = |cond: &str| {
        format!("[[rule]]\nname = \"loops\"\nwhen = '{cond}'\nmodel = \"gpt-5.4\"\n\n[default]\nmodel = \"gpt-5-mini\"\n")
    };
    let catalog = Catalog::from_json(routeplay_core::shipped::CATALOG).unwrap();

    let seven = policy(&nest(7, "a + b + c + d + e + f + g + tokens >= 0"));
    let diags = Policy::parse(&seven).expect_err("seven nested loops are rejected");
    let d = diags
        .iter()
        .find(|d| d.code == "cel-cost")
        .expect("a cel-cost diagnostic");
    assert_eq!((d.line, d.column), (3, 23), "{d:?}");

    let four = policy(&nest(3, "[0,1,2,3].all(d, a + b + c + d <= tokens + 36)"));
    let (p, _) = Policy::load(&four, &catalog).expect("four nested loops load");
    let cost = p.rules[0].cost().unwrap();
    assert!(
        cost <= MAX_CONDITION_COST && cost > MAX_CONDITION_COST * 3 / 4,
        "{cost}"
    );
    let text = "hello from the browser";
    let signals = PromptSignals {
        cheap: routeplay_core::signals::CheapSignals::compute(text),
        task: None,
    };
    let facts = Facts::new(text, &signals, &Metadata::new());
    let run = p.measure_condition(0, &facts).unwrap();
    assert_eq!(run.value, Ok(true));
    assert_eq!(run.steps, 5_110);
    assert!(run.steps <= p.rules[0].max_loop_steps().unwrap());
    assert!(run.steps < MAX_CONDITION_STEPS);
    assert_eq!(p.decide(&facts, &catalog).rule.as_deref(), Some("loops"));
}
