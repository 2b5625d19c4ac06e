//! Decision identity: the shipped sample set under every preset (and one policy that reads the
//! language, so the language path is covered) gives exactly the decisions and batch results
//! recorded in `tests/golden/identity.txt`. Speed work (issue 14) must not change a decision.
//!
//! The golden holds, per sample prompt, its language and task, then per policy the chosen
//! model, rule, fallbacks and estimates as the Prompt view decides them (language detected,
//! full trace); then the prompt-set run of the same set (the app's and the CLI's `Runner`, with
//! the shipped classifier) as its JSONL export (less the prompt texts) and its report, once with
//! the presets (language detection skipped, as no preset reads it) and once with the language
//! policy (detection on).
//!
//! When the model, the catalog, the presets or the sample set change on purpose, the golden
//! changes with them: re-bless it and review the diff (`git diff tests/golden/`):
//!
//! ```sh
//! ROUTEPLAY_BLESS=1 cargo test -p routeplay-core --test identity
//! ```

use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::policy::{Facts, Metadata, Policy};
use routeplay_core::shipped::{CATALOG, CLASSIFIER, PRESETS, SAMPLES};
use routeplay_core::signals::{CheapSignals, PromptSignals};
use routeplay_core::simulate::{
    parse_prompt_set, ExportFormat, RowFilter, RunConfig, Runner, TaskSource,
};
use std::fmt::Write;
use std::sync::Arc;

/// A policy that reads `language`, so that a change to language detection shows up as a
/// changed decision.
const LANGUAGE_POLICY: &str = r#"name = "language-desk"

[[rule]]
name = "french"
when = 'language == "fra"'
model = "mistral-large-3"

[[rule]]
name = "german-or-spanish"
when = 'language in ["deu", "spa"]'
model = "gemini-3.1-pro-preview"

[[rule]]
name = "not-english"
when = 'language != "eng" && language != ""'
model = "claude-opus-5"

[[rule]]
name = "unknown"
when = 'language == ""'
model = "gpt-5-mini"

[default]
model = "claude-haiku-4.5"
"#;

const GOLDEN: &str = "tests/golden/identity.txt";

fn everything() -> String {
    let catalog = Catalog::from_json(CATALOG).unwrap();
    let presets: Vec<Policy> = PRESETS
        .iter()
        .map(|(_, s)| Policy::load(s, &catalog).unwrap().0)
        .collect();
    let language = Policy::load(LANGUAGE_POLICY, &catalog)
        .map_err(|d| format!("{d:?}"))
        .unwrap()
        .0;
    let mut all = presets.clone();
    all.push(language.clone());
    let model = Arc::new(Model::from_bytes(CLASSIFIER).unwrap());
    let set = Arc::new(parse_prompt_set(SAMPLES));
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let meta = Metadata::new();
    let mut out = String::new();

    // The Prompt view: every signal, a traced decision per policy.
    writeln!(
        out,
        "# prompt view: {} prompts × {} policies",
        set.prompts.len(),
        all.len()
    )
    .unwrap();
    for (_, r) in &set.prompts {
        let cheap = CheapSignals::compute(&r.text);
        let task = model.predict(&r.text);
        let lang = cheap.language.as_ref().map_or("-", |l| l.code.as_str());
        writeln!(
            out,
            "{} language={lang} task={} complexity={} tokens={} code={} pii={:?}",
            r.id.as_deref().unwrap_or("?"),
            task.label,
            task.complexity,
            cheap.tokens,
            cheap.has_code,
            cheap.pii
        )
        .unwrap();
        let signals = PromptSignals {
            cheap,
            task: Some(task),
        };
        let facts = Facts::new(&r.text, &signals, &meta);
        for p in &all {
            let d = p.decide(&facts, &catalog);
            // (The estimates follow from the model, the catalog and the tokens; the batch
            // export below records them.)
            writeln!(
                out,
                "  {}: {} by {} then {:?}",
                d.policy,
                d.model.as_deref().unwrap_or("-"),
                d.rule.as_deref().unwrap_or("-"),
                d.fallbacks,
            )
            .unwrap();
        }
    }

    // The prompt-set run, as the app and the CLI run it.
    for (label, policies) in [("presets", presets), ("language-desk", vec![language])] {
        let mut runner = Runner::new(
            set.clone(),
            policies,
            catalog.clone(),
            RunConfig {
                metadata: meta.clone(),
                tasks: TaskSource::classifier(model.clone()),
            },
        );
        runner.run_to_end();
        writeln!(
            out,
            "# prompt set run: {label} (language detection {})",
            if runner.detects_language() {
                "on"
            } else {
                "skipped"
            }
        )
        .unwrap();
        // The export without each prompt's text (the sample set holds it).
        for line in runner.export_lines(&runner.rows(RowFilter::All), ExportFormat::Jsonl) {
            let mut row: serde_json::Value = serde_json::from_str(&line).unwrap();
            row.as_object_mut().unwrap().remove("text");
            writeln!(out, "{row}").unwrap();
        }
        out.push_str(&serde_json::to_string_pretty(&runner.report()).unwrap());
        out.push('\n');
    }
    out
}

#[test]
fn decisions_and_prompt_set_results_match_the_golden() {
    let now = everything();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("ROUTEPLAY_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &now).unwrap();
        eprintln!("blessed {}", path.display());
        return;
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; create it with ROUTEPLAY_BLESS=1 cargo test -p routeplay-core --test identity", path.display())
    });
    if now != golden {
        let diffs: Vec<String> = golden
            .lines()
            .zip(now.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(8)
            .map(|(i, (a, b))| format!("line {}:\n  golden: {a}\n  now:    {b}", i + 1))
            .collect();
        panic!(
            "decisions differ from {GOLDEN} ({} lines golden, {} now); first differences:\n{}\n\
             If the model, catalog, presets or samples changed on purpose, re-bless: \
             ROUTEPLAY_BLESS=1 cargo test -p routeplay-core --test identity",
            golden.lines().count(),
            now.lines().count(),
            diffs.join("\n")
        );
    }
}
