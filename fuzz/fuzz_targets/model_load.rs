//! Classifier model loading (crates/routeplay-core/src/classifier/model.rs): arbitrary bytes
//! into `Model::from_bytes`, then, when they load, classify a few prompts. Input: 1 flag byte,
//! then the file. When bit 0 of the flag is set the target writes the correct checksum into
//! the file's last 4 bytes first, so the fuzzer gets past the checksum to the validation of
//! the header, labels, scales and weights.
//!
//! Checks: no panic; a loaded model gives finite probabilities summing to 1 over its labels,
//! a label it knows, a complexity in [0, 1], and survives a save/load round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_core::classifier::Model;

const PROMPTS: [&str; 4] = [
    "",
    "Translate 'good morning' into German",
    "Summarize this thread:\n\nA: hi\nB: hello, the build is red again.\n",
    "```rust\nfn main() { println!(\"日本語 😊\"); }\n```\nWhy does this not compile?",
];

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flag, file)) = data.split_first() else {
        return;
    };
    let mut file = file.to_vec();
    if flag & 1 == 1 && file.len() >= 4 {
        let body = file.len() - 4;
        let sum = fnv1a(&file[..body]);
        file[body..].copy_from_slice(&sum.to_le_bytes());
    }
    let Ok(model) = Model::from_bytes(&file) else {
        return;
    };
    let labels = model.labels().len();
    assert!(labels >= 1);
    for text in PROMPTS {
        let p = model.predict(text);
        assert_eq!(p.scores.len(), labels, "a score per label");
        assert!(
            p.scores
                .values()
                .all(|v| v.is_finite() && (0.0..=1.0).contains(v)),
            "{p:?}"
        );
        let sum: f64 = p.scores.values().sum();
        assert!((sum - 1.0).abs() < 0.01, "scores sum to {sum}: {p:?}");
        assert!(p.scores.contains_key(&p.label));
        assert!((0.0..=1.0).contains(&p.complexity), "{p:?}");
    }
    let again = Model::from_bytes(&model.to_bytes()).expect("a saved model loads");
    assert_eq!(again, model);
});
