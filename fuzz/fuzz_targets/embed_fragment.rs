//! Embed options (crates/routeplay-core/src/embed.rs), what an embedding page's URL fragment
//! sets: `#embed&view=audit&house=google&policy=…&prompt=…`. Input: 1 mode byte, then the
//! fragment's rest as UTF-8 (lossy); mode 0 uses it as the whole fragment, mode 1 puts
//! `#embed&` before it so the fuzzer spends its time in the options.
//!
//! Checks: no panic; options only for an embed fragment; every house name, policy id and
//! audited/reference id kept is one the page accepts (the rest become warnings).
#![no_main]

use libfuzzer_sys::fuzz_target;
use routeplay_core::embed::{parse, valid_house_name, valid_id};
use routeplay_core::share::is_embed;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let rest = String::from_utf8_lossy(rest);
    let fragment = if mode % 2 == 0 {
        rest.into_owned()
    } else {
        format!("#embed&{rest}")
    };
    let parsed = parse(&fragment);
    assert_eq!(
        parsed.is_some(),
        is_embed(&fragment),
        "embed options iff an embed fragment"
    );
    let Some(o) = parsed else {
        return;
    };
    for name in o.house.iter().flatten() {
        assert!(valid_house_name(name), "house name kept: {name:?}");
    }
    for id in o
        .policies
        .iter()
        .flatten()
        .chain(&o.policy)
        .chain(&o.reference)
    {
        assert!(valid_id(id), "policy id kept: {id:?}");
    }
});
