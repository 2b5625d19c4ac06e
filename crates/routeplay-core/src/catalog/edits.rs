//! The user's changes to the shipped catalog, kept as overrides rather than as a copy: edited
//! figures and quality scores per model, models of their own (added, or replacing a shipped one
//! with the same id) and shipped models they removed.
//!
//! Overrides survive an update of the shipped catalog (an edited price stays edited, every other
//! figure follows the new catalog), travel in share links at a fraction of a copy's size, and
//! say per cell what was changed and what the shipped figure was. [`CatalogEdits::apply`] builds
//! the catalog every decision uses; [`CatalogEdits::diff`] turns a whole catalog (an upload, or
//! the full copy older workspaces stored) back into overrides.

use super::{Catalog, CatalogError, Figure, Model, Quality, TASK_TYPES};
use crate::format::plural;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The source written on a figure the user edited.
pub const EDITED_SOURCE: &str = "edited in Routeplay";

/// A sourced figure of a model that the catalog view edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// USD per 1M input tokens.
    InputPrice,
    /// USD per 1M cached input tokens (optional: absent means no cache discount).
    CachedInputPrice,
    /// USD per 1M output tokens.
    OutputPrice,
    /// Context window in tokens.
    ContextWindow,
    /// Time to first token, ms.
    TtftMs,
    /// Output tokens per second.
    OutputTps,
}

impl Field {
    /// Every editable figure, in table order.
    pub const ALL: [Field; 6] = [
        Field::InputPrice,
        Field::CachedInputPrice,
        Field::OutputPrice,
        Field::ContextWindow,
        Field::TtftMs,
        Field::OutputTps,
    ];

    /// What the field is, in words ("input price").
    pub fn label(self) -> &'static str {
        match self {
            Field::InputPrice => "input price",
            Field::CachedInputPrice => "cached input price",
            Field::OutputPrice => "output price",
            Field::ContextWindow => "context window",
            Field::TtftMs => "time to first token",
            Field::OutputTps => "output speed",
        }
    }

    /// The figure of `m`; `None` for a cached input price the catalog does not give.
    pub fn of(self, m: &Model) -> Option<&Figure> {
        match self {
            Field::InputPrice => Some(&m.input_price),
            Field::CachedInputPrice => m.cached_input_price.as_ref(),
            Field::OutputPrice => Some(&m.output_price),
            Field::ContextWindow => Some(&m.context_window),
            Field::TtftMs => Some(&m.ttft_ms),
            Field::OutputTps => Some(&m.output_tps),
        }
    }

    /// The figure of `m` to write; an absent cached input price is created (as an edit).
    fn of_mut(self, m: &mut Model) -> &mut Figure {
        match self {
            Field::InputPrice => &mut m.input_price,
            Field::CachedInputPrice => m.cached_input_price.get_or_insert_with(|| Figure {
                value: 0.0,
                source: EDITED_SOURCE.into(),
                date: String::new(),
                estimate: true,
            }),
            Field::OutputPrice => &mut m.output_price,
            Field::ContextWindow => &mut m.context_window,
            Field::TtftMs => &mut m.ttft_ms,
            Field::OutputTps => &mut m.output_tps,
        }
    }

    /// A value as the catalog shows it: `$3.00`, `128k tokens`, `900 ms`, `60 tokens/s`.
    pub fn show(self, v: f64) -> String {
        match self {
            Field::InputPrice | Field::CachedInputPrice | Field::OutputPrice => {
                format!("${v:.2}")
            }
            Field::ContextWindow if v >= 1000.0 => format!("{}k tokens", (v / 1000.0).round()),
            Field::ContextWindow => format!("{v:.0} tokens"),
            Field::TtftMs => format!("{v:.0} ms"),
            Field::OutputTps => format!("{v:.0} tokens/s"),
        }
    }

    /// Checks a value for this field: the error says what is allowed.
    pub fn check(self, v: f64) -> Result<f64, String> {
        if !v.is_finite() {
            return Err(format!("the {} must be a number", self.label()));
        }
        match self {
            Field::InputPrice | Field::CachedInputPrice | Field::OutputPrice | Field::TtftMs
                if v < 0.0 =>
            {
                Err(format!(
                    "the {} cannot be negative (0 is allowed)",
                    self.label()
                ))
            }
            Field::ContextWindow if v < 1.0 || v.fract() != 0.0 => {
                Err("the context window must be a whole number of tokens, at least 1".to_string())
            }
            Field::OutputTps if v <= 0.0 => {
                Err("the output speed must be above 0 tokens per second".to_string())
            }
            _ => Ok(v),
        }
    }

    /// Parses and checks a value typed by the user.
    pub fn parse(self, text: &str) -> Result<f64, String> {
        let t = text.trim().trim_start_matches('$').replace(',', "");
        if t.is_empty() {
            return Err(format!("enter the {}", self.label()));
        }
        let v: f64 = t.parse().map_err(|_| {
            format!(
                "the {} must be a number, not “{}”",
                self.label(),
                text.trim()
            )
        })?;
        self.check(v)
    }
}

/// Checks a quality score typed by the user (0-100).
pub fn parse_quality(text: &str) -> Result<f64, String> {
    let v: f64 = text.trim().parse().map_err(|_| {
        format!(
            "quality must be a number from 0 to 100, not “{}”",
            text.trim()
        )
    })?;
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        return Err(format!("quality must be from 0 to 100 (got {v})"));
    }
    Ok(v)
}

/// Edited figures and scores of one shipped model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelEdit {
    /// New values of edited figures.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub figures: BTreeMap<Field, f64>,
    /// New quality scores per task type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quality: BTreeMap<String, f64>,
}

impl ModelEdit {
    fn is_empty(&self) -> bool {
        self.figures.is_empty() && self.quality.is_empty()
    }
}

/// How a model of the catalog in use relates to the shipped one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// As shipped.
    Shipped,
    /// Shipped, with some figures or scores edited.
    Edited,
    /// Added by the user.
    Added,
    /// The user's own record under a shipped model's id.
    Replaced,
}

/// The user's changes to the shipped catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogEdits {
    /// Edits of shipped models, by model id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub changed: BTreeMap<String, ModelEdit>,
    /// The user's own models: one with a shipped model's id takes its place, the others follow
    /// the shipped models.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<Model>,
    /// Ids of shipped models the user removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// A model the user is adding, as typed in the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewModel {
    /// Id used in policies.
    pub id: String,
    /// Who serves it.
    pub provider: String,
    /// Who made it (the provider when empty).
    pub maker: String,
    /// USD per 1M input tokens.
    pub input_price: String,
    /// USD per 1M output tokens.
    pub output_price: String,
    /// Context window, tokens.
    pub context_window: String,
    /// Time to first token, ms.
    pub ttft_ms: String,
    /// Output tokens per second.
    pub output_tps: String,
    /// One quality score (0-100) for every task type.
    pub quality: String,
}

impl CatalogEdits {
    /// No changes: the shipped catalog as is.
    pub fn is_empty(&self) -> bool {
        self.changed.values().all(ModelEdit::is_empty)
            && self.added.is_empty()
            && self.removed.is_empty()
    }

    /// The catalog in use: `shipped` with these edits. Edits of a model the shipped catalog no
    /// longer has are skipped, and each is named in the returned notes.
    pub fn apply(&self, shipped: &Catalog) -> Result<(Catalog, Vec<String>), CatalogError> {
        let mut notes = Vec::new();
        let mut models: Vec<Model> = shipped
            .models
            .iter()
            .filter(|m| !self.removed.contains(&m.id))
            .cloned()
            .collect();
        for (id, e) in &self.changed {
            let Some(m) = models.iter_mut().find(|m| &m.id == id) else {
                if !self.removed.contains(id) {
                    notes.push(format!(
                        "your edits of `{id}` are not applied: the shipped catalog no longer has it"
                    ));
                }
                continue;
            };
            for (f, v) in &e.figures {
                let fig = f.of_mut(m);
                fig.value = *v;
                fig.source = EDITED_SOURCE.into();
                fig.estimate = true;
            }
            for (task, q) in &e.quality {
                m.quality.scores.insert(task.clone(), *q);
            }
        }
        for a in &self.added {
            match models.iter_mut().find(|m| m.id == a.id) {
                Some(m) => *m = a.clone(),
                None => models.push(a.clone()),
            }
        }
        let c = Catalog::new(models, shipped.about.clone(), shipped.updated.clone())?;
        Ok((c, notes))
    }

    /// The edits that turn `shipped` into `edited` (an uploaded catalog, or the full copy an
    /// older workspace stored). A shipped model that differs only in figure values and quality
    /// scores becomes an edit; one that differs in anything else becomes the user's own model.
    pub fn diff(shipped: &Catalog, edited: &Catalog) -> CatalogEdits {
        let mut out = CatalogEdits::default();
        for s in &shipped.models {
            let Some(e) = edited.get(&s.id) else {
                out.removed.push(s.id.clone());
                continue;
            };
            if e == s {
                continue;
            }
            match edit_between(s, e) {
                Some(me) => {
                    out.changed.insert(s.id.clone(), me);
                }
                None => out.added.push(e.clone()),
            }
        }
        for e in &edited.models {
            if shipped.get(&e.id).is_none() {
                out.added.push(e.clone());
            }
        }
        out
    }

    /// Where model `id` of the catalog in use comes from.
    pub fn origin(&self, shipped: &Catalog, id: &str) -> Origin {
        let own = self.added.iter().any(|m| m.id == id);
        match (own, shipped.get(id).is_some()) {
            (true, true) => Origin::Replaced,
            (true, false) => Origin::Added,
            _ if self.changed.get(id).is_some_and(|e| !e.is_empty()) => Origin::Edited,
            _ => Origin::Shipped,
        }
    }

    /// The shipped figure, when the user edited `field` of shipped model `id`.
    pub fn was<'a>(&self, shipped: &'a Catalog, id: &str, field: Field) -> Option<&'a Figure> {
        self.changed
            .get(id)
            .filter(|e| e.figures.contains_key(&field))
            .and_then(|_| shipped.get(id))
            .and_then(|m| field.of(m))
    }

    /// Whether the user edited `field` of shipped model `id` (also a cached input price the
    /// shipped catalog does not give, where [`CatalogEdits::was`] has nothing to show).
    pub fn is_edited(&self, id: &str, field: Field) -> bool {
        self.changed
            .get(id)
            .is_some_and(|e| e.figures.contains_key(&field))
    }

    /// The shipped score, when the user edited the quality of shipped model `id` for `task`.
    pub fn was_quality(&self, shipped: &Catalog, id: &str, task: &str) -> Option<f64> {
        self.changed
            .get(id)
            .filter(|e| e.quality.contains_key(task))
            .and_then(|_| shipped.get(id))
            .map(|m| m.quality_for(task))
    }

    /// Sets `field` of model `id` to `value` (checked). Setting a shipped model back to its
    /// shipped value drops the edit.
    pub fn set_figure(
        &mut self,
        shipped: &Catalog,
        id: &str,
        field: Field,
        value: f64,
    ) -> Result<(), String> {
        let value = field.check(value).map_err(|e| format!("{id}: {e}"))?;
        if let Some(m) = self.added.iter_mut().find(|m| m.id == id) {
            let f = field.of_mut(m);
            f.value = value;
            f.source = EDITED_SOURCE.into();
            f.estimate = true;
            return Ok(());
        }
        let s = shipped
            .get(id)
            .ok_or_else(|| format!("there is no model `{id}` to edit"))?;
        let e = self.changed.entry(id.to_string()).or_default();
        if field.of(s).map(|f| f.value) == Some(value) {
            e.figures.remove(&field);
        } else {
            e.figures.insert(field, value);
        }
        self.tidy();
        Ok(())
    }

    /// Sets the quality of model `id` for `task` (0-100).
    pub fn set_quality(
        &mut self,
        shipped: &Catalog,
        id: &str,
        task: &str,
        value: f64,
    ) -> Result<(), String> {
        if !value.is_finite() || !(0.0..=100.0).contains(&value) {
            return Err(format!("{id}: quality must be from 0 to 100 (got {value})"));
        }
        if !TASK_TYPES.contains(&task) {
            return Err(format!("`{task}` is not a task type"));
        }
        if let Some(m) = self.added.iter_mut().find(|m| m.id == id) {
            m.quality.scores.insert(task.to_string(), value);
            return Ok(());
        }
        let s = shipped
            .get(id)
            .ok_or_else(|| format!("there is no model `{id}` to edit"))?;
        let e = self.changed.entry(id.to_string()).or_default();
        if s.quality.scores.get(task) == Some(&value) {
            e.quality.remove(task);
        } else {
            e.quality.insert(task.to_string(), value);
        }
        self.tidy();
        Ok(())
    }

    /// Checks the add-model form against the catalog in use. Every problem is listed with the
    /// form field it belongs to, so nothing is added until all are fixed.
    pub fn validate_new(
        &self,
        in_use: &Catalog,
        form: &NewModel,
    ) -> Result<Model, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let id = form.id.trim();
        if id.is_empty() {
            errors.push((
                "id",
                "enter an id (the name policies use, e.g. `my-model`)".into(),
            ));
        } else if id.chars().any(char::is_whitespace) {
            errors.push((
                "id",
                format!("the id “{id}” contains spaces; use - or _ instead"),
            ));
        } else if in_use.get(id).is_some() {
            errors.push((
                "id",
                format!("`{id}` is already in the catalog; choose another id or edit that model"),
            ));
        }
        let provider = form.provider.trim();
        if provider.is_empty() {
            errors.push((
                "provider",
                "enter the provider that serves it (e.g. `openai`, `local`)".into(),
            ));
        }
        let mut figure = |name: &'static str, field: Field, text: &str| match field.parse(text) {
            Ok(v) => v,
            Err(e) => {
                errors.push((name, e));
                0.0
            }
        };
        let input = figure("input_price", Field::InputPrice, &form.input_price);
        let output = figure("output_price", Field::OutputPrice, &form.output_price);
        let context = figure("context_window", Field::ContextWindow, &form.context_window);
        let ttft = figure("ttft_ms", Field::TtftMs, &form.ttft_ms);
        let tps = figure("output_tps", Field::OutputTps, &form.output_tps);
        let quality = match parse_quality(&form.quality) {
            Ok(q) => q,
            Err(e) => {
                errors.push(("quality", e));
                0.0
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let fig = |v: f64| Figure {
            value: v,
            source: "added in Routeplay".into(),
            date: String::new(),
            estimate: true,
        };
        let maker = form.maker.trim();
        Ok(Model {
            id: id.to_string(),
            name: id.to_string(),
            provider: provider.to_string(),
            maker: if maker.is_empty() { provider } else { maker }.to_string(),
            api_model: None,
            input_price: fig(input),
            cached_input_price: None,
            output_price: fig(output),
            context_window: fig(context),
            ttft_ms: fig(ttft),
            output_tps: fig(tps),
            quality: Quality {
                scores: TASK_TYPES
                    .iter()
                    .map(|t| (t.to_string(), quality))
                    .collect(),
                source: "added in Routeplay: one score for every task type".into(),
                date: String::new(),
                estimate: true,
            },
            capabilities: Default::default(),
            local: provider == "local",
            note: String::new(),
        })
    }

    /// Adds a model checked by [`CatalogEdits::validate_new`].
    pub fn add(&mut self, model: Model) {
        self.removed.retain(|r| r != &model.id);
        self.added.push(model);
    }

    /// Removes model `id` from the catalog in use (a shipped one is hidden, the user's own is
    /// dropped). Undo by restoring an earlier copy of the edits.
    pub fn remove(&mut self, shipped: &Catalog, id: &str) {
        self.added.retain(|m| m.id != id);
        self.changed.remove(id);
        if shipped.get(id).is_some() && !self.removed.iter().any(|r| r == id) {
            self.removed.push(id.to_string());
        }
    }

    /// Puts shipped model `id` back as shipped (drops its edits, the user's replacement, its
    /// removal). A model the user added is left alone.
    pub fn reset(&mut self, shipped: &Catalog, id: &str) {
        if shipped.get(id).is_some() {
            self.added.retain(|m| m.id != id);
        }
        self.changed.remove(id);
        self.removed.retain(|r| r != id);
    }

    /// "2 figures edited in 1 model, 1 model added, 1 model removed", or "no edits".
    pub fn summary(&self) -> String {
        let figures: usize = self
            .changed
            .values()
            .map(|e| e.figures.len() + e.quality.len())
            .sum();
        let models = self.changed.values().filter(|e| !e.is_empty()).count();
        let mut parts = Vec::new();
        if figures > 0 {
            parts.push(format!(
                "{} edited in {}",
                plural(figures, "figure"),
                plural(models, "model")
            ));
        }
        if !self.added.is_empty() {
            parts.push(format!("{} added", plural(self.added.len(), "model")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("{} removed", plural(self.removed.len(), "model")));
        }
        if parts.is_empty() {
            "no edits".into()
        } else {
            parts.join(", ")
        }
    }

    fn tidy(&mut self) {
        self.changed.retain(|_, e| !e.is_empty());
    }
}

/// The edit turning shipped model `s` into `e`, when they differ only in figure values (or in
/// figures the user edited) and quality scores of the same task types.
fn edit_between(s: &Model, e: &Model) -> Option<ModelEdit> {
    let mut me = ModelEdit::default();
    let same_rest = s.id == e.id
        && s.name == e.name
        && s.provider == e.provider
        && s.maker == e.maker
        && s.api_model == e.api_model
        && s.capabilities == e.capabilities
        && s.local == e.local
        && s.note == e.note
        && s.quality.source == e.quality.source
        && s.quality.date == e.quality.date
        && s.quality.estimate == e.quality.estimate
        && s.quality.scores.keys().eq(e.quality.scores.keys());
    if !same_rest {
        return None;
    }
    for f in Field::ALL {
        let (a, b) = match (f.of(s), f.of(e)) {
            (a, b) if a == b => continue,
            (Some(a), Some(b)) => (a, b),
            // A cached price the user gave where none was shipped is an edit.
            (None, Some(b)) if b.source == EDITED_SOURCE => {
                me.figures.insert(f, b.value);
                continue;
            }
            // A cached price added with its own source, or one taken away: not an edit.
            _ => return None,
        };
        let only_value = a.source == b.source && a.date == b.date && a.estimate == b.estimate;
        if !(only_value || b.source == EDITED_SOURCE) {
            return None;
        }
        me.figures.insert(f, b.value);
    }
    for (task, q) in &e.quality.scores {
        if s.quality.scores.get(task) != Some(q) {
            me.quality.insert(task.clone(), *q);
        }
    }
    Some(me)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Catalog {
        Catalog::from_json(crate::shipped::CATALOG).unwrap()
    }

    fn form(id: &str) -> NewModel {
        NewModel {
            id: id.into(),
            provider: "local".into(),
            maker: String::new(),
            input_price: "0".into(),
            output_price: "0".into(),
            context_window: "32000".into(),
            ttft_ms: "200".into(),
            output_tps: "40".into(),
            quality: "55".into(),
        }
    }

    #[test]
    fn an_edit_changes_one_figure_and_remembers_the_shipped_one() {
        let s = shipped();
        let id = s.models[0].id.clone();
        let was = s.models[0].input_price.clone();
        let mut e = CatalogEdits::default();
        e.set_figure(&s, &id, Field::InputPrice, was.value + 1.0)
            .unwrap();
        e.set_figure(&s, &id, Field::ContextWindow, 8192.0).unwrap();
        let (c, notes) = e.apply(&s).unwrap();
        assert!(notes.is_empty());
        let m = c.get(&id).unwrap();
        assert_eq!(m.input_price.value, was.value + 1.0);
        assert_eq!(m.input_price.source, EDITED_SOURCE);
        assert_eq!(m.context_window.value, 8192.0);
        assert_eq!(m.output_price, s.models[0].output_price);
        assert_eq!(e.was(&s, &id, Field::InputPrice), Some(&was));
        assert_eq!(e.was(&s, &id, Field::OutputPrice), None);
        assert_eq!(e.origin(&s, &id), Origin::Edited);
        assert_eq!(e.summary(), "2 figures edited in 1 model");
        // Back to the shipped value: the edit is gone.
        e.set_figure(&s, &id, Field::InputPrice, was.value).unwrap();
        e.set_figure(
            &s,
            &id,
            Field::ContextWindow,
            s.models[0].context_window.value,
        )
        .unwrap();
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(e.origin(&s, &id), Origin::Shipped);
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let s = shipped();
        let id = s.models[0].id.clone();
        let mut e = CatalogEdits::default();
        let err = e.set_figure(&s, &id, Field::InputPrice, -1.0).unwrap_err();
        assert!(err.contains("cannot be negative"), "{err}");
        assert!(e
            .set_figure(&s, &id, Field::ContextWindow, 10.5)
            .unwrap_err()
            .contains("whole number"));
        assert!(e
            .set_figure(&s, &id, Field::OutputTps, 0.0)
            .unwrap_err()
            .contains("above 0"));
        assert!(e
            .set_figure(&s, "nope", Field::TtftMs, 1.0)
            .unwrap_err()
            .contains("no model `nope`"));
        assert!(e.set_quality(&s, &id, "qa", 101.0).is_err());
        assert!(e.set_quality(&s, &id, "poetry", 50.0).is_err());
        assert_eq!(Field::InputPrice.parse(" $1,000.5 "), Ok(1000.5));
        assert!(Field::InputPrice
            .parse("abc")
            .unwrap_err()
            .contains("not “abc”"));
        assert!(Field::TtftMs.parse("").unwrap_err().contains("enter the"));
        assert!(e.is_empty());
    }

    #[test]
    fn models_can_be_added_removed_and_reset() {
        let s = shipped();
        let mut e = CatalogEdits::default();
        let (in_use, _) = e.apply(&s).unwrap();
        let m = e.validate_new(&in_use, &form("my-local")).unwrap();
        assert_eq!(m.maker, "local");
        assert!(m.local);
        assert_eq!(m.quality_for("code"), 55.0);
        e.add(m);
        let first = s.models[0].id.clone();
        e.remove(&s, &first);
        let (c, _) = e.apply(&s).unwrap();
        assert!(c.get("my-local").is_some() && c.get(&first).is_none());
        assert_eq!(c.models.len(), s.models.len());
        assert_eq!(e.origin(&s, "my-local"), Origin::Added);
        assert_eq!(e.summary(), "1 model added, 1 model removed");
        // An id in use is refused, and so is a form with several problems, all named.
        let err = e.validate_new(&c, &form("my-local")).unwrap_err();
        assert_eq!(err[0].0, "id");
        let bad = NewModel {
            id: "two words".into(),
            provider: " ".into(),
            output_tps: "0".into(),
            quality: "140".into(),
            ..form("x")
        };
        let fields: Vec<_> = e
            .validate_new(&c, &bad)
            .unwrap_err()
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(fields, vec!["id", "provider", "output_tps", "quality"]);
        // Edit an added model in place; remove it; reset the removed shipped model.
        e.set_figure(&s, "my-local", Field::OutputTps, 80.0)
            .unwrap();
        assert_eq!(e.added[0].output_tps.value, 80.0);
        e.remove(&s, "my-local");
        e.reset(&s, &first);
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn diff_turns_a_whole_catalog_back_into_edits() {
        let s = shipped();
        let mut e = CatalogEdits::default();
        let a = s.models[0].id.clone();
        let b = s.models[1].id.clone();
        e.set_figure(&s, &a, Field::OutputPrice, 99.0).unwrap();
        e.set_quality(&s, &a, "code", 12.0).unwrap();
        e.remove(&s, &b);
        let (in_use, _) = e.apply(&s).unwrap();
        e.add(e.validate_new(&in_use, &form("mine")).unwrap());
        let (edited, _) = e.apply(&s).unwrap();
        let back = CatalogEdits::diff(&s, &edited);
        assert_eq!(back, e);
        assert_eq!(back.apply(&s).unwrap().0.to_json(), edited.to_json());
        // A shipped model changed beyond its figures becomes the user's own record.
        let mut other = s.clone();
        other.models[2].provider = "elsewhere".into();
        let other = other.revalidate().unwrap();
        let d = CatalogEdits::diff(&s, &other);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.origin(&s, &s.models[2].id), Origin::Replaced);
        assert_eq!(d.apply(&s).unwrap().0.models[2].provider, "elsewhere");
        assert!(CatalogEdits::diff(&s, &s).is_empty());
    }

    #[test]
    fn edits_of_a_model_no_longer_shipped_are_named_not_fatal() {
        let s = shipped();
        let mut e = CatalogEdits::default();
        e.changed.insert(
            "gone-model".into(),
            ModelEdit {
                figures: [(Field::InputPrice, 1.0)].into(),
                quality: BTreeMap::new(),
            },
        );
        let (c, notes) = e.apply(&s).unwrap();
        assert_eq!(c.models.len(), s.models.len());
        assert!(notes[0].contains("gone-model"), "{notes:?}");
        // Edits survive a JSON round trip (storage and share links).
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"input_price\":1.0"), "{json}");
        assert_eq!(serde_json::from_str::<CatalogEdits>(&json).unwrap(), e);
    }

    #[test]
    fn a_cached_input_price_can_be_given_edited_and_diffed() {
        let s = shipped();
        let none = s
            .models
            .iter()
            .find(|m| m.cached_input_price.is_none())
            .expect("a shipped model without a cached price")
            .id
            .clone();
        let mut e = CatalogEdits::default();
        e.set_figure(&s, &none, Field::CachedInputPrice, 0.25)
            .unwrap();
        assert!(e.is_edited(&none, Field::CachedInputPrice));
        // Nothing was shipped, so there is no shipped figure to show.
        assert_eq!(e.was(&s, &none, Field::CachedInputPrice), None);
        let (c, _) = e.apply(&s).unwrap();
        let f = c.get(&none).unwrap().cached_input_price.clone().unwrap();
        assert_eq!(
            (f.value, f.source.as_str(), f.estimate),
            (0.25, EDITED_SOURCE, true)
        );
        assert_eq!(CatalogEdits::diff(&s, &c), e);
        assert!(e
            .set_figure(&s, &none, Field::CachedInputPrice, -0.1)
            .unwrap_err()
            .contains("cached input price cannot be negative"));
        // A shipped cached price edited and set back drops the edit.
        if let Some(m) = s.models.iter().find(|m| m.cached_input_price.is_some()) {
            let was = m.cached_input_price.clone().unwrap();
            let mut e = CatalogEdits::default();
            e.set_figure(&s, &m.id, Field::CachedInputPrice, was.value + 1.0)
                .unwrap();
            assert_eq!(e.was(&s, &m.id, Field::CachedInputPrice), Some(&was));
            e.set_figure(&s, &m.id, Field::CachedInputPrice, was.value)
                .unwrap();
            assert!(e.is_empty());
        }
    }
}
