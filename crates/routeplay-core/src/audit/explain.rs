//! Explain a steered prompt: the two decisions side by side and one line saying which rule
//! chose the house model and which constraint kept the reference's model out.

use crate::policy::{Decision, RuleOutcome};

/// One line on why two decisions differ: which rule of the policy chose, what it did with the
/// reference's model (excluded it, and by which filter; ranked it lower; never considered it),
/// and which rule of the reference chose instead. `removed` lists the policy's rules the
/// reference does not have (the neutral counterfactual's removed house-first rules).
pub fn difference(policy: &Decision, reference: &Decision, removed: &[String]) -> String {
    let (Some(pm), Some(rm)) = (&policy.model, &reference.model) else {
        return match (&policy.model, &reference.model) {
            (None, _) => format!("{} routes nowhere (no eligible model)", policy.policy),
            _ => format!("{} routes nowhere (no eligible model)", reference.policy),
        };
    };
    let prule = policy.rule.as_deref().unwrap_or("?");
    let rrule = reference.rule.as_deref().unwrap_or("?");
    let fired = policy
        .rule_index
        .and_then(|i| policy.trace.get(i))
        .filter(|t| t.outcome == RuleOutcome::Chosen);
    let what = match fired.and_then(|t| t.candidates.iter().find(|c| &c.model == rm)) {
        Some(c) => match (&c.excluded, c.rank) {
            (Some(why), _) => format!("`{rm}` excluded there: {why}"),
            (None, Some(k)) => format!("`{rm}` ranked #{k} there, behind `{pm}`"),
            (None, None) => format!("`{rm}` not ranked there"),
        },
        None => format!("`{rm}` not among its candidates"),
    };
    let mut s = format!(
        "{}: `{pm}` by rule `{prule}` ({what}); {}: `{rm}` by rule `{rrule}`",
        policy.policy, reference.policy
    );
    if removed.iter().any(|r| r == prule) {
        s.push_str(&format!(" (rule `{prule}` is removed there)"));
    }
    s
}
