//! Numbers as people read them, the same in the app and the CLI.
//!
//! Every US-dollar amount Routeplay shows goes through [`usd`], so a cost reads the same on a
//! decision card, in the batch summary, on a live-run card and in the CLI. Exports (JSONL, CSV)
//! carry raw numbers instead (see [`crate::simulate::export`]).

/// A US-dollar amount with a precision that suits its size:
///
/// | amount | shown as | e.g. |
/// |---|---|---|
/// | exactly 0 | `$0` | `$0` |
/// | below one cent | six decimals (a millionth of a dollar, the step of per-token prices) | `$0.000123` |
/// | below $100 | four decimals | `$0.0421`, `$12.3457` |
/// | $100 and more | two decimals | `$1234.57` |
///
/// A negative amount gets a leading minus sign (`-$0.0421`); a non-finite one (no estimate)
/// shows as `—`. Rounding is to nearest, as `format!` does.
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    if x == 0.0 {
        return "$0".into();
    }
    let a = x.abs();
    let digits = if a < 0.01 {
        format!("{a:.6}")
    } else if a < 100.0 {
        format!("{a:.4}")
    } else {
        format!("{a:.2}")
    };
    if x < 0.0 {
        format!("-${digits}")
    } else {
        format!("${digits}")
    }
}

/// A difference in US dollars with an explicit sign: `+$0.0421`, `−$0.0421` (a real minus
/// sign), `±$0` when there is no difference. The amount is formatted by [`usd`].
pub fn signed_usd(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    format!("{}{}", sign(x), usd(x.abs()))
}

/// A difference with an explicit sign (`+`, `−`, or `±` for zero), `decimals` decimals and a
/// unit suffix: `signed(-12.34, " ms", 0)` is `−12 ms`.
pub fn signed(x: f64, unit: &str, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    format!("{}{:.decimals$}{unit}", sign(x), x.abs())
}

fn sign(x: f64) -> &'static str {
    if x > 0.0 {
        "+"
    } else if x < 0.0 {
        "−"
    } else {
        "±"
    }
}

/// A count with thousands separators: `12345` is `12,345`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun, singular for exactly one: `plural(1, "prompt")` is `1 prompt`,
/// `plural(3, "prompt")` is `3 prompts`, `plural(0, "error")` is `0 errors`. Nouns whose plural
/// is not `+s` use [`plural_with`].
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", thousands(n))
    }
}

/// A count with an explicit plural form: `plural_with(2, "policy", "policies")` is `2 policies`.
pub fn plural_with(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_is_singular_only_for_one() {
        assert_eq!(plural(0, "prompt"), "0 prompts");
        assert_eq!(plural(1, "prompt"), "1 prompt");
        assert_eq!(plural(12345, "error"), "12,345 errors");
        assert_eq!(plural_with(1, "policy", "policies"), "1 policy");
        assert_eq!(plural_with(2, "policy", "policies"), "2 policies");
    }

    #[test]
    fn usd_precision_follows_the_amount() {
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(0.000123456), "$0.000123");
        assert_eq!(usd(0.0099994), "$0.009999");
        assert_eq!(usd(0.0421), "$0.0421");
        assert_eq!(usd(12.345678), "$12.3457");
        assert_eq!(usd(1234.567), "$1234.57");
        assert_eq!(usd(-0.0421), "-$0.0421");
        assert_eq!(usd(f64::NAN), "—");
        assert_eq!(usd(f64::INFINITY), "—");
    }

    #[test]
    fn signed_amounts_and_counts() {
        assert_eq!(signed_usd(0.5), "+$0.5000");
        assert_eq!(signed_usd(-0.00002), "−$0.000020");
        assert_eq!(signed_usd(0.0), "±$0");
        assert_eq!(signed(-12.34, " ms", 0), "−12 ms");
        assert_eq!(signed(1.25, "", 1), "+1.2");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
