//! Share-link decoding (crates/routeplay-core/src/share.rs), what every page load does with a
//! link someone else made. Input: 1 mode byte, then
//! - mode 0: the URL fragment itself (`s=…`, `#embed&s=…`, anything), as UTF-8 (lossy);
//! - mode 1: JSON, which the target deflates and base64url-encodes into a link, so the fuzzer
//!   reaches the version check and the fields;
//! - mode 2: a raw deflate stream, base64url-encoded into a link (damaged streams, bombs).
//!
//! Checks: no panic; a fragment without `s=` is not a link; a decoded state has a known
//! version, re-encodes (unless too long) and decodes back to itself, stamped with today's
//! [`VERSION`] (an older link is upgraded, nothing else changes).
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use routeplay_core::share::{decode, encode, payload, ShareError, ShareState, PREFIX, VERSION};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fragment = match mode % 3 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => {
            let packed = miniz_oxide::deflate::compress_to_vec(rest, 6);
            format!("#{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
        }
        _ => format!("#embed&{PREFIX}{}", URL_SAFE_NO_PAD.encode(rest)),
    };
    let decoded = decode(&fragment);
    if payload(&fragment).is_none() {
        assert_eq!(decoded, Ok(None), "not a share link, yet decoded");
        return;
    }
    match decoded {
        Ok(Some(state)) => {
            assert!(state.v >= 1 && state.v <= VERSION, "version {}", state.v);
            match encode(&state) {
                Ok(link) => {
                    let back = decode(&link).expect("a link we made decodes");
                    let upgraded = ShareState {
                        v: VERSION,
                        ..state
                    };
                    assert_eq!(
                        back.as_ref(),
                        Some(&upgraded),
                        "round trip changed the state"
                    );
                }
                Err(ShareError::TooLong { .. }) => {}
                Err(e) => panic!("encoding a decoded state failed: {e}"),
            }
        }
        Ok(None) => panic!("a fragment with a payload decoded to no link"),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
