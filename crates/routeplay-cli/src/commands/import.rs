//! `routeplay import --from portkey|litellm FILE`: the config as a Routeplay policy (TOML) on
//! standard output, the report on standard error. `--name` names the policy (default: the
//! file's stem). Exit 0 when every rule is exact, 1 when one is approximate or dropped (the
//! policy is still printed), 2 on usage or I/O errors or a config that cannot be read.

use crate::output::stdout;
use crate::policies::{load_catalog, CatalogArg};
use crate::{input, CmdResult, Outcome};
use routeplay_core::import::{self, Source};
use routeplay_core::simulate::Limits;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `routeplay import`.
#[derive(clap::Args)]
pub struct Args {
    /// Source format: portkey or litellm.
    #[arg(long = "from", value_name = "FORMAT")]
    from: String,
    /// The config file (`-`: standard input).
    file: PathBuf,
    /// The policy's name (default: the file's stem).
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    catalog: CatalogArg,
}

/// Imports the config.
pub fn run(args: Args) -> CmdResult {
    let source = Source::parse(&args.from)
        .ok_or_else(|| format!("--from {}: expected `portkey` or `litellm`", args.from))?;
    let catalog = load_catalog(args.catalog.catalog.as_deref())?;
    // A gateway config is small; the prompt-set limit is a generous bound.
    let bytes = input::read_bytes_limited(Some(&args.file), Limits::DEFAULT.max_bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let name = args.name.clone().unwrap_or_else(|| {
        args.file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| s != "-")
            .unwrap_or_else(|| "imported".into())
    });
    let imported = import::import(source, &text, &name, &catalog)
        .map_err(|e| format!("{}: {e}", args.file.display()))?;
    let mut out = stdout();
    out.write_all(imported.policy.as_bytes())?;
    out.flush()?;
    eprint!("{}", imported.render());
    Ok(
        if imported.rules.iter().all(|r| r.fidelity.kind() == "exact") {
            Outcome::Ok
        } else {
            Outcome::Problems
        },
    )
}
