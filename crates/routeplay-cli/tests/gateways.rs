//! `routeplay export`, `annotate` and `import`: golden files per preset for the targets that
//! cannot run here (vLLM-SR, Bifrost, OpenRouter), each checked against the target's published
//! format; and the round trip `import(export(p))` deciding like `p` on the sample set for the
//! targets that can be imported (Portkey, LiteLLM). The real gateways run in tests/gateways/.
//!
//! Regenerate the golden files after an intended change: `UPDATE_GOLDEN=1 cargo test -p
//! routeplay-cli --test gateways`, then read the diff.

use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::policy::{Facts, Metadata, Policy};
use routeplay_core::shipped;
use routeplay_core::signals::{CheapSignals, PromptSignals};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const PRESETS: [&str; 6] = [
    "cost-saver",
    "quality-first",
    "latency-first",
    "balanced",
    "task-specialist",
    "house-first",
];

fn run(args: &[&str]) -> (i32, String, String) {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_routeplay"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn golden(rel: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "golden", rel]
        .iter()
        .collect()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("routeplay-gw-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Compares `text` with the golden file (or writes it under UPDATE_GOLDEN=1).
fn check_golden(rel: &str, text: &str) {
    let path = golden(rel);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert!(
        want == text,
        "{rel} differs from the golden file; if intended, rerun with UPDATE_GOLDEN=1\n--- got ---\n{text}"
    );
}

/// Exports `preset` to `target`: (config, human report, JSON report).
fn export(target: &str, preset: &str, extra: &[&str]) -> (String, String, Value) {
    let report = tmp(&format!("{target}-{preset}.json"));
    let mut args = vec![
        "export",
        "--to",
        target,
        preset,
        "--report",
        report.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert!(
        code == 0 || code == 1,
        "export {target} {preset}: exit {code}: {err}"
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    (out, err, json)
}

fn rules_of(report: &Value) -> &Vec<Value> {
    report["rules"].as_array().expect("rules")
}

#[test]
fn vllm_sr_exports_match_the_golden_files_and_list_every_approximation() {
    for preset in PRESETS {
        let (config, human, report) = export("vllm-sr", preset, &[]);
        check_golden(&format!("vllm-sr/{preset}.dsl"), &config);
        check_golden(&format!("vllm-sr/{preset}.report.txt"), &human);
        // The DSL's shape as its docs show it: ROUTE name { PRIORITY n [WHEN …] MODEL "…", … }.
        let routes = config.matches("ROUTE ").count();
        assert_eq!(routes, config.matches("  PRIORITY ").count(), "{preset}");
        assert_eq!(routes, config.matches("  MODEL \"").count(), "{preset}");
        let mut prios: Vec<i64> = config
            .lines()
            .filter_map(|l| l.trim().strip_prefix("PRIORITY "))
            .map(|p| p.parse().unwrap())
            .collect();
        let sorted = {
            let mut s = prios.clone();
            s.sort_by(|a, b| b.cmp(a));
            s
        };
        assert_eq!(
            prios, sorted,
            "{preset}: priorities must fall in rule order"
        );
        prios.dedup();
        // Every rule whose condition reads a Routeplay signal is approximate, with a reason.
        for r in rules_of(&report) {
            let policy =
                Policy::parse(shipped::PRESETS.iter().find(|p| p.0 == preset).unwrap().1).unwrap();
            let rule = &policy.rules[r["index"].as_u64().unwrap() as usize];
            if rule.when.is_some() {
                assert_eq!(
                    r["fidelity"]["kind"], "approximate",
                    "{preset}: {}",
                    rule.name
                );
                assert!(!r["fidelity"]["why"].as_array().unwrap().is_empty());
            }
        }
    }
}

#[test]
fn bifrost_exports_match_the_golden_files_and_the_routing_rule_schema() {
    for preset in PRESETS {
        let (config, human, report) = export("bifrost", preset, &[]);
        check_golden(&format!("bifrost/{preset}.json"), &config);
        check_golden(&format!("bifrost/{preset}.report.txt"), &human);
        // The create-routing-rule request of docs.getbifrost.ai: name, cel_expression, targets
        // (weights summing to 1), priority (integer, ascending), scope; fallbacks "provider/model".
        let v: Value = serde_json::from_str(&config).unwrap();
        let mut last = -1i64;
        for rule in v["routing_rules"].as_array().unwrap() {
            assert!(rule["name"].is_string() && rule["cel_expression"].is_string());
            assert_eq!(rule["scope"], "global");
            let p = rule["priority"].as_i64().unwrap();
            assert!(p > last, "{preset}: priorities must rise in rule order");
            last = p;
            let t = rule["targets"].as_array().unwrap();
            assert!(!t.is_empty());
            let sum: f64 = t.iter().map(|x| x["weight"].as_f64().unwrap()).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{preset}: weights sum to {sum}");
            for x in t {
                assert!(x["provider"].is_string() && x["model"].is_string());
            }
            for f in rule["fallbacks"].as_array().unwrap() {
                assert!(f.as_str().unwrap().contains('/'));
            }
        }
        assert_eq!(
            rules_of(&report).len(),
            Policy::parse(shipped::PRESETS.iter().find(|p| p.0 == preset).unwrap().1)
                .unwrap()
                .rules
                .len()
        );
    }
}

#[test]
fn openrouter_exports_match_the_golden_files_and_the_request_body_fields() {
    const PROVIDER_FIELDS: [&str; 11] = [
        "order",
        "allow_fallbacks",
        "require_parameters",
        "data_collection",
        "zdr",
        "only",
        "ignore",
        "quantizations",
        "sort",
        "max_price",
        "enforce_distillable_text",
    ];
    for preset in PRESETS {
        let (config, human, _) = export("openrouter", preset, &[]);
        check_golden(&format!("openrouter/{preset}.json"), &config);
        check_golden(&format!("openrouter/{preset}.report.txt"), &human);
        let v: Value = serde_json::from_str(&config).unwrap();
        for (_, body) in v["routes"].as_object().unwrap() {
            let models = body["models"].as_array().unwrap();
            assert!(!models.is_empty());
            for m in models {
                let (maker, name) = m.as_str().unwrap().split_once('/').unwrap();
                assert!(!maker.is_empty() && !name.is_empty());
            }
            for (k, _) in body["provider"].as_object().unwrap() {
                assert!(
                    PROVIDER_FIELDS.contains(&k.as_str()),
                    "{preset}: provider.{k} is not an OpenRouter field"
                );
            }
            if let Some(s) = body["provider"].get("sort") {
                assert!(["price", "throughput", "latency"].contains(&s.as_str().unwrap()));
            }
        }
    }
}

struct Sample {
    text: String,
    signals: PromptSignals,
    metadata: Metadata,
}

fn samples() -> Vec<Sample> {
    let model = Model::from_bytes(shipped::CLASSIFIER).unwrap();
    shipped::SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let text = v["text"].as_str().unwrap().to_string();
            let signals = PromptSignals {
                cheap: CheapSignals::compute(&text),
                task: Some(model.predict(&text)),
            };
            let metadata: Metadata = v
                .get("metadata")
                .and_then(|m| serde_json::from_value(m.clone()).ok())
                .unwrap_or_default();
            Sample {
                text,
                signals,
                metadata,
            }
        })
        .collect()
}

/// For each preset: export to `target`, import the result back, and decide the sample set under
/// both; every prompt the report vouches for (its rule exact, its size within the limit) gets
/// the same model and fallback chain. `meta` gives the request metadata the imported policy
/// reads for a prompt (from the original's annotation).
fn round_trip(target: &str, meta: impl Fn(&serde_json::Map<String, Value>) -> Metadata) {
    let catalog = Catalog::from_json(shipped::CATALOG).unwrap();
    let samples = samples();
    for preset in PRESETS {
        let (config, _, report) = export(target, preset, &[]);
        let file = tmp(&format!("{target}-{preset}.cfg"));
        std::fs::write(&file, &config).unwrap();
        let (code, policy_text, err) = run(&["import", "--from", target, file.to_str().unwrap()]);
        assert!(code == 0 || code == 1, "import {preset}: {err}");
        let (imported, _) = Policy::load(&policy_text, &catalog).unwrap_or_else(|d| {
            panic!("{preset}: imported policy does not load: {d:?}\n{policy_text}")
        });
        let original =
            Policy::parse(shipped::PRESETS.iter().find(|p| p.0 == preset).unwrap().1).unwrap();
        let lowered = routeplay_core::export::lower::lower(&original, &catalog);
        let max = report["max_exact_tokens"].as_u64().unwrap() as usize;
        let (mut checked, mut same) = (0, 0);
        for s in &samples {
            let d = original.decide(&Facts::new(&s.text, &s.signals, &s.metadata), &catalog);
            let Some(ri) = d.rule_index else { continue };
            let exact = rules_of(&report).iter().any(|r| {
                r["index"] == ri
                    && r["exact_tasks"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|t| t == d.task.as_str())
            });
            if !exact || s.signals.cheap.tokens > max {
                continue;
            }
            let m = routeplay_core::export::annotate::metadata(
                &original,
                &lowered,
                &s.signals,
                &s.metadata,
                &d,
            );
            let d2 = imported.decide(&Facts::new(&s.text, &s.signals, &meta(&m)), &catalog);
            checked += 1;
            if d2.model == d.model && d2.fallbacks == d.fallbacks {
                same += 1;
            } else {
                panic!("{target} {preset}: {:?} ({:?}) decided {:?} {:?} before the round trip, {:?} {:?} after\n{policy_text}", s.text, d.rule, d.model, d.fallbacks, d2.model, d2.fallbacks);
            }
        }
        assert!(checked > 0, "{target} {preset}: no prompt on an exact rule");
        eprintln!("{target} {preset}: {same}/{checked} prompts on exact rules decided alike after the round trip");
    }
}

#[test]
fn portkey_round_trip_decides_like_the_preset_on_the_sample_set() {
    // The client sends every declared [metadata] field (defaults filled in) as meta_<name>.
    round_trip("portkey", |m| {
        m.iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("meta_")?.to_string(), v.clone())))
            .collect()
    });
}

#[test]
fn litellm_round_trip_decides_like_the_preset_on_the_sample_set() {
    round_trip("litellm", |m| {
        let mut meta = Metadata::new();
        meta.insert("route_key".into(), m["route_key"].clone());
        meta
    });
}

#[test]
fn annotate_prints_one_metadata_object_per_prompt_in_order() {
    let file = tmp("three.jsonl");
    std::fs::write(
        &file,
        "{\"text\": \"Write a Rust function that reverses a string.\"}\n{\"text\": \"Translate 'good morning' into French.\"}\n{\"text\": \"hi\"}\n",
    )
    .unwrap();
    let (code, out, err) = run(&[
        "annotate",
        "--policy",
        "task-specialist",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["task"], "code");
    assert_eq!(lines[0]["route"], "code");
    assert_eq!(lines[1]["task"], "translation");
    for l in &lines {
        for k in [
            "task",
            "complexity",
            "tokens",
            "language",
            "has_code",
            "has_pii",
            "score_code",
            "route",
            "route_key",
        ] {
            assert!(l.get(k).is_some(), "missing {k} in {l}");
        }
    }
}

#[test]
fn export_and_import_refuse_bad_input_with_a_clear_message() {
    let (code, _, err) = run(&["export", "--to", "nginx", "balanced"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown target") && err.contains("portkey"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "export",
        "--to",
        "litellm",
        "balanced",
        "--carry",
        "translate",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot carry"), "{err}");
    let bad = tmp("bad.json");
    std::fs::write(&bad, "{\"strategy\": ").unwrap();
    let (code, out, err) = run(&["import", "--from", "portkey", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("JSON"), "{err}");
    let (code, _, err) = run(&["import", "--from", "litellm", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
}
