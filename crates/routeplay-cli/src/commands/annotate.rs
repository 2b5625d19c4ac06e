//! `routeplay annotate --policy POLICY PROMPTS`: one JSON object per input prompt, in input
//! order: the request metadata to send with that prompt, exactly what the exported configs
//! branch on (task, scores as score_<task>, complexity, tokens, language, has_code, has_pii,
//! the policy's [metadata] fields as meta_<name>, and `route`, the rule Routeplay chose, with
//! `route_key`, the exported target / model group). PROMPTS is a prompt set (JSONL, CSV or
//! plain lines, or chat requests — OpenAI, Anthropic, Batch, ShareGPT — read by the core's one
//! reader, a request annotated as its conversation's last turn); `-` or nothing reads standard input; `--meta`
//! adds set-wide request metadata (a prompt's own keys win). `--with-decision` wraps each line
//! as {"metadata", "model", "api_model", "fallbacks", "rule"} for tests and scripts.

use crate::input::{load_set, MetaArgs, SetArgs};
use crate::output::stdout;
use crate::policies::{load_catalog, load_policy, task_labels, CatalogArg, ClassifierArgs};
use crate::{CmdResult, Outcome};
use routeplay_core::conversation::conversation_key;
use routeplay_core::export::{annotate, lower};
use routeplay_core::policy::Facts;
use routeplay_core::simulate::conversation_signals;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `routeplay annotate`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy file or preset name.
    #[arg(long = "policy", short = 'p')]
    policy: String,
    /// Prompt set: JSONL, CSV or plain lines (`-` or absent: standard input).
    prompts: Option<PathBuf>,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    meta: MetaArgs,
    /// Print {"metadata", "model", "api_model", "fallbacks", "rule"} per prompt instead.
    #[arg(long)]
    with_decision: bool,
    #[command(flatten)]
    classifier: ClassifierArgs,
    #[command(flatten)]
    catalog: CatalogArg,
}

/// Annotates every prompt.
pub fn run(args: Args) -> CmdResult {
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let tasks = args.classifier.source(false)?;
    let Some(policy) = load_policy(&args.policy, &catalog, task_labels(&tasks))? else {
        return Ok(Outcome::Problems);
    };
    let set_meta = args.meta.metadata()?;
    let set = load_set(args.prompts.as_deref(), &args.set)?;
    let lowered = lower::lower(&policy, &catalog);
    let api = |id: &str| {
        catalog
            .get(id)
            .and_then(|m| m.api_model.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut out = stdout();
    for (_, r) in &set.prompts {
        // The metadata carries the language, so it is always detected here.
        let signals = tasks.signals(&r.text, None, true);
        let mut request = set_meta.clone();
        request.extend(r.metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
        let facts = match &r.conversation {
            None => Facts::new(&r.text, &signals, &request),
            Some(c) => conversation_signals(c, &signals, None, &tasks).to_facts(
                conversation_key(c),
                &signals,
                &request,
            ),
        };
        let d = policy.decide(&facts, &catalog);
        let meta = annotate::metadata(&policy, &lowered, &signals, &request, &d);
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
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(Outcome::problems_if(!set.errors.is_empty()))
}
