//! Small pure helpers for the batch view's charts: the cost-quality frontier and two-stage
//! flows (prompts by task type, then by model).

use serde::Serialize;
use std::collections::BTreeMap;

/// Indices of the points on the cost-quality frontier: no other point is at most as costly and
/// at least as good with one of the two strictly better. Sorted by cost, cheapest first.
/// Points with a non-finite coordinate are never on it.
pub fn pareto_frontier(points: &[(f64, f64)]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].0.is_finite() && points[i].1.is_finite())
        .collect();
    // Cheapest first; among equal cost, best quality first.
    idx.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[b].1.total_cmp(&points[a].1))
            .then(a.cmp(&b))
    });
    let mut out = Vec::new();
    let mut best = f64::NEG_INFINITY;
    for i in idx {
        if points[i].1 > best {
            best = points[i].1;
            out.push(i);
        }
    }
    out
}

/// Counts of a two-stage flow: prompts by first key (e.g. task type), then by second key
/// (e.g. model), sorted by count, largest first, ties by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    /// Total items.
    pub total: usize,
    /// First-stage nodes with their counts.
    pub stage1: Vec<(String, usize)>,
    /// Second-stage nodes with their counts.
    pub stage2: Vec<(String, usize)>,
    /// Links (stage-1 name, stage-2 name, count).
    pub links: Vec<(String, String, usize)>,
}

/// Aggregates `(first, second)` pairs into a [`Flow`].
pub fn flow<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Flow {
    flow_counted(pairs.into_iter().map(|(a, b)| (a, b, 1)))
}

/// [`flow`] of pairs already counted: `(first, second, count)`, a pair possibly given more
/// than once (the same [`Flow`] as `count` copies of each pair).
pub fn flow_counted<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str, usize)>) -> Flow {
    let mut s1: BTreeMap<&str, usize> = BTreeMap::new();
    let mut s2: BTreeMap<&str, usize> = BTreeMap::new();
    let mut links: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut total = 0;
    for (a, b, n) in pairs {
        if n == 0 {
            continue;
        }
        total += n;
        *s1.entry(a).or_default() += n;
        *s2.entry(b).or_default() += n;
        *links.entry((a, b)).or_default() += n;
    }
    fn sorted(m: BTreeMap<&str, usize>) -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, c)| (k.to_string(), c)).collect();
        v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        v
    }
    let mut links: Vec<(String, String, usize)> = links
        .into_iter()
        .map(|((a, b), c)| (a.to_string(), b.to_string(), c))
        .collect();
    links.sort_by(|x, y| y.2.cmp(&x.2).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    Flow {
        total,
        stage1: sorted(s1),
        stage2: sorted(s2),
        links,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontier_keeps_only_undominated_points() {
        let pts = [
            (1.0, 50.0),
            (2.0, 70.0),
            (2.5, 60.0),
            (3.0, 90.0),
            (0.5, 40.0),
            (f64::NAN, 99.0),
        ];
        assert_eq!(pareto_frontier(&pts), vec![4, 0, 1, 3]);
        assert_eq!(pareto_frontier(&[(1.0, 5.0), (1.0, 7.0)]), vec![1]);
        assert!(pareto_frontier(&[]).is_empty());
    }

    #[test]
    fn flow_counts_both_stages() {
        let f = flow([("code", "a"), ("code", "b"), ("qa", "a"), ("code", "a")]);
        assert_eq!(f.total, 4);
        assert_eq!(f.stage1, vec![("code".into(), 3), ("qa".into(), 1)]);
        assert_eq!(f.stage2, vec![("a".into(), 3), ("b".into(), 1)]);
        assert_eq!(f.links[0], ("code".into(), "a".into(), 2));
        let counted = flow_counted([
            ("code", "a", 1),
            ("code", "b", 1),
            ("qa", "a", 1),
            ("code", "a", 1),
            ("x", "y", 0),
        ]);
        assert_eq!(counted, f);
        assert_eq!(
            flow_counted([("code", "a", 2), ("code", "b", 1), ("qa", "a", 1)]),
            f
        );
    }
}
