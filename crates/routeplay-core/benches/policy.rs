//! Policy engine benchmark (no harness; prints figures).
//!
//! - one decision (signals and facts prepared beforehand, no classification): p50 / p90 / p99
//!   over the shipped presets and a varied prompt set, both the lean path simulation uses and the
//!   full decision with its trace;
//! - 10,000 prompts × 5 policies through `Simulation`, single-threaded, with and without
//!   preparing each prompt's facts;
//! - the same through `Runner`, the pipeline the app and the CLI share (cheap signals, the
//!   shipped classifier, metadata, decisions), from a JSONL text.
//!
//! - the costliest condition the parse-time budget lets through (nested loops just under
//!   `MAX_CONDITION_COST`): time per evaluation, next to its cost estimate and the loop
//!   iterations it ran.
//!
//! Run with `cargo bench -p routeplay-core --bench policy`.

use routeplay_core::catalog::Catalog;
use routeplay_core::policy::{Facts, Metadata, Policy};
use routeplay_core::signals::{CheapSignals, PromptSignals, TaskPrediction};
use routeplay_core::simulate::{parse_prompt_set, RunConfig, Runner, Simulation, TaskSource};
use std::hint::black_box;
use std::time::Instant;

use routeplay_core::shipped::{CATALOG, CLASSIFIER, PRESETS, SAMPLES};
use std::sync::Arc;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

/// 10,000 prompts: the sample set cycled, each made distinct, with a task prediction from its
/// label (standing in for the classifier, which is not timed here) and varied complexity.
fn prompts(n: usize) -> Vec<(String, PromptSignals)> {
    let rows = parse_prompt_set(SAMPLES).prompts;
    (0..n)
        .map(|i| {
            let r = &rows[i % rows.len()].1;
            let text = format!("{} (variant {i})", r.text);
            let label = r.label.clone().unwrap_or_else(|| "qa".into());
            let signals = PromptSignals {
                cheap: CheapSignals::compute(&text),
                task: Some(TaskPrediction {
                    scores: [(label.clone(), 0.7)].into_iter().collect(),
                    label,
                    complexity: (i % 100) as f64 / 100.0,
                }),
            };
            (text, signals)
        })
        .collect()
}

fn main() {
    let catalog = Catalog::from_json(CATALOG).unwrap();
    let policies: Vec<Policy> = PRESETS
        .iter()
        .map(|(_, s)| Policy::load(s, &catalog).unwrap().0)
        .collect();
    let meta = Metadata::new();
    let data = prompts(10_000);
    let t = Instant::now();
    let facts: Vec<Facts> = data.iter().map(|(t, s)| Facts::new(t, s, &meta)).collect();
    let facts_time = t.elapsed();

    // One decision, lean and traced.
    let mut fb = Vec::new();
    for f in facts.iter().take(500) {
        for p in &policies {
            black_box(p.decide_lean(f, &catalog, &mut fb));
        }
    }
    let mut lean = Vec::with_capacity(30_000);
    let mut full = Vec::with_capacity(6_000);
    for (i, f) in facts.iter().enumerate().take(5_000) {
        for p in &policies {
            let t = Instant::now();
            black_box(p.decide_lean(f, &catalog, &mut fb));
            lean.push(t.elapsed().as_secs_f64() * 1e6);
            if i % 5 == 0 {
                let t = Instant::now();
                black_box(p.decide(f, &catalog));
                full.push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    for (name, v) in [
        ("lean (simulation path)", &mut lean),
        ("full decision with trace", &mut full),
    ] {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "one decision, {name}: p50 {:.2} µs · p90 {:.2} µs · p99 {:.2} µs  ({} samples over {} presets)",
            percentile(v, 50.0),
            percentile(v, 90.0),
            percentile(v, 99.0),
            v.len(),
            PRESETS.len()
        );
    }
    println!(
        "preparing facts (CEL values) for 10,000 prompts: {:.1} ms ({:.2} µs each; cheap signals computed beforehand)",
        facts_time.as_secs_f64() * 1e3,
        facts_time.as_secs_f64() * 1e6 / 10_000.0
    );

    // 10k prompts × 5 policies.
    let five: Vec<Policy> = policies[..5].to_vec();
    let mut best = f64::INFINITY;
    let mut best_with_facts = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let mut sim = Simulation::new(five.clone(), catalog.clone());
        for (i, f) in facts.iter().enumerate() {
            sim.add(&i.to_string(), f, None);
        }
        black_box(sim.report());
        best = best.min(t.elapsed().as_secs_f64());

        let t = Instant::now();
        let mut sim = Simulation::new(five.clone(), catalog.clone());
        for (i, (text, s)) in data.iter().enumerate() {
            let f = Facts::new(text, s, &meta);
            sim.add(&i.to_string(), &f, None);
        }
        black_box(sim.report());
        best_with_facts = best_with_facts.min(t.elapsed().as_secs_f64());
    }
    println!(
        "simulate 10,000 prompts × 5 policies (single thread, best of 3): {:.1} ms",
        best * 1e3
    );
    println!(
        "simulate 10,000 prompts × 5 policies including facts preparation: {:.1} ms",
        best_with_facts * 1e3
    );

    // The whole pipeline, as the app and the CLI run it.
    let text: String = data
        .iter()
        .enumerate()
        .map(|(i, (t, _))| {
            format!(
                "{}\n",
                serde_json::json!({ "id": i.to_string(), "text": t })
            )
        })
        .collect();
    let model = Arc::new(routeplay_core::classifier::Model::from_bytes(CLASSIFIER).unwrap());
    let t = Instant::now();
    let set = Arc::new(parse_prompt_set(&text));
    let read = t.elapsed();
    let mut runner = Runner::new(
        set,
        five.clone(),
        catalog.clone(),
        RunConfig {
            metadata: meta.clone(),
            tasks: TaskSource::classifier(model),
        },
    );
    let t = Instant::now();
    while !runner.is_done() {
        runner.step(64);
    }
    black_box(runner.report());
    println!(
        "Runner: 10,000 prompts × 5 policies from JSONL (read {:.1} ms; signals, classifier, decisions {:.1} ms)",
        read.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );

    // The worst condition under the budget.
    let d = "[0,1,2,3,4,5,6,7,8,9]";
    let cond = format!(
        "{d}.all(a, {d}.all(b, {d}.all(c, [0,1,2,3].all(e, a + b + c + e <= tokens + 36))))"
    );
    let src = format!(
        "[[rule]]\nwhen = '{cond}'\nmodel = \"gpt-5.4\"\n[default]\nmodel = \"gpt-5-mini\"\n"
    );
    let (p, _) = Policy::load(&src, &catalog).unwrap();
    let f = &facts[0];
    let mut runs = Vec::new();
    let mut steps = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let r = black_box(p.measure_condition(0, f)).unwrap();
        runs.push(t.elapsed().as_secs_f64() * 1e3);
        steps = r.steps;
    }
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "costliest condition under the budget (estimate {} of {} units, {steps} loop iterations): p50 {:.2} ms · max {:.2} ms per evaluation",
        p.rules[0].cost().unwrap(),
        routeplay_core::policy::MAX_CONDITION_COST,
        percentile(&runs, 50.0),
        runs[runs.len() - 1]
    );
}
