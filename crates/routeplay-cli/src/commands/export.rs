//! `routeplay export --to TARGET POLICY [--base-url URL] [--report FILE] [--carry MODE]`: the
//! policy as a gateway config on standard output, the human fidelity report on standard error,
//! the JSON report to FILE. Exit 0 when every rule is exact, 1 when one is approximate or
//! dropped (the config is still printed), 2 on usage or I/O errors.

use crate::output::stdout;
use crate::policies::{load_catalog, load_policy, CatalogArg};
use crate::{CmdResult, Outcome};
use routeplay_core::export::{self, Carry, Options, Target};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `routeplay export`.
#[derive(clap::Args)]
pub struct Args {
    /// Target: portkey, litellm, vllm-sr, bifrost or openrouter.
    #[arg(long = "to", value_name = "TARGET")]
    to: String,
    /// Policy file or preset name.
    policy: String,
    /// Point every model at this OpenAI-compatible base URL (a proxy, or a local server).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Write the fidelity report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// How conditions are carried: `translate` (the gateway evaluates them) or `route` (the
    /// client sends metadata.route). Default: translate where the target can.
    #[arg(long, value_name = "MODE")]
    carry: Option<String>,
    #[command(flatten)]
    catalog: CatalogArg,
}

/// Exports the policy.
pub fn run(args: Args) -> CmdResult {
    let target = Target::parse(&args.to).ok_or_else(|| {
        format!(
            "--to {}: unknown target; targets: {}",
            args.to,
            Target::ALL.map(|t| t.name()).join(", ")
        )
    })?;
    let carry = match &args.carry {
        None => None,
        Some(c) => Some(
            Carry::parse(c)
                .ok_or_else(|| format!("--carry {c}: expected `translate` or `route`"))?,
        ),
    };
    if let Some(u) = &args.base_url {
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            return Err(format!("--base-url {u}: expected an http:// or https:// URL").into());
        }
    }
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let Some(policy) = load_policy(&args.policy, &catalog, None)? else {
        return Ok(Outcome::Problems);
    };
    let opts = Options {
        base_url: args.base_url.clone(),
        carry,
    };
    let e = export::export(&policy, &catalog, target, &opts)?;
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&e.report).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n")
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    let mut out = stdout();
    out.write_all(e.config.as_bytes())?;
    out.flush()?;
    eprint!("{}", e.report.render());
    let (_, approx, dropped) = e.report.counts();
    Ok(if approx + dropped == 0 {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
}
