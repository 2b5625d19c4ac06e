//! The user's workspace: their policies (beside the presets), which policies are selected,
//! catalog edits and request metadata. Stored in `localStorage`, versioned: an older stored
//! format is migrated on load, never dropped.

use serde::{Deserialize, Serialize};

/// The storage format written today.
pub const STORAGE_VERSION: u32 = 2;
/// The `localStorage` key of the workspace.
pub const STORAGE_KEY: &str = "routeplay.workspace";

use super::Notice;
use routeplay_core::catalog::{Catalog, CatalogEdits};
pub use routeplay_core::share::{PolicyDoc, View};

/// The user's workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Workspace {
    /// Storage format version.
    #[serde(default)]
    pub version: u32,
    /// Save counter: every successful save writes the next number, so a tab can tell that
    /// another tab saved since it last read the workspace.
    #[serde(default)]
    pub rev: u64,
    /// The user's own policies (presets are not stored: they come from the site).
    #[serde(default)]
    pub policies: Vec<PolicyDoc>,
    /// Ids of the policies compared side by side, in order.
    #[serde(default)]
    pub selected: Vec<String>,
    /// The user's edited catalog (JSON), when they changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_json: Option<String>,
    /// The user's changes to the shipped catalog (see the catalog-edits block below).
    #[serde(default, skip_serializing_if = "CatalogEdits::is_empty")]
    pub catalog_edits: CatalogEdits,
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
                    catalog_edits: CatalogEdits::default(),
                    metadata_json: "{}".into(),
                    rev: 0,
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

    /// What the user made, without the save counter: two workspaces with the same content
    /// hold the same work.
    pub fn content(&self) -> String {
        Workspace {
            rev: 0,
            ..self.clone()
        }
        .to_stored()
    }

    /// A one-line description for lists of backups ("3 policies: a, b, c").
    pub fn summary(&self) -> String {
        let n = self.policies.len();
        let names: Vec<&str> = self
            .policies
            .iter()
            .map(|p| p.id.as_str())
            .take(4)
            .collect();
        let more = if n > 4 { ", …" } else { "" };
        match n {
            0 => "no policies of your own".into(),
            1 => format!("1 policy: {}", names[0]),
            _ => format!("{n} policies: {}{more}", names.join(", ")),
        }
    }

    /// Imports the policies and selection of a share link. Never overwrites: a shared policy
    /// whose id is taken (by a preset or by a different policy of the user's) is added under a
    /// fresh id, and the selection follows it; an identical one is reused. Returns what the
    /// user should be told.
    pub fn import_shared(
        &mut self,
        shared: Vec<PolicyDoc>,
        selected: Vec<String>,
        presets: &[PolicyDoc],
    ) -> Vec<Notice> {
        let mut notices = Vec::new();
        let mut renamed: Vec<(String, String)> = Vec::new();
        for p in shared {
            // The same document is already here (under its id, or under the id an earlier
            // import of this link gave it): reuse it, so reopening a link adds nothing.
            let here = self
                .policies
                .iter()
                .find(|q| q.id == p.id && q.source == p.source)
                .or_else(|| self.policies.iter().find(|q| q.source == p.source));
            if let Some(q) = here {
                if q.id != p.id {
                    renamed.push((p.id.clone(), q.id.clone()));
                }
                continue;
            }
            let taken = self.policies.iter().chain(presets).any(|q| q.id == p.id);
            if !taken {
                self.policies.push(PolicyDoc {
                    builtin: false,
                    ..p
                });
                continue;
            }
            // Taken by something else: keep both.
            let id = self.fresh_id(&format!("{}-shared", p.id), presets);
            notices.push(Notice::info(format!(
                "The link's policy “{}” is not the one you have under that id: it was added as “{id}”, and yours is unchanged.",
                p.id
            )));
            renamed.push((p.id.clone(), id.clone()));
            self.policies.push(PolicyDoc {
                id,
                source: p.source,
                builtin: false,
            });
        }
        self.selected = selected
            .into_iter()
            .map(|s| {
                renamed
                    .iter()
                    .find(|(from, _)| *from == s)
                    .map(|(_, to)| to.clone())
                    .unwrap_or(s)
            })
            .collect();
        notices
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

// ---- Catalog edits ----------------------------------------------------------------------
// Stored as overrides of the shipped catalog (`catalog_edits`). Workspaces stored before held
// a whole edited copy in `catalog_json`: it is still read, turned into overrides against the
// shipped catalog, and dropped at the next catalog edit.
impl Workspace {
    /// The user's catalog edits against `shipped`.
    pub fn catalog_edits_for(&self, shipped: &Catalog) -> Result<CatalogEdits, String> {
        match &self.catalog_json {
            None => Ok(self.catalog_edits.clone()),
            Some(json) => Catalog::from_json(json)
                .map(|old| CatalogEdits::diff(shipped, &old))
                .map_err(|e| format!("your saved catalog cannot be read ({e})")),
        }
    }

    /// The catalog in use when the user has edits (with notes on edits that no longer
    /// apply), `None` for the shipped catalog as is.
    pub fn edited_catalog(
        &self,
        shipped: &Catalog,
    ) -> Option<Result<(Catalog, Vec<String>), String>> {
        if self.catalog_json.is_none() && self.catalog_edits.is_empty() {
            return None;
        }
        Some(self.catalog_edits_for(shipped).and_then(|e| {
            e.apply(shipped)
                .map_err(|e| format!("your catalog edits do not make a valid catalog ({e})"))
        }))
    }

    /// Replaces the user's catalog edits (the older full copy, if any, is dropped).
    pub fn set_catalog_edits(&mut self, edits: CatalogEdits) {
        self.catalog_json = None;
        self.catalog_edits = edits;
    }

    /// Takes the catalog of a share link: its edits replace the user's (the caller backs up
    /// different edits first, see [`Workspace::shared_catalog_replaces_edits`]); a link made
    /// without edits, or whose edits were too big for it, leaves the user's edits in place and
    /// says so. Returns what the user should be told.
    pub fn import_shared_catalog(
        &mut self,
        shipped: &Catalog,
        link: Option<CatalogEdits>,
        omitted: bool,
    ) -> Vec<Notice> {
        let mine = self.catalog_edits_for(shipped).unwrap_or_default();
        match link.filter(|e| !e.is_empty()) {
            Some(theirs) if theirs == mine => Vec::new(),
            Some(theirs) => {
                let mut text = format!(
                    "This link carries catalog edits ({}); they are now in use (Catalog → Reset all to shipped undoes them).",
                    theirs.summary()
                );
                if !mine.is_empty() {
                    text.push_str(&format!(
                        " Your own catalog edits ({}) were replaced and kept as a backup (Policies → Backups).",
                        mine.summary()
                    ));
                }
                self.set_catalog_edits(theirs);
                vec![Notice::info(text)]
            }
            None if omitted => {
                let mut text = "This link was made with catalog edits too large to include: it assumes the shipped catalog, so its costs and decisions may differ from the sender's.".to_string();
                if !mine.is_empty() {
                    text.push_str(&format!(
                        " Your own catalog edits ({}) are in use here.",
                        mine.summary()
                    ));
                }
                vec![Notice::warning(text)]
            }
            None if !mine.is_empty() => vec![Notice::info(format!(
                "This link uses the shipped catalog; your own catalog edits ({}) are in use here, so costs and decisions may differ from the sender's.",
                mine.summary()
            ))],
            None => Vec::new(),
        }
    }

    /// Whether importing `link`'s catalog edits would replace different edits of the user's.
    pub fn shared_catalog_replaces_edits(
        &self,
        shipped: &Catalog,
        link: Option<&CatalogEdits>,
    ) -> bool {
        let mine = self.catalog_edits_for(shipped).unwrap_or_default();
        link.is_some_and(|l| !l.is_empty() && !mine.is_empty() && *l != mine)
    }
}

#[cfg(test)]
mod catalog_edit_tests {
    use super::*;
    use routeplay_core::catalog::Field;

    fn shipped() -> Catalog {
        Catalog::from_json(routeplay_core::shipped::CATALOG).unwrap()
    }

    #[test]
    fn a_workspace_stored_with_a_whole_catalog_still_loads_as_edits() {
        let s = shipped();
        let id = s.models[0].id.clone();
        // What the previous app stored after a price edit: the whole catalog, edited.
        let mut old = s.clone();
        old.models[0].input_price.value = 7.5;
        old.models[0].input_price.source = "edited in Routeplay".into();
        old.models[0].input_price.estimate = true;
        let stored = serde_json::json!({
            "version": 2, "rev": 3, "policies": [], "selected": ["cost-saver"],
            "catalog_json": old.to_json(), "metadata_json": "{}"
        })
        .to_string();
        let mut w = Workspace::from_stored(&stored).unwrap();
        let e = w.catalog_edits_for(&s).unwrap();
        assert_eq!(
            e.was(&s, &id, Field::InputPrice).unwrap().value,
            s.models[0].input_price.value
        );
        let (c, _) = w.edited_catalog(&s).unwrap().unwrap();
        assert_eq!(c.get(&id).unwrap().input_price.value, 7.5);
        // The next edit stores overrides only, and they read back the same.
        let mut e2 = e.clone();
        e2.set_figure(&s, &id, Field::TtftMs, 5.0).unwrap();
        w.set_catalog_edits(e2.clone());
        let again = Workspace::from_stored(&w.to_stored()).unwrap();
        assert_eq!(again.catalog_json, None);
        assert_eq!(again.catalog_edits_for(&s).unwrap(), e2);
        // No edits: nothing stored, the shipped catalog used.
        let fresh = Workspace::new(&[]);
        assert!(!fresh.to_stored().contains("catalog_edits"));
        assert!(fresh.edited_catalog(&s).is_none());
        // An unreadable old copy is an error, not silently the shipped catalog.
        let broken = Workspace {
            catalog_json: Some("{oops".into()),
            ..Workspace::new(&[])
        };
        assert!(broken
            .edited_catalog(&s)
            .unwrap()
            .unwrap_err()
            .contains("cannot be read"));
    }

    #[test]
    fn a_links_catalog_replaces_or_is_explained() {
        let s = shipped();
        let id = s.models[0].id.clone();
        let mut theirs = CatalogEdits::default();
        theirs.set_figure(&s, &id, Field::InputPrice, 42.0).unwrap();
        // Fresh receiver: the link's edits are used.
        let mut w = Workspace::new(&[]);
        assert!(!w.shared_catalog_replaces_edits(&s, Some(&theirs)));
        let n = w.import_shared_catalog(&s, Some(theirs.clone()), false);
        assert_eq!(w.catalog_edits, theirs);
        assert!(n[0].text.contains("1 figure edited in 1 model"), "{n:?}");
        // The same link again: nothing to say.
        assert!(w
            .import_shared_catalog(&s, Some(theirs.clone()), false)
            .is_empty());
        // A receiver with other edits: replaced (the caller backs them up) and told.
        let mut mine = CatalogEdits::default();
        mine.remove(&s, &id);
        let mut w = Workspace::new(&[]);
        w.set_catalog_edits(mine.clone());
        assert!(w.shared_catalog_replaces_edits(&s, Some(&theirs)));
        let n = w.import_shared_catalog(&s, Some(theirs.clone()), false);
        assert!(
            n[0].text.contains("were replaced and kept as a backup"),
            "{n:?}"
        );
        // Edits too big for the link: the receiver keeps theirs and is warned.
        let mut w = Workspace::new(&[]);
        w.set_catalog_edits(mine.clone());
        let n = w.import_shared_catalog(&s, None, true);
        assert!(
            n[0].warning && n[0].text.contains("assumes the shipped catalog"),
            "{n:?}"
        );
        assert_eq!(w.catalog_edits, mine);
        // A link without edits: the receiver's stay, and they are told results may differ.
        let n = w.import_shared_catalog(&s, None, false);
        assert!(n[0].text.contains("uses the shipped catalog"), "{n:?}");
        assert!(Workspace::new(&[])
            .import_shared_catalog(&s, None, false)
            .is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, source: &str) -> PolicyDoc {
        PolicyDoc {
            id: id.into(),
            source: source.into(),
            builtin: false,
        }
    }

    fn presets() -> Vec<PolicyDoc> {
        vec![PolicyDoc {
            builtin: true,
            ..doc("cost-saver", "name = \"cost-saver\"")
        }]
    }

    #[test]
    fn v1_is_migrated_to_the_current_version() {
        let v1 = r#"{"custom_policies": [{"name": "mine", "text": "name = \"mine\""}], "selected": ["mine", "cost-saver"]}"#;
        let w = Workspace::from_stored(v1).unwrap();
        assert_eq!(w.version, STORAGE_VERSION);
        assert_eq!(w.policies, vec![doc("mine", "name = \"mine\"")]);
        assert_eq!(w.selected, vec!["mine", "cost-saver"]);
        // Written back in today's format, it reads the same.
        let again = Workspace::from_stored(&w.to_stored()).unwrap();
        assert_eq!(again, w);
        assert!(w.to_stored().contains("\"version\":2"));
    }

    #[test]
    fn unreadable_or_newer_workspaces_are_errors_not_defaults() {
        let e = Workspace::from_stored(r#"{"version": 99, "policies": []}"#).unwrap_err();
        assert!(e.contains("version 99") && e.contains("newer"), "{e}");
        assert!(Workspace::from_stored("{oops").is_err());
        assert!(Workspace::from_stored(r#"{"version": 2, "policies": 5}"#).is_err());
        // Presets are never stored as the user's.
        let w = Workspace::from_stored(
            r#"{"version": 2, "policies": [{"id": "p", "source": "", "builtin": true}]}"#,
        )
        .unwrap();
        assert!(w.policies.is_empty());
    }

    #[test]
    fn content_ignores_the_save_counter() {
        let a = Workspace::new(&["x"]);
        let b = Workspace {
            rev: 7,
            ..a.clone()
        };
        assert_eq!(a.content(), b.content());
        assert_ne!(a.to_stored(), b.to_stored());
    }

    #[test]
    fn import_never_overwrites_a_different_policy_with_the_same_id() {
        let mut w = Workspace::new(&[]);
        w.add_policy("my-policy", "mine".into(), &presets());
        let n = w.import_shared(
            vec![doc("my-policy", "theirs")],
            vec!["my-policy".into(), "cost-saver".into()],
            &presets(),
        );
        assert_eq!(
            w.policies,
            vec![doc("my-policy", "mine"), doc("my-policy-shared", "theirs")]
        );
        // The link's selection points at the link's policy.
        assert_eq!(w.selected, vec!["my-policy-shared", "cost-saver"]);
        assert_eq!(n.len(), 1);
        assert!(
            n[0].text.contains("“my-policy-shared”") && n[0].text.contains("yours is unchanged")
        );
        // Opening the same link again adds nothing and says nothing.
        let n = w.import_shared(
            vec![doc("my-policy", "theirs")],
            vec!["my-policy".into()],
            &presets(),
        );
        assert!(n.is_empty());
        assert_eq!(w.policies.len(), 2);
        assert_eq!(w.selected, vec!["my-policy-shared"]);
        // A third version gets the next free id.
        w.import_shared(vec![doc("my-policy", "third")], vec![], &presets());
        assert_eq!(w.policies[2], doc("my-policy-shared-2", "third"));
    }

    #[test]
    fn import_adds_new_reuses_identical_and_never_shadows_a_preset() {
        let mut w = Workspace::new(&[]);
        w.add_policy("same", "s".into(), &presets());
        let n = w.import_shared(
            vec![
                doc("same", "s"),
                doc("fresh", "f"),
                PolicyDoc {
                    builtin: true,
                    ..doc("cost-saver", "not the preset")
                },
            ],
            vec!["same".into(), "fresh".into(), "cost-saver".into()],
            &presets(),
        );
        assert_eq!(
            w.policies,
            vec![
                doc("same", "s"),
                doc("fresh", "f"),
                doc("cost-saver-shared", "not the preset")
            ]
        );
        assert_eq!(w.selected, vec!["same", "fresh", "cost-saver-shared"]);
        assert_eq!(n.len(), 1);
    }
}
