//! The prompt-set pipeline, the same for the app and the CLI.
//!
//! ```text
//! let set = Arc::new(read_prompt_set(&text, &ReadOptions::default())?);   // one reader
//! let mut run = Runner::new(set, policies, catalog, RunConfig { metadata, tasks });
//! while !run.is_done() { run.step(64); /* the app yields to the browser here */ }
//! run.report();                         // summary per policy
//! run.rows(RowFilter::Changed { a: 0, b: 1 });   // the diff filter
//! run.export(&rows, ExportFormat::Csv); // the export schema
//! ```
//!
//! The runner owns every step between a read prompt set and its results: set-wide metadata
//! merged into each prompt's own ([`RunConfig::metadata`]), the task prediction
//! ([`TaskSource`]), whether language detection runs at all ([`reads_language`]), the
//! decisions of every policy, the summary, the diff filter ([`RowFilter`]) and the exports
//! ([`super::export`]). The app steps it in chunks between animation frames; the CLI runs it to
//! the end; both get the same decisions and byte-identical exports.

use super::export::{self, ExportFormat};
use super::input::{ParsedSet, PromptRecord};
use super::{Flow, PolicyDiff, Simulation, SimulationReport};
use crate::catalog::Catalog;
use crate::classifier::Model;
use crate::conversation::{conversation_key, Conversation, ConversationSignals};
use crate::policy::{heuristic_complexity, Facts, Metadata, Policy};
use crate::signals::{CheapSignals, PromptSignals, TaskPrediction};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a prompt's task type and complexity come from.
#[derive(Debug, Clone, Default)]
pub struct TaskSource {
    /// The classifier (shared, never copied per prompt), when there is one.
    pub classifier: Option<Arc<Model>>,
    /// A task type forced on every prompt (the CLI's `--task`).
    pub task: Option<String>,
    /// A complexity forced on every prompt (the CLI's `--complexity`).
    pub complexity: Option<f64>,
    /// Use each prompt's `label` as its task type (an ideal classifier; the CLI's
    /// `--use-labels`).
    pub use_labels: bool,
}

impl TaskSource {
    /// Tasks from `model`, as the app runs prompt sets.
    pub fn classifier(model: Arc<Model>) -> TaskSource {
        TaskSource {
            classifier: Some(model),
            ..TaskSource::default()
        }
    }

    /// The signals of `text` (with language detection only when `language`). The task
    /// prediction comes from, in order: the forced task (with the forced complexity or the
    /// heuristic one), the prompt's `label` when labels are used, the classifier, or nothing
    /// (policies then see `task == "unknown"`). A forced complexity overrides the complexity
    /// in every case.
    pub fn signals(&self, text: &str, label: Option<&str>, language: bool) -> PromptSignals {
        let cheap = CheapSignals::compute_with_language(text, language);
        let label = if self.use_labels { label } else { None };
        let forced = self.task.as_deref().or(label);
        let mut task = match (forced, &self.classifier) {
            (Some(t), _) => Some(TaskPrediction {
                label: t.to_string(),
                scores: [(t.to_string(), 1.0)].into_iter().collect(),
                complexity: heuristic_complexity(&cheap),
            }),
            (None, Some(m)) => Some(m.predict(text)),
            (None, None) => None,
        };
        if let Some(c) = self.complexity {
            match &mut task {
                Some(t) => t.complexity = c,
                None => {
                    task = Some(TaskPrediction {
                        label: "unknown".into(),
                        scores: BTreeMap::new(),
                        complexity: c,
                    })
                }
            }
        }
        PromptSignals { cheap, task }
    }
}

/// Everything about a run that is not the prompts, the policies or the catalog.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    /// Set-wide request metadata: every prompt sees these keys, and a prompt's own `metadata`
    /// overrides them key by key.
    pub metadata: Metadata,
    /// Where task predictions come from.
    pub tasks: TaskSource,
}

/// Whether `policy`'s conditions may read the prompt's language. When no policy of a run
/// does, the run skips language detection, the costliest cheap signal.
/// The compiled policy says so ([`Policy::reads`]), from its parsed conditions: a comment or a
/// string that mentions `language` does not count.
pub fn reads_language(policy: &Policy) -> bool {
    policy.reads("language")
}

/// The facts of one prompt of a set: set-wide metadata merged with the prompt's own (the
/// prompt's keys win), signals with or without language detection. A record holding a
/// conversation gets the conversation's facts (see [`crate::conversation::signals`]): its
/// text is the last user message, and the conversation variables describe the whole request.
pub fn prompt_facts(record: &PromptRecord, config: &RunConfig, language: bool) -> Facts {
    record_facts(record, config, language).0
}

/// [`prompt_facts`] with the conversation's signals, for a record holding a conversation
/// (`None` for a plain prompt).
pub fn record_facts(
    record: &PromptRecord,
    config: &RunConfig,
    language: bool,
) -> (Facts, Option<ConversationSignals>) {
    let signals = config
        .tasks
        .signals(&record.text, record.label.as_deref(), language);
    let merged;
    let meta = if record.metadata.is_empty() {
        &config.metadata
    } else {
        let mut m = config.metadata.clone();
        m.extend(record.metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
        merged = m;
        &merged
    };
    match &record.conversation {
        None => (Facts::new(&record.text, &signals, meta), None),
        Some(conv) => {
            let cs = conversation_signals(conv, &signals, record.label.as_deref(), &config.tasks);
            (
                cs.to_facts(conversation_key(conv), &signals, meta),
                Some(cs),
            )
        }
    }
}

/// The signals of a conversation whose last user message has `signals`: the whole
/// conversation's task comes from the same [`TaskSource`] as the turn's (a forced task or a
/// label applies to both).
pub fn conversation_signals(
    conv: &Conversation,
    signals: &PromptSignals,
    label: Option<&str>,
    tasks: &TaskSource,
) -> ConversationSignals {
    ConversationSignals::compute(conv, signals.task.as_ref(), |text| {
        tasks.signals(text, label, false).task
    })
}

/// How far a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Prompts done.
    pub done: usize,
    /// Prompts in the set.
    pub total: usize,
}

/// Which prompts a table or an export shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFilter {
    /// Every prompt done.
    All,
    /// The prompts whose model differs between policy `a` and policy `b` (indices into the
    /// run's policies).
    Changed {
        /// Policy A.
        a: usize,
        /// Policy B.
        b: usize,
    },
}

/// A prompt set under several policies, run in steps.
pub struct Runner {
    set: Arc<ParsedSet>,
    config: RunConfig,
    language: bool,
    sim: Simulation,
    next: usize,
}

impl Runner {
    /// Prepares a run of `policies` over `set`. Nothing is decided until [`Runner::step`].
    pub fn new(
        set: Arc<ParsedSet>,
        policies: Vec<Policy>,
        catalog: Catalog,
        config: RunConfig,
    ) -> Runner {
        let language = policies.iter().any(reads_language);
        Runner {
            set,
            config,
            language,
            sim: Simulation::new(policies, catalog),
            next: 0,
        }
    }

    /// Decides the next `n` prompts (fewer at the end) under every policy.
    pub fn step(&mut self, n: usize) -> Progress {
        let end = self.next.saturating_add(n).min(self.set.prompts.len());
        while self.next < end {
            let (_, r) = &self.set.prompts[self.next];
            let facts = prompt_facts(r, &self.config, self.language);
            let id = r.id.as_deref().unwrap_or("");
            self.sim.add(id, &facts, r.outcomes.as_ref());
            self.next += 1;
        }
        self.progress()
    }

    /// Decides every prompt left.
    pub fn run_to_end(&mut self) -> Progress {
        self.step(usize::MAX)
    }

    /// How far the run is.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.next,
            total: self.set.prompts.len(),
        }
    }

    /// Whether every prompt is decided.
    pub fn is_done(&self) -> bool {
        self.next >= self.set.prompts.len()
    }

    /// Whether this run detects languages (some policy may read them).
    pub fn detects_language(&self) -> bool {
        self.language
    }

    /// The prompt set.
    pub fn set(&self) -> &ParsedSet {
        &self.set
    }

    /// The run's configuration.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// Prompt number `i` of the set.
    pub fn prompt(&self, i: usize) -> Option<&PromptRecord> {
        self.set.prompts.get(i).map(|(_, r)| r)
    }

    /// The simulation so far (decisions, per-prompt picks, flows).
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The summary over the prompts done.
    pub fn report(&self) -> SimulationReport {
        self.sim.report()
    }

    /// The difference between policy `a` and policy `b` over the prompts done.
    pub fn diff(&self, a: usize, b: usize) -> Option<PolicyDiff> {
        self.sim.diff(a, b)
    }

    /// [`Runner::diff`] without the per-prompt changes (see [`Simulation::diff_totals`]).
    pub fn diff_totals(&self, a: usize, b: usize) -> Option<PolicyDiff> {
        self.sim.diff_totals(a, b)
    }

    /// Prompts (task type) → model flow of policy `p`.
    pub fn flow(&self, p: usize) -> Option<Flow> {
        self.sim.flow(p)
    }

    /// The indices of the prompts done that `filter` keeps, in set order. An out-of-range
    /// policy index keeps nothing.
    pub fn rows(&self, filter: RowFilter) -> Vec<usize> {
        match filter {
            RowFilter::All => (0..self.sim.len()).collect(),
            RowFilter::Changed { a, b } => self.sim.changed(a, b),
        }
    }

    /// The export of `rows` (see [`super::export`] for the schema).
    pub fn export(&self, rows: &[usize], format: ExportFormat) -> String {
        self.export_lines(rows, format).collect()
    }

    /// The export of `rows` line by line, each ending in `\n` (CSV starts with its header),
    /// for writers that stream.
    pub fn export_lines<'a>(
        &'a self,
        rows: &'a [usize],
        format: ExportFormat,
    ) -> impl Iterator<Item = String> + 'a {
        export::header(&self.sim, format).into_iter().chain(
            rows.iter()
                .filter_map(move |&i| export::row(&self.sim, self.prompt(i)?, i, format)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipped::{CATALOG, CLASSIFIER, PRESETS, SAMPLES};
    use crate::simulate::input::{read_prompt_set, ReadOptions};

    fn policies(catalog: &Catalog) -> Vec<Policy> {
        PRESETS
            .iter()
            .map(|(_, s)| Policy::load(s, catalog).unwrap().0)
            .collect()
    }

    fn runner(text: &str, config: RunConfig, policies: Vec<Policy>) -> Runner {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let set = Arc::new(read_prompt_set(text, &ReadOptions::default()).unwrap());
        Runner::new(set, policies, catalog, config)
    }

    #[test]
    fn stepping_in_chunks_gives_the_same_results_as_one_go() {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let model = Arc::new(Model::from_bytes(CLASSIFIER).unwrap());
        let config = RunConfig {
            metadata: [("tier".to_string(), serde_json::json!("free"))]
                .into_iter()
                .collect(),
            tasks: TaskSource::classifier(model),
        };
        let mut whole = runner(SAMPLES, config.clone(), policies(&catalog));
        let p = whole.run_to_end();
        assert_eq!(p.done, p.total);
        assert!(p.total >= 200);
        let mut chunked = runner(SAMPLES, config, policies(&catalog));
        let mut steps = 0;
        while !chunked.is_done() {
            let before = chunked.progress().done;
            let after = chunked.step(7).done;
            assert!(after > before && after - before <= 7);
            steps += 1;
        }
        assert_eq!(steps, p.total.div_ceil(7));
        assert_eq!(chunked.report(), whole.report());
        let all = whole.rows(RowFilter::All);
        assert_eq!(all.len(), p.total);
        for f in [ExportFormat::Jsonl, ExportFormat::Csv] {
            assert_eq!(chunked.export(&all, f), whole.export(&all, f));
        }
        let changed = whole.rows(RowFilter::Changed { a: 0, b: 4 });
        assert_eq!(changed, chunked.rows(RowFilter::Changed { a: 0, b: 4 }));
        let d = whole.diff(0, 4).unwrap();
        assert_eq!(changed.len(), d.changed);
        assert!(!changed.is_empty() && changed.len() < p.total);
        // A policy index past the last one changes nothing.
        assert!(whole.rows(RowFilter::Changed { a: 0, b: 99 }).is_empty());
        // The JSONL export of the changed rows has one line per change, in set order.
        let jsonl = whole.export(&changed, ExportFormat::Jsonl);
        let ids: Vec<String> = jsonl
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let want: Vec<String> = d.changes.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids, want);
    }

    #[test]
    fn diff_totals_and_flow_are_the_diff_and_flow_counted_the_long_way() {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let model = Arc::new(Model::from_bytes(CLASSIFIER).unwrap());
        let config = RunConfig {
            tasks: TaskSource::classifier(model),
            ..RunConfig::default()
        };
        let mut run = runner(SAMPLES, config, policies(&catalog));
        run.run_to_end();
        let n = run.simulation().policies().len();
        let mut some_changed = false;
        for a in 0..n {
            for b in 0..n {
                let mut full = run.diff(a, b).unwrap();
                let totals = run.diff_totals(a, b).unwrap();
                assert!(totals.changes.is_empty());
                assert_eq!(totals.changed, full.changes.len());
                // The transitions counted the long way, from every changed prompt's pair.
                let mut counted: std::collections::BTreeMap<(String, String), usize> =
                    Default::default();
                for c in &full.changes {
                    let name = |m: &Option<String>| m.clone().unwrap_or_else(|| "(none)".into());
                    *counted
                        .entry((name(&c.from_model), name(&c.to_model)))
                        .or_default() += 1;
                }
                let listed: std::collections::BTreeMap<(String, String), usize> = totals
                    .transitions
                    .iter()
                    .map(|t| ((t.from.clone(), t.to.clone()), t.count))
                    .collect();
                assert_eq!(listed, counted, "policies {a} and {b}");
                some_changed |= totals.changed > 0 && !totals.transitions.is_empty();
                full.changes.clear();
                assert_eq!(totals, full, "policies {a} and {b}");
            }
        }
        assert!(some_changed);
        assert!(run.diff_totals(0, n).is_none());
        // The flow counted by (task, model) is the flow of every prompt's pair.
        let sim = run.simulation();
        for p in 0..n {
            let names: Vec<(String, String)> = (0..sim.len())
                .map(|i| {
                    let model = sim
                        .pick(i, p)
                        .map(|m| sim.catalog().models[m].id.clone())
                        .unwrap_or_else(|| "(unrouted)".into());
                    (sim.task(i).unwrap().to_string(), model)
                })
                .collect();
            let naive = super::super::flow(names.iter().map(|(a, b)| (a.as_str(), b.as_str())));
            assert_eq!(run.flow(p).unwrap(), naive, "policy {p}");
        }
    }

    #[test]
    fn set_wide_metadata_reaches_every_prompt_and_a_prompts_own_wins() {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let policy = Policy::load(
            "[metadata]\ntier = \"free\"\n\n[[rule]]\nname = \"pro\"\nwhen = 'meta.tier == \"pro\"'\nmodel = \"claude-opus-5\"\n\n[default]\nmodel = \"gpt-5-mini\"\n",
            &catalog,
        )
        .unwrap()
        .0;
        let text = "{\"id\": \"a\", \"text\": \"hello\"}\n{\"id\": \"b\", \"text\": \"hello\", \"metadata\": {\"tier\": \"free\"}}\n";
        let mut r = runner(
            text,
            RunConfig {
                metadata: [("tier".to_string(), serde_json::json!("pro"))]
                    .into_iter()
                    .collect(),
                tasks: TaskSource::default(),
            },
            vec![policy.clone()],
        );
        r.run_to_end();
        let sim = r.simulation();
        assert_eq!(
            sim.decisions(0).unwrap().choices[0].model.as_deref(),
            Some("claude-opus-5")
        );
        assert_eq!(
            sim.decisions(1).unwrap().choices[0].model.as_deref(),
            Some("gpt-5-mini")
        );
        let mut plain = runner(text, RunConfig::default(), vec![policy]);
        plain.run_to_end();
        assert_eq!(
            plain.simulation().decisions(0).unwrap().choices[0]
                .model
                .as_deref(),
            Some("gpt-5-mini")
        );
    }

    #[test]
    fn language_is_detected_only_when_a_policy_may_read_it() {
        let catalog = Catalog::from_json(CATALOG).unwrap();
        let reads = Policy::load(
            "[[rule]]\nname = \"fr\"\nwhen = 'language == \"fra\"'\nmodel = \"mistral-large-3\"\n\n[default]\nmodel = \"gpt-5-mini\"\n",
            &catalog,
        )
        .unwrap()
        .0;
        let blind = Policy::load("[default]\nmodel = \"gpt-5-mini\"\n", &catalog)
            .unwrap()
            .0;
        assert!(reads_language(&reads));
        assert!(!reads_language(&blind));
        // From the conditions, not the source text.
        let mentions = Policy::load(
            "# routes by language? no.\n[[rule]]\nname = \"language\"\nwhen = 'task == \"language\"'\nmodel = \"claude-opus-5\"\n\n[default]\nmodel = \"gpt-5-mini\"\n",
            &catalog,
        )
        .unwrap()
        .0;
        assert!(!reads_language(&mentions));
        let text = "Bonjour, pouvez-vous m'aider à écrire une lettre de motivation pour un poste d'ingénieur ?\n";
        let mut r = runner(
            text,
            RunConfig::default(),
            vec![blind.clone(), reads.clone()],
        );
        assert!(r.detects_language());
        r.run_to_end();
        assert_eq!(
            r.simulation().decisions(0).unwrap().choices[1]
                .rule
                .as_deref(),
            Some("fr")
        );
        let r = runner(text, RunConfig::default(), vec![blind]);
        assert!(!r.detects_language());
    }

    #[test]
    fn task_sources_forced_labels_classifier_and_none() {
        let model = Arc::new(Model::from_bytes(CLASSIFIER).unwrap());
        let text = "write a python function that reverses a list";
        let none = TaskSource::default().signals(text, Some("chat"), false);
        assert!(none.task.is_none());
        let labels = TaskSource {
            use_labels: true,
            ..TaskSource::default()
        };
        assert_eq!(
            labels
                .signals(text, Some("chat"), false)
                .task
                .unwrap()
                .label,
            "chat"
        );
        let forced = TaskSource {
            task: Some("planning".into()),
            complexity: Some(0.9),
            use_labels: true,
            classifier: Some(model.clone()),
        };
        let t = forced.signals(text, Some("chat"), false).task.unwrap();
        assert_eq!((t.label.as_str(), t.complexity), ("planning", 0.9));
        let classified = TaskSource::classifier(model).signals(text, Some("chat"), false);
        assert_eq!(classified.task.unwrap().label, "code");
        let only_complexity = TaskSource {
            complexity: Some(0.2),
            ..TaskSource::default()
        };
        let t = only_complexity.signals(text, None, false).task.unwrap();
        assert_eq!((t.label.as_str(), t.complexity), ("unknown", 0.2));
    }
}
