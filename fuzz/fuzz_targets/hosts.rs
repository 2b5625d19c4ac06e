//! Origin and host parsing (crates/routeplay-providers/src/hosts.rs), which decides where a
//! key may be sent. Input: a URL as UTF-8 (lossy), optionally `0xFF` and a second URL.
//!
//! Checks: no panic; an accepted origin is https or loopback http, has a non-empty lower-case
//! host and no default port, and parses back to itself; a key bound to a base URL may be sent
//! to that same URL, and is sent to another URL only when both have the same origin.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_fuzz::split_ff;
use routeplay_providers::hosts::{key_may_be_sent, key_origin_for, parse_origin};

fuzz_target!(|data: &[u8]| {
    let (a, b) = split_ff(data);
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    for allow_query in [false, true] {
        let Ok(o) = parse_origin(&a, allow_query) else {
            continue;
        };
        assert!(
            o.scheme == "https" || (o.scheme == "http" && o.is_loopback()),
            "{o:?}"
        );
        assert!(!o.host.is_empty());
        assert_eq!(o.host, o.host.to_ascii_lowercase());
        let default = if o.scheme == "https" { 443 } else { 80 };
        assert_ne!(o.port, Some(default), "default port kept: {o:?}");
        let s = o.as_string();
        assert_eq!(
            parse_origin(&s, false).as_ref(),
            Ok(&o),
            "{s} does not parse back"
        );
    }
    if let Ok(key_origin) = key_origin_for(&a) {
        assert!(
            key_may_be_sent(&key_origin, &a),
            "key refused for its own URL {a:?}"
        );
        let same = parse_origin(&b, true).map(|o| o.as_string()) == Ok(key_origin.clone());
        assert_eq!(key_may_be_sent(&key_origin, &b), same, "{a:?} -> {b:?}");
    }
});
