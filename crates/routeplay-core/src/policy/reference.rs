//! The policy language's reference: the signals a condition reads, the objectives, the fields
//! of a policy file and the functions of a condition. One source for the app's in-app
//! reference, the diagnostics' "did you mean" fixes and the tests that keep it complete (every
//! variable the evaluator binds, every field the parser accepts).

use super::expr::{Variable, FUNCTIONS, VARIABLES};
use crate::catalog::{CAPABILITIES, TASK_TYPES};

/// A section of the reference; its [`Section::anchor`] is the id the app links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The variables a condition reads.
    Signals,
    /// How a rule ranks its candidates.
    Objectives,
    /// The fields of a policy file, a rule and its filters.
    Fields,
    /// The functions and macros a condition may call.
    Functions,
    /// Task types and capabilities.
    Values,
}

impl Section {
    /// Every section, in reading order.
    pub const ALL: [Section; 5] = [
        Section::Signals,
        Section::Objectives,
        Section::Fields,
        Section::Functions,
        Section::Values,
    ];

    /// A stable anchor name (`"signals"`, `"objectives"`, ...).
    pub fn anchor(self) -> &'static str {
        match self {
            Section::Signals => "signals",
            Section::Objectives => "objectives",
            Section::Fields => "fields",
            Section::Functions => "functions",
            Section::Values => "values",
        }
    }

    /// The section's title.
    pub fn title(self) -> &'static str {
        match self {
            Section::Signals => "Signals (variables in `when`)",
            Section::Objectives => "Objectives",
            Section::Fields => "Fields",
            Section::Functions => "Functions",
            Section::Values => "Task types and capabilities",
        }
    }
}

/// One documented name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The name as written in a policy.
    pub name: &'static str,
    /// Its type or where it goes, in words.
    pub kind: &'static str,
    /// What it means.
    pub doc: &'static str,
}

/// The variables a condition reads (the evaluator binds exactly these).
pub fn signals() -> &'static [Variable] {
    &VARIABLES
}

/// The objectives of `objective = "..."`.
pub const OBJECTIVES: [Entry; 4] = [
    Entry { name: "cheapest", kind: "objective", doc: "the lowest estimated cost; pair it with min_quality for a floor, or quality_band = N for the cheapest within N points of the best eligible quality" },
    Entry { name: "best_quality", kind: "objective", doc: "the highest catalog quality for the prompt's task; pair it with max_cost for a cap" },
    Entry { name: "fastest", kind: "objective", doc: "the lowest estimated time to the whole answer (time to first token + output at typical speed)" },
    Entry { name: "weighted", kind: "objective", doc: "the best score quality·wq − cost·wc − latency·wl, each scaled 0..1 over the eligible candidates; set weights = { quality, cost, latency }" },
];

/// The objective names, comma-separated (for messages).
pub fn objective_names() -> String {
    OBJECTIVES
        .iter()
        .map(|o| o.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The top-level fields and tables of a policy file.
pub const POLICY_FIELDS: [Entry; 7] = [
    Entry { name: "name", kind: "string", doc: "the policy's name: its identity in the app, share links and reports" },
    Entry { name: "description", kind: "string", doc: "what the policy is for" },
    Entry { name: "output_tokens", kind: "number", doc: "expected answer length in tokens for every estimate (default: by task type)" },
    Entry { name: "metadata", kind: "table [metadata]", doc: "request metadata fields the conditions read as meta.FIELD, each with its default (its type comes from the default)" },
    Entry { name: "constraints", kind: "table [constraints]", doc: "filters applied to every rule that does not set its own" },
    Entry { name: "rule", kind: "tables [[rule]]", doc: "the rules, tried in order; the first whose condition holds and leaves an eligible model chooses" },
    Entry { name: "default", kind: "table [default]", doc: "the rule used when no other matched (required, no `when`)" },
];

/// The fields of a `[[rule]]` or `[default]` besides the filters.
pub const RULE_FIELDS: [Entry; 10] = [
    Entry {
        name: "name",
        kind: "string",
        doc: "shown in traces and coverage",
    },
    Entry {
        name: "when",
        kind: "CEL condition",
        doc:
            "when the rule applies, e.g. 'task == \"code\" && complexity > 0.6' (not in [default])",
    },
    Entry {
        name: "model",
        kind: "model id",
        doc: "action: always this model",
    },
    Entry {
        name: "split",
        kind: "list of { model, weight }",
        doc: "action: a weighted traffic split, deterministic per prompt",
    },
    Entry {
        name: "objective",
        kind: "objective name",
        doc: "action: rank the candidates by an objective",
    },
    Entry {
        name: "candidates",
        kind: "list of model ids",
        doc: "the models an objective ranks (default: every catalog model)",
    },
    Entry {
        name: "weights",
        kind: "{ quality, cost, latency }",
        doc: "weights of the weighted objective",
    },
    Entry {
        name: "quality_band",
        kind: "0..100 points",
        doc: "with objective = \"cheapest\": only candidates within this many points of the best eligible quality for the task stay eligible, so the cheapest of those wins",
    },
    Entry {
        name: "fallbacks",
        kind: "list of model ids",
        doc: "explicit fallbacks, after the automatic ones",
    },
    Entry {
        name: "fallback_count",
        kind: "integer 0..20",
        doc: "how many next-ranked candidates form the fallback chain",
    },
];

/// The filters, in a rule or under `[constraints]`.
pub const FILTER_FIELDS: [Entry; 10] = [
    Entry {
        name: "allow_providers",
        kind: "list of providers",
        doc: "only models served by these providers",
    },
    Entry {
        name: "deny_providers",
        kind: "list of providers",
        doc: "no model served by these providers",
    },
    Entry {
        name: "allow_makers",
        kind: "list of makers",
        doc: "only models made by these makers",
    },
    Entry {
        name: "deny_makers",
        kind: "list of makers",
        doc: "no model made by these makers",
    },
    Entry {
        name: "max_input_price",
        kind: "USD per 1M tokens",
        doc: "the highest input price allowed",
    },
    Entry {
        name: "max_output_price",
        kind: "USD per 1M tokens",
        doc: "the highest output price allowed",
    },
    Entry {
        name: "require",
        kind: "list of capabilities",
        doc: "capabilities every model must have (reasoning, tools, vision)",
    },
    Entry {
        name: "min_quality",
        kind: "0..100",
        doc: "the lowest catalog quality allowed for the prompt's task",
    },
    Entry {
        name: "max_cost",
        kind: "USD per request",
        doc: "the highest estimated cost of this request",
    },
    Entry {
        name: "context_fit",
        kind: "bool (default true)",
        doc: "the prompt plus the expected answer must fit the context window",
    },
];

/// The fields of `weights = { ... }`.
pub const WEIGHT_FIELDS: [Entry; 3] = [
    Entry {
        name: "quality",
        kind: "number ≥ 0",
        doc: "weight of quality (higher is better)",
    },
    Entry {
        name: "cost",
        kind: "number ≥ 0",
        doc: "weight of cost (lower is better)",
    },
    Entry {
        name: "latency",
        kind: "number ≥ 0",
        doc: "weight of latency (lower is better)",
    },
];

/// The fields of one `split` arm.
pub const ARM_FIELDS: [Entry; 2] = [
    Entry {
        name: "model",
        kind: "model id",
        doc: "the arm's model",
    },
    Entry {
        name: "weight",
        kind: "number > 0",
        doc: "its share of the traffic, relative to the other arms",
    },
];

/// The macros a condition may use besides [`FUNCTIONS`].
pub const MACROS: [&str; 6] = ["has", "all", "exists", "exists_one", "map", "filter"];

/// The functions a condition may call.
pub fn functions() -> &'static [&'static str] {
    &FUNCTIONS
}

/// The task types `task` and `scores` know.
pub fn task_types() -> &'static [&'static str] {
    &TASK_TYPES
}

/// The capabilities `require` knows.
pub fn capabilities() -> &'static [&'static str] {
    &CAPABILITIES
}

/// For a TOML "unknown field `x`, expected one of `a`, `b`" message: the misspelt field and
/// the closest expected one, when one is close.
pub fn unknown_field_suggestion(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field")?;
    let names: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let (wrong, expected) = names.split_first()?;
    let near = crate::catalog::closest(wrong, expected.iter().copied())?;
    Some((wrong.to_string(), near.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::policy::tests::CATALOG;
    use crate::policy::{Facts, Metadata, Policy};
    use crate::signals::{CheapSignals, PromptSignals, TaskPrediction};
    use std::collections::BTreeSet;

    #[test]
    fn every_variable_the_evaluator_binds_is_in_the_reference() {
        let signals = PromptSignals {
            cheap: CheapSignals::compute("hello world"),
            task: Some(TaskPrediction {
                label: "chat".into(),
                scores: Default::default(),
                complexity: 0.3,
            }),
        };
        let facts = Facts::new("hello world", &signals, &Metadata::new());
        // The evaluator binds one value per fact plus `meta`: as many as the reference lists.
        assert_eq!(
            facts.bound_count(),
            super::signals().len(),
            "a variable is bound but not documented, or documented but not bound"
        );
        // And every documented variable is accepted by the checker and resolves to a value.
        let catalog = Catalog::from_json(CATALOG).unwrap();
        for v in super::signals() {
            let src = format!(
                "name = \"t\"\n[[rule]]\nwhen = 'size([{}]) == 1'\nmodel = \"gpt-5-mini\"\n[default]\nmodel = \"gpt-5-mini\"\n",
                v.name
            );
            let (p, _) =
                Policy::load(&src, &catalog).unwrap_or_else(|d| panic!("{}: {d:?}", v.name));
            let d = p.decide(&facts, &catalog);
            assert_eq!(d.rule_index, Some(0), "{}: {:?}", v.name, d.trace[0].reason);
        }
        for v in super::signals() {
            assert!(!v.doc.is_empty() && !v.type_name.is_empty(), "{}", v.name);
        }
    }

    /// The names TOML says it expected, from an unknown-field error at `src`.
    fn expected_fields(src: &str) -> BTreeSet<String> {
        let diags = Policy::parse(src).unwrap_err();
        let msg = &diags[0].message;
        assert!(msg.starts_with("unknown field"), "{msg}");
        msg.split('`')
            .skip(1)
            .step_by(2)
            .skip(1)
            .map(String::from)
            .collect()
    }

    fn names(entries: &[Entry]) -> BTreeSet<String> {
        entries.iter().map(|e| e.name.to_string()).collect()
    }

    #[test]
    fn the_field_lists_are_exactly_what_the_parser_accepts() {
        let top = expected_fields("bogus = 1\n[default]\nmodel = \"m\"\n");
        assert_eq!(top, names(&POLICY_FIELDS));
        let rule = expected_fields("[default]\nmodel = \"m\"\nbogus = 1\n");
        let mut want = names(&RULE_FIELDS);
        want.extend(names(&FILTER_FIELDS));
        assert_eq!(rule, want);
        let filters = expected_fields("[constraints]\nbogus = 1\n[default]\nmodel = \"m\"\n");
        assert_eq!(filters, names(&FILTER_FIELDS));
        let weights =
            expected_fields("[default]\nobjective = \"weighted\"\nweights = { bogus = 1 }\n");
        assert_eq!(weights, names(&WEIGHT_FIELDS));
        let arm =
            expected_fields("[default]\nsplit = [{ model = \"m\", weight = 1, bogus = 2 }]\n");
        assert_eq!(arm, names(&ARM_FIELDS));
    }

    #[test]
    fn every_objective_in_the_reference_parses() {
        for o in OBJECTIVES {
            let src = format!("name = \"t\"\n[default]\nobjective = \"{}\"\n", o.name);
            assert!(Policy::parse(&src).is_ok(), "{}", o.name);
        }
        assert_eq!(
            objective_names(),
            "cheapest, best_quality, fastest, weighted"
        );
    }

    #[test]
    fn unknown_field_suggestion_picks_the_closest_expected_name() {
        let m = "unknown field `qualty`, expected one of `cost`, `quality`, `latency`";
        assert_eq!(
            unknown_field_suggestion(m),
            Some(("qualty".into(), "quality".into()))
        );
        assert_eq!(
            unknown_field_suggestion("unknown field `zzzzzzzz`, expected `a` or `b`"),
            None
        );
        assert_eq!(unknown_field_suggestion("invalid type"), None);
    }

    #[test]
    fn sections_have_distinct_anchors() {
        let a: BTreeSet<&str> = Section::ALL.iter().map(|s| s.anchor()).collect();
        assert_eq!(a.len(), Section::ALL.len());
    }
}
