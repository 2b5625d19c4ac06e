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

const CONSTRAINTS: u16 = 1;
const FORMAT_CUES: u16 = 2;
const MULTI_PART: u16 = 4;
const REASONING: u16 = 8;
const CLAUSES: u16 = 16;
const INSTRUCTIONS: u16 = 32;
const EASY: u16 = 64;
const QUANTITY_WORDS: u16 = 128;
const NEGATIONS: u16 = 256;

/// Cue words (lowercase ASCII, sorted for binary search) and their categories. Two-word cues
/// ("at least", "make sure", "one word", ...) are handled in [`cue`].
const CUE_WORDS: [(&[u8], u16); 191] = [
    (b"add", INSTRUCTIONS),
    (b"additionally", MULTI_PART),
    (b"after", CLAUSES),
    (b"also", MULTI_PART),
    (b"although", CLAUSES),
    (b"altogether", QUANTITY_WORDS),
    (b"always", CONSTRAINTS),
    (b"analyse", REASONING),
    (b"analysis", REASONING),
    (b"analyze", REASONING),
    (b"architecture", REASONING),
    (b"aren't", NEGATIONS),
    (b"assess", REASONING),
    (b"audience", FORMAT_CUES),
    (b"average", QUANTITY_WORDS),
    (b"avoid", CONSTRAINTS),
    (b"basic", EASY),
    (b"because", CLAUSES),
    (b"before", CLAUSES),
    (b"besides", MULTI_PART),
    (b"both", MULTI_PART),
    (b"brief", EASY),
    (b"briefly", EASY),
    (b"build", INSTRUCTIONS),
    (b"bullet", FORMAT_CUES),
    (b"bullets", FORMAT_CUES),
    (b"calculate", INSTRUCTIONS),
    (b"cannot", NEGATIONS),
    (b"columns", FORMAT_CUES),
    (b"compare", REASONING),
    (b"complexity", REASONING),
    (b"comprehensive", REASONING),
    (b"compute", INSTRUCTIONS),
    (b"cons", REASONING),
    (b"constraint", CONSTRAINTS),
    (b"constraints", CONSTRAINTS),
    (b"contrast", REASONING),
    (b"create", INSTRUCTIONS),
    (b"critique", REASONING),
    (b"csv", FORMAT_CUES),
    (b"debug", REASONING),
    (b"derive", REASONING),
    (b"describe", INSTRUCTIONS),
    (b"design", REASONING),
    (b"detailed", REASONING),
    (b"determine", INSTRUCTIONS),
    (b"develop", INSTRUCTIONS),
    (b"difference", QUANTITY_WORDS),
    (b"doesn't", NEGATIONS),
    (b"don't", CONSTRAINTS),
    (b"draft", INSTRUCTIONS),
    (b"each", MULTI_PART),
    (b"easy", EASY),
    (b"efficient", REASONING),
    (b"ensure", CONSTRAINTS),
    (b"estimate", INSTRUCTIONS),
    (b"evaluate", REASONING),
    (b"every", MULTI_PART),
    (b"exactly", CONSTRAINTS),
    (b"exceed", CONSTRAINTS),
    (b"except", NEGATIONS),
    (b"expected", QUANTITY_WORDS),
    (b"explain", REASONING),
    (b"false", NEGATIONS),
    (b"finally", MULTI_PART),
    (b"find", INSTRUCTIONS),
    (b"format", FORMAT_CUES),
    (b"formatted", FORMAT_CUES),
    (b"fraction", QUANTITY_WORDS),
    (b"furthermore", MULTI_PART),
    (b"generate", INSTRUCTIONS),
    (b"give", INSTRUCTIONS),
    (b"given", CLAUSES),
    (b"half", QUANTITY_WORDS),
    (b"heading", FORMAT_CUES),
    (b"headings", FORMAT_CUES),
    (b"hello", EASY),
    (b"hey", EASY),
    (b"hi", EASY),
    (b"identify", INSTRUCTIONS),
    (b"if", CLAUSES),
    (b"implement", INSTRUCTIONS),
    (b"implications", REASONING),
    (b"include", INSTRUCTIONS),
    (b"incorrect", NEGATIONS),
    (b"isn't", NEGATIONS),
    (b"json", FORMAT_CUES),
    (b"just", EASY),
    (b"justify", REASONING),
    (b"lastly", MULTI_PART),
    (b"left", QUANTITY_WORDS),
    (b"limit", CONSTRAINTS),
    (b"list", INSTRUCTIONS),
    (b"make", INSTRUCTIONS),
    (b"markdown", FORMAT_CUES),
    (b"max", CONSTRAINTS),
    (b"maximum", CONSTRAINTS),
    (b"min", CONSTRAINTS),
    (b"minimum", CONSTRAINTS),
    (b"moreover", MULTI_PART),
    (b"must", CONSTRAINTS),
    (b"mustn't", CONSTRAINTS),
    (b"never", CONSTRAINTS),
    (b"next", MULTI_PART),
    (b"no", NEGATIONS),
    (b"none", NEGATIONS),
    (b"not", NEGATIONS),
    (b"nuanced", REASONING),
    (b"only", CONSTRAINTS),
    (b"optimise", REASONING),
    (b"optimize", REASONING),
    (b"outline", FORMAT_CUES | INSTRUCTIONS),
    (b"paragraph", FORMAT_CUES),
    (b"paragraphs", FORMAT_CUES),
    (b"per", QUANTITY_WORDS),
    (b"percent", QUANTITY_WORDS),
    (b"plan", INSTRUCTIONS),
    (b"please", EASY),
    (b"plus", MULTI_PART),
    (b"probability", QUANTITY_WORDS),
    (b"proof", REASONING),
    (b"propose", INSTRUCTIONS),
    (b"pros", REASONING),
    (b"prove", REASONING),
    (b"provide", INSTRUCTIONS),
    (b"quick", EASY),
    (b"quickly", EASY),
    (b"rate", QUANTITY_WORDS),
    (b"ratio", QUANTITY_WORDS),
    (b"reasoning", REASONING),
    (b"refactor", REASONING),
    (b"remainder", QUANTITY_WORDS),
    (b"remaining", QUANTITY_WORDS),
    (b"required", CONSTRAINTS),
    (b"requirement", CONSTRAINTS),
    (b"requirements", CONSTRAINTS),
    (b"rewrite", INSTRUCTIONS),
    (b"scalable", REASONING),
    (b"second", MULTI_PART),
    (b"section", FORMAT_CUES),
    (b"sections", FORMAT_CUES),
    (b"sentences", FORMAT_CUES),
    (b"short", EASY),
    (b"should", CONSTRAINTS),
    (b"show", INSTRUCTIONS),
    (b"simple", EASY),
    (b"simply", EASY),
    (b"since", CLAUSES),
    (b"so", CLAUSES),
    (b"solve", INSTRUCTIONS),
    (b"strategy", REASONING),
    (b"strictly", CONSTRAINTS),
    (b"style", FORMAT_CUES),
    (b"suggest", INSTRUCTIONS),
    (b"sum", QUANTITY_WORDS),
    (b"summarise", INSTRUCTIONS),
    (b"summarize", INSTRUCTIONS),
    (b"table", FORMAT_CUES),
    (b"thank", EASY),
    (b"thanks", EASY),
    (b"that", CLAUSES),
    (b"then", MULTI_PART),
    (b"theorem", REASONING),
    (b"third", MULTI_PART),
    (b"thorough", REASONING),
    (b"though", CLAUSES),
    (b"times", QUANTITY_WORDS),
    (b"tone", FORMAT_CUES),
    (b"total", QUANTITY_WORDS),
    (b"trade", REASONING),
    (b"tradeoff", REASONING),
    (b"tradeoffs", REASONING),
    (b"translate", INSTRUCTIONS),
    (b"twice", QUANTITY_WORDS),
    (b"under", CONSTRAINTS),
    (b"unless", CLAUSES),
    (b"until", CLAUSES),
    (b"use", INSTRUCTIONS),
    (b"when", CLAUSES),
    (b"where", CLAUSES),
    (b"whereas", CLAUSES),
    (b"whether", CLAUSES),
    (b"which", CLAUSES),
    (b"while", CLAUSES),
    (b"why", REASONING),
    (b"within", CONSTRAINTS),
    (b"without", CONSTRAINTS),
    (b"words", FORMAT_CUES),
    (b"write", INSTRUCTIONS),
    (b"xml", FORMAT_CUES),
    (b"yaml", FORMAT_CUES),
];

/// A word of up to 16 bytes as one big-endian integer (zero-padded): integer order equals the
/// byte order of the words, so [`CUE_KEYS`] keeps [`CUE_WORDS`]' order.
const fn pack(w: &[u8]) -> u128 {
    let mut x = 0u128;
    let mut i = 0;
    while i < 16 {
        x <<= 8;
        if i < w.len() {
            x |= w[i] as u128;
        }
        i += 1;
    }
    x
}

/// [`CUE_WORDS`] packed, for integer binary search (slice compares cost a call each).
const CUE_KEYS: [u128; CUE_WORDS.len()] = {
    let mut k = [0u128; CUE_WORDS.len()];
    let mut i = 0;
    while i < k.len() {
        k[i] = pack(CUE_WORDS[i].0);
        i += 1;
    }
    k
};

/// Classifies one lowercased word (and the word before it, for two-word cues).
fn cue(c: &mut Counts, w: &[u8], prev: &[u8], first_in_sentence: bool, capital: bool) {
    if capital && !first_in_sentence && w.len() > 1 {
        c.names += 1;
    }
    let mut mask = if w.len() <= 16 {
        CUE_KEYS
            .binary_search(&pack(w))
            .map_or(0, |i| CUE_WORDS[i].1)
    } else {
        0
    };
    match w {
        b"least" if prev == b"at" => mask |= CONSTRAINTS,
        b"least" => mask |= NEGATIONS, // "which is least likely"
        b"most" if prev == b"at" => mask |= CONSTRAINTS,
        b"sure" if prev == b"make" => mask |= CONSTRAINTS,
        b"than" if prev == b"more" || prev == b"less" || prev == b"fewer" => mask |= CONSTRAINTS,
        b"well" if prev == b"as" => mask |= MULTI_PART,
        b"word" | b"sentence" if prev == b"one" || prev == b"single" => mask |= EASY,
        b"no" if prev == b"or" => mask |= EASY,
        _ => {}
    }
    if mask == 0 {
        return;
    }
    let bit = |b: u16| (mask & b != 0) as usize;
    c.constraints += bit(CONSTRAINTS);
    c.format_cues += bit(FORMAT_CUES);
    c.multi_part += bit(MULTI_PART);
    c.reasoning += bit(REASONING);
    c.clauses += bit(CLAUSES);
    c.instructions += bit(INSTRUCTIONS);
    c.easy += bit(EASY);
    c.quantity_words += bit(QUANTITY_WORDS);
    c.negations += bit(NEGATIONS);
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
    fn the_cue_table_is_sorted_and_lowercase() {
        assert!(CUE_WORDS.windows(2).all(|p| p[0].0 < p[1].0));
        assert!(CUE_KEYS.windows(2).all(|p| p[0] < p[1]));
        assert!(CUE_WORDS.iter().all(|(w, _)| w.len() <= 16));
        assert!(CUE_WORDS
            .iter()
            .all(|(w, m)| *m != 0 && w.iter().all(|b| b.is_ascii_lowercase() || *b == b'\'')));
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
