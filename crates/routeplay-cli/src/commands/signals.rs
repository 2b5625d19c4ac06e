//! `routeplay signals [PROMPT]`: the cheap signals of one prompt as JSON.

use crate::output::stdout;
use crate::{input, CmdResult, Outcome};
use routeplay_core::signals::CheapSignals;
use std::io::Write;

/// Arguments of `routeplay signals`.
#[derive(clap::Args)]
pub struct Args {
    /// The prompt; read from standard input when absent or `-`.
    prompt: Option<String>,
    /// Print on one line instead of pretty-printed.
    #[arg(long)]
    compact: bool,
}

/// Prints the signals of the prompt.
pub fn run(args: Args) -> CmdResult {
    let prompt = input::prompt_arg(args.prompt)?;
    let signals = CheapSignals::compute(&prompt);
    let json = if args.compact {
        serde_json::to_string(&signals)
    } else {
        serde_json::to_string_pretty(&signals)
    }
    .map_err(|e| e.to_string())?;
    let mut out = stdout();
    writeln!(out, "{json}")?;
    out.flush()?;
    Ok(Outcome::Ok)
}
