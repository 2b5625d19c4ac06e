//! `routeplay diff --policy A --policy B PROMPTS.jsonl`: which prompts change route between two
//! policies, with cost / quality / latency deltas, the model-to-model moves, and both
//! policies' rule coverage. Exit codes as for `simulate`.

use super::routing::{
    load_catalog, load_policies, load_prompts, secs, usd, CatalogArg, ClassifierArgs,
};
use crate::Outcome;
use routeplay_core::simulate::Simulation;
use std::path::PathBuf;

/// Arguments of `routeplay diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The two policies (files or preset names): `--policy A --policy B`.
    #[arg(long = "policy", short = 'p', required = true, num_args = 1)]
    policies: Vec<String>,
    /// JSON Lines prompt set.
    prompts: PathBuf,
    /// Use each prompt's `label` as its task type (an ideal classifier).
    #[arg(long)]
    use_labels: bool,
    #[command(flatten)]
    classifier: ClassifierArgs,
    #[command(flatten)]
    catalog: CatalogArg,
    /// How many changed prompts to list (largest cost change first); 0 for all.
    #[arg(long, default_value_t = 15)]
    limit: usize,
    /// Print the diff and both reports as JSON.
    #[arg(long)]
    json: bool,
}

/// Diffs the two policies.
pub fn run(args: Args) -> Result<Outcome, String> {
    if args.policies.len() != 2 {
        return Err(format!(
            "diff needs exactly two --policy options, got {}",
            args.policies.len()
        ));
    }
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let Some(policies) = load_policies(&args.policies, &catalog)? else {
        return Ok(Outcome::Problems);
    };
    let source = args.classifier.source()?;
    let (prompts, bad) = load_prompts(&args.prompts, &source, args.use_labels)?;
    let mut sim = Simulation::new(policies, catalog);
    for p in &prompts {
        sim.add(&p.id, &p.facts, p.outcomes.as_ref());
    }
    let diff = sim.diff(0, 1).ok_or("internal: diff of missing policies")?;
    let report = sim.report();
    if args.json {
        let v = serde_json::json!({ "diff": diff, "report": report, "bad_lines": bad });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(if bad > 0 {
            Outcome::Problems
        } else {
            Outcome::Ok
        });
    }
    println!(
        "{} → {}: {} of {} prompts change model ({:.1}%)",
        diff.a,
        diff.b,
        diff.changed,
        diff.prompts,
        if diff.prompts > 0 {
            diff.changed as f64 * 100.0 / diff.prompts as f64
        } else {
            0.0
        }
    );
    println!(
        "  total cost {:+.4} USD · mean quality {:+.1} · mean latency {:+.2} s",
        diff.delta_total_cost_usd,
        diff.delta_mean_quality,
        diff.delta_mean_latency_ms / 1000.0
    );
    println!("  moves:");
    for t in diff.transitions.iter().take(12) {
        println!("    {:>4}  {} → {}", t.count, t.from, t.to);
    }
    if diff.transitions.len() > 12 {
        println!("    … {} more", diff.transitions.len() - 12);
    }
    let mut changes = diff.changes.clone();
    changes.sort_by(|a, b| {
        b.delta_cost_usd
            .abs()
            .partial_cmp(&a.delta_cost_usd.abs())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let n = if args.limit == 0 {
        changes.len()
    } else {
        args.limit.min(changes.len())
    };
    if n > 0 {
        println!("  changed prompts (largest cost change first):");
        for c in &changes[..n] {
            println!(
                "    {:<8} {:<16} {} → {}  cost {}{} · quality {:+.0} · latency {:+.2} s",
                c.id,
                c.task,
                c.from_model.as_deref().unwrap_or("(none)"),
                c.to_model.as_deref().unwrap_or("(none)"),
                if c.delta_cost_usd >= 0.0 { "+" } else { "-" },
                usd(c.delta_cost_usd.abs()),
                c.delta_quality,
                c.delta_latency_ms / 1000.0
            );
        }
        if changes.len() > n {
            println!("    … {} more (--limit 0 for all)", changes.len() - n);
        }
    }
    println!();
    for p in &report.policies {
        print!("{}", super::simulate::render_policy(p));
    }
    let _ = secs;
    if bad > 0 {
        println!(
            "{bad} bad input line{} skipped (see above)",
            if bad == 1 { "" } else { "s" }
        );
    }
    Ok(if bad > 0 {
        Outcome::Problems
    } else {
        Outcome::Ok
    })
}
