//! Properties of the classifier that can fail: on arbitrary strings (a seeded generator, no extra
//! dependencies; `fuzz/fuzz_targets/model_load.rs` and `policy.rs` explore further with
//! coverage guidance) prediction is a probability distribution whose label is its argmax, work is
//! bounded, digits are folded and the unread middle of a long prompt is ignored; model loading
//! rejects random and corrupted bytes; the shipped file round-trips byte for byte; and its
//! metrics on the committed eval sets are pinned to the figures in `docs/model-card.md`.

use routeplay_core::classifier::features::{for_each_feature, HEAD_BYTES, TAIL_BYTES};
use routeplay_core::classifier::train::Rng;
use routeplay_core::classifier::{Confusion, Model};
use routeplay_core::shipped::CLASSIFIER as SHIPPED;

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

fn feature_count(t: &str) -> usize {
    let mut n = 0usize;
    for_each_feature(t, |_, _| n += 1);
    n
}

#[test]
fn predictions_are_distributions_with_bounded_work_on_random_strings() {
    let model = Model::from_bytes(SHIPPED).expect("shipped model loads");
    let mut rng = Rng::new(7);
    let mut most_features = 0;
    for _ in 0..6_000 {
        let t = random_text(&mut rng);
        // Bounded work: a long prompt is read only in its head and tail.
        let n = feature_count(&t);
        most_features = most_features.max(n);
        assert!(n < 12_000, "{n} features for a {}-byte prompt", t.len());
        let p = model.predict(&t);
        let sum: f64 = p.scores.values().sum();
        assert!((sum - 1.0).abs() < 0.01, "scores sum {sum} for {t:?}");
        assert!((0.0..=1.0).contains(&p.complexity));
        let best = p.scores.values().cloned().fold(f64::MIN, f64::max);
        assert_eq!(
            p.scores[&p.label], best,
            "the label is not the most probable one"
        );
        // Digits are folded: changing every ASCII digit changes nothing.
        let shifted: String = t
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => char::from_digit((d + 3) % 10, 10).unwrap(),
                _ => c,
            })
            .collect();
        assert_eq!(model.predict(&shifted), p, "digits not folded in {t:?}");
    }
    println!("most features of one random prompt: {most_features}");
}

#[test]
fn the_unread_middle_of_a_long_prompt_does_not_matter() {
    let model = Model::from_bytes(SHIPPED).unwrap();
    let mut rng = Rng::new(3);
    for _ in 0..200 {
        // A random start and end, each padded past what is read of it, ...
        let mut head = format!("{}\n", random_text(&mut rng));
        while head.len() <= HEAD_BYTES {
            head.push_str("Some plain filler words in the head.\n");
        }
        let mut tail = String::from("\n");
        while tail.len() <= TAIL_BYTES {
            tail.push_str("Filler words before the end. ");
        }
        tail.push_str(&random_text(&mut rng));
        tail.push('.');
        // ... around two different middles of equal length.
        let len = 1 + rng.below(20_000);
        let m1: String = "lorem ipsum dolor ".chars().cycle().take(len).collect();
        let m2: String = "0123456789 \n abc: ".chars().cycle().take(len).collect();
        let t1 = format!("{head}{m1}{tail}");
        let t2 = format!("{head}{m2}{tail}");
        assert_eq!(
            model.predict(&t1),
            model.predict(&t2),
            "head {head:?} tail {tail:?}"
        );
    }
}

#[test]
fn loading_rejects_random_and_corrupted_bytes() {
    let mut rng = Rng::new(11);
    // Random blobs, some with the right magic and versions.
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
        assert!(Model::from_bytes(&b).is_err(), "{b:?}");
    }
    // Every truncation point near the start, random ones after it, and one flipped bit.
    for cut in (0..600).chain((0..300).map(|_| rng.below(SHIPPED.len()))) {
        assert!(Model::from_bytes(&SHIPPED[..cut]).is_err(), "cut at {cut}");
    }
    for _ in 0..50 {
        let mut b = SHIPPED.to_vec();
        let i = rng.below(b.len());
        b[i] ^= 1 << rng.below(8);
        assert!(
            Model::from_bytes(&b).is_err(),
            "bit flip at {i} not detected"
        );
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
            // A mutation that still loads (e.g. a changed scale) must still predict sanely.
            let p = m.predict("Summarize this: the cat sat on the mat.");
            assert!(p.scores.values().all(|v| v.is_finite()), "{p:?}");
            assert!((p.scores.values().sum::<f64>() - 1.0).abs() < 0.01, "{p:?}");
        }
    }
}

#[test]
fn the_shipped_file_round_trips_byte_for_byte() {
    let model = Model::from_bytes(SHIPPED).unwrap();
    assert_eq!(
        model.to_bytes(),
        SHIPPED,
        "saving the loaded model changes the file"
    );
    assert_eq!(Model::from_bytes(&model.to_bytes()).unwrap(), model);
}

/// The figures of one eval set in the model card: (macro-F1, accuracy, per-class F1).
struct CardFigures {
    macro_f1: f64,
    accuracy: f64,
    per_class: Vec<(String, f64)>,
}

/// Reads column `col` (0 = routeplay-eval, 1 = routeplay-fresh) of the card's metric tables.
fn card_figures(col: usize) -> CardFigures {
    let card = include_str!("../../../docs/model-card.md");
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('*').to_string())
            .collect()
    };
    let number = |line: &str| -> f64 {
        let c = cells(line);
        c[col + 1]
            .parse()
            .unwrap_or_else(|_| panic!("no figure in {line:?}"))
    };
    let row = |name: &str| -> f64 {
        number(
            card.lines()
                .find(|l| l.starts_with(&format!("| {name} |")))
                .unwrap_or_else(|| panic!("no {name} row in the model card")),
        )
    };
    let per_class_table = card
        .split("Per-class F1:")
        .nth(1)
        .expect("a per-class F1 table in the model card");
    let per_class = per_class_table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| (cells(l)[0].clone(), number(l)))
        .collect();
    CardFigures {
        macro_f1: row("macro-F1"),
        accuracy: row("accuracy"),
        per_class,
    }
}

fn measure(jsonl: &str) -> Confusion {
    let model = Model::from_bytes(SHIPPED).unwrap();
    let mut pairs = Vec::new();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let p = model.predict(v["text"].as_str().unwrap());
        pairs.push((v["label"].as_str().unwrap().to_string(), p.label));
    }
    Confusion::from_pairs(pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())))
}

/// The shipped model's metrics on its own eval sets stay within 0.01 of the model card. A
/// retrain changes both: update the card's Evaluation tables with the new `routeplay eval`
/// figures in the same commit as the model.
fn assert_pinned(name: &str, jsonl: &str, col: usize, n: usize) {
    let card = card_figures(col);
    let c = measure(jsonl);
    assert_eq!(c.total(), n, "{name}: prompt count changed");
    let near = |what: &str, got: f64, want: f64| {
        assert!(
            (got - want).abs() <= 0.01,
            "{name}: {what} is {got:.4}, the model card says {want:.4}"
        );
    };
    near("macro-F1", c.macro_f1(), card.macro_f1);
    near("accuracy", c.accuracy(), card.accuracy);
    let per_class = c.per_class();
    assert_eq!(
        card.per_class.len(),
        per_class.len(),
        "{name}: labels in the card's per-class table"
    );
    for (label, want) in &card.per_class {
        let got = per_class
            .iter()
            .find(|s| &s.label == label)
            .unwrap_or_else(|| panic!("{name}: no class {label}"));
        near(&format!("F1 of {label}"), got.f1, *want);
    }
    println!(
        "{name}: macro-F1 {:.4} accuracy {:.4} (card {:.4} / {:.4})",
        c.macro_f1(),
        c.accuracy(),
        card.macro_f1,
        card.accuracy
    );
}

#[test]
fn metrics_on_routeplay_eval_match_the_model_card() {
    assert_pinned(
        "routeplay-eval",
        include_str!("../../../data/eval/routeplay-eval.jsonl"),
        0,
        460,
    );
}

#[test]
fn metrics_on_routeplay_fresh_match_the_model_card() {
    assert_pinned(
        "routeplay-fresh",
        include_str!("../../../data/eval/routeplay-fresh.jsonl"),
        1,
        132,
    );
}
