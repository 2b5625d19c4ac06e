//! Difficulty features for the complexity head: a small dense vector of facts about *how much*
//! a prompt asks for, independent of *what about* — length, sentences and clauses, quantities and
//! operators, constraints ("at least", "must", "no more than"), format demands, multi-part
//! requests, reasoning verbs, easy cues ("briefly", "one word"), code, options, a pasted passage.
//!
//! No word identities beyond these fixed cue lists are used, so the head trained on them (see
//! [`super::complexity`]) cannot learn "math is hard" from subject words. One pass over at most
//! [`READ_BYTES`] bytes, no allocation: a few µs per 1 KB prompt.

/// Bytes of a prompt that are scanned (length features still see the whole length).
pub const READ_BYTES: usize = 4096;
/// Version of the feature definition; stored with the weights in a model file and checked on
/// load, so a model never reads features of another definition.
pub const DIFFICULTY_VERSION: u16 = 1;
/// Number of difficulty features.
pub const DIFFICULTY_FEATURES: usize = 28;

/// The features' names, in vector order (for reports and tests).
pub const NAMES: [&str; DIFFICULTY_FEATURES] = [
    "log_chars",
    "log_words",
    "log_words_sq",
    "log_sentences",
    "words_per_sentence",
    "log_numbers",
    "many_numbers",
    "log_operators",
    "log_questions",
    "log_lines",
    "log_list_items",
    "log_constraints",
    "log_format_cues",
    "log_multi_part",
    "log_reasoning",
    "log_clauses",
    "log_commas",
    "long_word_share",
    "mean_word_len",
    "log_names",
    "log_instructions",
    "log_easy_cues",
    "log_code_lines",
    "log_negations",
    "options",
    "passage",
    "log_quantity_words",
    "log_parens",
];

#[inline]
fn ln1(x: usize) -> f32 {
    (x as f32).ln_1p()
}

#[derive(Default)]
struct Counts {
    words: usize,
    word_chars: usize,
    long_words: usize,
    sentences: usize,
    numbers: usize,
    operators: usize,
    questions: usize,
    commas: usize,
    parens: usize,
    names: usize,
    constraints: usize,
    format_cues: usize,
    multi_part: usize,
    reasoning: usize,
    clauses: usize,
    instructions: usize,
    easy: usize,
    negations: usize,
    quantity_words: usize,
}

/// Classifies one lowercased word (and the word before it, for two-word cues).
fn cue(c: &mut Counts, w: &[u8], prev: &[u8], first_in_sentence: bool, capital: bool) {
    if capital && !first_in_sentence && w.len() > 1 {
        c.names += 1;
    }
    match w {
        b"must" | b"should" | b"exactly" | b"only" | b"without" | b"never" | b"always"
        | b"ensure" | b"limit" | b"maximum" | b"minimum" | b"max" | b"min" | b"strictly"
        | b"required" | b"requirements" | b"requirement" | b"constraint" | b"constraints"
        | b"avoid" | b"mustn't" | b"don't" | b"within" | b"under" | b"exceed" => c.constraints += 1,
        b"least" | b"most" if prev == b"at" => c.constraints += 1,
        b"sure" if prev == b"make" => c.constraints += 1,
        b"than" if prev == b"more" || prev == b"less" || prev == b"fewer" => c.constraints += 1,
        _ => {}
    }
    match w {
        b"json" | b"table" | b"csv" | b"markdown" | b"bullet" | b"bullets" | b"format"
        | b"formatted" | b"words" | b"paragraph" | b"paragraphs" | b"sentences" | b"heading"
        | b"headings" | b"sections" | b"section" | b"outline" | b"yaml" | b"xml" | b"columns"
        | b"tone" | b"style" | b"audience" => c.format_cues += 1,
        _ => {}
    }
    match w {
        b"also" | b"then" | b"additionally" | b"furthermore" | b"finally" | b"next" | b"second"
        | b"third" | b"lastly" | b"both" | b"each" | b"every" | b"moreover" | b"besides"
        | b"plus" => c.multi_part += 1,
        b"well" if prev == b"as" => c.multi_part += 1,
        _ => {}
    }
    match w {
        b"why" | b"explain" | b"prove" | b"derive" | b"compare" | b"contrast" | b"analyze"
        | b"analyse" | b"analysis" | b"evaluate" | b"justify" | b"reasoning" | b"implications"
        | b"tradeoffs" | b"tradeoff" | b"trade" | b"optimize" | b"optimise" | b"design"
        | b"architecture" | b"critique" | b"assess" | b"pros" | b"cons" | b"strategy"
        | b"efficient" | b"complexity" | b"proof" | b"theorem" | b"debug" | b"refactor"
        | b"scalable" | b"detailed" | b"thorough" | b"comprehensive" | b"nuanced" => {
            c.reasoning += 1
        }
        _ => {}
    }
    match w {
        b"if" | b"because" | b"which" | b"that" | b"while" | b"although" | b"unless"
        | b"whereas" | b"when" | b"whether" | b"given" | b"since" | b"though" | b"where"
        | b"so" | b"until" | b"after" | b"before" => c.clauses += 1,
        _ => {}
    }
    match w {
        b"write" | b"create" | b"list" | b"give" | b"describe" | b"summarize" | b"summarise"
        | b"translate" | b"generate" | b"implement" | b"calculate" | b"find" | b"compute"
        | b"provide" | b"make" | b"suggest" | b"build" | b"develop" | b"plan" | b"identify"
        | b"include" | b"determine" | b"solve" | b"rewrite" | b"add" | b"use" | b"show"
        | b"outline" | b"draft" | b"propose" | b"estimate" => c.instructions += 1,
        _ => {}
    }
    match w {
        b"briefly" | b"brief" | b"simple" | b"simply" | b"short" | b"quick" | b"quickly"
        | b"just" | b"hi" | b"hello" | b"hey" | b"thanks" | b"thank" | b"please" | b"easy"
        | b"basic" => c.easy += 1,
        b"word" | b"sentence" if prev == b"one" || prev == b"single" => c.easy += 1,
        b"no" if prev == b"or" => c.easy += 1,
        _ => {}
    }
    match w {
        b"twice" | b"half" | b"percent" | b"per" | b"total" | b"average" | b"ratio"
        | b"remaining" | b"remainder" | b"times" | b"rate" | b"difference" | b"sum"
        | b"fraction" | b"probability" | b"expected" | b"altogether" | b"left" => {
            c.quantity_words += 1
        }
        _ => {}
    }
    match w {
        b"least" if prev != b"at" => c.negations += 1, // "which is least likely"
        b"not" | b"except" | b"false" | b"incorrect" | b"cannot" | b"isn't" | b"aren't"
        | b"doesn't" | b"no" | b"none" => c.negations += 1,
        _ => {}
    }
}

/// Computes the [`DIFFICULTY_FEATURES`] features of `text` into `out` (in [`NAMES`] order).
/// Deterministic, allocation-free, bounded: only the first [`READ_BYTES`] bytes are scanned.
pub fn difficulty_features(text: &str, out: &mut [f32; DIFFICULTY_FEATURES]) {
    let full_len = text.len();
    let mut end = full_len.min(READ_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let t = &text[..end];
    let mut c = Counts::default();

    // Words: lowercased ASCII into a small buffer; cue lists are ASCII English.
    let mut buf = [0u8; 24];
    let mut prev = [0u8; 24];
    let mut prev_len = 0usize;
    let mut len = 0usize;
    let mut in_word = false;
    let mut capital = false;
    let mut first_in_sentence = true;
    let mut in_number = false;
    let mut pending_sentence = false;
    let mut sentence_has_words = false;
    let flush = |c: &mut Counts,
                 buf: &[u8; 24],
                 len: usize,
                 prev: &mut [u8; 24],
                 prev_len: &mut usize,
                 first: bool,
                 capital: bool| {
        c.words += 1;
        c.word_chars += len;
        if len >= 9 {
            c.long_words += 1;
        }
        let n = len.min(24);
        cue(c, &buf[..n], &prev[..*prev_len], first, capital);
        prev[..n].copy_from_slice(&buf[..n]);
        *prev_len = n;
    };
    for ch in t.chars() {
        if ch.is_alphabetic() || (in_word && ch == '\'') {
            if !in_word {
                in_word = true;
                capital = ch.is_uppercase();
                len = 0;
                if pending_sentence {
                    c.sentences += 1;
                    pending_sentence = false;
                    first_in_sentence = true;
                }
            }
            if len < 24 {
                buf[len] = if ch.is_ascii() {
                    ch.to_ascii_lowercase() as u8
                } else {
                    b'~'
                };
            }
            len += 1;
            in_number = false;
            continue;
        }
        if in_word {
            flush(
                &mut c,
                &buf,
                len,
                &mut prev,
                &mut prev_len,
                first_in_sentence,
                capital,
            );
            in_word = false;
            first_in_sentence = false;
            sentence_has_words = true;
        }
        if ch.is_ascii_digit() {
            if !in_number {
                c.numbers += 1;
                in_number = true;
            }
            continue;
        }
        if in_number && (ch == '.' || ch == ',') {
            continue; // 3.5, 1,000
        }
        in_number = false;
        match ch {
            '.' | '!' | '?' | '\n' | ';' | '。' | '？' | '！' => {
                if sentence_has_words {
                    pending_sentence = true;
                    sentence_has_words = false;
                }
                if ch == '?' || ch == '？' {
                    c.questions += 1;
                }
                if ch == '.' || ch == '!' || ch == '?' || ch == '\n' {
                    first_in_sentence = true;
                }
            }
            '+' | '*' | '/' | '^' | '=' | '×' | '÷' | '<' | '>' | '√' | '∑' | '∫' | '%' | '$' => {
                c.operators += 1
            }
            ',' | '、' | '，' => c.commas += 1,
            '(' | '[' | '{' => c.parens += 1,
            _ => {}
        }
    }
    if in_word {
        flush(
            &mut c,
            &buf,
            len,
            &mut prev,
            &mut prev_len,
            first_in_sentence,
            capital,
        );
        sentence_has_words = true;
    }
    if sentence_has_words || pending_sentence {
        c.sentences += 1;
    }

    // Lines: list items, code, options, the longest line (a pasted passage).
    let (mut lines, mut list_items, mut code_lines, mut option_lines, mut longest) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    for line in t.lines() {
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        lines += 1;
        let b = l.as_bytes();
        let digits = b.iter().take_while(|x| x.is_ascii_digit()).count();
        if l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("• ")
            || (digits > 0 && digits < 3 && matches!(b.get(digits), Some(b'.') | Some(b')')))
        {
            list_items += 1;
        }
        if matches!(
            b,
            [b'A'..=b'E', b'.' | b')', ..] | [b'(', b'A'..=b'E', b')', ..]
        ) {
            option_lines += 1;
        }
        if crate::signals::is_code_line(l) {
            code_lines += 1;
        }
        longest = longest.max(l.split_whitespace().count());
    }

    // Words of the unread part, estimated from the read part's density.
    let words = if end < full_len {
        c.words * full_len / end.max(1)
    } else {
        c.words
    };
    let lw = ln1(words);
    let sentences = c.sentences.max(1);
    let nw = c.words.max(1) as f32;
    *out = [
        ln1(full_len),
        lw,
        lw * lw / 10.0,
        ln1(c.sentences),
        (c.words as f32 / sentences as f32 / 20.0).min(3.0),
        ln1(c.numbers),
        (c.numbers >= 3) as u8 as f32,
        ln1(c.operators),
        ln1(c.questions),
        ln1(lines),
        ln1(list_items),
        ln1(c.constraints),
        ln1(c.format_cues),
        ln1(c.multi_part),
        ln1(c.reasoning),
        ln1(c.clauses),
        ln1(c.commas),
        c.long_words as f32 / nw,
        (c.word_chars as f32 / nw / 10.0).min(2.0),
        ln1(c.names),
        ln1(c.instructions),
        ln1(c.easy),
        ln1(code_lines),
        ln1(c.negations),
        (option_lines >= 3) as u8 as f32,
        (longest >= 35) as u8 as f32,
        ln1(c.quantity_words),
        ln1(c.parens),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(t: &str) -> [f32; DIFFICULTY_FEATURES] {
        let mut o = [0.0; DIFFICULTY_FEATURES];
        difficulty_features(t, &mut o);
        o
    }

    fn get(t: &str, name: &str) -> f32 {
        let i = NAMES
            .iter()
            .position(|n| *n == name)
            .expect("a feature name");
        feats(t)[i]
    }

    fn ln(x: f32) -> f32 {
        x.ln_1p()
    }

    #[test]
    fn counts_words_sentences_numbers_and_questions() {
        let t = "Tom has 3 apples and 12.5 pears. How many in total? Show your work!";
        assert_eq!(get(t, "log_words"), ln(12.0));
        assert_eq!(get(t, "log_sentences"), ln(3.0));
        assert_eq!(get(t, "log_numbers"), ln(2.0), "12.5 is one number");
        assert_eq!(get(t, "many_numbers"), 0.0);
        assert_eq!(get(t, "log_questions"), ln(1.0));
        assert_eq!(get(t, "log_chars"), ln(t.len() as f32));
        assert_eq!(get("1 2 3", "many_numbers"), 1.0);
        assert_eq!(get("x = 2 + 3 * 4", "log_operators"), ln(3.0));
    }

    #[test]
    fn counts_constraints_format_and_multi_part_cues() {
        let t = "Write a story of at least 500 words. It must not mention dragons, \
                 then add a title and make sure each paragraph ends in a question. Format it as markdown.";
        // at least, must, make sure
        assert_eq!(get(t, "log_constraints"), ln(3.0));
        // words, paragraph, format, markdown
        assert_eq!(get(t, "log_format_cues"), ln(4.0));
        // then, each
        assert_eq!(get(t, "log_multi_part"), ln(2.0));
        // write, add, make
        assert_eq!(get(t, "log_instructions"), ln(3.0));
        assert_eq!(get(t, "log_negations"), ln(1.0));
        assert_eq!(get("Say hi", "log_constraints"), 0.0);
        assert_eq!(
            get("Answer in one word, yes or no.", "log_easy_cues"),
            ln(2.0)
        );
    }

    #[test]
    fn counts_reasoning_clauses_names_and_layout() {
        let t =
            "Explain why Rust's borrow checker rejects this, and compare it with Swift if you can.";
        assert_eq!(get(t, "log_reasoning"), ln(3.0)); // explain, why, compare
        assert_eq!(get(t, "log_clauses"), ln(1.0)); // if
        assert_eq!(get(t, "log_names"), ln(2.0)); // Rust's, Swift (Explain opens the sentence)
        let list = "Plan my week:\n- gym\n- groceries\n1. call mom\n2) taxes";
        assert_eq!(get(list, "log_list_items"), ln(4.0));
        assert_eq!(get(list, "log_lines"), ln(5.0));
        let mcq = "Which is prime?\nA. 4\nB. 6\nC. 7\nD. 9";
        assert_eq!(get(mcq, "options"), 1.0);
        assert!(get("fn main() {\n    let x = 1;\n}", "log_code_lines") > 0.0);
        let passage = format!("Summarize:\n{}", "word ".repeat(40));
        assert_eq!(get(&passage, "passage"), 1.0);
        assert_eq!(get("short text", "passage"), 0.0);
    }

    #[test]
    fn long_prompts_are_bounded_and_weird_inputs_are_finite() {
        let long = "a b c. ".repeat(10_000);
        let f = feats(&long);
        assert_eq!(f[0], ln(long.len() as f32));
        // Words are extrapolated from the read part: 30,000 words in all.
        assert!((f[1] - ln(30_000.0)).abs() < 0.01, "{}", f[1]);
        for t in [
            "",
            " ",
            "日本語のテキスト",
            "é'''",
            "((((",
            "\u{0}",
            "1,2,3.4.5",
        ] {
            assert!(feats(t).iter().all(|x| x.is_finite()), "{t:?}");
        }
        let cut = "é".repeat(READ_BYTES); // a char boundary falls mid-character at READ_BYTES+1
        assert!(feats(&cut).iter().all(|x| x.is_finite()));
    }
}
