//! Running a whole prompt set under policies, shared by `simulate` and `diff`: their common
//! options, the policies, the set and the task source loaded from them, the core's [`Runner`]
//! run to the end.

use crate::input::{load_set, MetaArgs, SetArgs};
use crate::policies::{load_catalog, load_policies, task_labels, CatalogArg, ClassifierArgs};
use crate::Failure;
use routeplay_core::simulate::{RunConfig, Runner};
use std::path::PathBuf;
use std::sync::Arc;

/// The options `simulate` and `diff` share after their policies.
#[derive(clap::Args)]
pub struct SetRunArgs {
    /// Prompt set: JSONL ({"text", "id"?, "label"?, "metadata"?, "outcomes"?}), CSV with a
    /// text column, or one prompt per line; `-` for standard input.
    prompts: PathBuf,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    meta: MetaArgs,
    /// Use each prompt's `label` as its task type (an ideal classifier).
    #[arg(long)]
    use_labels: bool,
    #[command(flatten)]
    classifier: ClassifierArgs,
    #[command(flatten)]
    catalog: CatalogArg,
}

impl SetRunArgs {
    /// Loads everything and runs the set under `policies` to the end: the runner and the number
    /// of bad input lines (already printed), or `None` when a policy has errors (already
    /// printed).
    pub fn run(&self, policies: &[String]) -> Result<Option<(Runner, usize)>, Failure> {
        let metadata = self.meta.metadata()?;
        let catalog = load_catalog(self.catalog.catalog.as_deref())?;
        let tasks = self.classifier.source(self.use_labels)?;
        let Some(policies) = load_policies(policies, &catalog, task_labels(&tasks))? else {
            return Ok(None);
        };
        let set = load_set(Some(&self.prompts), &self.set)?;
        let bad = set.errors.len();
        let mut runner = Runner::new(
            Arc::new(set),
            policies,
            catalog,
            RunConfig { metadata, tasks },
        );
        runner.run_to_end();
        Ok(Some((runner, bad)))
    }
}
