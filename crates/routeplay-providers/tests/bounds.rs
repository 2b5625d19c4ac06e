//! Hostile and broken streams, for each wire format (OpenAI, Anthropic, Gemini): an endless
//! stream is stopped by a byte cap, an oversized line by the line cap, and a stream cut before
//! its end marker / finish reason is reported as incomplete with its partial text kept.
//!
//! Deterministic: the "server" is a generator of chunks; each test asserts exactly where the
//! decoder stopped (bytes, text) and that it asked for a bounded number of chunks.

use routeplay_providers::decode::{StreamDecoder, StreamItem, StreamLimits};
use routeplay_providers::errors::{should_fall_back, ErrorKind, ProviderError};
use routeplay_providers::sse::SseLimits;
use routeplay_providers::WireFormat;

const FORMATS: [WireFormat; 3] = [
    WireFormat::OpenAiChat,
    WireFormat::Anthropic,
    WireFormat::Gemini,
];

/// One text delta event in `format`'s wire shape.
fn delta_event(format: WireFormat, text: &str) -> String {
    let t = serde_json::to_string(text).unwrap();
    match format {
        WireFormat::OpenAiChat => format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{t}}},\"finish_reason\":null}}]}}\n\n"
        ),
        WireFormat::Anthropic => format!(
            "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":{t}}}}}\n\n"
        ),
        WireFormat::Gemini => format!(
            "data: {{\"candidates\":[{{\"content\":{{\"role\":\"model\",\"parts\":[{{\"text\":{t}}}]}}}}]}}\r\n\r\n"
        ),
    }
}

/// The start of a text delta's data line, never finished (an oversized line).
fn open_line(format: WireFormat) -> &'static str {
    match format {
        WireFormat::OpenAiChat => "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"",
        WireFormat::Anthropic => "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"",
        WireFormat::Gemini => "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"",
    }
}

/// The end of a normal answer: finish reason and end marker.
fn end_events(format: WireFormat) -> &'static str {
    match format {
        WireFormat::OpenAiChat => "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
        WireFormat::Anthropic => "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        WireFormat::Gemini => "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":2,\"candidatesTokenCount\":3}}\r\n\r\n",
    }
}

/// What a run of the decoder produced.
#[derive(Debug, Default)]
struct Run {
    text: String,
    errors: Vec<ProviderError>,
    finished: bool,
    chunks_pulled: usize,
    bytes_pushed: u64,
}

/// Drive `dec` with chunks from `next` until the decoder stops or `next` returns `None`
/// (then `finish`). `max_chunks` is only a safety net that a freeze would hit: every test
/// asserts a far smaller count.
fn drive(
    dec: &mut StreamDecoder,
    mut next: impl FnMut(usize) -> Option<Vec<u8>>,
    max_chunks: usize,
) -> Run {
    let mut run = Run::default();
    let take = |items: Vec<StreamItem>, run: &mut Run| {
        for it in items {
            match it {
                StreamItem::Delta(t) => run.text.push_str(&t),
                StreamItem::Error(e) => run.errors.push(e),
                StreamItem::Done | StreamItem::Finish(_) => run.finished = true,
                StreamItem::Usage(_) => {}
            }
        }
    };
    while !dec.is_stopped() {
        assert!(run.chunks_pulled < max_chunks, "the decoder never stopped");
        let Some(chunk) = next(run.chunks_pulled) else {
            let items = dec.finish();
            take(items, &mut run);
            break;
        };
        run.chunks_pulled += 1;
        run.bytes_pushed += chunk.len() as u64;
        let items = dec.push(&chunk);
        take(items, &mut run);
    }
    run
}

fn only_error(run: &Run) -> &ProviderError {
    assert_eq!(run.errors.len(), 1, "{:?}", run.errors);
    &run.errors[0]
}

#[test]
fn an_endless_stream_of_text_stops_at_the_answer_cap_keeping_what_fits() {
    for format in FORMATS {
        let limits = StreamLimits {
            max_answer_bytes: 10_000,
            ..StreamLimits::default()
        };
        let mut dec = StreamDecoder::with_limits(format, limits);
        // "héllo " is 7 bytes: 10_000 is not a multiple, and the cut lands after "h" of a piece.
        let run = drive(
            &mut dec,
            |_| Some(delta_event(format, "héllo ").into_bytes()),
            1_000_000,
        );
        let e = only_error(&run);
        assert_eq!(e.kind, ErrorKind::TooLarge, "{format:?}");
        assert!(
            e.mid_stream,
            "{format:?}: text was shown, so it is a partial answer"
        );
        assert!(!should_fall_back(e));
        assert_eq!(
            e.detail.as_deref(),
            Some("the answer was longer than 10000 bytes")
        );
        assert!(run.text.len() <= 10_000 && run.text.len() > 10_000 - 7);
        assert!(run.text.starts_with("héllo héllo "));
        // 10_000 / 7 = 1428 whole pieces, then the piece that overflows.
        assert_eq!(run.chunks_pulled, 1429, "{format:?}");
        assert!(!run.finished);
        // Nothing after the stop.
        assert!(dec.push(delta_event(format, "more").as_bytes()).is_empty());
        assert!(dec.finish().is_empty());
    }
}

#[test]
fn an_endless_stream_at_default_limits_stops_after_4_mib_of_text() {
    for format in FORMATS {
        let mut dec = StreamDecoder::new(format);
        let piece = "x".repeat(16 * 1024);
        let run = drive(
            &mut dec,
            |_| Some(delta_event(format, &piece).into_bytes()),
            100_000,
        );
        let e = only_error(&run);
        assert_eq!((e.kind, e.mid_stream), (ErrorKind::TooLarge, true));
        assert_eq!(run.text.len(), 4 << 20, "{format:?}");
        // 256 pieces fill the cap exactly; the 257th is the one that would exceed it.
        assert_eq!(run.chunks_pulled, 257, "{format:?}");
        assert!(e
            .user_message("Acme")
            .contains("Stopped reading Acme's answer: the answer was longer than 4 MiB."));
    }
}

#[test]
fn an_endless_stream_without_text_stops_at_the_body_cap() {
    for format in FORMATS {
        let limits = StreamLimits {
            max_body_bytes: 100_000,
            ..StreamLimits::default()
        };
        let mut dec = StreamDecoder::with_limits(format, limits);
        // Keep-alive comments and usage-only events forever: no text, no end.
        let run = drive(
            &mut dec,
            |i| {
                Some(if i % 2 == 0 {
                    b": keep-alive\n\n".to_vec()
                } else {
                    b"data: {}\n\n".to_vec()
                })
            },
            1_000_000,
        );
        let e = only_error(&run);
        assert_eq!((e.kind, e.mid_stream), (ErrorKind::TooLarge, false));
        assert_eq!(dec.body_bytes(), 100_000);
        assert!(
            run.bytes_pushed - 100_000 < 15,
            "stopped in the chunk that crossed the cap"
        );
        assert_eq!(
            e.detail.as_deref(),
            Some("the stream was longer than 100000 bytes")
        );
        assert!(run.text.is_empty());
    }
}

#[test]
fn an_oversized_line_stops_with_a_clear_error_and_keeps_the_partial_answer() {
    for format in FORMATS {
        let limits = StreamLimits {
            sse: SseLimits {
                max_line_bytes: 64 * 1024,
                ..SseLimits::default()
            },
            ..StreamLimits::default()
        };
        let mut dec = StreamDecoder::with_limits(format, limits);
        let head = format!(
            "{}{}{}",
            delta_event(format, "Partial "),
            delta_event(format, "answer"),
            open_line(format)
        );
        // After the head, 4 KiB of 'a' per chunk, never a line end.
        let run = drive(
            &mut dec,
            |i| {
                Some(if i == 0 {
                    head.clone().into_bytes()
                } else {
                    vec![b'a'; 4096]
                })
            },
            1_000_000,
        );
        let e = only_error(&run);
        assert_eq!(
            (e.kind, e.mid_stream),
            (ErrorKind::TooLarge, true),
            "{format:?}"
        );
        assert_eq!(run.text, "Partial answer", "{format:?}");
        assert_eq!(
            e.detail.as_deref(),
            Some("one line of the stream was longer than 64 KiB without ending")
        );
        // The line cap, not the body cap, stopped it: about 64 KiB of 'a' were read.
        assert!(
            (16..=17).contains(&run.chunks_pulled),
            "{format:?}: {} chunks",
            run.chunks_pulled
        );
        let msg = e.user_message("Acme");
        assert!(
            msg.contains("one line of the stream was longer than 64 KiB"),
            "{msg}"
        );
        assert!(
            msg.contains("partial answer is kept above, marked PARTIAL"),
            "{msg}"
        );
    }
}

#[test]
fn an_oversized_line_at_default_limits_stops_after_1_mib() {
    for format in FORMATS {
        let mut dec = StreamDecoder::new(format);
        let run = drive(
            &mut dec,
            |i| {
                Some(if i == 0 {
                    open_line(format).as_bytes().to_vec()
                } else {
                    vec![b'a'; 64 * 1024]
                })
            },
            100_000,
        );
        let e = only_error(&run);
        assert_eq!((e.kind, e.mid_stream), (ErrorKind::TooLarge, false));
        assert!(run.bytes_pushed <= (1 << 20) + 64 * 1024 + 200);
        assert!(run.bytes_pushed >= 1 << 20);
    }
}

/// A whole normal answer in `format`, and the byte offset where its end events start.
fn whole_answer(format: WireFormat) -> (Vec<u8>, usize) {
    let mut s = String::new();
    for t in ["Hello ", "wörld ", "🌍"] {
        s.push_str(&delta_event(format, t));
    }
    let end_at = s.len();
    s.push_str(end_events(format));
    (s.into_bytes(), end_at)
}

#[test]
fn a_whole_answer_is_complete() {
    for format in FORMATS {
        let (body, _) = whole_answer(format);
        let mut dec = StreamDecoder::new(format);
        let run = drive(&mut dec, |i| (i == 0).then(|| body.clone()), 10);
        assert!(run.errors.is_empty(), "{format:?}: {:?}", run.errors);
        assert!(dec.is_complete() && run.finished);
        let stop = if format == WireFormat::Anthropic {
            "end_turn"
        } else if format == WireFormat::Gemini {
            "STOP"
        } else {
            "stop"
        };
        assert_eq!(dec.finish_reason().unwrap().raw, stop);
        assert_eq!(run.text, "Hello wörld 🌍");
    }
}

#[test]
fn a_stream_cut_before_its_end_is_incomplete_and_keeps_its_partial_text() {
    for format in FORMATS {
        let (body, end_at) = whole_answer(format);
        let full = "Hello wörld 🌍";
        for cut in 0..body.len() {
            let mut dec = StreamDecoder::new(format);
            let run = drive(&mut dec, |i| (i == 0).then(|| body[..cut].to_vec()), 10);
            assert!(full.starts_with(&run.text), "{format:?} cut {cut}");
            if dec.is_complete() {
                // Only possible once the finish reason / end marker itself arrived.
                assert!(cut > end_at, "{format:?} cut {cut}: complete too early");
                assert!(run.errors.is_empty());
                assert_eq!(run.text, full);
            } else {
                let e = only_error(&run);
                assert_eq!(e.kind, ErrorKind::Incomplete, "{format:?} cut {cut}");
                assert_eq!(e.mid_stream, !run.text.is_empty(), "{format:?} cut {cut}");
                // Before any text the next model may be tried; after text, never.
                assert_eq!(should_fall_back(e), run.text.is_empty());
            }
        }
        // The cut right before the end events: the whole text, still marked partial.
        let mut dec = StreamDecoder::new(format);
        let run = drive(&mut dec, |i| (i == 0).then(|| body[..end_at].to_vec()), 10);
        assert_eq!(run.text, full);
        let e = only_error(&run);
        assert_eq!((e.kind, e.mid_stream), (ErrorKind::Incomplete, true));
        let msg = e.user_message("Acme");
        assert!(
            msg.starts_with("Acme closed the stream before the end of the answer")
                && msg.contains("marked PARTIAL"),
            "{msg}"
        );
    }
}

#[test]
fn finish_reasons_other_than_stop_are_told_to_the_user() {
    use routeplay_providers::decode::FinishKind;
    let cases = [
        (WireFormat::OpenAiChat, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n", "length", FinishKind::Length),
        (WireFormat::OpenAiChat, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"}]}\n\n", "content_filter", FinishKind::ContentFilter),
        (WireFormat::Anthropic, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"}}\n\n", "max_tokens", FinishKind::Length),
        (WireFormat::Anthropic, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\"}}\n\n", "refusal", FinishKind::ContentFilter),
        (WireFormat::Gemini, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\"MAX_TOKENS\"}]}\n\n", "MAX_TOKENS", FinishKind::Length),
        (WireFormat::Gemini, "data: {\"candidates\":[{\"finishReason\":\"SAFETY\"}]}\n\n", "SAFETY", FinishKind::ContentFilter),
        (WireFormat::Gemini, "data: {\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}\n\n", "blockReason: PROHIBITED_CONTENT", FinishKind::ContentFilter),
    ];
    for (format, end, raw, kind) in cases {
        let body = format!("{}{end}", delta_event(format, "Some text"));
        let mut dec = StreamDecoder::new(format);
        let run = drive(
            &mut dec,
            |i| (i == 0).then(|| body.clone().into_bytes()),
            10,
        );
        assert!(run.errors.is_empty(), "{raw}: {:?}", run.errors);
        let f = dec.finish_reason().expect(raw);
        assert_eq!((f.raw.as_str(), f.kind), (raw, kind));
        let msg = f.user_message("Acme").expect("told to the user");
        assert!(msg.contains(raw), "{msg}");
    }
    let stop = routeplay_providers::decode::FinishReason::from_raw("end_turn");
    assert_eq!(stop.user_message("Acme"), None);
}
