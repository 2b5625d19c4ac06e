//! The user's workspace: their policies (beside the presets), which policies are selected,
//! catalog edits and request metadata. Stored in `localStorage`, versioned: an older stored
//! format is migrated on load, never dropped.

use serde::{Deserialize, Serialize};

/// The storage format written today.
pub const STORAGE_VERSION: u32 = 2;
/// The `localStorage` key of the workspace.
pub const STORAGE_KEY: &str = "routeplay.workspace";
/// Where an unreadable stored workspace is kept, so a bug never loses a user's policies.
pub const BACKUP_KEY: &str = "routeplay.workspace.unreadable";

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
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 5] = [
        View::Prompt,
        View::Batch,
        View::Policies,
        View::Catalog,
        View::Live,
    ];

    /// The tab label.
    pub fn label(self) -> &'static str {
        match self {
            View::Prompt => "Prompt",
            View::Batch => "Prompt set",
            View::Policies => "Policies",
            View::Catalog => "Catalog",
            View::Live => "Live run",
        }
    }
}

/// One policy document: a preset shipped in `public/policies/` or the user's own.
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

/// The user's workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Workspace {
    /// Storage format version.
    #[serde(default)]
    pub version: u32,
    /// The user's own policies (presets are not stored: they come from the site).
    #[serde(default)]
    pub policies: Vec<PolicyDoc>,
    /// Ids of the policies compared side by side, in order.
    #[serde(default)]
    pub selected: Vec<String>,
    /// The user's edited catalog (JSON), when they changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_json: Option<String>,
    /// Request metadata as JSON (e.g. `{"tier": "pro"}`).
    #[serde(default)]
    pub metadata_json: String,
}

/// Version 1 stored `custom_policies: [{name, text}]` and `selected` names.
#[derive(Deserialize)]
struct V1 {
    #[serde(default)]
    custom_policies: Vec<V1Policy>,
    #[serde(default)]
    selected: Vec<String>,
}
#[derive(Deserialize)]
struct V1Policy {
    name: String,
    text: String,
}

impl Workspace {
    /// A fresh workspace selecting `selected` presets.
    pub fn new(selected: &[&str]) -> Self {
        Workspace {
            version: STORAGE_VERSION,
            selected: selected.iter().map(|s| s.to_string()).collect(),
            metadata_json: "{\"tier\": \"free\"}".into(),
            ..Default::default()
        }
    }

    /// Reads a stored workspace of any known version (migrating older ones).
    pub fn from_stored(json: &str) -> Result<Workspace, String> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("stored workspace is not JSON: {e}"))?;
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(1) as u32;
        match version {
            1 => {
                let v1: V1 = serde_json::from_value(value).map_err(|e| e.to_string())?;
                Ok(Workspace {
                    version: STORAGE_VERSION,
                    policies: v1
                        .custom_policies
                        .into_iter()
                        .map(|p| PolicyDoc {
                            id: p.name,
                            source: p.text,
                            builtin: false,
                        })
                        .collect(),
                    selected: v1.selected,
                    catalog_json: None,
                    metadata_json: "{}".into(),
                })
            }
            STORAGE_VERSION => {
                let mut w: Workspace = serde_json::from_value(value).map_err(|e| e.to_string())?;
                w.policies.retain(|p| !p.builtin);
                Ok(w)
            }
            v => Err(format!(
                "stored workspace has version {v}, newer than this app ({STORAGE_VERSION})"
            )),
        }
    }

    /// The JSON written to storage.
    pub fn to_stored(&self) -> String {
        let mut w = self.clone();
        w.version = STORAGE_VERSION;
        serde_json::to_string(&w).unwrap_or_default()
    }

    /// Whether `id` is selected.
    pub fn is_selected(&self, id: &str) -> bool {
        self.selected.iter().any(|s| s == id)
    }

    /// Selects or deselects `id`.
    pub fn toggle(&mut self, id: &str) {
        if let Some(i) = self.selected.iter().position(|s| s == id) {
            self.selected.remove(i);
        } else {
            self.selected.push(id.to_string());
        }
    }

    /// An id not used by any preset or user policy, from `base`.
    pub fn fresh_id(&self, base: &str, presets: &[PolicyDoc]) -> String {
        let taken = |id: &str| self.policies.iter().chain(presets).any(|p| p.id == id);
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !taken(id))
            .unwrap_or_default()
    }

    /// Adds a user policy (a copy of a preset, an upload or a new one) and selects it.
    /// Returns its id.
    pub fn add_policy(&mut self, base_id: &str, source: String, presets: &[PolicyDoc]) -> String {
        let id = self.fresh_id(base_id, presets);
        self.policies.push(PolicyDoc {
            id: id.clone(),
            source,
            builtin: false,
        });
        if !self.is_selected(&id) {
            self.selected.push(id.clone());
        }
        id
    }

    /// Replaces the source of user policy `id`.
    pub fn set_source(&mut self, id: &str, source: String) {
        if let Some(p) = self.policies.iter_mut().find(|p| p.id == id) {
            p.source = source;
        }
    }

    /// Removes user policy `id`.
    pub fn remove_policy(&mut self, id: &str) {
        self.policies.retain(|p| p.id != id);
        self.selected.retain(|s| s != id);
    }
}
