//! `routeplay audit --house MAKER[,MAKER…] --policy POLICY [--reference POLICY…] PROMPTS`:
//! a neutrality audit — how much traffic the policy steers to the house's own models compared
//! with its neutral counterfactual (and any reference policy), what it costs and what quality
//! it gives up (see docs/audit.md).
//!
//! Prints the headline, the measures per reference with bootstrap intervals, the steered
//! prompts by task, the first steered prompts with the one-line difference, and what the
//! neutral counterfactual removed. `--json` prints the same as data (`--traces` adds both
//! decisions of each steered prompt); `--card markdown|json` prints the audit card instead;
//! `--neutral` prints the neutral policy's TOML. Exit 0; 1 when a policy has errors or input
//! lines were bad (reported, the rest audited); 2 on usage or I/O errors (unknown house name,
//! missing file).

use crate::input::{load_set, MetaArgs, SetArgs};
use crate::output::stdout;
use crate::policies::{
    load_catalog, load_policies, load_policy, task_labels, CatalogArg, ClassifierArgs,
};
use crate::{CmdResult, Outcome};
use routeplay_core::audit::{
    percent, AuditOptions, AuditReport, AuditRun, House, Measures, ReferenceKind, Stat,
};
use routeplay_core::format::{plural, thousands, usd};
use routeplay_core::simulate::RunConfig;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `routeplay audit`.
#[derive(clap::Args)]
pub struct Args {
    /// The house: catalog makers and/or providers, comma-separated (`google`,
    /// `amazon,bedrock`; `maker:NAME` / `provider:NAME` when a name is both).
    #[arg(long, value_name = "MAKER[,MAKER…]")]
    house: String,
    /// The policy to audit: a file or a preset name.
    #[arg(long = "policy", short = 'p')]
    policy: String,
    /// A reference policy to compare with besides the neutral counterfactual (e.g.
    /// `balanced`); repeatable.
    #[arg(long = "reference", short = 'r', value_name = "POLICY")]
    references: Vec<String>,
    /// Prompt set: JSONL ({"text", "id"?, "label"?, "metadata"?, "outcomes"?}), CSV with a
    /// text column, or one prompt per line; `-` for standard input.
    prompts: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// With --json, include both full decisions (traces) of each steered prompt.
    #[arg(long, requires = "json")]
    traces: bool,
    /// Print the audit card instead of the report: `markdown` or `json`.
    #[arg(long, value_name = "FORMAT", conflicts_with = "json")]
    card: Option<String>,
    /// Print the neutral counterfactual's TOML (what runs) and stop.
    #[arg(long, conflicts_with_all = ["json", "card"])]
    neutral: bool,
    /// Seed of the bootstrap intervals (the same seed gives the same intervals).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Bootstrap resamples (0: no intervals).
    #[arg(long, default_value_t = 1000)]
    resamples: usize,
    /// How many steered prompts the text report lists per reference.
    #[arg(long, default_value_t = 10, value_name = "N")]
    limit: usize,
    /// Use each prompt's `label` as its task type (an ideal classifier).
    #[arg(long)]
    use_labels: bool,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    meta: MetaArgs,
    #[command(flatten)]
    classifier: ClassifierArgs,
    #[command(flatten)]
    catalog: CatalogArg,
}

/// Runs the audit.
pub fn run(args: Args) -> CmdResult {
    let card = match args.card.as_deref() {
        None => None,
        Some("markdown" | "md") => Some(true),
        Some("json") => Some(false),
        Some(other) => {
            return Err(format!("--card {other}: expected `markdown` or `json`").into());
        }
    };
    if args.resamples > 100_000 {
        return Err("--resamples: at most 100,000".into());
    }
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let house = House::parse(&args.house, &catalog).map_err(|e| format!("--house: {e}"))?;
    let tasks = args.classifier.source(args.use_labels)?;
    let labels = task_labels(&tasks);
    let Some(policy) = load_policy(&args.policy, &catalog, labels)? else {
        return Ok(Outcome::Problems);
    };
    let Some(references) = load_policies(&args.references, &catalog, labels)? else {
        return Ok(Outcome::Problems);
    };
    let metadata = args.meta.metadata()?;
    let options = AuditOptions {
        seed: args.seed,
        resamples: args.resamples,
        // Every steered prompt gets its difference line from both full decisions, except in
        // the text report, which lists only `--limit` of them.
        explain_limit: if args.json || card.is_some() {
            usize::MAX
        } else {
            args.limit.max(routeplay_core::audit::card::CARD_EXAMPLES)
        },
        ..AuditOptions::default()
    };
    let mut out = stdout();
    if args.neutral {
        // The neutral policy needs no prompts.
        let n = routeplay_core::audit::neutral(&policy, &house, &catalog).map_err(|e| {
            format!(
                "the neutral counterfactual did not parse back: {}",
                e.diagnostics
                    .iter()
                    .map(|d| d.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        write!(out, "{}", n.toml)?;
        out.flush()?;
        return Ok(Outcome::Ok);
    }
    let set = load_set(Some(&args.prompts), &args.set)?;
    let bad = set.errors.len();
    let mut run = AuditRun::new(
        Arc::new(set),
        policy,
        house,
        references,
        catalog,
        RunConfig { metadata, tasks },
        options,
    )
    .map_err(|e| e.message)?;
    run.run_to_end();
    let mut report = run.report();
    if args.json && !args.traces {
        for c in &mut report.comparisons {
            for s in &mut c.steered_prompts {
                s.policy_decision = None;
                s.reference_decision = None;
            }
        }
    }
    match card {
        Some(true) => write!(out, "{}", report.card_markdown())?,
        Some(false) => writeln!(out, "{}", report.card_json())?,
        None if args.json => {
            let v = serde_json::json!({ "audit": report, "bad_lines": bad });
            serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        None => {
            write!(out, "{}", render(&report, args.limit))?;
            if bad > 0 {
                writeln!(out, "{} skipped (see above)", plural(bad, "bad input line"))?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::problems_if(bad > 0))
}

fn ci(s: &Stat, f: impl Fn(f64) -> String) -> String {
    if s.low == s.high {
        f(s.value)
    } else {
        format!("{} [{}, {}]", f(s.value), f(s.low), f(s.high))
    }
}

fn measures(m: &Measures, policy: &str, house: &str) -> String {
    let mut s = String::new();
    let line = |s: &mut String, k: &str, v: String| s.push_str(&format!("  {k:<34} {v}\n"));
    line(
        &mut s,
        &format!("{house} share, {policy}"),
        format!(
            "{} of prompts ({} of {}), {} of spend ({} of {})",
            ci(&m.policy_house.of_prompts, percent),
            m.policy_house.prompts,
            m.policy_house.routed,
            ci(&m.policy_house.of_spend, percent),
            usd(m.policy_house.spend_usd),
            usd(m.policy_house.total_usd)
        ),
    );
    line(
        &mut s,
        &format!("{house} share, reference"),
        format!(
            "{} of prompts ({} of {}), {} of spend ({} of {})",
            ci(&m.reference_house.of_prompts, percent),
            m.reference_house.prompts,
            m.reference_house.routed,
            ci(&m.reference_house.of_spend, percent),
            usd(m.reference_house.spend_usd),
            usd(m.reference_house.total_usd)
        ),
    );
    line(
        &mut s,
        "steered",
        format!(
            "{} ({} of prompts)",
            plural(m.steered, "prompt"),
            ci(&m.steered_share, percent)
        ),
    );
    line(
        &mut s,
        "dominated (as good, no dearer)",
        format!("{} of the steered", thousands(m.dominated)),
    );
    line(
        &mut s,
        "premium on the steered",
        match &m.premium_pct {
            Some(p) => format!(
                "{} ({} vs {}): {}",
                usd(m.premium_usd),
                usd(m.steered_policy_usd),
                usd(m.steered_reference_usd),
                ci(p, |x| format!("{:+.1}%", x * 100.0))
            ),
            None => usd(m.premium_usd),
        },
    );
    line(
        &mut s,
        "quality given up (catalog points)",
        m.quality_given_up
            .as_ref()
            .map(|q| ci(q, |x| format!("{x:.1}")))
            .unwrap_or_else(|| "—".into()),
    );
    if let Some(r) = &m.realised {
        line(
            &mut s,
            "realised quality given up",
            match &r.quality_given_up {
                Some(q) => format!(
                    "{} over {} ({} without outcomes for both models); mean realised {:.1} vs {:.1}",
                    ci(q, |x| format!("{x:.1}")),
                    plural(r.steered_with_outcomes, "steered prompt"),
                    r.steered_missing,
                    r.policy_mean,
                    r.reference_mean
                ),
                None => format!(
                    "— ({} without outcomes for both models); mean realised {:.1} vs {:.1}",
                    plural(r.steered_missing, "steered prompt"),
                    r.policy_mean,
                    r.reference_mean
                ),
            },
        );
    }
    s
}

/// The text report.
pub fn render(r: &AuditReport, limit: usize) -> String {
    let mut s = format!(
        "Neutrality audit of {} for {} over {} (seed {}, {} resamples, {:.0}% intervals)\n\n{}\n",
        r.policy,
        r.house_label,
        plural(r.prompts, "prompt"),
        r.options.seed,
        thousands(r.options.resamples),
        r.options.level * 100.0,
        r.headline
    );
    if r.outcome_prompts > 0 {
        s.push_str(&format!(
            "{} carry outcomes",
            plural(r.outcome_prompts, "prompt")
        ));
        if r.unknown_outcome_models.is_empty() {
            s.push('\n');
        } else {
            s.push_str(&format!(
                "; outcomes for models not in the catalog are ignored: {}\n",
                r.unknown_outcome_models.join(", ")
            ));
        }
    }
    for c in &r.comparisons {
        let title = match c.kind {
            ReferenceKind::Neutral => format!("vs. the neutral counterfactual `{}`", c.reference),
            ReferenceKind::Picked => format!("vs. `{}`", c.reference),
        };
        s.push_str(&format!("\n== {title}\n"));
        if c.kind == ReferenceKind::Picked {
            s.push_str(&format!("  {}\n", c.headline));
        }
        s.push_str(&measures(&c.overall, &r.policy, &r.house_label));
        s.push_str("  by task:\n");
        s.push_str(&format!(
            "    {:<17} {:>7} {:>11} {:>11} {:>8} {:>9} {:>11} {:>10}\n",
            "task",
            "prompts",
            "house pol.",
            "house ref.",
            "steered",
            "dominated",
            "premium",
            "qual. lost"
        ));
        for t in &c.by_task {
            let m = &t.measures;
            s.push_str(&format!(
                "    {:<17} {:>7} {:>11} {:>11} {:>8} {:>9} {:>11} {:>10}\n",
                t.task,
                m.prompts,
                percent(m.policy_house.of_prompts.value),
                percent(m.reference_house.of_prompts.value),
                m.steered,
                m.dominated,
                usd(m.premium_usd),
                m.quality_given_up
                    .map(|q| format!("{:.1}", q.value))
                    .unwrap_or_else(|| "—".into())
            ));
        }
        s.push_str(
            "    (qual. lost: catalog points below the reference's picks on the steered prompts; negative: the house rated higher)\n",
        );
        if !c.steered_prompts.is_empty() && limit > 0 {
            let shown = c.steered_prompts.len().min(limit);
            s.push_str(&format!(
                "  steered prompts ({shown} of {}):\n",
                c.steered_prompts.len()
            ));
            for p in c.steered_prompts.iter().take(limit) {
                s.push_str(&format!(
                    "    {} ({}): {} instead of {}, premium {}, quality given up {:.1}{}\n      {}\n",
                    p.id,
                    p.task,
                    p.policy.model,
                    p.reference.model,
                    usd(p.premium_usd),
                    p.quality_given_up,
                    if p.dominated { ", dominated" } else { "" },
                    p.difference
                ));
            }
        }
    }
    s.push_str(&format!(
        "\n== the neutral counterfactual `{}`\n",
        r.neutral.name
    ));
    if r.neutral.removed.is_empty() {
        s.push_str(&format!(
            "  nothing in {} names {}: it is the policy itself\n",
            r.policy, r.house_label
        ));
    }
    for x in &r.neutral.removed {
        s.push_str(&format!("  removed: {}\n", x.what));
    }
    for k in &r.neutral.kept {
        s.push_str(&format!("  kept: {k}\n"));
    }
    s.push_str("  (its TOML: routeplay audit --neutral …)\n");
    s
}
