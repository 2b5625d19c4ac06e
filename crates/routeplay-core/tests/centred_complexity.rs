//! The shipped model's complexity column **centred per task** (model format 2 with zero
//! difficulty weights and one task offset per label; `Model::with_complexity_centred_per_task`,
//! `routeplay eval --complexity --center-previous`; measured and *not shipped*, see
//! docs/model-card.md, Complexity): the task outputs stay the shipped model's bit for bit, and
//! complexity restates the task much less.

use routeplay_core::classifier::complexity::eta_squared;
use routeplay_core::classifier::model::FORMAT_VERSION_DIFFICULTY;
use routeplay_core::classifier::Model;
use routeplay_core::shipped::{CLASSIFIER, SAMPLES};
use routeplay_core::simulate::parse_prompt_set;

/// FNV-1a over the bits of every task probability (`predict_into`, label order) of the 220
/// samples, from the shipped model (format 1, 2026-12-02).
const SHIPPED_TASK_DIGEST: u64 = 0xcef3_f35d_7426_a8cd;

/// The shipped model centred per task on the project's own labelled training rows
/// (data/train: the CLI measurement uses ../shared/datasets too, which tests may not read).
fn centred() -> Model {
    let model = Model::from_bytes(CLASSIFIER).unwrap();
    let labels: Vec<String> = model.labels().to_vec();
    let mut rows: Vec<(String, usize)> = Vec::new();
    for file in ["routeplay-own.jsonl", "routeplay-briefs.jsonl"] {
        let text = std::fs::read_to_string(format!(
            "{}/../../data/train/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let set = parse_prompt_set(&text);
        for (_, r) in set.prompts {
            if let Some(k) = r
                .label
                .as_ref()
                .and_then(|l| labels.iter().position(|x| x == l))
            {
                rows.push((r.text, k));
            }
        }
    }
    assert!(rows.len() > 2500, "{} rows", rows.len());
    let (centred, _) = model
        .with_complexity_centred_per_task(rows.iter().map(|(t, k)| (t.as_str(), *k)))
        .unwrap();
    centred
}

fn task_digest(model: &Model) -> u64 {
    let set = parse_prompt_set(SAMPLES);
    assert_eq!(set.prompts.len(), 220);
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut probs = [0f32; 11];
    for (_, r) in &set.prompts {
        model.predict_into(&r.text, &mut probs);
        for p in probs {
            for b in p.to_bits().to_le_bytes() {
                h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    h
}

#[test]
fn centring_keeps_the_task_scores_bit_for_bit_and_survives_a_write_and_read() {
    let shipped = Model::from_bytes(CLASSIFIER).unwrap();
    assert_eq!(shipped.labels().len(), 11);
    assert_eq!(task_digest(&shipped), SHIPPED_TASK_DIGEST);
    let bytes = centred().to_bytes();
    assert_eq!(&bytes[4..6], &FORMAT_VERSION_DIFFICULTY.to_le_bytes());
    let model = Model::from_bytes(&bytes).unwrap();
    let d = task_digest(&model);
    assert_eq!(d, SHIPPED_TASK_DIGEST, "digest {d:#x}");
}

/// On the labelled eval set (460 prompts, 11 labels) the task label explains much less of the
/// centred complexity's variance than of the shipped column's (η² 0.353 shipped; 0.199 centred
/// on all labelled rows, see docs/model-card.md).
#[test]
fn centred_complexity_restates_the_task_much_less_than_the_shipped_column() {
    let eta = |model: &Model| eta_on_eval_set(model);
    let shipped = eta(&Model::from_bytes(CLASSIFIER).unwrap());
    let model = centred();
    let centred_eta = eta(&model);
    assert!(shipped > 0.3, "shipped η² {shipped}");
    assert!(
        centred_eta < 0.75 * shipped,
        "centred η² {centred_eta}, shipped {shipped}"
    );
}

fn eta_on_eval_set(model: &Model) -> f64 {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/eval/routeplay-eval.jsonl"
    ))
    .unwrap();
    let set = parse_prompt_set(&text);
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let labelled: Vec<(f64, String)> = set
        .prompts
        .iter()
        .filter_map(|(_, r)| Some((model.predict(&r.text).complexity, r.label.clone()?)))
        .collect();
    assert_eq!(labelled.len(), 460);
    let scores: Vec<f64> = labelled.iter().map(|x| x.0).collect();
    let groups: Vec<&str> = labelled.iter().map(|x| x.1.as_str()).collect();
    eta_squared(&scores, &groups)
}
