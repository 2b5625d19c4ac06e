//! Prompt-set reading (crates/routeplay-core/src/simulate/): JSONL, CSV (header with a `text`
//! column, RFC 4180 quoting) and plain lines, as the batch view and the CLI read uploads.
//! Input: the file as UTF-8 (lossy).
//!
//! Checks: no panic; every kept prompt has non-blank text within the size limit and a line
//! number inside the file; errors are in file order with line numbers inside the file; the
//! JSONL reader alone agrees with the set reader on JSONL files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_core::simulate::input::{parse_prompt_set, SetFormat, MAX_PROMPT_BYTES};
use routeplay_core::simulate::parse_prompts_jsonl;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    let set = parse_prompt_set(&text);
    for (line, r) in &set.prompts {
        assert!(*line >= 1 && *line <= lines, "line {line} of {lines}");
        assert!(
            !r.text.trim().is_empty(),
            "blank prompt kept at line {line}"
        );
        assert!(r.text.len() <= MAX_PROMPT_BYTES);
        assert!(r.id.is_some(), "prompt without an id at line {line}");
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
    if set.format == SetFormat::Jsonl {
        let (ok, _) = parse_prompts_jsonl(text.strip_prefix('\u{feff}').unwrap_or(&text));
        let kept: Vec<_> = ok
            .into_iter()
            .filter(|(_, r)| !r.text.trim().is_empty() && r.text.len() <= MAX_PROMPT_BYTES)
            .collect();
        assert_eq!(kept, set.prompts, "JSONL reader and set reader disagree");
    }
});
