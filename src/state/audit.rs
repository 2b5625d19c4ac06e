//! The Audit view's inputs — the house, the audited policy, the reference policy — and how they
//! travel: to and from share links and embed options ([`AuditShare`]), the house read against
//! the catalog by the core ([`House::parse`]). Plain data, tested natively; the audit itself is
//! computed by the core (`routeplay_core::audit`).

use crate::state::share::AuditShare;
use routeplay_core::audit::{House, HouseError};
use routeplay_core::catalog::Catalog;

/// The policy audited when nothing else is asked for.
pub const DEFAULT_POLICY: &str = "house-first";
/// The reference policy when nothing else is asked for.
pub const DEFAULT_REFERENCE: &str = "balanced";
/// The house when nothing else is asked for (the `house-first` preset's house).
pub const DEFAULT_HOUSE: &str = "google";

/// The Audit view's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditInputs {
    /// The house's names as picked or as a link gave them (`google`, `amazon`,
    /// `provider:bedrock`; read by [`AuditInputs::house`]).
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
    /// The inputs a link (or embed) carries, the defaults filling what it leaves out. A
    /// reference that is an empty id means none (the user chose "No other policy").
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
            reference: match a.reference.as_deref() {
                None => d.reference,
                Some("") => None,
                Some(id) => Some(id.to_string()),
            },
        }
    }

    /// What a link carries: always the three inputs, so a link opens the same audit even
    /// where the defaults differ.
    pub fn to_share(&self) -> Option<AuditShare> {
        Some(AuditShare {
            house: self.house.clone(),
            policy: self.policy.clone(),
            reference: Some(self.reference.clone().unwrap_or_default()),
        })
    }

    /// The house as one comma-separated spec (`amazon,provider:bedrock`), as typed in the
    /// picker's box and read by [`House::parse`].
    pub fn house_spec(&self) -> String {
        self.house.join(",")
    }

    /// The house read against the catalog; an unknown name is an error that says which (and
    /// the closest catalog name).
    pub fn house(&self, catalog: &Catalog) -> Result<House, HouseError> {
        House::parse(&self.house_spec(), catalog)
    }

    /// Sets the house from the picker: a preset's house, written as [`House::spec`] writes it.
    pub fn set_house(&mut self, h: &House, catalog: &Catalog) {
        self.house = names(&h.spec(catalog));
    }

    /// Sets the house from the box: whatever was typed is kept (it travels as typed, and
    /// [`AuditInputs::house`] says what is wrong with it).
    pub fn set_house_spec(&mut self, spec: &str) {
        self.house = names(spec);
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

/// A spec's names: split at commas, trimmed, blanks dropped.
fn names(spec: &str) -> Vec<String> {
    spec.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use routeplay_core::catalog::Catalog;

    fn catalog() -> Catalog {
        Catalog::from_json(routeplay_core::shipped::CATALOG).unwrap()
    }

    #[test]
    fn the_house_is_read_by_the_core_and_its_errors_said() {
        let c = catalog();
        let a = AuditInputs::default();
        let h = a.house(&c).unwrap();
        assert!(h.has_maker("google"));
        let mut b = a.clone();
        b.set_house_spec(" amazonn , ");
        assert_eq!(b.house, vec!["amazonn"]);
        let e = b.house(&c).unwrap_err();
        assert!(e.message.contains("`amazonn`"), "{e}");
        b.set_house_spec(" , ");
        assert!(b.house(&c).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn inputs_travel_in_links_and_defaults_fill_the_rest() {
        let d = AuditInputs::default();
        assert_eq!(AuditInputs::from_share(d.to_share().as_ref()), d);
        assert_eq!(AuditInputs::from_share(None), d);
        let mine = AuditInputs {
            house: vec!["amazon".into()],
            policy: "my-router".into(),
            reference: None,
        };
        let shared = mine.to_share().unwrap();
        // No reference travels as an empty id: the round trip is exact.
        assert_eq!(shared.reference.as_deref(), Some(""));
        assert_eq!(AuditInputs::from_share(Some(&shared)), mine);
        // A link or an embed that names no reference gets the default one.
        let house_only = AuditShare {
            house: vec!["amazon".into()],
            ..Default::default()
        };
        assert_eq!(
            AuditInputs::from_share(Some(&house_only))
                .reference
                .as_deref(),
            Some(DEFAULT_REFERENCE)
        );
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
        let groq = House::presets(&c)
            .into_iter()
            .find(|p| p.id == "groq")
            .unwrap();
        a.set_house(&groq.house, &c);
        assert_eq!(a.house, vec!["groq"]);
        assert_eq!(a.house(&c).unwrap(), groq.house);
        let two = House::parse("meta,provider:groq", &c).unwrap();
        a.set_house(&two, &c);
        assert_eq!(a.house(&c).unwrap(), two);
        assert_eq!(a.to_share().unwrap().house, a.house);
    }
}
