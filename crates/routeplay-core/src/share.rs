//! Share links: the state that reproduces a playground experiment, as JSON deflated and
//! base64url-encoded into a URL fragment (`#s=...`).
//!
//! The codec is pure so the app, native tests and fuzzers all run the same code:
//! [`encode`] refuses what [`decode`] would refuse (one size limit, [`MAX_FRAGMENT`], both
//! ways), and [`decode`] checks the format version before reading the fields. Keys are not
//! part of [`ShareState`], so they can never travel in a link.

use crate::catalog::CatalogEdits;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The fragment part that carries the state: `#s=<data>`.
pub const PREFIX: &str = "s=";
/// The share format written today; [`decode`] reads versions `1..=VERSION`.
///
/// Version 2 added the catalog edits ([`ShareState::catalog`], [`ShareState::catalog_omitted`]),
/// the Prompt set view's own policies ([`ShareState::batch_selected`]) and the note of a prompt
/// set left out ([`ShareState::batch_omitted`]). Version 1 links read as version 2 links without
/// them: the shipped catalog, the Prompt view's selection.
///
/// Version 3 added the Audit view ([`View::Audit`]) and its inputs ([`ShareState::audit`]).
/// Older links read as version 3 links without them (the Audit view's defaults); a page that
/// reads only older formats says the link was made by a newer Routeplay instead of failing on
/// the view's name.
pub const VERSION: u32 = 3;
/// The longest encoded state (base64url characters after `s=`), for [`encode`] and [`decode`]
/// alike. Links this long still open in every major browser; a share link is not a file transfer.
pub const MAX_FRAGMENT: usize = 64 * 1024;
/// The most JSON a link may inflate to (a deflate bomb stops here).
pub const MAX_JSON: usize = 4 * 1024 * 1024;

/// Which view of the playground is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// One prompt under several policies.
    #[default]
    Prompt,
    /// A prompt set under several policies.
    Batch,
    /// Policy editor.
    Policies,
    /// Model catalog.
    Catalog,
    /// Live runs with the user's keys.
    Live,
    /// Export to gateways, import from them.
    Export,
    /// Train a classifier on your own labels. Since 3.
    Train,
    /// A neutrality audit: who gets the traffic under a policy. Since 3.
    Audit,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 8] = [
        View::Prompt,
        View::Batch,
        View::Policies,
        View::Catalog,
        View::Live,
        View::Export,
        View::Train,
        View::Audit,
    ];

    /// The tab label.
    pub fn label(self) -> &'static str {
        match self {
            View::Prompt => "Prompt",
            View::Batch => "Prompt set",
            View::Policies => "Policies",
            View::Catalog => "Catalog",
            View::Live => "Live run",
            View::Export => "Export",
            View::Train => "Train",
            View::Audit => "Audit",
        }
    }
}

/// One policy document: a preset shipped with the app or the user's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDoc {
    /// Stable id (`cost-saver`, `my-policy-2`).
    pub id: String,
    /// The TOML source.
    pub source: String,
    /// Shipped with the app (read-only; editing makes a copy).
    #[serde(default)]
    pub builtin: bool,
}

/// Where the batch view's prompts came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum BatchSource {
    /// The shipped sample prompt set.
    Sample,
    /// Prompts pasted or loaded by the user.
    Text(String),
}

/// The Audit view's inputs, as a link carries them. Since 3.
///
/// Policies travel by id (the user's own policies travel in [`ShareState::policies`]); the
/// house by the names the embed option `house=` takes ([`crate::embed`]): a maker or provider
/// name, or `maker:NAME` / `provider:NAME` where one name is both. The prompt set is the Prompt
/// set view's ([`ShareState::batch`]; none means the sample set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditShare {
    /// The house: maker and provider names, in order.
    #[serde(default)]
    pub house: Vec<String>,
    /// The audited policy's id (empty: the view's default).
    #[serde(default)]
    pub policy: String,
    /// The policy compared besides the neutral counterfactual: `None` for the view's default,
    /// an empty id for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// Everything a share link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ShareState {
    /// Format version ([`VERSION`] when written by [`encode`]).
    pub v: u32,
    /// The prompt in the single-prompt view.
    #[serde(default)]
    pub prompt: String,
    /// Selected policy ids, in order.
    #[serde(default)]
    pub selected: Vec<String>,
    /// The user's policies the selection needs (presets travel by id).
    #[serde(default)]
    pub policies: Vec<PolicyDoc>,
    /// The view shown.
    #[serde(default)]
    pub view: View,
    /// The batch prompts, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchSource>,
    /// Request metadata JSON.
    #[serde(default)]
    pub metadata_json: String,
    /// The two policies the batch diff compares (indices into the Prompt set view's policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<(usize, usize)>,
    /// The policies the Prompt set view runs, when chosen there (else `selected`). Since 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_selected: Option<Vec<String>>,
    /// The size in bytes of a prompt set that was loaded but did not fit in the link. Since 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_omitted: Option<usize>,
    /// The sender's changes to the shipped catalog. Since 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<CatalogEdits>,
    /// The sender had catalog edits too large for a link: the link assumes the shipped
    /// catalog. Since 2.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub catalog_omitted: bool,
    /// The Audit view's house, policy and reference. Since 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditShare>,
}

/// Why a share link cannot be made or opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// The encoded state is longer than [`MAX_FRAGMENT`] (`len` characters).
    TooLong {
        /// Encoded length in characters (= bytes).
        len: usize,
    },
    /// The data is not base64url.
    NotBase64,
    /// The data does not inflate, or inflates past [`MAX_JSON`].
    NotDeflate,
    /// The inflated data is not a JSON object with a numeric `v`.
    NotJson(String),
    /// The link was made by a newer Routeplay (or names a version that never existed).
    UnknownVersion {
        /// The version the link names.
        found: u64,
    },
    /// The version is known but a field does not fit it.
    BadField(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::TooLong { len } => write!(
                f,
                "the experiment is {} compressed; links over {} are refused",
                kb(*len),
                kb(MAX_FRAGMENT)
            ),
            ShareError::NotBase64 => f.write_str("the share link is damaged (not base64url)"),
            ShareError::NotDeflate => {
                f.write_str("the share link is damaged (it cannot be decompressed)")
            }
            ShareError::NotJson(e) => write!(f, "the share link is damaged ({e})"),
            ShareError::UnknownVersion { found } if *found > u64::from(VERSION) => write!(
                f,
                "the share link was made by a newer Routeplay (format {found}; this page reads formats 1 to {VERSION}); open it with an up-to-date page"
            ),
            ShareError::UnknownVersion { found } => write!(
                f,
                "the share link names format {found}, which does not exist (this page reads formats 1 to {VERSION})"
            ),
            ShareError::BadField(e) => write!(f, "the share link has an unexpected field: {e}"),
        }
    }
}

impl std::error::Error for ShareError {}

/// `n` bytes as whole kilobytes, rounded up (`41 KB`).
pub fn kb(n: usize) -> String {
    format!("{} KB", n.div_ceil(1024))
}

/// Encodes `state` into a URL fragment (`s=...`, without `#`), stamping it with [`VERSION`].
/// Refuses ([`ShareError::TooLong`]) a state [`decode`] would refuse.
pub fn encode(state: &ShareState) -> Result<String, ShareError> {
    let mut state = state.clone();
    state.v = VERSION;
    // Serialising these plain types cannot fail.
    let json = serde_json::to_vec(&state).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    let data = URL_SAFE_NO_PAD.encode(packed);
    if data.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLong { len: data.len() });
    }
    Ok(format!("{PREFIX}{data}"))
}

/// A link that fits: what [`fit`] made and what it had to leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    /// The fragment (`s=...`, without `#`).
    pub fragment: String,
    /// The size in bytes of the pasted prompt set left out, if it was.
    pub set_left_out: Option<usize>,
    /// Whether the catalog edits were left out (the link then assumes the shipped catalog).
    pub catalog_left_out: bool,
    /// The encoded length of the whole state, when something was left out.
    pub full_len: Option<usize>,
}

/// Encodes `state`, leaving out what does not fit under [`MAX_FRAGMENT`]: first the pasted
/// prompt set (the link records its size, so the receiver is told), then the catalog edits (the
/// link then says it assumes the shipped catalog). A state too long even without them is
/// refused ([`ShareError::TooLong`] with the full length).
pub fn fit(state: &ShareState) -> Result<Fitted, ShareError> {
    let full_len = match encode(state) {
        Ok(fragment) => {
            return Ok(Fitted {
                fragment,
                set_left_out: None,
                catalog_left_out: false,
                full_len: None,
            })
        }
        Err(ShareError::TooLong { len }) => len,
        Err(e) => return Err(e),
    };
    let mut s = state.clone();
    let mut set_left_out = None;
    if let Some(BatchSource::Text(t)) = &s.batch {
        set_left_out = Some(t.len());
        s.batch_omitted = Some(t.len());
        s.batch = None;
        if let Ok(fragment) = encode(&s) {
            return Ok(Fitted {
                fragment,
                set_left_out,
                catalog_left_out: false,
                full_len: Some(full_len),
            });
        }
    }
    if s.catalog.take().is_some() {
        s.catalog_omitted = true;
        if let Ok(fragment) = encode(&s) {
            return Ok(Fitted {
                fragment,
                set_left_out,
                catalog_left_out: true,
                full_len: Some(full_len),
            });
        }
    }
    Err(ShareError::TooLong { len: full_len })
}

/// The encoded state inside a fragment (with or without `#`; `#embed&s=...` and
/// `#s=...&embed` both work), or `None` when the fragment is not a share link.
pub fn payload(fragment: &str) -> Option<&str> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix(PREFIX))
}

/// Decodes a fragment. `Ok(None)` when it carries no share link; every damaged, oversized or
/// unknown-version link is an error that says which.
pub fn decode(fragment: &str) -> Result<Option<ShareState>, ShareError> {
    match payload(fragment) {
        None => Ok(None),
        Some(data) => decode_payload(data).map(Some),
    }
}

/// Decodes the data after `s=`.
pub fn decode_payload(data: &str) -> Result<ShareState, ShareError> {
    if data.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLong { len: data.len() });
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data.as_bytes())
        .map_err(|_| ShareError::NotBase64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON)
        .map_err(|_| ShareError::NotDeflate)?;
    let value: serde_json::Value =
        serde_json::from_slice(&json).map_err(|e| ShareError::NotJson(e.to_string()))?;
    let found = value
        .get("v")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| ShareError::NotJson("no format version".into()))?;
    if found == 0 || found > u64::from(VERSION) {
        return Err(ShareError::UnknownVersion { found });
    }
    serde_json::from_value(value).map_err(|e| ShareError::BadField(e.to_string()))
}

/// The fragment without its share link: what stays in the address bar once the link is
/// imported (`#embed&s=...` keeps `embed`; `#s=...` keeps nothing), so a reload does not
/// import it again.
pub fn without_payload(fragment: &str) -> String {
    fragment
        .trim_start_matches('#')
        .split('&')
        .filter(|p| !p.starts_with(PREFIX) && !p.is_empty())
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether the fragment asks for embed mode (`#embed`, alone or with other parts).
pub fn is_embed(fragment: &str) -> bool {
    fragment
        .trim_start_matches('#')
        .split('&')
        .any(|p| p == "embed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ShareState {
        ShareState {
            v: 0,
            prompt: "Write a haiku about routers".into(),
            selected: vec!["cost-saver".into(), "my-policy".into()],
            policies: vec![PolicyDoc {
                id: "my-policy".into(),
                source: "name = \"mine\"\n".into(),
                builtin: false,
            }],
            view: View::Batch,
            batch: Some(BatchSource::Text("a\nb\n".into())),
            metadata_json: "{\"tier\": \"pro\"}".into(),
            diff: Some((0, 1)),
            ..Default::default()
        }
    }

    fn pack(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
    }

    #[test]
    fn round_trip_stamps_the_version() {
        let s = sample();
        let f = encode(&s).unwrap();
        assert!(f.starts_with("s="));
        let back = decode(&format!("#embed&{f}")).unwrap().unwrap();
        assert_eq!(back, ShareState { v: VERSION, ..s });
        assert!(is_embed("#embed&s=x") && is_embed("s=x&embed") && !is_embed("#s=embed"));
        assert_eq!(without_payload(&format!("#embed&{f}")), "embed");
        assert_eq!(
            without_payload(&format!("#{f}&embed&compact")),
            "embed&compact"
        );
        assert_eq!(without_payload(&format!("#{f}")), "");
    }

    #[test]
    fn not_a_share_link_is_none() {
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("#embed"), Ok(None));
        assert_eq!(decode("#section-2"), Ok(None));
    }

    #[test]
    fn encode_refuses_what_decode_refuses() {
        // An incompressible prompt: pseudo-random letters.
        let mut x: u64 = 88172645463325252;
        let prompt: String = (0..MAX_FRAGMENT)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (b'!' + (x % 90) as u8) as char
            })
            .collect();
        let s = ShareState { prompt, ..sample() };
        let Err(ShareError::TooLong { len }) = encode(&s) else {
            panic!("an oversized state was encoded");
        };
        assert!(len > MAX_FRAGMENT);
        let msg = ShareError::TooLong { len }.to_string();
        assert!(msg.contains(&kb(len)) && msg.contains("64 KB"), "{msg}");
        // The same data forced past encode is refused by decode with the same error.
        let mut s2 = s.clone();
        s2.v = VERSION;
        let data = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
            &serde_json::to_vec(&s2).unwrap(),
            9,
        ));
        assert_eq!(
            decode(&format!("s={data}")),
            Err(ShareError::TooLong { len })
        );
        // Just under the limit still works both ways.
        let small = ShareState {
            prompt: s.prompt[..MAX_FRAGMENT / 2].to_string(),
            ..sample()
        };
        assert!(decode(&encode(&small).unwrap()).unwrap().is_some());
    }

    #[test]
    fn version_is_checked_before_fields() {
        let newer = pack(r#"{"v": 4, "prompt": 5, "whatever": []}"#);
        let e = decode(&format!("s={newer}")).unwrap_err();
        assert_eq!(e, ShareError::UnknownVersion { found: 4 });
        assert!(e.to_string().contains("newer Routeplay"), "{e}");
        let zero = pack(r#"{"v": 0}"#);
        assert!(decode(&format!("s={zero}"))
            .unwrap_err()
            .to_string()
            .contains("does not exist"));
        let none = pack(r#"{"prompt": "x"}"#);
        assert!(matches!(
            decode(&format!("s={none}")),
            Err(ShareError::NotJson(_))
        ));
        let bad = pack(r#"{"v": 1, "prompt": 5}"#);
        assert!(matches!(
            decode(&format!("s={bad}")),
            Err(ShareError::BadField(_))
        ));
        let minimal = pack(r#"{"v": 1}"#);
        assert_eq!(
            decode(&format!("s={minimal}")),
            Ok(Some(ShareState {
                v: 1,
                ..Default::default()
            }))
        );
    }

    /// A link as version 1 wrote it (before catalog edits): it opens, with no catalog edits
    /// and the Prompt view's selection for the prompt set.
    #[test]
    fn version_1_links_still_open() {
        let v1 = pack(
            r#"{"v":1,"prompt":"Plan a trip","selected":["cost-saver","mine"],"policies":[{"id":"mine","source":"name = \"mine\"","builtin":false}],"view":"batch","batch":{"kind":"sample"},"metadata_json":"{}","diff":[0,1]}"#,
        );
        let s = decode(&format!("#s={v1}")).unwrap().unwrap();
        assert_eq!(s.v, 1);
        assert_eq!(s.prompt, "Plan a trip");
        assert_eq!(s.view, View::Batch);
        assert_eq!(s.batch, Some(BatchSource::Sample));
        assert_eq!(s.policies[0].id, "mine");
        assert_eq!(s.diff, Some((0, 1)));
        assert_eq!(s.catalog, None);
        assert!(!s.catalog_omitted);
        assert_eq!(s.batch_selected, None);
    }

    /// A link as version 2 wrote it (before the Audit view): it opens unchanged, without audit
    /// inputs, and re-encodes as today's version.
    #[test]
    fn version_2_links_still_open() {
        let v2 = pack(
            r#"{"v":2,"prompt":"Plan a trip","selected":["cost-saver"],"policies":[],"view":"batch","batch":{"kind":"sample"},"metadata_json":"","batch_selected":["balanced"]}"#,
        );
        let s = decode(&format!("#s={v2}")).unwrap().unwrap();
        assert_eq!((s.v, s.view, s.audit.clone()), (2, View::Batch, None));
        assert_eq!(s.batch_selected, Some(vec!["balanced".to_string()]));
        let back = decode(&encode(&s).unwrap()).unwrap().unwrap();
        assert_eq!(back, ShareState { v: VERSION, ..s });
    }

    #[test]
    fn the_audit_travels() {
        let s = ShareState {
            view: View::Audit,
            batch: Some(BatchSource::Sample),
            audit: Some(AuditShare {
                house: vec!["google".into(), "provider:vertex".into()],
                policy: "house-first".into(),
                reference: Some("balanced".into()),
            }),
            ..sample()
        };
        let back = decode(&encode(&s).unwrap()).unwrap().unwrap();
        assert_eq!(back, ShareState { v: VERSION, ..s });
        assert!(View::ALL.contains(&View::Audit));
        assert_eq!(View::Audit.label(), "Audit");
        // Only the fields a link names: the rest are defaults.
        let partial = pack(r#"{"v":3,"view":"audit","audit":{"house":["amazon"]}}"#);
        let s = decode(&format!("s={partial}")).unwrap().unwrap();
        assert_eq!(
            s.audit,
            Some(AuditShare {
                house: vec!["amazon".into()],
                ..Default::default()
            })
        );
    }

    #[test]
    fn catalog_edits_and_the_sets_policies_travel() {
        let cat = crate::catalog::Catalog::from_json(crate::shipped::CATALOG).unwrap();
        let mut edits = CatalogEdits::default();
        let id = cat.models[0].id.clone();
        edits
            .set_figure(&cat, &id, crate::catalog::Field::InputPrice, 42.0)
            .unwrap();
        let s = ShareState {
            catalog: Some(edits.clone()),
            batch_selected: Some(vec!["my-policy".into()]),
            ..sample()
        };
        let f = fit(&s).unwrap();
        assert_eq!((f.set_left_out, f.catalog_left_out), (None, false));
        let back = decode(&f.fragment).unwrap().unwrap();
        assert_eq!(back.v, VERSION);
        assert_eq!(back.catalog, Some(edits));
        assert_eq!(back.batch_selected, Some(vec!["my-policy".to_string()]));
    }

    fn noise(n: usize, seed: u64) -> String {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (b'a' + (x % 26) as u8) as char
            })
            .collect()
    }

    #[test]
    fn fit_leaves_out_the_set_then_the_catalog_and_says_so() {
        let cat = crate::catalog::Catalog::from_json(crate::shipped::CATALOG).unwrap();
        // A big pasted set: left out, its size recorded.
        let big_set = noise(MAX_FRAGMENT * 2, 7);
        let s = ShareState {
            batch: Some(BatchSource::Text(big_set.clone())),
            ..sample()
        };
        let f = fit(&s).unwrap();
        assert_eq!(f.set_left_out, Some(big_set.len()));
        assert!(!f.catalog_left_out);
        assert!(f.full_len.unwrap() > MAX_FRAGMENT);
        let back = decode(&f.fragment).unwrap().unwrap();
        assert_eq!(back.batch, None);
        assert_eq!(back.batch_omitted, Some(big_set.len()));
        // Catalog edits too big for a link (a model with a huge note): the link assumes the
        // shipped catalog and says so.
        let mut edits = CatalogEdits::default();
        let mut m = cat.models[0].clone();
        m.id = "huge".into();
        m.note = noise(MAX_FRAGMENT * 2, 9);
        edits.add(m);
        let s = ShareState {
            catalog: Some(edits),
            batch: Some(BatchSource::Sample),
            ..sample()
        };
        let f = fit(&s).unwrap();
        assert!(f.catalog_left_out && f.set_left_out.is_none());
        let back = decode(&f.fragment).unwrap().unwrap();
        assert_eq!(back.catalog, None);
        assert!(back.catalog_omitted);
        assert_eq!(back.batch, Some(BatchSource::Sample));
        // Too long even without both: refused with the full length.
        let s = ShareState {
            prompt: noise(MAX_FRAGMENT * 2, 11),
            ..sample()
        };
        assert!(matches!(fit(&s), Err(ShareError::TooLong { len }) if len > MAX_FRAGMENT));
    }

    #[test]
    fn garbage_is_an_error_never_a_panic() {
        assert_eq!(decode("#s=%%%"), Err(ShareError::NotBase64));
        assert_eq!(decode("#s=aGVsbG8"), Err(ShareError::NotDeflate));
        assert!(matches!(
            decode(&format!("s={}", pack("[1,2"))),
            Err(ShareError::NotJson(_))
        ));
        assert!(matches!(
            decode(&format!("s={}", pack("[1,2]"))),
            Err(ShareError::NotJson(_))
        ));
        // A deflate bomb stops at MAX_JSON.
        let bomb = vec![b' '; MAX_JSON + 10];
        let data = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bomb, 9));
        assert!(data.len() < MAX_FRAGMENT);
        assert_eq!(decode(&format!("s={data}")), Err(ShareError::NotDeflate));
        // Every prefix of a valid link decodes or fails cleanly.
        let f = encode(&sample()).unwrap();
        for i in 0..f.len() {
            let _ = decode(&f[..i]);
        }
    }
}
