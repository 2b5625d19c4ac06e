//! Bootstrap confidence intervals over prompts, deterministic for a seed.
//!
//! A small seeded generator ([`Prng`], SplitMix64) lives here so the core needs no `rand` /
//! `getrandom` and the same seed gives the same intervals on every platform, in the page and
//! the CLI alike.

use serde::Serialize;

/// SplitMix64: a tiny, fast, seedable generator (Steele, Lea and Flood, 2014). Not for
/// secrets; its only job is reproducible resampling.
#[derive(Debug, Clone)]
pub struct Prng {
    state: u64,
}

impl Prng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Prng {
        Prng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-shift (bias below 2^-40 for any set
    /// size Routeplay reads).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// A measured value with its bootstrap confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    /// The value over the whole prompt set.
    pub value: f64,
    /// Lower end of the interval (the value itself when no resample defined it).
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

impl Stat {
    /// A value without spread (an interval of one point).
    pub fn point(value: f64) -> Stat {
        Stat {
            value,
            low: value,
            high: value,
        }
    }
}

/// The `level` percentile interval (e.g. 0.95) of `samples` around `value`; samples that are
/// not finite (a ratio with nothing under it in that resample) are left out.
pub fn interval(value: f64, samples: &mut Vec<f64>, level: f64) -> Stat {
    samples.retain(|x| x.is_finite());
    if samples.is_empty() {
        return Stat::point(value);
    }
    samples.sort_by(f64::total_cmp);
    let tail = ((1.0 - level.clamp(0.0, 1.0)) / 2.0).max(0.0);
    let at = |p: f64| {
        let rank = (p * (samples.len() - 1) as f64).round() as usize;
        samples[rank.min(samples.len() - 1)]
    };
    Stat {
        value,
        low: at(tail),
        high: at(1.0 - tail),
    }
}

/// `resamples` bootstrap resamples of `0..n` (each `n` indices drawn with replacement), given
/// to `each` one at a time as a slice of indices.
pub fn resample(n: usize, resamples: usize, seed: u64, mut each: impl FnMut(&[usize])) {
    if n == 0 {
        return;
    }
    let mut rng = Prng::new(seed);
    let mut idx = vec![0usize; n];
    for _ in 0..resamples {
        for slot in idx.iter_mut() {
            *slot = rng.below(n);
        }
        each(&idx);
    }
}
