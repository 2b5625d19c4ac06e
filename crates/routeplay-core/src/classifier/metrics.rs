//! Evaluation metrics: confusion matrix, per-class precision/recall/F1, macro-F1, ROC AUC.

use std::collections::BTreeMap;

/// Per-class scores.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScores {
    /// The label.
    pub label: String,
    /// Of the items predicted as this label, the share that has it.
    pub precision: f64,
    /// Of the items with this label, the share predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Items with this label.
    pub support: usize,
}

/// A confusion matrix over a fixed label list (gold labels in rows, predictions in columns).
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion {
    /// Row/column labels: the union of gold and predicted labels, sorted.
    pub labels: Vec<String>,
    /// `counts[gold][predicted]`.
    pub counts: Vec<Vec<usize>>,
}

impl Confusion {
    /// Builds the matrix from `(gold, predicted)` pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Self {
        let mut set = std::collections::BTreeSet::new();
        for (g, p) in pairs.clone() {
            set.insert(g.to_string());
            set.insert(p.to_string());
        }
        let labels: Vec<String> = set.into_iter().collect();
        let index: BTreeMap<&str, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i))
            .collect();
        let mut counts = vec![vec![0; labels.len()]; labels.len()];
        for (g, p) in pairs {
            counts[index[g]][index[p]] += 1;
        }
        Confusion { labels, counts }
    }

    /// Number of items.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// Share of items predicted correctly.
    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.labels.len()).map(|i| self.counts[i][i]).sum();
        correct as f64 / self.total().max(1) as f64
    }

    /// Scores of every label that occurs as a gold label.
    pub fn per_class(&self) -> Vec<ClassScores> {
        let n = self.labels.len();
        (0..n)
            .filter_map(|i| {
                let support: usize = self.counts[i].iter().sum();
                if support == 0 {
                    return None;
                }
                let tp = self.counts[i][i] as f64;
                let predicted: usize = (0..n).map(|r| self.counts[r][i]).sum();
                let precision = if predicted == 0 {
                    0.0
                } else {
                    tp / predicted as f64
                };
                let recall = tp / support as f64;
                let f1 = if precision + recall == 0.0 {
                    0.0
                } else {
                    2.0 * precision * recall / (precision + recall)
                };
                Some(ClassScores {
                    label: self.labels[i].clone(),
                    precision,
                    recall,
                    f1,
                    support,
                })
            })
            .collect()
    }

    /// Mean F1 over the gold labels.
    pub fn macro_f1(&self) -> f64 {
        let pc = self.per_class();
        pc.iter().map(|c| c.f1).sum::<f64>() / pc.len().max(1) as f64
    }

    /// The largest off-diagonal cells, `(gold, predicted, count)`, most frequent first.
    pub fn top_confusions(&self, k: usize) -> Vec<(String, String, usize)> {
        let mut v = Vec::new();
        for (i, row) in self.counts.iter().enumerate() {
            for (j, &c) in row.iter().enumerate() {
                if i != j && c > 0 {
                    v.push((self.labels[i].clone(), self.labels[j].clone(), c));
                }
            }
        }
        v.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then_with(|| a.0.cmp(&b.0))
                .then_with(|| a.1.cmp(&b.1))
        });
        v.truncate(k);
        v
    }
}

/// ROC AUC of `scores` for binary `positive` labels (ties count one half). `None` when one class
/// is missing.
pub fn roc_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..scores.len().min(positive.len())).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut n_pos) = (0f64, 0usize);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if positive[k] {
                rank_sum += avg_rank;
                n_pos += 1;
            }
        }
        i = j + 1;
    }
    let n_neg = idx.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    Some((rank_sum - (n_pos * (n_pos + 1)) as f64 / 2.0) / (n_pos as f64 * n_neg as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_scores() {
        let pairs = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")];
        let c = Confusion::from_pairs(pairs.iter().copied());
        assert_eq!(c.total(), 4);
        assert!((c.accuracy() - 0.75).abs() < 1e-9);
        let pc = c.per_class();
        assert!((pc[0].precision - 1.0).abs() < 1e-9);
        assert!((pc[0].recall - 0.5).abs() < 1e-9);
        assert!((c.macro_f1() - (2.0 / 3.0 + 0.8) / 2.0).abs() < 1e-9);
        assert_eq!(c.top_confusions(3), vec![("a".into(), "b".into(), 1)]);
    }

    #[test]
    fn auc() {
        assert_eq!(
            roc_auc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]),
            Some(1.0)
        );
        assert_eq!(roc_auc(&[0.5, 0.5], &[false, true]), Some(0.5));
        assert_eq!(roc_auc(&[0.5], &[true]), None);
    }
}
