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
use routeplay_core::policy::source::{declared_name, name_problem, with_name};
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
            // A policy's identity is the name its source declares (links made before names
            // were identities may carry another id): the selection follows.
            let p = match declared_name(&p.source).filter(|n| name_problem(n).is_none()) {
                Some(name) if name != p.id => {
                    renamed.push((p.id.clone(), name.clone()));
                    PolicyDoc { id: name, ..p }
                }
                _ => p,
            };
            // The same document is already here (under its id, or under the id an earlier
            // import of this link gave it, its name rewritten to that id): reuse it, so
            // reopening a link adds nothing.
            let names_itself = declared_name(&p.source).is_some();
            let here = self
                .policies
                .iter()
                .find(|q| q.id == p.id && q.source == p.source)
                .or_else(|| {
                    self.policies.iter().find(|q| {
                        q.source == p.source
                            || (names_itself && q.source == with_name(&p.source, &q.id))
                    })
                });
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
            let source = if names_itself {
                with_name(&p.source, &id)
            } else {
                p.source
            };
            self.policies.push(PolicyDoc {
                id,
                source,
                builtin: false,
            });
        }
        self.selected = selected
            .into_iter()
            .map(|mut s| {
                // Follow every rename in order (the link's id → its name → a fresh name).
                for (from, to) in &renamed {
                    if *from == s {
                        s = to.clone();
                    }
                }
                s
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

    /// Adds a user policy (a copy of a preset, an upload, an import) and selects it. Its name
    /// is its identity: the name its source declares (else `base_id`), made unique with a
    /// `-2`, `-3`, ... suffix; when that changes a declared name, the source is rewritten to
    /// say so. Returns its id (= its name).
    pub fn add_policy(&mut self, base_id: &str, source: String, presets: &[PolicyDoc]) -> String {
        let declared = declared_name(&source).filter(|n| name_problem(n).is_none());
        let id = self.fresh_id(declared.as_deref().unwrap_or(base_id), presets);
        let source = if declared.is_some() && declared.as_deref() != Some(id.as_str()) {
            with_name(&source, &id)
        } else {
            source
        };
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

    /// A new policy from `template`, under a unique name written into its source
    /// (`my-policy`, then `my-policy-2`, ...). Returns its id.
    pub fn new_policy(&mut self, template: &str, presets: &[PolicyDoc]) -> String {
        let base = declared_name(template).unwrap_or_else(|| "my-policy".into());
        let id = self.fresh_id(&base, presets);
        self.add_policy(&id, with_name(template, &id), presets)
    }

    /// A copy of a policy (a preset or one of the user's) named `<name>-copy` (made unique),
    /// the name written into the copy's source. Returns its id.
    pub fn duplicate(&mut self, name: &str, source: &str, presets: &[PolicyDoc]) -> String {
        let id = self.fresh_id(&format!("{name}-copy"), presets);
        self.add_policy(&id, with_name(source, &id), presets)
    }

    /// Whether `name` is used by a preset or by a user policy other than `except`.
    fn name_taken(&self, name: &str, except: Option<&str>, presets: &[PolicyDoc]) -> bool {
        presets.iter().any(|p| p.id == name)
            || self
                .policies
                .iter()
                .any(|p| p.id == name && Some(p.id.as_str()) != except)
    }

    /// Renames user policy `from` to `to`; the selection follows.
    fn rename(&mut self, from: &str, to: &str) {
        for p in self.policies.iter_mut().filter(|p| p.id == from) {
            p.id = to.to_string();
        }
        for s in self.selected.iter_mut().filter(|s| *s == from) {
            *s = to.to_string();
        }
    }

    /// Replaces the source of user policy `id`. The name is the identity: when the new
    /// source declares another name that is free, the policy is renamed (and its selection
    /// follows); a name that is taken or unusable keeps the old id, and
    /// [`Workspace::name_issue`] says why.
    pub fn set_source(&mut self, id: &str, source: String, presets: &[PolicyDoc]) -> SourceEdit {
        let Some(p) = self.policies.iter_mut().find(|p| p.id == id) else {
            return SourceEdit::Missing;
        };
        p.source = source;
        match declared_name(&p.source) {
            Some(name)
                if name != id
                    && name_problem(&name).is_none()
                    && !self.name_taken(&name, Some(id), presets) =>
            {
                self.rename(id, &name);
                SourceEdit::Renamed {
                    from: id.to_string(),
                    to: name,
                }
            }
            _ => SourceEdit::Saved,
        }
    }

    /// Why user policy `id` is not listed under the name its source declares, when it is not.
    pub fn name_issue(&self, id: &str, presets: &[PolicyDoc]) -> Option<String> {
        let p = self.policies.iter().find(|p| p.id == id)?;
        let Some(name) = declared_name(&p.source) else {
            return Some(format!(
                "The source declares no name (name = \"…\" at the top), so this policy stays listed as “{id}”."
            ));
        };
        if name == id {
            return None;
        }
        if let Some(problem) = name_problem(&name) {
            return Some(format!("{problem}; it stays listed as “{id}”."));
        }
        let whose = if presets.iter().any(|q| q.id == name) {
            "a preset"
        } else {
            "another of your policies"
        };
        Some(format!(
            "“{name}” is already the name of {whose}: two policies cannot share a name, so this one stays listed as “{id}”. Choose another name."
        ))
    }

    /// Makes every user policy's id its declared name (the identity rule), for workspaces
    /// stored before names were identities and for shared policies: a policy whose declared
    /// name is free takes it (the selection follows); one whose name is taken by a preset or
    /// another policy keeps its id, and its source is rewritten to declare that id. Sources
    /// that declare no usable name are left alone. Returns whether anything changed.
    pub fn reconcile_names(&mut self, presets: &[PolicyDoc]) -> bool {
        let mut changed = false;
        for i in 0..self.policies.len() {
            let id = self.policies[i].id.clone();
            let Some(name) = declared_name(&self.policies[i].source) else {
                continue;
            };
            if name == id || name_problem(&name).is_some() {
                continue;
            }
            changed = true;
            if self.name_taken(&name, Some(&id), presets) {
                let source = with_name(&self.policies[i].source, &id);
                self.policies[i].source = source;
            } else {
                self.rename(&id, &name);
            }
        }
        changed
    }

    /// Reads an uploaded policy file and says whether it conflicts with a policy here. The
    /// name is the one its source declares, else the file name (then written into it).
    pub fn plan_upload(&self, file_name: &str, text: String, presets: &[PolicyDoc]) -> Upload {
        let stem = file_name
            .trim_end_matches(".toml")
            .trim_end_matches(".txt")
            .trim();
        let declared = declared_name(&text).filter(|n| name_problem(n).is_none());
        let (name, source) = match declared {
            Some(n) => (n, text),
            None => {
                let n = if name_problem(stem).is_none() {
                    stem.to_string()
                } else {
                    "uploaded".to_string()
                };
                let s = with_name(&text, &n);
                (n, s)
            }
        };
        let conflict = if presets.iter().any(|p| p.id == name) {
            Some(Conflict::Preset)
        } else {
            self.policies
                .iter()
                .find(|p| p.id == name)
                .map(|p| Conflict::Yours {
                    identical: p.source == source,
                })
        };
        let keep_both_as = self.fresh_id(&name, presets);
        Upload {
            name,
            source,
            conflict,
            keep_both_as,
        }
    }

    /// Carries out an upload as the user chose. Returns the id to open (none when cancelled)
    /// and what to tell the user. Never overwrites silently: `Replace` is the only way to
    /// change an existing policy, and a preset is never replaced.
    pub fn finish_upload(
        &mut self,
        up: Upload,
        choice: UploadChoice,
        presets: &[PolicyDoc],
    ) -> (Option<String>, Notice) {
        match (choice, &up.conflict) {
            (UploadChoice::Cancel, _) => (
                None,
                Notice::info(format!(
                    "The upload of “{}” was cancelled: nothing changed.",
                    up.name
                )),
            ),
            (_, None) => {
                let id = self.add_policy(&up.name, up.source, presets);
                (Some(id.clone()), Notice::info(format!("Added “{id}”.")))
            }
            (_, Some(Conflict::Yours { identical: true })) => (
                Some(up.name.clone()),
                Notice::info(format!(
                    "You already have “{}” with exactly this text: nothing was added.",
                    up.name
                )),
            ),
            (UploadChoice::Replace, Some(Conflict::Yours { .. })) => {
                if let Some(p) = self.policies.iter_mut().find(|p| p.id == up.name) {
                    p.source = up.source;
                }
                (
                    Some(up.name.clone()),
                    Notice::info(format!(
                        "Replaced your “{}” with the uploaded file.",
                        up.name
                    )),
                )
            }
            (UploadChoice::Replace, Some(Conflict::Preset)) => (
                None,
                Notice::warning(format!(
                    "“{}” is a preset, and presets cannot be replaced: keep both instead.",
                    up.name
                )),
            ),
            (UploadChoice::KeepBoth, Some(_)) => {
                let id = self.fresh_id(&up.name, presets);
                let source = with_name(&up.source, &id);
                let id = self.add_policy(&id, source, presets);
                (
                    Some(id.clone()),
                    Notice::info(format!(
                        "Added the upload as “{id}” (its name in the source too); “{}” is unchanged.",
                        up.name
                    )),
                )
            }
        }
    }

    /// Removes user policy `id`; what is returned puts it back ([`Workspace::restore`]).
    pub fn remove_policy(&mut self, id: &str) -> Option<Removed> {
        let index = self.policies.iter().position(|p| p.id == id)?;
        let doc = self.policies.remove(index);
        let selected_at = self.selected.iter().position(|s| s == id);
        self.selected.retain(|s| s != id);
        Some(Removed {
            doc,
            index,
            selected_at,
        })
    }

    /// Puts a removed policy back where it was (and back in the selection). When its name
    /// was taken in the meantime it comes back under a fresh one (written into its source).
    /// Returns its id.
    pub fn restore(&mut self, r: Removed, presets: &[PolicyDoc]) -> String {
        let mut doc = r.doc;
        if self.name_taken(&doc.id, None, presets) {
            let id = self.fresh_id(&doc.id, presets);
            if declared_name(&doc.source).is_some() {
                doc.source = with_name(&doc.source, &id);
            }
            doc.id = id;
        }
        let id = doc.id.clone();
        self.policies.insert(r.index.min(self.policies.len()), doc);
        if let Some(at) = r.selected_at {
            if !self.is_selected(&id) {
                self.selected
                    .insert(at.min(self.selected.len()), id.clone());
            }
        }
        id
    }
}

/// What an edit of a policy's source did to its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceEdit {
    /// Saved; the id is unchanged.
    Saved,
    /// The source declares a new, free name: the policy was renamed.
    Renamed {
        /// The old id.
        from: String,
        /// The new id (the declared name).
        to: String,
    },
    /// No user policy has that id (it was deleted meanwhile): nothing saved.
    Missing,
}

/// How an uploaded policy meets the policies already here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// A preset has its name (presets cannot be replaced).
    Preset,
    /// One of the user's policies has its name.
    Yours {
        /// With exactly the same source.
        identical: bool,
    },
}

/// An uploaded policy waiting for the user's choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Its name (declared, else from the file name).
    pub name: String,
    /// Its source (with the name written in when it had none).
    pub source: String,
    /// What it conflicts with, if anything.
    pub conflict: Option<Conflict>,
    /// The name "keep both" would give it.
    pub keep_both_as: String,
}

/// The user's answer to an upload conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadChoice {
    /// Replace the user's policy of that name.
    Replace,
    /// Keep both: the upload gets a fresh name.
    KeepBoth,
    /// Add nothing.
    Cancel,
}

/// A removed policy and where it was, for undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    /// The document.
    pub doc: PolicyDoc,
    /// Its position among the user's policies.
    pub index: usize,
    /// Its position in the selection, when it was selected.
    pub selected_at: Option<usize>,
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

    fn named(name: &str) -> String {
        format!("name = \"{name}\"\n[default]\nmodel = \"gpt-5-mini\"\n")
    }

    fn ids(w: &Workspace) -> Vec<&str> {
        w.policies.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn new_policies_get_a_unique_name_written_into_their_source() {
        let mut w = Workspace::new(&[]);
        let a = w.new_policy(&named("my-policy"), &presets());
        let b = w.new_policy(&named("my-policy"), &presets());
        assert_eq!((a.as_str(), b.as_str()), ("my-policy", "my-policy-2"));
        assert_eq!(
            declared_name(&w.policies[1].source).as_deref(),
            Some("my-policy-2")
        );
        assert_eq!(w.selected, vec!["my-policy", "my-policy-2"]);
        // A copy of a preset is named after it, in its source too.
        let c = w.duplicate("cost-saver", "name = \"cost-saver\"\n", &presets());
        assert_eq!(c, "cost-saver-copy");
        assert_eq!(w.policies[2].source, "name = \"cost-saver-copy\"\n");
        // add_policy (imports, uploads) never shadows a preset either.
        let d = w.add_policy("x", named("cost-saver"), &presets());
        assert_eq!(d, "cost-saver-2");
        assert_eq!(
            declared_name(&w.policies[3].source).as_deref(),
            Some("cost-saver-2")
        );
    }

    #[test]
    fn renaming_in_the_source_renames_the_policy_and_the_selection_follows() {
        let mut w = Workspace::new(&["cost-saver"]);
        w.new_policy(&named("my-policy"), &presets());
        w.new_policy(&named("other"), &presets());
        let e = w.set_source("my-policy", named("router-v2"), &presets());
        assert_eq!(
            e,
            SourceEdit::Renamed {
                from: "my-policy".into(),
                to: "router-v2".into()
            }
        );
        assert_eq!(ids(&w), vec!["router-v2", "other"]);
        assert_eq!(w.selected, vec!["cost-saver", "router-v2", "other"]);
        assert_eq!(w.name_issue("router-v2", &presets()), None);
        // A name taken by another policy or a preset: the id stays, and the issue says why.
        for taken in ["other", "cost-saver"] {
            let e = w.set_source("router-v2", named(taken), &presets());
            assert_eq!(e, SourceEdit::Saved);
            assert_eq!(ids(&w), vec!["router-v2", "other"]);
            let why = w.name_issue("router-v2", &presets()).unwrap();
            assert!(
                why.contains(&format!("“{taken}” is already the name")),
                "{why}"
            );
            assert!(why.contains("stays listed as “router-v2”"), "{why}");
        }
        assert!(w
            .name_issue("router-v2", &presets())
            .unwrap()
            .contains("a preset"));
        // Unusable or missing names keep the id too.
        w.set_source("router-v2", named(""), &presets());
        assert!(w
            .name_issue("router-v2", &presets())
            .unwrap()
            .contains("needs a name"));
        w.set_source("router-v2", "[default]\nmodel = \"m\"\n".into(), &presets());
        assert!(w
            .name_issue("router-v2", &presets())
            .unwrap()
            .contains("declares no name"));
        assert_eq!(ids(&w), vec!["router-v2", "other"]);
        // An edit of a policy that is gone saves nothing.
        assert_eq!(
            w.set_source("gone", named("x"), &presets()),
            SourceEdit::Missing
        );
        assert_eq!(w.policies.len(), 2);
    }

    #[test]
    fn an_upload_with_a_taken_name_asks_and_never_overwrites_silently() {
        let mut w = Workspace::new(&[]);
        w.new_policy(&named("mine"), &presets());
        let original = w.policies[0].source.clone();
        let theirs = format!("# uploaded\n{}", named("mine"));
        // Same name, different text: a conflict to ask about.
        let up = w.plan_upload("whatever.toml", theirs.clone(), &presets());
        assert_eq!(up.name, "mine");
        assert_eq!(up.conflict, Some(Conflict::Yours { identical: false }));
        assert_eq!(up.keep_both_as, "mine-2");
        // Cancel: nothing changes.
        let before = w.clone();
        let (id, n) = w.finish_upload(up.clone(), UploadChoice::Cancel, &presets());
        assert_eq!((id, &w), (None, &before));
        assert!(n.text.contains("cancelled"));
        // Keep both: the upload is added as mine-2, its source says so, mine is unchanged.
        let (id, n) = w.finish_upload(up.clone(), UploadChoice::KeepBoth, &presets());
        assert_eq!(id.as_deref(), Some("mine-2"));
        assert_eq!(ids(&w), vec!["mine", "mine-2"]);
        assert_eq!(w.policies[0].source, original);
        assert_eq!(
            w.policies[1].source,
            format!("# uploaded\n{}", named("mine-2"))
        );
        assert!(n.text.contains("“mine-2”") && n.text.contains("“mine” is unchanged"));
        // Replace: the user's policy takes the uploaded text, under the same name.
        let (id, _) = w.finish_upload(up, UploadChoice::Replace, &presets());
        assert_eq!(id.as_deref(), Some("mine"));
        assert_eq!(w.policies[0].source, theirs);
        assert_eq!(w.policies.len(), 2);
        // The same text again: nothing to ask, nothing added.
        let up = w.plan_upload("x.toml", theirs.clone(), &presets());
        assert_eq!(up.conflict, Some(Conflict::Yours { identical: true }));
        let (_, n) = w.finish_upload(up, UploadChoice::KeepBoth, &presets());
        assert!(n.text.contains("nothing was added"));
        assert_eq!(w.policies.len(), 2);
    }

    #[test]
    fn an_upload_named_like_a_preset_can_only_be_kept_beside_it() {
        let mut w = Workspace::new(&[]);
        let up = w.plan_upload("cs.toml", named("cost-saver"), &presets());
        assert_eq!(up.conflict, Some(Conflict::Preset));
        let (id, n) = w.finish_upload(up.clone(), UploadChoice::Replace, &presets());
        assert!(id.is_none() && n.warning && w.policies.is_empty());
        let (id, _) = w.finish_upload(up, UploadChoice::KeepBoth, &presets());
        assert_eq!(id.as_deref(), Some("cost-saver-2"));
        assert_eq!(
            declared_name(&w.policies[0].source).as_deref(),
            Some("cost-saver-2")
        );
    }

    #[test]
    fn an_upload_without_a_name_takes_the_file_name_into_its_source() {
        let mut w = Workspace::new(&[]);
        let up = w.plan_upload(
            "team-router.toml",
            "[default]\nmodel = \"m\"\n".into(),
            &presets(),
        );
        assert_eq!(up.name, "team-router");
        assert_eq!(up.conflict, None);
        assert_eq!(
            up.source,
            "name = \"team-router\"\n[default]\nmodel = \"m\"\n"
        );
        let (id, _) = w.finish_upload(up, UploadChoice::KeepBoth, &presets());
        assert_eq!(id.as_deref(), Some("team-router"));
    }

    #[test]
    fn a_deleted_policy_comes_back_where_it_was_on_undo() {
        let mut w = Workspace::new(&["cost-saver"]);
        for n in ["a", "b", "c"] {
            w.new_policy(&named(n), &presets());
        }
        let before = w.clone();
        let r = w.remove_policy("b").unwrap();
        assert_eq!(ids(&w), vec!["a", "c"]);
        assert_eq!(w.selected, vec!["cost-saver", "a", "c"]);
        assert!(w.remove_policy("b").is_none());
        assert_eq!(w.restore(r, &presets()), "b");
        assert_eq!(w, before);
        // When the name was taken meanwhile, it comes back under a fresh one.
        let r = w.remove_policy("b").unwrap();
        w.new_policy(&named("b"), &presets());
        assert_eq!(w.restore(r, &presets()), "b-2");
        assert_eq!(ids(&w), vec!["a", "b-2", "c", "b"]);
        assert_eq!(declared_name(&w.policies[1].source).as_deref(), Some("b-2"));
    }

    #[test]
    fn workspaces_stored_before_names_were_identities_load_with_ids_made_names() {
        // Written by the previous version: the second new policy listed as my-policy-2 while
        // its source says my-policy; an upload of cost-saver.toml kept under cost-saver-2;
        // a policy renamed in its source that kept its old id.
        let stored = serde_json::json!({
            "version": 2, "rev": 4,
            "policies": [
                {"id": "my-policy", "source": named("my-policy"), "builtin": false},
                {"id": "my-policy-2", "source": named("my-policy"), "builtin": false},
                {"id": "cost-saver-2", "source": named("cost-saver"), "builtin": false},
                {"id": "old-id", "source": named("fresh-name"), "builtin": false},
                {"id": "plain", "source": "[default]\nmodel = \"m\"\n", "builtin": false}
            ],
            "selected": ["my-policy-2", "old-id", "cost-saver"],
            "metadata_json": "{}"
        })
        .to_string();
        let mut w = Workspace::from_stored(&stored).unwrap();
        assert!(w.reconcile_names(&presets()));
        assert_eq!(
            ids(&w),
            vec![
                "my-policy",
                "my-policy-2",
                "cost-saver-2",
                "fresh-name",
                "plain"
            ]
        );
        for p in &w.policies[..4] {
            assert_eq!(declared_name(&p.source).as_deref(), Some(p.id.as_str()));
        }
        assert_eq!(w.policies[4].source, "[default]\nmodel = \"m\"\n");
        assert_eq!(w.selected, vec!["my-policy-2", "fresh-name", "cost-saver"]);
        // Nothing else to do the second time; stored and read again, it is the same.
        assert!(!w.reconcile_names(&presets()));
        assert_eq!(Workspace::from_stored(&w.to_stored()).unwrap(), w);
    }

    #[test]
    fn a_shared_policy_added_under_a_fresh_name_says_so_in_its_source_and_is_reused() {
        let mut w = Workspace::new(&[]);
        w.new_policy(&named("p"), &presets());
        let shared = vec![doc("p", "name = \"p\"\n# theirs\n")];
        w.import_shared(shared.clone(), vec!["p".into()], &presets());
        assert_eq!(ids(&w), vec!["p", "p-shared"]);
        assert_eq!(
            declared_name(&w.policies[1].source).as_deref(),
            Some("p-shared")
        );
        assert_eq!(w.selected, vec!["p-shared"]);
        // Opening the link again adds nothing.
        let n = w.import_shared(shared, vec!["p".into()], &presets());
        assert!(n.is_empty());
        assert_eq!(w.policies.len(), 2);
        assert_eq!(w.selected, vec!["p-shared"]);
    }
}
