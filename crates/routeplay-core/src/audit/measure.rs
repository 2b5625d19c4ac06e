//! The measures: for the policy against one reference (the neutral counterfactual or a policy
//! the user picked), per prompt and summed, overall and by task type, with bootstrap intervals.
//!
//! Definitions (docs/audit.md, "What is measured"), for a prompt both policies route:
//!
//! - **house share of prompts**: prompts routed to a house model / prompts routed, for each
//!   side; **of spend**: estimated USD on house models / all estimated USD.
//! - **steered**: the policy chose a house model and the reference chose a model outside the
//!   house.
//! - **dominated** (among the steered): the reference's model is at least as good for the
//!   prompt's task by the catalog's quality *and* no more expensive for the prompt.
//! - **premium**: on the steered prompts, the policy's estimated cost minus the reference's
//!   (USD), and as a percentage of the reference's cost there.
//! - **quality given up**: on the steered prompts, the mean of the reference model's catalog
//!   quality minus the policy model's (points out of 100; negative when the house model is
//!   rated better).
//! - **realised** (prompts that carry `outcomes`): the same quality difference in realised
//!   scores, over the steered prompts with an outcome for both models.

use super::bootstrap::{interval, resample, Stat};
use serde::Serialize;

/// One side (policy or reference) of one prompt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Side {
    pub house: bool,
    pub cost: f64,
    pub quality: f64,
    /// The realised score of the chosen model, when the prompt has one for it.
    pub outcome: Option<f64>,
}

/// One prompt under the policy and one reference.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PromptPair {
    pub task: String,
    pub policy: Option<Side>,
    pub reference: Option<Side>,
    /// Whether the prompt carries outcomes.
    pub outcomes: bool,
}

impl PromptPair {
    /// Whether the policy chose a house model and the reference one outside the house.
    pub fn steered(&self) -> bool {
        matches!((self.policy, self.reference), (Some(p), Some(r)) if p.house && !r.house)
    }

    /// Whether a steered prompt's reference model was at least as good and no dearer.
    pub fn dominated(&self) -> bool {
        match (self.policy, self.reference) {
            (Some(p), Some(r)) if p.house && !r.house => r.quality >= p.quality && r.cost <= p.cost,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    n: usize,
    p_routed: usize,
    r_routed: usize,
    p_house: usize,
    r_house: usize,
    p_cost: f64,
    r_cost: f64,
    p_house_cost: f64,
    r_house_cost: f64,
    steered: usize,
    dominated: usize,
    s_p_cost: f64,
    s_r_cost: f64,
    s_dq: f64,
    o_steered: usize,
    o_dq: f64,
    o_missing: usize,
    o_p_n: usize,
    o_p: f64,
    o_r_n: usize,
    o_r: f64,
    o_prompts: usize,
}

const STATS: usize = 8;

impl Sums {
    fn add(&mut self, x: &PromptPair) {
        self.n += 1;
        self.o_prompts += usize::from(x.outcomes);
        if let Some(p) = x.policy {
            self.p_routed += 1;
            self.p_cost += p.cost;
            if p.house {
                self.p_house += 1;
                self.p_house_cost += p.cost;
            }
            if let Some(o) = p.outcome {
                self.o_p_n += 1;
                self.o_p += o;
            }
        }
        if let Some(r) = x.reference {
            self.r_routed += 1;
            self.r_cost += r.cost;
            if r.house {
                self.r_house += 1;
                self.r_house_cost += r.cost;
            }
            if let Some(o) = r.outcome {
                self.o_r_n += 1;
                self.o_r += o;
            }
        }
        if let (true, Some(p), Some(r)) = (x.steered(), x.policy, x.reference) {
            self.steered += 1;
            self.dominated += usize::from(x.dominated());
            self.s_p_cost += p.cost;
            self.s_r_cost += r.cost;
            self.s_dq += r.quality - p.quality;
            match (p.outcome, r.outcome) {
                (Some(a), Some(b)) => {
                    self.o_steered += 1;
                    self.o_dq += b - a;
                }
                _ if x.outcomes => self.o_missing += 1,
                _ => {}
            }
        }
    }

    fn ratio(a: f64, b: f64) -> f64 {
        if b > 0.0 {
            a / b
        } else {
            f64::NAN
        }
    }

    /// steered share, policy house share (prompts, spend), reference house share (prompts,
    /// spend), premium %, quality given up, realised quality given up. NaN when undefined.
    fn stats(&self) -> [f64; STATS] {
        [
            Self::ratio(self.steered as f64, self.n as f64),
            Self::ratio(self.p_house as f64, self.p_routed as f64),
            Self::ratio(self.p_house_cost, self.p_cost),
            Self::ratio(self.r_house as f64, self.r_routed as f64),
            Self::ratio(self.r_house_cost, self.r_cost),
            Self::ratio(self.s_p_cost - self.s_r_cost, self.s_r_cost),
            Self::ratio(self.s_dq, self.steered as f64),
            Self::ratio(self.o_dq, self.o_steered as f64),
        ]
    }
}

/// A house share, counted and with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseShare {
    /// Prompts routed to a house model.
    pub prompts: usize,
    /// Prompts routed at all (the denominator).
    pub routed: usize,
    /// Share of routed prompts, 0..1.
    pub of_prompts: Stat,
    /// Estimated USD on house models.
    pub spend_usd: f64,
    /// Estimated USD on all prompts.
    pub total_usd: f64,
    /// Share of the estimated spend, 0..1 (0 when nothing is spent).
    pub of_spend: Stat,
}

/// The measures over one group of prompts (the whole set, or one task type).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    /// Prompts in the group.
    pub prompts: usize,
    /// The policy's house share.
    pub policy_house: HouseShare,
    /// The reference's house share.
    pub reference_house: HouseShare,
    /// Steered prompts: a house model under the policy, another model under the reference.
    pub steered: usize,
    /// Steered prompts as a share of the group, 0..1.
    pub steered_share: Stat,
    /// Steered prompts whose reference model was at least as good and no more expensive.
    pub dominated: usize,
    /// Estimated USD the policy spends on the steered prompts.
    pub steered_policy_usd: f64,
    /// Estimated USD the reference spends on the same prompts.
    pub steered_reference_usd: f64,
    /// The premium: `steered_policy_usd - steered_reference_usd`.
    pub premium_usd: f64,
    /// The premium as a fraction of the reference's cost on the steered prompts (0.21 = 21 %
    /// more); `None` when nothing was steered or the reference spent nothing there.
    pub premium_pct: Option<Stat>,
    /// Mean catalog quality given up on the steered prompts (reference minus policy, points
    /// 0-100); `None` when nothing was steered.
    pub quality_given_up: Option<Stat>,
    /// The same in realised outcomes, when the prompts carry them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realised: Option<RealisedMeasures>,
}

/// Realised quality, from prompts that carry `outcomes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealisedMeasures {
    /// Prompts that carry outcomes.
    pub prompts: usize,
    /// Prompts whose outcomes score the policy's model.
    pub policy_prompts: usize,
    /// Their mean realised score.
    pub policy_mean: f64,
    /// Prompts whose outcomes score the reference's model.
    pub reference_prompts: usize,
    /// Their mean realised score.
    pub reference_mean: f64,
    /// Steered prompts with an outcome for both models.
    pub steered_with_outcomes: usize,
    /// Steered prompts without an outcome for one of the two models (left out).
    pub steered_missing: usize,
    /// Mean realised score given up on those steered prompts (reference minus policy).
    pub quality_given_up: Option<Stat>,
}

fn opt(s: Stat) -> Option<Stat> {
    s.value.is_finite().then_some(s)
}

/// The measures over `rows`, with `resamples` bootstrap resamples from `seed` at `level`.
pub(crate) fn measure(rows: &[&PromptPair], resamples: usize, seed: u64, level: f64) -> Measures {
    let mut all = Sums::default();
    for r in rows {
        all.add(r);
    }
    let value = all.stats();
    let mut samples: Vec<Vec<f64>> = (0..STATS).map(|_| Vec::with_capacity(resamples)).collect();
    resample(rows.len(), resamples, seed, |idx| {
        let mut s = Sums::default();
        for &i in idx {
            s.add(rows[i]);
        }
        for (k, v) in s.stats().into_iter().enumerate() {
            samples[k].push(v);
        }
    });
    let mut st: Vec<Stat> = value
        .iter()
        .zip(samples.iter_mut())
        .map(|(&v, smp)| {
            if v.is_finite() {
                interval(v, smp, level)
            } else {
                Stat::point(v)
            }
        })
        .collect();
    // A share with nothing under it reads as 0.
    for k in [0, 1, 2, 3, 4] {
        if !st[k].value.is_finite() {
            st[k] = Stat::point(0.0);
        }
    }
    let has_outcomes = all.o_prompts > 0;
    Measures {
        prompts: all.n,
        policy_house: HouseShare {
            prompts: all.p_house,
            routed: all.p_routed,
            of_prompts: st[1],
            spend_usd: all.p_house_cost,
            total_usd: all.p_cost,
            of_spend: st[2],
        },
        reference_house: HouseShare {
            prompts: all.r_house,
            routed: all.r_routed,
            of_prompts: st[3],
            spend_usd: all.r_house_cost,
            total_usd: all.r_cost,
            of_spend: st[4],
        },
        steered: all.steered,
        steered_share: st[0],
        dominated: all.dominated,
        steered_policy_usd: all.s_p_cost,
        steered_reference_usd: all.s_r_cost,
        premium_usd: all.s_p_cost - all.s_r_cost,
        premium_pct: opt(st[5]),
        quality_given_up: opt(st[6]),
        realised: has_outcomes.then(|| RealisedMeasures {
            prompts: all.o_prompts,
            policy_prompts: all.o_p_n,
            policy_mean: if all.o_p_n > 0 {
                all.o_p / all.o_p_n as f64
            } else {
                0.0
            },
            reference_prompts: all.o_r_n,
            reference_mean: if all.o_r_n > 0 {
                all.o_r / all.o_r_n as f64
            } else {
                0.0
            },
            steered_with_outcomes: all.o_steered,
            steered_missing: all.o_missing,
            quality_given_up: opt(st[7]),
        }),
    }
}
