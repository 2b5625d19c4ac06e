//! Property tests of the classifier, with a seeded generator (no extra dependencies): feature
//! extraction and prediction on arbitrary strings, and model loading on arbitrary and corrupted
//! bytes, must never panic. The case counts are printed (`cargo test -- --nocapture`).

use routeplay_core::classifier::clean::stable_hash;
use routeplay_core::classifier::features::for_each_feature;
use routeplay_core::classifier::train::Rng;
use routeplay_core::classifier::{Confusion, Model};

static SHIPPED: &[u8] = include_bytes!("../../../public/model/task-classifier.bin");

const POOL: &[char] = &[
    'a',
    'b',
    'z',
    'A',
    'Q',
    ' ',
    ' ',
    ' ',
    '\n',
    '\n',
    '\r',
    '\t',
    ':',
    '#',
    '`',
    '{',
    '}',
    '(',
    ')',
    ';',
    '=',
    '+',
    '-',
    '*',
    '/',
    '?',
    '!',
    '.',
    ',',
    '"',
    '\'',
    '0',
    '1',
    '9',
    'é',
    'ß',
    'ø',
    'ж',
    'я',
    '日',
    '本',
    '語',
    '한',
    'ع',
    'א',
    'ग',
    '😊',
    '\u{200b}',
    '\u{301}',
    '\u{0}',
    '\u{feff}',
    '\u{10ffff}',
    '«',
    '»',
    '？',
    '¿',
    '×',
    '÷',
    '①',
    '٣',
    'Ⅻ',
];

const FRAGMENTS: &[&str] = &[
    "A: hi\n",
    "B: hello there\n",
    "```python\n",
    "def f(x):\n",
    "```\n",
    "Summarize this:\n\n",
    "Translate into French: ",
    "1. ",
    "- ",
    "(A) ",
    "B) ",
    "https://x.io ",
    "3+4=7 ",
    "Answer:",
    "#Person1#: ",
    "\n\n",
    "?",
    "Q: ",
    "     ",
];

fn random_text(rng: &mut Rng) -> String {
    let len = match rng.below(10) {
        0 => 0,
        1..=6 => rng.below(200),
        7 | 8 => rng.below(3000),
        _ => rng.below(20_000),
    };
    let mut s = String::new();
    while s.len() < len {
        if rng.below(8) == 0 {
            s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        } else if rng.below(50) == 0 {
            s.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x'));
        } else {
            s.push(POOL[rng.below(POOL.len())]);
        }
    }
    s
}

#[test]
fn features_and_predict_never_panic_on_random_strings() {
    let model = Model::from_bytes(SHIPPED).expect("shipped model loads");
    let mut rng = Rng::new(7);
    let cases = 20_000;
    let mut total = 0usize;
    for _ in 0..cases {
        let t = random_text(&mut rng);
        for_each_feature(&t, |_, h| total = total.wrapping_add(h as usize & 1));
        let p = model.predict(&t);
        let sum: f64 = p.scores.values().sum();
        assert!((sum - 1.0).abs() < 0.01, "scores sum {sum} for {t:?}");
        assert!((0.0..=1.0).contains(&p.complexity));
        assert!(p.scores.contains_key(&p.label));
    }
    println!("property: {cases} random strings featurised and classified without panic");
}

#[test]
fn loading_never_panics_on_random_or_corrupted_bytes() {
    let mut rng = Rng::new(11);
    let mut cases = 0usize;
    // Random blobs, some with the right magic.
    for _ in 0..20_000 {
        let n = rng.below(600);
        let mut b: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
        if rng.below(2) == 0 && b.len() >= 4 {
            b[..4].copy_from_slice(b"RPTC");
            if b.len() >= 8 {
                b[4] = 1;
                b[5] = 0;
                b[6] = 1;
                b[7] = 0;
            }
        }
        assert!(Model::from_bytes(&b).is_err());
        cases += 1;
    }
    // Truncations of the real model at random points.
    for _ in 0..300 {
        let cut = rng.below(SHIPPED.len());
        assert!(Model::from_bytes(&SHIPPED[..cut]).is_err());
        cases += 1;
    }
    // Header mutations with a recomputed checksum, so validation past the checksum runs.
    let header = 400.min(SHIPPED.len() - 4);
    for _ in 0..300 {
        let mut b = SHIPPED.to_vec();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(header);
            b[i] = rng.next_u64() as u8;
        }
        let body = b.len() - 4;
        let sum = b[..body].iter().fold(0x811c_9dc5u32, |h, &x| {
            (h ^ x as u32).wrapping_mul(0x0100_0193)
        });
        b[body..].copy_from_slice(&sum.to_le_bytes());
        if let Ok(m) = Model::from_bytes(&b) {
            // A mutation that still parses (e.g. a changed scale) must still predict sanely.
            let p = m.predict("Summarize this: the cat sat on the mat.");
            assert!(p.scores.values().all(|v| v.is_finite()));
        }
        cases += 1;
    }
    println!("property: {cases} random/corrupted model files rejected or loaded without panic");
}

#[test]
fn shipped_model_is_sane_on_the_project_eval_set() {
    let model = Model::from_bytes(SHIPPED).unwrap();
    assert_eq!(model.labels().len(), 11);
    assert!(model.has_complexity());
    let data = include_str!("../../../data/eval/routeplay-eval.jsonl");
    let mut pairs = Vec::new();
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let p = model.predict(v["text"].as_str().unwrap());
        pairs.push((v["label"].as_str().unwrap().to_string(), p.label));
    }
    assert!(pairs.len() >= 440);
    let c = Confusion::from_pairs(pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())));
    assert!(c.macro_f1() > 0.8, "macro-F1 {} on data/eval", c.macro_f1());
}

#[test]
fn predictions_are_deterministic() {
    let model = Model::from_bytes(SHIPPED).unwrap();
    let t = "Translate 'good morning' into German";
    assert_eq!(model.predict(t), model.predict(t));
    assert_eq!(model.predict(t).label, "translation");
    assert_eq!(stable_hash("abc"), stable_hash("abc"));
}
