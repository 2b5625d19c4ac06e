//! Chat requests through the CLI, run as real processes: `route` reads a request body as a
//! conversation (`--turns`: every turn, with stickiness), `simulate` reports every turn with the
//! prompt cache, and `diff`, `annotate` and `test` read the same formats, mixed with prompts,
//! bad lines reported by number.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_routeplay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("rp-conv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p.to_string_lossy().into_owned()
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

const BODY: &str = r#"{
  "model": "gpt-5.4",
  "messages": [
    {"role": "system", "content": "You are a coding agent."},
    {"role": "user", "content": "hi there! how are you today?"},
    {"role": "assistant", "content": "Fine. What shall we work on?"},
    {"role": "user", "content": "Plan a three-week product launch for a small B2B SaaS: milestones, owners, risks, and a rollback plan if the beta goes badly."},
    {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "search_docs", "arguments": "{\"q\": \"launch\"}"}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "no results"}
  ],
  "tools": [{"type": "function", "function": {"name": "search_docs", "parameters": {"type": "object"}}}]
}"#;

const STICKY: &str = "name = \"sticky\"\nsticky = true\n[[rule]]\nname = \"planning\"\nwhen = 'task == \"planning\"'\nmodel = \"claude-opus-5\"\n[default]\nmodel = \"gpt-5-mini\"\n";

#[test]
fn route_reads_a_pasted_request_as_a_conversation_and_turns_show_stickiness() {
    let (code, out, err) = run(&["route", "-p", "cost-saver", "-"], Some(BODY));
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("conversation: 2 turns · ~")
            && first.contains("agent step · 1 tool: search_docs"),
        "{first}"
    );
    let sticky = tmp("sticky.toml", STICKY);
    let (code, out, err) = run(&["route", "-p", &sticky, "--turns", "-"], Some(BODY));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("=== turn ").count(), 3, "{out}");
    assert!(
        out.contains("sticky: first routed turn: the conversation stays on gpt-5-mini (sticky)"),
        "{out}"
    );
    assert!(
        out.contains("sticky: kept on gpt-5-mini (sticky); rule `planning` chose claude-opus-5, which is not an escalation"),
        "{out}"
    );
    // A request with a mistake is an error that names the field, not a prompt.
    let (code, _, err) = run(
        &["route", "-p", "cost-saver", "-"],
        Some(r#"{"messages": [{"role": "user", "content": 5}]}"#),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("messages[0].content: expected a string or a list of parts, found a number"),
        "{err}"
    );
}

#[test]
fn simulate_reports_every_turn_with_switches_and_cache_misses() {
    let sticky = tmp("sticky2.toml", STICKY);
    let (code, out, err) = run(
        &[
            "simulate",
            "-p",
            &sticky,
            "-p",
            "task-specialist",
            &repo("public/samples/conversations.jsonl"),
            "--json",
            "--min-cached-prefix",
            "0",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let c = &v["conversations"];
    assert!(c["conversations"].as_u64().unwrap() >= 60);
    assert!(c["turns"].as_u64().unwrap() > c["conversations"].as_u64().unwrap());
    let (s, t) = (&c["policies"][0], &c["policies"][1]);
    assert_eq!(s["sticky"], true);
    assert_eq!(s["switches"], 0);
    assert_eq!(s["cache_miss_usd"], 0.0);
    assert!(t["switches"].as_u64().unwrap() > 0);
    assert!(t["cache_miss_usd"].as_f64().unwrap() > 0.0);
    assert!(t["agent_steps"].as_u64().unwrap() > 0);
    assert_eq!(
        t["per_conversation"].as_array().unwrap().len() as u64,
        c["conversations"].as_u64().unwrap()
    );
    // The text report says the same.
    let (_, text, _) = run(
        &[
            "simulate",
            "-p",
            "task-specialist",
            &repo("public/samples/conversations.jsonl"),
        ],
        None,
    );
    assert!(text.contains("== every turn: "), "{text}");
    assert!(text.contains("cache-miss cost"), "{text}");
}

#[test]
fn diff_annotate_and_test_read_the_same_formats_mixed_with_prompts() {
    let anthropic = r#"{"system": "You help.", "messages": [{"role": "user", "content": "Plan a three-week product launch for a small B2B SaaS: milestones, owners, risks."}]}"#;
    let sharegpt =
        r#"{"id": "s1", "conversations": [{"from": "human", "value": "hey, how's it going?"}]}"#;
    let set = format!(
        "{}\n{{\"text\": \"Write a Python function that reverses a list\"}}\n{{\"messages\": 3}}\n{anthropic}\n{sharegpt}\n",
        BODY.replace('\n', " ")
    );
    let file = tmp("mixed.jsonl", &set);
    let (code, out, err) = run(
        &[
            "diff",
            "-p",
            "cost-saver",
            "-p",
            "quality-first",
            &file,
            "--json",
        ],
        None,
    );
    assert_eq!(code, 1, "a bad line makes exit 1: {err}");
    assert!(
        err.contains(":3: skipped: messages: expected a list, found a number"),
        "{err}"
    );
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "{out}"
    );
    let (_, out, _) = run(&["annotate", "-p", "cost-saver", &file], None);
    assert_eq!(out.lines().count(), 4, "{out}");
    // A test case written as a chat request, with expectations beside its fields.
    let cases = format!(
        "{}\n",
        r#"{"name": "agent step", "messages": [{"role": "user", "content": "fix it"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "1", "type": "function", "function": {"name": "run", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "1", "content": "ok"}], "tools": [{"type": "function", "function": {"name": "run"}}], "expect_rule": "agent"}"#
    );
    let policy = tmp(
        "agent.toml",
        "name = \"a\"\n[[rule]]\nname = \"agent\"\nwhen = 'agent_step'\nmodel = \"claude-sonnet-5\"\n[default]\nmodel = \"gpt-5-mini\"\n",
    );
    let (code, out, err) = run(&["test", &policy, &tmp("cases.jsonl", &cases)], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("PASS agent step: claude-sonnet-5"), "{out}");
}
