//! `routeplay test POLICY CASES`: expected routes, for CI before deploying a policy.
//!
//! CASES is read by the core's one reader (JSONL, CSV with these columns, or plain lines,
//! though a plain line has no expectation). Each case has the fields
//! `{"name"?: str, "text": str, "task"?: str, "complexity"?: num, "metadata"?: {...},
//!   "expect_model"?: id, "expect_rule"?: name, "expect_provider"?: str, "expect_not_model"?: id}`
//! (in CSV, `metadata` holds a JSON object). `task` / `complexity` stand in for the classifier;
//! `--meta` gives every case set-wide metadata (a case's own `metadata` wins key by key); at
//! least one `expect_*` is required; an unknown field is a bad line (a typo would otherwise
//! test nothing). A case may instead be a chat request (an OpenAI Chat Completions or
//! Anthropic Messages body, an OpenAI Batch line, a ShareGPT record) with the same `name`,
//! `task`, `complexity` and `expect_*` fields beside its own: it is routed as that
//! conversation's last request (its fields are checked by the conversation reader). Prints PASS / FAIL per case (with the trace of failures). Exit 0 when all
//! pass; 1 when a case fails, a line is bad or the policy has errors; 2 on usage or I/O errors.

use crate::input::{load_records, report_bad_lines, MetaArgs, SetArgs};
use crate::output::stdout;
use crate::policies::{load_catalog, load_policy, CatalogArg};
use crate::{CmdResult, Outcome};
use routeplay_core::conversation::detect_format;
use routeplay_core::simulate::{prompt_facts, PromptRecord, Record, RunConfig, TaskSource};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `routeplay test`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy file or preset name.
    policy: String,
    /// Test cases: JSONL, or CSV with the same columns.
    cases: PathBuf,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    meta: MetaArgs,
    #[command(flatten)]
    catalog: CatalogArg,
    /// Ignore the classifier: cases without `task` see task "unknown".
    #[arg(long)]
    no_classifier: bool,
    /// Classifier model file to use instead of the shipped one (e.g. trained on your own
    /// labels: the policy's `task == "..."` is checked against its labels).
    #[arg(long, value_name = "PATH", conflicts_with = "no_classifier")]
    model: Option<PathBuf>,
    /// Print each failure's full trace.
    #[arg(long, short = 'v')]
    verbose: bool,
}

const FIELDS: [&str; 9] = [
    "name",
    "text",
    "task",
    "complexity",
    "metadata",
    "expect_model",
    "expect_rule",
    "expect_provider",
    "expect_not_model",
];

struct Case {
    name: Option<String>,
    prompt: PromptRecord,
    task: Option<String>,
    complexity: Option<f64>,
    expect_model: Option<String>,
    expect_rule: Option<String>,
    expect_provider: Option<String>,
    expect_not_model: Option<String>,
}

fn case(mut r: Record) -> Result<Case, String> {
    let conversation = detect_format(&r.fields).is_some();
    if let Some(k) = r
        .fields
        .keys()
        .find(|k| !conversation && !FIELDS.contains(&k.as_str()))
    {
        return Err(format!(
            "unknown field \"{k}\" (expected one of: {})",
            FIELDS.join(", ")
        ));
    }
    let name = r.take_string(&["name"])?;
    let task = r.take_string(&["task"])?;
    let complexity = r.take_number("complexity")?;
    let expect_model = r.take_string(&["expect_model"])?;
    let expect_rule = r.take_string(&["expect_rule"])?;
    let expect_provider = r.take_string(&["expect_provider"])?;
    let expect_not_model = r.take_string(&["expect_not_model"])?;
    if expect_model.is_none()
        && expect_rule.is_none()
        && expect_provider.is_none()
        && expect_not_model.is_none()
    {
        return Err("no expect_model, expect_rule, expect_provider or expect_not_model".into());
    }
    Ok(Case {
        name,
        prompt: PromptRecord::from_record(r)?,
        task,
        complexity,
        expect_model,
        expect_rule,
        expect_provider,
        expect_not_model,
    })
}

/// Runs the cases.
pub fn run(args: Args) -> CmdResult {
    let metadata = args.meta.metadata()?;
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    // Loaded once and shared by every case (an `Arc`, never a copy per case).
    let classifier = if args.no_classifier {
        None
    } else {
        Some(Arc::new(super::classify::load_model(
            args.model.as_deref(),
        )?))
    };
    let labels = classifier
        .as_ref()
        .and_then(|m| crate::policies::custom_labels(m.labels()));
    let Some(policy) = load_policy(&args.policy, &catalog, labels)? else {
        return Ok(Outcome::Problems);
    };
    let set = load_records(Some(&args.cases), &args.set)?;
    let mut bad_lines = set.errors.clone();
    let mut cases = Vec::new();
    for r in set.records {
        let line = r.line;
        match case(r) {
            Ok(c) => cases.push((line, c)),
            Err(message) => bad_lines.push(routeplay_core::simulate::LineError { line, message }),
        }
    }
    bad_lines.sort_by_key(|e| e.line);
    report_bad_lines(Some(&args.cases), &bad_lines);
    let bad = bad_lines.len();
    let mut out = stdout();
    let (mut pass, mut fail) = (0, 0);
    for (n, case) in cases {
        let name = case.name.clone().unwrap_or_else(|| format!("line {n}"));
        let config = RunConfig {
            metadata: metadata.clone(),
            tasks: TaskSource {
                classifier: if case.task.is_none() {
                    classifier.clone()
                } else {
                    None
                },
                task: case.task.clone(),
                complexity: case.complexity,
                use_labels: false,
            },
        };
        let facts = prompt_facts(&case.prompt, &config, true);
        let d = policy.decide(&facts, &catalog);
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
            writeln!(
                out,
                "PASS {name}: {got_model} (rule \"{}\")",
                d.rule.as_deref().unwrap_or("")
            )?;
        } else {
            fail += 1;
            writeln!(out, "FAIL {name} (line {n}): {}", problems.join("; "))?;
            if args.verbose {
                write!(out, "{}", super::route::render(&d, false))?;
            }
        }
    }
    writeln!(out, "{pass} passed, {fail} failed")?;
    if bad > 0 {
        writeln!(
            out,
            "{bad} bad case line{} skipped (see above)",
            if bad == 1 { "" } else { "s" }
        )?;
    }
    out.flush()?;
    Ok(Outcome::problems_if(fail > 0 || bad > 0))
}
