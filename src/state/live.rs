//! What the live-run panel says before anything runs: which policy and prompt produced the routed
//! model (or why nothing was routed), and whether the routed model can be run with the keys held.
//! Plain rules, tested natively; `components/live_run.rs` only draws them.

use crate::providers::keys::{base_url_in, bound_key_in, Slots};
use routeplay_core::policy::Decision;
use routeplay_providers::presets::{not_callable, preset};

/// Where the routed model came from: the first selected policy that has a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteOrigin {
    /// Index of that decision in the selection's decisions.
    pub index: usize,
    /// The policy document's id.
    pub policy_id: String,
    /// The policy's name (its `name` field).
    pub policy_name: String,
    /// The rule that chose, if one did.
    pub rule: Option<String>,
    /// The chosen catalog model, if any.
    pub model: Option<String>,
}

/// Why there is no routed model to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRoute {
    /// The catalog or the presets are still loading.
    Loading,
    /// No policy is selected in the Prompt view.
    NoPolicySelected,
    /// Every selected policy has errors (ids).
    AllBroken(Vec<String>),
    /// The policy chose no model: not even its default rule had an eligible model.
    NoModel {
        /// The policy's name.
        policy: String,
    },
    /// The chosen model is not in the catalog in use.
    NotInCatalog {
        /// The policy's name.
        policy: String,
        /// The model id it chose.
        model: String,
    },
}

impl NoRoute {
    /// The sentence shown where the run list would be: why it is empty and what to do.
    pub fn sentence(&self) -> String {
        match self {
            NoRoute::Loading => "The catalog and policies are still loading.".into(),
            NoRoute::NoPolicySelected => "The run list is empty because no policy is selected, so nothing was routed. Select a policy under “Policies compared” in the Prompt view, or type a line such as “routed openai gpt-5.4-mini” below.".into(),
            NoRoute::AllBroken(ids) => format!(
                "The run list is empty because {} {} errors, so nothing was routed. Fix {} in the Policies view, select another policy in the Prompt view, or type a run list below.",
                quote_list(ids),
                if ids.len() == 1 { "has" } else { "have" },
                if ids.len() == 1 { "it" } else { "them" },
            ),
            NoRoute::NoModel { policy } => format!(
                "The run list is empty because policy “{policy}” chose no model for this prompt (no rule had an eligible model). Open the trace in the Prompt view to see why, or type a run list below."
            ),
            NoRoute::NotInCatalog { policy, model } => format!(
                "The run list is empty because policy “{policy}” chose “{model}”, which is not in the catalog in use. Add it in the Catalog view, or type a run list below."
            ),
        }
    }
}

fn quote_list(ids: &[String]) -> String {
    let q: Vec<String> = ids.iter().map(|i| format!("“{i}”")).collect();
    match q.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first selected policy with a decision, as the app's plan uses it. `decisions` are
/// (policy id, decision or why there is none) in selection order.
pub fn route_origin<'a>(
    decisions: impl IntoIterator<Item = (&'a str, &'a Result<Decision, String>)>,
    loaded: bool,
) -> Result<RouteOrigin, NoRoute> {
    if !loaded {
        return Err(NoRoute::Loading);
    }
    let mut broken = Vec::new();
    for (index, (id, d)) in decisions.into_iter().enumerate() {
        match d {
            Ok(d) => {
                return Ok(RouteOrigin {
                    index,
                    policy_id: id.to_string(),
                    policy_name: if d.policy.trim().is_empty() {
                        id.to_string()
                    } else {
                        d.policy.clone()
                    },
                    rule: d.rule.clone(),
                    model: d.model.clone(),
                })
            }
            Err(_) => broken.push(id.to_string()),
        }
    }
    if broken.is_empty() {
        Err(NoRoute::NoPolicySelected)
    } else {
        Err(NoRoute::AllBroken(broken))
    }
}

/// Why there is no plan although a policy decided (`plan` was `None` for `origin`).
pub fn missing_plan(origin: &RouteOrigin) -> NoRoute {
    match &origin.model {
        None => NoRoute::NoModel {
            policy: origin.policy_name.clone(),
        },
        Some(m) => NoRoute::NotInCatalog {
            policy: origin.policy_name.clone(),
            model: m.clone(),
        },
    }
}

/// A prompt shortened for a one-line mention: whitespace collapsed, at most `max` characters.
pub fn short_prompt(prompt: &str, max: usize) -> String {
    let flat = prompt.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The sentence naming where the routed model came from.
pub fn origin_sentence(origin: &RouteOrigin, model: &str, prompt: &str) -> String {
    let rule = origin
        .rule
        .as_ref()
        .map(|r| format!(", rule “{r}”"))
        .unwrap_or_default();
    format!(
        "{model} was routed by policy “{}”{rule} for the prompt “{}”.",
        origin.policy_name,
        short_prompt(prompt, 80)
    )
}

/// Whether a model can be sent the prompt with the keys and endpoints held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Everything needed is there.
    Ready,
    /// The prompt is empty.
    NoPrompt,
    /// The run list has no routed line.
    NoRoutedModel,
    /// The provider needs a key and none is entered.
    NeedsKey {
        /// The provider's display name.
        provider: String,
        /// The model that would run.
        model: String,
    },
    /// The provider has no endpoint (the custom one before an address is entered).
    NeedsEndpoint {
        /// The provider's display name.
        provider: String,
        /// The model that would run.
        model: String,
    },
    /// A cloud platform (Bedrock, Azure, Vertex AI) that a web page cannot call.
    NotCallable {
        /// The platform's display name.
        provider: String,
        /// Why, and what to do instead.
        why: String,
    },
    /// Routeplay does not know how to call this provider from the page.
    UnknownProvider {
        /// The provider id as written.
        provider: String,
    },
}

impl Readiness {
    /// The sentence shown next to the disabled Run button: what to do.
    pub fn sentence(&self) -> Option<String> {
        match self {
            Readiness::Ready => None,
            Readiness::NoPrompt => Some("Type a prompt in the Prompt view to run it.".into()),
            Readiness::NoRoutedModel => Some(
                "Add a line like “routed openai gpt-5.4-mini” to the run list to run it.".into(),
            ),
            Readiness::NeedsKey { provider, model } => Some(format!(
                "Add a{} {provider} key in “Keys and endpoints” above to run {model}.",
                if provider.starts_with(['A', 'E', 'I', 'O', 'U']) || provider == "xAI" {
                    "n"
                } else {
                    ""
                }
            )),
            Readiness::NeedsEndpoint { provider, model } => Some(format!(
                "Enter the {provider} endpoint in “Keys and endpoints” above to run {model}."
            )),
            Readiness::NotCallable { provider, why } => Some(format!(
                "Routeplay cannot call {provider} from a web page: {why}"
            )),
            Readiness::UnknownProvider { provider } => Some(format!(
                "Routeplay cannot call “{provider}” from this page: change the routed line to a provider listed in “Keys and endpoints”, or use a custom OpenAI-compatible endpoint."
            )),
        }
    }
}

/// Whether `provider`'s `model` can run with these keys and endpoints.
pub fn readiness(slots: &Slots, provider: &str, model: &str) -> Readiness {
    if let Some(n) = not_callable(provider) {
        return Readiness::NotCallable {
            provider: n.name.to_string(),
            why: n.why.to_string(),
        };
    }
    let Some(p) = preset(provider) else {
        return Readiness::UnknownProvider {
            provider: provider.to_string(),
        };
    };
    if base_url_in(slots, p.id).is_empty() {
        return Readiness::NeedsEndpoint {
            provider: p.name.to_string(),
            model: model.to_string(),
        };
    }
    if p.key_required && bound_key_in(slots, p.id).is_none() {
        return Readiness::NeedsKey {
            provider: p.name.to_string(),
            model: model.to_string(),
        };
    }
    Readiness::Ready
}

/// Whether the routed model of a run can start: a prompt, a routed line, and what its provider
/// needs. `routed` is (provider, model) of the run list's routed line.
pub fn run_readiness(slots: &Slots, prompt: &str, routed: Option<(&str, &str)>) -> Readiness {
    if prompt.trim().is_empty() {
        return Readiness::NoPrompt;
    }
    match routed {
        None => Readiness::NoRoutedModel,
        Some((p, m)) => readiness(slots, p, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::keys::{set_base_url_in, set_key_in};

    fn decision(policy: &str, model: Option<&str>, rule: Option<&str>) -> Decision {
        Decision {
            policy: policy.into(),
            model: model.map(Into::into),
            rule: rule.map(Into::into),
            rule_index: rule.map(|_| 0),
            fallbacks: vec![],
            estimate: None,
            task: "chat".into(),
            complexity: 0.1,
            input_tokens: 5.0,
            output_tokens: 50.0,
            trace: vec![],
        }
    }

    #[test]
    fn the_origin_is_the_first_selected_policy_with_a_decision() {
        let broken: Result<Decision, String> = Err("a has 1 error".into());
        let ok = Ok(decision(
            "Cost saver",
            Some("gpt-5.4-mini"),
            Some("short-chat"),
        ));
        let o = route_origin([("a", &broken), ("cost-saver", &ok)], true).unwrap();
        assert_eq!(o.index, 1);
        assert_eq!(o.policy_id, "cost-saver");
        assert_eq!(o.policy_name, "Cost saver");
        assert_eq!(o.rule.as_deref(), Some("short-chat"));
        assert_eq!(
            origin_sentence(&o, "openai · gpt-5.4-mini", "  Say\n hello  "),
            "openai · gpt-5.4-mini was routed by policy “Cost saver”, rule “short-chat” for the prompt “Say hello”."
        );
    }

    #[test]
    fn an_empty_list_says_why() {
        assert_eq!(route_origin([], false), Err(NoRoute::Loading));
        let none = route_origin([], true).unwrap_err();
        assert_eq!(none, NoRoute::NoPolicySelected);
        assert!(none.sentence().contains("no policy is selected"));
        assert!(none.sentence().contains("Prompt view"));
        let b1: Result<Decision, String> = Err("x".into());
        let b2: Result<Decision, String> = Err("y".into());
        let all = route_origin([("a", &b1), ("b", &b2)], true).unwrap_err();
        assert_eq!(all, NoRoute::AllBroken(vec!["a".into(), "b".into()]));
        assert!(all
            .sentence()
            .starts_with("The run list is empty because “a” and “b” have errors"));
        let one = NoRoute::AllBroken(vec!["a".into()]).sentence();
        assert!(one.contains("“a” has errors") && one.contains("Fix it"));
        let d = Ok(decision("Strict", None, None));
        let o = route_origin([("strict", &d)], true).unwrap();
        assert!(missing_plan(&o)
            .sentence()
            .contains("policy “Strict” chose no model"));
        let d = Ok(decision("Odd", Some("gone-model"), Some("r")));
        let o = route_origin([("odd", &d)], true).unwrap();
        assert_eq!(
            missing_plan(&o),
            NoRoute::NotInCatalog {
                policy: "Odd".into(),
                model: "gone-model".into()
            }
        );
    }

    #[test]
    fn run_needs_a_prompt_a_routed_line_and_the_routed_providers_key() {
        let mut s = Slots::new();
        assert_eq!(
            run_readiness(&s, " ", Some(("openai", "m"))),
            Readiness::NoPrompt
        );
        assert_eq!(run_readiness(&s, "hi", None), Readiness::NoRoutedModel);
        let r = run_readiness(&s, "hi", Some(("anthropic", "claude-haiku-4-5")));
        assert_eq!(
            r.sentence().unwrap(),
            "Add an Anthropic key in “Keys and endpoints” above to run claude-haiku-4-5."
        );
        assert_eq!(
            run_readiness(&s, "hi", Some(("openai", "m")))
                .sentence()
                .unwrap(),
            "Add an OpenAI key in “Keys and endpoints” above to run m."
        );
        assert_eq!(
            run_readiness(&s, "hi", Some(("google", "g")))
                .sentence()
                .unwrap(),
            "Add a Google Gemini key in “Keys and endpoints” above to run g."
        );
        set_key_in(&mut s, "anthropic", "test-key-anthropic").unwrap();
        assert_eq!(
            run_readiness(&s, "hi", Some(("anthropic", "claude-haiku-4-5"))),
            Readiness::Ready
        );
        // Cloud platforms cannot be called from the page, with or without keys: the sentence
        // names the platform and the way around it.
        for (id, name) in [
            ("bedrock", "AWS Bedrock"),
            ("azure", "Azure AI Foundry"),
            ("vertex", "Google Vertex AI"),
        ] {
            let r = run_readiness(&s, "hi", Some((id, "m")));
            assert!(matches!(r, Readiness::NotCallable { .. }), "{id}: {r:?}");
            let text = r.sentence().unwrap();
            assert!(
                text.starts_with(&format!("Routeplay cannot call {name}")),
                "{text}"
            );
            assert!(text.contains("Custom OpenAI-compatible"), "{text}");
        }
        // Local servers need no key; the custom endpoint needs an address first.
        assert_eq!(
            run_readiness(&s, "hi", Some(("ollama", "llama3"))),
            Readiness::Ready
        );
        assert!(matches!(
            run_readiness(&s, "hi", Some(("custom", "x"))),
            Readiness::NeedsEndpoint { .. }
        ));
        set_base_url_in(&mut s, "custom", "http://127.0.0.1:4000/v1").unwrap();
        assert_eq!(
            run_readiness(&s, "hi", Some(("custom", "x"))),
            Readiness::Ready
        );
        assert!(matches!(
            run_readiness(&s, "hi", Some(("nowhere", "x"))),
            Readiness::UnknownProvider { .. }
        ));
    }

    #[test]
    fn long_prompts_are_shortened_on_a_character_boundary() {
        assert_eq!(short_prompt("ééééé", 3), "éé…");
        assert_eq!(short_prompt("abc", 3), "abc");
    }
}
