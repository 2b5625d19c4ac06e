//! Share links: the state that reproduces a playground experiment, as JSON deflated and
//! base64url-encoded into a URL fragment (`#s=...`).
//!
//! The codec is pure so the app, native tests and fuzzers all run the same code:
//! [`encode`] refuses what [`decode`] would refuse (one size limit, [`MAX_FRAGMENT`], both
//! ways), and [`decode`] checks the format version before reading the fields. Keys are not
//! part of [`ShareState`], so they can never travel in a link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The fragment part that carries the state: `#s=<data>`.
pub const PREFIX: &str = "s=";
/// The share format written today; [`decode`] reads versions `1..=VERSION`.
pub const VERSION: u32 = 1;
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
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 6] = [
        View::Prompt,
        View::Batch,
        View::Policies,
        View::Catalog,
        View::Live,
        View::Export,
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
    /// The two policies the batch diff compares (indices into `selected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<(usize, usize)>,
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
        let newer = pack(r#"{"v": 2, "prompt": 5, "whatever": []}"#);
        let e = decode(&format!("s={newer}")).unwrap_err();
        assert_eq!(e, ShareError::UnknownVersion { found: 2 });
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
