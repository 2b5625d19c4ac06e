//! `routeplay route --policy P... [PROMPT]`: the decision of each policy for one prompt, with
//! its trace (every rule in order, matched or not and why; the candidates ranked or excluded).
//! `--file PROMPTS` routes every prompt of a set instead (JSONL, CSV or plain lines, read by the
//! core's one reader): one line per prompt and policy, or with `--json` one JSON object per
//! prompt (`{"id", "decisions": [...]}`).
//!
//! The prompt may be a whole chat request (an OpenAI Chat Completions or Anthropic Messages
//! body, an OpenAI Batch line, a ShareGPT record — as a file, `-` for standard input): it is
//! routed as the conversation it is (turns, tools, agent step, context tokens), and
//! `--turns` routes every turn of it, each with the history before it, showing what
//! stickiness did. `--file` sets may hold such records too (each routed as its last request).
//!
//! Without a classifier the policies see `task == "unknown"`; `--task` and `--complexity` set
//! them by hand; `--meta` gives request metadata. `--json` prints decisions as JSON. Exit 0
//! when every policy routed every prompt, 1 when one had errors or no eligible model or a line
//! was bad, 2 on usage or I/O errors.

use crate::input::{load_set, prompt_arg, MetaArgs, SetArgs};
use crate::output::{secs, stdout};
use crate::policies::{load_catalog, load_policies, task_labels, CatalogArg, ClassifierArgs};
use crate::{CmdResult, Outcome};
use routeplay_core::catalog::Catalog;
use routeplay_core::conversation::{detect_format, route_turns, ConversationSignals};
use routeplay_core::format::usd;
use routeplay_core::policy::Policy;
use routeplay_core::policy::{Decision, RuleOutcome};
use routeplay_core::simulate::{
    prompt_facts, read_prompt_set, reads_language, record_facts, PromptRecord, ReadOptions,
    RunConfig, SetFormat,
};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `routeplay route`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy file or preset name; repeat to compare several.
    #[arg(long = "policy", short = 'p', required = true)]
    policies: Vec<String>,
    /// The prompt; read from standard input when absent or `-`.
    #[arg(conflicts_with = "file")]
    prompt: Option<String>,
    /// Route every prompt of this set (JSONL, CSV or plain lines; `-` for standard input).
    #[arg(long, value_name = "PROMPTS")]
    file: Option<PathBuf>,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    meta: MetaArgs,
    /// With --file, use each prompt's `label` as its task type (an ideal classifier).
    #[arg(long, requires = "file")]
    use_labels: bool,
    #[command(flatten)]
    classifier: ClassifierArgs,
    #[command(flatten)]
    catalog: CatalogArg,
    /// Print decisions as JSON.
    #[arg(long)]
    json: bool,
    /// List every candidate, not only the first five and a count of the excluded.
    #[arg(long, short = 'v')]
    verbose: bool,
    /// For a conversation, route every turn (each with the history before it; sticky
    /// policies keep their model), not only its last request.
    #[arg(long, conflicts_with = "file")]
    turns: bool,
}

/// Routes the prompt (or every prompt of the file) under each policy.
pub fn run(args: Args) -> CmdResult {
    let config = RunConfig {
        metadata: args.meta.metadata()?,
        tasks: args.classifier.source(args.use_labels)?,
    };
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let Some(policies) = load_policies(&args.policies, &catalog, task_labels(&config.tasks))?
    else {
        return Ok(Outcome::Problems);
    };
    let language = policies.iter().any(reads_language);
    let mut out = stdout();
    let Some(file) = &args.file else {
        let text = prompt_arg(args.prompt)?;
        let prompt = match conversation_prompt(&text)? {
            Some(r) => r,
            None => PromptRecord {
                id: None,
                text,
                label: None,
                metadata: Default::default(),
                outcomes: None,
                conversation: None,
            },
        };
        if args.turns && prompt.conversation.is_some() {
            return route_every_turn(
                &prompt,
                &policies,
                &catalog,
                &config,
                args.json,
                args.verbose,
            );
        }
        let (facts, conv) = record_facts(&prompt, &config, true);
        let decisions: Vec<Decision> = policies
            .iter()
            .map(|p| p.decide(&facts, &catalog))
            .collect();
        if let (Some(c), false) = (&conv, args.json) {
            writeln!(out, "{}", conversation_line(c))?;
        }
        if args.json {
            serde_json::to_writer_pretty(&mut out, &decisions).map_err(std::io::Error::from)?;
            writeln!(out)?;
        } else {
            for (i, d) in decisions.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", render(d, args.verbose))?;
            }
        }
        out.flush()?;
        return Ok(Outcome::problems_if(
            decisions.iter().any(|d| d.model.is_none()),
        ));
    };
    let set = load_set(Some(file), &args.set)?;
    let mut unrouted = false;
    for (_, r) in &set.prompts {
        let facts = prompt_facts(r, &config, language);
        let id = r.id.as_deref().unwrap_or("");
        let decisions: Vec<Decision> = policies
            .iter()
            .map(|p| p.decide(&facts, &catalog))
            .collect();
        unrouted |= decisions.iter().any(|d| d.model.is_none());
        if args.json {
            let v = serde_json::json!({ "id": id, "decisions": decisions });
            serde_json::to_writer(&mut out, &v).map_err(std::io::Error::from)?;
            writeln!(out)?;
            continue;
        }
        for d in &decisions {
            let cost = d.estimate.map(|e| usd(e.cost_usd)).unwrap_or_default();
            writeln!(
                out,
                "{id}\t{}\t{}\t{}\t{}\t{cost}",
                d.policy,
                d.model.as_deref().unwrap_or("(no eligible model)"),
                d.rule.as_deref().unwrap_or(""),
                d.task
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::problems_if(unrouted || !set.errors.is_empty()))
}

/// The prompt as a conversation, when it is a chat request in one of the conversation formats
/// (`None`: a plain prompt); an error when it is such a request with a mistake in it.
fn conversation_prompt(text: &str) -> Result<Option<PromptRecord>, String> {
    let t = text.trim_start();
    if !t.starts_with('{') {
        return Ok(None);
    }
    let looks = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t.trim_end())
        .ok()
        .is_some_and(|o| detect_format(&o).is_some());
    if !looks {
        return Ok(None);
    }
    let opts = ReadOptions {
        format: Some(SetFormat::Jsonl),
        ..ReadOptions::default()
    };
    let mut set = read_prompt_set(text, &opts).map_err(|e| e.to_string())?;
    if let Some(e) = set.errors.first() {
        return Err(format!("the request: {}", e.message));
    }
    Ok(set.prompts.pop().map(|(_, r)| r))
}

/// The conversation's signals in one line.
fn conversation_line(c: &ConversationSignals) -> String {
    let f = &c.facts;
    let mut parts = vec![format!(
        "conversation: {} · ~{} context tokens (system {}, earlier messages {}, tools {}, this turn {})",
        routeplay_core::format::plural(f.turns, "turn"),
        f.context_tokens,
        f.system_tokens,
        c.history_tokens,
        c.tool_tokens,
        c.turn_tokens
    )];
    if f.agent_step {
        parts.push("agent step".into());
    }
    if !f.tool_names.is_empty() {
        parts.push(format!(
            "{}: {}",
            routeplay_core::format::plural(f.tool_names.len(), "tool"),
            f.tool_names.join(", ")
        ));
    }
    if f.images > 0 {
        parts.push(routeplay_core::format::plural(f.images, "image"));
    }
    if let Some(w) = &c.whole {
        parts.push(format!(
            "whole conversation: task {} ({:.2}), complexity {:.2}",
            w.label,
            w.confidence(),
            w.complexity
        ));
    }
    parts.join(" · ")
}

/// `route --turns`: every turn of one conversation under every policy.
fn route_every_turn(
    prompt: &PromptRecord,
    policies: &[Policy],
    catalog: &Catalog,
    config: &RunConfig,
    json: bool,
    verbose: bool,
) -> CmdResult {
    let language = policies.iter().any(reads_language);
    let routes = route_turns(prompt, policies, catalog, config, language);
    let mut out = stdout();
    if json {
        serde_json::to_writer_pretty(&mut out, &routes).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        for r in &routes {
            writeln!(
                out,
                "=== turn {} (messages 1–{}): {}",
                r.turn + 1,
                r.messages,
                r.text.chars().take(80).collect::<String>()
            )?;
            writeln!(out, "{}", conversation_line(&r.signals))?;
            for d in &r.decisions {
                write!(out, "{}", render(&d.decision, verbose))?;
                if let Some(s) = &d.sticky {
                    writeln!(out, "  sticky: {}", s.describe())?;
                }
            }
        }
    }
    out.flush()?;
    Ok(Outcome::problems_if(routes.iter().any(|r| {
        r.decisions.iter().any(|d| d.decision.model.is_none())
    })))
}

/// A decision as text: the choice, the estimates, then the trace.
pub fn render(d: &Decision, verbose: bool) -> String {
    let mut s = String::new();
    match (&d.model, &d.rule) {
        (Some(m), Some(r)) => s.push_str(&format!("policy {} → {m}  (rule \"{r}\")\n", d.policy)),
        _ => s.push_str(&format!("policy {} → no eligible model\n", d.policy)),
    }
    if !d.fallbacks.is_empty() {
        s.push_str(&format!("  fallbacks: {}\n", d.fallbacks.join(" → ")));
    }
    if let Some(e) = d.estimate {
        s.push_str(&format!(
            "  estimate: {} · {} · quality {:.0}\n",
            usd(e.cost_usd),
            secs(e.latency_ms),
            e.quality
        ));
    }
    s.push_str(&format!(
        "  prompt: task {} · complexity {:.2} · ~{:.0} input tokens · ~{:.0} output tokens\n",
        d.task, d.complexity, d.input_tokens, d.output_tokens
    ));
    s.push_str("  trace:\n");
    for t in &d.trace {
        let mark = match t.outcome {
            RuleOutcome::Chosen => "✓",
            RuleOutcome::NotMatched => "✗",
            RuleOutcome::Error => "!",
            RuleOutcome::NoEligible => "∅",
            RuleOutcome::Skipped => "·",
        };
        s.push_str(&format!(
            "    {mark} {} (line {}): {}\n",
            t.rule, t.line, t.reason
        ));
        let ranked: Vec<_> = t.candidates.iter().filter(|c| c.rank.is_some()).collect();
        let excluded: Vec<_> = t.candidates.iter().filter(|c| c.rank.is_none()).collect();
        let shown = if verbose {
            ranked.len()
        } else {
            ranked.len().min(5)
        };
        for c in &ranked[..shown] {
            let e = c.estimate.unwrap_or(routeplay_core::policy::Estimate {
                cost_usd: 0.0,
                latency_ms: 0.0,
                quality: 0.0,
            });
            let score = c
                .score
                .map(|x| format!(" · score {x:.3}"))
                .unwrap_or_default();
            s.push_str(&format!(
                "        {}. {} — {} · {} · quality {:.0}{score}\n",
                c.rank.unwrap_or(0),
                c.model,
                usd(e.cost_usd),
                secs(e.latency_ms),
                e.quality
            ));
        }
        if ranked.len() > shown {
            s.push_str(&format!(
                "        … {} more eligible (use -v)\n",
                ranked.len() - shown
            ));
        }
        if verbose || excluded.len() <= 4 {
            for c in &excluded {
                s.push_str(&format!(
                    "        - {} excluded: {}\n",
                    c.model,
                    c.excluded.as_deref().unwrap_or("")
                ));
            }
        } else if !excluded.is_empty() {
            for c in excluded.iter().take(3) {
                s.push_str(&format!(
                    "        - {} excluded: {}\n",
                    c.model,
                    c.excluded.as_deref().unwrap_or("")
                ));
            }
            s.push_str(&format!(
                "        … {} more excluded (use -v)\n",
                excluded.len() - 3
            ));
        }
    }
    s
}
