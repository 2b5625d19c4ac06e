//! The playground's shared state and the derived values every panel reads.
//!
//! Raw state lives in signals; everything computed from it (signals of the prompt, compiled
//! policies, decisions) is a `Memo` calling the core. Effects only sync with the outside world:
//! fetching assets, `localStorage`, the URL fragment.

use crate::state::audit::AuditInputs;
use crate::state::conversation::{
    read_prompt_box, route_conversation, ConversationRoutes, PromptInput,
};
use crate::state::{share::BatchSource, Notice, PolicyDoc, ShareState, View, Workspace};
use leptos::prelude::*;
use routeplay_core::catalog::Catalog;
use routeplay_core::classifier::Model;
use routeplay_core::conversation::{conversation_key, ConversationSignals};
use routeplay_core::format::plural;
use routeplay_core::policy::{Decision, Diagnostic, Facts, Metadata, Policy};
use routeplay_core::signals::{CheapSignals, PromptSignals};
use std::sync::Arc;

/// An `Arc` compared by identity, so large immutable values can sit in memos cheaply.
#[derive(Debug)]
pub struct Shared<T>(pub Arc<T>);
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}
impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(v: T) -> Self {
        Shared(Arc::new(v))
    }
}

/// Loading state of one fetched asset.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load {
    /// Being fetched.
    #[default]
    Loading,
    /// Ready; the string says what was loaded (size, time).
    Ready(String),
    /// Could not be loaded: the message says why.
    Failed(String),
}

/// A policy document compiled against the current catalog.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The document's id.
    pub id: String,
    /// Shipped with the app.
    pub builtin: bool,
    /// Its source text.
    pub source: String,
    /// The policy, when it has no errors.
    pub policy: Option<Policy>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// The name to show: the policy's own name, else the id.
    pub fn name(&self) -> String {
        self.policy
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| self.id.clone())
    }
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// The signals of the current prompt and what each cost on this device.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The signals.
    pub signals: PromptSignals,
    /// Milliseconds per signal (size, tokens, code, language, pii, classifier).
    pub timings: Vec<(&'static str, f64)>,
}

/// One selected policy's decision for the current prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDecision {
    /// The policy document's id.
    pub id: String,
    /// The decision, or why there is none (policy has errors).
    pub decision: Result<Decision, String>,
    /// What the policy is for (its `description`; empty when it has errors or none).
    pub description: String,
    /// Why it chose its model, in one line ([`Decision::why`]; empty when it has errors).
    pub why: String,
}

/// The request metadata box: the text is parsed as the user types; while it is invalid the
/// last valid value stays in use and the error is shown beside the box.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetadataInput {
    /// The metadata decisions use: the text's, or the last valid one while the text is invalid.
    pub in_use: Metadata,
    /// Why the current text is not used, if it is invalid.
    pub error: Option<String>,
}

impl MetadataInput {
    /// Parses metadata text: blank is no metadata; otherwise a JSON object.
    pub fn parse(json: &str) -> Result<Metadata, String> {
        if json.trim().is_empty() {
            return Ok(Metadata::new());
        }
        serde_json::from_str::<Metadata>(json)
            .map_err(|e| format!("metadata must be a JSON object: {e}"))
    }

    /// The state after the text changed to `json`, given the state before (`None` at start).
    pub fn next(prev: Option<&MetadataInput>, json: &str) -> MetadataInput {
        match Self::parse(json) {
            Ok(in_use) => MetadataInput {
                in_use,
                error: None,
            },
            Err(e) => MetadataInput {
                in_use: prev.map(|p| p.in_use.clone()).unwrap_or_default(),
                error: Some(e),
            },
        }
    }
}

/// Everything the panels share, provided as context.
#[derive(Clone, Copy)]
pub struct Playground {
    /// The single prompt being routed.
    pub prompt: RwSignal<String>,
    /// The view shown.
    pub view: RwSignal<View>,
    /// Embed mode: minimal chrome for an iframe.
    pub embed: RwSignal<bool>,
    /// The user's workspace (persisted).
    pub workspace: RwSignal<Workspace>,
    /// The presets from `public/policies/`.
    pub presets: RwSignal<Vec<PolicyDoc>>,
    /// The shipped catalog from `public/catalog.json`.
    pub base_catalog: RwSignal<Option<Shared<Catalog>>>,
    /// The shipped task classifier from `public/model/`.
    pub shipped_classifier: RwSignal<Option<Shared<Model>>>,
    /// A classifier trained on your own labels in the Train view, when "Use this model" chose it
    /// (this tab's memory only).
    pub custom_classifier: RwSignal<Option<crate::state::train::CustomModel>>,
    /// The classifier every decision and batch run uses: the custom one when chosen, else the
    /// shipped one.
    pub classifier: Memo<Option<Shared<Model>>>,
    /// The custom classifier's labels (policies are checked against them), `None` for the
    /// shipped one.
    pub custom_labels: Memo<Option<Vec<String>>>,
    /// Loading state of catalog, policies and classifier model.
    pub load_catalog: RwSignal<Load>,
    /// Loading state of the presets.
    pub load_policies: RwSignal<Load>,
    /// Loading state of the classifier model.
    pub load_model: RwSignal<Load>,
    /// The batch view's prompt source.
    pub batch: RwSignal<Option<BatchSource>>,
    /// The policy document being edited in the policies view.
    pub editing: RwSignal<Option<String>>,
    /// Counts workspace replacements from outside the editors (another tab, a restored
    /// backup): editors holding their own text re-read it when it changes.
    pub reloads: RwSignal<u32>,
    /// The two selected policies the batch diff compares (indices into the batch selection).
    pub diff_pair: RwSignal<(usize, usize)>,
    /// The policies the Prompt set view runs, when chosen there (`None`: the Prompt view's).
    pub batch_selected: RwSignal<Option<Vec<String>>>,
    /// The Audit view's house, policy and reference.
    pub audit: RwSignal<AuditInputs>,
    /// The catalog in use: the user's edited one when valid, else the shipped one.
    pub catalog: Memo<Option<Shared<Catalog>>>,
    /// Why the user's edited catalog is not used, if it is invalid.
    pub catalog_error: Memo<Option<String>>,
    /// Request metadata parsed from the workspace.
    pub metadata: Memo<Result<Metadata, String>>,
    /// The metadata decisions use (the last valid while the text is invalid) and the error.
    pub metadata_input: Memo<MetadataInput>,
    /// Decisions are provisional: the classifier is still loading (they are re-decided when
    /// it arrives).
    pub provisional: Memo<bool>,
    /// Every policy document (presets, then the user's), compiled.
    pub compiled: Memo<Shared<Vec<Compiled>>>,
    /// The prompt box read as a prompt, a conversation (a pasted chat request) or a broken one.
    pub input: Memo<Shared<PromptInput>>,
    /// Signals of the current prompt (of a conversation's last user message).
    pub analysis: Memo<Analysis>,
    /// A conversation's signals (turns, agent step, tools, tokens), when the box holds one.
    pub conversation_signals: Memo<Option<ConversationSignals>>,
    /// Every turn of a pasted conversation under the selected policies that compile.
    pub turns: Memo<Option<Shared<ConversationRoutes>>>,
    /// A decision per selected policy for the current prompt.
    pub decisions: Memo<Vec<PolicyDecision>>,
}

/// Milliseconds from the page's clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Computes the signals of `text` with the classifier when loaded, timing each signal.
pub fn analyze(text: &str, model: Option<&Model>) -> Analysis {
    let (cheap, mut timings) = CheapSignals::compute_timed(text, now_ms);
    // A blank prompt has nothing to classify (the model would still say "chat").
    let task = model.filter(|_| !text.trim().is_empty()).map(|m| {
        let t0 = now_ms();
        let p = m.predict(text);
        timings.push(("classifier", now_ms() - t0));
        p
    });
    Analysis {
        signals: PromptSignals { cheap, task },
        timings,
    }
}

impl Playground {
    /// Creates the state with derived values, from a workspace already loaded from storage.
    pub fn new(workspace: Workspace) -> Self {
        let prompt = RwSignal::new(String::new());
        let workspace = RwSignal::new(workspace);
        let presets = RwSignal::new(Vec::<PolicyDoc>::new());
        let base_catalog = RwSignal::new(None::<Shared<Catalog>>);
        let shipped_classifier = RwSignal::new(None::<Shared<Model>>);
        let custom_classifier = RwSignal::new(None::<crate::state::train::CustomModel>);
        let classifier = Memo::new(move |_| match custom_classifier.get() {
            Some(c) => Some(c.model),
            None => shipped_classifier.get(),
        });
        let custom_labels = Memo::new(move |_| {
            custom_classifier.with(|c| c.as_ref().map(|c| c.model.labels().to_vec()))
        });

        let edited_catalog = Memo::new(move |_| {
            let base = base_catalog.get()?;
            workspace
                .with(|w| w.edited_catalog(&base))
                .map(|r| r.map(|(c, _)| Shared::new(c)))
        });
        let catalog = Memo::new(move |_| match edited_catalog.get() {
            Some(Ok(c)) => Some(c),
            _ => base_catalog.get(),
        });
        let catalog_error = Memo::new(move |_| edited_catalog.get().and_then(|r| r.err()));
        let metadata =
            Memo::new(move |_| workspace.with(|w| MetadataInput::parse(&w.metadata_json)));
        let metadata_input = Memo::new(move |prev: Option<&MetadataInput>| {
            workspace.with(|w| MetadataInput::next(prev, &w.metadata_json))
        });
        let load_model = RwSignal::new(Load::Loading);
        let provisional = Memo::new(move |_| {
            classifier.with(Option::is_none) && !matches!(load_model.get(), Load::Failed(_))
        });
        // The documents alone, so selecting a policy or editing metadata does not recompile.
        let docs = Memo::new(move |_| {
            presets
                .get()
                .into_iter()
                .chain(workspace.with(|w| w.policies.clone()))
                .collect::<Vec<PolicyDoc>>()
        });
        let compiled = Memo::new(move |_| {
            let Some(cat) = catalog.get() else {
                return Shared::new(Vec::new());
            };
            let labels = custom_labels.get();
            Shared::new(
                docs.get()
                    .into_iter()
                    .map(|d| compile(d, &cat, labels.as_deref()))
                    .collect(),
            )
        });
        let input = Memo::new(move |_| Shared::new(prompt.with(|p| read_prompt_box(p))));
        let analysis = Memo::new(move |_| {
            let model = classifier.get();
            match &*input.get() {
                PromptInput::Conversation(c) => analyze(&c.routed_text(), model.as_deref()),
                _ => prompt.with(|p| analyze(p, model.as_deref())),
            }
        });
        let conversation_signals = Memo::new(move |_| {
            let PromptInput::Conversation(c) = &*input.get() else {
                return None;
            };
            let model = classifier.get();
            let a = analysis.get();
            Some(ConversationSignals::compute(
                &c.conversation,
                a.signals.task.as_ref(),
                |text| model.as_ref().map(|m| m.predict(text)),
            ))
        });
        let turns = Memo::new(move |_| {
            let PromptInput::Conversation(c) = &*input.get() else {
                return None;
            };
            let cat = catalog.get()?;
            let all = compiled.get();
            let model = classifier.get().map(|m| m.0.clone());
            let meta = metadata_input.with(|m| m.in_use.clone());
            let policies: Vec<(String, Policy)> = workspace.with(|w| {
                w.selected
                    .iter()
                    .filter_map(|id| all.iter().find(|c| &c.id == id))
                    .filter_map(|c| Some((c.id.clone(), c.policy.clone()?)))
                    .collect()
            });
            Some(Shared::new(route_conversation(
                c, &policies, &cat, model, &meta,
            )))
        });
        let decisions = Memo::new(move |_| {
            let Some(cat) = catalog.get() else {
                return Vec::new();
            };
            let a = analysis.get();
            if a.signals.is_blank() {
                return Vec::new();
            }
            let all = compiled.get();
            let meta = metadata_input.with(|m| m.in_use.clone());
            let facts = match (&*input.get(), conversation_signals.get()) {
                (PromptInput::Conversation(c), Some(cs)) => {
                    cs.to_facts(conversation_key(&c.conversation), &a.signals, &meta)
                }
                _ => prompt.with(|p| Facts::new(p, &a.signals, &meta)),
            };
            workspace.with(|w| {
                w.selected
                    .iter()
                    .filter_map(|id| all.iter().find(|c| &c.id == id))
                    .map(|c| match &c.policy {
                        Some(p) => {
                            // A conversation's card is its last turn, as the chat shows it
                            // (stickiness included).
                            let last = turns.with(|t| {
                                let t = t.as_ref()?;
                                let i = t.policy_ids.iter().position(|id| id == &c.id)?;
                                t.turns.last()?.decisions.get(i).cloned()
                            });
                            let (d, sticky) = match last {
                                Some(td) => (td.decision, td.sticky.map(|s| s.describe())),
                                None => (p.decide(&facts, &cat), None),
                            };
                            let why = match sticky {
                                Some(s) => format!("{} {}", d.why(p), s),
                                None => d.why(p),
                            };
                            PolicyDecision {
                                id: c.id.clone(),
                                description: p.description.clone(),
                                why,
                                decision: Ok(d),
                            }
                        }
                        None => PolicyDecision {
                            id: c.id.clone(),
                            decision: Err(format!(
                                "{} has {}: fix it in the Policies view",
                                c.id,
                                plural(c.errors(), "error")
                            )),
                            description: String::new(),
                            why: String::new(),
                        },
                    })
                    .collect()
            })
        });
        Playground {
            prompt,
            view: RwSignal::new(View::Prompt),
            embed: RwSignal::new(false),
            workspace,
            presets,
            base_catalog,
            shipped_classifier,
            custom_classifier,
            classifier,
            custom_labels,
            load_catalog: RwSignal::new(Load::Loading),
            load_policies: RwSignal::new(Load::Loading),
            load_model,
            batch: RwSignal::new(None),
            editing: RwSignal::new(None),
            reloads: RwSignal::new(0),
            diff_pair: RwSignal::new((0, 1)),
            batch_selected: RwSignal::new(None),
            audit: RwSignal::new(AuditInputs::default()),
            catalog,
            catalog_error,
            metadata,
            metadata_input,
            provisional,
            compiled,
            input,
            analysis,
            conversation_signals,
            turns,
            decisions,
        }
    }

    /// The share state of the current experiment.
    pub fn share_state(&self) -> ShareState {
        let ws = self.workspace.get_untracked();
        let batch_selected = self.batch_selected.get_untracked();
        let audit = self.audit.get_untracked();
        let audit_ids = audit.policy_ids();
        let policies = ws
            .policies
            .iter()
            .filter(|p| {
                ws.is_selected(&p.id)
                    || batch_selected.as_ref().is_some_and(|b| b.contains(&p.id))
                    || audit_ids.contains(&p.id)
            })
            .cloned()
            .collect();
        let batch = self.batch.get_untracked();
        let catalog = self
            .base_catalog
            .get_untracked()
            .and_then(|base| ws.catalog_edits_for(&base).ok())
            .filter(|e| !e.is_empty());
        ShareState {
            v: crate::state::share::VERSION,
            prompt: self.prompt.get_untracked(),
            selected: ws.selected.clone(),
            policies,
            view: self.view.get_untracked(),
            batch,
            metadata_json: ws.metadata_json.clone(),
            diff: Some(self.diff_pair.get_untracked()),
            batch_selected,
            catalog,
            audit: audit.to_share(),
            ..Default::default()
        }
    }

    /// Replaces the whole workspace (another tab's save, a restored backup).
    pub fn replace_workspace(&self, w: Workspace) {
        self.workspace.set(w);
        self.reloads.update(|n| *n += 1);
    }

    /// Applies a share state: prompt, view, selection, and the shared user policies. Never
    /// overwrites one of the user's policies (see [`Workspace::import_shared`]); returns what
    /// the user should be told.
    pub fn apply_share(&self, s: ShareState) -> Vec<Notice> {
        self.prompt.set(s.prompt);
        self.view.set(s.view);
        self.batch.set(s.batch);
        if let Some(d) = s.diff {
            self.diff_pair.set(d);
        }
        let presets = self.presets.get_untracked();
        let base = self.base_catalog.get_untracked();
        let mut notices = Vec::new();
        if let Some(bytes) = s.batch_omitted {
            notices.push(Notice::warning(format!(
                "The sender's prompt set ({}) did not fit in this link: ask for the file and open it in the Prompt set view.",
                crate::state::share::kb(bytes)
            )));
        }
        let catalog = s.catalog;
        let mut base = base;
        if let Some(b) = &base {
            let replaces = self
                .workspace
                .with_untracked(|w| w.shared_catalog_replaces_edits(b, catalog.as_ref()));
            if replaces {
                if let Err(e) = crate::saving::back_up(self, "before a shared link's catalog edits")
                {
                    // Without a backup the user's edits stay: nothing is lost.
                    base = None;
                    notices.push(Notice::warning(format!(
                        "The link's catalog edits were not applied: your own could not be backed up first ({e}). Reset yours in the Catalog view and open the link again to use them."
                    )));
                }
            }
        }
        // The set's own policies go through the same import, so a shared policy renamed on
        // arrival is renamed in both lists.
        let n_sel = s.selected.len();
        let mut audit = AuditInputs::from_share(s.audit.as_ref());
        let n_set = s.batch_selected.as_ref().map_or(0, Vec::len);
        let mut ids = s.selected;
        ids.extend(s.batch_selected.iter().flatten().cloned());
        let audit_ids = audit.policy_ids();
        ids.extend(audit_ids.iter().cloned());
        let imported = self.workspace.try_update(|w| {
            if !s.metadata_json.is_empty() {
                w.metadata_json = s.metadata_json;
            }
            let mut n = w.import_shared(s.policies, ids, &presets);
            let mut batch_ids = w.selected.split_off(n_sel.min(w.selected.len()));
            // The audit's ids, as imported (a shared policy renamed on arrival is followed).
            let audit_now = batch_ids.split_off(n_set.min(batch_ids.len()));
            if let Some(base) = &base {
                n.extend(w.import_shared_catalog(base, catalog, s.catalog_omitted));
            }
            (n, batch_ids, audit_now)
        });
        let (n, batch_ids, audit_now) = imported.unwrap_or_default();
        let renamed: Vec<(String, String)> = audit_ids.into_iter().zip(audit_now).collect();
        audit.follow_renames(&renamed);
        self.audit.set(audit);
        self.batch_selected
            .set(s.batch_selected.is_some().then_some(batch_ids));
        notices.extend(n);
        notices
    }
}

/// Parses and checks one policy document; `labels`: the custom classifier's, when one is in use.
pub fn compile(doc: PolicyDoc, catalog: &Catalog, labels: Option<&[String]>) -> Compiled {
    match Policy::load_with_labels(&doc.source, catalog, labels) {
        Ok((policy, warnings)) => Compiled {
            id: doc.id,
            builtin: doc.builtin,
            source: doc.source,
            policy: Some(policy),
            diagnostics: warnings,
        },
        Err(diagnostics) => Compiled {
            id: doc.id,
            builtin: doc.builtin,
            source: doc.source,
            policy: None,
            diagnostics,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_metadata_keeps_the_last_valid_value_and_says_why() {
        let a = MetadataInput::next(None, r#"{"tier": "pro"}"#);
        assert_eq!(a.error, None);
        assert_eq!(a.in_use.get("tier"), Some(&serde_json::json!("pro")));
        // Half-typed: the error is shown, "pro" stays in use.
        let b = MetadataInput::next(Some(&a), r#"{"tier": "fr"#);
        assert!(b
            .error
            .as_deref()
            .unwrap()
            .starts_with("metadata must be a JSON object"));
        assert_eq!(b.in_use, a.in_use);
        let c = MetadataInput::next(Some(&b), "[1, 2]");
        assert!(c.error.is_some());
        assert_eq!(c.in_use, a.in_use);
        // Valid again: the new value, no error.
        let d = MetadataInput::next(Some(&c), r#"{"tier": "free"}"#);
        assert_eq!(
            (d.error, d.in_use.get("tier")),
            (None, Some(&serde_json::json!("free")))
        );
        // Blank is valid and means no metadata; invalid from the start means none in use.
        assert_eq!(
            MetadataInput::next(Some(&a), "  "),
            MetadataInput::default()
        );
        let e = MetadataInput::next(None, "{");
        assert!(e.error.is_some() && e.in_use.is_empty());
    }
}
