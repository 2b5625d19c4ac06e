//! Keys and endpoints, per provider: in memory by default, in `localStorage` only when the user
//! opts in. Each key is bound to the origin of the endpoint it was typed for.

use super::client::{BoundKey, HttpProvider};
use leptos::prelude::*;
use routeplay_providers::hosts::key_origin_for;
use routeplay_providers::presets::{preset, Preset, PRESETS};
use routeplay_providers::wire::{check_key_chars, Endpoint};
use std::collections::BTreeMap;

/// The `localStorage` entry used only after the user ticks "remember on this device".
pub const STORAGE_KEY: &str = "routeplay.keys.v1";

/// What is stored per provider.
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ProviderSlot {
    /// Base URL in effect (empty = the preset's default).
    #[serde(default)]
    pub base_url: String,
    /// The key, if entered.
    #[serde(default)]
    pub key: String,
    /// Origin the key is bound to (set when the key is typed).
    #[serde(default)]
    pub key_origin: String,
}

impl std::fmt::Debug for ProviderSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ProviderSlot {{ base_url: {:?}, key: {}, key_origin: {:?} }}",
            self.base_url,
            if self.key.is_empty() {
                "none"
            } else {
                "[redacted]"
            },
            self.key_origin
        )
    }
}

/// Slots by canonical provider id.
pub type Slots = BTreeMap<String, ProviderSlot>;

// ---- Pure rules (no browser calls; tested natively below) ----

/// What the store should do with `localStorage` for this state: `Some(json)` to write, `None`
/// to remove the entry. Nothing is ever written unless the user opted in.
pub fn storage_write(remember: bool, slots: &Slots) -> Option<String> {
    if remember {
        serde_json::to_string(slots).ok()
    } else {
        None
    }
}

/// Slots read back from `localStorage` (an unreadable entry reads as nothing).
pub fn parse_stored(json: Option<&str>) -> Option<Slots> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

/// The base URL in effect for a provider: the custom one, else the preset's.
pub fn base_url_in(slots: &Slots, id: &str) -> String {
    let custom = slots
        .get(canonical(id))
        .map(|x| x.base_url.clone())
        .unwrap_or_default();
    if custom.trim().is_empty() {
        preset(id)
            .map(|p| p.base_url.to_string())
            .unwrap_or_default()
    } else {
        custom.trim().trim_end_matches('/').to_string()
    }
}

/// Set a provider's endpoint; a changed endpoint forgets that provider's key.
pub fn set_base_url_in(slots: &mut Slots, id: &str, url: &str) -> Result<(), String> {
    let url = url.trim();
    if !url.is_empty() {
        key_origin_for(url).map_err(|e| e.to_string())?;
    }
    let slot = slots.entry(canonical(id).to_string()).or_default();
    if slot.base_url != url {
        slot.base_url = url.to_string();
        slot.key.clear();
        slot.key_origin.clear();
    }
    Ok(())
}

/// Set (or clear, with an empty string) a provider's key, bound to the origin of the endpoint in
/// effect. A key with a character an HTTP header cannot carry is refused with the reason (the
/// slot is left unchanged).
pub fn set_key_in(slots: &mut Slots, id: &str, key: &str) -> Result<(), String> {
    let key = key.trim().to_string();
    let origin = if key.is_empty() {
        String::new()
    } else {
        check_key_chars(&key).map_err(|b| {
            format!(
                "This key contains a {b}, which cannot be sent in an HTTP header. Paste it again."
            )
        })?;
        key_origin_for(&base_url_in(slots, id)).map_err(|e| e.to_string())?
    };
    let slot = slots.entry(canonical(id).to_string()).or_default();
    slot.key = key;
    slot.key_origin = origin;
    Ok(())
}

/// The bound key for a provider, if any.
pub fn bound_key_in(slots: &Slots, id: &str) -> Option<BoundKey> {
    slots
        .get(canonical(id))
        .filter(|x| !x.key.is_empty())
        .map(|x| BoundKey {
            key: x.key.clone(),
            origin: x.key_origin.clone(),
        })
}

/// Forget every key (endpoints stay).
pub fn forget_all_in(slots: &mut Slots) {
    for slot in slots.values_mut() {
        slot.key.clear();
        slot.key_origin.clear();
    }
}

// ---- The reactive store over `localStorage` ----

/// All keys and endpoints, shared by the keys panel and the runner through context.
#[derive(Clone, Copy)]
pub struct KeyStore {
    /// Slots by provider id.
    pub slots: RwSignal<Slots>,
    /// Whether the user opted in to persistence.
    pub remember: RwSignal<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

impl KeyStore {
    /// Load persisted keys if the user opted in earlier; otherwise start empty.
    pub fn load() -> Self {
        let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let saved = parse_stored(stored.as_deref());
        let remember = saved.is_some();
        let store = Self {
            slots: RwSignal::new(saved.unwrap_or_default()),
            remember: RwSignal::new(remember),
        };
        Effect::new(move |_| {
            let remember = store.remember.get();
            let write = store.slots.with(|s| storage_write(remember, s));
            if let Some(s) = storage() {
                match write {
                    Some(j) => {
                        let _ = s.set_item(STORAGE_KEY, &j);
                    }
                    None => {
                        let _ = s.remove_item(STORAGE_KEY);
                    }
                }
            }
        });
        store
    }

    /// The base URL in effect for a provider.
    pub fn base_url(&self, id: &str) -> String {
        self.slots.with(|s| base_url_in(s, id))
    }

    /// Set a provider's endpoint. Changing it forgets that provider's key: a key is only ever
    /// sent to the address it was entered for. Returns an error message for a refused URL.
    pub fn set_base_url(&self, id: &str, url: &str) -> Result<(), String> {
        let mut r = Ok(());
        self.slots.update(|s| r = set_base_url_in(s, id, url));
        r
    }

    /// Set (or clear, with an empty string) a provider's key, binding it to the current endpoint.
    pub fn set_key(&self, id: &str, key: &str) -> Result<(), String> {
        let mut slots = self.slots.get_untracked();
        set_key_in(&mut slots, id, key)?;
        self.slots.set(slots);
        Ok(())
    }

    /// Whether a key is entered for the provider.
    pub fn has_key(&self, id: &str) -> bool {
        self.slots
            .with(|s| s.get(canonical(id)).is_some_and(|x| !x.key.is_empty()))
    }

    /// The bound key for a provider, if any.
    pub fn key(&self, id: &str) -> Option<BoundKey> {
        self.slots.with_untracked(|s| bound_key_in(s, id))
    }

    /// Every key currently held (to scrub them from any text shown or exported).
    pub fn all_keys(&self) -> Vec<String> {
        self.slots.with_untracked(|s| {
            s.values()
                .filter(|x| !x.key.is_empty())
                .map(|x| x.key.clone())
                .collect()
        })
    }

    /// Forget every key, in memory and on this device (endpoints are kept in memory).
    pub fn forget_all(&self) {
        self.slots.update(forget_all_in);
        self.remember.set(false);
        if let Some(s) = storage() {
            let _ = s.remove_item(STORAGE_KEY);
        }
    }

    /// A client for a provider id (or alias), if known and configured.
    pub fn provider(&self, id: &str) -> Option<(HttpProvider, &'static Preset)> {
        let p = preset(id)?;
        let base = self.base_url(p.id);
        if base.is_empty() {
            return None;
        }
        Some((
            HttpProvider {
                endpoint: Endpoint {
                    format: p.format,
                    base_url: base,
                    stream_usage_option: p.stream_usage_option,
                },
            },
            p,
        ))
    }
}

/// Canonical preset id for an alias (`google` → `gemini`); unknown ids pass through.
pub fn canonical(id: &str) -> &str {
    preset(id).map(|p| p.id).unwrap_or(id)
}

/// Presets in display order.
pub fn presets() -> &'static [Preset] {
    PRESETS
}

#[cfg(test)]
mod tests {
    use super::*;
    use routeplay_providers::hosts::key_may_be_sent;
    use routeplay_providers::wire::{build_request, ChatRequest};

    const KEY: &str = "test-key-openai-0001";

    #[test]
    fn nothing_is_serialised_without_opt_in() {
        let mut s = Slots::new();
        set_key_in(&mut s, "openai", KEY).unwrap();
        assert_eq!(storage_write(false, &s), None, "memory only by default");
        let json = storage_write(true, &s).expect("written after opting in");
        assert!(json.contains(KEY));
        // What was written reads back the same.
        assert_eq!(parse_stored(Some(&json)), Some(s.clone()));
        assert_eq!(parse_stored(Some("{not json")), None);
        assert_eq!(parse_stored(None), None);
        // Debug output never shows the key.
        let dbg = format!("{s:?} {:?}", bound_key_in(&s, "openai").unwrap());
        assert!(!dbg.contains(KEY), "{dbg}");
        assert!(dbg.contains("[redacted]"));
    }

    #[test]
    fn a_key_is_bound_to_the_origin_of_its_endpoint() {
        let mut s = Slots::new();
        set_key_in(&mut s, "openai", &format!("  {KEY}\n")).unwrap();
        let k = bound_key_in(&s, "openai").unwrap();
        assert_eq!(k.key, KEY, "trimmed");
        assert_eq!(k.origin, "https://api.openai.com");
        // Aliases share the canonical slot.
        set_key_in(&mut s, "google", "test-key-gemini").unwrap();
        assert_eq!(
            bound_key_in(&s, "gemini").unwrap().origin,
            "https://generativelanguage.googleapis.com"
        );
        // The request built for that provider may carry it; another origin may not.
        let ep = Endpoint {
            format: routeplay_providers::WireFormat::OpenAiChat,
            base_url: base_url_in(&s, "openai"),
            stream_usage_option: true,
        };
        let req = ChatRequest::prompt("m", "p", true);
        let built = build_request(&ep, Some(&k.key), &req).unwrap();
        assert!(key_may_be_sent(&k.origin, &built.url));
        assert!(!key_may_be_sent(
            &k.origin,
            "https://api.anthropic.com/v1/messages"
        ));
    }

    #[test]
    fn changing_the_endpoint_forgets_the_key_and_the_same_endpoint_keeps_it() {
        let mut s = Slots::new();
        set_base_url_in(&mut s, "openai", "http://127.0.0.1:8787/v1/").unwrap();
        set_key_in(&mut s, "openai", KEY).unwrap();
        assert_eq!(
            bound_key_in(&s, "openai").unwrap().origin,
            "http://127.0.0.1:8787"
        );
        assert_eq!(base_url_in(&s, "openai"), "http://127.0.0.1:8787/v1");
        set_base_url_in(&mut s, "openai", "http://127.0.0.1:8787/v1/").unwrap();
        assert!(bound_key_in(&s, "openai").is_some(), "same address: kept");
        set_base_url_in(&mut s, "openai", "http://127.0.0.1:9999/v1").unwrap();
        assert!(
            bound_key_in(&s, "openai").is_none(),
            "new address: forgotten"
        );
        // A refused address changes nothing.
        set_key_in(&mut s, "openai", KEY).unwrap();
        let err = set_base_url_in(&mut s, "openai", "http://example.com/v1").unwrap_err();
        assert!(err.contains("only allowed for this computer"), "{err}");
        assert!(bound_key_in(&s, "openai").is_some());
        assert!(set_base_url_in(&mut s, "openai", "http://[::1]:8000/v1").is_err());
        // Clearing the endpoint goes back to the preset.
        set_base_url_in(&mut s, "openai", "").unwrap();
        assert_eq!(base_url_in(&s, "openai"), "https://api.openai.com/v1");
    }

    #[test]
    fn a_key_a_header_cannot_carry_is_refused_with_the_reason() {
        let mut s = Slots::new();
        set_key_in(&mut s, "openai", KEY).unwrap();
        let err = set_key_in(&mut s, "openai", "test-key\u{200b}-openai").unwrap_err();
        assert_eq!(
            err,
            "This key contains a zero-width space (U+200B) at position 9, which cannot be sent in an HTTP header. Paste it again."
        );
        assert!(
            !err.contains("test-key"),
            "the message never repeats the key"
        );
        assert_eq!(bound_key_in(&s, "openai").unwrap().key, KEY, "unchanged");
    }

    #[test]
    fn forget_all_clears_every_key_and_keeps_endpoints() {
        let mut s = Slots::new();
        set_base_url_in(&mut s, "ollama", "http://localhost:11434/v1").unwrap();
        set_key_in(&mut s, "openai", KEY).unwrap();
        set_key_in(&mut s, "anthropic", "test-key-anthropic").unwrap();
        forget_all_in(&mut s);
        assert!(s
            .values()
            .all(|x| x.key.is_empty() && x.key_origin.is_empty()));
        assert_eq!(base_url_in(&s, "ollama"), "http://localhost:11434/v1");
        assert!(!storage_write(true, &s).unwrap().contains("test-key"));
    }
}
