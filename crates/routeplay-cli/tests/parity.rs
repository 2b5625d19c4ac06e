//! Parity (issue 9, "One pipeline, one answer"): the same prompt file through the core's runner
//! stepped in small chunks, as the app's batch view drives it, and through the `routeplay` CLI
//! gives identical decisions and byte-identical exports (JSONL and CSV, all rows and the
//! "only prompts that change" filter).
//!
//! The file mixes what people upload: metadata per prompt plus set-wide metadata (`--meta`, the
//! app's metadata box), outcomes, bad lines, prompts that look like spreadsheet formulas, and a
//! policy that reads the language and the metadata next to the six presets.

use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::policy::Policy;
use routeplay_core::shipped::{CATALOG, CLASSIFIER, PRESETS, SAMPLES};
use routeplay_core::simulate::input::parse_metadata_items;
use routeplay_core::simulate::{
    parse_prompt_set, read_prompt_set, ExportFormat, ReadOptions, RowFilter, RunConfig, Runner,
    TaskSource,
};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

mod erased {
    /// Anything serializable, as JSON text.
    pub trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

/// The app's batch view decides this many prompts between two looks at its clock.
const APP_STEP: usize = 8;

const META: &str = "{\"tier\": \"pro\", \"region\": \"eu\"}";

const CUSTOM: &str = r#"name = "desk"

[metadata]
tier = "free"
region = "us"

[[rule]]
name = "french"
when = 'language == "fra"'
model = "mistral-large-3"

[[rule]]
name = "pro in the eu"
when = 'meta.tier == "pro" && meta.region == "eu" && complexity > 0.5'
model = "claude-opus-5"

[default]
objective = "cheapest"
"#;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("rp-parity-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A CSV prompt set from the shipped samples, with per-prompt metadata and outcomes on some
/// rows, formula-like prompts and two bad records.
fn csv_set() -> String {
    let samples = parse_prompt_set(SAMPLES).prompts;
    let mut out = String::from("id,text,label,metadata,outcomes\n");
    for (i, (_, r)) in samples.iter().enumerate() {
        let meta = match i % 5 {
            0 => csv_field("{\"tier\": \"free\"}"),
            1 => csv_field("{\"region\": \"us\"}"),
            _ => String::new(),
        };
        let outcomes = if i % 4 == 0 {
            csv_field(&format!(
                "{{\"gpt-5-mini\": {}, \"claude-opus-5\": {}}}",
                60 + i % 30,
                80 + i % 15
            ))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{},{},{},{meta},{outcomes}\n",
            r.id.as_deref().unwrap(),
            csv_field(&r.text),
            r.label.as_deref().unwrap_or("")
        ));
        if i == 10 {
            out.push_str("bad,only,three\n");
        }
        if i == 20 {
            out.push_str("=cmd,\"=1+2*3, then -4\",qa,,\n");
            out.push_str("bad-meta,hello,qa,not json,\n");
        }
    }
    out.push_str("@x,\"-5 degrees: what should I wear?\",qa,,\n");
    out.push_str("+y,\"+1 555 0100 is my number; plan my day\",planning,,\n");
    out
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_routeplay"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The run as the app makes it: the core's reader, the app's metadata, the shipped classifier
/// shared by the run, stepped `APP_STEP` prompts at a time until done.
fn app_run(text: &str, policies: Vec<Policy>, catalog: Catalog) -> Runner {
    let set = read_prompt_set(text, &ReadOptions::default()).unwrap();
    let metadata = parse_metadata_items(&[META]).unwrap();
    let model = Arc::new(Model::from_bytes(CLASSIFIER).unwrap());
    let mut runner = Runner::new(
        Arc::new(set),
        policies,
        catalog,
        RunConfig {
            metadata,
            tasks: TaskSource::classifier(model),
        },
    );
    let mut steps = 0;
    while !runner.is_done() {
        runner.step(APP_STEP);
        steps += 1;
    }
    assert_eq!(steps, runner.progress().total.div_ceil(APP_STEP));
    runner
}

#[test]
fn the_app_runner_and_the_cli_give_identical_decisions_and_exports() {
    let d = dir();
    let set_path = d.join("set.csv");
    let text = csv_set();
    std::fs::write(&set_path, &text).unwrap();
    let custom_path = d.join("desk.toml");
    std::fs::write(&custom_path, CUSTOM).unwrap();
    let set = set_path.to_str().unwrap();
    let custom = custom_path.to_str().unwrap();

    let catalog = Catalog::from_json(CATALOG).unwrap();
    let mut policies: Vec<Policy> = PRESETS
        .iter()
        .map(|(_, s)| Policy::load(s, &catalog).unwrap().0)
        .collect();
    policies.push(Policy::load(CUSTOM, &catalog).unwrap().0);
    let app = app_run(&text, policies, catalog);
    assert!(
        app.detects_language(),
        "the custom policy reads the language"
    );
    assert_eq!(app.set().errors.len(), 2, "{:?}", app.set().errors);

    let mut args: Vec<&str> = vec!["simulate", "--meta", META];
    for (name, _) in PRESETS {
        args.extend(["-p", name]);
    }
    args.extend(["-p", custom, set]);

    // Decisions.
    let mut json_args = args.clone();
    json_args.extend(["--json", "--decisions"]);
    let (code, out, err) = cli(&json_args);
    assert_eq!(code, 1, "two bad lines make the exit code 1: {err}");
    for e in &app.set().errors {
        let line = format!("set.csv:{}: skipped: {}", e.line, e.message);
        assert!(err.contains(&line), "{line} in {err}");
    }
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Both sides as printed JSON text, read back the same way (so numbers compare by their
    // printed digits, which are exact for an f64).
    let reparse =
        |x: &dyn erased::Ser| -> serde_json::Value { serde_json::from_str(&x.json()).unwrap() };
    let app_decisions = reparse(&app.simulation().all_decisions());
    let cli_decisions = v["decisions"].as_array().unwrap();
    assert_eq!(cli_decisions.len(), app.progress().total);
    for (i, (c, a)) in cli_decisions
        .iter()
        .zip(app_decisions.as_array().unwrap())
        .enumerate()
    {
        assert_eq!(
            c, a,
            "prompt {i}: the CLI's decisions differ from the app's"
        );
    }
    assert_eq!(v["report"], reparse(&app.report()), "summaries differ");
    // The run exercised what it claims to: metadata, language, outcomes, formulas.
    let fired = |rule: &str| {
        // The custom policy comes after the presets.
        app.report().policies[PRESETS.len()]
            .coverage
            .iter()
            .find(|c| c.rule == rule)
            .unwrap()
            .fired
    };
    assert!(fired("french") > 0 && fired("pro in the eu") > 0);
    assert!(app.report().outcomes.is_some());

    // Exports of every row, both formats.
    let all = app.rows(RowFilter::All);
    for (file, format) in [
        ("all.jsonl", ExportFormat::Jsonl),
        ("all.csv", ExportFormat::Csv),
    ] {
        let path = d.join(file);
        let mut export_args = args.clone();
        let p = path.to_str().unwrap();
        export_args.extend(["--export", p]);
        let (code, _, err) = cli(&export_args);
        assert_eq!(code, 1, "{err}");
        let from_cli = std::fs::read_to_string(&path).unwrap();
        let from_app = app.export(&all, format);
        if format == ExportFormat::Jsonl {
            assert_eq!(from_cli.lines().count(), all.len());
        } else {
            assert!(from_cli.starts_with("id,task,text,cost-saver.model,"));
        }
        assert!(
            from_cli == from_app,
            "{file}: the CLI's export differs from the app's"
        );
    }
    let csv = std::fs::read_to_string(d.join("all.csv")).unwrap();
    assert!(csv.contains("\n'=cmd,"), "formula-like ids are neutralised");
    assert!(
        csv.contains(",\"'=1+2*3, then -4\","),
        "formula-like prompts are neutralised"
    );
    assert!(csv.contains(",'-5 degrees: what should I wear?,"));
    assert!(csv.contains("\n'@x,") && csv.contains("\n'+y,"));

    // The diff filter: the prompts that change between two policies, exported.
    let changed = app.rows(RowFilter::Changed {
        a: 0,
        b: PRESETS.len(),
    });
    assert!(!changed.is_empty() && changed.len() < all.len());
    for (file, format) in [
        ("changed.csv", ExportFormat::Csv),
        ("changed.jsonl", ExportFormat::Jsonl),
    ] {
        let path = d.join(file);
        let (code, _, err) = cli(&[
            "diff",
            "--meta",
            META,
            "-p",
            "cost-saver",
            "-p",
            custom,
            set,
            "--export",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{err}");
        let from_cli = std::fs::read_to_string(&path).unwrap();
        // The app exports all its policies' columns; a two-policy run has two. Compare the
        // app's two-policy view of the same rows.
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let pair = vec![
            Policy::load(PRESETS[0].1, &catalog).unwrap().0,
            Policy::load(CUSTOM, &catalog).unwrap().0,
        ];
        let app2 = app_run(&text, pair, catalog);
        let rows2 = app2.rows(RowFilter::Changed { a: 0, b: 1 });
        assert_eq!(rows2, changed, "the same prompts change");
        assert!(
            from_cli == app2.export(&rows2, format),
            "{file}: the CLI's diff export differs from the app's"
        );
    }
}
