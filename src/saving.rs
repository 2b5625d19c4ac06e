//! The page's side of saving (the rules are in `state::storage`): `localStorage` as a
//! [`Store`], the save on every workspace change, other tabs' saves, the backups to restore,
//! and the notices all of it raises.

use crate::engine::Playground;
use crate::state::storage::{self, Backup, Persist, Store};
use crate::state::workspace::STORAGE_KEY;
use crate::state::{Notice, Workspace};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// `localStorage`.
struct WebStore(web_sys::Storage);

/// What a storage call threw, in the browser's words ("QuotaExceededError: …").
fn js_error(e: wasm_bindgen::JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        let name = String::from(err.name());
        let msg = String::from(err.message());
        return if msg.is_empty() {
            name
        } else {
            format!("{name}: {msg}")
        };
    }
    e.as_string()
        .unwrap_or_else(|| "the browser refused the write".into())
}

impl Store for WebStore {
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        self.0.get_item(key).map_err(js_error)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        self.0.set_item(key, value).map_err(js_error)
    }
    fn remove(&self, key: &str) -> Result<(), String> {
        self.0.remove_item(key).map_err(js_error)
    }
    fn keys(&self) -> Vec<String> {
        let n = self.0.length().unwrap_or(0);
        (0..n)
            .filter_map(|i| self.0.key(i).ok().flatten())
            .collect()
    }
}

/// A page without storage (blocked by the browser): reads find nothing, writes say why.
struct NoStore;

impl Store for NoStore {
    fn get(&self, _: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
    fn set(&self, _: &str, _: &str) -> Result<(), String> {
        Err("this browser does not let this page store anything".into())
    }
    fn remove(&self, _: &str) -> Result<(), String> {
        Ok(())
    }
    fn keys(&self) -> Vec<String> {
        Vec::new()
    }
}

fn store() -> Box<dyn Store> {
    match web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        Some(s) => Box::new(WebStore(s)),
        None => Box::new(NoStore),
    }
}

/// Copies the current workspace to a backup before an import replaces part of it.
pub fn back_up(pg: &Playground, reason: &str) -> Result<String, String> {
    let data = pg.workspace.with_untracked(|w| w.to_stored());
    storage::add_backup(&*store(), now(), reason, &data)
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Saving state shared by the page (provided as context).
#[derive(Clone, Copy)]
pub struct Saving {
    persist: StoredValue<Persist>,
    /// What the user should be told, oldest first.
    pub notices: RwSignal<Vec<Notice>>,
    /// The backups, newest first.
    pub backups: RwSignal<Vec<Backup>>,
}

impl Saving {
    /// Loads the workspace (`fresh` when there is none or it cannot be read). `memory_only`
    /// (an embed): starts from `fresh` and never reads or writes storage.
    pub fn load(fresh: Workspace, memory_only: bool) -> (Workspace, Saving) {
        let store = store();
        let (ws, persist, notices) = if memory_only {
            let (ws, persist) = Persist::memory_only(fresh);
            (ws, persist, Vec::new())
        } else {
            Persist::load(&*store, now(), fresh)
        };
        let backups = if memory_only {
            Vec::new()
        } else {
            storage::backups(&*store)
        };
        let saving = Saving {
            persist: StoredValue::new(persist),
            notices: RwSignal::new(Vec::new()),
            backups: RwSignal::new(backups),
        };
        saving.notify(notices);
        (ws, saving)
    }

    /// Shows `notices` (a notice already shown is not repeated).
    pub fn notify(&self, notices: Vec<Notice>) {
        if notices.is_empty() {
            return;
        }
        self.notices.update(|all| {
            for n in notices {
                all.retain(|m| m.text != n.text);
                all.push(n);
            }
        });
    }

    /// Whether this page keeps its workspace in memory only (an embed).
    pub fn memory_only(&self) -> bool {
        self.persist
            .try_with_value(Persist::is_memory_only)
            .unwrap_or(true)
    }

    /// Re-reads the list of backups.
    pub fn refresh_backups(&self) {
        if self.memory_only() {
            return;
        }
        let list = storage::backups(&*store());
        if self.backups.with_untracked(|b| *b != list) {
            self.backups.set(list);
        }
    }

    /// Saves on every workspace change, and follows other tabs' saves (neither in memory-only
    /// mode).
    pub fn watch(self, pg: Playground) {
        if self.memory_only() {
            return;
        }
        Effect::new(move |_| {
            let notices = pg.workspace.with(|w| {
                self.persist
                    .try_update_value(|p| p.save(&*store(), w, now()))
                    .unwrap_or_default()
            });
            if !notices.is_empty() {
                self.notify(notices);
                self.refresh_backups();
            }
        });
        let handle = window_event_listener_untyped("storage", move |ev| {
            let Some(ev) = ev.dyn_ref::<web_sys::StorageEvent>() else {
                return;
            };
            match ev.key() {
                // Our workspace, or `localStorage.clear()` (no key).
                Some(k) if k == STORAGE_KEY => {}
                None => {}
                Some(k) if k.starts_with(storage::BACKUP_PREFIX) => {
                    self.refresh_backups();
                    return;
                }
                Some(_) => return,
            }
            let new_value = ev.new_value();
            let current = pg.workspace.get_untracked();
            let (adopt, notices) = self
                .persist
                .try_update_value(|p| p.on_foreign(&*store(), new_value, &current, now()))
                .unwrap_or_default();
            if let Some(w) = adopt {
                pg.replace_workspace(w);
            }
            self.notify(notices);
            self.refresh_backups();
        });
        on_cleanup(move || handle.remove());
    }

    /// Restores backup `key` (the current workspace is kept as a backup first).
    pub fn restore(&self, pg: Playground, key: &str) {
        let current = pg.workspace.get_untracked();
        let result = self
            .persist
            .try_update_value(|p| p.restore(&*store(), key, &current, now()))
            .unwrap_or_else(|| Err("the page is closing".into()));
        match result {
            Ok(w) => {
                let summary = w.summary();
                pg.replace_workspace(w);
                self.notify(vec![Notice::info(format!(
                    "Backup restored ({summary}). The workspace it replaced is now a backup itself."
                ))]);
            }
            Err(e) => self.notify(vec![Notice::warning(format!("Not restored: {e}."))]),
        }
        self.refresh_backups();
    }
}
