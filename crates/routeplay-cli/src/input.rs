//! Reading prompts and files, shared by the subcommands.

use std::io::Read;
use std::path::Path;

/// Reads a whole file, or standard input when `path` is `None` or `-`, as bytes.
pub fn read_bytes(path: Option<&Path>) -> Result<Vec<u8>, String> {
    match path {
        Some(p) if p != Path::new("-") => {
            std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(buf)
        }
    }
}

/// A prompt given on the command line, or read from standard input when it is absent or `-`.
/// Invalid UTF-8 is replaced, not rejected, so every prompt can be looked at.
pub fn prompt_arg(prompt: Option<String>) -> Result<String, String> {
    match prompt {
        Some(p) if p != "-" => Ok(p),
        _ => Ok(String::from_utf8_lossy(&read_bytes(None)?).into_owned()),
    }
}
