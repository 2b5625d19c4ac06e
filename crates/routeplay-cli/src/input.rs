//! Reading prompts and files, shared by the subcommands. Prompt sets go through the core's one
//! reader ([`routeplay_core::simulate::input`]): JSONL, CSV and plain lines, the same rules and
//! limits as the app, bad lines reported with their line numbers and the rest kept.

use routeplay_core::policy::Metadata;
use routeplay_core::simulate::input::parse_metadata_items;
use routeplay_core::simulate::{
    read_prompt_set_bytes, read_records_bytes, Limits, ParsedSet, ReadOptions, RecordSet, SetFormat,
};
use std::io::Read;
use std::path::Path;

/// Reads a whole file, or standard input when `path` is `None` or `-`, as bytes; refuses
/// more than `max` bytes (checked before reading a file, while reading standard input).
pub fn read_bytes_limited(path: Option<&Path>, max: usize) -> Result<Vec<u8>, String> {
    let too_big = |what: &str, bytes: u64| {
        Limits {
            max_bytes: max,
            ..Limits::DEFAULT
        }
        .check_size(bytes)
        .map_err(|e| format!("{what}: {e}"))
    };
    match path {
        Some(p) if p != Path::new("-") => {
            let meta =
                std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            too_big(&p.display().to_string(), meta.len())?;
            std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .take(max as u64 + 1)
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            too_big("standard input", buf.len() as u64)?;
            Ok(buf)
        }
    }
}

/// A prompt given on the command line, or read from standard input when it is absent or `-`
/// (at most [`routeplay_core::simulate::input::MAX_PROMPT_BYTES`]). Invalid UTF-8 is
/// replaced, not rejected, so every prompt can be looked at.
pub fn prompt_arg(prompt: Option<String>) -> Result<String, String> {
    match prompt {
        Some(p) if p != "-" => Ok(p),
        _ => {
            let bytes = read_bytes_limited(None, Limits::DEFAULT.max_prompt_bytes)?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

/// Options for reading a prompt set, shared by `simulate`, `diff`, `route --file`,
/// `classify`, `eval` and `test`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SetArgs {
    /// Input format: jsonl, csv or lines (detected from the first line when absent).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

impl SetArgs {
    /// The reading options.
    pub fn options(&self) -> Result<ReadOptions, String> {
        let format = match &self.format {
            None => None,
            Some(f) => Some(
                SetFormat::from_name(f)
                    .ok_or_else(|| format!("--format {f}: expected jsonl, csv or lines"))?,
            ),
        };
        Ok(ReadOptions {
            format,
            limits: Limits::DEFAULT,
        })
    }
}

/// Set-wide request metadata (`--meta`), shared by `simulate`, `diff` and `route`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct MetaArgs {
    /// Request metadata for every prompt, read in CEL as meta.KEY: a JSON object
    /// ('{"tier": "pro"}') or KEY=VALUE; repeatable, later keys win; a prompt's own
    /// "metadata" overrides it key by key.
    #[arg(long = "meta", value_name = "JSON|KEY=VALUE")]
    pub meta: Vec<String>,
}

impl MetaArgs {
    /// The metadata.
    pub fn metadata(&self) -> Result<Metadata, String> {
        parse_metadata_items(&self.meta).map_err(|e| format!("--meta: {e}"))
    }
}

fn name(path: Option<&Path>) -> String {
    match path {
        Some(p) if p != Path::new("-") => p.display().to_string(),
        _ => "<stdin>".into(),
    }
}

/// Reads a prompt set (standard input for `None` or `-`), bad lines included, without
/// printing them.
pub fn read_set(path: Option<&Path>, args: &SetArgs) -> Result<ParsedSet, String> {
    let opts = args.options()?;
    let bytes = read_bytes_limited(path, opts.limits.max_bytes)?;
    read_prompt_set_bytes(&bytes, &opts).map_err(|e| format!("{}: {e}", name(path)))
}

/// Reads a prompt set (standard input for `-`). Bad lines are printed to standard error as
/// `FILE:LINE: skipped: why`; the set is returned with them.
pub fn load_set(path: Option<&Path>, args: &SetArgs) -> Result<ParsedSet, String> {
    let set = read_set(path, args)?;
    report_bad_lines(path, &set.errors);
    Ok(set)
}

/// Reads the records of a file for a command with its own schema (test cases, training rows).
pub fn load_records(path: Option<&Path>, args: &SetArgs) -> Result<RecordSet, String> {
    let opts = args.options()?;
    let bytes = read_bytes_limited(path, opts.limits.max_bytes)?;
    read_records_bytes(&bytes, &opts).map_err(|e| format!("{}: {e}", name(path)))
}

/// Prints bad lines to standard error, `FILE:LINE: skipped: why`.
pub fn report_bad_lines(path: Option<&Path>, errors: &[routeplay_core::simulate::LineError]) {
    let n = name(path);
    for e in errors {
        eprintln!("{n}:{}: skipped: {}", e.line, e.message);
    }
}
