//! Policy tests: presets, broken policies, decisions, and a randomized no-panic test.

use super::*;
use crate::signals::{CheapSignals, PromptSignals, TaskPrediction};

pub(crate) use crate::shipped::{CATALOG, PRESETS};

fn catalog() -> Catalog {
    Catalog::from_json(CATALOG).expect("shipped catalog loads")
}

fn preset(name: &str) -> Policy {
    let src = PRESETS.iter().find(|(n, _)| *n == name).unwrap().1;
    Policy::load(src, &catalog()).unwrap().0
}

fn signals(text: &str, task: Option<(&str, f64)>) -> PromptSignals {
    PromptSignals {
        cheap: CheapSignals::compute(text),
        task: task.map(|(label, complexity)| TaskPrediction {
            label: label.to_string(),
            scores: [(label.to_string(), 0.8)].into_iter().collect(),
            complexity,
        }),
    }
}

fn facts(text: &str, task: Option<(&str, f64)>) -> Facts {
    Facts::new(text, &signals(text, task), &Metadata::new())
}

/// Diagnostics of `src` (parse errors, or check results).
fn diags(src: &str) -> Vec<Diagnostic> {
    match Policy::parse(src) {
        Err(d) => d,
        Ok(p) => p.check(&catalog()),
    }
}

#[test]
fn every_preset_passes_check() {
    let cat = catalog();
    assert!(cat.models.len() >= 15);
    for (name, src) in PRESETS {
        let p = Policy::parse(src).unwrap_or_else(|d| panic!("{name}: {d:?}"));
        let d = p.check(&cat);
        assert!(d.is_empty(), "{name}: {d:#?}");
        assert_eq!(p.name, name);
        assert!(p.default_rule().is_default);
    }
}

fn assert_diag(src: &str, code: &str, sev: Severity, line: usize, column: usize) -> Diagnostic {
    let d = diags(src);
    let found = d
        .iter()
        .find(|x| x.code == code && (x.line, x.column) == (line, column))
        .or(d.iter().find(|x| x.code == code));
    let Some(found) = found else {
        panic!("no `{code}` diagnostic for:\n{src}\ngot {d:#?}");
    };
    assert_eq!(found.severity, sev, "{found:?}");
    assert_eq!(
        (found.line, found.column),
        (line, column),
        "{found:?}\n{}",
        found.render("p.toml", src)
    );
    found.clone()
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    let src = "name = \"x\"\n[[rule]]\nname = \"a\nwhen = 'true'\n";
    let d = diags(src);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "syntax");
    assert_eq!(d[0].line, 3);
    assert!(d[0].is_error());
}

#[test]
fn unknown_field_is_a_schema_error() {
    let src = "[[rule]]\nwhn = 'true'\nmodel = \"gpt-5-mini\"\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "schema", Severity::Error, 2, 1);
    assert!(d.message.contains("unknown field `whn`"), "{}", d.message);
}

#[test]
fn unknown_model_points_at_the_id() {
    let src = "name = \"x\"\n\n[[rule]]\nwhen = 'has_code'\nmodel = \"gpt5-mini\"\n\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "unknown-model", Severity::Error, 5, 9);
    assert_eq!(d.help.as_deref(), Some("did you mean `gpt-5-mini`?"));
    assert!(Policy::load(src, &catalog()).is_err());
}

#[test]
fn cel_type_error_maps_into_the_file() {
    // Column 22 is the `>` of `complexity > "high"` inside the single-quoted string.
    let src = "[[rule]]\nwhen = 'has_code && complexity > \"high\"'\nmodel = \"gpt-5-mini\"\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "type", Severity::Error, 2, 21);
    assert!(
        d.message.contains("cannot order a double against a string"),
        "{}",
        d.message
    );
    assert_eq!(d.end_column, 40);
}

#[test]
fn cel_syntax_error_and_unknown_signal() {
    let src = "[[rule]]\nwhen = '''\n  tokens > 100 &&\n'''\nmodel = \"gpt-5-mini\"\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "cel-syntax", Severity::Error, 4, 1);
    assert!(d.message.contains("ends too early"), "{}", d.message);
    let src = "[[rule]]\nwhen = 'tokenz > 100'\nmodel = \"gpt-5-mini\"\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "unknown-signal", Severity::Error, 2, 9);
    assert!(d.help.unwrap().contains("did you mean `tokens`"));
    let src = "[[rule]]\nwhen = 'meta.plan == \"pro\"'\nmodel = \"gpt-5-mini\"\n[default]\nmodel = \"gpt-5-mini\"\n";
    assert_diag(src, "unknown-field", Severity::Error, 2, 9);
}

#[test]
fn shadowed_rule_is_a_warning() {
    let src = "[[rule]]\nname = \"all\"\nwhen = 'true'\nmodel = \"gpt-5-mini\"\n\n[[rule]]\nname = \"code\"\nwhen = 'has_code'\nmodel = \"gpt-5.4\"\n\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "shadowed", Severity::Warning, 8, 8);
    assert!(
        d.message.contains("rule `code` never fires"),
        "{}",
        d.message
    );
    assert!(d.message.contains("line 1"), "{}", d.message);
    // Warnings do not prevent use.
    assert!(Policy::load(src, &catalog()).is_ok());
    let src = "[[rule]]\nwhen = 'has_code'\nmodel = \"gpt-5-mini\"\n[[rule]]\nwhen = 'has_code '\nmodel = \"gpt-5.4\"\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "shadowed", Severity::Warning, 5, 8);
    assert!(d.message.contains("same condition"));
}

#[test]
fn rule_with_no_eligible_model_is_an_error() {
    let src = "[[rule]]\nname = \"impossible\"\nwhen = 'has_code'\nobjective = \"cheapest\"\nallow_providers = [\"anthropic\"]\nmax_output_price = 1.0\n\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "no-eligible-model", Severity::Error, 1, 1);
    assert!(
        d.message.contains("can never pick a model"),
        "{}",
        d.message
    );
    let src = "[default]\nobjective = \"best_quality\"\nmin_quality = 99\n";
    assert_diag(src, "no-eligible-model", Severity::Error, 1, 1);
}

#[test]
fn quality_band_is_checked_with_a_span_and_help() {
    // Only with objective = "cheapest".
    let src = "[[rule]]\nname = \"b\"\nwhen = 'true'\nobjective = \"fastest\"\nquality_band = 2\n\n[default]\nmodel = \"gpt-5-mini\"\n";
    let d = assert_diag(src, "quality-band", Severity::Error, 5, 16);
    assert!(
        d.message.contains("rule `b` has objective = \"fastest\""),
        "{}",
        d.message
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("objective = \"cheapest\""),
        "{d:?}"
    );
    let src = "[default]\nmodel = \"gpt-5-mini\"\nquality_band = 2\n";
    let d = assert_diag(src, "quality-band", Severity::Error, 3, 16);
    assert!(d.message.contains("has a fixed model"), "{}", d.message);
    // A band is a number of points from 0 to 100.
    let src = "[default]\nobjective = \"cheapest\"\nquality_band = 120\n";
    let d = assert_diag(src, "quality-band", Severity::Error, 3, 16);
    assert!(
        d.message.contains("from 0 to 100, not 120"),
        "{}",
        d.message
    );
    // Not a [constraints] filter: the parser names the fields that are.
    let src = "[constraints]\nquality_band = 2\n[default]\nobjective = \"cheapest\"\n";
    assert!(diags(src).iter().any(|d| d.is_error()), "{:?}", diags(src));
    // Fine with cheapest.
    let src = "[default]\nobjective = \"cheapest\"\nquality_band = 2\n";
    assert!(diags(src).is_empty(), "{:?}", diags(src));
}

#[test]
fn quality_band_picks_the_cheapest_within_n_points_of_the_best() {
    let cat = catalog();
    let f = facts(
        "Summarise this report in three bullet points.",
        Some(("summarization", 0.2)),
    );
    let q = |id: &str| cat.get(id).unwrap().quality_for("summarization");
    // Three candidates: the best (gpt-5.4, 89), one 9 points below (mistral-large-3, 81),
    // one far below (mistral-small-4, 67).
    assert_eq!(
        (q("gpt-5.4"), q("mistral-large-3"), q("mistral-small-4")),
        (89.0, 81.0, 67.0)
    );
    let band = |n: f64| {
        let src = format!("[default]\ncandidates = [\"gpt-5.4\", \"mistral-large-3\", \"mistral-small-4\"]\nobjective = \"cheapest\"\nquality_band = {n}\nfallback_count = 2\n");
        Policy::load(&src, &cat).unwrap().0.decide(&f, &cat)
    };
    // A band of 7 keeps only the best; 8 admits mistral-large-3 (cheaper: "within" counts
    // the edge); 30 admits all.
    let d = band(7.0);
    assert_eq!(d.model.as_deref(), Some("gpt-5.4"));
    assert!(
        d.fallbacks.is_empty(),
        "out-of-band models are not fallbacks: {:?}",
        d.fallbacks
    );
    let excluded: Vec<_> = d.trace[0]
        .candidates
        .iter()
        .filter_map(|c| c.excluded.clone())
        .collect();
    assert_eq!(excluded.len(), 2, "{excluded:?}");
    assert!(
        excluded[0]
            .contains("more than 7 points below the best eligible (89): outside quality_band"),
        "{excluded:?}"
    );
    assert!(
        d.trace[0]
            .reason
            .contains("cheapest eligible within 7 quality points of the best"),
        "{}",
        d.trace[0].reason
    );
    assert_eq!(band(8.0).model.as_deref(), Some("mistral-large-3"));
    assert_eq!(band(30.0).model.as_deref(), Some("mistral-small-4"));
    // The best is the best *eligible* one: a floor or a filter applies first.
    let src = "[default]\ncandidates = [\"gpt-5.4\", \"mistral-large-3\", \"mistral-small-4\"]\nobjective = \"cheapest\"\nquality_band = 15\ndeny_providers = [\"openai\"]\n";
    let (p, _) = Policy::load(src, &cat).unwrap();
    let d = p.decide(&f, &cat);
    assert_eq!(d.model.as_deref(), Some("mistral-small-4"));
    // The one-line why says it.
    let src = "[default]\ncandidates = [\"gpt-5.4\", \"mistral-large-3\"]\nobjective = \"cheapest\"\nquality_band = 10\n";
    let (p, _) = Policy::load(src, &cat).unwrap();
    let why = p.decide(&f, &cat).why(&p);
    assert!(
        why.contains(
            "cheapest eligible model within 10 quality points of the best of 2 candidates"
        ),
        "{why}"
    );
}

#[test]
fn platform_router_presets_route_as_their_headers_say() {
    let cat = catalog();
    let bedrock = preset("bedrock-prompt-router");
    let azure_b = preset("azure-router-balanced");
    let azure_q = preset("azure-router-quality");
    let azure_c = preset("azure-router-cost");
    for task in crate::catalog::TASK_TYPES {
        for complexity in [0.2, 0.9] {
            let f = facts("Some prompt text for the router.", Some((task, complexity)));
            let lite = cat.get("bedrock/nova-lite").unwrap().quality_for(task);
            let pro = cat.get("bedrock/nova-pro").unwrap().quality_for(task);
            let band = if complexity >= 0.6 { 5.0 } else { 10.0 };
            let want = if pro - lite > band {
                "bedrock/nova-pro"
            } else {
                "bedrock/nova-lite"
            };
            assert_eq!(
                bedrock.decide(&f, &cat).model.as_deref(),
                Some(want),
                "{task} {complexity}"
            );
            // Azure: every pick is an azure entry; Quality is the best, Balanced and Cost
            // within 2 and 6 points of it, Cost never dearer than Balanced.
            let pick = |p: &Policy| {
                let d = p.decide(&f, &cat);
                let m = cat.get(d.model.as_deref().unwrap()).unwrap().clone();
                (m, d.estimate.unwrap().cost_usd)
            };
            let ((b, b_cost), (q, _), (c, c_cost)) =
                (pick(&azure_b), pick(&azure_q), pick(&azure_c));
            for m in [&b, &q, &c] {
                assert_eq!(m.provider, "azure", "{task}: {}", m.id);
            }
            let best = q.quality_for(task);
            assert!(cat
                .models
                .iter()
                .filter(|m| m.provider == "azure")
                .all(|m| m.quality_for(task) <= best));
            assert!(
                b.quality_for(task) >= best - 2.0 && c.quality_for(task) >= best - 6.0,
                "{task}"
            );
            assert!(
                c_cost <= b_cost + 1e-12,
                "{task}: cost {} vs balanced {}",
                c.id,
                b.id
            );
        }
    }
}

#[test]
fn missing_default_and_default_with_condition() {
    let src = "[[rule]]\nwhen = 'has_code'\nmodel = \"gpt-5-mini\"\n";
    assert_diag(src, "no-default", Severity::Error, 3, 21);
    let src = "[default]\nwhen = 'true'\nmodel = \"gpt-5-mini\"\n";
    assert_diag(src, "schema", Severity::Error, 2, 8);
}

const PLANNING: &str = "Plan a three-week product launch for a small B2B SaaS: milestones, owners, risks, and a rollback plan if the beta goes badly.";
const CODE: &str = "Write a Rust function that parses an ISO-8601 duration like P3DT4H into seconds.\n```rust\nfn parse(s: &str) -> Option<u64> { todo!() }\n```";
const CHAT: &str = "hey, how's it going? any plans for the weekend?";

#[test]
fn route_traces_for_planning_code_and_chat_under_every_preset() {
    let cat = catalog();
    for (name, _) in PRESETS {
        let p = preset(name);
        for (text, task, cx) in [
            (PLANNING, "planning", 0.7),
            (CODE, "code", 0.6),
            (CHAT, "chat", 0.1),
        ] {
            let d = p.decide(&facts(text, Some((task, cx))), &cat);
            assert!(d.model.is_some(), "{name}/{task}: {d:#?}");
            assert_eq!(d.trace.len(), p.rules.len());
            assert!(d.trace.iter().any(|t| t.outcome == RuleOutcome::Chosen));
            let chosen = d
                .trace
                .iter()
                .find(|t| t.outcome == RuleOutcome::Chosen)
                .unwrap();
            assert!(!chosen.candidates.is_empty());
            assert_eq!(chosen.candidates[0].rank, Some(1));
            assert!(d.estimate.unwrap().cost_usd >= 0.0);
        }
    }
}

#[test]
fn task_specialist_and_cost_saver_differ_where_they_should() {
    let cat = catalog();
    let ts = preset("task-specialist");
    let cs = preset("cost-saver");
    // Planning: the specialist picks the best planner; cost-saver a cheap model.
    let f = facts(PLANNING, Some(("planning", 0.5)));
    let (a, b) = (ts.decide(&f, &cat), cs.decide(&f, &cat));
    assert_eq!(a.rule.as_deref(), Some("planning"));
    assert_eq!(a.model.as_deref(), Some("claude-opus-5"));
    assert_ne!(a.model, b.model);
    assert!(b.estimate.unwrap().cost_usd < a.estimate.unwrap().cost_usd / 5.0);
    // Code: a code specialist vs the cheapest model over the code floor.
    let f = facts(CODE, Some(("code", 0.5)));
    let (a, b) = (ts.decide(&f, &cat), cs.decide(&f, &cat));
    assert_eq!(a.rule.as_deref(), Some("code"));
    assert!(a.model.as_deref().unwrap().starts_with("claude"), "{a:?}");
    assert_ne!(a.model, b.model);
    assert!(a.estimate.unwrap().quality > b.estimate.unwrap().quality);
    // Short chat: cost-saver goes local (free), the specialist does not.
    let f = facts(CHAT, Some(("chat", 0.1)));
    let (a, b) = (ts.decide(&f, &cat), cs.decide(&f, &cat));
    assert!(b.model.as_deref().unwrap().starts_with("local/"), "{b:?}");
    assert!(!a.model.as_deref().unwrap().starts_with("local/"), "{a:?}");
}

#[test]
fn without_a_classifier_task_is_unknown_and_code_is_seen_by_has_code() {
    let cat = catalog();
    let f = facts(CODE, None);
    assert_eq!(f.task(), "unknown");
    assert!(!f.classified());
    let d = preset("task-specialist").decide(&f, &cat);
    assert_eq!(d.rule.as_deref(), Some("code"));
    let planning = preset("task-specialist").decide(&facts(PLANNING, None), &cat);
    assert_eq!(planning.rule.as_deref(), Some("default"));
    assert!(
        planning.trace[0].reason.contains("task = \"unknown\""),
        "{}",
        planning.trace[0].reason
    );
}

#[test]
fn splits_are_deterministic_and_roughly_weighted() {
    let cat = catalog();
    let p = preset("balanced");
    let meta: Metadata = [("tier".to_string(), serde_json::json!("pro"))]
        .into_iter()
        .collect();
    let mut sonnet = 0;
    for i in 0..1000 {
        let text = format!("question number {i} about the weather");
        let s = signals(&text, Some(("qa", 0.2)));
        let d1 = p.decide(&Facts::new(&text, &s, &meta), &cat);
        let d2 = p.decide(&Facts::new(&text, &s, &meta), &cat);
        assert_eq!(d1.model, d2.model);
        assert_eq!(d1.rule.as_deref(), Some("pro tier"));
        if d1.model.as_deref() == Some("claude-sonnet-5") {
            sonnet += 1;
            assert_eq!(d1.fallbacks, vec!["gpt-5.4", "gemini-2.5-pro"]);
        }
    }
    assert!((630..770).contains(&sonnet), "{sonnet}");
}

#[test]
fn context_window_fit_and_fall_through() {
    let cat = catalog();
    let src = "[[rule]]\nname = \"local\"\nwhen = 'true'\nallow_providers = [\"local\"]\nobjective = \"cheapest\"\nmin_quality = 40\n\n[default]\nmodel = \"gemini-2.5-flash\"\n";
    let (p, _) = Policy::load(src, &cat).unwrap();
    let long = "word ".repeat(60_000);
    let d = p.decide(&facts(&long, Some(("summarization", 0.3))), &cat);
    assert_eq!(d.model.as_deref(), Some("gemini-2.5-flash"));
    assert_eq!(d.trace[0].outcome, RuleOutcome::NoEligible);
    assert!(d.trace[0].candidates[0]
        .excluded
        .as_deref()
        .unwrap()
        .contains("context window"));
    let d = p.decide(&facts("short", Some(("chat", 0.1))), &cat);
    assert!(d.model.unwrap().starts_with("local/"));
}

#[test]
fn metadata_defaults_and_overrides() {
    let cat = catalog();
    let src = "[metadata]\ntier = \"free\"\n\n[[rule]]\nwhen = 'meta.tier == \"enterprise\"'\nmodel = \"claude-opus-5\"\n\n[default]\nmodel = \"gpt-5-mini\"\n";
    let (p, _) = Policy::load(src, &cat).unwrap();
    let s = signals("hello", None);
    let d = p.decide(&Facts::new("hello", &s, &Metadata::new()), &cat);
    assert_eq!(d.model.as_deref(), Some("gpt-5-mini"));
    let meta: Metadata = [("tier".to_string(), serde_json::json!("enterprise"))]
        .into_iter()
        .collect();
    let d = p.decide(&Facts::new("hello", &s, &meta), &cat);
    assert_eq!(d.model.as_deref(), Some("claude-opus-5"));
    // A value of the wrong type at run time is an evaluation error, treated as false.
    let meta: Metadata = [("tier".to_string(), serde_json::json!(3))]
        .into_iter()
        .collect();
    let d = p.decide(&Facts::new("hello", &s, &meta), &cat);
    assert_eq!(d.model.as_deref(), Some("gpt-5-mini"));
}

/// A tiny deterministic generator (xorshift), so the randomized test needs no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn random_cel(r: &mut Rng, depth: usize) -> String {
    const ATOMS: [&str; 24] = [
        "task",
        "complexity",
        "tokens",
        "has_code",
        "has_pii",
        "language",
        "scores.code",
        "scores",
        "meta.tier",
        "meta.x",
        "pii",
        "classified",
        "1",
        "0.5",
        "\"code\"",
        "true",
        "null",
        "[1, 2]",
        "{\"a\": 1}",
        "b'x'",
        "-3",
        "1u",
        "tokenz",
        "'é'",
    ];
    const BIN: [&str; 16] = [
        "&&", "||", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "in", "?", ".",
    ];
    if depth == 0 || r.below(3) == 0 {
        return r.pick(&ATOMS).to_string();
    }
    match r.below(6) {
        0 => format!("!{}", random_cel(r, depth - 1)),
        1 => format!("({})", random_cel(r, depth - 1)),
        2 => format!("size({})", random_cel(r, depth - 1)),
        3 => format!(
            "{}.exists(x, x {} 1)",
            random_cel(r, depth - 1),
            r.pick(&BIN)
        ),
        4 => format!(
            "{} ? {} : {}",
            random_cel(r, depth - 1),
            random_cel(r, depth - 1),
            random_cel(r, depth - 1)
        ),
        _ => format!(
            "{} {} {}",
            random_cel(r, depth - 1),
            r.pick(&BIN),
            random_cel(r, depth - 1)
        ),
    }
}

fn mutate(r: &mut Rng, src: &str) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    const JUNK: [&str; 14] = [
        "[", "]", "\"", "'", "=", "\n", "[[rule]]", "{", "}", "#", "\\", "é", "'''", "0x",
    ];
    for _ in 0..1 + r.below(4) {
        if chars.is_empty() {
            break;
        }
        let at = r.below(chars.len());
        match r.below(3) {
            0 => {
                chars.remove(at);
            }
            1 => {
                let j: Vec<char> = r.pick(&JUNK).chars().collect();
                for (k, c) in j.into_iter().enumerate() {
                    chars.insert(at + k, c);
                }
            }
            _ => {
                let end = (at + r.below(20)).min(chars.len());
                chars.drain(at..end);
            }
        }
    }
    chars.into_iter().collect()
}

/// Feeds arbitrary input to the parser, checker and evaluator; nothing may panic.
/// Runs 3 × 4,000 = 12,000 cases (random CEL conditions, mutated presets, random bytes).
#[test]
fn randomized_inputs_never_panic() {
    let cat = catalog();
    let mut r = Rng(0x5eed_1234_abcd_ef01);
    let prompts = [
        facts(CODE, Some(("code", 0.6))),
        facts(CHAT, None),
        facts("", None),
    ];
    let mut cases = 0;
    let mut parsed = 0;
    let exercise = |src: &str, parsed: &mut usize| {
        if let Ok(p) = Policy::parse(src) {
            *parsed += 1;
            let d = p.check(&cat);
            for x in &d {
                let _ = x.render("fuzz.toml", src);
                assert!(x.line >= 1 && x.column >= 1);
            }
            for f in &prompts {
                let _ = p.decide(f, &cat);
            }
        } else if let Err(d) = Policy::parse(src) {
            for x in &d {
                let _ = x.render("fuzz.toml", src);
                assert!(x.line >= 1 && x.column >= 1, "{x:?}");
            }
        }
    };
    for _ in 0..4000 {
        let cond = random_cel(&mut r, 4).replace('\'', "\"");
        let src = format!("[metadata]\ntier = \"free\"\n[[rule]]\nwhen = '{cond}'\nobjective = \"cheapest\"\nmin_quality = 60\n[default]\nmodel = \"gpt-5-mini\"\n");
        exercise(&src, &mut parsed);
        cases += 1;
    }
    for i in 0..4000 {
        let base = PRESETS[i % PRESETS.len()].1;
        let src = mutate(&mut r, base);
        exercise(&src, &mut parsed);
        cases += 1;
    }
    for _ in 0..4000 {
        let len = r.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| (r.next() & 0xff) as u8).collect();
        let src = String::from_utf8_lossy(&bytes).into_owned();
        exercise(&src, &mut parsed);
        cases += 1;
    }
    println!("randomized policy cases: {cases}, of which parsed: {parsed}");
    assert!(parsed > 500, "{parsed}");
}

#[test]
fn longest_allowed_condition_parses_and_evaluates() {
    let cat = catalog();
    for unit in ["has_code || ", "-", "!", "tokens + "] {
        let mut cond = String::new();
        while cond.len() + unit.len() + 8 < MAX_CONDITION_BYTES {
            cond.push_str(unit);
        }
        cond.push_str(if unit == "tokens + " { "1 > 0" } else { "true" });
        let src = format!(
            "[[rule]]\nwhen = '{cond}'\nmodel = \"gpt-5.4\"\n[default]\nmodel = \"gpt-5-mini\"\n"
        );
        match Policy::parse(&src) {
            Ok(p) => {
                let _ = p.check(&cat);
                let _ = p.decide(&facts(CODE, None), &cat);
            }
            Err(d) => assert!(!d.is_empty()),
        }
    }
}

#[test]
fn pathological_files_are_rejected_without_crashing() {
    let deep_array = format!("x = {}{}", "[".repeat(5000), "]".repeat(5000));
    let deep_table = format!("x = {}{}", "{ a = ".repeat(3000), "}".repeat(3000));
    let deep_cel = format!(
        "[[rule]]\nwhen = '{}true{}'\nmodel = \"gpt-5.4\"\n[default]\nmodel = \"gpt-5-mini\"\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    let many_rules = "[[rule]]\nwhen = 'has_code'\nmodel = \"gpt-5.4\"\n".repeat(3000)
        + "[default]\nmodel = \"gpt-5-mini\"\n";
    for src in [
        deep_array,
        deep_table,
        deep_cel,
        many_rules,
        "\u{feff}".into(),
        "\0\0\0".into(),
    ] {
        match Policy::parse(&src) {
            Ok(p) => {
                let _ = p.check(&catalog());
                let _ = p.decide(&facts(CODE, None), &catalog());
            }
            Err(d) => assert!(d.iter().all(|x| x.line >= 1)),
        }
    }
}

#[test]
fn reads_lists_the_variables_conditions_read() {
    let src = r#"
[metadata]
tier = "free"

[[rule]]
name = "lang"
when = 'language != "eng" && meta.tier == "pro"'
model = "gpt-5-mini"

[[rule]]
name = "shadow"
when = 'pii.exists(task, task == "language")'
model = "gpt-5-mini"

[[rule]]
name = "constant"
when = 'true || tokens > 3'
model = "gpt-5-mini"

[default]
model = "gpt-5-mini"
"#;
    let p = Policy::parse(src).unwrap();
    let read: Vec<&str> = p.variables_read().collect();
    // `task` is a loop variable in rule 2 and "language" a string there; `tokens` is read
    // (the condition is not folded by the checker, so it is evaluated).
    assert_eq!(read, ["tokens", "language", "pii", "meta"]);
    assert!(p.reads("language"));
    assert!(!p.reads("task"));
    assert!(!p.reads("complexity"));
    assert!(!p.reads("no-such-variable"));
    let cost_saver = preset("cost-saver");
    let read: Vec<&str> = cost_saver.variables_read().collect();
    assert_eq!(
        read,
        ["task", "complexity", "tokens", "has_code", "classified"]
    );
    // No shipped preset needs language detection.
    for (name, src) in PRESETS {
        assert!(!Policy::parse(src).unwrap().reads("language"), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bounded work (cost.rs).

const DIGITS: &str = "[0,1,2,3,4,5,6,7,8,9]";

/// `levels` nested `DIGITS.all(v, ...)` loops around `body`.
fn nested_loops(levels: usize, body: &str) -> String {
    let vars = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let mut s = String::new();
    for v in &vars[..levels] {
        s.push_str(&format!("{DIGITS}.all({v}, "));
    }
    s.push_str(body);
    s.push_str(&")".repeat(levels));
    s
}

fn policy_with(cond: &str) -> String {
    format!(
        "name = \"loops\"\n\n[[rule]]\nname = \"slow\"\nwhen = '{cond}'\nmodel = \"gpt-5.4\"\n\n[default]\nmodel = \"gpt-5-mini\"\n"
    )
}

/// The issue's case: seven nested loops over ten digits, 10^7 iterations, ~27 s per prompt
/// before the estimate existed. Rejected at parse time, pointing at the outermost loop.
#[test]
fn seven_nested_loops_are_rejected_at_the_loop() {
    let cond = format!(
        "tokens > 0 && {}",
        nested_loops(7, "a + b + c + d + e + f + g + tokens >= 0")
    );
    assert!(cond.len() < MAX_CONDITION_BYTES);
    let src = policy_with(&cond);
    // `when = '` is 8 characters; `tokens > 0 && ` 14 more: the loop starts at column 23.
    let d = assert_diag(&src, "cel-cost", Severity::Error, 5, 23);
    assert_eq!((d.line, d.column), (5, 23), "{d:#?}");
    assert!(d.message.contains("budget is 100,000"), "{}", d.message);
    assert!(
        d.message.contains("11,111,110 loop iterations"),
        "{}",
        d.message
    );
    assert!(
        d.help.as_deref().unwrap_or("").contains("multiplies"),
        "{d:?}"
    );
    assert!(Policy::parse(&src).is_err());
}

/// The worst case found within every other limit: a chain of `map`s each doubling a string
/// (2000 bytes, depth 32 allow 26: 2^26 × the literal, gigabytes of memory). One
/// iteration per loop, so only the size tracking catches it.
#[test]
fn doubling_a_string_in_a_chain_of_maps_is_rejected() {
    let mut cond = String::from("has_code || [\"0123456789\"]");
    for _ in 0..26 {
        cond.push_str(".map(s, s + s)");
    }
    cond.push_str(".exists(s, size(s) > tokens)");
    assert!(cond.len() < MAX_CONDITION_BYTES);
    let src = policy_with(&cond);
    // The chain starts after `has_code || `: column 9 + 12.
    let d = assert_diag(&src, "cel-cost", Severity::Error, 5, 21);
    assert_eq!((d.line, d.column), (5, 21), "{d:#?}");
    // The same chain with a few doublings is fine, and decides.
    let mut short = String::from("has_code || [\"0123456789\"]");
    for _ in 0..3 {
        short.push_str(".map(s, s + s)");
    }
    short.push_str(".exists(s, size(s) > tokens)");
    let (p, _) = Policy::load(&policy_with(&short), &catalog()).unwrap();
    assert!(
        p.rules[0].cost().unwrap() < 1_000,
        "{:?}",
        p.rules[0].cost()
    );
    let run = p.measure_condition(0, &facts("hi", None)).unwrap();
    assert_eq!(run.value, Ok(true));
}

/// Other ways to multiply work within the limits, each rejected: lists grown by `+` in a
/// chain, nested loops over a metadata list, a map's keys, `in` over a built list.
#[test]
fn other_blowups_are_rejected() {
    let list_doubling = {
        let mut c = format!("[{DIGITS}]");
        for _ in 0..20 {
            c.push_str(".map(l, l + l)");
        }
        c + ".exists(l, l.exists(x, x == tokens))"
    };
    let meta_loops =
        "meta.tags.all(a, meta.tags.all(b, meta.tags.all(c, a + b + c != \"\")))".to_string();
    let built_in = format!(
        "{DIGITS}.all(a, {DIGITS}.all(b, {DIGITS}.all(c, tokens in {DIGITS}.map(x, [{DIGITS}, {DIGITS}]).map(y, y + y))))"
    );
    for cond in [list_doubling, meta_loops, built_in] {
        let src = format!(
            "[metadata]\ntags = [\"a\"]\n\n[[rule]]\nwhen = '{cond}'\nmodel = \"gpt-5.4\"\n\n[default]\nmodel = \"gpt-5-mini\"\n"
        );
        let d = diags(&src);
        assert!(
            d.iter().any(|x| x.code == "cel-cost" && x.line == 5),
            "{cond}: {d:#?}"
        );
    }
}

/// Just under the budget: four nested loops (5,110 iterations) load, decide, and the estimate
/// bounds the iterations actually run.
#[test]
fn a_condition_just_under_budget_decides_within_its_estimate() {
    let cond = nested_loops(3, "[0,1,2,3].all(d, a + b + c + d <= tokens + 36)");
    let (p, warnings) = Policy::load(&policy_with(&cond), &catalog()).unwrap();
    assert!(warnings.is_empty(), "{warnings:#?}");
    let rule = &p.rules[0];
    let cost = rule.cost().unwrap();
    let bound = rule.max_loop_steps().unwrap();
    assert!(
        cost <= MAX_CONDITION_COST && cost > MAX_CONDITION_COST * 3 / 4,
        "{cost}"
    );
    assert_eq!(bound, 10 + 100 + 1_000 + 4_000);
    let f = facts("hello there", None);
    let run = p.measure_condition(0, &f).unwrap();
    assert_eq!(run.value, Ok(true));
    // `all` over true bodies runs every iteration: the estimate is exact here.
    assert_eq!(run.steps, 5_110);
    assert!(run.steps <= bound && bound <= cost);
    let d = p.decide(&f, &catalog());
    assert_eq!(d.rule.as_deref(), Some("slow"));
    // A fourth loop over ten is over.
    let four = policy_with(&nested_loops(4, "a + b + c + d <= tokens + 36"));
    assert!(diags(&four).iter().any(|d| d.code == "cel-cost"));
}

/// `map` and `filter` append in place in the `cel` crate, and the step guard keeps that
/// shape: every iteration of each macro counts one step.
#[test]
fn map_filter_and_exists_one_count_one_step_per_element() {
    for (cond, want) in [
        (format!("{DIGITS}.map(a, {DIGITS}.map(b, {DIGITS}.map(c, a + b + c))).size() > tokens"), 1_110),
        (format!("size({DIGITS}.filter(a, {DIGITS}.filter(b, {DIGITS}.filter(c, a + b + c > tokens).size() > 0).size() > 0)) > 0"), 1_110),
        (format!("{DIGITS}.exists_one(a, {DIGITS}.exists_one(b, a == b + tokens - tokens))"), 110),
    ] {
        let (p, _) = Policy::load(&policy_with(&cond), &catalog()).unwrap();
        let run = p.measure_condition(0, &facts("x", None)).unwrap();
        assert!(run.value.is_ok(), "{cond}: {run:?}");
        assert_eq!(run.steps, want, "{cond}");
        assert!(run.steps <= p.rules[0].max_loop_steps().unwrap());
    }
}

/// The run-time guard: a condition the estimate never saw (compiled directly) is stopped at
/// the step budget instead of running 10^6 iterations.
#[test]
fn the_step_budget_stops_an_unestimated_condition() {
    let program = expr::env().compile(&nested_loops(6, "true")).unwrap();
    let guarded = cost::guarded(program.expression());
    let f = facts("x", None);
    let meta = expr::CowMeta::Owned(expr::meta_value(&Default::default(), &Metadata::new()));
    let scope = expr::Scope::new(&f, meta);
    let mut ctx = cel::Context::with_env(expr::env().clone());
    ctx.set_variable_resolver(&scope);
    let r = scope.eval_counted(&guarded, &ctx);
    let err = r.unwrap_err();
    assert!(err.contains("step budget"), "{err}");
    // Past the budget each loop level stops at its next step.
    let steps = scope.steps();
    assert!(
        steps > MAX_CONDITION_STEPS && steps <= MAX_CONDITION_STEPS + 6,
        "{steps}"
    );
    // The estimate would have rejected it.
    let est = cost::estimate(program.expression(), &Default::default());
    assert!(est.cost > MAX_CONDITION_COST);
}

/// Request metadata over the limits the estimate assumes is refused at run time for
/// conditions that read `meta`, with a reason; other rules still decide.
#[test]
fn oversized_metadata_is_an_error_for_rules_that_read_it() {
    let src = "[metadata]\ntags = [\"a\"]\n\n[[rule]]\nname = \"tags\"\nwhen = 'meta.tags.exists(t, t == \"x\")'\nmodel = \"gpt-5.4\"\n\n[[rule]]\nname = \"any\"\nwhen = 'tokens > 0'\nmodel = \"claude-sonnet-5\"\n\n[default]\nmodel = \"gpt-5-mini\"\n";
    let (p, _) = Policy::load(src, &catalog()).unwrap();
    let s = signals("hello", None);
    let big: Vec<String> = (0..400).map(|i| format!("tag{i}")).collect();
    let meta: Metadata = [("tags".to_string(), serde_json::json!(big))]
        .into_iter()
        .collect();
    let d = p.decide(&Facts::new("hello", &s, &meta), &catalog());
    assert_eq!(d.trace[0].outcome, RuleOutcome::Error);
    assert!(
        d.trace[0]
            .reason
            .contains("conditions read values of at most 1024"),
        "{}",
        d.trace[0].reason
    );
    assert_eq!(d.rule.as_deref(), Some("any"));
    let meta: Metadata = [("tags".to_string(), serde_json::json!(["x"]))]
        .into_iter()
        .collect();
    let d = p.decide(&Facts::new("hello", &s, &meta), &catalog());
    assert_eq!(d.rule.as_deref(), Some("tags"));
    // An oversized field the condition does not read is no obstacle; one read through `meta`
    // as a whole is.
    let notes = "n".repeat(5000);
    let meta: Metadata = [
        ("tags".to_string(), serde_json::json!(["x"])),
        ("notes".to_string(), serde_json::json!(notes)),
    ]
    .into_iter()
    .collect();
    let d = p.decide(&Facts::new("hello", &s, &meta), &catalog());
    assert_eq!(d.rule.as_deref(), Some("tags"));
    let whole = "[metadata]\ntags = [\"a\"]\n\n[[rule]]\nwhen = '\"tags\" in meta'\nmodel = \"gpt-5.4\"\n\n[default]\nmodel = \"gpt-5-mini\"\n";
    let (w, _) = Policy::load(whole, &catalog()).unwrap();
    let run = w
        .measure_condition(0, &Facts::new("hello", &s, &meta))
        .unwrap();
    let err = run.value.unwrap_err();
    assert!(err.contains("`notes` is 5002 bytes"), "{err}");
}

#[test]
fn every_preset_condition_is_cheap() {
    for (name, src) in PRESETS {
        let p = Policy::parse(src).unwrap();
        for r in &p.rules {
            if let Some(c) = r.cost() {
                println!("{name} / {}: cost {c}", r.name);
                assert!(c < 1_000, "{name} / {}: {c}", r.name);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Split arms.

const REPEATED_ARMS: &str = "[[rule]]\nname = \"ab\"\nwhen = 'true'\nsplit = [\n  { model = \"gpt-5.4\", weight = 10 },\n  { model = \"gpt-5.4\", weight = 10 },\n  { model = \"claude-sonnet-5\", weight = 80 },\n]\n\n[default]\nmodel = \"gpt-5-mini\"\n";

#[test]
fn repeated_split_arms_add_their_weights() {
    let cat = catalog();
    let (p, _) = Policy::load(REPEATED_ARMS, &cat).unwrap();
    let mut gpt = 0;
    for i in 0..2000 {
        let text = format!("prompt {i}");
        let d = p.decide(&facts(&text, Some(("qa", 0.2))), &cat);
        if d.model.as_deref() == Some("gpt-5.4") {
            gpt += 1;
        } else {
            assert_eq!(d.model.as_deref(), Some("claude-sonnet-5"));
        }
    }
    // 20 of 100, not the 10 of 20 the old pairing gave.
    assert!((330..470).contains(&gpt), "{gpt}");
}

#[test]
fn repeated_split_arm_is_a_warning_at_the_repeat() {
    let d = assert_diag(REPEATED_ARMS, "repeated-arm", Severity::Warning, 6, 13);
    assert_eq!((d.line, d.column), (6, 13), "{d:#?}");
    assert!(d.message.contains("(line 5)"), "{}", d.message);
    assert!(d.message.contains("weight 20 of 100"), "{}", d.message);
    assert!(d.help.as_deref().unwrap().contains("weight = 20"), "{d:?}");
}

/// Every rule may run for one prompt, so the conditions of a policy share a budget too: twelve
/// rules just under the per-condition budget are rejected at the rule that goes over.
#[test]
fn many_costly_rules_are_rejected_together() {
    let cond = |i: usize| {
        nested_loops(
            3,
            &format!("[0,1,2,3].all(d, a + b + c + d <= tokens + {})", 36 + i),
        )
    };
    let mut src = String::new();
    for i in 0..12 {
        src.push_str(&format!(
            "[[rule]]\nname = \"r{i}\"\nwhen = '{}'\nmodel = \"gpt-5.4\"\n\n",
            cond(i)
        ));
    }
    src.push_str("[default]\nmodel = \"gpt-5-mini\"\n");
    let (one, _) = Policy::load(&policy_with(&cond(0)), &catalog()).unwrap();
    let each = one.rules[0].cost().unwrap();
    let over = (MAX_POLICY_COST / each + 1) as usize;
    assert!(over <= 12, "{each}");
    let d = diags(&src);
    let e = d.iter().find(|d| d.code == "cel-cost").expect("cel-cost");
    // Rule i (0-based) starts at line 5 * i + 1; its `when` is two lines below.
    assert_eq!(e.line, 5 * (over - 1) + 3, "{e:#?}");
    assert!(
        e.message.contains(&format!("rule `r{}`", over - 1)),
        "{}",
        e.message
    );
    // The rules before it alone load.
    let fewer: String = src
        .split("[[rule]]")
        .skip(1)
        .take(over - 1)
        .map(|r| format!("[[rule]]{r}"))
        .collect::<String>()
        + "[default]\nmodel = \"gpt-5-mini\"\n";
    assert!(Policy::load(&fewer, &catalog()).is_ok());
}
