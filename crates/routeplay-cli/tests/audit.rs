//! `routeplay audit`, run as a real process on the shipped sample set: the headline and the
//! tables, the same as JSON, the audit card, the neutral policy's text, clear errors for bad
//! input, and a quiet stop when standard output is closed.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_routeplay"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn samples() -> String {
    let p: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "public",
        "samples",
        "prompts.jsonl",
    ]
    .iter()
    .collect();
    p.to_string_lossy().into_owned()
}

fn tmp(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("rp-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn audit_prints_the_headline_and_tables_and_the_same_as_json() {
    let set = samples();
    let args = [
        "audit",
        "--house",
        "google",
        "--policy",
        "house-first",
        "-r",
        "balanced",
        &set,
    ];
    let (code, text, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("Neutrality audit of house-first for Google over 220 prompts"),
        "{first}"
    );
    let headline = text.lines().nth(2).unwrap();
    assert!(
        headline.contains("of prompts steered to Google"),
        "{headline}"
    );
    for part in [
        "== vs. the neutral counterfactual `house-first (neutral for Google)`",
        "== vs. `balanced`",
        "by task:",
        "steered prompts (10 of",
        "removed: rule `house model when good enough`",
    ] {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let (code, json, err) = run(&json_args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let a = &v["audit"];
    assert_eq!(a["headline"].as_str().unwrap(), headline);
    assert_eq!(a["comparisons"].as_array().unwrap().len(), 2);
    let steered = a["comparisons"][0]["overall"]["steered"].as_u64().unwrap();
    assert!(steered > 0);
    assert_eq!(
        a["comparisons"][0]["steered_prompts"]
            .as_array()
            .unwrap()
            .len() as u64,
        steered
    );
    assert!(a["comparisons"][0]["steered_prompts"][0]
        .get("policy_decision")
        .is_none());
    assert!(
        text.contains(&format!(
            "steered                            {steered} prompts"
        )),
        "{text}"
    );
    // Same seed, same intervals; --traces adds both decisions.
    let (_, again, _) = run(&json_args);
    assert_eq!(json, again);
    json_args.push("--traces");
    let (_, traced, _) = run(&json_args);
    let v: serde_json::Value = serde_json::from_str(&traced).unwrap();
    let first = &v["audit"]["comparisons"][0]["steered_prompts"][0];
    assert!(first["policy_decision"]["trace"]
        .as_array()
        .is_some_and(|t| !t.is_empty()));
    assert!(first["reference_decision"]["model"].is_string());
}

#[test]
fn audit_card_and_neutral_text() {
    let set = samples();
    let (code, md, err) = run(&[
        "audit",
        "--house",
        "google",
        "-p",
        "house-first",
        "--card",
        "markdown",
        &set,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.starts_with("## Neutrality audit: house-first for Google\n\n**"),
        "{md}"
    );
    assert!(md.contains("| steered prompts |"));
    let (code, card, _) = run(&[
        "audit",
        "--house",
        "google",
        "-p",
        "house-first",
        "--card",
        "json",
        &set,
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&card).unwrap();
    assert!(md.contains(v["headline"].as_str().unwrap()));
    let (code, toml, _) = run(&[
        "audit",
        "--house",
        "google",
        "-p",
        "house-first",
        "--neutral",
        &set,
    ]);
    assert_eq!(code, 0);
    assert!(
        toml.contains("name = \"house-first (neutral for Google)\""),
        "{toml}"
    );
    assert!(toml.contains("# removed: rule `house model when good enough`"));
    assert!(
        !toml.lines().any(|l| l.starts_with("allow_makers")),
        "{toml}"
    );
}

#[test]
fn audit_bad_input_gets_clear_errors() {
    let set = samples();
    let (code, _, err) = run(&["audit", "--house", "gogle", "-p", "house-first", &set]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "--house: `gogle` is not a maker or provider in the catalog; did you mean `google`?"
        ),
        "{err}"
    );
    let (code, _, err) = run(&["audit", "--house", "google", "-p", "no-such-policy", &set]);
    assert_eq!(code, 2);
    assert!(err.contains("no preset of that name"), "{err}");
    let (code, _, err) = run(&[
        "audit",
        "--house",
        "google",
        "-p",
        "house-first",
        "--card",
        "pdf",
        &set,
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--card pdf: expected `markdown` or `json`"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "audit",
        "--house",
        "google",
        "-p",
        "house-first",
        "/no/such/file.jsonl",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/file.jsonl"), "{err}");
    // A bad line is reported with its number; the rest is audited (exit 1, as simulate).
    let file = tmp(
        "bad.jsonl",
        "{\"text\": \"hello there\"}\n{not json\n{\"text\": \"plan a trip\"}\n",
    );
    let (code, out, err) = run(&["audit", "--house", "google", "-p", "house-first", &file]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.jsonl:2: skipped"), "{err}");
    assert!(
        out.contains("over 2 prompts") && out.contains("1 bad input line skipped"),
        "{out}"
    );
    // A broken policy: its diagnostics, exit 1.
    let broken = tmp("broken.toml", "[default]\nmodel = \"gpt5-mini\"\n");
    let (code, _, err) = run(&["audit", "--house", "google", "-p", &broken, &file]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `gpt-5-mini`"), "{err}");
}

#[test]
fn audit_stops_quietly_when_stdout_closes() {
    let set = samples();
    let mut child = bin()
        .args(["audit", "--house", "google", "-p", "house-first", &set])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
