//! The audit card: what a docs page or an article quotes, headline first, in Markdown and as
//! JSON (the same content).

use super::bootstrap::Stat;
use super::{percent, AuditReport, Measures, ReferenceKind, Removal};
use crate::format::{plural, usd};
use serde::Serialize;
use std::fmt::Write;

/// How many steered prompts a card lists as examples, per comparison.
pub const CARD_EXAMPLES: usize = 5;

/// The limits every card states.
pub const CARD_LIMITS: &str = "Quality and prices are the catalog's estimates for each prompt's task, not measured answers; costs are estimated from token counts at list prices. Intervals are bootstrap percentile intervals over prompts; they cover the sampling of prompts, not errors in the catalog.";

/// One comparison on the card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardComparison {
    /// The reference policy.
    pub reference: String,
    /// Neutral counterfactual or a picked policy.
    pub kind: ReferenceKind,
    /// Its headline.
    pub headline: String,
    /// The measures over the whole set.
    pub overall: Measures,
    /// Task types with steered prompts: (task, prompts, steered, dominated, premium USD,
    /// mean quality given up).
    pub tasks: Vec<CardTask>,
    /// A few steered prompts (id, task, the two models, the difference line).
    pub examples: Vec<CardExample>,
}

/// One task type's line on the card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardTask {
    /// Task type.
    pub task: String,
    /// Prompts of that type.
    pub prompts: usize,
    /// Steered prompts.
    pub steered: usize,
    /// Dominated among them.
    pub dominated: usize,
    /// The premium on them, USD.
    pub premium_usd: f64,
    /// Mean catalog quality given up on them.
    pub quality_given_up: Option<f64>,
}

/// One steered prompt on the card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardExample {
    /// Prompt id.
    pub id: String,
    /// Task type.
    pub task: String,
    /// The policy's house model.
    pub policy_model: String,
    /// The reference's model.
    pub reference_model: String,
    /// Whether the reference's model was at least as good and no dearer.
    pub dominated: bool,
    /// Why they differ.
    pub difference: String,
}

/// The audit card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditCard {
    /// The headline (against the neutral counterfactual).
    pub headline: String,
    /// The house, as it reads.
    pub house: String,
    /// The house as `routeplay audit --house` reads it (makers, providers).
    pub house_makers: Vec<String>,
    /// Providers of the house.
    pub house_providers: Vec<String>,
    /// The audited policy.
    pub policy: String,
    /// Prompts audited.
    pub prompts: usize,
    /// Prompts with outcomes.
    pub outcome_prompts: usize,
    /// Bootstrap seed, resamples and level.
    pub seed: u64,
    /// Resamples.
    pub resamples: usize,
    /// Confidence level.
    pub level: f64,
    /// What the neutral counterfactual removed.
    pub neutral_removed: Vec<Removal>,
    /// House preferences it kept.
    pub neutral_kept: Vec<String>,
    /// One entry per reference, the neutral counterfactual first.
    pub comparisons: Vec<CardComparison>,
    /// What the figures rest on.
    pub limits: String,
}

fn ci(s: &Stat, f: impl Fn(f64) -> String) -> String {
    if s.low == s.high {
        f(s.value)
    } else {
        format!("{} [{}, {}]", f(s.value), f(s.low), f(s.high))
    }
}

fn pct(s: &Stat) -> String {
    ci(s, percent)
}

fn points(s: &Stat) -> String {
    ci(s, |x| format!("{x:.1}"))
}

impl AuditReport {
    /// The card's content.
    pub fn card(&self) -> AuditCard {
        AuditCard {
            headline: self.headline.clone(),
            house: self.house_label.clone(),
            house_makers: self.house.makers.clone(),
            house_providers: self.house.providers.clone(),
            policy: self.policy.clone(),
            prompts: self.prompts,
            outcome_prompts: self.outcome_prompts,
            seed: self.options.seed,
            resamples: self.options.resamples,
            level: self.options.level,
            neutral_removed: self.neutral.removed.clone(),
            neutral_kept: self.neutral.kept.clone(),
            comparisons: self
                .comparisons
                .iter()
                .map(|c| CardComparison {
                    reference: c.reference.clone(),
                    kind: c.kind,
                    headline: c.headline.clone(),
                    overall: c.overall.clone(),
                    tasks: c
                        .by_task
                        .iter()
                        .filter(|t| t.measures.steered > 0)
                        .map(|t| CardTask {
                            task: t.task.clone(),
                            prompts: t.measures.prompts,
                            steered: t.measures.steered,
                            dominated: t.measures.dominated,
                            premium_usd: t.measures.premium_usd,
                            quality_given_up: t.measures.quality_given_up.map(|q| q.value),
                        })
                        .collect(),
                    examples: c
                        .steered_prompts
                        .iter()
                        .take(CARD_EXAMPLES)
                        .map(|s| CardExample {
                            id: s.id.clone(),
                            task: s.task.clone(),
                            policy_model: s.policy.model.clone(),
                            reference_model: s.reference.model.clone(),
                            dominated: s.dominated,
                            difference: s.difference.clone(),
                        })
                        .collect(),
                })
                .collect(),
            limits: CARD_LIMITS.to_string(),
        }
    }

    /// The card as pretty JSON.
    pub fn card_json(&self) -> String {
        serde_json::to_string_pretty(&self.card()).unwrap_or_else(|_| "{}".into())
    }

    /// The card as Markdown: the headline, a table of measures per reference (with
    /// intervals), steered prompts by task, a few examples, what the neutral policy removed,
    /// and the limits.
    pub fn card_markdown(&self) -> String {
        let mut s = String::new();
        let lvl = format!("{:.0}%", self.options.level * 100.0);
        let _ = writeln!(
            s,
            "## Neutrality audit: {} for {}\n",
            self.policy, self.house_label
        );
        let _ = writeln!(s, "**{}**\n", self.headline);
        let _ = writeln!(
            s,
            "{} audited; [low, high] are {lvl} bootstrap intervals ({} resamples, seed {}).\n",
            plural(self.prompts, "prompt"),
            crate::format::thousands(self.options.resamples),
            self.options.seed
        );
        let _ = writeln!(
            s,
            "| measure | {} |",
            self.comparisons
                .iter()
                .map(|c| match c.kind {
                    ReferenceKind::Neutral => "vs. neutral".to_string(),
                    ReferenceKind::Picked => format!("vs. {}", c.reference),
                })
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(s, "|---|{}", "---|".repeat(self.comparisons.len()));
        let row = |name: &str, f: &dyn Fn(&Measures) -> String| {
            let cells: Vec<String> = self.comparisons.iter().map(|c| f(&c.overall)).collect();
            format!("| {name} | {} |\n", cells.join(" | "))
        };
        let house = &self.house_label;
        s.push_str(&row(&format!("{house} share of prompts, policy"), &|m| {
            pct(&m.policy_house.of_prompts)
        }));
        s.push_str(&row(
            &format!("{house} share of prompts, reference"),
            &|m| pct(&m.reference_house.of_prompts),
        ));
        s.push_str(&row(&format!("{house} share of spend, policy"), &|m| {
            pct(&m.policy_house.of_spend)
        }));
        s.push_str(&row(&format!("{house} share of spend, reference"), &|m| {
            pct(&m.reference_house.of_spend)
        }));
        s.push_str(&row("steered prompts", &|m| {
            format!("{}: {}", m.steered, pct(&m.steered_share))
        }));
        s.push_str(&row("dominated (reference as good, no dearer)", &|m| {
            m.dominated.to_string()
        }));
        s.push_str(&row(
            "premium on steered prompts",
            &|m| match &m.premium_pct {
                Some(p) => format!("{}: {}", usd(m.premium_usd), pct(p)),
                None => usd(m.premium_usd),
            },
        ));
        s.push_str(&row("quality given up (points)", &|m| {
            m.quality_given_up
                .as_ref()
                .map(points)
                .unwrap_or_else(|| "—".into())
        }));
        if self.outcome_prompts > 0 {
            s.push_str(&row(
                "realised quality given up",
                &|m| match m.realised.as_ref() {
                    Some(r) => match &r.quality_given_up {
                        Some(q) => format!(
                            "{} over {}",
                            points(q),
                            plural(r.steered_with_outcomes, "prompt")
                        ),
                        None => "—".into(),
                    },
                    None => "—".into(),
                },
            ));
        }
        for c in &self.comparisons {
            let tasks: Vec<_> = c
                .by_task
                .iter()
                .filter(|t| t.measures.steered > 0)
                .collect();
            if tasks.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "\n### Steered by task ({})\n",
                match c.kind {
                    ReferenceKind::Neutral => "vs. neutral".to_string(),
                    ReferenceKind::Picked => format!("vs. {}", c.reference),
                }
            );
            let _ = writeln!(
                s,
                "| task | prompts | steered | dominated | premium | quality given up |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|---|");
            for t in tasks {
                let m = &t.measures;
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} |",
                    t.task,
                    m.prompts,
                    m.steered,
                    m.dominated,
                    usd(m.premium_usd),
                    m.quality_given_up
                        .map(|q| format!("{:.1}", q.value))
                        .unwrap_or_else(|| "—".into())
                );
            }
            if !c.steered_prompts.is_empty() {
                let _ = writeln!(s, "\nExamples:\n");
                for p in c.steered_prompts.iter().take(CARD_EXAMPLES) {
                    let _ = writeln!(
                        s,
                        "- `{}` ({}): {}{}",
                        p.id,
                        p.task,
                        p.difference,
                        if p.dominated { " — dominated" } else { "" }
                    );
                }
            }
        }
        let _ = writeln!(s, "\n### The neutral counterfactual\n");
        if self.neutral.removed.is_empty() {
            let _ = writeln!(
                s,
                "Nothing in `{}` names {house}: the neutral policy is the policy itself.",
                self.policy
            );
        }
        for r in &self.neutral.removed {
            let _ = writeln!(s, "- removed: {}", r.what);
        }
        for k in &self.neutral.kept {
            let _ = writeln!(s, "- kept: {k}");
        }
        let _ = writeln!(s, "\n_{CARD_LIMITS}_");
        s
    }
}
