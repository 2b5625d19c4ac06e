//! Stream fixtures (written by hand in each provider's documented wire shape, not captured from
//! live services) decoded under adversarial chunkings: every single split point, every pair of
//! split points up to 24 bytes apart, byte-by-byte, and pseudo-random chunkings. The decoded result must never change.

use routeplay_providers::decode::{StreamDecoder, StreamItem, Usage};
use routeplay_providers::errors::ErrorKind;
use routeplay_providers::WireFormat;

#[derive(Debug, PartialEq, Default)]
struct Outcome {
    text: String,
    usage: Usage,
    errors: Vec<(ErrorKind, bool)>,
    done: bool,
    finish: Option<String>,
    deltas: usize,
}

fn decode(format: WireFormat, chunks: &[&[u8]]) -> Outcome {
    let mut d = StreamDecoder::new(format);
    let mut o = Outcome::default();
    let mut items = Vec::new();
    for c in chunks {
        items.extend(d.push(c));
    }
    items.extend(d.finish());
    for it in items {
        match it {
            StreamItem::Delta(t) => {
                o.text.push_str(&t);
                o.deltas += 1;
            }
            StreamItem::Usage(u) => o.usage.merge(u),
            StreamItem::Error(e) => o.errors.push((e.kind, e.mid_stream)),
            StreamItem::Done => o.done = true,
            StreamItem::Finish(f) => {
                assert!(o.finish.is_none(), "one finish reason per stream");
                o.finish = Some(f.raw);
            }
        }
    }
    o
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn check_all_chunkings(format: WireFormat, body: &[u8], expected: &Outcome) {
    assert_eq!(&decode(format, &[body]), expected, "whole body");
    for i in 0..=body.len() {
        assert_eq!(
            &decode(format, &[&body[..i], &body[i..]]),
            expected,
            "split at {i}"
        );
    }
    // Every pair of split points up to 24 bytes apart (a short middle chunk at every
    // position): the full quadratic set takes over a minute in a debug build.
    for i in 0..=body.len() {
        for j in i..=body.len().min(i + 24) {
            let got = decode(format, &[&body[..i], &body[i..j], &body[j..]]);
            assert_eq!(&got, expected, "splits at {i},{j}");
        }
    }
    let bytes: Vec<&[u8]> = body.chunks(1).collect();
    assert_eq!(&decode(format, &bytes), expected, "byte by byte");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..300 {
        let mut chunks = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = ((seed >> 33) as usize % 9).min(rest.len());
            let (a, b) = rest.split_at(n);
            chunks.push(a);
            rest = b;
        }
        assert_eq!(&decode(format, &chunks), expected, "random chunking");
    }
}

fn usage(i: u64, o: u64) -> Usage {
    Usage {
        input_tokens: Some(i),
        output_tokens: Some(o),
    }
}

#[test]
fn openai_with_usage_chunk() {
    let e = Outcome {
        text: "Héllo, wörld 🌍 世界.".into(),
        usage: usage(12, 7),
        errors: vec![],
        done: true,
        finish: Some("stop".into()),
        deltas: 3,
    };
    check_all_chunkings(WireFormat::OpenAiChat, &fixture("openai.sse"), &e);
}

#[test]
fn groq_x_groq_usage() {
    let e = Outcome {
        text: "Fast answer ✓".into(),
        usage: usage(9, 3),
        errors: vec![],
        done: true,
        finish: Some("stop".into()),
        deltas: 2,
    };
    check_all_chunkings(WireFormat::OpenAiChat, &fixture("groq.sse"), &e);
}

#[test]
fn deepseek_keepalive_crlf() {
    let e = Outcome {
        text: "DeepSeek — ok".into(),
        usage: usage(5, 4),
        errors: vec![],
        done: true,
        finish: None,
        deltas: 2,
    };
    check_all_chunkings(WireFormat::OpenAiChat, &fixture("deepseek.sse"), &e);
}

#[test]
fn openrouter_in_stream_error_keeps_partial() {
    let e = Outcome {
        text: "Partial answér".into(),
        usage: Usage::default(),
        errors: vec![(ErrorKind::ServerError, true)],
        done: false,
        finish: None,
        deltas: 2,
    };
    check_all_chunkings(WireFormat::OpenAiChat, &fixture("openrouter_error.sse"), &e);
}

#[test]
fn anthropic_named_events() {
    let e = Outcome {
        text: "Bonjour, ça va? 😀".into(),
        usage: usage(25, 15),
        errors: vec![],
        done: true,
        finish: Some("end_turn".into()),
        deltas: 2,
    };
    check_all_chunkings(WireFormat::Anthropic, &fixture("anthropic.sse"), &e);
}

#[test]
fn anthropic_overloaded_mid_stream() {
    let e = Outcome {
        text: "Half an ans".into(),
        usage: usage(10, 1),
        errors: vec![(ErrorKind::Overloaded, true)],
        done: false,
        finish: None,
        deltas: 1,
    };
    check_all_chunkings(
        WireFormat::Anthropic,
        &fixture("anthropic_overloaded.sse"),
        &e,
    );
}

#[test]
fn gemini_crlf_finish_reason_ends_the_answer() {
    let e = Outcome {
        text: "Gemini says héllo ✨".into(),
        usage: usage(8, 6),
        errors: vec![],
        done: false, // Gemini has no end marker: the finish reason ends the answer
        finish: Some("STOP".into()),
        deltas: 3,
    };
    check_all_chunkings(WireFormat::Gemini, &fixture("gemini.sse"), &e);
}

#[test]
fn gemini_without_a_finish_reason_is_incomplete_under_every_chunking() {
    // The Gemini fixture without its last chunk (the one carrying `finishReason`): a stream the
    // server closed early. It used to count as a complete answer.
    let body = fixture("gemini.sse");
    let text = String::from_utf8(body).unwrap();
    let cut = text.rfind("data: ").unwrap();
    let e = Outcome {
        text: "Gemini says ".into(),
        usage: usage(8, 2),
        errors: vec![(ErrorKind::Incomplete, true)],
        done: false,
        finish: None,
        deltas: 2,
    };
    check_all_chunkings(WireFormat::Gemini, &text.as_bytes()[..cut], &e);
}
