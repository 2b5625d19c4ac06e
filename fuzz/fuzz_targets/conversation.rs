//! Conversation reading (crates/routeplay-core/src/conversation/ through the prompt-set reader,
//! crates/routeplay-core/src/simulate/input.rs): OpenAI Chat Completions and Batch, Anthropic
//! Messages and ShareGPT records, per line or as one pasted JSON document, mixed with prompts;
//! then every turn routed under a sticky and a non-sticky policy, and its cost.
//! Input: the file's bytes.
//!
//! Checks: no panic; every kept entry and bad line has a line inside the file; a conversation
//! has messages, its turn ends rise strictly within them, and each prefix holds that many
//! messages; it serialises and reads back as itself; its context tokens are at least its system
//! and this turn's; routing gives every policy a decision per turn, a sticky policy's turns
//! after the first never switch model without an escalation or the anchor failing; turn costs
//! are finite and not negative.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_core::catalog::Catalog;
use routeplay_core::conversation::{
    route_turns, turn_costs, CacheModel, Conversation, ConversationSignals,
};
use routeplay_core::policy::{Policy, Stickiness};
use routeplay_core::shipped::CATALOG;
use routeplay_core::simulate::{read_prompt_set_bytes, ReadOptions, RunConfig};
use std::sync::OnceLock;

const POLICY: &str = r#"name = "p"
[[rule]]
name = "agent"
when = 'agent_step || tool_count > 2 || has_images'
model = "claude-sonnet-5"
escalation = true
[[rule]]
name = "long"
when = 'context_tokens > 200 || turns > 3'
model = "gpt-5.4"
[default]
model = "gpt-5-mini"
"#;

fn setup() -> &'static (Catalog, Vec<Policy>) {
    static S: OnceLock<(Catalog, Vec<Policy>)> = OnceLock::new();
    S.get_or_init(|| {
        let catalog = Catalog::from_json(CATALOG).expect("shipped catalog");
        let plain = Policy::load(POLICY, &catalog).expect("policy").0;
        let sticky = Policy::load(
            &POLICY.replace("name = \"p\"", "name = \"s\"\nsticky = true"),
            &catalog,
        )
        .expect("sticky policy")
        .0;
        (catalog, vec![plain, sticky])
    })
}

fuzz_target!(|data: &[u8]| {
    let (catalog, policies) = setup();
    let lines = String::from_utf8_lossy(data).split('\n').count();
    let Ok(set) = read_prompt_set_bytes(data, &ReadOptions::default()) else {
        return;
    };
    for e in &set.errors {
        assert!(e.line >= 1 && e.line <= lines, "error line {} of {lines}", e.line);
        assert!(!e.message.is_empty());
    }
    let config = RunConfig::default();
    for (line, r) in set.prompts.iter().take(8) {
        assert!(*line >= 1 && *line <= lines, "line {line} of {lines}");
        if let Some(c) = &r.conversation {
            assert!(!c.messages.is_empty());
            let ends = c.turn_ends();
            for w in ends.windows(2) {
                assert!(w[0] < w[1], "turn ends out of order: {ends:?}");
            }
            for &e in &ends {
                assert!(e >= 1 && e <= c.messages.len());
                assert_eq!(c.prefix(e).messages.len(), e);
            }
            let json = serde_json::to_string(c).expect("serialises");
            let back: Conversation = serde_json::from_str(&json).expect("reads back");
            assert_eq!(&back, c.as_ref());
            let s = ConversationSignals::compute(c, None, |_| None);
            assert!(s.facts.context_tokens >= s.facts.system_tokens + s.turn_tokens);
        }
        let routes = route_turns(r, policies, catalog, &config, false);
        for route in &routes {
            assert_eq!(route.decisions.len(), policies.len());
        }
        for (i, w) in routes.windows(2).enumerate() {
            let (a, b) = (&w[0].decisions[1], &w[1].decisions[1]);
            if a.model().is_some() && a.model() != b.model() {
                assert!(
                    matches!(
                        b.sticky,
                        Some(Stickiness::Escalated { .. } | Stickiness::Left { .. })
                    ),
                    "sticky policy switched at turn {} without an escalation: {:?}",
                    i + 1,
                    b.sticky
                );
            }
        }
        for p in 0..policies.len() {
            for t in turn_costs(&routes, p, catalog, CacheModel::default()) {
                assert!(t.cost_usd.is_finite() && t.cost_usd >= 0.0, "{t:?}");
                assert!(t.cache_miss_usd.is_finite() && t.cache_miss_usd >= 0.0, "{t:?}");
            }
        }
    }
});
