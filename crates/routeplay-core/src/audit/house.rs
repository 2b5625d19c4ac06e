//! The house: the makers and providers whose self-preferencing an audit measures.
//!
//! A house is a set of makers (who made a model) and/or providers (who serves it): `google`
//! (Gemini, wherever it is served), `amazon,bedrock` (Amazon's models, and every model served
//! on Bedrock). A model belongs to the house when its maker or its provider is in the set.

use crate::catalog::{closest, Catalog, Model};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

/// A set of makers and/or providers whose models count as "the house's own".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct House {
    /// Makers in the house (a model made by one of them is a house model wherever it runs).
    pub makers: Vec<String>,
    /// Providers in the house (every model served by one of them is a house model).
    pub providers: Vec<String>,
}

/// Why a house could not be read (an unknown or empty name), in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseError {
    /// What went wrong, with a "did you mean" when a catalog name is close.
    pub message: String,
}

impl fmt::Display for HouseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HouseError {}

/// A ready-made house: one maker or one provider of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HousePreset {
    /// What to type or put in a link: the maker or provider name (`google`, `bedrock`).
    pub id: String,
    /// How people read it (`Google`, `AWS Bedrock`).
    pub label: String,
    /// `"maker"`, `"provider"` or `"maker and provider"`.
    pub kind: String,
    /// The house itself.
    pub house: House,
    /// How many catalog models belong to it.
    pub models: usize,
}

/// How a maker or provider name reads in a headline (`openai` → `OpenAI`); names not listed
/// here get a capital first letter.
pub fn display_name(name: &str) -> String {
    let known = match name {
        "openai" => "OpenAI",
        "xai" => "xAI",
        "deepseek" => "DeepSeek",
        "bedrock" | "aws-bedrock" => "AWS Bedrock",
        "azure" | "azure-foundry" | "azure-ai-foundry" => "Azure AI Foundry",
        "vertex" | "vertex-ai" | "google-vertex" => "Vertex AI",
        "local" => "Local",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl House {
    /// Reads a house from a comma-separated list of catalog makers and providers:
    /// `"google"`, `"amazon,bedrock"`, `"maker:google"`, `"provider:vertex"`. A bare name that
    /// is both a maker and a provider in the catalog (`google`) is both; the `maker:` /
    /// `provider:` prefixes say which one is meant. Names are compared without case and
    /// surrounding spaces. Unknown names are an error with the closest catalog name.
    pub fn parse(spec: &str, catalog: &Catalog) -> Result<House, HouseError> {
        let makers: BTreeSet<&str> = catalog.models.iter().map(|m| m.maker.as_str()).collect();
        let providers: BTreeSet<&str> =
            catalog.models.iter().map(|m| m.provider.as_str()).collect();
        let mut house = House::default();
        let mut any = false;
        for part in spec.split(',') {
            let raw = part.trim();
            if raw.is_empty() {
                continue;
            }
            any = true;
            let lower = raw.to_lowercase();
            let (only, name) = match lower.split_once(':') {
                Some(("maker", n)) => (Some(true), n.trim().to_string()),
                Some(("provider", n)) => (Some(false), n.trim().to_string()),
                Some((p, _)) => {
                    return Err(HouseError {
                        message: format!(
                            "`{raw}`: unknown prefix `{p}:` (use `maker:NAME` or `provider:NAME`, or a bare name)"
                        ),
                    })
                }
                None => (None, lower),
            };
            let is_maker = makers.contains(name.as_str()) && only != Some(false);
            let is_provider = providers.contains(name.as_str()) && only != Some(true);
            if !is_maker && !is_provider {
                let pool: Vec<&str> = match only {
                    Some(true) => makers.iter().copied().collect(),
                    Some(false) => providers.iter().copied().collect(),
                    None => makers.union(&providers).copied().collect(),
                };
                let what = match only {
                    Some(true) => "maker",
                    Some(false) => "provider",
                    None => "maker or provider",
                };
                let hint = match closest(&name, pool.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`? "),
                    None => String::new(),
                };
                return Err(HouseError {
                    message: format!(
                        "`{raw}` is not a {what} in the catalog; {hint}{what}s: {}",
                        pool.join(", ")
                    ),
                });
            }
            if is_maker && !house.makers.contains(&name) {
                house.makers.push(name.clone());
            }
            if is_provider && !house.providers.contains(&name) {
                house.providers.push(name);
            }
        }
        if !any {
            return Err(HouseError {
                message: "the house is empty: name at least one maker or provider (e.g. `google`, `amazon,bedrock`)".into(),
            });
        }
        house.makers.sort();
        house.providers.sort();
        Ok(house)
    }

    /// Whether `model` is the house's own: its maker or its provider is in the house.
    pub fn contains(&self, model: &Model) -> bool {
        self.makers.contains(&model.maker) || self.providers.contains(&model.provider)
    }

    /// Whether the catalog model `id` is the house's own (`false` for an id not in `catalog`).
    pub fn contains_id(&self, id: &str, catalog: &Catalog) -> bool {
        catalog.get(id).is_some_and(|m| self.contains(m))
    }

    /// Whether `name` is one of the house's makers.
    pub fn has_maker(&self, name: &str) -> bool {
        self.makers.iter().any(|m| m == name)
    }

    /// Whether `name` is one of the house's providers.
    pub fn has_provider(&self, name: &str) -> bool {
        self.providers.iter().any(|p| p == name)
    }

    /// Whether the house is empty (no maker, no provider).
    pub fn is_empty(&self) -> bool {
        self.makers.is_empty() && self.providers.is_empty()
    }

    /// The house as [`House::parse`] reads it back: `google`, `amazon,provider:bedrock`. A name
    /// that is both a maker and a provider of the house is written once, bare; a maker-only or
    /// provider-only name is written bare when the catalog has it in only that role, else
    /// prefixed.
    pub fn spec(&self, catalog: &Catalog) -> String {
        let mut parts = Vec::new();
        for m in &self.makers {
            let also_provider_in_catalog = catalog.models.iter().any(|x| x.provider == *m);
            if self.has_provider(m) || !also_provider_in_catalog {
                parts.push(m.clone());
            } else {
                parts.push(format!("maker:{m}"));
            }
        }
        for p in &self.providers {
            if self.has_maker(p) {
                continue;
            }
            let also_maker_in_catalog = catalog.models.iter().any(|x| x.maker == *p);
            if also_maker_in_catalog {
                parts.push(format!("provider:{p}"));
            } else {
                parts.push(p.clone());
            }
        }
        parts.join(",")
    }

    /// How the house reads in a headline: `Google`, `Amazon + AWS Bedrock`.
    pub fn label(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        for n in self.makers.iter().chain(&self.providers) {
            let d = display_name(n);
            if !names.contains(&d) {
                names.push(d);
            }
        }
        names.join(" + ")
    }

    /// One preset per maker and per provider of `catalog` (a name that is both is one preset),
    /// sorted by name, each with how many catalog models it holds.
    pub fn presets(catalog: &Catalog) -> Vec<HousePreset> {
        let makers: BTreeSet<&str> = catalog.models.iter().map(|m| m.maker.as_str()).collect();
        let providers: BTreeSet<&str> =
            catalog.models.iter().map(|m| m.provider.as_str()).collect();
        makers
            .union(&providers)
            .map(|&name| {
                let (is_m, is_p) = (makers.contains(name), providers.contains(name));
                let house = House {
                    makers: if is_m { vec![name.into()] } else { vec![] },
                    providers: if is_p { vec![name.into()] } else { vec![] },
                };
                let models = catalog.models.iter().filter(|m| house.contains(m)).count();
                HousePreset {
                    id: name.to_string(),
                    label: display_name(name),
                    kind: match (is_m, is_p) {
                        (true, true) => "maker and provider",
                        (true, false) => "maker",
                        _ => "provider",
                    }
                    .into(),
                    house,
                    models,
                }
            })
            .collect()
    }
}
