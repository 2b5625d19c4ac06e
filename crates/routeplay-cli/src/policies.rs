//! Shared by the policy subcommands (`check`, `route`, `simulate`, `diff`, `test`): loading the
//! catalog and policies, building prompt signals, and printing.

use routeplay_core::catalog::Catalog;
use routeplay_core::policy::{Diagnostic, Metadata, Policy};
use routeplay_core::signals::{CheapSignals, PromptSignals, TaskPrediction};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use routeplay_core::shipped::{CATALOG as SHIPPED_CATALOG, PRESETS};

/// Options every policy subcommand shares.
#[derive(clap::Args, Debug, Clone)]
pub struct CatalogArg {
    /// Model catalog (JSON) to use instead of the shipped one.
    #[arg(long, value_name = "PATH")]
    pub catalog: Option<PathBuf>,
}

/// Loads `path`, or the shipped catalog.
pub fn load_catalog(path: Option<&Path>) -> Result<Catalog, String> {
    match path {
        None => Catalog::from_json(SHIPPED_CATALOG).map_err(|e| format!("shipped catalog: {e}")),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read catalog {}: {e}", p.display()))?;
            Catalog::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))
        }
    }
}

/// A policy's file name (or preset name) and text.
pub struct PolicySource {
    /// What to call it in messages.
    pub name: String,
    /// The TOML text.
    pub text: String,
}

/// Reads a policy file, or a preset by name when no such file exists.
pub fn read_policy(spec: &str) -> Result<PolicySource, String> {
    let path = Path::new(spec);
    if path.exists() {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {spec}: {e}"))?;
        return Ok(PolicySource {
            name: spec.to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    let bare = spec.trim_end_matches(".toml");
    match PRESETS.iter().find(|(n, _)| *n == bare) {
        Some((n, text)) => Ok(PolicySource {
            name: format!("{n} (preset)"),
            text: text.to_string(),
        }),
        None => Err(format!(
            "cannot read {spec}: no such file, and no preset of that name (presets: {})",
            PRESETS.map(|p| p.0).join(", ")
        )),
    }
}

/// Prints diagnostics to standard error, compiler style.
pub fn print_diagnostics(src: &PolicySource, diags: &[Diagnostic]) {
    for d in diags {
        eprint!("{}", d.render(&src.name, &src.text));
    }
}

/// Loads and checks a policy; on errors prints them and returns `Ok(None)`.
pub fn load_policy(spec: &str, catalog: &Catalog) -> Result<Option<Policy>, String> {
    let src = read_policy(spec)?;
    match Policy::load(&src.text, catalog) {
        Ok((p, warnings)) => {
            print_diagnostics(&src, &warnings);
            Ok(Some(p))
        }
        Err(diags) => {
            print_diagnostics(&src, &diags);
            Ok(None)
        }
    }
}

/// Loads several policies; `Ok(None)` when any has errors (already printed).
pub fn load_policies(specs: &[String], catalog: &Catalog) -> Result<Option<Vec<Policy>>, String> {
    let mut out = Vec::new();
    let mut bad = false;
    for s in specs {
        match load_policy(s, catalog)? {
            Some(p) => out.push(p),
            None => bad = true,
        }
    }
    Ok(if bad { None } else { Some(out) })
}

/// Parses `--meta KEY=VALUE` items; a VALUE that is valid JSON (a number, `true`, a quoted
/// string, a list) is taken as JSON, anything else as a plain string.
pub fn parse_meta(items: &[String]) -> Result<Metadata, String> {
    let mut m = BTreeMap::new();
    for it in items {
        let Some((k, v)) = it.split_once('=') else {
            return Err(format!("--meta {it}: expected KEY=VALUE"));
        };
        let value =
            serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.to_string()));
        m.insert(k.trim().to_string(), value);
    }
    Ok(m)
}

/// Where the task prediction of a prompt comes from.
pub struct TaskSource {
    /// Task label forced on every prompt (`--task`).
    pub task: Option<String>,
    /// Complexity forced on every prompt (`--complexity`).
    pub complexity: Option<f64>,
    /// The classifier, unless `--no-classifier`.
    pub classifier: Option<routeplay_core::classifier::Model>,
}

/// Classifier options shared by `route`, `simulate` and `diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct ClassifierArgs {
    /// Task type to assume (code, planning, chat, ...) instead of the classifier's.
    #[arg(long)]
    pub task: Option<String>,
    /// Complexity to assume, 0..1, instead of the classifier's.
    #[arg(long)]
    pub complexity: Option<f64>,
    /// Classifier model file to use instead of the shipped one.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Route on cheap signals only: policies see task "unknown" and a heuristic complexity.
    #[arg(long, conflicts_with = "model")]
    pub no_classifier: bool,
}

impl ClassifierArgs {
    /// Loads the classifier (unless disabled or a task is forced).
    pub fn source(&self) -> Result<TaskSource, String> {
        let classifier = if self.no_classifier || self.task.is_some() {
            None
        } else {
            Some(super::classify::load_model(self.model.as_deref())?)
        };
        Ok(TaskSource {
            task: self.task.clone(),
            complexity: self.complexity,
            classifier,
        })
    }
}

impl TaskSource {
    /// The signals of `text`. The task prediction comes from, in order: `--task` (with
    /// `--complexity` or the heuristic complexity), the prompt's `label` when given (ideal
    /// classifier), the classifier, or nothing (policies then see `task == "unknown"`).
    /// `--complexity` overrides the complexity in every case.
    pub fn signals(&self, text: &str, label: Option<&str>) -> PromptSignals {
        let cheap = CheapSignals::compute(text);
        let forced = self.task.as_deref().or(label);
        let mut task = match (forced, &self.classifier) {
            (Some(t), _) => Some(TaskPrediction {
                label: t.to_string(),
                scores: [(t.to_string(), 1.0)].into_iter().collect(),
                complexity: routeplay_core::policy::heuristic_complexity(&cheap),
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

/// Formats USD compactly.
pub fn usd(x: f64) -> String {
    if x == 0.0 {
        "$0".into()
    } else if x.abs() < 0.01 {
        format!("${x:.5}")
    } else {
        format!("${x:.4}")
    }
}

/// Formats milliseconds as seconds.
pub fn secs(ms: f64) -> String {
    format!("{:.2} s", ms / 1000.0)
}

/// One prompt ready to simulate.
pub struct LoadedPrompt {
    /// Prompt id (from the file, or `line-N`).
    pub id: String,
    /// Its facts.
    pub facts: routeplay_core::policy::Facts,
    /// Per-model outcomes, when the file has them.
    pub outcomes: Option<BTreeMap<String, f64>>,
}

/// Reads a JSONL prompt set. Bad lines are printed to standard error with their line numbers
/// and counted; the rest are returned. With `use_labels`, each prompt's `label` is used as its
/// task (an ideal classifier), unless `--task` forces one.
pub fn load_prompts(
    path: &Path,
    source: &TaskSource,
    use_labels: bool,
) -> Result<(Vec<LoadedPrompt>, usize), String> {
    let bytes = crate::input::read_bytes(Some(path))?;
    let text = String::from_utf8_lossy(&bytes);
    let (ok, bad) = routeplay_core::simulate::parse_prompts_jsonl(&text);
    for b in &bad {
        eprintln!("{}:{}: skipped: {}", path.display(), b.line, b.message);
    }
    let prompts = ok
        .into_iter()
        .map(|(_, r)| {
            let label = if use_labels { r.label.as_deref() } else { None };
            let signals = source.signals(&r.text, label);
            LoadedPrompt {
                id: r.id.unwrap_or_default(),
                facts: routeplay_core::policy::Facts::new(&r.text, &signals, &r.metadata),
                outcomes: r.outcomes,
            }
        })
        .collect();
    Ok((prompts, bad.len()))
}
