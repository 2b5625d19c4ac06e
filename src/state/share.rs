//! Share links: the state that reproduces an experiment, deflated and base64url-encoded into
//! the URL fragment (`#s=...`). Keys are not part of this state, so they can never leak here.

use super::{PolicyDoc, View};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The fragment prefix of a share link.
pub const PREFIX: &str = "s=";
/// Fragments larger than this are refused when decoding (a share link is not a file transfer).
pub const MAX_FRAGMENT: usize = 64 * 1024;

/// Where the batch view's prompts came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum BatchSource {
    /// The shipped sample prompt set.
    Sample,
    /// Prompts pasted or loaded by the user (kept only when small).
    Text(String),
}

/// Everything a share link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ShareState {
    /// Format version.
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

impl ShareState {
    /// Encodes into a URL fragment (without `#`).
    pub fn to_fragment(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
    }

    /// Decodes a fragment (with or without `#`). `Ok(None)` when it is not a share link.
    pub fn from_fragment(fragment: &str) -> Result<Option<ShareState>, String> {
        let f = fragment.trim_start_matches('#');
        // `#embed&s=...` and `#s=...&embed` both work.
        let Some(data) = f.split('&').find_map(|part| part.strip_prefix(PREFIX)) else {
            return Ok(None);
        };
        if data.len() > MAX_FRAGMENT {
            return Err("the share link is too long".into());
        }
        let packed = URL_SAFE_NO_PAD
            .decode(data.as_bytes())
            .map_err(|_| "the share link is damaged (not base64url)".to_string())?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 4 * 1024 * 1024)
            .map_err(|_| "the share link is damaged (cannot be decompressed)".to_string())?;
        serde_json::from_slice(&json)
            .map(Some)
            .map_err(|e| format!("the share link is from an incompatible version: {e}"))
    }
}

/// Whether the fragment asks for embed mode (`#embed`, alone or with other parts).
pub fn is_embed(fragment: &str) -> bool {
    fragment
        .trim_start_matches('#')
        .split('&')
        .any(|p| p == "embed")
}
