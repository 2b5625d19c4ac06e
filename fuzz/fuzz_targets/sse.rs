//! The incremental SSE parser (crates/routeplay-providers/src/sse.rs) on arbitrary bytes cut
//! into arbitrary chunks. Input: 1 byte choosing the chunking, then the body.
//!
//! Checks: no panic; the events do not depend on where the body was cut (pushing it whole,
//! in fuzzed chunks and byte by byte gives the same events and comment count).
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_fuzz::chunks;
use routeplay_providers::sse::{parse_all, SseParser};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, body)) = data.split_first() else {
        return;
    };
    let whole = parse_all(body);
    let mut whole_parser = SseParser::new();
    whole_parser.push(body);
    whole_parser.finish();

    let mut p = SseParser::new();
    let mut chunked = Vec::new();
    for c in chunks(seed, body) {
        chunked.extend(p.push(c));
    }
    chunked.extend(p.finish());
    assert_eq!(whole, chunked, "events depend on the chunking");
    assert_eq!(whole_parser.comments_seen(), p.comments_seen());

    let mut p = SseParser::new();
    let mut bytewise = Vec::new();
    for b in body.chunks(1) {
        bytewise.extend(p.push(b));
    }
    bytewise.extend(p.finish());
    assert_eq!(whole, bytewise, "events differ when fed byte by byte");

    for ev in &whole {
        assert!(!ev.event.is_empty(), "dispatched event without a name");
    }
});
