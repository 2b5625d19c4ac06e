//! Each provider's stream decoder (crates/routeplay-providers/src/decode.rs: OpenAI-compatible,
//! Anthropic, Gemini) on arbitrary bodies cut into arbitrary chunks, and the non-streamed body
//! reader on the same bytes. Input: 1 byte choosing the wire format, 1 byte choosing the
//! chunking, then the body.
//!
//! Checks: no panic; the decoded items do not depend on the chunking; `is_done()` agrees
//! with a `Done` item; `text_seen()` agrees with a non-empty delta.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_fuzz::chunks;
use routeplay_providers::decode::{parse_full_response, StreamDecoder, StreamItem};
use routeplay_providers::WireFormat;

const FORMATS: [WireFormat; 3] = [
    WireFormat::OpenAiChat,
    WireFormat::Anthropic,
    WireFormat::Gemini,
];

fn run(format: WireFormat, parts: &[&[u8]]) -> (Vec<StreamItem>, bool, bool) {
    let mut d = StreamDecoder::new(format);
    let mut items = Vec::new();
    for p in parts {
        items.extend(d.push(p));
    }
    items.extend(d.finish());
    (items, d.is_done(), d.text_seen())
}

fuzz_target!(|data: &[u8]| {
    let [f, seed, body @ ..] = data else {
        return;
    };
    let format = FORMATS[*f as usize % FORMATS.len()];
    let whole = run(format, &[body]);
    let chunked = run(format, &chunks(*seed, body));
    assert_eq!(whole, chunked, "decoded items depend on the chunking");

    let (items, done, text_seen) = &whole;
    assert_eq!(
        *done,
        items.iter().any(|i| matches!(i, StreamItem::Done)),
        "is_done() disagrees with the items"
    );
    assert_eq!(
        *text_seen,
        items
            .iter()
            .any(|i| matches!(i, StreamItem::Delta(t) if !t.is_empty())),
        "text_seen() disagrees with the items"
    );
    assert!(
        !items
            .iter()
            .any(|i| matches!(i, StreamItem::Delta(t) if t.is_empty())),
        "an empty delta was passed on"
    );

    if let Ok(text) = std::str::from_utf8(body) {
        let _ = parse_full_response(format, text);
    }
});
