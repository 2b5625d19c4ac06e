//! Calibration: softmax with a temperature, expected calibration error (ECE), and the
//! temperature that minimises the negative log-likelihood of held-out predictions.
//!
//! Temperature scaling divides every task logit by one number `T`: the most probable label does
//! not change, only how sure the model says it is. `T` is fitted on leave-one-source-out
//! predictions (prompts from sources the fold's model never saw), because that is the kind of
//! prompt users send; the shipped model folds it into its scales and biases.

/// Softmax of `logits / t` into `out`.
pub fn softmax(logits: &[f32], t: f32, out: &mut [f64]) {
    let t = t as f64;
    let max = logits
        .iter()
        .map(|&z| z as f64 / t)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for (o, &z) in out.iter_mut().zip(logits) {
        *o = (z as f64 / t - max).exp();
        sum += *o;
    }
    for o in out.iter_mut().take(logits.len()) {
        *o /= sum;
    }
}

/// The top probability and the top minus the second (the `confidence` and `margin` policies
/// read), of a probability vector.
pub fn confidence_margin(probs: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut a, mut b) = (0f64, 0f64);
    for p in probs {
        if p > a {
            b = a;
            a = p;
        } else if p > b {
            b = p;
        }
    }
    (a, a - b)
}

/// Expected calibration error over `bins` equal-width confidence bins: the share-weighted mean
/// gap between confidence and accuracy. `items` are (top probability, top label was right).
pub fn ece(items: &[(f64, bool)], bins: usize) -> f64 {
    if items.is_empty() || bins == 0 {
        return 0.0;
    }
    let mut conf = vec![0f64; bins];
    let mut acc = vec![0f64; bins];
    let mut n = vec![0usize; bins];
    for &(c, ok) in items {
        let b = ((c * bins as f64) as usize).min(bins - 1);
        conf[b] += c;
        acc[b] += ok as u8 as f64;
        n[b] += 1;
    }
    (0..bins)
        .filter(|&b| n[b] > 0)
        .map(|b| (conf[b] - acc[b]).abs())
        .sum::<f64>()
        / items.len() as f64
}

/// (top probability, correct) of each item at temperature `t`; `gold` indexes the logits.
pub fn top_items(logits: &[Vec<f32>], gold: &[usize], t: f32) -> Vec<(f64, bool)> {
    let mut p = Vec::new();
    logits
        .iter()
        .zip(gold)
        .map(|(z, &g)| {
            p.resize(z.len(), 0.0);
            softmax(z, t, &mut p);
            let best = (0..z.len())
                .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))
                .unwrap_or(0);
            (p[best], best == g)
        })
        .collect()
}

/// Mean negative log-likelihood of the gold labels at temperature `t`.
pub fn nll(logits: &[Vec<f32>], gold: &[usize], t: f32) -> f64 {
    let mut p = Vec::new();
    let mut sum = 0.0;
    for (z, &g) in logits.iter().zip(gold) {
        p.resize(z.len(), 0.0);
        softmax(z, t, &mut p);
        sum -= p[g].max(1e-12).ln();
    }
    sum / logits.len().max(1) as f64
}

/// The temperature in [0.05, 20] with the lowest [`nll`] (golden-section search over log t;
/// deterministic).
pub fn fit_temperature(logits: &[Vec<f32>], gold: &[usize]) -> f32 {
    if logits.is_empty() {
        return 1.0;
    }
    let f = |x: f64| nll(logits, gold, x.exp() as f32);
    let (mut a, mut b) = (0.05f64.ln(), 20f64.ln());
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - r * (b - a);
    let mut d = a + r * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = f(d);
        }
    }
    (((a + b) / 2.0).exp()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_is_zero_when_confidence_matches_accuracy() {
        let items = [(0.75, true), (0.75, true), (0.75, true), (0.75, false)];
        assert!(ece(&items, 10) < 1e-12);
        let over = [(0.95, false), (0.95, true)];
        assert!((ece(&over, 10) - 0.45).abs() < 1e-9);
    }

    #[test]
    fn fitted_temperature_softens_an_overconfident_model() {
        // Logits that say 99 % but are right 60 % of the time.
        let mut logits = Vec::new();
        let mut gold = Vec::new();
        for i in 0..100 {
            logits.push(vec![5.0f32, 0.0, 0.0]);
            gold.push(if i % 10 < 6 { 0 } else { 1 + i % 2 });
        }
        let t = fit_temperature(&logits, &gold);
        assert!(t > 1.5, "{t}");
        let before = ece(&top_items(&logits, &gold, 1.0), 15);
        let after = ece(&top_items(&logits, &gold, t), 15);
        assert!(after < 0.02 && before > 0.3, "{before} -> {after}");
        assert!(nll(&logits, &gold, t) < nll(&logits, &gold, 1.0));
    }

    #[test]
    fn confidence_and_margin() {
        let (c, m) = confidence_margin([0.1, 0.6, 0.3]);
        assert!((c - 0.6).abs() < 1e-12 && (m - 0.3).abs() < 1e-12);
        assert_eq!(confidence_margin([]), (0.0, 0.0));
    }
}
