//! Conversations end to end: a per-prompt router against a conversation-aware policy on an
//! agent step, stickiness with its trace, the prompt cache's cost in the turn-by-turn
//! simulation, and property tests that no input panics the conversation readers.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::conversation::{
    route_turns, simulate_conversations, turn_costs, CacheModel, Conversation,
};
use routeplay_core::policy::{Facts, Metadata, Policy, RuleOutcome, Stickiness};
use routeplay_core::shipped::{CATALOG, CLASSIFIER};
use routeplay_core::simulate::{
    read_prompt_set, record_facts, PromptRecord, ReadOptions, RunConfig, TaskSource,
};
use std::sync::Arc;

fn catalog() -> Catalog {
    Catalog::from_json(CATALOG).unwrap()
}

fn config() -> RunConfig {
    RunConfig {
        metadata: Metadata::new(),
        tasks: TaskSource::classifier(Arc::new(Model::from_bytes(CLASSIFIER).unwrap())),
    }
}

fn one(text: &str) -> PromptRecord {
    let set = read_prompt_set(text, &ReadOptions::default()).unwrap();
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    assert_eq!(set.prompts.len(), 1);
    set.prompts.into_iter().next().unwrap().1
}

/// A coding agent's request: the task, two tool calls, and the last tool result ("ok").
const AGENT_STEP: &str = r#"{"model": "gpt-5.4", "messages": [
 {"role": "system", "content": "You are a coding agent working in the user's repository. Use the tools to read files, run the test suite and edit code. Make the smallest change that fixes the problem, and explain it."},
 {"role": "user", "content": "The checkout service double-charges customers when the payment provider times out. Find the cause in src/payments/retry.py and fix it so retries are idempotent, then make the test suite pass."},
 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "read_file", "arguments": "{\"path\": \"src/payments/retry.py\"}"}}]},
 {"role": "tool", "tool_call_id": "call_1", "content": "def charge_with_retry(client, order, attempts=3):\n    for i in range(attempts):\n        try:\n            return client.charge(order.total, order.card)\n        except Timeout:\n            continue\n"},
 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_2", "type": "function", "function": {"name": "run_tests", "arguments": "{\"path\": \"tests/payments\"}"}}]},
 {"role": "tool", "tool_call_id": "call_2", "content": "ok"}],
 "tools": [
 {"type": "function", "function": {"name": "read_file", "description": "Read a file of the repository", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}},
 {"type": "function", "function": {"name": "edit_file", "description": "Replace a range of lines in a file", "parameters": {"type": "object", "properties": {"path": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}, "text": {"type": "string"}}}}},
 {"type": "function", "function": {"name": "run_tests", "description": "Run the test suite under a path and return its output", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}}]}"#;

/// cost-saver with one conversation-aware rule on top.
const AGENT_AWARE: &str = r#"name = "agent-aware"
[[rule]]
name = "agent steps keep a capable model"
when = 'agent_step && tool_count > 0'
objective = "cheapest"
require = ["tools"]
min_quality = 75

[[rule]]
name = "small talk stays local"
when = 'task == "chat" && tokens < 200'
objective = "cheapest"
min_quality = 50

[default]
objective = "cheapest"
min_quality = 65
"#;

#[test]
fn a_per_prompt_router_sends_an_agent_step_to_a_small_model_and_the_conversation_aware_policy_does_not(
) {
    let cat = catalog();
    let config = config();
    let (policy, warnings) = Policy::load(AGENT_AWARE, &cat).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let record = one(AGENT_STEP);

    // A per-prompt router sees the last message alone, as a single prompt.
    let last = record
        .conversation
        .as_ref()
        .unwrap()
        .messages
        .last()
        .unwrap()
        .plain_text();
    assert_eq!(last, "ok");
    let signals = config.tasks.signals(&last, None, false);
    let per_prompt = policy.decide(&Facts::new(&last, &signals, &Metadata::new()), &cat);
    assert_eq!(per_prompt.model.as_deref(), Some("local/llama-3.1-8b"));
    assert_eq!(per_prompt.rule.as_deref(), Some("small talk stays local"));
    assert_eq!(per_prompt.trace[0].outcome, RuleOutcome::NotMatched);
    assert!(
        per_prompt.trace[0].reason.contains("agent_step = false"),
        "{}",
        per_prompt.trace[0].reason
    );
    assert_eq!(per_prompt.input_tokens, 1.0);

    // The whole request: the agent-step rule fires and says why.
    let (facts, conv) = record_facts(&record, &config, false);
    let conv = conv.unwrap();
    assert!(conv.facts.agent_step);
    assert_eq!(
        conv.facts.tool_names,
        ["read_file", "edit_file", "run_tests"]
    );
    let d = policy.decide(&facts, &cat);
    assert_eq!(d.rule.as_deref(), Some("agent steps keep a capable model"));
    assert_eq!(d.trace[0].outcome, RuleOutcome::Chosen);
    assert!(
        d.trace[0].reason.starts_with(
            "`agent_step && tool_count > 0` is true (agent_step = true, tool_count = 3)"
        ),
        "{}",
        d.trace[0].reason
    );
    let model = d.model.clone().unwrap();
    assert!(!model.starts_with("local/"), "{model}");
    let m = cat.get(&model).unwrap();
    assert!(m.capabilities.tools && d.estimate.unwrap().quality >= 75.0);
    // The small model was ranked out by the quality floor, and the trace says so.
    let small = d.trace[0]
        .candidates
        .iter()
        .find(|c| c.model == "local/llama-3.1-8b")
        .unwrap();
    assert!(
        small.excluded.as_deref().unwrap().contains("quality"),
        "{small:?}"
    );
    // Costs and the context-window check read the whole request, not the word "ok".
    assert_eq!(d.input_tokens, conv.facts.context_tokens as f64);
    assert!(
        conv.facts.context_tokens > 300,
        "{}",
        conv.facts.context_tokens
    );
    assert_eq!(
        d.why(&policy),
        format!(
            "Rule `agent steps keep a capable model` matched (agent_step is true, tool_count is 3); {}",
            d.why(&policy).split_once("; ").unwrap().1
        )
    );
}

/// A chat whose task changes: small talk, then a hard planning question, then thanks.
const CHANGING: &str = r#"{"id": "c1", "conversations": [
 {"from": "human", "value": "hi there! how are you today?"},
 {"from": "gpt", "value": "Doing well, thanks. What can I help with?"},
 {"from": "human", "value": "Plan a three-week product launch for a small B2B SaaS: milestones, owners, risks, and a rollback plan if the beta goes badly. Compare two launch strategies and recommend one with reasons."},
 {"from": "gpt", "value": "Here is a plan..."},
 {"from": "human", "value": "thanks!"}]}"#;

const ROUTER: &str = r#"name = "by-turn"
[[rule]]
name = "planning"
when = 'task == "planning"'
model = "claude-opus-5"

[default]
model = "gpt-5-mini"
"#;

#[test]
fn a_sticky_policy_keeps_the_first_model_and_says_so_and_an_escalation_moves_it() {
    let cat = catalog();
    let config = config();
    let plain = Policy::load(ROUTER, &cat).unwrap().0;
    let sticky_src = ROUTER.replace("name = \"by-turn\"", "name = \"sticky\"\nsticky = true");
    let sticky = Policy::load(&sticky_src, &cat).unwrap().0;
    let escal_src = sticky_src
        .replace("name = \"sticky\"", "name = \"escalating\"")
        .replace(
            "model = \"claude-opus-5\"",
            "model = \"claude-opus-5\"\nescalation = true",
        );
    let escalating = Policy::load(&escal_src, &cat).unwrap().0;
    let record = one(CHANGING);
    let routes = route_turns(&record, &[plain, sticky, escalating], &cat, &config, false);
    assert_eq!(routes.len(), 3);
    let models = |p: usize| -> Vec<String> {
        routes
            .iter()
            .map(|r| r.decisions[p].model().unwrap().to_string())
            .collect()
    };
    assert_eq!(models(0), ["gpt-5-mini", "claude-opus-5", "gpt-5-mini"]);
    // Sticky: every turn on the first turn's model; turn 2 says which rule it overrode.
    assert_eq!(models(1), ["gpt-5-mini"; 3]);
    let kept = routes[1].decisions[1].sticky.as_ref().unwrap();
    assert!(matches!(kept, Stickiness::Kept { .. }));
    assert_eq!(
        kept.describe(),
        "kept on gpt-5-mini (sticky); rule `planning` chose claude-opus-5, which is not an escalation"
    );
    assert_eq!(
        routes[1].decisions[1].decision.fallbacks[0],
        "claude-opus-5"
    );
    // Escalation: the planning turn moves the conversation, and it stays there.
    assert_eq!(models(2), ["gpt-5-mini", "claude-opus-5", "claude-opus-5"]);
    assert_eq!(
        routes[1].decisions[2].sticky.as_ref().unwrap().describe(),
        "escalated by rule `planning`: gpt-5-mini → claude-opus-5"
    );
    assert_eq!(
        routes[2].decisions[2].sticky.as_ref().unwrap().describe(),
        "kept on claude-opus-5 (sticky); rule `default` chose gpt-5-mini, which is not an escalation"
    );
    assert!(routes[0].decisions[0].sticky.is_none());
    assert_eq!(routes[1].signals.facts.turns, 2);
    assert_eq!(routes[2].signals.facts.turns, 3);
}

#[test]
fn a_switch_pays_the_cache_miss_and_a_model_without_a_cached_price_pays_none() {
    let cat = catalog();
    let config = config();
    // A long system prompt so every prefix is over the cache minimum.
    let system = "You are a careful analyst. ".repeat(400);
    let body = serde_json::json!({
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": "hi there! how are you today?"},
            {"role": "assistant", "content": "Fine, thanks."},
            {"role": "user", "content": "Plan a three-week product launch for a small B2B SaaS: milestones, owners, risks, and a rollback plan if the beta goes badly."},
            {"role": "assistant", "content": "A plan..."},
            {"role": "user", "content": "thanks!"}
        ]
    })
    .to_string();
    let record = one(&body);
    let plain = Policy::load(ROUTER, &cat).unwrap().0;
    let sticky = Policy::load(
        &ROUTER.replace("name = \"by-turn\"", "name = \"sticky\"\nsticky = true"),
        &cat,
    )
    .unwrap()
    .0;
    let routes = route_turns(&record, &[plain, sticky], &cat, &config, false);
    let cache = CacheModel::default();
    let moving = turn_costs(&routes, 0, &cat, cache);
    let staying = turn_costs(&routes, 1, &cat, cache);
    assert!(routes[0].signals.facts.context_tokens as f64 > cache.min_prefix_tokens);
    // Turn 2 switches gpt-5-mini → claude-opus-5: the first request is re-sent in full.
    assert!(moving[1].switched && moving[1].cached_tokens == 0.0);
    let opus = cat.get("claude-opus-5").unwrap();
    let prefix = moving[0].input_tokens;
    let want = prefix * (opus.input_price.value - opus.cached_input_per_mtok()) / 1e6;
    assert!(
        (moving[1].cache_miss_usd - want).abs() < 1e-12,
        "{moving:?}"
    );
    assert!(moving[1].cache_miss_usd > 0.0);
    // Sticky stays on gpt-5-mini: each turn reads the previous request from the cache.
    assert!(staying
        .iter()
        .all(|t| !t.switched && t.cache_miss_usd == 0.0));
    assert_eq!(staying[1].cached_tokens, staying[0].input_tokens);
    assert_eq!(staying[2].cached_tokens, staying[1].input_tokens);
    let mini = cat.get("gpt-5-mini").unwrap();
    assert!(
        (staying[1].cost_usd
            - mini.cost_with_cache(
                staying[1].input_tokens,
                staying[1].cached_tokens,
                staying[1].output_tokens
            ))
        .abs()
            < 1e-15
    );
    // Below the cache minimum nothing is cached, so a switch costs no cache miss.
    let short = turn_costs(
        &routes,
        0,
        &cat,
        CacheModel {
            min_prefix_tokens: 1e9,
        },
    );
    assert!(short
        .iter()
        .all(|t| t.cached_tokens == 0.0 && t.cache_miss_usd == 0.0));
    // A model without a published cached price: no discount either way, no cache miss.
    let mistral = Policy::load(
        &ROUTER
            .replace("claude-opus-5", "mistral-large-3")
            .replace("gpt-5-mini", "mistral-small-4"),
        &cat,
    )
    .unwrap()
    .0;
    assert!(cat
        .get("mistral-large-3")
        .unwrap()
        .cached_input_price
        .is_none());
    let routes = route_turns(&record, &[mistral], &cat, &config, false);
    let costs = turn_costs(&routes, 0, &cat, cache);
    assert!(
        costs[1].switched && costs[1].cache_miss_usd == 0.0,
        "{costs:?}"
    );

    // The report adds it up per policy and per conversation.
    let report = simulate_conversations(
        [&record],
        &[
            Policy::load(ROUTER, &cat).unwrap().0,
            Policy::load(
                &ROUTER.replace("name = \"by-turn\"", "name = \"sticky\"\nsticky = true"),
                &cat,
            )
            .unwrap()
            .0,
        ],
        &cat,
        &config,
        cache,
    );
    let (a, b) = (&report.policies[0], &report.policies[1]);
    assert_eq!((a.switches, b.switches), (2, 0));
    assert_eq!(b.kept_turns, 1);
    let sum: f64 = moving.iter().map(|t| t.cost_usd).sum();
    assert!((a.total_cost_usd - sum).abs() < 1e-12);
    assert!(
        (a.cache_miss_usd - moving.iter().map(|t| t.cache_miss_usd).sum::<f64>()).abs() < 1e-15
    );
    assert_eq!(a.per_conversation[0].models.len(), 3);
}

#[test]
fn a_single_prompt_routes_exactly_as_before() {
    let cat = catalog();
    let config = config();
    for preset in routeplay_core::shipped::PRESETS {
        let p = Policy::load(preset.1, &cat).unwrap().0;
        for text in [
            "hi",
            "Plan a three-week product launch for a small B2B SaaS with milestones and risks.",
            "Write a Rust function that reverses a linked list.",
        ] {
            let signals = config.tasks.signals(text, None, true);
            let old = p.decide(&Facts::new(text, &signals, &Metadata::new()), &cat);
            let rec = PromptRecord {
                id: None,
                text: text.into(),
                label: None,
                metadata: Default::default(),
                outcomes: None,
                conversation: None,
            };
            let routes = route_turns(&rec, std::slice::from_ref(&p), &cat, &config, true);
            assert_eq!(routes.len(), 1);
            assert_eq!(routes[0].decisions[0].decision, old, "{}", preset.0);
            // The same prompt written as a one-message chat request routes the same way.
            let body = serde_json::json!({"messages": [{"role": "user", "content": text}]});
            let (facts, _) = record_facts(&one(&body.to_string()), &config, true);
            let d = p.decide(&facts, &cat);
            assert_eq!(
                (d.model, d.rule, d.input_tokens),
                (old.model.clone(), old.rule.clone(), old.input_tokens),
                "{}",
                preset.0
            );
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        prop_oneof![
            Just("user".to_string()),
            Just("assistant".to_string()),
            Just("tool".to_string()),
            Just("system".to_string()),
            Just("text".to_string()),
            Just("image_url".to_string()),
            Just("tool_use".to_string()),
            Just("tool_result".to_string()),
            Just("human".to_string()),
            Just("gpt".to_string()),
            Just("function_call".to_string()),
            ".{0,12}",
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        let key = prop_oneof![
            Just("messages"),
            Just("role"),
            Just("content"),
            Just("type"),
            Just("text"),
            Just("tools"),
            Just("function"),
            Just("name"),
            Just("arguments"),
            Just("tool_calls"),
            Just("system"),
            Just("image_url"),
            Just("url"),
            Just("source"),
            Just("input"),
            Just("tool_use_id"),
            Just("conversations"),
            Just("from"),
            Just("value"),
            Just("custom_id"),
            Just("body"),
            Just("input_schema"),
            Just("id"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::vec((key, inner), 0..6).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any JSON shaped like the formats (keys and role names drawn from them) reads as a
    /// conversation or a clear error, and whatever reads routes every turn without panicking.
    #[test]
    fn no_conversation_record_panics(v in json_value(), extra in ".{0,40}") {
        let cat = catalog();
        let line = v.to_string();
        let text = format!("{line}\n{extra}\n{line}");
        let set = read_prompt_set(&text, &ReadOptions::default()).unwrap();
        prop_assert!(set.prompts.len() + set.errors.len() >= 1 || text.trim().is_empty());
        for e in &set.errors {
            prop_assert!(e.line >= 1 && !e.message.is_empty());
        }
        let policy = Policy::load(AGENT_AWARE, &cat).unwrap().0;
        let config = RunConfig::default();
        for (_, r) in &set.prompts {
            let routes = route_turns(r, std::slice::from_ref(&policy), &cat, &config, false);
            let _ = turn_costs(&routes, 0, &cat, CacheModel::default());
        }
        // The record alone, pretty-printed (a pasted body).
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let _ = read_prompt_set(&pretty, &ReadOptions::default()).unwrap();
    }

    /// Arbitrary text never panics the reader (whole-document detection included).
    #[test]
    fn no_text_panics_the_reader(text in "[\\[\\]{}\",:a-z0-9 \\n\\\\]{0,200}") {
        let set = read_prompt_set(&text, &ReadOptions::default()).unwrap();
        for (_, r) in &set.prompts {
            if let Some(c) = &r.conversation {
                let _: Vec<usize> = c.turn_ends();
                let _ = Conversation::prefix(c, usize::MAX);
            }
        }
    }
}

#[test]
fn the_documented_sticky_example_loads_and_escalates() {
    let doc = include_str!("../../../docs/policy.md");
    let section = doc.split("### Stickiness").nth(1).expect("the section");
    let src = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the example");
    let cat = catalog();
    let (p, warnings) = Policy::load(src, &cat).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(p.sticky && p.rules[0].escalation);
    assert_eq!(p.rules[0].name, "hard planning");
}
