//! `routeplay check POLICY...`: parse and check policies against the catalog.
//!
//! Prints each diagnostic as `FILE:LINE:COL: error[code]: message` with the source line, a
//! caret and a help line. Exit 0 when no policy has an error (warnings allowed), 1 when one
//! has, 2 when a file cannot be read. `--json` prints the diagnostics as JSON instead.

use crate::output::stdout;
use crate::policies::{load_catalog, print_diagnostics, read_policy, CatalogArg};
use crate::{CmdResult, Outcome};
use routeplay_core::policy::Policy;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `routeplay check`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy files (TOML), or preset names (cost-saver, quality-first, ...).
    #[arg(required = true)]
    policies: Vec<String>,
    #[command(flatten)]
    catalog: CatalogArg,
    /// Print diagnostics as JSON (one object per policy) on standard output.
    #[arg(long)]
    json: bool,
    /// Check `task == "..."` and `scores["..."]` against this classifier's labels (a model
    /// trained on your own labels) instead of the shipped ones.
    #[arg(long, value_name = "PATH")]
    model: Option<PathBuf>,
}

/// Checks every policy.
pub fn run(args: Args) -> CmdResult {
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    let model = match &args.model {
        Some(path) => Some(super::classify::load_model(Some(path))?),
        None => None,
    };
    let labels = model
        .as_ref()
        .and_then(|m| crate::policies::custom_labels(m.labels()));
    let mut out = stdout();
    let mut failed = false;
    for spec in &args.policies {
        let src = read_policy(spec)?;
        let (rules, diags) = match Policy::parse_with_labels(&src.text, labels) {
            Ok(p) => (Some(p.rules.len()), p.check(&catalog)),
            Err(d) => (None, d),
        };
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags.len() - errors;
        failed |= errors > 0;
        if args.json {
            let v = serde_json::json!({
                "policy": src.name, "ok": errors == 0, "rules": rules,
                "errors": errors, "warnings": warnings, "diagnostics": diags,
            });
            writeln!(out, "{v}")?;
        } else {
            print_diagnostics(&src, &diags);
            if errors == 0 {
                writeln!(
                    out,
                    "{}: ok ({} rules, {warnings} warning{})",
                    src.name,
                    rules.unwrap_or(0),
                    if warnings == 1 { "" } else { "s" }
                )?;
            } else {
                writeln!(
                    out,
                    "{}: {errors} error{}, {warnings} warning{}",
                    src.name,
                    if errors == 1 { "" } else { "s" },
                    if warnings == 1 { "" } else { "s" }
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::problems_if(failed))
}
