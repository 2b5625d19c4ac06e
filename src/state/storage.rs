//! Saving the workspace in the browser's storage without ever losing work.
//!
//! - Every write is checked; a refused write (quota, blocked storage) becomes a notice and the
//!   workspace keeps working in memory.
//! - The stored workspace is only overwritten when this tab knows what it holds (it read or
//!   wrote exactly that). Anything else — an unreadable workspace, a newer format, another
//!   tab's save — is first copied to a timestamped backup; if that copy fails, nothing is
//!   overwritten.
//! - Backups are bounded ([`MAX_BACKUPS`], oldest dropped) and can be restored from the page.
//! - Another tab's save (a `storage` event) is adopted when this tab has no unsaved edits;
//!   otherwise this tab's work is kept and the other tab's goes to a backup.
//!
//! [`Store`] is the storage as this module needs it, so the logic runs natively in tests.

use super::workspace::{Workspace, STORAGE_KEY};
use super::Notice;
use serde::{Deserialize, Serialize};

/// Backups are stored under this prefix plus a zero-padded millisecond timestamp.
pub const BACKUP_PREFIX: &str = "routeplay.backup.";
/// Where versions before backups kept one unreadable workspace (still listed and restorable).
pub const LEGACY_BACKUP_KEY: &str = "routeplay.workspace.unreadable";
/// How many backups are kept; adding one more drops the oldest.
pub const MAX_BACKUPS: usize = 5;

/// Key-value storage (`localStorage` in the page, a map in tests). Errors are the browser's
/// own words (e.g. "QuotaExceededError: …").
pub trait Store {
    /// The value under `key`.
    fn get(&self, key: &str) -> Result<Option<String>, String>;
    /// Writes `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), String>;
    /// Removes `key`.
    fn remove(&self, key: &str) -> Result<(), String>;
    /// Every key.
    fn keys(&self) -> Vec<String>;
}

/// One backup as stored.
#[derive(Serialize, Deserialize)]
struct Record {
    /// Milliseconds since the Unix epoch.
    at: f64,
    /// Why it was made.
    reason: String,
    /// The stored workspace JSON, verbatim.
    data: String,
}

/// A backup, as listed in the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    /// Its storage key (what [`Persist::restore`] takes).
    pub key: String,
    /// When it was made (ms since the Unix epoch; 0 when unknown).
    pub at_ms: f64,
    /// Why it was made.
    pub reason: String,
    /// What it holds ("2 policies: a, b"), or why it cannot be read.
    pub summary: String,
}

/// Every backup, newest first.
pub fn backups(store: &dyn Store) -> Vec<Backup> {
    let mut out: Vec<Backup> = store
        .keys()
        .into_iter()
        .filter(|k| k.starts_with(BACKUP_PREFIX) || k == LEGACY_BACKUP_KEY)
        .filter_map(|key| {
            let raw = store.get(&key).ok().flatten()?;
            let (at_ms, reason, data) = read_record(&key, raw);
            let summary = match Workspace::from_stored(&data) {
                Ok(w) => w.summary(),
                Err(e) => format!("cannot be read by this page: {e}"),
            };
            Some(Backup {
                key,
                at_ms,
                reason,
                summary,
            })
        })
        .collect();
    out.sort_by(|a, b| b.key.cmp(&a.key));
    // The legacy key sorts after the timestamped ones by name; by time it is the oldest.
    out.sort_by(|a, b| b.at_ms.total_cmp(&a.at_ms));
    out
}

fn read_record(key: &str, raw: String) -> (f64, String, String) {
    if key == LEGACY_BACKUP_KEY {
        return (
            0.0,
            "kept aside by an earlier version of this page".into(),
            raw,
        );
    }
    match serde_json::from_str::<Record>(&raw) {
        Ok(r) => (r.at, r.reason, r.data),
        Err(_) => (0.0, "backup in an unknown format".into(), raw),
    }
}

/// Copies `data` to a new backup and drops the oldest beyond [`MAX_BACKUPS`]. Returns the key.
pub fn add_backup(
    store: &dyn Store,
    now_ms: f64,
    reason: &str,
    data: &str,
) -> Result<String, String> {
    let mut stamp = now_ms.max(0.0) as u64;
    let taken = store.keys();
    let mut key = format!("{BACKUP_PREFIX}{stamp:013}");
    while taken.contains(&key) {
        stamp += 1;
        key = format!("{BACKUP_PREFIX}{stamp:013}");
    }
    let record = Record {
        at: now_ms,
        reason: reason.to_string(),
        data: data.to_string(),
    };
    store.set(&key, &serde_json::to_string(&record).unwrap_or_default())?;
    let mut keys: Vec<String> = store
        .keys()
        .into_iter()
        .filter(|k| k.starts_with(BACKUP_PREFIX))
        .collect();
    keys.sort();
    let excess = keys.len().saturating_sub(MAX_BACKUPS);
    for old in &keys[..excess] {
        // A backup that cannot be removed only costs space.
        let _ = store.remove(old);
    }
    Ok(key)
}

/// What this tab knows about the stored workspace.
#[derive(Debug, Clone, Default)]
pub struct Persist {
    /// The stored JSON this tab read or wrote last (safe to overwrite), if any.
    known: Option<String>,
    /// The save counter of `known`.
    rev: u64,
    /// The content ([`Workspace::content`]) last read or saved: the workspace differs from it
    /// exactly when it has unsaved edits.
    saved: Option<String>,
    /// The last save failed (a later success says so).
    failing: bool,
    /// Memory only (an embedded page): the store is never read or written.
    memory_only: bool,
}

impl Persist {
    /// A page that keeps its workspace in memory only (an embed in someone else's page): it
    /// starts from `fresh`, and never reads, writes, backs up or restores anything.
    pub fn memory_only(fresh: Workspace) -> (Workspace, Persist) {
        let p = Persist {
            saved: Some(fresh.content()),
            memory_only: true,
            ..Persist::default()
        };
        (fresh, p)
    }

    /// Whether this page keeps its workspace in memory only.
    pub fn is_memory_only(&self) -> bool {
        self.memory_only
    }

    /// Loads the stored workspace, or `fresh` when there is none or it cannot be read (then it
    /// is copied to a backup first; if even that fails it is left in place untouched).
    pub fn load(
        store: &dyn Store,
        now_ms: f64,
        fresh: Workspace,
    ) -> (Workspace, Persist, Vec<Notice>) {
        let raw = match store.get(STORAGE_KEY) {
            Ok(Some(raw)) => raw,
            // Nothing stored: the fresh workspace is not an edit, so nothing is written until
            // the user changes something.
            Ok(None) => {
                let p = Persist {
                    saved: Some(fresh.content()),
                    ..Persist::default()
                };
                return (fresh, p, Vec::new());
            }
            Err(e) => {
                let n = Notice::warning(format!(
                    "Your saved workspace could not be read ({e}); this tab starts fresh and keeps your work in memory only."
                ));
                return (fresh, Persist::default(), vec![n]);
            }
        };
        match Workspace::from_stored(&raw) {
            Ok(w) => {
                // A workspace stored in an older format is written back in today's at once.
                let migrated = w.to_stored() != raw;
                let p = Persist {
                    rev: w.rev,
                    saved: (!migrated).then(|| w.content()),
                    known: Some(raw),
                    ..Persist::default()
                };
                (w, p, Vec::new())
            }
            Err(e) => match add_backup(store, now_ms, &format!("unreadable: {e}"), &raw) {
                Ok(_) => {
                    let n = Notice::warning(format!(
                        "Your saved workspace could not be read ({e}). It was kept as a backup (Policies → Backups) and a fresh workspace was started."
                    ));
                    let p = Persist {
                        known: Some(raw),
                        ..Persist::default()
                    };
                    (fresh, p, vec![n])
                }
                Err(be) => {
                    let n = Notice::warning(format!(
                        "Your saved workspace could not be read ({e}) and could not be copied aside ({be}). It is left untouched; this tab will not save over it, so your changes here stay in memory only."
                    ));
                    (fresh, Persist::default(), vec![n])
                }
            },
        }
    }

    /// Whether `ws` has edits that are not in storage.
    pub fn dirty(&self, ws: &Workspace) -> bool {
        self.saved.as_deref() != Some(ws.content().as_str())
    }

    /// Saves `ws` if it has unsaved edits. What the storage holds is overwritten only when this
    /// tab knows it, or after it was copied to a backup.
    pub fn save(&mut self, store: &dyn Store, ws: &Workspace, now_ms: f64) -> Vec<Notice> {
        let content = ws.content();
        if self.memory_only || self.saved.as_deref() == Some(content.as_str()) {
            return Vec::new();
        }
        let mut notices = Vec::new();
        let stored = match store.get(STORAGE_KEY) {
            Ok(s) => s,
            Err(e) => return vec![self.fail(&e)],
        };
        if let Some(raw) = stored.filter(|raw| Some(raw) != self.known.as_ref()) {
            let (reason, their_rev) = match Workspace::from_stored(&raw) {
                Ok(w) => ("saved by another tab".to_string(), w.rev),
                Err(e) => (format!("unreadable: {e}"), 0),
            };
            if let Err(e) = add_backup(store, now_ms, &reason, &raw) {
                self.failing = true;
                return vec![Notice::warning(format!(
                    "Not saved: the stored workspace changed (it was {reason}) and could not be copied aside first ({e}). Your changes stay in this tab until it closes; use Download to keep a policy."
                ))];
            }
            notices.push(Notice::info(
                "Another tab saved a different workspace since this tab read it: this tab's was saved, and the other one is kept in Backups (Policies view).",
            ));
            self.known = Some(raw);
            self.rev = self.rev.max(their_rev);
        }
        let next = Workspace {
            rev: self.rev + 1,
            ..ws.clone()
        };
        let raw = next.to_stored();
        match store.set(STORAGE_KEY, &raw) {
            Ok(()) => {
                self.rev = next.rev;
                self.known = Some(raw);
                self.saved = Some(content);
                if std::mem::take(&mut self.failing) {
                    notices.push(Notice::info("Saved: the workspace is stored again."));
                }
            }
            Err(e) => notices.push(self.fail(&e)),
        }
        notices
    }

    fn fail(&mut self, e: &str) -> Notice {
        self.failing = true;
        Notice::warning(format!(
            "Not saved: the browser refused to store the workspace ({e}). Your work stays in this tab until it closes; free some storage or use Download to keep a policy."
        ))
    }

    /// Another tab changed the stored workspace (a `storage` event with its new value).
    /// Returns the workspace this tab should now show, when it changes.
    pub fn on_foreign(
        &mut self,
        store: &dyn Store,
        new_value: Option<String>,
        current: &Workspace,
        now_ms: f64,
    ) -> (Option<Workspace>, Vec<Notice>) {
        if self.memory_only || (new_value.is_some() && new_value == self.known) {
            return (None, Vec::new());
        }
        let Some(raw) = new_value else {
            // Cleared (e.g. site data removed in another tab): store this tab's work again.
            self.saved = None;
            self.known = None;
            let mut notices = self.save(store, current, now_ms);
            if notices.is_empty() {
                notices.push(Notice::info(
                    "Another tab cleared the stored workspace: this tab's was saved again.",
                ));
            }
            return (None, notices);
        };
        let theirs = Workspace::from_stored(&raw);
        match theirs {
            Ok(theirs) if !self.dirty(current) => {
                self.known = Some(raw);
                self.rev = theirs.rev;
                self.saved = Some(theirs.content());
                if theirs.content() == current.content() {
                    return (None, Vec::new());
                }
                let n =
                    Notice::info("This tab now shows the workspace as another tab just saved it.");
                (Some(theirs), vec![n])
            }
            theirs => {
                // Unsaved edits here (or an unreadable value): keep ours, keep theirs aside.
                let (reason, their_rev) = match &theirs {
                    Ok(w) => ("saved by another tab".to_string(), w.rev),
                    Err(e) => (format!("unreadable: {e}"), 0),
                };
                if let Err(e) = add_backup(store, now_ms, &reason, &raw) {
                    self.failing = true;
                    let n = Notice::warning(format!(
                        "Another tab saved changes while this tab had unsaved ones, and they could not be copied aside ({e}). This tab keeps its own in memory and does not overwrite the other tab's; use Download to keep a policy."
                    ));
                    return (None, vec![n]);
                }
                self.known = Some(raw);
                self.rev = self.rev.max(their_rev);
                self.saved = None;
                let mut notices = vec![Notice::info(
                    "Another tab saved changes while this tab had unsaved ones: this tab's were kept, and the other tab's are in Backups (Policies view).",
                )];
                notices.extend(self.save(store, current, now_ms));
                (None, notices)
            }
        }
    }

    /// Restores backup `key`. The current workspace is copied to a backup first (a restore
    /// is undoable), and nothing changes if that copy fails.
    pub fn restore(
        &mut self,
        store: &dyn Store,
        key: &str,
        current: &Workspace,
        now_ms: f64,
    ) -> Result<Workspace, String> {
        if self.memory_only {
            return Err("an embedded Routeplay keeps nothing in this browser's storage".into());
        }
        let raw = store
            .get(key)?
            .ok_or_else(|| "this backup is gone (another tab may have dropped it)".to_string())?;
        let (_, _, data) = read_record(key, raw);
        let restored = Workspace::from_stored(&data)
            .map_err(|e| format!("this backup cannot be read by this page: {e}"))?;
        if restored.content() != current.content() {
            add_backup(store, now_ms, "before a restore", &current.to_stored()).map_err(|e| {
                format!("the current workspace could not be kept aside first ({e})")
            })?;
        }
        Ok(Workspace {
            rev: self.rev,
            ..restored
        })
    }
}

/// A [`Store`] in memory, for tests.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct MemoryStore {
    /// The entries.
    pub map: std::cell::RefCell<std::collections::BTreeMap<String, String>>,
    /// Writes fail (like a full quota) when set.
    pub full: std::cell::Cell<bool>,
}

#[cfg(test)]
impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        Ok(self.map.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        if self.full.get() {
            return Err("QuotaExceededError: the quota has been exceeded".into());
        }
        self.map.borrow_mut().insert(key.into(), value.into());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), String> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }
    fn keys(&self) -> Vec<String> {
        self.map.borrow().keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::PolicyDoc;

    fn ws(ids: &[&str]) -> Workspace {
        let mut w = Workspace::new(&["cost-saver"]);
        for id in ids {
            w.add_policy(id, format!("name = \"{id}\"\n"), &[]);
        }
        w
    }

    fn stored(store: &MemoryStore) -> Workspace {
        Workspace::from_stored(&store.get(STORAGE_KEY).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn saves_only_changes_and_counts_revisions() {
        let store = MemoryStore::default();
        let (mut w, mut p, n) = Persist::load(&store, 1.0, ws(&[]));
        assert!(n.is_empty());
        // A fresh workspace is not an edit: nothing written.
        assert!(p.save(&store, &w, 2.0).is_empty());
        assert!(store.get(STORAGE_KEY).unwrap().is_none());
        w.add_policy("a", "x".into(), &[]);
        assert!(p.dirty(&w));
        p.save(&store, &w, 4.0);
        assert!(!p.dirty(&w));
        assert_eq!(stored(&store).policies.len(), 1);
        assert_eq!(stored(&store).rev, 1);
        // Nothing new: nothing written.
        store.map.borrow_mut().remove(STORAGE_KEY);
        assert!(p.save(&store, &w, 5.0).is_empty());
        assert!(store.get(STORAGE_KEY).unwrap().is_none());
        w.add_policy("b", "y".into(), &[]);
        p.save(&store, &w, 6.0);
        assert_eq!(stored(&store).rev, 2);
    }

    #[test]
    fn a_full_quota_is_a_notice_and_loses_nothing_saved() {
        let store = MemoryStore::default();
        let (mut w, mut p, _) = Persist::load(&store, 0.0, ws(&["mine"]));
        w.add_policy("first", "f".into(), &[]);
        p.save(&store, &w, 1.0);
        let before = store.get(STORAGE_KEY).unwrap();
        assert!(before.as_deref().unwrap().contains("first"));
        store.full.set(true);
        w.add_policy("big", "y".repeat(1000), &[]);
        let n = p.save(&store, &w, 2.0);
        assert_eq!(n.len(), 1);
        assert!(n[0].warning && n[0].text.starts_with("Not saved:"), "{n:?}");
        assert!(n[0].text.contains("QuotaExceededError"));
        assert_eq!(store.get(STORAGE_KEY).unwrap(), before);
        assert!(p.dirty(&w));
        // Room again: the next save stores everything and says so.
        store.full.set(false);
        w.add_policy("more", "z".into(), &[]);
        let n = p.save(&store, &w, 3.0);
        assert!(n.iter().any(|n| n.text.starts_with("Saved")), "{n:?}");
        assert_eq!(stored(&store).policies.len(), 4);
    }

    #[test]
    fn unreadable_workspace_is_backed_up_before_anything_overwrites_it() {
        let store = MemoryStore::default();
        let bad = r#"{"version": 99, "policies": [{"id": "precious"}]}"#;
        store.set(STORAGE_KEY, bad).unwrap();
        let (w, mut p, n) = Persist::load(&store, 10.0, ws(&[]));
        assert!(n[0].text.contains("kept as a backup"), "{n:?}");
        let b = backups(&store);
        assert_eq!(b.len(), 1);
        assert!(b[0].reason.contains("version 99"), "{:?}", b[0]);
        let rec: Record = serde_json::from_str(&store.get(&b[0].key).unwrap().unwrap()).unwrap();
        assert_eq!(rec.data, bad);
        // Now the main key may be overwritten, with no second backup.
        p.save(&store, &w, 11.0);
        assert_eq!(stored(&store).rev, 1);
        assert_eq!(backups(&store).len(), 1);
    }

    #[test]
    fn unreadable_workspace_stays_when_the_backup_fails() {
        let store = MemoryStore::default();
        let bad = "{not json";
        store.set(STORAGE_KEY, bad).unwrap();
        store.full.set(true);
        let (mut w, mut p, n) = Persist::load(&store, 0.0, ws(&[]));
        assert!(
            n[0].warning && n[0].text.contains("left untouched"),
            "{n:?}"
        );
        // Saving cannot back it up either, so it does not overwrite it, even if only the
        // backup write fails.
        w.add_policy("new", "x".into(), &[]);
        let n = p.save(&store, &w, 1.0);
        assert!(n[0].text.starts_with("Not saved"), "{n:?}");
        assert_eq!(store.get(STORAGE_KEY).unwrap().as_deref(), Some(bad));
        // With room, the next save first keeps it aside, then saves.
        store.full.set(false);
        w.add_policy("newer", "y".into(), &[]);
        p.save(&store, &w, 2.0);
        assert_eq!(stored(&store).policies.len(), 2);
        let b = backups(&store);
        assert_eq!(b.len(), 1);
        let rec: Record = serde_json::from_str(&store.get(&b[0].key).unwrap().unwrap()).unwrap();
        assert_eq!(rec.data, bad);
    }

    #[test]
    fn an_older_format_is_written_back_migrated_at_once() {
        let store = MemoryStore::default();
        let v1 = r#"{"custom_policies": [{"name": "old", "text": "x"}], "selected": ["old"]}"#;
        store.set(STORAGE_KEY, v1).unwrap();
        let (w, mut p, n) = Persist::load(&store, 0.0, ws(&[]));
        assert!(n.is_empty());
        assert!(p.dirty(&w));
        assert!(p.save(&store, &w, 1.0).is_empty());
        let now = stored(&store);
        assert_eq!(
            (now.version, now.rev),
            (crate::state::workspace::STORAGE_VERSION, 1)
        );
        assert_eq!(now.policies[0].id, "old");
        assert!(backups(&store).is_empty());
        // Loaded again, it is current: nothing to write.
        let (w, mut p, _) = Persist::load(&store, 2.0, ws(&[]));
        assert!(!p.dirty(&w));
        let before = store.get(STORAGE_KEY).unwrap();
        p.save(&store, &w, 3.0);
        assert_eq!(store.get(STORAGE_KEY).unwrap(), before);
    }

    #[test]
    fn backups_are_bounded_newest_first() {
        let store = MemoryStore::default();
        for i in 0..(MAX_BACKUPS + 3) {
            add_backup(
                &store,
                1000.0 + i as f64,
                &format!("r{i}"),
                &ws(&[]).to_stored(),
            )
            .unwrap();
        }
        // Same millisecond: still two backups.
        add_backup(&store, 5000.0, "same-a", "{}").unwrap();
        add_backup(&store, 5000.0, "same-b", "{}").unwrap();
        let b = backups(&store);
        assert_eq!(b.len(), MAX_BACKUPS);
        assert_eq!(b[0].reason, "same-b");
        assert_eq!(b[1].reason, "same-a");
        assert!(b.windows(2).all(|w| w[0].at_ms >= w[1].at_ms));
        assert!(!b.iter().any(|b| b.reason == "r0"));
    }

    #[test]
    fn legacy_backup_is_listed_and_restorable() {
        let store = MemoryStore::default();
        store
            .set(
                LEGACY_BACKUP_KEY,
                r#"{"custom_policies": [{"name": "old", "text": "name = \"old\""}]}"#,
            )
            .unwrap();
        let b = backups(&store);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].summary, "1 policy: old");
        let mut p = Persist::default();
        let w = p.restore(&store, LEGACY_BACKUP_KEY, &ws(&[]), 5.0).unwrap();
        assert_eq!(w.policies[0].id, "old");
    }

    #[test]
    fn restore_keeps_the_current_workspace_as_a_backup() {
        let store = MemoryStore::default();
        let (cur, mut p, _) = Persist::load(&store, 0.0, ws(&["current"]));
        p.save(&store, &cur, 1.0);
        let key = add_backup(&store, 2.0, "test", &ws(&["old-one"]).to_stored()).unwrap();
        let restored = p.restore(&store, &key, &cur, 3.0).unwrap();
        assert_eq!(restored.policies[0].id, "old-one");
        assert!(backups(&store)
            .iter()
            .any(|b| b.summary == "1 policy: current"));
        p.save(&store, &restored, 4.0);
        assert_eq!(stored(&store).policies[0].id, "old-one");
        // Failing to keep the current one aside refuses the restore.
        store.full.set(true);
        let e = p.restore(&store, &key, &ws(&["other"]), 5.0).unwrap_err();
        assert!(e.contains("kept aside"), "{e}");
        assert!(p
            .restore(&store, "routeplay.backup.nope", &cur, 6.0)
            .is_err());
    }

    #[test]
    fn two_tabs_adopt_each_others_saves_when_clean() {
        let store = MemoryStore::default();
        let (mut a, mut pa, _) = Persist::load(&store, 0.0, ws(&[]));
        let (b0, mut pb, _) = Persist::load(&store, 0.0, ws(&[]));
        a.add_policy("from-a", "a".into(), &[]);
        pa.save(&store, &a, 1.0);
        let event = store.get(STORAGE_KEY).unwrap();
        let (b, n) = pb.on_foreign(&store, event, &b0, 2.0);
        let mut b = b.expect("tab B adopts A's save");
        assert_eq!(b.policies[0].id, "from-a");
        assert!(!n[0].warning);
        b.add_policy("from-b", "b".into(), &[]);
        assert!(pb.save(&store, &b, 3.0).is_empty());
        let (a2, _) = pa.on_foreign(&store, store.get(STORAGE_KEY).unwrap(), &a, 4.0);
        assert_eq!(a2.unwrap().policies.len(), 2);
        assert!(backups(&store).is_empty());
        // Our own write echoed back changes nothing.
        let (none, n) = pb.on_foreign(&store, store.get(STORAGE_KEY).unwrap(), &b, 5.0);
        assert!(none.is_none() && n.is_empty());
    }

    #[test]
    fn two_tabs_with_unsaved_edits_keep_both() {
        let store = MemoryStore::default();
        let (mut a, mut pa, _) = Persist::load(&store, 0.0, ws(&[]));
        let (mut b, mut pb, _) = Persist::load(&store, 0.0, ws(&[]));
        // B's edit is not saved yet (e.g. its write failed) when A saves.
        b.add_policy("from-b", "b".into(), &[]);
        a.add_policy("from-a", "a".into(), &[]);
        pa.save(&store, &a, 1.0);
        let (adopt, n) = pb.on_foreign(&store, store.get(STORAGE_KEY).unwrap(), &b, 2.0);
        assert!(adopt.is_none(), "B keeps its own edits");
        assert!(n[0].text.contains("Backups"), "{n:?}");
        assert_eq!(stored(&store).policies[0].id, "from-b");
        let backup = backups(&store);
        assert_eq!(backup.len(), 1);
        assert_eq!(backup[0].summary, "1 policy: from-a");
        // A, clean, adopts B's; restoring the backup in B brings A's back.
        let (a2, _) = pa.on_foreign(&store, store.get(STORAGE_KEY).unwrap(), &a, 3.0);
        assert_eq!(a2.unwrap().policies[0].id, "from-b");
        let r = pb.restore(&store, &backup[0].key, &b, 4.0).unwrap();
        assert_eq!(r.policies[0].id, "from-a");
    }

    #[test]
    fn a_missed_event_is_caught_at_save_time() {
        let store = MemoryStore::default();
        let (mut a, mut pa, _) = Persist::load(&store, 0.0, ws(&[]));
        let (mut b, mut pb, _) = Persist::load(&store, 0.0, ws(&[]));
        a.add_policy("from-a", "a".into(), &[]);
        pa.save(&store, &a, 1.0);
        // B never heard of A's save and saves its own edit.
        b.add_policy("from-b", "b".into(), &[]);
        let n = pb.save(&store, &b, 2.0);
        assert!(n[0].text.contains("Another tab"), "{n:?}");
        assert_eq!(stored(&store).rev, 2);
        assert_eq!(backups(&store)[0].summary, "1 policy: from-a");
    }

    #[test]
    fn memory_only_never_touches_the_store() {
        let store = MemoryStore::default();
        let seeded = ws(&["cost-saver-copy"]);
        store.set(STORAGE_KEY, &seeded.to_stored()).unwrap();
        add_backup(&store, 1.0, "earlier", &seeded.to_stored()).unwrap();
        let before = store.map.borrow().clone();
        let (mut w, mut p) = Persist::memory_only(ws(&[]));
        assert!(p.is_memory_only());
        assert!(
            w.policies.is_empty(),
            "starts fresh, not from the stored workspace"
        );
        // Edits, another tab's save, a cleared store and a restore: nothing is written.
        w.add_policy("cost-saver-copy", "different".into(), &[]);
        assert!(p.save(&store, &w, 2.0).is_empty());
        let (adopt, n) = p.on_foreign(&store, Some(ws(&["other"]).to_stored()), &w, 3.0);
        assert!(adopt.is_none() && n.is_empty());
        assert_eq!(p.on_foreign(&store, None, &w, 4.0), (None, vec![]));
        let key = backups(&store)[0].key.clone();
        assert!(p
            .restore(&store, &key, &w, 5.0)
            .unwrap_err()
            .contains("keeps nothing"));
        assert_eq!(*store.map.borrow(), before);
        // Even a store that refuses every write raises no notice.
        store.full.set(true);
        w.add_policy("more", "x".into(), &[]);
        assert!(p.save(&store, &w, 6.0).is_empty());
    }

    #[test]
    fn cleared_storage_is_written_again() {
        let store = MemoryStore::default();
        let (w, mut p, _) = Persist::load(&store, 0.0, ws(&["keep"]));
        p.save(&store, &w, 1.0);
        store.map.borrow_mut().clear();
        let (none, n) = p.on_foreign(&store, None, &w, 2.0);
        assert!(none.is_none() && !n.is_empty());
        assert_eq!(
            stored(&store).policies,
            vec![PolicyDoc {
                id: "keep".into(),
                source: "name = \"keep\"\n".into(),
                builtin: false
            }]
        );
    }
}
