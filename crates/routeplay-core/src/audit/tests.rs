//! Audit tests on a constructed catalog and prompt set whose figures are known exactly.

use super::*;
use crate::simulate::{read_prompt_set, ReadOptions, TaskSource};

/// A catalog model: input price 1 for every model (so cost differences come from the output
/// price alone), the given output price and quality for `qa` and `code`.
fn model(id: &str, maker: &str, provider: &str, out_price: f64, qa: f64, code: f64) -> String {
    let fig = |v: f64| format!(r#"{{"value": {v}, "source": "test", "date": "2026-12"}}"#);
    format!(
        r#"{{"id": "{id}", "provider": "{provider}", "maker": "{maker}", "input_price": {}, "output_price": {}, "context_window": {}, "ttft_ms": {}, "output_tps": {}, "quality": {{"scores": {{"qa": {qa}, "code": {code}}}, "source": "test", "date": "2026-12"}}}}"#,
        fig(1.0),
        fig(out_price),
        fig(1_000_000.0),
        fig(500.0),
        fig(100.0)
    )
}

pub(super) fn test_catalog() -> Catalog {
    let models = [
        model("acme-big", "acme", "acme", 3.0, 85.0, 85.0),
        model("rival-cheap", "rival", "rival", 1.0, 90.0, 70.0),
        model("rival-pro", "rival", "cloud", 10.0, 95.0, 95.0),
        model("acme-on-cloud", "acme", "cloud", 3.0, 10.0, 10.0),
        model("rival-free", "rival", "local", 0.0, 50.0, 50.0).replace(
            r#""input_price": {"value": 1,"#,
            r#""input_price": {"value": 0,"#,
        ),
    ];
    Catalog::from_json(&format!(r#"{{"models": [{}]}}"#, models.join(","))).unwrap()
}

/// Short prompts go to the house (acme) when it clears 80; everything else to the cheapest
/// model clearing 88. Output is fixed at 1,000 tokens, so each cost difference is exact.
const POLICY: &str = r#"name = "acme-first"
output_tokens = 1000

[[rule]]
name = "house when good enough"
when = 'tokens < 50'
allow_makers = ["acme"]
objective = "cheapest"
min_quality = 80

[default]
objective = "cheapest"
min_quality = 88
"#;

const LONG: &str = "Explain in detail how the tides work, what role the moon and the sun play, why there are two high tides a day in most places, and how the shape of coastlines and the depth of the sea change the height and timing of the tides around the world, with examples.";

/// 4 short qa prompts (steered to acme-big, dominated by rival-cheap: 90 ≥ 85, $1 < $3 per 1M
/// output), 2 short code prompts (steered, neutral picks rival-pro: better and dearer, not
/// dominated), 2 long qa prompts (not steered: both pick rival-cheap).
fn test_set() -> String {
    let mut s = String::new();
    for i in 0..4 {
        s.push_str(&format!("{{\"id\": \"qa{i}\", \"text\": \"What is the capital of country {i}?\", \"label\": \"qa\"}}\n"));
    }
    for i in 0..2 {
        s.push_str(&format!("{{\"id\": \"code{i}\", \"text\": \"Reverse list {i} in Python\", \"label\": \"code\"}}\n"));
    }
    for i in 0..2 {
        s.push_str(&format!(
            "{{\"id\": \"long{i}\", \"text\": \"{LONG} ({i})\", \"label\": \"qa\"}}\n"
        ));
    }
    s
}

fn run(options: AuditOptions, references: Vec<Policy>) -> AuditReport {
    run_set(&test_set(), options, references)
}

fn run_set(text: &str, options: AuditOptions, references: Vec<Policy>) -> AuditReport {
    let catalog = test_catalog();
    let policy = Policy::load(POLICY, &catalog).unwrap().0;
    let house = House::parse("acme", &catalog).unwrap();
    let set = Arc::new(read_prompt_set(text, &ReadOptions::default()).unwrap());
    let config = RunConfig {
        metadata: Default::default(),
        tasks: TaskSource {
            use_labels: true,
            ..TaskSource::default()
        },
    };
    audit(set, policy, house, references, catalog, config, options).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn constructed_set_steered_dominated_premium_and_quality_are_exact() {
    let r = run(AuditOptions::default(), vec![]);
    assert_eq!(r.prompts, 8);
    let c = &r.comparisons[0];
    assert_eq!(c.kind, ReferenceKind::Neutral);
    let m = &c.overall;
    assert_eq!(m.steered, 6);
    assert_eq!(m.dominated, 4);
    assert!(close(m.steered_share.value, 6.0 / 8.0));
    assert_eq!(m.policy_house.prompts, 6);
    assert_eq!(m.reference_house.prompts, 0);
    // Premium: 4 × (3 − 1) × 1,000 / 1M − 2 × (10 − 3) × 1,000 / 1M (input prices are equal).
    assert!(
        close(m.premium_usd, 4.0 * 0.002 - 2.0 * 0.007),
        "{}",
        m.premium_usd
    );
    // Quality given up: (4 × (90 − 85) + 2 × (95 − 85)) / 6.
    assert!(close(m.quality_given_up.unwrap().value, 40.0 / 6.0));
    // By task: qa has 6 prompts (4 steered, all dominated), code 2 (2 steered, none).
    let qa = c.by_task.iter().find(|t| t.task == "qa").unwrap();
    assert_eq!(
        (
            qa.measures.prompts,
            qa.measures.steered,
            qa.measures.dominated
        ),
        (6, 4, 4)
    );
    assert!(close(qa.measures.premium_usd, 0.008));
    assert!(close(qa.measures.quality_given_up.unwrap().value, 5.0));
    let code = c.by_task.iter().find(|t| t.task == "code").unwrap();
    assert_eq!((code.measures.steered, code.measures.dominated), (2, 0));
    assert!(close(code.measures.premium_usd, -0.014));
    assert!(close(code.measures.quality_given_up.unwrap().value, 10.0));
    // Every steered prompt carries both decisions and says which rule and which filter.
    assert_eq!(c.steered_prompts.len(), 6);
    let first = &c.steered_prompts[0];
    assert_eq!(first.id, "qa0");
    assert_eq!(first.policy.model, "acme-big");
    assert_eq!(first.reference.model, "rival-cheap");
    assert!(first.dominated);
    assert!(first.policy_decision.is_some() && first.reference_decision.is_some());
    assert!(
        first.difference.contains("rule `house when good enough`")
            && first
                .difference
                .contains("maker `rival` is not in allow_makers")
            && first.difference.contains("is removed there"),
        "{}",
        first.difference
    );
    // The neutral policy dropped the house-first rule whole.
    assert_eq!(r.neutral.removed.len(), 1);
    assert_eq!(r.neutral.removed[0].kind, RemovalKind::Rule);
    assert!(!r.neutral.toml.contains("house when good enough\"\nwhen"));
    assert!(
        r.headline
            .starts_with("75% of prompts steered to Acme (6 of 8 prompts)"),
        "{}",
        r.headline
    );
}

#[test]
fn bootstrap_intervals_are_the_same_for_a_seed_and_differ_for_another() {
    let opts = |seed| AuditOptions {
        seed,
        resamples: 300,
        ..AuditOptions::default()
    };
    // 40 prompts of varied lengths, so the premium varies from prompt to prompt.
    let mut text = String::new();
    for i in 0..40 {
        let (label, words) = if i % 3 == 0 {
            ("code", "sort it ")
        } else {
            ("qa", "why? ")
        };
        text.push_str(&format!(
            "{{\"id\": \"p{i}\", \"text\": \"Question {i}: {}\", \"label\": \"{label}\"}}\n",
            if i % 4 == 3 {
                LONG.to_string()
            } else {
                words.repeat(i % 7 + 1)
            }
        ));
    }
    let a = run_set(&text, opts(7), vec![]);
    let b = run_set(&text, opts(7), vec![]);
    let c = run_set(&text, opts(8), vec![]);
    assert_eq!(a, b);
    let (sa, sc) = (
        a.comparisons[0].overall.steered_share,
        c.comparisons[0].overall.steered_share,
    );
    assert_eq!(sa.value, sc.value);
    assert!(sa.low <= sa.value && sa.value <= sa.high && sa.low < sa.high);
    let pa = a.comparisons[0].overall.premium_pct.unwrap();
    let pc = c.comparisons[0].overall.premium_pct.unwrap();
    assert_eq!(pa.value, pc.value);
    assert!(pa.low < pa.value && pa.value < pa.high);
    assert!((pa.low, pa.high) != (pc.low, pc.high), "{pa:?} {pc:?}");
}

#[test]
fn realised_outcomes_measure_quality_given_up_and_name_unknown_models() {
    // qa0: both models scored (rival-cheap 80 vs acme-big 70: 10 given up); qa1: only the
    // house model scored (left out, counted as missing); a model outside the catalog is
    // named and ignored.
    let text = test_set()
        .replacen(
            "\"label\": \"qa\"}",
            "\"label\": \"qa\", \"outcomes\": {\"acme-big\": 70, \"rival-cheap\": 80, \"ghost-model\": 99}}",
            1,
        )
        .replacen(
            "country 1?\", \"label\": \"qa\"}",
            "country 1?\", \"label\": \"qa\", \"outcomes\": {\"acme-big\": 60}}",
            1,
        );
    let r = run_set(&text, AuditOptions::default(), vec![]);
    assert_eq!(r.outcome_prompts, 2);
    assert_eq!(r.unknown_outcome_models, ["ghost-model"]);
    let real = r.comparisons[0].overall.realised.clone().unwrap();
    assert_eq!(real.prompts, 2);
    assert_eq!((real.steered_with_outcomes, real.steered_missing), (1, 1));
    assert!(close(real.quality_given_up.unwrap().value, 10.0));
    assert_eq!((real.policy_prompts, real.reference_prompts), (2, 1));
    assert!(close(real.policy_mean, 65.0) && close(real.reference_mean, 80.0));
    let qa0 = &r.comparisons[0].steered_prompts[0];
    assert_eq!(qa0.realised_given_up, Some(10.0));
    // Without outcomes there is no realised section at all.
    assert!(run(AuditOptions::default(), vec![]).comparisons[0]
        .overall
        .realised
        .is_none());
}

#[test]
fn a_picked_reference_is_compared_too_and_the_card_carries_both() {
    let catalog = test_catalog();
    // Always the best model: rival-pro for qa and code alike.
    let best = Policy::load(
        "name = \"best\"\n[default]\nobjective = \"best_quality\"\n",
        &catalog,
    )
    .unwrap()
    .0;
    let r = run(AuditOptions::default(), vec![best]);
    assert_eq!(r.comparisons.len(), 2);
    let c = &r.comparisons[1];
    assert_eq!(
        (c.kind, c.reference.as_str()),
        (ReferenceKind::Picked, "best")
    );
    // All 6 short prompts go to acme-big under the policy and to rival-pro under `best`.
    assert_eq!(c.overall.steered, 6);
    assert_eq!(c.overall.dominated, 0);
    assert!(close(c.overall.quality_given_up.unwrap().value, 10.0));
    assert!(
        c.headline.contains("(acme-first vs. best)"),
        "{}",
        c.headline
    );
    let md = r.card_markdown();
    assert!(md.contains("| measure | vs. neutral | vs. best |"), "{md}");
    let card: serde_json::Value = serde_json::from_str(&r.card_json()).unwrap();
    assert_eq!(card["comparisons"].as_array().unwrap().len(), 2);
    assert_eq!(card["headline"].as_str().unwrap(), r.headline);
}

#[test]
fn headline_against_a_free_reference_gives_the_premium_in_dollars() {
    let catalog = test_catalog();
    assert_eq!(catalog.get("rival-free").unwrap().input_price.value, 0.0);
    let free = Policy::load(
        "name = \"free\"\n[default]\nmodel = \"rival-free\"\n",
        &catalog,
    )
    .unwrap()
    .0;
    let r = run(AuditOptions::default(), vec![free]);
    let c = &r.comparisons[1];
    assert_eq!(c.overall.steered, 6);
    assert!(c.overall.premium_pct.is_none());
    // The house model (85 for qa and code) against the free one (50): 35 points more.
    let want = format!(
        "customers pay {} more with 35.0 points more quality (acme-first vs. free)",
        crate::format::usd(c.overall.premium_usd)
    );
    assert!(c.overall.premium_usd > 0.0);
    assert!(c.headline.ends_with(&want), "{}", c.headline);
}
