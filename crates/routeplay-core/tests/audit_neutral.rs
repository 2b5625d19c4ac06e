//! The neutral counterfactual of every shipped preset (golden files), its semantics on
//! constructed policies, and a randomized check that an audit never panics on any policy.
//!
//! Regenerate the golden files after an intended change:
//! `UPDATE_GOLDEN=1 cargo test -p routeplay-core --test audit_neutral`.

use proptest::prelude::*;
use routeplay_core::audit::{audit, neutral, AuditOptions, House, RemovalKind};
use routeplay_core::catalog::Catalog;
use routeplay_core::policy::Policy;
use routeplay_core::shipped::{CATALOG, PRESETS};
use routeplay_core::simulate::{read_prompt_set, ReadOptions, RunConfig, TaskSource};
use std::path::PathBuf;
use std::sync::Arc;

fn catalog() -> Catalog {
    Catalog::from_json(CATALOG).unwrap()
}

/// The houses each preset is audited for in the golden files: Google for every preset, plus
/// the platform's house for the platform-router presets.
fn houses(preset: &str) -> Vec<&'static str> {
    let mut h = vec!["google"];
    if preset.contains("bedrock") {
        h.push("amazon");
    }
    if preset.contains("azure") {
        h.push("microsoft");
    }
    if preset.contains("bedrock") {
        h.push("amazon,bedrock");
    }
    if preset.contains("azure") {
        h.push("microsoft,azure");
    }
    if preset.contains("vertex") {
        h.push("provider:vertex");
    }
    h
}

fn check_golden(name: &str, text: &str) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "golden", "audit", name]
        .iter()
        .collect();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert_eq!(text, want, "{name} differs from its golden file");
}

#[test]
fn neutral_counterfactual_of_every_preset_matches_its_golden_file() {
    let catalog = catalog();
    for (name, source) in PRESETS.iter() {
        let policy = Policy::load(source, &catalog).unwrap().0;
        for spec in houses(name) {
            let house = House::parse(spec, &catalog).unwrap();
            let n = neutral(&policy, &house, &catalog).unwrap();
            let file = format!("{name}.{}.toml", spec.replace(':', "-"));
            check_golden(&file, &n.toml);
            // The neutral policy of the neutral policy removes nothing more.
            let again = neutral(&n.policy, &house, &catalog).unwrap();
            assert!(again.removed.is_empty(), "{file}: {:?}", again.removed);
            // Nothing the neutral policy keeps restricts models to the house.
            for r in &n.policy.rules {
                let f = &r.filters;
                assert!(!f.allow_makers.iter().any(|m| house.has_maker(m)), "{file}");
                assert!(
                    !f.allow_providers.iter().any(|p| house.has_provider(p)),
                    "{file}"
                );
                assert!(!f.deny_makers.iter().any(|m| house.has_maker(m)), "{file}");
            }
        }
    }
}

#[test]
fn house_first_for_google_loses_exactly_its_house_rule() {
    let catalog = catalog();
    let src = PRESETS.iter().find(|p| p.0 == "house-first").unwrap().1;
    let policy = Policy::load(src, &catalog).unwrap().0;
    let house = House::parse("google", &catalog).unwrap();
    let n = neutral(&policy, &house, &catalog).unwrap();
    assert_eq!(n.removed.len(), 1);
    assert_eq!(n.removed[0].kind, RemovalKind::Rule);
    assert_eq!(n.removed[0].rule, "house model when good enough");
    let names: Vec<&str> = n.policy.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["hard prompts elsewhere", "default"]);
    // For another house the policy is unchanged apart from its name.
    let openai = House::parse("openai", &catalog).unwrap();
    let same = neutral(&policy, &openai, &catalog).unwrap();
    assert!(same.removed.is_empty());
    assert_eq!(same.policy.rules.len(), policy.rules.len());
}

#[test]
fn neutral_drops_allow_lists_naming_the_house_and_house_names_in_deny_lists() {
    let catalog = catalog();
    let src = r#"name = "mixed"

[constraints]
allow_makers = ["google", "anthropic"]
deny_providers = ["local"]

[[rule]]
name = "no google for code"
when = 'task == "code"'
deny_makers = ["google", "xai"]
objective = "best_quality"

[[rule]]
name = "gemini for planning"
when = 'task == "planning"'
candidates = ["gemini-2.5-pro", "gemini-3.1-pro-preview"]
objective = "best_quality"
min_quality = 80

[[rule]]
name = "gemini on vertex for chat"
when = 'task == "chat"'
candidates = ["vertex/gemini-2.5-flash", "vertex/gemini-2.5-pro"]
objective = "cheapest"

[[rule]]
name = "specialists"
when = 'task == "translation"'
candidates = ["gemini-2.5-pro", "mistral-large-3"]
objective = "best_quality"

[default]
candidates = ["gemini-2.5-flash", "gemini-2.5-pro"]
objective = "cheapest"
"#;
    let policy = Policy::load(src, &catalog).unwrap().0;
    let house = House::parse("google", &catalog).unwrap();
    let n = neutral(&policy, &house, &catalog).unwrap();
    let kinds: Vec<(&str, &RemovalKind)> = n
        .removed
        .iter()
        .map(|r| (r.rule.as_str(), &r.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("[constraints]", &RemovalKind::AllowMakers),
            ("no google for code", &RemovalKind::DenyMakers),
            ("gemini for planning", &RemovalKind::Rule),
            ("gemini on vertex for chat", &RemovalKind::Candidates),
            ("default", &RemovalKind::Candidates),
        ]
    );
    let rules = &n.policy.rules;
    assert_eq!(rules.len(), 4);
    // deny_makers keeps xai; the constraint's deny_providers stays everywhere.
    assert_eq!(rules[0].filters.deny_makers, ["xai"]);
    assert!(rules.iter().all(|r| r.filters.allow_makers.is_empty()));
    assert!(rules.iter().all(|r| r.filters.deny_providers == ["local"]));
    // A mixed candidate list is kept; the default's house-only list is gone.
    assert!(n
        .toml
        .contains("candidates = [\"gemini-2.5-pro\", \"mistral-large-3\"]"));
    // A house-only pool with no floor is a routing rule: kept, its pool widened to every model
    // on the platform it is served on (Vertex is not the house here: `google` is).
    assert_eq!(rules[1].name, "gemini on vertex for chat");
    assert_eq!(rules[1].filters.allow_providers, ["vertex"]);
    for r in [&rules[1], &rules[3]] {
        assert!(matches!(
            &r.action,
            routeplay_core::policy::Action::Pick {
                candidates: None,
                ..
            }
        ));
    }
    // The default's candidates are served by Google itself: no provider restriction stays.
    assert!(rules[3].filters.allow_providers.is_empty());
    // A default pinned to a house model is kept and said so.
    let pinned = Policy::load(
        "name = \"p\"\n[default]\nmodel = \"gemini-2.5-flash\"\n",
        &catalog,
    )
    .unwrap()
    .0;
    let n = neutral(&pinned, &house, &catalog).unwrap();
    assert!(n.removed.is_empty());
    assert_eq!(n.kept.len(), 1);
    assert!(n
        .toml
        .contains("# kept: rule `default` is pinned to the house model"));
}

#[test]
fn unknown_house_names_get_a_did_you_mean() {
    let catalog = catalog();
    let e = House::parse("gogle", &catalog).unwrap_err();
    assert!(
        e.message.contains("did you mean `google`?"),
        "{}",
        e.message
    );
    let e = House::parse("maker:groq", &catalog).unwrap_err();
    assert!(e.message.contains("not a maker"), "{}", e.message);
    assert!(House::parse(" , ", &catalog)
        .unwrap_err()
        .message
        .contains("empty"));
    let e = House::parse("vendor:google", &catalog).unwrap_err();
    assert!(e.message.contains("unknown prefix"), "{}", e.message);
    // A name that is both a maker and a provider is both; prefixes pick one.
    let h = House::parse("Google", &catalog).unwrap();
    assert_eq!(
        (h.makers.as_slice(), h.providers.as_slice()),
        (&["google".to_string()][..], &["google".to_string()][..])
    );
    let h = House::parse("provider:groq,meta", &catalog).unwrap();
    assert_eq!(h.providers, ["groq"]);
    assert_eq!(h.makers, ["meta"]);
    assert!(h.contains(catalog.get("groq/gpt-oss-120b").unwrap()));
    assert!(h.contains(catalog.get("local/llama-3.1-8b").unwrap()));
    assert!(!h.contains(catalog.get("gpt-5.5").unwrap()));
    assert_eq!(House::parse(&h.spec(&catalog), &catalog).unwrap(), h);
    // Presets: one per maker or provider, each with its models.
    let presets = House::presets(&catalog);
    let google = presets.iter().find(|p| p.id == "google").unwrap();
    assert_eq!(google.kind, "maker and provider");
    let want = catalog
        .models
        .iter()
        .filter(|m| m.maker == "google" || m.provider == "google")
        .count();
    assert!(want >= 3);
    assert_eq!(google.models, want);
    assert!(presets
        .iter()
        .any(|p| p.id == "groq" && p.kind == "provider"));
    assert!(presets.iter().any(|p| p.id == "meta" && p.kind == "maker"));
    for p in &presets {
        assert!(p.models > 0, "{}", p.id);
        assert_eq!(House::parse(&p.id, &catalog).unwrap(), p.house);
    }
}

const NAMES: [&str; 8] = [
    "google",
    "openai",
    "anthropic",
    "local",
    "groq",
    "meta",
    "xai",
    "gemini-2.5-pro",
];

fn list(v: Vec<usize>) -> String {
    let items: Vec<String> = v
        .iter()
        .map(|&i| format!("\"{}\"", NAMES[i % NAMES.len()]))
        .collect();
    format!("[{}]", items.join(", "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any policy built from house-naming lists, candidate lists, pinned models and splits
    /// audits without a panic, its neutral policy parses, and the measures stay in range.
    #[test]
    fn audit_never_panics_on_arbitrary_policies(
        rules in proptest::collection::vec(
            (0usize..6, proptest::collection::vec(0usize..8, 0..4), 0usize..4, 0u8..100),
            0..5,
        ),
        house in 0usize..7,
    ) {
        let catalog = catalog();
        let models = ["gemini-2.5-pro", "gemini-2.5-flash", "gpt-5-mini", "claude-haiku-4.5"];
        let mut src = String::from("name = \"random\"\n");
        for (i, (kind, names, model, q)) in rules.iter().enumerate() {
            src.push_str(&format!("\n[[rule]]\nname = \"r{i}\"\nwhen = 'complexity > 0.{q}'\n"));
            match kind {
                0 => src.push_str(&format!("allow_makers = {}\nobjective = \"cheapest\"\n", list(names.clone()))),
                1 => src.push_str(&format!("deny_makers = {}\nobjective = \"best_quality\"\n", list(names.clone()))),
                2 => src.push_str(&format!("allow_providers = {}\nobjective = \"fastest\"\n", list(names.clone()))),
                3 => src.push_str(&format!("model = \"{}\"\n", models[*model])),
                4 => src.push_str(&format!("split = [{{ model = \"{}\", weight = 1 }}, {{ model = \"gemini-2.5-flash\", weight = 2 }}]\n", models[*model])),
                _ => src.push_str(&format!("candidates = [\"{}\", \"gemini-2.5-pro\"]\nobjective = \"weighted\"\nmin_quality = {q}\n", models[*model])),
            }
        }
        src.push_str("\n[default]\nobjective = \"cheapest\"\n");
        // Policies the checker rejects (e.g. no eligible model) are not audited, as in the CLI.
        let Ok((policy, _)) = Policy::load(&src, &catalog) else { return Ok(()); };
        let house = House::parse(NAMES[house], &catalog);
        let Ok(house) = house else { return Ok(()); };
        let n = neutral(&policy, &house, &catalog);
        prop_assert!(n.is_ok(), "{src}");
        let set = Arc::new(read_prompt_set(
            "hello\nPlan a product launch with milestones and risks for a team of five.\nwrite a python function to sort a list\n",
            &ReadOptions::default(),
        ).unwrap());
        let options = AuditOptions { resamples: 20, ..AuditOptions::default() };
        let r = audit(set, policy, house, vec![], catalog, RunConfig { metadata: Default::default(), tasks: TaskSource::default() }, options);
        prop_assert!(r.is_ok());
        let r = r.unwrap();
        let m = &r.comparisons[0].overall;
        prop_assert!(m.steered <= m.prompts && m.dominated <= m.steered);
        prop_assert!((0.0..=1.0).contains(&m.steered_share.value));
        prop_assert!(!r.card_markdown().is_empty() && !r.card_json().is_empty());
    }
}
