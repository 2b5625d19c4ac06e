//! `routeplay classify`, `eval` and `train`, run as real processes on committed data only.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn routeplay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_routeplay"))
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = routeplay()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn classify_outputs_one_object_per_line() {
    let out = run_stdin(
        &["classify"],
        b"{\"text\": \"Translate 'thank you' into Spanish\"}\n{\"text\": \"write a python function that sorts a list\"}\n",
    );
    assert!(out.status.success());
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["label"], "translation");
    assert_eq!(v[1]["label"], "code");
    let scores = v[0]["scores"].as_object().unwrap();
    assert_eq!(scores.len(), 11);
    let sum: f64 = scores.values().map(|x| x.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 0.01);
    let c = v[0]["complexity"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&c));
    // `confidence` is added after the existing fields: the top probability.
    let first = String::from_utf8_lossy(&out.stdout);
    let first = first.lines().next().unwrap();
    assert!(
        first.starts_with("{\"label\":") && first.contains("},\"complexity\":"),
        "{first}"
    );
    let tail = &first[first.find(",\"confidence\":").expect(first)..];
    assert!(tail.ends_with('}') && !tail[1..].contains(','), "{first}");
    let top = scores
        .values()
        .map(|x| x.as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(v[0]["confidence"].as_f64(), Some(top));
}

#[test]
fn classify_survives_malformed_lines_empty_text_invalid_utf8_and_huge_text() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"text\": \"hello there\"}\n");
    input.extend_from_slice(b"{not json at all\n");
    input.extend_from_slice(b"{\"text\": \"\"}\n");
    input.extend_from_slice(b"{\"text\": \"caf\xff\xfe au lait, translate to French\"}\n");
    input.extend_from_slice(b"[1, 2, 3]\n");
    input.extend_from_slice(b"{\"title\": \"no text field\"}\n");
    input.extend_from_slice(b"\n");
    let big = "All work and no play makes Jack a dull boy. ".repeat(1_048_576 / 44 + 1);
    input.extend_from_slice(serde_json::json!({ "text": big }).to_string().as_bytes());
    input.extend_from_slice(b"\n{\"text\": \"what's the capital of Peru?\"}\n");
    let out = run_stdin(&["classify"], &input);
    // Bad lines make the exit code 1, but every entry gets an answer, in file order; a blank
    // line is not an entry (the core reader's rules, as in the app).
    assert_eq!(out.status.code(), Some(1));
    let v = lines(&out);
    assert_eq!(v.len(), 8, "{v:?}");
    assert!(v[0]["label"].is_string());
    assert_eq!(v[1]["line"], 2);
    assert!(v[1]["error"].as_str().unwrap().contains("invalid JSON"));
    assert_eq!(v[2]["line"], 3);
    assert_eq!(v[2]["error"], "empty prompt text");
    assert!(
        v[3]["label"].is_string(),
        "invalid UTF-8 is replaced, then classified"
    );
    assert_eq!(v[4]["line"], 5);
    assert_eq!(v[4]["error"], "not a JSON object");
    assert_eq!(v[5]["line"], 6);
    assert!(v[5]["error"].as_str().unwrap().contains("text"));
    assert!(v[6]["label"].is_string(), "1 MB text is classified");
    assert!(v[7]["label"].is_string());
}

#[test]
fn classify_reads_csv_and_plain_lines_too() {
    let out = run_stdin(
        &["classify"],
        b"id,text\n1,\"Translate 'thank you' into Spanish\"\n2,write a python function that sorts a list\n",
    );
    assert!(out.status.success());
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["label"], "translation");
    assert_eq!(v[1]["label"], "code");
    let out = run_stdin(
        &["classify"],
        b"Translate 'thank you' into Spanish\n\nwrite a python function that sorts a list\n",
    );
    assert!(out.status.success());
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(v[1]["label"], "code");
}

#[test]
fn classify_reads_a_file_and_rejects_a_bad_model() {
    let dir = std::env::temp_dir().join(format!("rp-cls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.bin");
    std::fs::write(&bad, b"RPTC\x01\x00garbage").unwrap();
    let out = routeplay()
        .args([
            "classify",
            &repo("data/eval/routeplay-eval.jsonl"),
            "--model",
        ])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("model"), "{err}");
    let out = routeplay()
        .args(["classify", &repo("data/eval/routeplay-eval.jsonl")])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(lines(&out).len() >= 440);
}

#[test]
fn eval_prints_report_with_last_line() {
    let out = routeplay()
        .args(["eval", &repo("data/eval/routeplay-eval.jsonl")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("confusion matrix"));
    assert!(text.contains("brainstorming"));
    let ece = text.lines().rev().nth(1).unwrap();
    assert!(
        ece.starts_with("ece=0.") && ece.ends_with("(15 bins)"),
        "{ece}"
    );
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("macro_f1=0."), "{last}");
    assert!(
        last.contains(" accuracy=0.") && last.contains(" n="),
        "{last}"
    );
}

/// Six labelled rows of a two-label taxonomy (billing, bug) written to `dir/mine.jsonl`,
/// followed by `extra` (e.g. a bad line).
fn billing_and_bug_rows(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let data = dir.join("mine.jsonl");
    let mut rows = String::new();
    for (t, l) in [
        ("refund my order please", "billing"),
        ("I was charged twice", "billing"),
        ("the invoice amount is wrong", "billing"),
        ("app crashes on start", "bug"),
        ("button does nothing when clicked", "bug"),
        ("error 500 when saving", "bug"),
    ] {
        rows.push_str(&serde_json::json!({"text": t, "label": l}).to_string());
        rows.push('\n');
    }
    rows.push_str(extra);
    std::fs::write(&data, rows).unwrap();
    data
}

#[test]
fn train_on_custom_labels_then_classify_with_that_model() {
    let dir = std::env::temp_dir().join(format!("rp-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = billing_and_bug_rows(&dir, "this line is broken\n");
    let model = dir.join("m.bin");
    let run = |out: &std::path::Path| {
        routeplay()
            .args(["train", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(out)
            .args(["--log2-buckets", "12", "--per-label", "200"])
            .output()
            .unwrap()
    };
    let out = run(&model);
    assert_eq!(out.status.code(), Some(1), "a skipped bad line is reported");
    let again = dir.join("m2.bin");
    run(&again);
    assert_eq!(
        std::fs::read(&model).unwrap(),
        std::fs::read(&again).unwrap(),
        "training is deterministic"
    );
    let out = run_stdin(
        &["classify", "--model", model.to_str().unwrap()],
        b"{\"text\": \"I want a refund, charged twice\"}\n{\"text\": \"it crashes with error 500\"}\n",
    );
    assert!(out.status.success());
    let v = lines(&out);
    assert_eq!(v[0]["label"], "billing");
    assert_eq!(v[1]["label"], "bug");
    assert_eq!(v[0]["scores"].as_object().unwrap().len(), 2);
    assert_eq!(v[0]["complexity"], 0.5);
}

#[test]
fn eval_loso_trains_without_each_source_and_its_calibration_feeds_train() {
    let dir = std::env::temp_dir().join(format!("rp-loso-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("rows.jsonl");
    let mut rows = String::new();
    for src in ["forum", "email", "chat"] {
        for i in 0..12 {
            for (t, l) in [
                (
                    format!("refund my order {i} please, I was charged twice"),
                    "billing",
                ),
                (format!("the app crashes with error {i} when I save"), "bug"),
            ] {
                let v =
                    serde_json::json!({"text": format!("{src}: {t}"), "label": l, "source": src});
                rows.push_str(&v.to_string());
                rows.push('\n');
            }
        }
    }
    std::fs::write(&data, rows).unwrap();
    let eval = dir.join("held.jsonl");
    std::fs::write(
        &eval,
        "{\"text\": \"charged twice, refund please\", \"label\": \"billing\"}\n{\"text\": \"crashes on save\", \"label\": \"bug\"}\n",
    )
    .unwrap();
    let cal = dir.join("cal.json");
    let out = routeplay()
        .args(["eval", "--loso"])
        .arg(&data)
        .arg("--score-only")
        .arg(&eval)
        .args([
            "--log2-buckets",
            "12",
            "--per-label",
            "100",
            "--epochs",
            "3",
        ])
        .args(["--augment", "0", "--jobs", "2", "--calibration-out"])
        .arg(&cal)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One row per source group plus the score-only file, each scored on its own rows.
    for (group, n) in [("chat", 24), ("email", 24), ("forum", 24), ("held", 2)] {
        let row = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(group))
            .unwrap_or_else(|| panic!("no row for {group}:\n{text}"));
        assert_eq!(
            row.split_whitespace().nth(1),
            Some(n.to_string().as_str()),
            "{row}"
        );
    }
    assert!(text.contains("calibration: ECE "), "{text}");
    assert!(text.contains("took "), "{text}");
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("loso_mean_f1=") && last.ends_with(" groups=4"),
        "{last}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cal).unwrap()).unwrap();
    let t = v["temperature"].as_f64().unwrap();
    assert!(t > 0.0 && t.is_finite(), "{v}");
    // The calibration file is what `train --calibration` reads.
    let model = dir.join("m.bin");
    let out = routeplay()
        .args(["train", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&model)
        .args([
            "--log2-buckets",
            "12",
            "--per-label",
            "100",
            "--calibration",
        ])
        .arg(&cal)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_stdin(
        &["classify", "--model", model.to_str().unwrap()],
        b"refund please, charged twice\n",
    );
    assert_eq!(lines(&out)[0]["label"], "billing");
    // A bad calibration file is a clear error.
    std::fs::write(&cal, "{\"temperature\": -1}").unwrap();
    let out = routeplay()
        .args(["train", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(dir.join("bad.bin"))
        .arg("--calibration")
        .arg(&cal)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("positive \"temperature\""));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `routeplay eval --complexity FLAGS DATA`, for the caller to add options and run.
fn eval_complexity(flags: &[&str], data: &std::path::Path) -> Command {
    let mut c = routeplay();
    c.args(["eval", "--complexity"]).args(flags).arg(data);
    c
}

/// Constructed outcome rows in `dir`: in three sources, the weak model fails exactly on the
/// long, multi-part, constrained prompts.
fn constructed_outcomes(dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let data = dir.join("outcomes.jsonl");
    let mut rows = String::new();
    for src in ["alpha", "beta", "gamma"] {
        for i in 0..150 {
            let hard = i % 2 == 0;
            let text = if hard {
                format!(
                    "Plan item {i} for {src}. Requirements:\n- It must cover at least three phases.\n\
                     - Include a table and a budget.\n- Then explain the trade-offs, and finally \
                     list the risks for each phase.\nFormat it as markdown with headings."
                )
            } else {
                format!("what is item {i} of {src}?")
            };
            let v = serde_json::json!({
                "text": text, "label": "qa", "source": src,
                "outcomes": {"gpt-4-1106-preview": true, "mixtral-8x7b-instruct-v0.1": !hard}
            });
            rows.push_str(&v.to_string());
            rows.push('\n');
        }
    }
    std::fs::write(&data, rows).unwrap();
    data
}

/// `eval --complexity` on [`constructed_outcomes`]: the table has every source, the head finds
/// the signal within task and out of source, and the model it writes keeps the task scores.
#[test]
fn eval_complexity_reports_per_source_within_task_and_loso_and_writes_the_head() {
    let dir = std::env::temp_dir().join(format!("rp-complexity-{}", std::process::id()));
    let data = constructed_outcomes(&dir);
    let model = dir.join("model.bin");
    let out = eval_complexity(&[], &data)
        .arg("--complexity-out")
        .arg(&model)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for group in ["alpha", "beta", "gamma", "all"] {
        let row = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(group))
            .unwrap_or_else(|| panic!("no row for {group}:\n{text}"));
        // The LOSO column (last "AUC / within") is near perfect: the signal carries over.
        let loso: f64 = row
            .split_whitespace()
            .rev()
            .nth(2)
            .unwrap()
            .parse()
            .unwrap();
        assert!(loso > 0.95, "{row}");
    }
    assert!(text.contains("took "), "{text}");
    let last = text.lines().last().unwrap();
    let field = |k: &str| -> f64 {
        last.split_whitespace()
            .find_map(|f| f.strip_prefix(k))
            .unwrap_or_else(|| panic!("{k} in {last}"))
            .parse()
            .unwrap()
    };
    assert!(field("within_task_auc=") > 0.95, "{last}");
    assert!(field("loso_within_task_auc=") > 0.95, "{last}");
    // The written model: same task scores as the shipped one, the new complexity.
    let prompt = "Write a plan. It must have at least three phases, then list the risks for each.";
    let run = |args: &[&str]| {
        let out = run_stdin(args, prompt.as_bytes());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        lines(&out).remove(0)
    };
    let model = model.to_string_lossy().to_string();
    let (shipped, written) = (run(&["classify"]), run(&["classify", "--model", &model]));
    assert_eq!(shipped["scores"], written["scores"]);
    assert!(written["complexity"].as_f64().unwrap() > 0.5, "{written}");
}

/// `--difficulty-monotone` with `--difficulty-features`: the printed head weighs only the
/// named features, none below 0; an unknown feature name is refused with the known ones.
#[test]
fn eval_complexity_trains_a_monotone_head_on_the_named_features_and_refuses_unknown_ones() {
    let dir = std::env::temp_dir().join(format!("rp-complexity-mono-{}", std::process::id()));
    let data = constructed_outcomes(&dir);
    let model = dir.join("mono.bin");
    let out = eval_complexity(
        &[
            "--difficulty-monotone",
            "--difficulty-features",
            "log_words,log_constraints,log_multi_part",
        ],
        &data,
    )
    .arg("--complexity-out")
    .arg(&model)
    .output()
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let weights = text
        .lines()
        .find_map(|l| l.strip_prefix("head weights (largest first): "))
        .unwrap_or_else(|| panic!("no weights:\n{text}"));
    for part in weights.split(", ") {
        let mut it = part.split_whitespace();
        let (name, w) = (it.next().unwrap(), it.next().unwrap());
        let w: f64 = w.trim_end_matches(';').parse().unwrap();
        let named = ["log_words", "log_constraints", "log_multi_part"].contains(&name);
        assert!(w >= 0.0 && (named || w == 0.0), "{name} {w} in {weights}");
    }
    let bad = eval_complexity(&["--difficulty-features", "log_wrods"], &data)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("unknown difficulty feature \"log_wrods\"") && err.contains("log_words"),
        "{err}"
    );
}

#[test]
fn a_policy_on_custom_labels_is_checked_routed_and_tested_against_the_model_that_has_them() {
    let dir = std::env::temp_dir().join(format!("rp-custom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = billing_and_bug_rows(&dir, "");
    let model = dir.join("m.bin");
    let out = routeplay()
        .args(["train", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&model)
        .args(["--log2-buckets", "12", "--per-label", "200"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy = dir.join("billing.toml");
    std::fs::write(
        &policy,
        "name = \"billing router\"\n\n[[rule]]\nname = \"billing to a small model\"\nwhen = 'task == \"billing\"'\nmodel = \"gpt-5-mini\"\n\n[default]\nmodel = \"gpt-5.5\"\n",
    )
    .unwrap();
    let (model, policy) = (model.to_str().unwrap(), policy.to_str().unwrap());

    // Against the shipped task types, `billing` never matches: a warning that says so.
    let out = routeplay().args(["check", policy]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("\"billing\" is not a task type, so this never matches"),
        "{stderr}"
    );
    // Against the model's own labels: clean.
    let out = routeplay()
        .args(["check", "--model", model, policy])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("unknown-task"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ok (2 rules, 0 warnings)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // route with that model: no warning, and the custom label decides.
    let out = routeplay()
        .args(["route", "--json", "--model", model, "-p", policy])
        .arg("I was charged twice for the invoice, refund please")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("unknown-task"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("gpt-5-mini"), "{text}");
    assert!(text.contains("billing to a small model"), "{text}");

    // test with that model: the case passes on the custom label.
    let cases = dir.join("cases.jsonl");
    std::fs::write(
        &cases,
        "{\"name\": \"refund\", \"text\": \"refund my order, I was charged twice\", \"expect_model\": \"gpt-5-mini\"}\n{\"name\": \"crash\", \"text\": \"the app crashes with error 500\", \"expect_model\": \"gpt-5.5\"}\n",
    )
    .unwrap();
    let out = routeplay()
        .args(["test", "--model", model, policy])
        .arg(&cases)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("unknown-task"));
}

/// `--complexity-lexical-only` (the hashed word column alone) with `--task-means` and
/// `--task-set`: the column finds the constructed signal out of source, and the head's own η²
/// and threshold shares are printed next to the model's.
#[test]
fn eval_complexity_lexical_only_centred_reports_the_heads_eta_squared_and_shares() {
    let dir = std::env::temp_dir().join(format!("rp-complexity-lex-{}", std::process::id()));
    let data = constructed_outcomes(&dir);
    let labelled = dir.join("labelled.jsonl");
    let mut rows = String::new();
    for (i, (text, label)) in [
        ("Write a poem about rain.", "creative_writing"),
        ("Write a Python function that adds two numbers.", "code"),
        ("What is the capital of France?", "qa"),
        ("Translate 'good morning' into German.", "translation"),
    ]
    .iter()
    .enumerate()
    {
        let v = serde_json::json!({"id": format!("p{i}"), "text": text, "label": label});
        rows.push_str(&v.to_string());
        rows.push('\n');
    }
    std::fs::write(&labelled, rows).unwrap();
    let out = eval_complexity(&["--complexity-lexical-only"], &data)
        .arg("--task-means")
        .arg(&labelled)
        .arg("--task-set")
        .arg(&labelled)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("centring: complexity relative to the prompt's task"),
        "{text}"
    );
    let head = text
        .lines()
        .find(|l| l.trim_start().starts_with("head: η²"))
        .unwrap_or_else(|| panic!("no η² line of the head:\n{text}"));
    assert!(
        head.contains("share > 0.6 ") && head.contains("> 0.8 "),
        "{head}"
    );
    let last = text.lines().last().unwrap();
    let loso: f64 = last
        .split_whitespace()
        .find_map(|f| f.strip_prefix("loso_within_task_auc="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(loso > 0.9, "{last}");
}
