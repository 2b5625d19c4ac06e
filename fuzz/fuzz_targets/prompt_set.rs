//! Prompt-set reading (crates/routeplay-core/src/simulate/input.rs): the one reader the batch
//! view and every CLI command use, for JSONL, CSV (header with a `text`/`prompt` column, RFC 4180
//! quoting) and plain lines, with set size and entry limits; and the CSV export cell.
//! Input: 1 option byte (bits 0-1: format detected / JSONL / CSV / lines; bit 2: small limits;
//! bits 3-5: the entry limit then), then the file's bytes.
//!
//! Checks: no panic; a set within the limits is read, one over them is refused with the limit
//! that was hit; every kept prompt has non-blank text within the prompt limit and a line inside
//! the file; prompts and bad lines are in file order; the record reader agrees on the format
//! and on the order of records and bad lines; a prompt exported as a CSV cell never starts a
//! formula and reads back as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_core::simulate::{
    csv_cell, read_prompt_set, read_prompt_set_bytes, read_records_bytes, Limits, ReadOptions,
    SetError, SetFormat,
};

fuzz_target!(|data: &[u8]| {
    let Some((&opt, body)) = data.split_first() else {
        return;
    };
    let format = [
        None,
        Some(SetFormat::Jsonl),
        Some(SetFormat::Csv),
        Some(SetFormat::Lines),
    ][(opt & 3) as usize];
    let limits = if opt & 4 != 0 {
        Limits {
            max_bytes: 2048,
            max_entries: 1 + ((opt >> 3) & 7) as usize,
            max_prompt_bytes: 64,
        }
    } else {
        Limits::DEFAULT
    };
    let opts = ReadOptions { format, limits };
    let text = String::from_utf8_lossy(body);
    let lines = text.split('\n').count();

    let set = match read_prompt_set_bytes(body, &opts) {
        Ok(set) => set,
        Err(SetError::TooLarge { bytes, limit }) => {
            assert!(
                bytes as usize == body.len() && body.len() > limit && limit == limits.max_bytes
            );
            return;
        }
        Err(SetError::TooManyEntries { limit, line }) => {
            assert_eq!(limit, limits.max_entries);
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            return;
        }
    };
    if let Some(f) = format {
        assert_eq!(set.format, f, "the given format was not used");
    }
    assert!(set.prompts.len() + set.errors.len() <= limits.max_entries);
    for (line, r) in &set.prompts {
        assert!(*line >= 1 && *line <= lines, "line {line} of {lines}");
        assert!(
            !r.text.trim().is_empty(),
            "blank prompt kept at line {line}"
        );
        assert!(r.text.len() <= limits.max_prompt_bytes);
    }
    for w in set.prompts.windows(2) {
        assert!(w[0].0 < w[1].0, "prompts out of order");
    }
    for w in set.errors.windows(2) {
        assert!(w[0].line <= w[1].line, "errors out of order");
    }
    for e in &set.errors {
        assert!(
            e.line >= 1 && e.line <= lines,
            "error line {} of {lines}",
            e.line
        );
        assert!(!e.message.is_empty());
    }

    let recs = read_records_bytes(body, &opts).expect("records read where the set was read");
    assert_eq!(recs.format, set.format);
    assert!(recs.records.len() >= set.prompts.len());
    let mut last = 0;
    for item in recs.in_order() {
        let line = match item {
            Ok(r) => r.line,
            Err(e) => e.line,
        };
        assert!(line >= last, "records and bad lines out of file order");
        last = line;
    }

    // Export: a cell never starts a formula, and reads back as the (neutralised) text.
    for (_, r) in set.prompts.iter().take(4) {
        let cell = csv_cell(&r.text);
        let bare = cell.strip_prefix('"').unwrap_or(&cell);
        assert!(
            !bare.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell {cell:?}"
        );
        let t = r.text.as_str();
        if t.trim() != t || t.contains('\r') {
            continue;
        }
        let csv = format!("text\n{cell}\n");
        let opts = ReadOptions {
            format: Some(SetFormat::Csv),
            limits: Limits::DEFAULT,
        };
        let back = read_prompt_set(&csv, &opts).expect("one small prompt");
        let want = if t.starts_with(['=', '+', '-', '@']) {
            format!("'{t}")
        } else {
            t.to_string()
        };
        assert_eq!(back.prompts.len(), 1, "{csv:?} -> {back:?}");
        assert_eq!(back.prompts[0].1.text, want, "CSV cell does not read back");
    }
});
