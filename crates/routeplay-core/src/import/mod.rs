//! Import the configs gateways run today (Portkey configs, LiteLLM router configs) as Routeplay
//! policies, with a report per rule, so an author can compare what runs in production with a
//! proposal side by side. The result is policy TOML text, checked by [`Policy::load`].

mod litellm;
mod portkey;
pub mod yaml;

use crate::catalog::Catalog;
use crate::export::Fidelity;
use crate::policy::Policy;
use serde::Serialize;
use std::fmt::Write;

/// A source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A Portkey gateway config (JSON).
    Portkey,
    /// A LiteLLM router / proxy config (YAML or JSON).
    Litellm,
}

impl Source {
    /// Parses a CLI name.
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "portkey" => Some(Source::Portkey),
            "litellm" => Some(Source::Litellm),
            _ => None,
        }
    }
}

/// One imported rule's line in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedRule {
    /// The rule's name in the policy.
    pub rule: String,
    /// Where it came from in the config.
    pub from: String,
    /// How faithful.
    pub fidelity: Fidelity,
}

/// An imported policy and its report.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The policy (TOML).
    pub policy: String,
    /// One line per rule.
    pub rules: Vec<ImportedRule>,
    /// General remarks.
    pub notes: Vec<String>,
}

impl Imported {
    /// The human report.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for r in &self.rules {
            let _ = writeln!(
                s,
                "  {:<11} {} (from {})",
                r.fidelity.kind(),
                r.rule,
                r.from
            );
            match &r.fidelity {
                Fidelity::Approximate(how) => {
                    for h in how {
                        let _ = writeln!(s, "              how: {h}");
                    }
                }
                Fidelity::Dropped(why) => {
                    let _ = writeln!(s, "              why: {why}");
                }
                Fidelity::Exact => {}
            }
        }
        for n in &self.notes {
            let _ = writeln!(s, "  * {n}");
        }
        s
    }
}

/// Imports `text` (a config in `source`'s format) into a policy named `name`.
pub fn import(
    source: Source,
    text: &str,
    name: &str,
    catalog: &Catalog,
) -> Result<Imported, String> {
    let imported = match source {
        Source::Portkey => portkey::import(text, name, catalog)?,
        Source::Litellm => litellm::import(text, name, catalog)?,
    };
    // The output must be a valid policy for this catalog: say so clearly if not.
    if let Err(diags) = Policy::load(&imported.policy, catalog) {
        let msgs: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.render("imported policy", &imported.policy))
            .collect();
        return Err(format!(
            "the imported policy does not check:\n{}",
            msgs.join("")
        ));
    }
    Ok(imported)
}

/// A catalog id for a provider's model name: the id itself, or the model whose `api_model`
/// it is, or the id after a `provider/` prefix.
pub(crate) fn model_id(catalog: &Catalog, name: &str) -> Option<String> {
    if catalog.get(name).is_some() {
        return Some(name.to_string());
    }
    if let Some(m) = catalog
        .models
        .iter()
        .find(|m| m.api_model.as_deref() == Some(name))
    {
        return Some(m.id.clone());
    }
    let bare = name.split_once('/').map(|(_, b)| b)?;
    model_id(catalog, bare)
}

#[cfg(test)]
mod tests;
