//! End-to-end tests of the policy subcommands: check, route, simulate, diff, test.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_routeplay"))
}

fn data(name: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "policy-data", name]
        .iter()
        .collect();
    p.to_string_lossy().into_owned()
}

fn repo(path: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", path]
        .iter()
        .collect();
    p.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out: Output = bin().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const PRESETS: [&str; 6] = [
    "cost-saver",
    "quality-first",
    "latency-first",
    "balanced",
    "task-specialist",
    "house-first",
];

#[test]
fn every_preset_file_passes_check() {
    for p in PRESETS {
        let file = repo(&format!("public/policies/{p}.toml"));
        let (code, out, err) = run(&["check", &file]);
        assert_eq!(code, 0, "{p}: {out}{err}");
        assert!(out.contains(": ok ("), "{out}");
        assert!(err.is_empty(), "{p} has warnings: {err}");
    }
}

#[test]
fn broken_policies_give_the_right_diagnostic_with_line_and_column() {
    let cases = [
        ("broken-syntax.toml", 1, ":3:", "error[syntax]"),
        (
            "broken-unknown-model.toml",
            1,
            ":6:9:",
            "error[unknown-model]: unknown model `gpt5-mini`",
        ),
        (
            "broken-type.toml",
            1,
            ":5:9:",
            "error[type]: cannot order a double against a string",
        ),
        (
            "broken-shadowed.toml",
            0,
            ":10:8:",
            "warning[shadowed]: rule `code` never fires",
        ),
        (
            "broken-no-eligible.toml",
            1,
            ":3:1:",
            "error[no-eligible-model]: rule `cheap anthropic` can never pick a model",
        ),
        // Issue 9: seven nested loops over ten digits (10^7 iterations, ~27 s per prompt
        // before) and a chain of string-doubling maps, each rejected at its first loop.
        (
            "broken-cost-nested.toml",
            1,
            ":5:23:",
            "error[cel-cost]: this loop may take too long: its estimated cost is 262,222,219 units, the budget is 100,000",
        ),
        (
            "broken-cost-doubling.toml",
            1,
            ":5:21:",
            "error[cel-cost]: this loop may take too long",
        ),
        (
            "broken-repeated-arm.toml",
            0,
            ":8:13:",
            "warning[repeated-arm]: model `gpt-5.4` already has a split arm (line 7)",
        ),
        (
            "broken-quality-band.toml",
            1,
            ":7:16:",
            "error[quality-band]: `quality_band` only goes with objective = \"cheapest\"",
        ),
    ];
    for (file, want_code, pos, msg) in cases {
        let (code, out, err) = run(&["check", &data(file)]);
        assert_eq!(code, want_code, "{file}: {out}{err}");
        let line = err
            .lines()
            .find(|l| l.contains(msg))
            .unwrap_or_else(|| panic!("{file}: no `{msg}` in\n{err}"));
        assert!(line.contains(pos), "{file}: expected {pos} in {line}");
        assert!(err.contains("^"), "{file}: no caret line in\n{err}");
    }
    // did-you-mean for the unknown model
    let (_, _, err) = run(&["check", &data("broken-unknown-model.toml")]);
    assert!(err.contains("did you mean `gpt-5-mini`?"), "{err}");
    // JSON output carries the same spans
    let (_, out, _) = run(&["check", "--json", &data("broken-type.toml")]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["diagnostics"][0]["line"], 5);
    assert_eq!(v["diagnostics"][0]["column"], 9);
    assert_eq!(v["diagnostics"][0]["end_column"], 28);
    assert_eq!(v["ok"], false);
}

const PROMPTS: [(&str, &str); 3] = [
    ("planning", "Plan a three-week product launch for a small B2B SaaS: milestones, owners, risks, and a rollback plan."),
    ("code", "Write a Rust function that parses an ISO-8601 duration like P3DT4H into seconds.\n```rust\nfn parse(s: &str) -> Option<u64> { todo!() }\n```"),
    ("chat", "hey, how's it going? any plans for the weekend?"),
];

#[test]
fn route_prints_a_trace_for_planning_code_and_chat_under_every_preset() {
    for (task, text) in PROMPTS {
        let mut args = vec!["route", "--task", task];
        for p in PRESETS {
            args.extend(["--policy", p]);
        }
        args.push(text);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{task}: {out}{err}");
        for p in PRESETS {
            assert!(
                out.contains(&format!("policy {p} → ")),
                "{task}/{p}:\n{out}"
            );
        }
        assert_eq!(out.matches("  trace:\n").count(), PRESETS.len());
        assert!(out.contains("✓ "), "{out}");
        assert!(out.contains(&format!("task {task}")), "{out}");
    }
}

fn chosen(task: &str, text: &str, policy: &str) -> serde_json::Value {
    let (code, out, err) = run(&[
        "route",
        "--json",
        "--task",
        task,
        "--complexity",
        "0.5",
        "-p",
        policy,
        text,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v[0].clone()
}

#[test]
fn task_specialist_and_cost_saver_choose_differently_where_they_should() {
    for (task, text) in &PROMPTS[..2] {
        let ts = chosen(task, text, "task-specialist");
        let cs = chosen(task, text, "cost-saver");
        assert_eq!(ts["rule"], *task, "{ts}");
        assert_ne!(ts["model"], cs["model"], "{task}");
        assert!(ts["estimate"]["quality"].as_f64() > cs["estimate"]["quality"].as_f64());
        assert!(ts["estimate"]["cost_usd"].as_f64() > cs["estimate"]["cost_usd"].as_f64());
    }
    // Small talk: cost-saver keeps it on a free local model, the specialist does not.
    let cs = chosen("chat", PROMPTS[2].1, "cost-saver");
    assert!(cs["model"].as_str().unwrap().starts_with("local/"), "{cs}");
    let ts = chosen("chat", PROMPTS[2].1, "task-specialist");
    assert!(!ts["model"].as_str().unwrap().starts_with("local/"), "{ts}");
}

#[test]
fn test_command_passes_and_fails() {
    let (code, out, err) = run(&[
        "test",
        "task-specialist",
        &data("task-specialist.cases.jsonl"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("4 passed, 0 failed"), "{out}");
    let (code, out, err) = run(&["test", "cost-saver", &data("failing.cases.jsonl")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL wrong on purpose (line 1): expected model claude-opus-5"),
        "{out}"
    );
    assert!(out.contains("0 passed, 1 failed"), "{out}");
    assert!(err.contains("failing.cases.jsonl:2: skipped"), "{err}");
}

#[test]
fn simulate_reports_bad_lines_and_processes_the_rest() {
    let (code, out, err) = run(&[
        "simulate",
        "-p",
        "cost-saver",
        "-p",
        "quality-first",
        &data("prompts-with-bad-lines.jsonl"),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("prompts-with-bad-lines.jsonl:2: skipped"),
        "{err}"
    );
    assert!(
        err.contains("prompts-with-bad-lines.jsonl:4: skipped"),
        "{err}"
    );
    assert!(out.contains("== cost-saver (2 prompts)"), "{out}");
    assert!(out.contains("rule coverage:"), "{out}");
    assert!(out.contains("== outcomes (1 prompts)"), "{out}");
    assert!(out.contains("2 bad input lines skipped"), "{out}");
}

#[test]
fn diff_and_coverage_on_the_sample_set() {
    let samples = repo("public/samples/prompts.jsonl");
    let (code, out, err) = run(&[
        "diff",
        "-p",
        "task-specialist",
        "-p",
        "cost-saver",
        "--use-labels",
        &samples,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("task-specialist → cost-saver: "), "{out}");
    assert!(out.contains("of 220 prompts change model"), "{out}");
    assert!(out.contains("rule coverage:"), "{out}");
    let (code, out, _) = run(&[
        "simulate",
        "--json",
        "--no-classifier",
        "-p",
        "task-specialist",
        &samples,
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let never: Vec<&str> = v["report"]["policies"][0]["never_fired"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    // Without a classifier only has_code-driven and default rules can fire.
    assert!(never.contains(&"planning"), "{never:?}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(&["check", "no-such-policy"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file, and no preset"), "{err}");
    let (code, _, _) = run(&[
        "diff",
        "-p",
        "cost-saver",
        &repo("public/samples/prompts.jsonl"),
    ]);
    assert_eq!(code, 2);
}
