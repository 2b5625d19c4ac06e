//! The files the app ships in `public/`, embedded so that the CLI, the tests and the benchmarks
//! use exactly what the page fetches. The browser app fetches these files instead; items it does
//! not use are dropped by the linker and add nothing to the wasm.

/// The model catalog (`public/catalog.json`).
pub const CATALOG: &str = include_str!("../../../public/catalog.json");

/// The preset policies (`public/policies/*.toml`), as (name, TOML source).
pub const PRESETS: [(&str, &str); 10] = [
    (
        "cost-saver",
        include_str!("../../../public/policies/cost-saver.toml"),
    ),
    (
        "quality-first",
        include_str!("../../../public/policies/quality-first.toml"),
    ),
    (
        "latency-first",
        include_str!("../../../public/policies/latency-first.toml"),
    ),
    (
        "balanced",
        include_str!("../../../public/policies/balanced.toml"),
    ),
    (
        "task-specialist",
        include_str!("../../../public/policies/task-specialist.toml"),
    ),
    (
        "house-first",
        include_str!("../../../public/policies/house-first.toml"),
    ),
    (
        "bedrock-prompt-router",
        include_str!("../../../public/policies/bedrock-prompt-router.toml"),
    ),
    (
        "azure-router-balanced",
        include_str!("../../../public/policies/azure-router-balanced.toml"),
    ),
    (
        "azure-router-quality",
        include_str!("../../../public/policies/azure-router-quality.toml"),
    ),
    (
        "azure-router-cost",
        include_str!("../../../public/policies/azure-router-cost.toml"),
    ),
];

/// The sample prompt set (`public/samples/prompts.jsonl`).
pub const SAMPLES: &str = include_str!("../../../public/samples/prompts.jsonl");

/// The task classifier (`public/model/task-classifier.bin`).
pub static CLASSIFIER: &[u8] = include_bytes!("../../../public/model/task-classifier.bin");
