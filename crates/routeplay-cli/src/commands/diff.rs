//! `routeplay diff --policy A --policy B PROMPTS`: which prompts change route between two
//! policies, with cost / quality / latency deltas, the model-to-model moves, and both
//! policies' rule coverage. PROMPTS, `--meta` and the exit codes are as for `simulate`;
//! `--export FILE` writes the prompts that change (the app's "only prompts that change"
//! filter) in the app's export schema.

use crate::output::{stdout, write_export, ExportArgs};
use crate::runs::SetRunArgs;
use crate::{CmdResult, Outcome};
use routeplay_core::format::signed_usd;
use routeplay_core::simulate::RowFilter;
use std::io::Write;

/// Arguments of `routeplay diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The two policies (files or preset names): `--policy A --policy B`.
    #[arg(long = "policy", short = 'p', required = true, num_args = 1)]
    policies: Vec<String>,
    #[command(flatten)]
    run: SetRunArgs,
    #[command(flatten)]
    export: ExportArgs,
    /// How many changed prompts to list (largest cost change first); 0 for all.
    #[arg(long, default_value_t = 15)]
    limit: usize,
    /// Print the diff and both reports as JSON.
    #[arg(long)]
    json: bool,
}

/// Diffs the two policies.
pub fn run(args: Args) -> CmdResult {
    if args.policies.len() != 2 {
        return Err(format!(
            "diff needs exactly two --policy options, got {}",
            args.policies.len()
        )
        .into());
    }
    let export = args.export.target()?;
    let Some((runner, bad)) = args.run.run(&args.policies)? else {
        return Ok(Outcome::Problems);
    };
    let diff = runner
        .diff(0, 1)
        .ok_or("internal: diff of missing policies")?;
    let report = runner.report();
    if let Some((path, format)) = export {
        let rows = runner.rows(RowFilter::Changed { a: 0, b: 1 });
        write_export(&runner, &rows, path, format)?;
    }
    if export.is_some_and(|(path, _)| path == std::path::Path::new("-")) {
        // Standard output holds the export; the report would spoil it.
        return Ok(Outcome::problems_if(bad > 0));
    }
    let mut out = stdout();
    if args.json {
        let v = serde_json::json!({ "diff": diff, "report": report, "bad_lines": bad });
        serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::from)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(Outcome::problems_if(bad > 0));
    }
    writeln!(
        out,
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
    )?;
    writeln!(
        out,
        "  total cost {} · mean quality {:+.1} · mean latency {:+.2} s",
        signed_usd(diff.delta_total_cost_usd),
        diff.delta_mean_quality,
        diff.delta_mean_latency_ms / 1000.0
    )?;
    writeln!(out, "  moves:")?;
    for t in diff.transitions.iter().take(12) {
        writeln!(out, "    {:>4}  {} → {}", t.count, t.from, t.to)?;
    }
    if diff.transitions.len() > 12 {
        writeln!(out, "    … {} more", diff.transitions.len() - 12)?;
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
        writeln!(out, "  changed prompts (largest cost change first):")?;
        for c in &changes[..n] {
            writeln!(
                out,
                "    {:<8} {:<16} {} → {}  cost {} · quality {:+.0} · latency {:+.2} s",
                c.id,
                c.task,
                c.from_model.as_deref().unwrap_or("(none)"),
                c.to_model.as_deref().unwrap_or("(none)"),
                signed_usd(c.delta_cost_usd),
                c.delta_quality,
                c.delta_latency_ms / 1000.0
            )?;
        }
        if changes.len() > n {
            writeln!(out, "    … {} more (--limit 0 for all)", changes.len() - n)?;
        }
    }
    writeln!(out)?;
    for p in &report.policies {
        write!(out, "{}", super::simulate::render_policy(p))?;
    }
    if bad > 0 {
        writeln!(
            out,
            "{bad} bad input line{} skipped (see above)",
            if bad == 1 { "" } else { "s" }
        )?;
    }
    out.flush()?;
    Ok(Outcome::problems_if(bad > 0))
}
