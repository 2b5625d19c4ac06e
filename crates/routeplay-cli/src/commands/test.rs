//! `routeplay test POLICY CASES.jsonl`: expected routes, for CI before deploying a policy.
//!
//! Each line of CASES is a JSON object:
//! `{"name"?: str, "text": str, "task"?: str, "complexity"?: num, "metadata"?: {...},
//!   "expect_model"?: id, "expect_rule"?: name, "expect_provider"?: str, "expect_not_model"?: id}`.
//! `task` / `complexity` stand in for the classifier; at least one `expect_*` is required.
//! Prints PASS / FAIL per case (with the trace of failures). Exit 0 when all pass; 1 when a
//! case fails, a line is bad or the policy has errors; 2 on usage or I/O errors.

use super::routing::{load_catalog, load_policy, CatalogArg, TaskSource};
use crate::{input, Outcome};
use routeplay_core::policy::{Facts, Metadata};
use serde::Deserialize;
use std::path::PathBuf;

/// Arguments of `routeplay test`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy file or preset name.
    policy: String,
    /// JSON Lines test cases.
    cases: PathBuf,
    #[command(flatten)]
    catalog: CatalogArg,
    /// Ignore the classifier: cases without `task` see task "unknown".
    #[arg(long)]
    no_classifier: bool,
    /// Print each failure's full trace.
    #[arg(long, short = 'v')]
    verbose: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: Option<String>,
    text: String,
    task: Option<String>,
    complexity: Option<f64>,
    #[serde(default)]
    metadata: Metadata,
    expect_model: Option<String>,
    expect_rule: Option<String>,
    expect_provider: Option<String>,
    expect_not_model: Option<String>,
}

/// Runs the cases.
pub fn run(args: Args) -> Result<Outcome, String> {
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let Some(policy) = load_policy(&args.policy, &catalog)? else {
        return Ok(Outcome::Problems);
    };
    let classifier = if args.no_classifier {
        None
    } else {
        Some(super::classify::load_model(None)?)
    };
    let bytes = input::read_bytes(Some(&args.cases))?;
    let text = String::from_utf8_lossy(&bytes);
    let (mut pass, mut fail, mut bad) = (0, 0, 0);
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with("//") || t.starts_with('#') {
            continue;
        }
        let case: Case = match serde_json::from_str(t) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{}:{n}: skipped: {e}", args.cases.display());
                bad += 1;
                continue;
            }
        };
        if case.expect_model.is_none()
            && case.expect_rule.is_none()
            && case.expect_provider.is_none()
            && case.expect_not_model.is_none()
        {
            eprintln!("{}:{n}: skipped: no expect_model, expect_rule, expect_provider or expect_not_model", args.cases.display());
            bad += 1;
            continue;
        }
        let name = case.name.clone().unwrap_or_else(|| format!("line {n}"));
        let source = TaskSource {
            task: case.task.clone(),
            complexity: case.complexity,
            classifier: if case.task.is_none() {
                classifier.clone()
            } else {
                None
            },
        };
        let signals = source.signals(&case.text, None);
        let d = policy.decide(&Facts::new(&case.text, &signals, &case.metadata), &catalog);
        let got_model = d.model.clone().unwrap_or_else(|| "(none)".into());
        let got_provider = d
            .model
            .as_deref()
            .and_then(|m| catalog.get(m))
            .map(|m| m.provider.clone())
            .unwrap_or_default();
        let mut problems = Vec::new();
        if let Some(m) = &case.expect_model {
            if *m != got_model {
                problems.push(format!("expected model {m}, got {got_model}"));
            }
        }
        if let Some(r) = &case.expect_rule {
            if d.rule.as_deref() != Some(r.as_str()) {
                problems.push(format!(
                    "expected rule \"{r}\", got \"{}\"",
                    d.rule.as_deref().unwrap_or("(none)")
                ));
            }
        }
        if let Some(p) = &case.expect_provider {
            if *p != got_provider {
                problems.push(format!("expected provider {p}, got {got_provider}"));
            }
        }
        if let Some(m) = &case.expect_not_model {
            if *m == got_model {
                problems.push(format!("expected any model but {m}"));
            }
        }
        if problems.is_empty() {
            pass += 1;
            println!(
                "PASS {name}: {got_model} (rule \"{}\")",
                d.rule.as_deref().unwrap_or("")
            );
        } else {
            fail += 1;
            println!("FAIL {name} (line {n}): {}", problems.join("; "));
            if args.verbose {
                print!("{}", super::route::render(&d, false));
            }
        }
    }
    println!("{pass} passed, {fail} failed");
    if bad > 0 {
        println!(
            "{bad} bad case line{} skipped (see above)",
            if bad == 1 { "" } else { "s" }
        );
    }
    Ok(if fail > 0 || bad > 0 {
        Outcome::Problems
    } else {
        Outcome::Ok
    })
}
