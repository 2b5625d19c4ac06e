use super::*;
use crate::shipped::{CATALOG, PRESETS};

fn load(name: &str) -> (Policy, Catalog) {
    let catalog = Catalog::from_json(CATALOG).unwrap();
    let src = PRESETS.iter().find(|p| p.0 == name).unwrap().1;
    let (p, _) = Policy::load(src, &catalog).unwrap();
    (p, catalog)
}

#[test]
fn every_preset_exports_to_every_target_with_a_line_per_rule() {
    for (name, _) in PRESETS {
        let (p, c) = load(name);
        for t in Target::ALL {
            let e = export(&p, &c, t, &Options::default()).unwrap();
            assert_eq!(e.report.rules.len(), p.rules.len(), "{name} {t:?}");
            assert!(!e.config.trim().is_empty());
        }
    }
}

#[test]
fn a_pii_list_condition_is_dropped_when_translated_and_exact_as_a_route() {
    let c = Catalog::from_json(CATALOG).unwrap();
    let src = "name = \"x\"\n[[rule]]\nname = \"emails\"\nwhen = '\"email\" in pii'\nmodel = \"gpt-5.4\"\n[default]\nmodel = \"gpt-5-mini\"\n";
    let (p, _) = Policy::load(src, &c).unwrap();
    let t = export(&p, &c, Target::Portkey, &Options::default()).unwrap();
    assert_eq!(t.report.rules[0].fidelity.kind(), "dropped");
    let r = export(
        &p,
        &c,
        Target::Portkey,
        &Options {
            carry: Some(Carry::Route),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(r.report.rules[0].fidelity, Fidelity::Exact);
    assert!(r.config.contains("\"metadata.route\""));
}

#[test]
fn a_split_is_approximate_and_says_why() {
    let (p, c) = load("balanced");
    let e = export(&p, &c, Target::Portkey, &Options::default()).unwrap();
    let pro = e
        .report
        .rules
        .iter()
        .find(|r| r.rule == "pro tier")
        .unwrap();
    match &pro.fidelity {
        Fidelity::Approximate(how) => assert!(how[0].contains("loadbalance")),
        f => panic!("{f:?}"),
    }
}

#[test]
fn a_rule_gets_targets_only_for_the_tasks_its_condition_lets_through() {
    let (p, c) = load("balanced");
    let e = export(&p, &c, Target::Portkey, &Options::default()).unwrap();
    let pii = e
        .report
        .rules
        .iter()
        .find(|r| r.rule == "personal data stays local")
        .unwrap();
    assert_eq!(pii.fidelity, Fidelity::Exact);
    assert_eq!(pii.targets, vec!["personal-data-stays-local".to_string()]);
    let lowered = lower::lower(&p, &c);
    assert_eq!(
        lowered[0].reachable,
        vec!["summarization", "extraction", "classification", "chat"]
    );
}

#[test]
fn a_pick_that_changes_with_prompt_size_is_approximate_and_names_the_sizes() {
    let (p, c) = load("task-specialist");
    let e = export(&p, &c, Target::Litellm, &Options::default()).unwrap();
    let light = e
        .report
        .rules
        .iter()
        .find(|r| r.rule == "light tasks")
        .unwrap();
    match &light.fidelity {
        Fidelity::Approximate(how) => {
            assert!(how[0].contains("200-token prompt"), "{how:?}");
        }
        f => panic!("{f:?}"),
    }
    // Its tasks with a size-independent pick stay exact.
    assert!(!light.exact_tasks.iter().any(|t| t == "summarization"));
    let translation = e
        .report
        .rules
        .iter()
        .find(|r| r.rule == "translation")
        .unwrap();
    assert_eq!(translation.fidelity, Fidelity::Exact);
}
