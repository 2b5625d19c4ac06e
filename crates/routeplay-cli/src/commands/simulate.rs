//! `routeplay simulate --policy P... PROMPTS`: every prompt under every policy.
//!
//! PROMPTS is JSONL, CSV (a `text` column) or plain lines, read by the core's one reader, as the
//! app reads it (`-` for standard input). Prints per policy: total and mean estimated cost, mean
//! quality, latency percentiles, the share per model / provider / maker, and rule coverage (how
//! often each rule chose, the rules that never did). With outcomes in the prompt set, also the
//! realized score against the oracle and the best single model. `--json` prints the report
//! (and, with `--decisions`, every prompt's decisions); `--export FILE` writes every prompt's
//! decisions in the app's export schema. `--meta` gives every prompt set-wide metadata. Bad
//! input lines are reported with their line numbers and skipped; exit 1 then, or when a policy
//! has errors; 2 on usage or I/O errors.

use crate::output::{secs, stdout, write_export, ExportArgs};
use crate::runs::SetRunArgs;
use crate::{CmdResult, Outcome};
use routeplay_core::conversation::{simulate_conversations, CacheModel, ConversationReport};
use routeplay_core::format::{plural, plural_with, usd};
use routeplay_core::simulate::{PolicyReport, RowFilter, SimulationReport};
use std::io::Write;

/// Arguments of `routeplay simulate`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy file or preset name; repeat for several.
    #[arg(long = "policy", short = 'p', required = true)]
    policies: Vec<String>,
    #[command(flatten)]
    run: SetRunArgs,
    #[command(flatten)]
    export: ExportArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// With --json, include every prompt's decisions.
    #[arg(long)]
    decisions: bool,
    /// Route every turn of each conversation (the default when the set holds a conversation
    /// with more than one turn): per-conversation cost, model switches, cache misses,
    /// agent-step routing. `--no-turns` routes each entry once, as its last request.
    #[arg(long, overrides_with = "no_turns")]
    turns: bool,
    /// Route each entry once, as its last request (see --turns).
    #[arg(long)]
    no_turns: bool,
    /// The shortest prefix the prompt cache holds, in tokens (default 1024, as OpenAI and
    /// Anthropic); 0 caches every prefix.
    #[arg(long, value_name = "TOKENS")]
    min_cached_prefix: Option<f64>,
}

/// Runs the simulation.
pub fn run(args: Args) -> CmdResult {
    let export = args.export.target()?;
    let Some((runner, bad)) = args.run.run(&args.policies)? else {
        return Ok(Outcome::Problems);
    };
    let report = runner.report();
    let many_turns = runner.set().prompts.iter().any(|(_, r)| {
        r.conversation
            .as_ref()
            .is_some_and(|c| c.turn_ends().len() > 1)
    });
    let conversations = (args.turns || (many_turns && !args.no_turns)).then(|| {
        let mut cache = CacheModel::default();
        if let Some(t) = args.min_cached_prefix {
            cache.min_prefix_tokens = t.max(0.0);
        }
        simulate_conversations(
            runner.set().prompts.iter().map(|(_, r)| r),
            runner.simulation().policies(),
            runner.simulation().catalog(),
            runner.config(),
            cache,
        )
    });
    if let Some((path, format)) = export {
        write_export(&runner, &runner.rows(RowFilter::All), path, format)?;
    }
    if export.is_some_and(|(path, _)| path == std::path::Path::new("-")) {
        // Standard output holds the export; the report would spoil it.
        return Ok(Outcome::problems_if(bad > 0));
    }
    let mut out = stdout();
    if args.json {
        let v = if args.decisions {
            serde_json::json!({ "report": report, "conversations": conversations, "decisions": runner.simulation().all_decisions(), "bad_lines": bad })
        } else {
            serde_json::json!({ "report": report, "conversations": conversations, "bad_lines": bad })
        };
        serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render(&report))?;
        if let Some(c) = &conversations {
            write!(out, "{}", render_conversations(c))?;
        }
        if bad > 0 {
            writeln!(
                out,
                "{bad} bad input line{} skipped (see above)",
                if bad == 1 { "" } else { "s" }
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::problems_if(bad > 0))
}

fn shares(list: &[routeplay_core::simulate::Share], n: usize) -> String {
    let mut parts: Vec<String> = list
        .iter()
        .take(n)
        .map(|s| format!("{} {:.0}%", s.name, s.share * 100.0))
        .collect();
    if list.len() > n {
        parts.push(format!("+{} more", list.len() - n));
    }
    parts.join(", ")
}

/// One policy's section of the report.
pub fn render_policy(p: &PolicyReport) -> String {
    let mut s = format!("== {} ({} prompts", p.policy, p.prompts);
    if p.unrouted > 0 {
        s.push_str(&format!(", {} unrouted", p.unrouted));
    }
    s.push_str(")\n");
    s.push_str(&format!(
        "  cost {} total, {} per prompt · mean quality {:.1} · latency p50 {} p90 {} p99 {}\n",
        usd(p.total_cost_usd),
        usd(p.mean_cost_usd),
        p.mean_quality,
        secs(p.latency_p50_ms),
        secs(p.latency_p90_ms),
        secs(p.latency_p99_ms)
    ));
    s.push_str(&format!("  models: {}\n", shares(&p.by_model, 6)));
    s.push_str(&format!("  providers: {}\n", shares(&p.by_provider, 8)));
    s.push_str(&format!("  makers: {}\n", shares(&p.by_maker, 8)));
    s.push_str("  rule coverage:\n");
    for c in &p.coverage {
        s.push_str(&format!(
            "    {:>5} {:>5.1}%  {} (line {})\n",
            c.fired,
            c.share * 100.0,
            c.rule,
            c.line
        ));
    }
    if !p.never_fired.is_empty() {
        s.push_str(&format!("  never fired: {}\n", p.never_fired.join(", ")));
    }
    if let Some(r) = &p.realized {
        s.push_str(&format!(
            "  realized: mean score {:.1} over {} prompts ({} without an outcome for the chosen model), cost {}\n",
            r.mean_score,
            r.prompts,
            r.missing,
            usd(r.cost_usd)
        ));
    }
    s
}

/// The whole report as text.
pub fn render(r: &SimulationReport) -> String {
    let mut s = String::new();
    for p in &r.policies {
        s.push_str(&render_policy(p));
    }
    if let Some(o) = &r.outcomes {
        s.push_str(&format!(
            "== outcomes ({} prompts): oracle mean {:.1} for {}; best single model {} mean {:.1} for {}\n",
            o.prompts,
            o.oracle_mean_score,
            usd(o.oracle_cost_usd),
            o.best_single_model.as_deref().unwrap_or("-"),
            o.best_single_mean_score,
            usd(o.best_single_cost_usd)
        ));
    }
    s
}

/// The turn-by-turn section: per policy, the conversations' cost with the prompt cache, model
/// switches, the cost of the cache lost to them, and where agent steps went.
pub fn render_conversations(r: &ConversationReport) -> String {
    let mut s = format!(
        "== every turn: {}, {} (cached prefix from {} tokens)\n",
        plural(r.conversations, "conversation"),
        plural(r.turns, "turn"),
        r.cache.min_prefix_tokens
    );
    for p in &r.policies {
        s.push_str(&format!(
            "-- {}{}\n",
            p.policy,
            if p.sticky { " (sticky)" } else { "" }
        ));
        s.push_str(&format!(
            "  cost {} total, {} per conversation · {} in {} · cache-miss cost {} · {} of {} input tokens cached\n",
            usd(p.total_cost_usd),
            usd(p.mean_cost_per_conversation_usd),
            plural_with(p.switches, "model switch", "model switches"),
            plural(p.conversations_switched, "conversation"),
            usd(p.cache_miss_usd),
            routeplay_core::format::thousands(p.cached_tokens.round() as usize),
            routeplay_core::format::thousands(p.input_tokens.round() as usize),
        ));
        if p.sticky {
            s.push_str(&format!(
                "  sticky: {} kept on the conversation's model, {}\n",
                plural(p.kept_turns, "turn"),
                plural(p.escalations, "escalation")
            ));
        }
        if p.unrouted_turns > 0 {
            s.push_str(&format!(
                "  {} unrouted\n",
                plural(p.unrouted_turns, "turn")
            ));
        }
        let models: Vec<String> = p
            .by_model
            .iter()
            .take(6)
            .map(|m| format!("{} {}", m.model, m.turns))
            .collect();
        s.push_str(&format!("  turns per model: {}\n", models.join(", ")));
        let agent: Vec<String> = p
            .agent_step_models
            .iter()
            .map(|m| format!("{} {}", m.model, m.turns))
            .collect();
        s.push_str(&format!(
            "  {}: {}\n",
            plural(p.agent_steps, "agent step"),
            if agent.is_empty() {
                "-".to_string()
            } else {
                agent.join(", ")
            }
        ));
    }
    s
}
