//! Shared by the policy subcommands (`check`, `route`, `simulate`, `diff`, `test`): loading the
//! catalog, the policies and the classifier, and printing diagnostics.

use routeplay_core::catalog::{Catalog, TASK_TYPES};
use routeplay_core::policy::{Diagnostic, Policy};
use routeplay_core::simulate::TaskSource;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Loads and checks a policy; on errors prints them and returns `Ok(None)`. `labels`: the task
/// labels of the classifier in use (a `--model` trained on a company's own taxonomy), which
/// `task == "..."` and `scores["..."]` are checked against; `None` = the shipped labels.
pub fn load_policy(
    spec: &str,
    catalog: &Catalog,
    labels: Option<&[String]>,
) -> Result<Option<Policy>, String> {
    let src = read_policy(spec)?;
    match Policy::load_with_labels(&src.text, catalog, labels) {
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

/// Loads several policies; `Ok(None)` when any has errors (already printed). `labels` as in
/// [`load_policy`].
pub fn load_policies(
    specs: &[String],
    catalog: &Catalog,
    labels: Option<&[String]>,
) -> Result<Option<Vec<Policy>>, String> {
    let mut out = Vec::new();
    let mut bad = false;
    for s in specs {
        match load_policy(s, catalog, labels)? {
            Some(p) => out.push(p),
            None => bad = true,
        }
    }
    Ok(if bad { None } else { Some(out) })
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

/// The task labels policies are checked against when `tasks` uses a classifier with its own
/// labels (`--model` trained on another label set); `None` = the shipped task types.
pub fn task_labels(tasks: &TaskSource) -> Option<&[String]> {
    tasks
        .classifier
        .as_ref()
        .and_then(|m| custom_labels(m.labels()))
}

/// `labels`, unless they are the shipped task types (then `None`: the usual diagnostics).
pub fn custom_labels(labels: &[String]) -> Option<&[String]> {
    let shipped =
        labels.len() == TASK_TYPES.len() && labels.iter().all(|l| TASK_TYPES.contains(&l.as_str()));
    (!shipped).then_some(labels)
}

impl ClassifierArgs {
    /// Where task predictions come from: loads the classifier (unless disabled or a task is
    /// forced). With `use_labels`, each prompt's `label` stands in for the classifier.
    pub fn source(&self, use_labels: bool) -> Result<TaskSource, String> {
        let classifier = if self.no_classifier || self.task.is_some() {
            None
        } else {
            Some(Arc::new(crate::commands::classify::load_model(
                self.model.as_deref(),
            )?))
        };
        Ok(TaskSource {
            classifier,
            task: self.task.clone(),
            complexity: self.complexity,
            use_labels,
        })
    }
}
