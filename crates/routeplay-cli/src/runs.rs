//! Running a whole prompt set under policies, shared by `simulate` and `diff`: the policies,
//! the set and the task source loaded from their options, the core's [`Runner`] run to the end.

use crate::input::{load_set, MetaArgs, SetArgs};
use crate::policies::{load_catalog, load_policies, CatalogArg, ClassifierArgs};
use crate::Failure;
use routeplay_core::simulate::{RunConfig, Runner};
use std::path::Path;
use std::sync::Arc;

/// What a finished run needs from the command line.
pub struct SetRun<'a> {
    /// Policy files or preset names.
    pub policies: &'a [String],
    /// The prompt set (`-` for standard input).
    pub prompts: &'a Path,
    /// Reading options.
    pub set: &'a SetArgs,
    /// Set-wide metadata.
    pub meta: &'a MetaArgs,
    /// Use each prompt's label as its task type.
    pub use_labels: bool,
    /// Classifier options.
    pub classifier: &'a ClassifierArgs,
    /// Catalog option.
    pub catalog: &'a CatalogArg,
}

impl SetRun<'_> {
    /// Loads everything and runs the set to the end: the runner and the number of bad input
    /// lines (already printed), or `None` when a policy has errors (already printed).
    pub fn run(&self) -> Result<Option<(Runner, usize)>, Failure> {
        let metadata = self.meta.metadata()?;
        let catalog = load_catalog(self.catalog.catalog.as_deref())?;
        let Some(policies) = load_policies(self.policies, &catalog)? else {
            return Ok(None);
        };
        let tasks = self.classifier.source(self.use_labels)?;
        let set = load_set(Some(self.prompts), self.set)?;
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
