//! The port (`detect.rs`) against `whatlang` itself (a dev-dependency with its `dev` feature,
//! which exposes the intermediate scores): the same script, language and confidence (to the
//! bit), and the same alphabet scores, trigram distances and combined scores, on the shipped
//! samples, the project's prompt sets, prefixes of them, a generated corpus in many
//! scripts and languages, and random strings; plus every Unicode char for the per-char rules.

use super::detect::{self, char_script, Script};
use super::*;
use proptest::prelude::*;
use whatlang::dev as wl;

/// `detect_language` as it was, on plain `whatlang::detect`: the reference.
fn reference(text: &str) -> Option<Language> {
    let sample = truncate_at_char_boundary(text, LANGUAGE_SAMPLE_BYTES);
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    let shared_script = matches!(
        info.script(),
        whatlang::Script::Latin
            | whatlang::Script::Cyrillic
            | whatlang::Script::Arabic
            | whatlang::Script::Devanagari
            | whatlang::Script::Hebrew
    );
    if shared_script
        && (letters < LANGUAGE_MIN_LETTERS || info.confidence() < LANGUAGE_MIN_CONFIDENCE)
    {
        return None;
    }
    Some(Language {
        code: info.lang().code().to_string(),
        name: info.lang().eng_name().to_string(),
        script: info.script().name().to_string(),
        confidence: info.confidence(),
        reliable: info.is_reliable(),
    })
}

fn script_of(s: whatlang::Script) -> Script {
    Script::from_name(s.name()).expect("every whatlang script is ported")
}

/// Everything the port computes equals whatlang's, for `text` as given (no sample cut).
/// Returns a description of the first difference.
fn compare(text: &str) -> Result<(), String> {
    let ours = detect::detect(text);
    let theirs = whatlang::detect(text);
    match (&ours, &theirs) {
        (None, None) => {}
        (Some(o), Some(t)) => {
            if o.script != script_of(t.script())
                || o.code() != t.lang().code()
                || o.eng_name() != t.lang().eng_name()
                || o.confidence.to_bits() != t.confidence().to_bits()
                || o.is_reliable() != t.is_reliable()
            {
                return Err(format!("{o:?} vs {t:?}"));
            }
        }
        _ => return Err(format!("{ours:?} vs {theirs:?}")),
    }
    // The intermediate scores of a script many languages write.
    if let Some(wl::RawLangInfo::MultiScript(raw)) = wl::raw_detect(text).lang_info {
        let script = ours.expect("a language").script;
        let mine = detect::combined(text, script);
        let code = |l: u8| super::data::LANG_CODES[l as usize];
        let a: Vec<(&str, usize)> = mine
            .alphabet_raw
            .iter()
            .map(|&(l, s)| (code(l), s))
            .collect();
        let b: Vec<(&str, usize)> = raw
            .alphabet_raw_outcome
            .raw_scores
            .iter()
            .map(|&(l, s)| (l.code(), s))
            .collect();
        if a != b || mine.alphabet_count != raw.alphabet_raw_outcome.count {
            return Err(format!("alphabet scores {a:?} vs {b:?}"));
        }
        let a: Vec<(&str, u32)> = mine.distances.iter().map(|&(l, d)| (code(l), d)).collect();
        let b: Vec<(&str, u32)> = raw
            .trigram_raw_outcome
            .raw_distances
            .iter()
            .map(|&(l, d)| (l.code(), d))
            .collect();
        if a != b || mine.trigrams_count != raw.trigram_raw_outcome.trigrams_count {
            return Err(format!("trigram distances {a:?} vs {b:?}"));
        }
        let a: Vec<(&str, u64)> = mine
            .scores
            .iter()
            .map(|&(l, s)| (code(l), s.to_bits()))
            .collect();
        let b: Vec<(&str, u64)> = raw
            .scores
            .iter()
            .map(|&(l, s)| (l.code(), s.to_bits()))
            .collect();
        if a != b {
            return Err(format!("combined scores {a:?} vs {b:?}"));
        }
    }
    // And the signal itself, cut to the sample as policies see it.
    let (o, t) = (detect_language(text), reference(text));
    let same = match (&o, &t) {
        (Some(a), Some(b)) => a == b && a.confidence.to_bits() == b.confidence.to_bits(),
        (None, None) => true,
        _ => false,
    };
    if !same {
        return Err(format!("detect_language {o:?} vs {t:?}"));
    }
    Ok(())
}

fn assert_all_equal<'a>(what: &str, texts: impl IntoIterator<Item = &'a str>) -> usize {
    let mut n = 0;
    let mut failures = Vec::new();
    for text in texts {
        n += 1;
        if let Err(e) = compare(text) {
            failures.push(format!(
                "{e}\n    text: {:?}",
                text.chars().take(160).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} {what} differ from whatlang:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    n
}

/// Prompt texts of a JSONL file (`"text"` fields).
fn jsonl_texts(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect()
}

fn project_prompts() -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let mut texts = jsonl_texts(crate::shipped::SAMPLES);
    for f in [
        "data/eval/routeplay-eval.jsonl",
        "data/eval/routeplay-fresh.jsonl",
        "data/train/routeplay-own.jsonl",
        "data/train/routeplay-briefs.jsonl",
        "public/samples/conversations.jsonl",
    ] {
        let text = std::fs::read_to_string(format!("{root}{f}")).expect(f);
        texts.extend(jsonl_texts(&text));
    }
    texts
}

#[test]
fn the_samples_and_prompt_sets_give_whatlangs_answers() {
    let texts = project_prompts();
    let n = assert_all_equal("project prompts", texts.iter().map(String::as_str));
    assert!(n > 2_000, "only {n} prompts read");
    // Prefixes of every length class, very short ones included, cut at char boundaries.
    let mut cuts = Vec::new();
    for t in texts.iter().step_by(7) {
        for max in [1, 2, 3, 5, 8, 13, 24, 40, 64, 100, 256] {
            let cut = truncate_at_char_boundary(t, max);
            if cut.len() < t.len() {
                cuts.push(cut);
            }
        }
    }
    assert_all_equal("prompt prefixes", cuts);
    // Upper-cased prompts (the lowercasing) and the samples joined into 4 KB+ texts (the
    // sample cut, trigram counts above 600).
    let upper: Vec<String> = texts.iter().step_by(11).map(|t| t.to_uppercase()).collect();
    assert_all_equal("upper-cased prompts", upper.iter().map(String::as_str));
    let long: Vec<String> = texts.chunks(40).map(|c| c.join("\n\n")).collect();
    assert_all_equal("joined prompts", long.iter().map(String::as_str));
}

/// The 10,000 real prompts of `./x bench` (target/bench/prompts-10k.jsonl), when written.
#[test]
fn the_bench_prompts_give_whatlangs_answers_when_present() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../target/bench/prompts-10k.jsonl"
    );
    if let Ok(text) = std::fs::read_to_string(path) {
        let texts = jsonl_texts(&text);
        assert_all_equal("bench prompts", texts.iter().map(String::as_str));
    }
}

/// A small deterministic generator (xorshift) for the corpus below.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Words made from the languages' own profiles (so that close languages compete), in every
/// ported script, mixed with other scripts, code, emoji, digits and punctuation, at lengths
/// from a few bytes to past the 4 KB sample.
fn generated_corpus() -> Vec<String> {
    use super::data::*;
    let profiles: Vec<&str> = LATIN_PROFILES
        .iter()
        .chain(&CYRILLIC_PROFILES)
        .chain(&ARABIC_PROFILES)
        .chain(&DEVANAGARI_PROFILES)
        .chain(&HEBREW_PROFILES)
        .map(|p| p.1)
        .collect();
    let extras = [
        "fn main() { let x = vec![1, 2, 3]; }",
        "SELECT * FROM users WHERE id = 42;",
        "🙂🚀🔥",
        "👩‍💻",
        "1234.56 + 7/8 = ?",
        "Ελληνικά γράμματα ΣΟΦΙΑΣ ΟΔΟΣ",
        "日本語のテキストです",
        "中文文本测试",
        "한국어 텍스트",
        "ภาษาไทย",
        "ქართული",
        "Հայերեն",
        "ᴫ ᵸ ᴫᵸ",
        "İstanbul'da ÇAĞRI",
        "ǅǈǋ ﬁﬂ Ω K Å",
        "\u{0}\u{7f}\t\r\n",
        "straße STRASSE ẞ",
    ];
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut out = Vec::new();
    for round in 0..1500 {
        let p = profiles[round % profiles.len()];
        let q = profiles[rng.below(profiles.len())];
        let tri: Vec<char> = p.chars().collect();
        let tri2: Vec<char> = q.chars().collect();
        let target = [3, 10, 30, 60, 120, 400, 1000, 3000, 5000][rng.below(9)];
        let mut s = String::new();
        while s.len() < target {
            match rng.below(20) {
                0 => s.push_str(extras[rng.below(extras.len())]),
                1 => {
                    let i = rng.below(300) * 3;
                    s.extend(&tri2[i..i + 3]);
                }
                2 => s.push_str(if rng.below(2) == 0 { ". " } else { ", " }),
                _ => {
                    let i = rng.below(300) * 3;
                    let word: String = tri[i..i + 3].iter().collect();
                    if rng.below(7) == 0 {
                        s.push_str(&word.to_uppercase());
                    } else {
                        s.push_str(&word);
                    }
                }
            }
        }
        out.push(s);
    }
    // Ties: as many chars of one script as of another, and the two chars Latin and
    // Cyrillic both claim, after text that moves either script forward.
    for s in [
        "ab вг",
        "вг ab",
        "ᴫ",
        "ᵸ",
        "абв ᴫᴫᴫᴫ abc",
        "abc ᴫᴫᴫᴫ абв",
        "ааааааааааааааааааааааааааааааааааааа ᴫᴫᴫ bb",
        "аб ᵸ ab ᵸ аб",
        "αβ ab",
        "ab αβ аб",
        "カタ漢字かな",
        "漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字かか",
        "Σ",
        "ΣΑΣ σας ΟΔΟΣ. Σ",
        "hello ΣΑΣ world",
        "",
        " ",
        "...",
    ] {
        out.push(s.to_string());
    }
    out
}

#[test]
fn a_generated_corpus_in_many_scripts_gives_whatlangs_answers() {
    let corpus = generated_corpus();
    assert_all_equal("generated texts", corpus.iter().map(String::as_str));
}

#[test]
fn every_char_has_whatlangs_script_and_lowercase() {
    for c in 0..=0x10FFFFu32 {
        let Some(ch) = char::from_u32(c) else {
            continue;
        };
        let s = ch.to_string();
        // whatlang's script of a lone char (Latin is tried before Cyrillic at the start).
        let theirs = wl::detect_script(&s).map(script_of);
        let ours = if ch.is_ascii() {
            ch.is_ascii_alphabetic().then_some(Script::Latin)
        } else if matches!(ch, '\u{1D2B}' | '\u{1D78}') {
            Some(Script::Latin)
        } else {
            char_script(ch)
        };
        assert_eq!(ours, theirs, "script of U+{c:04X}");
        let mut lower = String::new();
        detect::push_lowercase(ch, &mut |l| lower.push(l));
        assert_eq!(lower, ch.to_lowercase().collect::<String>(), "U+{c:04X}");
    }
}

#[test]
fn the_ported_tables_are_whatlangs() {
    use super::data::*;
    // Language ids are whatlang's `Lang` discriminants, with its codes and names.
    for lang in whatlang::Lang::all() {
        assert_eq!(LANG_CODES[*lang as usize], lang.code());
        assert_eq!(LANG_NAMES[*lang as usize], lang.eng_name());
    }
    assert_eq!(LANG_CODES.len(), whatlang::Lang::all().len());
    // No alphabet lists a letter twice (the port counts each letter once per language).
    for (lang, letters) in LATIN_ALPHABETS.iter().chain(&CYRILLIC_ALPHABETS) {
        let mut v: Vec<char> = letters.chars().collect();
        let n = v.len();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), n, "{}", LANG_CODES[*lang as usize]);
    }
    // The script names and the languages of each script are whatlang's.
    for s in whatlang::Script::all() {
        let ours = script_of(*s);
        assert_eq!(ours.name(), s.name());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// No input panics, and any string gives whatlang's answer.
    #[test]
    fn any_string_gives_whatlangs_answer(s in any::<String>()) {
        prop_assert_eq!(compare(&s), Ok(()));
    }

    /// Strings of letters, spaces and punctuation from the ported scripts (where languages
    /// compete), in any mix and case.
    #[test]
    fn letter_strings_give_whatlangs_answers(
        s in "[a-zA-Zàéèçäöüßñøåœıİ ,.!?'\\-абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґўђјљњћџ Ѐ-ӿ αβγΣσς ءاب-ي ऀ-ॿ א-ת ᴫᵸ 漢字かなカナ]{0,300}"
    ) {
        prop_assert_eq!(compare(&s), Ok(()));
    }
}
