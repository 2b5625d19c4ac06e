//! Writing results: standard output (buffered; every write returns its error so a closed pipe
//! becomes [`crate::Failure::ClosedPipe`] instead of a panic) and export files.
//!
//! Subcommands never use `print!`/`println!`, which panic when the reader has gone; they write
//! to [`stdout`] with `writeln!(out, …)?` and finish with `out.flush()?`.

use crate::Failure;
use routeplay_core::simulate::{ExportFormat, Runner};
use std::io::{BufWriter, StdoutLock, Write};
use std::path::{Path, PathBuf};

/// Standard output, locked and buffered.
pub fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::new(std::io::stdout().lock())
}

/// `--export` options of `simulate` and `diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct ExportArgs {
    /// Write the prompts' decisions to this file in the app's export schema (JSONL or CSV, by
    /// the extension unless --export-format says); `-` writes them to standard output instead
    /// of the report. In CSV, a cell starting with =, +, - or @ gets a leading ' (spreadsheets
    /// would run it as a formula).
    #[arg(long, value_name = "PATH")]
    pub export: Option<PathBuf>,
    /// Export format: jsonl or csv.
    #[arg(long, value_name = "FORMAT", requires = "export")]
    pub export_format: Option<String>,
}

impl ExportArgs {
    /// The path and format asked for, if any.
    pub fn target(&self) -> Result<Option<(&Path, ExportFormat)>, String> {
        let Some(path) = self.export.as_deref() else {
            return Ok(None);
        };
        let format = match &self.export_format {
            Some(f) => ExportFormat::from_name(f)
                .ok_or_else(|| format!("--export-format {f}: expected jsonl or csv"))?,
            None => ExportFormat::from_file_name(&path.to_string_lossy()).ok_or_else(|| {
                format!(
                    "--export {}: name the format with a .jsonl or .csv extension or --export-format",
                    path.display()
                )
            })?,
        };
        Ok(Some((path, format)))
    }
}

/// Writes the export of `rows` of a finished run to `path` (`-` for standard output).
pub fn write_export(
    runner: &Runner,
    rows: &[usize],
    path: &Path,
    format: ExportFormat,
) -> Result<(), Failure> {
    if path == Path::new("-") {
        let mut out = stdout();
        for line in runner.export_lines(rows, format) {
            out.write_all(line.as_bytes())?;
        }
        out.flush()?;
        return Ok(());
    }
    let fail = |e: std::io::Error| Failure::Error(format!("cannot write {}: {e}", path.display()));
    let file = std::fs::File::create(path).map_err(fail)?;
    let mut w = BufWriter::new(file);
    for line in runner.export_lines(rows, format) {
        w.write_all(line.as_bytes()).map_err(fail)?;
    }
    w.flush().map_err(fail)
}

/// Milliseconds as seconds, two decimals.
pub fn secs(ms: f64) -> String {
    format!("{:.2} s", ms / 1000.0)
}
