//! The prompt-set pipeline through the CLI, run as real processes: every command that reads
//! prompts reads JSONL, CSV and plain lines with the core's reader, takes set-wide `--meta`,
//! refuses sets over the limits with a clear error, and stops quietly when its standard output
//! is closed (`routeplay … | head -1`).

use std::io::{BufRead, BufReader, Write};
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

/// A file in this test process's own temporary directory.
fn tmp(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("rp-pipeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p.to_string_lossy().into_owned()
}

const PROMPTS: [&str; 3] = [
    "Plan a three-week product launch for a small B2B SaaS, with milestones and risks.",
    "Write a Python function that parses ISO-8601 durations into seconds.",
    "hey, how's it going? any plans for the weekend?",
];

/// A policy that reads request metadata: `meta.tier == "pro"` goes to a strong model.
const TIERED: &str = "name = \"tiered\"\n\n[metadata]\ntier = \"free\"\n\n[[rule]]\nname = \"pro\"\nwhen = 'meta.tier == \"pro\"'\nmodel = \"claude-opus-5\"\n\n[default]\nmodel = \"gpt-5-mini\"\n";

fn models(json: &str) -> Vec<Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["choices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| format!("{} {}", c["model"], c["rule"]))
                .collect()
        })
        .collect()
}

#[test]
fn simulate_reads_jsonl_csv_and_plain_lines_alike() {
    let jsonl: String = PROMPTS
        .iter()
        .map(|p| format!("{}\n", serde_json::json!({ "text": p })))
        .collect();
    let csv: String = std::iter::once("id,text\n".to_string())
        .chain(
            PROMPTS
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{i},\"{}\"\n", p.replace('"', "\"\""))),
        )
        .collect();
    let lines: String = PROMPTS.iter().map(|p| format!("{p}\n")).collect();
    let mut seen = Vec::new();
    for (name, text) in [("set.jsonl", jsonl), ("set.csv", csv), ("set.txt", lines)] {
        let file = tmp(name, &text);
        let (code, out, err) = run(&[
            "simulate",
            "--json",
            "--decisions",
            "-p",
            "cost-saver",
            "-p",
            "task-specialist",
            &file,
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        let m = models(&out);
        assert_eq!(m.len(), 3, "{name}");
        seen.push(m);
    }
    assert_eq!(seen[0], seen[1], "CSV decides as JSONL");
    assert_eq!(seen[0], seen[2], "plain lines decide as JSONL");
    // A forced format is not second-guessed: a JSONL file read as lines has JSON prompts.
    let file = tmp("forced.jsonl", "{\"text\": \"hello\"}\n");
    let (code, out, _) = run(&[
        "simulate",
        "--json",
        "--decisions",
        "--no-classifier",
        "--format",
        "lines",
        "-p",
        "cost-saver",
        &file,
    ]);
    assert_eq!(code, 0);
    assert_eq!(models(&out).len(), 1);
    let (code, _, err) = run(&["simulate", "--format", "xml", "-p", "cost-saver", &file]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--format xml: expected jsonl, csv or lines"),
        "{err}"
    );
}

#[test]
fn meta_reaches_every_prompt_and_a_prompts_own_metadata_wins() {
    let policy = tmp("tiered.toml", TIERED);
    let set = tmp(
        "meta.jsonl",
        "{\"id\": \"a\", \"text\": \"hello there\"}\n{\"id\": \"b\", \"text\": \"hello there\", \"metadata\": {\"tier\": \"free\"}}\n",
    );
    let sim = |meta: Option<&str>| {
        let mut args = vec![
            "simulate",
            "--json",
            "--decisions",
            "--no-classifier",
            "-p",
            &policy,
        ];
        if let Some(m) = meta {
            args.extend(["--meta", m]);
        }
        args.push(&set);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        models(&out)
    };
    let pro = sim(Some("{\"tier\": \"pro\"}"));
    assert_eq!(pro[0], ["\"claude-opus-5\" \"pro\""]);
    assert_eq!(
        pro[1],
        ["\"gpt-5-mini\" \"default\""],
        "the prompt's own metadata wins"
    );
    assert_eq!(sim(Some("tier=pro")), pro, "KEY=VALUE works too");
    let free = sim(None);
    assert_eq!(free[0], ["\"gpt-5-mini\" \"default\""]);
    // diff, route and test take it too.
    let (code, out, err) = run(&[
        "diff",
        "--no-classifier",
        "-p",
        &policy,
        "-p",
        "cost-saver",
        "--meta",
        "{\"tier\": \"pro\"}",
        "--json",
        &set,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diff"]["changes"][0]["from_model"], "claude-opus-5");
    let (code, out, _) = run(&[
        "route",
        "--json",
        "--no-classifier",
        "-p",
        &policy,
        "--meta",
        "{\"tier\": \"pro\"}",
        "hello",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["model"], "claude-opus-5");
    let cases = tmp(
        "tiered.cases.jsonl",
        "{\"text\": \"hi\", \"task\": \"chat\", \"expect_model\": \"claude-opus-5\"}\n",
    );
    let (code, out, _) = run(&["test", &policy, &cases]);
    assert_eq!(code, 1, "without --meta the case fails: {out}");
    let (code, out, err) = run(&["test", &policy, &cases, "--meta", "{\"tier\": \"pro\"}"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    let (code, _, err) = run(&["simulate", "-p", &policy, "--meta", "[1]", &set]);
    assert_eq!(code, 2);
    assert!(err.contains("--meta: metadata [1]"), "{err}");
}

#[test]
fn route_file_and_test_cases_read_csv() {
    let set = tmp(
        "route.csv",
        "id,text,label\np1,\"Plan a trip to Oslo, please\",planning\np2,write a haiku about rain,creative_writing\np3,too,many,fields\n",
    );
    let (code, out, err) = run(&[
        "route",
        "--json",
        "--use-labels",
        "--file",
        &set,
        "-p",
        "task-specialist",
        "-p",
        "cost-saver",
    ]);
    assert_eq!(code, 1, "a bad line makes the exit code 1: {err}");
    assert!(
        err.contains("route.csv:4: skipped: expected 3 fields"),
        "{err}"
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "p1");
    assert_eq!(rows[0]["decisions"][0]["task"], "planning");
    assert_eq!(rows[0]["decisions"][0]["rule"], "planning");
    assert_eq!(rows[0]["decisions"].as_array().unwrap().len(), 2);
    // Text: one line per prompt and policy.
    let (_, out, _) = run(&[
        "route",
        "--use-labels",
        "--file",
        &set,
        "-p",
        "task-specialist",
    ]);
    assert_eq!(out.lines().count(), 2);
    assert!(out.starts_with("p1\ttask-specialist\t"), "{out}");
    let cases = tmp(
        "cases.csv",
        "name,text,task,complexity,expect_rule,expect_not_model\nplanner,Plan a launch,planning,0.5,planning,\nchat,\"hey, how's it going?\",chat,0.1,,local/llama-3.1-8b\ntypo,hi,chat,,,\n",
    );
    let (code, out, err) = run(&["test", "task-specialist", &cases]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");
    assert!(
        err.contains("cases.csv:4: skipped: no expect_model"),
        "{err}"
    );
    let typo = tmp(
        "typo.cases.jsonl",
        "{\"text\": \"hi\", \"expect_modle\": \"gpt-5-mini\"}\n",
    );
    let (code, _, err) = run(&["test", "cost-saver", &typo]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown field \"expect_modle\""), "{err}");
}

#[test]
fn sets_over_the_limits_are_refused_with_a_clear_error() {
    // A sparse file: 65 MB by its size, refused before it is read.
    let big = tmp("big.jsonl", "");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let (code, _, err) = run(&["simulate", "-p", "cost-saver", &big]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the prompt set is 65.0 MB; the limit is 64.0 MB"),
        "{err}"
    );
    let (code, _, err) = run(&["classify", &big]);
    assert_eq!(code, 2);
    assert!(err.contains("the limit is 64.0 MB"), "{err}");
    // 200,001 one-word prompts: one entry too many.
    let many = tmp("many.txt", &"x\n".repeat(200_001));
    let (code, _, err) = run(&["simulate", "--no-classifier", "-p", "cost-saver", &many]);
    assert_eq!(code, 2);
    assert!(
        err.contains("more than 200,000 prompts and bad lines (line 200001 is one too many)"),
        "{err}"
    );
}

/// Spawns `args` with standard output piped, reads `lines` lines (0: closes it at once, before
/// the command writes anything), closes it, writes `stdin` and returns (exit code, stderr).
fn with_closed_stdout(args: &[&str], lines: usize, stdin: &[u8]) -> (Option<i32>, String) {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    if lines > 0 {
        let mut r = BufReader::new(stdout);
        for _ in 0..lines {
            let mut l = String::new();
            assert!(
                r.read_line(&mut l).unwrap() > 0,
                "expected a line of output"
            );
        }
        drop(r);
    } else {
        drop(stdout);
    }
    let mut input = child.stdin.take().unwrap();
    // The command may have stopped reading already; that is fine.
    let _ = input.write_all(stdin);
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let text: String = (0..20_000)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({ "text": format!("{} ({i})", PROMPTS[i % 3]) })
            )
        })
        .collect();
    let file = tmp("closed-pipe.jsonl", &text);
    // `routeplay classify big.jsonl | head -1`
    let (code, err) = with_closed_stdout(&["classify", &file], 1, b"");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
    // `routeplay route --file big.jsonl … | head -1`
    let (code, err) = with_closed_stdout(
        &[
            "route",
            "--no-classifier",
            "--file",
            &file,
            "-p",
            "cost-saver",
        ],
        1,
        b"",
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0), "{err}");
    // `echo prompt | routeplay route -p … | head -1`, the reader gone before the first write.
    for extra in [&[][..], &["--json"][..]] {
        let mut args = vec![
            "route",
            "--no-classifier",
            "-p",
            "cost-saver",
            "-p",
            "balanced",
        ];
        args.extend_from_slice(extra);
        let (code, err) = with_closed_stdout(&args, 0, b"Plan a trip to Oslo");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(code, Some(0), "{err}");
    }
    // The other commands that print a lot.
    for args in [
        &[
            "simulate",
            "--no-classifier",
            "-p",
            "cost-saver",
            "--json",
            "--decisions",
            &file,
        ][..],
        &[
            "simulate",
            "--no-classifier",
            "-p",
            "cost-saver",
            "--export",
            "-",
            "--export-format",
            "csv",
            &file,
        ][..],
        &["check", "cost-saver", "balanced"][..],
        &["signals", "hello"][..],
    ] {
        let (code, err) = with_closed_stdout(args, 0, b"");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code, Some(0), "{args:?}: {err}");
    }
}
