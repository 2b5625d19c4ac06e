//! Keys and endpoints, per provider: in memory by default, in `localStorage` only when the user
//! opts in. Each key is bound to the origin of the endpoint it was typed for.

use super::client::{BoundKey, HttpProvider};
use leptos::prelude::*;
use routeplay_providers::hosts::key_origin_for;
use routeplay_providers::presets::{preset, Preset, PRESETS};
use routeplay_providers::wire::Endpoint;
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

/// All keys and endpoints, shared by the keys panel and the runner through context.
#[derive(Clone, Copy)]
pub struct KeyStore {
    /// Slots by provider id.
    pub slots: RwSignal<BTreeMap<String, ProviderSlot>>,
    /// Whether the user opted in to persistence.
    pub remember: RwSignal<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

impl KeyStore {
    /// Load persisted keys if the user opted in earlier; otherwise start empty.
    pub fn load() -> Self {
        let saved: Option<BTreeMap<String, ProviderSlot>> = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|j| serde_json::from_str(&j).ok());
        let remember = saved.is_some();
        let store = Self {
            slots: RwSignal::new(saved.unwrap_or_default()),
            remember: RwSignal::new(remember),
        };
        Effect::new(move |_| {
            let remember = store.remember.get();
            let slots = store.slots.get();
            if let Some(s) = storage() {
                if remember {
                    if let Ok(j) = serde_json::to_string(&slots) {
                        let _ = s.set_item(STORAGE_KEY, &j);
                    }
                } else {
                    let _ = s.remove_item(STORAGE_KEY);
                }
            }
        });
        store
    }

    /// The base URL in effect for a provider.
    pub fn base_url(&self, id: &str) -> String {
        let p = preset(id);
        let custom = self
            .slots
            .with(|s| s.get(canonical(id)).map(|x| x.base_url.clone()))
            .unwrap_or_default();
        if custom.trim().is_empty() {
            p.map(|p| p.base_url.to_string()).unwrap_or_default()
        } else {
            custom.trim().trim_end_matches('/').to_string()
        }
    }

    /// Set a provider's endpoint. Changing it forgets that provider's key: a key is only ever
    /// sent to the address it was entered for. Returns an error message for a refused URL.
    pub fn set_base_url(&self, id: &str, url: &str) -> Result<(), String> {
        let url = url.trim();
        if !url.is_empty() {
            key_origin_for(url).map_err(|e| e.to_string())?;
        }
        let id = canonical(id).to_string();
        self.slots.update(|s| {
            let slot = s.entry(id).or_default();
            if slot.base_url != url {
                slot.base_url = url.to_string();
                slot.key.clear();
                slot.key_origin.clear();
            }
        });
        Ok(())
    }

    /// Set (or clear, with an empty string) a provider's key, binding it to the current endpoint.
    pub fn set_key(&self, id: &str, key: &str) -> Result<(), String> {
        let key = key.trim().to_string();
        let origin = if key.is_empty() {
            String::new()
        } else {
            key_origin_for(&self.base_url(id)).map_err(|e| e.to_string())?
        };
        let id = canonical(id).to_string();
        self.slots.update(|s| {
            let slot = s.entry(id).or_default();
            slot.key = key;
            slot.key_origin = origin;
        });
        Ok(())
    }

    /// Whether a key is entered for the provider.
    pub fn has_key(&self, id: &str) -> bool {
        self.slots
            .with(|s| s.get(canonical(id)).is_some_and(|x| !x.key.is_empty()))
    }

    /// The bound key for a provider, if any.
    pub fn key(&self, id: &str) -> Option<BoundKey> {
        self.slots.with_untracked(|s| {
            s.get(canonical(id))
                .filter(|x| !x.key.is_empty())
                .map(|x| BoundKey {
                    key: x.key.clone(),
                    origin: x.key_origin.clone(),
                })
        })
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
        self.slots.update(|s| {
            for slot in s.values_mut() {
                slot.key.clear();
                slot.key_origin.clear();
            }
        });
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
