//! Difficulty features for the complexity head: a small dense vector of facts about *how much*
//! the *instruction* of a prompt asks for, independent of *what about* — length, sentences and
//! clauses, quantities and operators, constraints ("at least", "must", "no more than"), format
//! demands, multi-part requests, reasoning verbs, easy cues ("briefly", "one word"), options.
//!
//! The instruction is separated from a pasted passage: the text inside code fences and, when the
//! prompt has more than one paragraph (blocks split by blank lines, by a line ending in `:` or
//! by a colon inside a line after 3+ words), the longest paragraph of [`PASSAGE_WORDS`]+ words,
//! count only as `log_passage_words` / `log_code_lines`, so "Summarize this article: <2,000
//! words>" is not hard by length alone.
//!
//! No word identities beyond these fixed cue lists are used, so the head trained on them (see
//! [`super::complexity`]) cannot learn "math is hard" from subject words. One pass over the bytes
//! of at most [`READ_BYTES`], no allocation, words found by a byte table, cue words by a hashed
//! table. Cost (the `difficulty` line of `cargo bench -p routeplay-core --bench classifier`):
//! 4.8–6.1 µs on-CPU per 1 KB on an idle 2-core machine, the shipped model's extra over the
//! task features (docs/model-card.md, Size and speed).

/// Bytes of a prompt that are scanned (longer prompts: their words are extrapolated): the
/// same head the task features read ([`super::features::HEAD_BYTES`]), so the unread middle of
/// a long prompt changes no output of the model.
pub const READ_BYTES: usize = super::features::HEAD_BYTES;
/// Version of the feature definition; stored with the weights in a model file and checked on
/// load, so a model never reads features of another definition. Version 1 (28 features over the
/// whole text, never shipped) is not read any more.
pub const DIFFICULTY_VERSION: u16 = 3;

/// Fewest words of a paragraph counted as a pasted passage (version 3: was 40 with no colon
/// split; a pasted email or review is often 20–40 words).
pub const PASSAGE_WORDS: u32 = 20;
/// Number of difficulty features.
pub const DIFFICULTY_FEATURES: usize = 28;

/// The features' names, in vector order (for reports and tests). All but `passage_words` and
/// `code_lines` are counted over the instruction only.
pub const NAMES: [&str; DIFFICULTY_FEATURES] = [
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
    "log_negations",
    "options",
    "log_quantity_words",
    "log_parens",
    "log_option_words",
    "log_passage_words",
    "log_code_lines",
];

#[inline]
fn ln1(x: u32) -> f32 {
    (x as f32).ln_1p()
}

// Counters of one region (indices into a `Counts` array, so regions add and subtract).
const WORDS: usize = 0;
const WORD_CHARS: usize = 1;
const LONG_WORDS: usize = 2;
const SENTENCES: usize = 3;
const NUMBERS: usize = 4;
const OPERATORS: usize = 5;
const QUESTIONS: usize = 6;
const COMMAS: usize = 7;
const PARENS: usize = 8;
const NAMES_C: usize = 9;
const LINES: usize = 10;
const LIST_ITEMS: usize = 11;
const OPTION_LINES: usize = 12;
const OPTION_WORDS: usize = 13;
/// Cue categories: counter `CUE0 + bit index`.
const CUE0: usize = 14;
const N_COUNTS: usize = CUE0 + 9;
type Counts = [u32; N_COUNTS];

const CONSTRAINTS: u16 = 1;
const FORMAT_CUES: u16 = 2;
const MULTI_PART: u16 = 4;
const REASONING: u16 = 8;
const CLAUSES: u16 = 16;
const INSTRUCTIONS: u16 = 32;
const EASY: u16 = 64;
const QUANTITY_WORDS: u16 = 128;
const NEGATIONS: u16 = 256;

/// Cue words (lowercase ASCII, sorted) and their categories. Two-word cues ("at least",
/// "make sure", "one word", ...) are handled in [`cue_mask`].
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

/// Longest cue word (longer words are not looked up).
const MAX_CUE_LEN: usize = 13;

/// Bytes that continue a word: ASCII letters, any byte of a non-ASCII character, and `'`.
const WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphabetic() || c >= 0x80 || c == b'\'';
        b += 1;
    }
    t
};

/// Rotate-xor hash of a word's bytes, the same hash the scan builds byte by byte (one cycle a
/// byte; [`slot`] mixes it). Lookups compare the bytes, so collisions cost only a probe.
const fn word_hash(w: &[u8]) -> u32 {
    let mut h = 0u32;
    let mut i = 0;
    while i < w.len() {
        h = h.rotate_left(5) ^ w[i] as u32;
        i += 1;
    }
    h
}

/// The first table slot of a [`word_hash`].
#[inline]
const fn slot(h: u32) -> usize {
    (h.wrapping_mul(0x9e37_79b1) >> 22) as usize % SLOTS
}

const SLOTS: usize = 1024;
const EMPTY: u16 = u16::MAX;

/// [`word_hash`] of each of [`CUE_WORDS`], compared before the bytes.
const CUE_HASHES: [u32; CUE_WORDS.len()] = {
    let mut t = [0u32; CUE_WORDS.len()];
    let mut i = 0;
    while i < CUE_WORDS.len() {
        t[i] = word_hash(CUE_WORDS[i].0);
        i += 1;
    }
    t
};

/// Open-addressing table of [`CUE_WORDS`] by [`word_hash`] (index into `CUE_WORDS`).
const CUE_TABLE: [u16; SLOTS] = {
    let mut t = [EMPTY; SLOTS];
    let mut i = 0;
    while i < CUE_WORDS.len() {
        let mut s = slot(word_hash(CUE_WORDS[i].0));
        while t[s] != EMPTY {
            s = (s + 1) % SLOTS;
        }
        t[s] = i as u16;
        i += 1;
    }
    t
};

/// The cue categories of a lowercased word (its [`word_hash`] `h`) after the word `prev`.
#[inline]
fn cue_mask(w: &[u8], h: u32, prev: &[u8]) -> u16 {
    let mut mask = 0;
    if w.len() <= MAX_CUE_LEN {
        let mut s = slot(h);
        loop {
            let k = CUE_TABLE[s];
            if k == EMPTY {
                break;
            }
            if CUE_HASHES[k as usize] == h && CUE_WORDS[k as usize].0 == w {
                mask = CUE_WORDS[k as usize].1;
                break;
            }
            s = (s + 1) % SLOTS;
        }
    }
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
    mask
}

/// What a line starts with (its first non-blank bytes).
#[derive(Clone, Copy, PartialEq)]
enum LineStart {
    Plain,
    ListItem,
    Option,
    Fence,
}

fn line_start(b: &[u8]) -> LineStart {
    match b {
        [b'`', b'`', b'`', ..] | [b'~', b'~', b'~', ..] => LineStart::Fence,
        [b'-' | b'*', b' ', ..] | [0xe2, 0x80, 0xa2, ..] => LineStart::ListItem,
        [b'A'..=b'E', b'.' | b')', ..] | [b'(', b'A'..=b'E', b')', ..] => LineStart::Option,
        [b'0'..=b'9', b'.' | b')', ..] | [b'0'..=b'9', b'0'..=b'9', b'.' | b')', ..] => {
            LineStart::ListItem
        }
        _ => LineStart::Plain,
    }
}

/// Computes the [`DIFFICULTY_FEATURES`] features of `text` into `out` (in [`NAMES`] order).
/// Deterministic, allocation-free, bounded: only the first [`READ_BYTES`] bytes are scanned.
pub fn difficulty_features(text: &str, out: &mut [f32; DIFFICULTY_FEATURES]) {
    let full_len = text.len();
    let t = &text.as_bytes()[..full_len.min(READ_BYTES)];
    let n = t.len();
    // Regions: all non-fence text, the current paragraph, the longest paragraph so far.
    let mut total: Counts = [0; N_COUNTS];
    let mut para: Counts = [0; N_COUNTS];
    let mut best: Counts = [0; N_COUNTS];
    let mut paragraphs = 0u32;
    let (mut fence_words, mut code_lines) = (0u32, 0u32);
    let mut in_fence = false;

    let mut buf = [0u8; MAX_CUE_LEN + 1];
    let mut prev = [0u8; MAX_CUE_LEN + 1];
    let (mut len, mut h, mut prev_len) = (0usize, 0u32, 0usize);
    let mut in_word = false;
    let mut capital = false;
    let mut first_in_sentence = true;
    let mut in_number = false;
    let mut sentence_has_words = false;
    // Line state: at its start (before any non-blank byte), its kind, its last non-blank byte.
    let mut at_line_start = true;
    let mut kind = LineStart::Plain;
    let mut line_words = 0u32;
    let mut last = b'\n';

    let end_paragraph =
        |para: &mut Counts, best: &mut Counts, total: &mut Counts, paragraphs: &mut u32| {
            for (t, p) in total.iter_mut().zip(para.iter()) {
                *t += p;
            }
            if para[WORDS] > 0 {
                *paragraphs += 1;
                if para[WORDS] > best[WORDS] {
                    *best = *para;
                }
            }
            *para = [0; N_COUNTS];
        };

    let mut i = 0;
    while i <= n {
        let b = if i < n { t[i] } else { b'\n' };
        if at_line_start && b != b'\n' && (b == b' ' || b == b'\t' || b == b'\r') {
            i += 1;
            continue;
        }
        if at_line_start && b != b'\n' {
            at_line_start = false;
            kind = line_start(&t[i..]);
            if kind == LineStart::Fence {
                in_fence = !in_fence;
                // Skip the fence line itself (``` or ```python).
                while i < n && t[i] != b'\n' {
                    i += 1;
                }
                at_line_start = true;
                last = b'\n';
                i += 1;
                continue;
            }
            if in_fence {
                code_lines += 1;
            } else {
                para[LINES] += 1;
                match kind {
                    LineStart::ListItem => para[LIST_ITEMS] += 1,
                    LineStart::Option => para[OPTION_LINES] += 1,
                    _ => {}
                }
            }
        }
        // A word starts with a letter (an apostrophe only continues one); the inner loop below
        // reads it whole, so a word never continues here.
        if b.is_ascii_alphabetic() || b >= 0x80 {
            in_word = true;
            capital = b.is_ascii_uppercase();
            // The rest of the word in a tight loop (the common path): only find its end; a
            // word short enough to be a cue is then lowercased and hashed once.
            let mut j = i + 1;
            while j < n && WORD_BYTE[t[j] as usize] {
                j += 1;
            }
            len = j - i;
            if len <= MAX_CUE_LEN {
                let mut hh = 0u32;
                for (slot, &c) in buf.iter_mut().zip(&t[i..j]) {
                    let lc = c.to_ascii_lowercase();
                    *slot = lc;
                    hh = hh.rotate_left(5) ^ lc as u32;
                }
                h = hh;
            }
            in_number = false;
            last = t[j - 1];
            i = j;
            continue;
        }
        if in_word {
            in_word = false;
            if in_fence {
                fence_words += 1;
            } else {
                let c = &mut para;
                c[WORDS] += 1;
                line_words += 1;
                // In bytes: a non-ASCII letter counts 2–4.
                c[WORD_CHARS] += len as u32;
                if len >= 9 {
                    c[LONG_WORDS] += 1;
                }
                if capital && !first_in_sentence && len > 1 {
                    c[NAMES_C] += 1;
                }
                if !sentence_has_words {
                    c[SENTENCES] += 1;
                    sentence_has_words = true;
                }
                let w = &buf[..len.min(MAX_CUE_LEN + 1)];
                let mask = cue_mask(w, h, &prev[..prev_len]);
                let mut m = mask;
                while m != 0 {
                    c[CUE0 + m.trailing_zeros() as usize] += 1;
                    m &= m - 1;
                }
            }
            prev_len = len.min(MAX_CUE_LEN + 1);
            prev = buf;
            first_in_sentence = false;
        }
        if b.is_ascii_digit() {
            if !in_number && !in_fence {
                para[NUMBERS] += 1;
            }
            in_number = true;
            last = b;
            i += 1;
            continue;
        }
        if in_number && (b == b'.' || b == b',') && i + 1 < n && t[i + 1].is_ascii_digit() {
            i += 1;
            continue; // 3.5, 1,000
        }
        in_number = false;
        match b {
            b'\n' => {
                if !in_fence {
                    if kind == LineStart::Option {
                        para[OPTION_WORDS] += line_words;
                    }
                    // A blank line, or a line ending in ':' ("Summarize this text:"), ends a
                    // paragraph.
                    if last == b'\n' || last == b':' {
                        end_paragraph(&mut para, &mut best, &mut total, &mut paragraphs);
                    }
                }
                first_in_sentence = true;
                sentence_has_words = false;
                at_line_start = true;
                line_words = 0;
                kind = LineStart::Plain;
                last = b'\n';
                i += 1;
                continue;
            }
            b'.' | b'!' | b'?' | b';' => {
                sentence_has_words = false;
                if b != b';' {
                    first_in_sentence = true;
                }
                if b == b'?' && !in_fence {
                    para[QUESTIONS] += 1;
                }
            }
            b'+' | b'*' | b'/' | b'^' | b'=' | b'<' | b'>' | b'%' | b'$' if !in_fence => {
                para[OPERATORS] += 1
            }
            b',' if !in_fence => para[COMMAS] += 1,
            // "Summarize this for a 12-year-old: Inflation happens when …": a colon inside a
            // line, after an instruction of 3+ words and before more text, also ends a
            // paragraph, so a passage pasted on the instruction's line is found too.
            b':' if !in_fence
                && para[WORDS] >= 3
                && i + 2 < n
                && t[i + 1] == b' '
                && t[i + 2] != b'\n'
                && t[i + 2] != b'\r' =>
            {
                end_paragraph(&mut para, &mut best, &mut total, &mut paragraphs);
            }
            b'(' | b'[' | b'{' if !in_fence => para[PARENS] += 1,
            _ => {}
        }
        if b != b' ' && b != b'\t' && b != b'\r' {
            last = b;
        }
        i += 1;
    }
    end_paragraph(&mut para, &mut best, &mut total, &mut paragraphs);
    // A pasted passage: the longest of 2+ paragraphs, PASSAGE_WORDS+ words, with an
    // instruction around it.
    let passage =
        paragraphs >= 2 && best[WORDS] >= PASSAGE_WORDS && total[WORDS] - best[WORDS] >= 2;
    let mut c = total;
    let mut passage_words = fence_words;
    if passage {
        for (x, b) in c.iter_mut().zip(&best) {
            *x -= b;
        }
        passage_words += best[WORDS];
    }
    // Words of the unread part (prompts over READ_BYTES), estimated from the read part's
    // density, count as passage.
    if full_len > n {
        let read = total[WORDS] + fence_words;
        passage_words += (read as usize * (full_len - n) / n.max(1)) as u32;
    }
    let lw = ln1(c[WORDS]);
    let nw = c[WORDS].max(1) as f32;
    let cue = |k: u16| ln1(c[CUE0 + k.trailing_zeros() as usize]);
    *out = [
        lw,
        lw * lw / 10.0,
        ln1(c[SENTENCES]),
        (c[WORDS] as f32 / c[SENTENCES].max(1) as f32 / 20.0).min(3.0),
        ln1(c[NUMBERS]),
        (c[NUMBERS] >= 3) as u8 as f32,
        ln1(c[OPERATORS]),
        ln1(c[QUESTIONS]),
        ln1(c[LINES]),
        ln1(c[LIST_ITEMS]),
        cue(CONSTRAINTS),
        cue(FORMAT_CUES),
        cue(MULTI_PART),
        cue(REASONING),
        cue(CLAUSES),
        ln1(c[COMMAS]),
        c[LONG_WORDS] as f32 / nw,
        (c[WORD_CHARS] as f32 / nw / 10.0).min(2.0),
        ln1(c[NAMES_C]),
        cue(INSTRUCTIONS),
        cue(EASY),
        cue(NEGATIONS),
        (c[OPTION_LINES] >= 3) as u8 as f32,
        cue(QUANTITY_WORDS),
        ln1(c[PARENS]),
        ln1(c[OPTION_WORDS] / c[OPTION_LINES].max(1)),
        ln1(passage_words),
        ln1(code_lines),
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

    /// At run time, like the features (a constant the compiler folds may differ in the last bit).
    fn ln(x: f32) -> f32 {
        std::hint::black_box(x).ln_1p()
    }

    #[test]
    fn counts_words_sentences_numbers_and_questions() {
        let t = "Tom has 3 apples and 12.5 pears. How many in total? Show your work!";
        assert_eq!(get(t, "log_words"), ln(12.0));
        assert_eq!(get(t, "log_sentences"), ln(3.0));
        assert_eq!(get(t, "log_numbers"), ln(2.0), "12.5 is one number");
        assert_eq!(get(t, "many_numbers"), 0.0);
        assert_eq!(get(t, "log_questions"), ln(1.0));
        assert_eq!(get("1 2 3", "many_numbers"), 1.0);
        assert_eq!(get("x = 2 + 3 * 4", "log_operators"), ln(3.0));
        assert_eq!(get("Tom, Ann and Bo", "log_commas"), ln(1.0));
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
        // Case-folded; a longer word that starts like a cue is not one.
        assert_eq!(get("EXPLAIN. Explanations", "log_reasoning"), ln(1.0));
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
        assert_eq!(
            get(mcq, "log_option_words"),
            ln(1.0),
            "the letter; numbers are not words"
        );
        let mcq = "Which is a mammal?\nA. the blue whale\nB. a shark\nC. a trout fish";
        // The option letter is a word too: (4 + 3 + 4) / 3 → 3.
        assert_eq!(get(mcq, "log_option_words"), ln(3.0));
        assert_eq!(get("short text", "log_passage_words"), 0.0);
    }

    /// The instruction is measured without the pasted passage or code: a summary request of a
    /// long article has the instruction features of its one-line instruction.
    #[test]
    fn a_pasted_passage_and_code_count_apart_from_the_instruction() {
        let article = "The council met on Tuesday and, after a long debate, voted to \
                       fund the new library, which must open before the end of next year. "
            .repeat(4);
        let instruction = "Summarize this article in two sentences:";
        let prompt = format!("{instruction}\n{article}");
        let (a, b) = (feats(&prompt), feats(instruction));
        for name in [
            "log_words",
            "log_constraints",
            "log_clauses",
            "log_commas",
            "log_format_cues",
        ] {
            let k = NAMES.iter().position(|n| *n == name).unwrap();
            assert_eq!(a[k], b[k], "{name}");
        }
        let words = article.split_whitespace().count() as f32;
        assert_eq!(get(&prompt, "log_passage_words"), ln(words));
        // Blank-line paragraphs too, with the instruction after the passage.
        let after = format!("{article}\n\nWhat did the council decide?");
        assert_eq!(get(&after, "log_words"), ln(5.0));
        assert_eq!(get(&after, "log_questions"), ln(1.0));
        // One long paragraph alone (a word problem, an MCQ stem) is the instruction.
        assert_eq!(get(&article, "log_words"), ln(words));
        assert_eq!(get(&article, "log_passage_words"), 0.0);
        let code =
            "Fix this function:\n```rust\nfn f(x: u32) -> u32 {\n    x + 1\n}\n```\nThen explain.";
        assert_eq!(get(code, "log_code_lines"), ln(3.0));
        assert_eq!(get(code, "log_words"), ln(5.0));
        assert_eq!(
            get(code, "log_operators"),
            0.0,
            "code is not the instruction"
        );
        assert_eq!(get(code, "log_passage_words"), ln(6.0)); // fn f x u u x
    }

    #[test]
    fn the_cue_table_is_sorted_lowercase_and_every_cue_is_found() {
        assert!(CUE_WORDS.windows(2).all(|p| p[0].0 < p[1].0));
        assert!(CUE_WORDS.iter().all(|(w, _)| w.len() <= MAX_CUE_LEN));
        assert!(CUE_WORDS
            .iter()
            .all(|(w, m)| *m != 0 && w.iter().all(|b| b.is_ascii_lowercase() || *b == b'\'')));
        for (w, m) in CUE_WORDS {
            assert_eq!(
                cue_mask(w, word_hash(w), b""),
                m,
                "{}",
                String::from_utf8_lossy(w)
            );
        }
        assert_eq!(cue_mask(b"zebra", word_hash(b"zebra"), b""), 0);
        assert_eq!(cue_mask(b"least", word_hash(b"least"), b"at"), CONSTRAINTS);
        assert_eq!(cue_mask(b"least", word_hash(b"least"), b"the"), NEGATIONS);
    }

    #[test]
    fn long_prompts_are_bounded_and_weird_inputs_are_finite() {
        let long = "a b c. ".repeat(10_000);
        // One paragraph: the read part is the instruction; the rest is extrapolated as passage.
        assert!(feats(&long).iter().all(|x| x.is_finite()));
        assert!(get(&long, "log_passage_words") > ln(20_000.0));
        for t in [
            "",
            " ",
            "\n\n\n",
            "```",
            "日本語のテキスト",
            "é'x'",
            "((((",
            "\u{0}",
            "1,2,3.4.5",
            ":\n:\n:",
        ] {
            assert!(feats(t).iter().all(|x| x.is_finite()), "{t:?}");
        }
        let cut = "é".repeat(READ_BYTES); // READ_BYTES falls mid-character
        assert!(feats(&cut).iter().all(|x| x.is_finite()));
    }
}
