//! The Audit view's inputs — the house, the audited policy, the reference policy — and how they
//! travel: to and from share links and embed options ([`AuditShare`]), resolved against the
//! catalog (which names are makers, which are providers), with the house presets the picker
//! offers. Plain data, tested natively; the audit itself is computed by the core.

use crate::state::share::AuditShare;
use routeplay_core::catalog::Catalog;
use std::collections::BTreeSet;

/// The policy audited when nothing else is asked for.
pub const DEFAULT_POLICY: &str = "house-first";
/// The reference policy when nothing else is asked for.
pub const DEFAULT_REFERENCE: &str = "balanced";
/// The house when nothing else is asked for (the `house-first` preset's house).
pub const DEFAULT_HOUSE: &str = "google";

/// One member of a house: every model this maker makes, or every model this provider serves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Member {
    /// A maker (`google`): its models wherever they are served.
    Maker(String),
    /// A provider (`bedrock`): every model it serves, whoever made it.
    Provider(String),
}

impl Member {
    /// The name without its kind.
    pub fn name(&self) -> &str {
        match self {
            Member::Maker(n) | Member::Provider(n) => n,
        }
    }
}

/// A house as the user picked it: makers and providers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct House {
    /// Makers whose models count as the house's.
    pub makers: BTreeSet<String>,
    /// Providers whose served models count as the house's.
    pub providers: BTreeSet<String>,
}

impl House {
    /// A house of one member.
    pub fn of(m: Member) -> House {
        let mut h = House::default();
        h.add(m);
        h
    }
    /// Adds a member.
    pub fn add(&mut self, m: Member) {
        match m {
            Member::Maker(n) => self.makers.insert(n),
            Member::Provider(n) => self.providers.insert(n),
        };
    }
    /// Removes a member.
    pub fn remove(&mut self, m: &Member) {
        match m {
            Member::Maker(n) => self.makers.remove(n),
            Member::Provider(n) => self.providers.remove(n),
        };
    }
    /// Whether `m` is in the house.
    pub fn has(&self, m: &Member) -> bool {
        match m {
            Member::Maker(n) => self.makers.contains(n),
            Member::Provider(n) => self.providers.contains(n),
        }
    }
    /// No member.
    pub fn is_empty(&self) -> bool {
        self.makers.is_empty() && self.providers.is_empty()
    }
    /// Whether a model of `maker` served by `provider` is the house's.
    pub fn owns(&self, maker: &str, provider: &str) -> bool {
        self.makers.contains(maker) || self.providers.contains(provider)
    }
    /// The house's name for sentences: "Google", "Amazon and AWS Bedrock".
    pub fn label(&self) -> String {
        let names: Vec<String> = self
            .makers
            .iter()
            .map(|m| display_name(m))
            .chain(self.providers.iter().map(|p| display_name(p)))
            .collect();
        match names.len() {
            0 => "no house".into(),
            1 => names[0].clone(),
            n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        }
    }
    /// The names a link or an embed option carries: makers bare, providers bare unless a maker
    /// has the same name (then `provider:NAME`).
    pub fn to_names(&self, catalog: &Catalog) -> Vec<String> {
        let makers = makers(catalog);
        self.makers
            .iter()
            .cloned()
            .chain(self.providers.iter().map(|p| {
                if makers.contains(p) || self.makers.contains(p) {
                    format!("provider:{p}")
                } else {
                    p.clone()
                }
            }))
            .collect()
    }
    /// Reads the names of a link or an embed option: `maker:NAME`, `provider:NAME`, or a bare
    /// name — a maker when the catalog has that maker, else a provider it has. Names the
    /// catalog does not know are returned as errors (one sentence each); the rest still apply.
    pub fn from_names(names: &[String], catalog: &Catalog) -> (House, Vec<String>) {
        let makers = makers(catalog);
        let providers = providers(catalog);
        let mut h = House::default();
        let mut errors = Vec::new();
        for raw in names {
            let name = raw.trim().to_ascii_lowercase();
            let member = if let Some(m) = name.strip_prefix("maker:") {
                makers.contains(m).then(|| Member::Maker(m.to_string()))
            } else if let Some(p) = name.strip_prefix("provider:") {
                providers
                    .contains(p)
                    .then(|| Member::Provider(p.to_string()))
            } else if makers.contains(&name) {
                Some(Member::Maker(name.clone()))
            } else if providers.contains(&name) {
                Some(Member::Provider(name.clone()))
            } else {
                None
            };
            match member {
                Some(m) => h.add(m),
                None => errors.push(format!(
                    "The house names “{name}”, which is no maker or provider in the catalog; it was left out."
                )),
            }
        }
        (h, errors)
    }
}

/// The makers in the catalog, sorted.
pub fn makers(catalog: &Catalog) -> BTreeSet<String> {
    catalog.models.iter().map(|m| m.maker.clone()).collect()
}

/// The providers in the catalog, sorted.
pub fn providers(catalog: &Catalog) -> BTreeSet<String> {
    catalog.models.iter().map(|m| m.provider.clone()).collect()
}

/// A maker's or provider's name as people write it.
pub fn display_name(id: &str) -> String {
    let known = match id {
        "openai" => "OpenAI",
        "anthropic" => "Anthropic",
        "google" => "Google",
        "mistral" => "Mistral",
        "groq" => "Groq",
        "deepseek" => "DeepSeek",
        "xai" => "xAI",
        "meta" => "Meta",
        "alibaba" => "Alibaba",
        "amazon" => "Amazon",
        "microsoft" => "Microsoft",
        "bedrock" | "aws-bedrock" => "AWS Bedrock",
        "azure" | "azure-foundry" | "azure-ai-foundry" => "Azure AI Foundry",
        "vertex" | "vertex-ai" | "google-vertex" => "Google Vertex AI",
        "local" => "local servers",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let mut c = id.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One choice of the house picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HousePreset {
    /// What the picker shows ("Google (maker)", "AWS Bedrock (platform)").
    pub label: String,
    /// The house it sets.
    pub house: House,
    /// The number of catalog models in the house.
    pub models: usize,
}

/// The picker's presets: every maker, then every platform — a provider that serves models of
/// more than one maker (its whole catalog is its house; pair it with the maker itself for a
/// platform's own models, e.g. Amazon on Bedrock).
pub fn presets(catalog: &Catalog) -> Vec<HousePreset> {
    let count = |h: &House| {
        catalog
            .models
            .iter()
            .filter(|m| h.owns(&m.maker, &m.provider))
            .count()
    };
    let mut out: Vec<HousePreset> = makers(catalog)
        .into_iter()
        .map(|m| {
            let house = House::of(Member::Maker(m.clone()));
            HousePreset {
                label: format!("{} (maker)", display_name(&m)),
                models: count(&house),
                house,
            }
        })
        .collect();
    for p in providers(catalog) {
        let served_makers: BTreeSet<&str> = catalog
            .models
            .iter()
            .filter(|m| m.provider == p)
            .map(|m| m.maker.as_str())
            .collect();
        if served_makers.len() > 1 {
            let house = House::of(Member::Provider(p.clone()));
            out.push(HousePreset {
                label: format!("{} (platform: every model it serves)", display_name(&p)),
                models: count(&house),
                house,
            });
        }
    }
    out
}

/// The Audit view's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditInputs {
    /// The house's names as picked or as a link gave them (resolved by [`AuditInputs::house`]).
    pub house: Vec<String>,
    /// The audited policy's id.
    pub policy: String,
    /// The reference policy's id, if any.
    pub reference: Option<String>,
}

impl Default for AuditInputs {
    fn default() -> Self {
        AuditInputs {
            house: vec![DEFAULT_HOUSE.into()],
            policy: DEFAULT_POLICY.into(),
            reference: Some(DEFAULT_REFERENCE.into()),
        }
    }
}

impl AuditInputs {
    /// The inputs a link (or embed) carries, the defaults filling what it leaves out.
    pub fn from_share(a: Option<&AuditShare>) -> AuditInputs {
        let d = AuditInputs::default();
        let Some(a) = a else { return d };
        AuditInputs {
            house: if a.house.is_empty() {
                d.house
            } else {
                a.house.clone()
            },
            policy: if a.policy.is_empty() {
                d.policy
            } else {
                a.policy.clone()
            },
            reference: a.reference.clone().or(d.reference),
        }
    }

    /// What a link carries: `None` while everything is the default (old-style links stay
    /// as they were).
    pub fn to_share(&self) -> Option<AuditShare> {
        (self != &AuditInputs::default()).then(|| AuditShare {
            house: self.house.clone(),
            policy: self.policy.clone(),
            reference: self.reference.clone(),
        })
    }

    /// The house resolved against the catalog, with a sentence per name it does not know.
    pub fn house(&self, catalog: &Catalog) -> (House, Vec<String>) {
        House::from_names(&self.house, catalog)
    }

    /// Sets the house from the picker.
    pub fn set_house(&mut self, h: &House, catalog: &Catalog) {
        self.house = h.to_names(catalog);
    }

    /// The policy ids the view needs from the workspace (the audited one and the reference), so
    /// a share link carries the user's own among them.
    pub fn policy_ids(&self) -> Vec<String> {
        let mut v = vec![self.policy.clone()];
        v.extend(self.reference.iter().cloned());
        v
    }

    /// After a shared link's policies were imported under other ids (a name already taken
    /// here), the ids this audit names follow: `renamed` maps the link's ids to the imported.
    pub fn follow_renames(&mut self, renamed: &[(String, String)]) {
        for (from, to) in renamed {
            if &self.policy == from {
                self.policy = to.clone();
            }
            if self.reference.as_ref() == Some(from) {
                self.reference = Some(to.clone());
            }
        }
    }

    /// Why the view cannot run as asked, if it cannot: the audited policy or the reference is
    /// not among `available` policy ids. One sentence.
    pub fn missing(&self, available: &[String]) -> Option<String> {
        let missing: Vec<String> = self
            .policy_ids()
            .into_iter()
            .filter(|id| !available.contains(id))
            .collect();
        match missing.as_slice() {
            [] => None,
            [one] => Some(format!(
                "This page has no policy “{one}”: pick one in the list."
            )),
            many => Some(format!(
                "This page has no policies {}: pick them in the lists.",
                many.iter()
                    .map(|m| format!("“{m}”"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use routeplay_core::catalog::Catalog;

    fn catalog() -> Catalog {
        Catalog::from_json(routeplay_core::shipped::CATALOG).unwrap()
    }

    /// The shipped catalog with a platform that serves two makers' models under a provider
    /// named like a maker, as the platform catalog entries do.
    fn with_platform() -> Catalog {
        let mut c = catalog();
        let mut a = c.get("gemini-2.5-flash").unwrap().clone();
        a.id = "vertex/gemini-2.5-flash".into();
        a.provider = "vertex".into();
        let mut b = c.get("claude-haiku-4.5").unwrap().clone();
        b.id = "vertex/claude-haiku-4.5".into();
        b.provider = "vertex".into();
        let mut g = c.get("claude-haiku-4.5").unwrap().clone();
        g.id = "google/claude".into();
        g.provider = "google".into();
        c.models.extend([a, b, g]);
        c
    }

    #[test]
    fn presets_are_every_maker_then_every_platform() {
        let c = catalog();
        let p = presets(&c);
        let google = p.iter().find(|x| x.label == "Google (maker)").unwrap();
        assert_eq!(google.house, House::of(Member::Maker("google".into())));
        assert_eq!(
            google.models,
            c.models.iter().filter(|m| m.maker == "google").count()
        );
        // Every maker once; Groq serves Meta's and OpenAI's models: a platform.
        assert_eq!(
            p.iter().filter(|x| x.label.ends_with("(maker)")).count(),
            makers(&c).len()
        );
        let groq = p
            .iter()
            .find(|x| x.label.starts_with("Groq (platform"))
            .unwrap();
        assert_eq!(groq.house, House::of(Member::Provider("groq".into())));
        // OpenAI serves only its own models: no platform preset.
        assert!(!p.iter().any(|x| x.label.starts_with("OpenAI (platform")));
        let v = presets(&with_platform());
        assert!(v
            .iter()
            .any(|x| x.label.starts_with("Google Vertex AI (platform") && x.models == 2));
    }

    #[test]
    fn house_names_read_back_and_a_shared_name_is_prefixed() {
        let c = with_platform();
        let mut h = House::of(Member::Maker("google".into()));
        h.add(Member::Provider("vertex".into()));
        h.add(Member::Provider("google".into()));
        let names = h.to_names(&c);
        assert_eq!(names, vec!["google", "provider:google", "vertex"]);
        assert_eq!(House::from_names(&names, &c), (h.clone(), vec![]));
        assert_eq!(h.label(), "Google, Google and Google Vertex AI");
        // Bare names: makers first, then providers; explicit kinds; unknown names explained.
        let (h, errors) = House::from_names(
            &[
                "Google".into(),
                "groq".into(),
                "maker:meta".into(),
                "provider:nowhere".into(),
                "acme".into(),
            ],
            &c,
        );
        assert_eq!(
            h.makers.iter().cloned().collect::<Vec<_>>(),
            vec!["google", "meta"]
        );
        assert_eq!(
            h.providers.iter().cloned().collect::<Vec<_>>(),
            vec!["groq"]
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("“provider:nowhere”"), "{errors:?}");
        assert!(errors[1].contains("“acme”"), "{errors:?}");
        assert!(h.owns("meta", "local") && h.owns("openai", "groq") && !h.owns("openai", "openai"));
    }

    #[test]
    fn inputs_travel_in_links_and_defaults_fill_the_rest() {
        let d = AuditInputs::default();
        assert_eq!(d.to_share(), None, "the defaults add nothing to a link");
        assert_eq!(AuditInputs::from_share(None), d);
        let mine = AuditInputs {
            house: vec!["amazon".into()],
            policy: "my-router".into(),
            reference: None,
        };
        let shared = mine.to_share().unwrap();
        // reference None in a link means the default reference.
        let back = AuditInputs::from_share(Some(&shared));
        assert_eq!(back.house, mine.house);
        assert_eq!(back.policy, mine.policy);
        assert_eq!(back.reference.as_deref(), Some(DEFAULT_REFERENCE));
        let partial = AuditShare {
            house: vec![],
            policy: "cost-saver".into(),
            reference: Some("quality-first".into()),
        };
        let p = AuditInputs::from_share(Some(&partial));
        assert_eq!(p.house, vec![DEFAULT_HOUSE.to_string()]);
        assert_eq!(p.policy, "cost-saver");
        assert_eq!(p.reference.as_deref(), Some("quality-first"));
        assert_eq!(p.policy_ids(), vec!["cost-saver", "quality-first"]);
    }

    #[test]
    fn renamed_policies_are_followed_and_missing_ones_said() {
        let mut a = AuditInputs {
            house: vec!["google".into()],
            policy: "mine".into(),
            reference: Some("theirs".into()),
        };
        a.follow_renames(&[("mine".into(), "mine-2".into())]);
        assert_eq!(a.policy, "mine-2");
        let have = vec!["mine-2".to_string(), "balanced".to_string()];
        let m = a.missing(&have).unwrap();
        assert!(m.contains("no policy “theirs”"), "{m}");
        a.reference = Some("balanced".into());
        assert_eq!(a.missing(&have), None);
        a.policy = "gone".into();
        a.reference = Some("lost".into());
        let m = a.missing(&have).unwrap();
        assert!(m.contains("“gone” and “lost”"), "{m}");
    }

    #[test]
    fn set_house_writes_the_names_a_link_carries() {
        let c = catalog();
        let mut a = AuditInputs::default();
        a.set_house(&House::of(Member::Provider("groq".into())), &c);
        assert_eq!(a.house, vec!["groq"]);
        assert_eq!(a.house(&c).0, House::of(Member::Provider("groq".into())));
    }
}
