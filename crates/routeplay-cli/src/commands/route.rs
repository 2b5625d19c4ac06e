//! `routeplay route --policy P... [PROMPT]`: the decision of each policy for one prompt, with
//! its trace (every rule in order, matched or not and why; the candidates ranked or excluded).
//!
//! Without a classifier the policies see `task == "unknown"`; `--task` and `--complexity` set
//! them by hand. `--json` prints the decisions as JSON. Exit 0 when every policy routed the
//! prompt, 1 when one had errors or no eligible model, 2 on usage or I/O errors.

use super::routing::{
    load_catalog, load_policies, parse_meta, secs, usd, CatalogArg, ClassifierArgs,
};
use crate::{input, Outcome};
use routeplay_core::policy::{Decision, Facts, RuleOutcome};

/// Arguments of `routeplay route`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy file or preset name; repeat to compare several.
    #[arg(long = "policy", short = 'p', required = true)]
    policies: Vec<String>,
    /// The prompt; read from standard input when absent or `-`.
    prompt: Option<String>,
    /// Request metadata, KEY=VALUE (repeatable), read in CEL as meta.KEY.
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    meta: Vec<String>,
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
}

/// Routes the prompt under each policy.
pub fn run(args: Args) -> Result<Outcome, String> {
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let Some(policies) = load_policies(&args.policies, &catalog)? else {
        return Ok(Outcome::Problems);
    };
    let prompt = input::prompt_arg(args.prompt)?;
    let meta = parse_meta(&args.meta)?;
    let source = args.classifier.source()?;
    let signals = source.signals(&prompt, None);
    let facts = Facts::new(&prompt, &signals, &meta);
    let decisions: Vec<Decision> = policies
        .iter()
        .map(|p| p.decide(&facts, &catalog))
        .collect();
    if args.json {
        let out = serde_json::to_string_pretty(&decisions).map_err(|e| e.to_string())?;
        println!("{out}");
    } else {
        for (i, d) in decisions.iter().enumerate() {
            if i > 0 {
                println!();
            }
            print!("{}", render(d, args.verbose));
        }
    }
    Ok(if decisions.iter().all(|d| d.model.is_some()) {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
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
