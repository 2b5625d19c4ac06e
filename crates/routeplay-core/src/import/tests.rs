use super::*;
use crate::export::{self, Options, Target};
use crate::shipped::{CATALOG, PRESETS};

#[test]
fn a_hand_written_portkey_config_imports_with_its_metadata_declared() {
    let c = Catalog::from_json(CATALOG).unwrap();
    let cfg = r#"{"strategy": {"mode": "conditional",
      "conditions": [{"query": {"$and": [{"metadata.user_tier": {"$eq": "pro"}}, {"metadata.task": {"$in": ["code", "math_reasoning"]}}]}, "then": "strong"}],
      "default": "cheap"},
     "targets": [{"name": "strong", "strategy": {"mode": "fallback", "on_status_codes": [429]},
                  "targets": [{"provider": "openai", "override_params": {"model": "gpt-5.5"}},
                              {"provider": "anthropic", "override_params": {"model": "claude-opus-5"}}]},
                 {"name": "cheap", "provider": "openai", "override_params": {"model": "gpt-5-mini"}}]}"#;
    let i = import(Source::Portkey, cfg, "prod", &c).unwrap();
    assert!(i.policy.contains("user_tier = \"\""), "{}", i.policy);
    assert!(
        i.policy
            .contains(r#"when = 'meta.user_tier == "pro" && task in ["code", "math_reasoning"]'"#),
        "{}",
        i.policy
    );
    assert!(i.policy.contains("fallbacks = [\"claude-opus-5\"]"));
    assert_eq!(i.rules.len(), 2);
    assert_eq!(i.rules[0].fidelity.kind(), "approximate"); // on_status_codes not kept
}

#[test]
fn a_portkey_config_with_an_unknown_model_is_reported_not_lost() {
    let c = Catalog::from_json(CATALOG).unwrap();
    let cfg = r#"{"strategy": {"mode": "conditional", "conditions": [{"query": {"metadata.task": {"$eq": "code"}}, "then": "x"}], "default": "d"},
      "targets": [{"name": "x", "override_params": {"model": "no-such-model"}}, {"name": "d", "override_params": {"model": "gpt-5-mini"}}]}"#;
    let i = import(Source::Portkey, cfg, "p", &c).unwrap();
    assert_eq!(i.rules[0].fidelity.kind(), "dropped");
    assert!(matches!(&i.rules[0].fidelity, Fidelity::Dropped(w) if w.contains("no-such-model")));
    assert!(import(Source::Portkey, "{not json", "p", &c)
        .unwrap_err()
        .contains("JSON"));
}

#[test]
fn every_preset_exported_to_litellm_imports_back_and_checks() {
    let c = Catalog::from_json(CATALOG).unwrap();
    for (name, src) in PRESETS {
        let (p, _) = Policy::load(src, &c).unwrap();
        let e = export::export(&p, &c, Target::Litellm, &Options::default()).unwrap();
        let i = import(Source::Litellm, &e.config, name, &c).unwrap();
        assert!(
            i.rules.iter().all(|r| r.fidelity.kind() != "dropped"),
            "{name}: {}",
            i.render()
        );
    }
}
