//! The hot path as it was before it was made faster (issue 14), kept verbatim as the reference
//! the fast code must match bit for bit: the feature stream (same features, same order, so
//! training is unchanged) and every score of [`Model::predict_into`], on the sample set, on
//! edge cases and on random texts, for the shipped model and for models with more than 15
//! labels (the unpadded path).

use super::super::difficulty::difficulty_features;
use super::super::features::{
    Group, CHAR_HEAD_BYTES, CHAR_TAIL_BYTES, GROUPS, HEAD_BYTES, HEAD_WORDS, TAIL_BYTES, TAIL_WORDS,
};
use super::{Model, DIFFICULTY_FEATURES, MAX_LABELS};

// Namespaces, mixed into the hashes so equal strings in different roles do not collide.
const NS_WORD: u32 = 0x9e37_79b1;
const NS_BIGRAM: u32 = 0x85eb_ca77;
const NS_CHAR: u32 = 0xc2b2_ae3d;
const NS_HEAD: u32 = 0x27d4_eb2f;
const NS_HEAD_BI: u32 = 0x1656_67b1;
const NS_TAIL: u32 = 0xd3a2_646c;
const NS_TAIL_BI: u32 = 0xfd70_46c5;
const NS_FIRST: u32 = 0xb55a_4f09;
const NS_LAST: u32 = 0x7feb_352d;
const NS_STRUCT: u32 = 0x846c_a68b;

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

/// Murmur3's 32-bit finaliser: spreads a hash over all bits.
#[inline]
fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

#[inline]
fn fnv_step(h: u32, c: u32) -> u32 {
    (h ^ c).wrapping_mul(FNV_PRIME)
}

#[inline]
fn ns_hash(ns: u32, h: u32) -> u32 {
    fmix(h ^ ns)
}

#[inline]
fn pair(a: u32, b: u32) -> u32 {
    fmix(a.wrapping_mul(0x9e37_79b9) ^ b.rotate_left(13))
}

fn str_hash(s: &str) -> u32 {
    s.bytes().fold(FNV_OFFSET, |h, b| fnv_step(h, b as u32))
}

/// Lowercases one char cheaply (ASCII fast path; other scripts use the first char of the
/// Unicode lowercase mapping) and folds digits to `0`.
#[inline]
fn norm_char(c: char) -> char {
    if c.is_ascii() {
        if c.is_ascii_digit() {
            '0'
        } else {
            c.to_ascii_lowercase()
        }
    } else if c.is_numeric() {
        '0'
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// Largest index `<= i` on a char boundary of `s`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest index `>= i` on a char boundary of `s`.
fn ceil_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The parts of `text` that are read: the whole text, or its head and tail when it is long.
fn regions(text: &str, head: usize, tail: usize) -> (&str, &str) {
    if text.len() <= head + tail {
        (text, "")
    } else {
        let h = floor_boundary(text, head);
        let t = ceil_boundary(text, text.len() - tail);
        (&text[..h], &text[t..])
    }
}

/// A word token kind: letters/digits form words; any other non-space char is its own token.
#[derive(Clone, Copy, PartialEq)]
enum Tok {
    None,
    Word,
}

/// Calls `emit(word_hash)` for each word token of `s` (normalised), in order.
fn for_each_word(s: &str, mut emit: impl FnMut(u32)) {
    let mut h = FNV_OFFSET;
    let mut len = 0usize;
    let mut state = Tok::None;
    for c in s.chars() {
        if c.is_alphanumeric() || c == '\'' && state == Tok::Word {
            if len < 32 {
                h = fnv_step(h, norm_char(c) as u32);
            }
            len += 1;
            state = Tok::Word;
        } else {
            if state == Tok::Word {
                emit(h);
                h = FNV_OFFSET;
                len = 0;
                state = Tok::None;
            }
            if !c.is_whitespace() {
                // Punctuation and symbols are one-char tokens (`?`, `:`, `{`, `=`, ...).
                emit(fnv_step(FNV_OFFSET ^ 0x55, c as u32));
            }
        }
    }
    if state == Tok::Word {
        emit(h);
    }
}

/// Character 3- and 5-grams of `s` (whitespace runs collapse to one space), with
/// boundary spaces at both ends.
fn for_each_char_gram(s: &str, emit: &mut impl FnMut(Group, u32)) {
    let mut ring = [0u32; 5];
    let mut n = 0usize;
    let mut last_space = false;
    let mut push = |c: u32, ring: &mut [u32; 5], n: &mut usize| {
        ring.copy_within(1..5, 0);
        ring[4] = c;
        *n += 1;
        // Hash suffix-first so the 3-, 4- and 5-gram hashes share work.
        if *n >= 3 {
            let mut h = fnv_step(fnv_step(fnv_step(FNV_OFFSET, ring[4]), ring[3]), ring[2]);
            emit(Group::Body, ns_hash(NS_CHAR, h));
            if *n >= 5 {
                h = fnv_step(fnv_step(h, ring[1]), ring[0]);
                emit(Group::Body, ns_hash(NS_CHAR ^ 5, h));
            }
        }
    };
    push(' ' as u32, &mut ring, &mut n);
    for c in s.chars() {
        if c.is_whitespace() {
            if last_space {
                continue;
            }
            last_space = true;
            push(' ' as u32, &mut ring, &mut n);
        } else {
            last_space = false;
            push(norm_char(c) as u32, &mut ring, &mut n);
        }
    }
    if !last_space {
        push(' ' as u32, &mut ring, &mut n);
    }
}

/// Counts collected in one pass over the lines, for the structure features.
#[derive(Default)]
struct Layout {
    lines: usize,
    nonblank: usize,
    paragraphs: usize,
    long_line_words: usize,
    dialogue_lines: usize,
    speakers_distinct: usize,
    speaker_hashes: [u32; 4],
    code_lines: usize,
    fences: usize,
    bullet_lines: usize,
    option_lines: usize,
    numbers: usize,
    equations: usize,
    question_marks: usize,
    quotes: usize,
    letters: usize,
    non_latin: usize,
    cjk: usize,
    cyrillic: usize,
    arabic_or_hebrew: usize,
    other_script: usize,
    accented: usize,
    colon_fields: usize,
    urls: usize,
}

impl Layout {
    /// Adds the counts of another region (the tail of a long prompt) to these (its head).
    /// Every field is named, so a new field cannot be forgotten here.
    fn merge(&mut self, other: Layout) {
        let Layout {
            lines,
            nonblank,
            paragraphs,
            long_line_words,
            dialogue_lines,
            speakers_distinct,
            speaker_hashes,
            code_lines,
            fences,
            bullet_lines,
            option_lines,
            numbers,
            equations,
            question_marks,
            quotes,
            letters,
            non_latin,
            cjk,
            cyrillic,
            arabic_or_hebrew,
            other_script,
            accented,
            colon_fields,
            urls,
        } = other;
        self.lines += lines;
        self.nonblank += nonblank;
        self.paragraphs += paragraphs;
        self.long_line_words = self.long_line_words.max(long_line_words);
        self.dialogue_lines += dialogue_lines;
        for h in &speaker_hashes[..speakers_distinct] {
            if self.speakers_distinct < 4
                && !self.speaker_hashes[..self.speakers_distinct].contains(h)
            {
                self.speaker_hashes[self.speakers_distinct] = *h;
                self.speakers_distinct += 1;
            }
        }
        self.code_lines += code_lines;
        self.fences += fences;
        self.bullet_lines += bullet_lines;
        self.option_lines += option_lines;
        self.numbers += numbers;
        self.equations += equations;
        self.question_marks += question_marks;
        self.quotes += quotes;
        self.letters += letters;
        self.non_latin += non_latin;
        self.cjk += cjk;
        self.cyrillic += cyrillic;
        self.arabic_or_hebrew += arabic_or_hebrew;
        self.other_script += other_script;
        self.accented += accented;
        self.colon_fields += colon_fields;
        self.urls += urls;
    }
}

fn is_dialogue_line(line: &str) -> Option<&str> {
    // "A: hi", "#Person1#: ...", "Customer: ...", "[10:02] Bob: ...", "Agent - ..." (colon form only)
    let t = line.trim_start_matches(['-', '*', ' ', '>']);
    let t = if t.starts_with('[') {
        match t.find(']') {
            Some(i) => t[i + 1..].trim_start(),
            None => t,
        }
    } else {
        t
    };
    let colon = t.find(':')?;
    if colon == 0 || colon > 28 {
        return None;
    }
    let speaker = &t[..colon];
    let rest = &t[colon + 1..];
    if rest.trim().is_empty() || rest.starts_with("//") {
        return None;
    }
    let words = speaker.split_whitespace().count();
    let first = speaker.chars().next()?;
    if words == 0 || words > 3 || !(first.is_alphabetic() || first == '#') {
        return None;
    }
    if speaker.chars().any(|c| {
        !(c.is_alphanumeric() || c == ' ' || c == '#' || c == '.' || c == '_' || c == '\'')
    }) {
        return None;
    }
    Some(speaker)
}

fn is_bullet_line(t: &str) -> bool {
    let t = t.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") {
        return true;
    }
    let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && digits < 3 && matches!(t.as_bytes().get(digits), Some(b'.') | Some(b')'))
}

fn is_option_line(t: &str) -> bool {
    let b = t.trim_start().as_bytes();
    let (letter, next) = match b {
        [b'(', l, b')', ..] => (*l, b' '),
        [l, n, ..] => (*l, *n),
        _ => return false,
    };
    (b'A'..=b'E').contains(&letter) && matches!(next, b'.' | b')' | b' ') && b.len() > 2
}

fn scan_layout(text: &str) -> Layout {
    let mut l = Layout::default();
    let mut in_para = false;
    let mut in_fence = false;
    for line in text.lines() {
        l.lines += 1;
        let t = line.trim();
        if t.is_empty() {
            in_para = false;
            continue;
        }
        l.nonblank += 1;
        if !in_para {
            l.paragraphs += 1;
            in_para = true;
        }
        if t.starts_with("```") {
            l.fences += 1;
            in_fence = !in_fence;
            continue;
        }
        let words = t.split_whitespace().count();
        l.long_line_words = l.long_line_words.max(words);
        if in_fence || is_code_line(t) {
            l.code_lines += 1;
        }
        if let Some(sp) = is_dialogue_line(t) {
            l.dialogue_lines += 1;
            let h = str_hash(sp);
            if !l.speaker_hashes.contains(&h) && l.speakers_distinct < 4 {
                l.speaker_hashes[l.speakers_distinct] = h;
                l.speakers_distinct += 1;
            }
        } else if t.contains(": ") && words <= 8 {
            l.colon_fields += 1;
        }
        if is_bullet_line(t) {
            l.bullet_lines += 1;
        }
        if is_option_line(t) {
            l.option_lines += 1;
        }
        if t.contains("http://") || t.contains("https://") || t.contains("www.") {
            l.urls += 1;
        }
    }
    let mut prev_digit = false;
    let mut prev_op_after_digit = false;
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            // Fast path for the most common case.
            l.letters += 1;
            prev_digit = false;
            prev_op_after_digit = false;
            continue;
        }
        let d = c.is_ascii_digit();
        if d && !prev_digit {
            l.numbers += 1;
            if prev_op_after_digit {
                l.equations += 1;
            }
        }
        if d {
            prev_op_after_digit = false;
        } else if matches!(c, '+' | '*' | '/' | '^' | '=' | '×' | '÷' | '-' | '<' | '>') {
            prev_op_after_digit = prev_digit || prev_op_after_digit;
        } else if c != ' ' {
            prev_op_after_digit = false;
        }
        prev_digit = d;
        match c {
            '?' | '？' | '¿' => l.question_marks += 1,
            '"' | '“' | '”' | '«' | '»' | '「' | '」' => l.quotes += 1,
            _ => {}
        }
        if !c.is_ascii() && c.is_alphabetic() {
            l.letters += 1;
            {
                let u = c as u32;
                if (0x00C0..=0x024F).contains(&u) {
                    l.accented += 1;
                } else {
                    l.non_latin += 1;
                    if (0x3040..=0x30FF).contains(&u)
                        || (0x4E00..=0x9FFF).contains(&u)
                        || (0xAC00..=0xD7AF).contains(&u)
                    {
                        l.cjk += 1;
                    } else if (0x0400..=0x04FF).contains(&u) {
                        l.cyrillic += 1;
                    } else if (0x0590..=0x06FF).contains(&u) {
                        l.arabic_or_hebrew += 1;
                    } else {
                        l.other_script += 1;
                    }
                }
            }
        }
    }
    l
}

fn bucket(n: usize) -> u32 {
    // 0, 1, 2-3, 4-7, 8-15, ...
    if n == 0 {
        0
    } else {
        usize::BITS - n.leading_zeros()
    }
}

/// Calls `emit(group, hash)` for every feature of `text`. Deterministic, allocation-free, and
/// bounded in time for any input. The hash is a full 32-bit value; the model reduces it to a
/// bucket. This single function is used both for training and for prediction.
pub(super) fn for_each_feature(text: &str, mut emit: impl FnMut(Group, u32)) {
    let (head, tail) = regions(text, HEAD_BYTES, TAIL_BYTES);

    // --- Body + edge words. Head words are counted from the start; tail words need the total.
    let mut total_words = 0usize;
    for_each_word(head, |_| total_words += 1);
    for_each_word(tail, |_| total_words += 1);
    let tail_start = total_words.saturating_sub(TAIL_WORDS);
    let mut i = 0usize;
    let mut prev = 0u32;
    let mut last = 0u32;
    let mut word = |h: u32, boundary: bool| {
        emit(Group::Body, ns_hash(NS_WORD, h));
        if i > 0 && !boundary {
            emit(Group::Body, ns_hash(NS_BIGRAM, pair(prev, h)));
        }
        if i == 0 {
            emit(Group::Edge, ns_hash(NS_FIRST, h));
        }
        if i < HEAD_WORDS {
            emit(Group::Edge, ns_hash(NS_HEAD, h));
            if i > 0 {
                emit(Group::Edge, ns_hash(NS_HEAD_BI, pair(prev, h)));
            }
        }
        if i >= tail_start && total_words > HEAD_WORDS {
            emit(Group::Edge, ns_hash(NS_TAIL, h));
            if i > tail_start {
                emit(Group::Edge, ns_hash(NS_TAIL_BI, pair(prev, h)));
            }
        }
        prev = h;
        last = h;
        i += 1;
    };
    for_each_word(head, |h| word(h, false));
    let mut first_tail = true;
    for_each_word(tail, |h| {
        word(h, first_tail);
        first_tail = false;
    });
    if total_words > 0 {
        emit(Group::Edge, ns_hash(NS_LAST, last));
    }

    // --- Character n-grams over a shorter head and tail.
    let (ch, ct) = regions(text, CHAR_HEAD_BYTES, CHAR_TAIL_BYTES);
    for_each_char_gram(ch, &mut emit);
    if !ct.is_empty() {
        for_each_char_gram(ct, &mut emit);
    }

    // --- Structure.
    let mut flag = |name: &str, v: u32| {
        emit(
            Group::Structure,
            ns_hash(NS_STRUCT, fnv_step(str_hash(name), v)),
        );
    };
    flag("bias", 0);
    let mut l = scan_layout(head);
    if !tail.is_empty() {
        l.merge(scan_layout(tail));
    }
    let words_approx = if tail.is_empty() {
        total_words
    } else {
        total_words * text.len() / (head.len() + tail.len()).max(1)
    };
    flag("words", bucket(words_approx));
    flag("lines", bucket(l.nonblank).min(6));
    flag("paras", l.paragraphs.min(4) as u32);
    // A pasted passage: a long line or paragraph plus something else around it, or a long text.
    let passage = (l.long_line_words >= 35 && (l.paragraphs >= 2 || words_approx >= 60))
        || words_approx >= 120 && l.nonblank >= 3;
    flag("passage", passage as u32);
    if passage {
        let first_line_words = text
            .lines()
            .find(|s| !s.trim().is_empty())
            .map(|s| s.split_whitespace().count())
            .unwrap_or(0);
        // Instruction first (short first line) or passage first.
        flag("passage_instr_first", (first_line_words < 30) as u32);
    }
    flag("dialogue", bucket(l.dialogue_lines).min(4));
    if l.dialogue_lines >= 2 {
        flag("speakers", l.speakers_distinct.min(3) as u32);
    }
    flag("fence", (l.fences > 0) as u32);
    flag("code_lines", bucket(l.code_lines).min(4));
    if l.nonblank >= 3 {
        flag(
            "code_ratio",
            (l.code_lines * 4 / l.nonblank.max(1)).min(4) as u32,
        );
    }
    flag("bullets", bucket(l.bullet_lines).min(4));
    flag("options", (l.option_lines >= 3) as u32);
    flag("numbers", bucket(l.numbers).min(5));
    flag("equations", bucket(l.equations).min(3));
    flag("qmarks", bucket(l.question_marks).min(3));
    let trimmed = text.trim_end();
    flag(
        "ends_q",
        (trimmed.ends_with('?') || trimmed.ends_with('？')) as u32,
    );
    flag("quotes", bucket(l.quotes).min(3));
    flag("colon_fields", bucket(l.colon_fields).min(3));
    flag("urls", (l.urls > 0) as u32);
    if let Some(nl) = (l.non_latin * 8).checked_div(l.letters) {
        flag("non_latin", nl as u32);
        flag("accented", (l.accented * 50 / l.letters).min(4) as u32);
        flag("cjk", (l.cjk > 0) as u32);
        flag("cyrillic", (l.cyrillic > 0) as u32);
        flag("arabic_hebrew", (l.arabic_or_hebrew > 0) as u32);
        flag("other_script", (l.other_script > 0) as u32);
        // Mixed scripts: Latin instruction around a non-Latin passage (translation requests).
        flag(
            "mixed_script",
            (l.non_latin > 3 && l.non_latin + 3 < l.letters - l.accented.min(l.letters)) as u32,
        );
    } else {
        flag("no_letters", 1);
    }
    let upper_start = text.trim_start().chars().next().map(|c| c.is_uppercase());
    flag("starts_upper", upper_start.unwrap_or(false) as u32);
}

/// The code-line test as it was: the signals' frozen reference (the same function).
use crate::signals::reference::is_code_line;

/// `Model::predict_into` as it was, over the reference features.
fn predict_into(m: &Model, text: &str, probs: &mut [f32]) -> f32 {
    let l = m.labels.len();
    let outputs = l + 1;
    let mask = (1u32 << m.log2_buckets) - 1;
    let mut acc = [[0i32; MAX_LABELS + 1]; GROUPS];
    let mut counts = [0u32; GROUPS];
    let w = &m.weights;
    for_each_feature(text, |g, h| {
        let gi = g as usize;
        counts[gi] += 1;
        let base = (h & mask) as usize * outputs;
        let row = &w[base..base + outputs];
        for (a, &x) in acc[gi][..outputs].iter_mut().zip(row) {
            *a += x as i32;
        }
    });
    let mut norms = [0f32; GROUPS];
    for g in 0..GROUPS {
        norms[g] = m.group_weights[g] / (counts[g].max(1) as f32).sqrt();
    }
    let logit = |k: usize| -> f32 {
        let mut s = 0f32;
        for g in 0..GROUPS {
            s += acc[g][k] as f32 * norms[g];
        }
        m.biases[k] + m.scales[k] * s
    };
    let mut max = f32::NEG_INFINITY;
    for (k, p) in probs.iter_mut().take(l).enumerate() {
        *p = logit(k);
        max = max.max(*p);
    }
    let mut sum = 0f32;
    for p in probs.iter_mut().take(l) {
        *p = (*p - max).exp();
        sum += *p;
    }
    for p in probs.iter_mut().take(l) {
        *p /= sum;
    }
    if m.has_complexity {
        let mut z = logit(l);
        if let Some(dw) = &m.difficulty {
            let mut f = [0f32; DIFFICULTY_FEATURES];
            difficulty_features(text, &mut f);
            z += dw.iter().zip(&f).map(|(w, x)| w * x).sum::<f32>();
            z -= m
                .task_offsets
                .iter()
                .zip(probs.iter())
                .map(|(c, p)| c * p)
                .sum::<f32>();
        }
        1.0 / (1.0 + (-z).exp())
    } else {
        0.5
    }
}

mod tests {
    use super::*;
    use crate::classifier::train::Rng;
    use crate::signals::test_texts::test_texts;

    fn stream(f: impl Fn(&str, &mut dyn FnMut(Group, u32)), text: &str) -> Vec<(u8, u32)> {
        let mut v = Vec::new();
        f(text, &mut |g, h| v.push((g as u8, h)));
        v
    }

    /// The fast feature extraction emits exactly the reference's features, in the same order
    /// (training reads them in order, so models it trains stay byte-identical).
    #[test]
    fn features_equal_the_reference_in_order() {
        for text in test_texts(1500) {
            let fast = stream(
                |t, e| crate::classifier::features::for_each_feature(t, e),
                &text,
            );
            let slow = stream(|t, e| for_each_feature(t, e), &text);
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    fn check(m: &Model, texts: &[String]) {
        let l = m.labels().len();
        for text in texts {
            let mut fast = [0f32; MAX_LABELS];
            let mut slow = [0f32; MAX_LABELS];
            let cf = m.predict_into(text, &mut fast);
            let cs = predict_into(m, text, &mut slow);
            let bits = |p: &[f32]| p[..l].iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&fast), bits(&slow), "{text:?}");
            assert_eq!(cf.to_bits(), cs.to_bits(), "{text:?}");
        }
    }

    /// Every score and the complexity of the shipped model are bit-identical to the reference.
    #[test]
    fn shipped_model_scores_are_bit_identical() {
        let m = Model::from_bytes(crate::shipped::CLASSIFIER).unwrap();
        check(&m, &test_texts(1500));
    }

    /// The same for a model with more labels than the padded fast path holds, and for one with
    /// a difficulty head.
    #[test]
    fn other_models_score_bit_identically() {
        let mut rng = Rng::new(7);
        let texts = test_texts(300);
        for labels in [2usize, 15, 16, 40] {
            let names: Vec<String> = (0..labels).map(|i| format!("l{i}")).collect();
            let outputs = labels + 1;
            let w = (0..(1usize << 12) * outputs)
                .map(|_| (rng.below(255) as i32 - 127) as i8)
                .collect();
            let scales = (0..outputs).map(|_| rng.unit() as f32 * 0.05).collect();
            let biases = (0..outputs).map(|_| rng.unit() as f32 - 0.5).collect();
            let m = Model::from_parts(names, 12, true, scales, biases, [1.0, 0.7, 0.4], w).unwrap();
            check(&m, &texts);
            let mut dw = [0f32; DIFFICULTY_FEATURES];
            for x in &mut dw {
                *x = rng.unit() as f32 - 0.5;
            }
            let offsets: Vec<f32> = (0..labels).map(|_| rng.unit() as f32).collect();
            check(
                &m.with_difficulty_head(dw, -0.3, None, &offsets).unwrap(),
                &texts,
            );
        }
    }
}
