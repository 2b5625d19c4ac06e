//! Label cleaning and rebalancing rules for the training data, as code so they are reviewable
//! and their counts reproducible. Each rule keys on the `source` field of rows from
//! `../shared/datasets`; rows from other sources (your own data) are never touched.
//!
//! | rule | what | action |
//! |---|---|---|
//! | `codealpaca_not_code` | CodeAlpaca items with no programming cue ("Convert a temperature from Celsius to Fahrenheit") | dropped |
//! | `mmlu_calculation` | MMLU `qa` items that ask for a calculation (calc verb + ≥ 3 numbers, e.g. NPV) | relabelled `math_reasoning` |
//! | `mmlu_answer_suffix` | MMLU's trailing `Answer:` line (template boilerplate) | removed |
//! | `mmlu_options_stripped` | half of MMLU items (by hash) lose their A–D options, so questions look like people type them | options removed |
//! | `p3_bio_generation` | P3 wiki_bio "write a biography from these bullet points" / "guess who" marked `extraction` | dropped |
//! | `p3_question_generation` | P3 commonsense_qa "predict a possible question for these options" marked `qa` | dropped |
//! | `p3_boilerplate` | P3 template phrases ("Note that the answer is present within the text.") | removed |
//! | `per_source_cap` | more than [`SOURCE_CAP`] rows of one label from one source file/subject group | surplus dropped (by hash, deterministic) |
//!
//! Role-play stays `creative_writing` even when the persona is asked a question or gives advice:
//! the label scheme (`../shared/datasets/README.md`) says so. An earlier rule relabelled such
//! GPTeacher rows as `qa`, against the scheme; it was removed (issue 11).

use std::collections::BTreeMap;

/// One training row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The prompt.
    pub text: String,
    /// Task label, if the row has one.
    pub label: Option<String>,
    /// Where it came from (the `source` field; empty when absent).
    pub source: String,
    /// For complexity: whether the prompt needs a strong model, if known.
    pub hard: Option<bool>,
}

/// Most rows kept per source group (see [`source_group`]).
pub const SOURCE_CAP: usize = 2500;

/// Counts of what each rule did.
pub type CleanReport = BTreeMap<&'static str, usize>;

/// Stable 64-bit hash of a string (FNV-1a), used for deterministic choices.
pub fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

const CODE_CUES: &[&str] = &[
    "code",
    "program",
    "function",
    "python",
    "java",
    "c++",
    "c#",
    "sql",
    "html",
    "css",
    "script",
    "class",
    "method",
    "array",
    "algorithm",
    "regex",
    "regular expression",
    "api",
    "json",
    "loop",
    "variable",
    "string",
    "integer",
    "implement",
    "debug",
    "bug",
    "syntax",
    "query",
    "database",
    "recurs",
    "react",
    "node",
    "rust",
    "golang",
    " go ",
    "bash",
    "shell",
    "command",
    "git",
    "compile",
    "output",
    "list",
    "dictionary",
    "object",
    "library",
    "framework",
    "xml",
    "snippet",
    "linux",
    "unix",
    "php",
    "ruby",
    "swift",
    "kotlin",
    "typescript",
    "pandas",
    "numpy",
    "http",
    "server",
    "file",
    "{",
    ";",
    "=",
    "()",
    "[",
    "def ",
    "import ",
    "#include",
];

fn looks_like_code_request(t: &str) -> bool {
    let l = t.to_lowercase();
    CODE_CUES.iter().any(|c| l.contains(c))
}

const CALC_CUES: &[&str] = &[
    "calculate",
    "compute",
    "what is the value",
    "how much",
    "how many",
    "present value",
    "npv",
    "interest rate",
    "probability",
    "what is the total",
    "what will be",
    "find the",
    "determine the",
    "estimate the",
    "what is the expected",
    "percent",
];

fn count_numbers(t: &str) -> usize {
    let mut n = 0;
    let mut prev = false;
    for c in t.chars() {
        let d = c.is_ascii_digit();
        if d && !prev {
            n += 1;
        }
        prev = d;
    }
    n
}

fn strip_mmlu_options(t: &str) -> String {
    let mut out = String::new();
    for line in t.lines() {
        let b = line.as_bytes();
        let is_opt = b.len() >= 2 && (b'A'..=b'D').contains(&b[0]) && b[1] == b'.';
        if is_opt || line.trim() == "Answer:" {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out.trim().to_string()
}

const P3_BOILERPLATE: &[&str] = &[
    "Note that the answer is present within the text.",
    "Can you tell me what it is?",
    "Please answer correctly the following question related to the paragraph below.",
    "\n===\n",
    "\n\n===\n\n",
];

/// Coarse source group for capping: the file-level source, with MMLU split by subject.
pub fn source_group(source: &str) -> &str {
    if source.starts_with("mmlu") {
        return source;
    }
    match source.find('/') {
        Some(i) if !source.starts_with("p3") => &source[..i],
        _ => source,
    }
}

/// Applies the rules above to `rows` and returns the kept rows and the per-rule counts.
pub fn clean(rows: Vec<Row>) -> (Vec<Row>, CleanReport) {
    let mut report = CleanReport::new();
    let mut out = Vec::with_capacity(rows.len());
    for mut r in rows {
        let src = r.source.as_str();
        let label = r.label.as_deref();
        if src == "codealpaca" && !looks_like_code_request(&r.text) {
            *report.entry("codealpaca_not_code").or_default() += 1;
            continue;
        }
        if src.starts_with("mmlu") {
            if r.text.trim_end().ends_with("Answer:") {
                *report.entry("mmlu_answer_suffix").or_default() += 1;
            }
            if stable_hash(&r.text).is_multiple_of(2) {
                let stem = strip_mmlu_options(&r.text);
                if stem.len() >= 15 {
                    r.text = stem;
                    *report.entry("mmlu_options_stripped").or_default() += 1;
                }
            } else {
                let t = r.text.trim_end();
                r.text = t
                    .strip_suffix("Answer:")
                    .unwrap_or(t)
                    .trim_end()
                    .to_string();
            }
            if label == Some("qa") {
                let l = r.text.to_lowercase();
                if count_numbers(&r.text) >= 3 && CALC_CUES.iter().any(|c| l.contains(c)) {
                    r.label = Some("math_reasoning".into());
                    *report.entry("mmlu_calculation").or_default() += 1;
                }
            }
        }
        if src.starts_with("p3/wiki_bio_who") || src.starts_with("p3/wiki_bio_guess_person") {
            *report.entry("p3_bio_generation").or_default() += 1;
            continue;
        }
        if src.starts_with("p3/commonsense_qa_answer_to_question") {
            *report.entry("p3_question_generation").or_default() += 1;
            continue;
        }
        if src.starts_with("p3/") {
            for b in P3_BOILERPLATE {
                if r.text.contains(b) {
                    r.text = r
                        .text
                        .replace(b, if b.starts_with('\n') { "\n\n" } else { "" });
                    *report.entry("p3_boilerplate").or_default() += 1;
                }
            }
            r.text = r.text.trim().to_string();
        }
        out.push(r);
    }
    // Per-source, per-label caps, deterministic by text hash (a mixed source such as Dolly keeps
    // up to the cap of each of its labels).
    let mut by_group: BTreeMap<(String, Option<String>), Vec<usize>> = BTreeMap::new();
    for (i, r) in out.iter().enumerate() {
        by_group
            .entry((source_group(&r.source).to_string(), r.label.clone()))
            .or_default()
            .push(i);
    }
    let mut keep = vec![true; out.len()];
    for (_, mut idx) in by_group {
        if idx.len() > SOURCE_CAP {
            idx.sort_by_key(|&i| stable_hash(&out[i].text));
            for &i in &idx[SOURCE_CAP..] {
                // Keep outcome rows for the complexity head even past the cap.
                if out[i].hard.is_none() {
                    keep[i] = false;
                    *report.entry("per_source_cap").or_default() += 1;
                }
            }
        }
    }
    let out = out
        .into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect();
    (out, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str, label: &str, source: &str) -> Row {
        Row {
            text: text.into(),
            label: Some(label.into()),
            source: source.into(),
            hard: None,
        }
    }

    #[test]
    fn rules_fire() {
        let rows = vec![
            row("Convert a temperature from Celsius to Fahrenheit.", "code", "codealpaca"),
            row("Write a Python function to sort a list.", "code", "codealpaca"),
            row(
                "Calculate the NPV of a project costing 100 with cash flows 50, 60 at 10%.\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:",
                "qa",
                "mmlu+routellm/business_ethics",
            ),
            row("You are a nutritionist. Explain the benefits of fibre.", "creative_writing", "gpteacher_roleplay"),
            row("You are a pirate. What is your ship called?", "creative_writing", "gpteacher_roleplay"),
            row("Facts: ... write a short biography", "extraction", "p3/wiki_bio_who"),
            row("hello", "chat", "my_own"),
        ];
        let (out, rep) = clean(rows);
        assert_eq!(out.len(), 5);
        assert!(!rep.contains_key("roleplay_explanation"));
        assert_eq!(rep["codealpaca_not_code"], 1);
        assert_eq!(rep["mmlu_calculation"], 1);
        assert_eq!(out[1].label.as_deref(), Some("math_reasoning"));
        assert!(!out[1].text.ends_with("Answer:"));
        // Role-play is creative_writing, also when the persona explains or is asked a question.
        assert_eq!(out[2].label.as_deref(), Some("creative_writing"));
        assert_eq!(out[3].label.as_deref(), Some("creative_writing"));
        assert_eq!(out[4].text, "hello");
    }
}
