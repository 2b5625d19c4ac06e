//! `routeplay annotate --policy POLICY PROMPTS`: one JSON object per input prompt, in input
//! order: the request metadata to send with that prompt, exactly what the exported configs
//! branch on (task, scores as score_<task>, complexity, tokens, language, has_code, has_pii,
//! the policy's [metadata] fields as meta_<name>, and `route`, the rule Routeplay chose, with
//! `route_key`, the exported target / model group). PROMPTS is JSON Lines with "text" (and
//! optional "metadata"); `-` or nothing reads standard input. `--with-decision` wraps each line
//! as {"metadata", "model", "api_model", "fallbacks", "rule"} for tests and scripts.

use super::routing::{load_catalog, load_policy, CatalogArg, ClassifierArgs};
use crate::{input, Outcome};
use routeplay_core::export::{annotate, lower};
use routeplay_core::policy::Facts;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `routeplay annotate`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy file or preset name.
    #[arg(long = "policy", short = 'p')]
    policy: String,
    /// JSON Lines prompt set (`-` or absent: standard input).
    prompts: Option<PathBuf>,
    /// Print {"metadata", "model", "api_model", "fallbacks", "rule"} per prompt instead.
    #[arg(long)]
    with_decision: bool,
    #[command(flatten)]
    classifier: ClassifierArgs,
    #[command(flatten)]
    catalog: CatalogArg,
}

/// Annotates every prompt.
pub fn run(args: Args) -> Result<Outcome, String> {
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let Some(policy) = load_policy(&args.policy, &catalog)? else {
        return Ok(Outcome::Problems);
    };
    let source = args.classifier.source()?;
    let bytes = input::read_bytes(args.prompts.as_deref())?;
    let text = String::from_utf8_lossy(&bytes);
    let (ok, bad) = routeplay_core::simulate::parse_prompts_jsonl(&text);
    let name = args
        .prompts
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "<stdin>".into());
    for b in &bad {
        eprintln!("{name}:{}: skipped: {}", b.line, b.message);
    }
    let lowered = lower::lower(&policy, &catalog);
    let api = |id: &str| {
        catalog
            .get(id)
            .and_then(|m| m.api_model.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut out = std::io::stdout().lock();
    for (_, r) in ok {
        let signals = source.signals(&r.text, None);
        let facts = Facts::new(&r.text, &signals, &r.metadata);
        let d = policy.decide(&facts, &catalog);
        let meta = annotate::metadata(&policy, &lowered, &signals, &r.metadata, &d);
        let line = if args.with_decision {
            json!({
                "id": r.id,
                "metadata": meta,
                "model": d.model,
                "api_model": d.model.as_deref().map(api),
                "fallbacks": d.fallbacks,
                "api_fallbacks": d.fallbacks.iter().map(|f| api(f)).collect::<Vec<_>>(),
                "rule": d.rule,
                "rule_index": d.rule_index,
            })
        } else {
            serde_json::Value::Object(meta)
        };
        if writeln!(out, "{line}").is_err() {
            return Ok(Outcome::Ok); // closed pipe
        }
    }
    Ok(if bad.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
}
