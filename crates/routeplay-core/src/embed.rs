//! Embed options: what a docs page asks of an embedded playground, read from the URL fragment.
//!
//! An embed URL is the page URL with `#embed` in its fragment ([`share::is_embed`]), plus any of
//! these parts, joined with `&`, in any order:
//!
//! | part | meaning |
//! |---|---|
//! | `policies=cost-saver,balanced` | the policies compared, in order (ids, comma-separated) |
//! | `theme=light` / `theme=dark` | the colour theme (default: the visitor's system theme) |
//! | `prompt=Plan%20a%20trip` | the prompt, percent-encoded (`+` is a space) |
//! | `examples=off` | hide the "Try:" example buttons |
//! | `readonly` | the prompt cannot be edited (implies `examples=off`) |
//! | `view=audit` | the Audit view instead of the prompt (`view=prompt`, the default) |
//! | `house=google,provider:bedrock` | the audit's house: maker or provider names (`maker:` / `provider:` where one name is both) |
//! | `policy=house-first` | the audited policy (an id) |
//! | `reference=balanced` | the policy compared besides the neutral counterfactual (an id) |
//! | `s=…` | a share link's state ([`share`]); the options above override its prompt and policies |
//!
//! Flags take `on`/`off`, `true`/`false`, `yes`/`no` or `1`/`0`; a bare flag (`readonly`) is on.
//! Nothing here fails: a part that cannot be understood is skipped and explained in
//! [`EmbedOptions::warnings`], and the rest still applies.

use crate::share::{self, AuditShare, ShareState, View};

/// The longest prompt an embed option may carry (raw, before percent-decoding): the share
/// link's own limit.
pub const MAX_PROMPT: usize = share::MAX_FRAGMENT;
/// The longest policy id accepted in `policies=`.
pub const MAX_ID: usize = 64;
/// The most policies `policies=` may name (more would not fit an embed side by side anyway).
pub const MAX_POLICIES: usize = 8;
/// The most names `house=` may list.
pub const MAX_HOUSE: usize = 8;

/// The colour theme an embed asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
}

impl Theme {
    /// The value written in the fragment and in the page's `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What an embed URL asks for. [`Default`] is an embed with no options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedOptions {
    /// The policies compared, in order, without repeats (`None`: the link's or the defaults).
    pub policies: Option<Vec<String>>,
    /// The theme (`None`: the visitor's system theme).
    pub theme: Option<Theme>,
    /// The prompt (`None`: the link's or the default example).
    pub prompt: Option<String>,
    /// Show the "Try:" example buttons (`examples=off` hides them).
    pub examples: bool,
    /// The prompt cannot be edited.
    pub read_only: bool,
    /// The view shown: [`View::Prompt`] or [`View::Audit`] (`None`: the link's when it is the
    /// Audit view, else the prompt).
    pub view: Option<View>,
    /// The audit's house: maker or provider names, with an optional `maker:` / `provider:`
    /// prefix (`None`: the link's or the view's default).
    pub house: Option<Vec<String>>,
    /// The audited policy's id (`None`: the link's or the view's default).
    pub policy: Option<String>,
    /// The audit's reference policy id (`None`: the link's or the view's default).
    pub reference: Option<String>,
    /// Parts that were not understood, each as a sentence for the page to show.
    pub warnings: Vec<String>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            policies: None,
            theme: None,
            prompt: None,
            examples: true,
            read_only: false,
            view: None,
            house: None,
            policy: None,
            reference: None,
            warnings: Vec::new(),
        }
    }
}

/// Reads the embed options of a fragment (with or without `#`); `None` when the fragment does
/// not ask for embed mode. Never fails: see [`EmbedOptions::warnings`].
pub fn parse(fragment: &str) -> Option<EmbedOptions> {
    if !share::is_embed(fragment) {
        return None;
    }
    let mut o = EmbedOptions::default();
    for part in fragment.trim_start_matches('#').split('&') {
        let (key, value) = match part.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (part, None),
        };
        match key {
            "" | "embed" => {}
            // The share link's state: read by share::decode.
            "s" if value.is_some() => {}
            "policies" => o.policies = policies(value.unwrap_or(""), &mut o.warnings),
            "theme" => match value {
                Some("light") => o.theme = Some(Theme::Light),
                Some("dark") => o.theme = Some(Theme::Dark),
                _ => o.warnings.push(format!(
                    "The embed option “{}” was ignored: theme is light or dark.",
                    shorten(part)
                )),
            },
            "prompt" => match value.map(decode) {
                Some(Ok(p)) => o.prompt = Some(p),
                Some(Err(why)) => o
                    .warnings
                    .push(format!("The embed option “prompt” was ignored: {why}.")),
                None => o.warnings.push(
                    "The embed option “prompt” was ignored: it needs a value (prompt=…)."
                        .into(),
                ),
            },
            "examples" | "readonly" => match flag(value) {
                Some(on) if key == "examples" => o.examples = on,
                Some(on) => o.read_only = on,
                None => o.warnings.push(format!(
                    "The embed option “{}” was ignored: use on or off.",
                    shorten(part)
                )),
            },
            "view" => match value {
                Some("prompt") => o.view = Some(View::Prompt),
                Some("audit") => o.view = Some(View::Audit),
                _ => o.warnings.push(format!(
                    "The embed option “{}” was ignored: view is prompt or audit.",
                    shorten(part)
                )),
            },
            "house" => o.house = house(value.unwrap_or(""), &mut o.warnings),
            "policy" | "reference" => {
                let id = value.map(|v| decode(v).unwrap_or_else(|_| v.to_string()));
                match id.map(|i| i.trim().to_string()) {
                    Some(id) if valid_id(&id) => {
                        if key == "policy" {
                            o.policy = Some(id);
                        } else {
                            o.reference = Some(id);
                        }
                    }
                    _ => o.warnings.push(format!(
                        "The embed option “{}” was ignored: it names no policy id (letters, digits, -, _ and . only).",
                        shorten(part)
                    )),
                }
            }
            _ => o.warnings.push(format!(
                "The embed option “{}” is not known and was ignored (known: policies, theme, prompt, examples, readonly, view, house, policy, reference).",
                shorten(part)
            )),
        }
    }
    Some(o)
}

impl EmbedOptions {
    /// Whether the "Try:" example buttons are shown (never in a read-only embed).
    pub fn show_examples(&self) -> bool {
        self.examples && !self.read_only
    }

    /// The state the embed opens with: the share link's (`shared`) or `defaults`, with the
    /// prompt, policies and audit inputs these options name, on one of the two views an embed
    /// shows: the `view=` option's, else the Audit view when the link is on it, else the prompt.
    pub fn initial_state(&self, shared: Option<ShareState>, defaults: ShareState) -> ShareState {
        let mut s = shared.unwrap_or(defaults);
        if let Some(p) = &self.prompt {
            s.prompt = p.clone();
        }
        if let Some(ids) = &self.policies {
            s.selected = ids.clone();
        }
        if self.house.is_some() || self.policy.is_some() || self.reference.is_some() {
            let a = s.audit.get_or_insert_with(AuditShare::default);
            if let Some(h) = &self.house {
                a.house = h.clone();
            }
            if let Some(p) = &self.policy {
                a.policy = p.clone();
            }
            if let Some(r) = &self.reference {
                a.reference = Some(r.clone());
            }
        }
        s.view = match (self.view, s.view) {
            (Some(v), _) => v,
            (None, View::Audit) => View::Audit,
            _ => View::Prompt,
        };
        s
    }

    /// The fragment (without `#`) that asks for these options, starting with `embed`.
    /// [`parse`] reads it back to the same options (without warnings).
    pub fn to_fragment(&self) -> String {
        let mut parts = vec!["embed".to_string()];
        if let Some(ids) = &self.policies {
            parts.push(format!("policies={}", ids.join(",")));
        }
        if let Some(t) = self.theme {
            parts.push(format!("theme={}", t.as_str()));
        }
        if let Some(p) = &self.prompt {
            parts.push(format!("prompt={}", encode(p)));
        }
        if !self.examples {
            parts.push("examples=off".into());
        }
        if self.read_only {
            parts.push("readonly".into());
        }
        if let Some(v) = self.view {
            parts.push(format!(
                "view={}",
                if v == View::Audit { "audit" } else { "prompt" }
            ));
        }
        if let Some(h) = &self.house {
            parts.push(format!("house={}", h.join(",")));
        }
        if let Some(p) = &self.policy {
            parts.push(format!("policy={p}"));
        }
        if let Some(r) = &self.reference {
            parts.push(format!("reference={r}"));
        }
        parts.join("&")
    }
}

/// A flag's value: bare (on), or on/off, true/false, yes/no, 1/0.
fn flag(value: Option<&str>) -> Option<bool> {
    match value {
        None | Some("on" | "true" | "yes" | "1") => Some(true),
        Some("off" | "false" | "no" | "0") => Some(false),
        Some(_) => None,
    }
}

/// Whether `id` can name a policy: letters, digits, `-`, `_` and `.`, at most [`MAX_ID`] bytes.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Whether `name` can name a house member: a maker or provider name (as [`valid_id`]),
/// optionally prefixed `maker:` or `provider:`.
pub fn valid_house_name(name: &str) -> bool {
    let bare = name
        .strip_prefix("maker:")
        .or_else(|| name.strip_prefix("provider:"))
        .unwrap_or(name);
    valid_id(bare)
}

fn house(value: &str, warnings: &mut Vec<String>) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for raw in value.split(',') {
        let name = decode(raw)
            .unwrap_or_else(|_| raw.to_string())
            .trim()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if !valid_house_name(&name) {
            warnings.push(format!(
                "The embed option “house” names “{}”, which is not a maker or provider name; it was skipped.",
                shorten(&name)
            ));
        } else if names.len() == MAX_HOUSE {
            warnings.push(format!(
                "The embed option “house” names more than {MAX_HOUSE} makers or providers; the first {MAX_HOUSE} are used."
            ));
            break;
        } else if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        warnings.push(
            "The embed option “house” names no maker or provider; the audit's default house is used."
                .into(),
        );
        return None;
    }
    Some(names)
}

fn policies(value: &str, warnings: &mut Vec<String>) -> Option<Vec<String>> {
    let mut ids: Vec<String> = Vec::new();
    for raw in value.split(',') {
        let id = match decode(raw) {
            Ok(id) => id.trim().to_string(),
            Err(_) => raw.to_string(),
        };
        if id.is_empty() {
            continue;
        }
        if !valid_id(&id) {
            warnings.push(format!(
                "The embed option “policies” names “{}”, which is not a policy id (letters, digits, -, _ and . only); it was skipped.",
                shorten(&id)
            ));
        } else if ids.len() == MAX_POLICIES {
            warnings.push(format!(
                "The embed option “policies” names more than {MAX_POLICIES} policies; the first {MAX_POLICIES} are shown."
            ));
            break;
        } else if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        warnings.push(
            "The embed option “policies” names no policy; the default policies are shown.".into(),
        );
        return None;
    }
    Some(ids)
}

/// Percent-decodes a fragment value (`+` is a space). Errors say what is wrong.
fn decode(raw: &str) -> Result<String, String> {
    if raw.len() > MAX_PROMPT {
        return Err(format!(
            "it is {} long; at most {} is read",
            share::kb(raw.len()),
            share::kb(MAX_PROMPT)
        ));
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        format!(
                            "“%” at position {} is not followed by two hex digits",
                            i + 1
                        )
                    })?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "it is not percent-encoded UTF-8 text".to_string())
}

/// Percent-encodes `text` for a fragment value: everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A part of the fragment as quoted in a warning: at most 40 characters.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn defaults() -> ShareState {
        ShareState {
            prompt: "default prompt".into(),
            selected: vec!["cost-saver".into(), "quality-first".into()],
            ..Default::default()
        }
    }

    #[test]
    fn only_embed_fragments_have_options() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("#s=abc"), None);
        assert_eq!(parse("#theme=dark"), None);
        assert_eq!(parse("#embed"), Some(EmbedOptions::default()));
        assert_eq!(parse("embed&s=abc"), Some(EmbedOptions::default()));
        // share::is_embed still decides, unchanged.
        assert!(share::is_embed("#s=x&embed") && !share::is_embed("#s=embed"));
    }

    #[test]
    fn every_option_is_read() {
        let o = parse("#embed&policies=cost-saver,balanced&theme=dark&prompt=Plan+a%20trip%20to%20Oslo%20%E2%9C%88&examples=off&readonly&s=xyz").unwrap();
        assert_eq!(
            o,
            EmbedOptions {
                policies: Some(vec!["cost-saver".into(), "balanced".into()]),
                theme: Some(Theme::Dark),
                prompt: Some("Plan a trip to Oslo ✈".into()),
                examples: false,
                read_only: true,
                ..Default::default()
            }
        );
        assert!(!o.show_examples());
        assert_eq!(
            parse("#embed&theme=light").unwrap().theme,
            Some(Theme::Light)
        );
        // readonly hides the examples even when they are asked for.
        let ro = parse("#embed&readonly=yes&examples=on").unwrap();
        assert!(ro.read_only && ro.examples && !ro.show_examples());
        assert!(!parse("#embed&readonly=0").unwrap().read_only);
        assert!(parse("#embed").unwrap().show_examples());
    }

    #[test]
    fn policies_are_trimmed_deduplicated_and_bounded() {
        let o = parse("#embed&policies=%20a%20,b,,a,c").unwrap();
        assert_eq!(o.policies, Some(vec!["a".into(), "b".into(), "c".into()]));
        assert!(o.warnings.is_empty());
        let many: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
        let o = parse(&format!("#embed&policies={}", many.join(","))).unwrap();
        assert_eq!(o.policies.as_ref().unwrap().len(), MAX_POLICIES);
        assert!(o.warnings[0].contains("more than 8"), "{:?}", o.warnings);
        let o = parse("#embed&policies=good,bad%20id,<script>").unwrap();
        assert_eq!(o.policies, Some(vec!["good".into()]));
        assert_eq!(o.warnings.len(), 2, "{:?}", o.warnings);
        assert!(o.warnings[0].contains("“bad id”"), "{:?}", o.warnings);
        let o = parse("#embed&policies=").unwrap();
        assert_eq!(o.policies, None);
        assert!(o.warnings[0].contains("names no policy"));
    }

    #[test]
    fn bad_parts_are_explained_and_the_rest_applies() {
        let o = parse("#embed&theme=blue&prompt=100%&examples=maybe&zoom=2&policies=a").unwrap();
        assert_eq!(o.policies, Some(vec!["a".into()]));
        assert_eq!((o.theme, &o.prompt, o.examples), (None, &None, true));
        let w = o.warnings.join("\n");
        assert_eq!(o.warnings.len(), 4, "{w}");
        assert!(
            w.contains("“theme=blue” was ignored: theme is light or dark"),
            "{w}"
        );
        assert!(w.contains("“%” at position 4"), "{w}");
        assert!(
            w.contains("“examples=maybe” was ignored: use on or off"),
            "{w}"
        );
        assert!(w.contains("“zoom=2” is not known"), "{w}");
        // Not UTF-8, no value, too long.
        let o = parse("#embed&prompt=%FF%FE&prompt").unwrap();
        assert!(
            o.warnings[0].contains("not percent-encoded UTF-8"),
            "{:?}",
            o.warnings
        );
        assert!(o.warnings[1].contains("needs a value"), "{:?}", o.warnings);
        let long = format!("#embed&prompt={}", "a".repeat(MAX_PROMPT + 1));
        let o = parse(&long).unwrap();
        assert!(
            o.prompt.is_none() && o.warnings[0].contains("at most 64 KB"),
            "{:?}",
            o.warnings
        );
        // A long unknown part is quoted shortened.
        let o = parse(&format!("#embed&{}", "x".repeat(500))).unwrap();
        assert!(o.warnings[0].len() < 200 && o.warnings[0].contains('…'));
    }

    #[test]
    fn options_override_the_share_state_and_fill_in_defaults() {
        let o = parse("#embed&policies=balanced&prompt=hi").unwrap();
        let shared = ShareState {
            prompt: "from the link".into(),
            selected: vec!["mine".into()],
            view: View::Batch,
            metadata_json: "{\"tier\":\"pro\"}".into(),
            ..Default::default()
        };
        let s = o.initial_state(Some(shared.clone()), defaults());
        assert_eq!(
            (s.prompt.as_str(), s.selected.clone()),
            ("hi", vec!["balanced".to_string()])
        );
        assert_eq!(s.view, View::Prompt);
        assert_eq!(s.metadata_json, shared.metadata_json);
        // Without options, the link's state (on the prompt view); without a link, the defaults.
        let plain = parse("#embed").unwrap();
        let s = plain.initial_state(Some(shared.clone()), defaults());
        assert_eq!(
            s,
            ShareState {
                view: View::Prompt,
                ..shared
            }
        );
        assert_eq!(plain.initial_state(None, defaults()), defaults());
        let s = parse("#embed&prompt=x")
            .unwrap()
            .initial_state(None, defaults());
        assert_eq!((s.prompt.as_str(), s.selected), ("x", defaults().selected));
    }

    #[test]
    fn audit_options_open_the_audit_view_with_its_inputs() {
        let o = parse("#embed&view=audit&house=Google,provider:bedrock,google,,bad%20name&policy=house-first&reference=balanced").unwrap();
        assert_eq!(o.view, Some(View::Audit));
        assert_eq!(
            o.house,
            Some(vec!["google".into(), "provider:bedrock".into()])
        );
        assert_eq!(o.policy.as_deref(), Some("house-first"));
        assert_eq!(o.reference.as_deref(), Some("balanced"));
        assert_eq!(o.warnings.len(), 1, "{:?}", o.warnings);
        assert!(o.warnings[0].contains("“bad name”"), "{:?}", o.warnings);
        // The options fill the link's audit in, field by field.
        let shared = ShareState {
            audit: Some(AuditShare {
                house: vec!["amazon".into()],
                policy: "mine".into(),
                reference: None,
            }),
            ..Default::default()
        };
        let s = parse("#embed&view=audit&reference=balanced")
            .unwrap()
            .initial_state(Some(shared.clone()), defaults());
        assert_eq!(s.view, View::Audit);
        assert_eq!(
            s.audit,
            Some(AuditShare {
                house: vec!["amazon".into()],
                policy: "mine".into(),
                reference: Some("balanced".into()),
            })
        );
        // A link on the Audit view opens it; view=prompt wins over the link; other views are
        // shown as the prompt.
        let on_audit = ShareState {
            view: View::Audit,
            ..shared
        };
        let plain = parse("#embed").unwrap();
        assert_eq!(
            plain.initial_state(Some(on_audit.clone()), defaults()).view,
            View::Audit
        );
        assert_eq!(
            parse("#embed&view=prompt")
                .unwrap()
                .initial_state(Some(on_audit), defaults())
                .view,
            View::Prompt
        );
        // Bad values are explained and skipped.
        let o = parse("#embed&view=batch&house=&policy=a%20b&reference").unwrap();
        assert_eq!(
            (o.view, &o.house, &o.policy, &o.reference),
            (None, &None, &None, &None)
        );
        let w = o.warnings.join("\n");
        assert_eq!(o.warnings.len(), 4, "{w}");
        assert!(w.contains("view is prompt or audit"), "{w}");
        assert!(w.contains("names no maker or provider"), "{w}");
        assert!(w.contains("“policy=a%20b” was ignored"), "{w}");
        assert!(w.contains("“reference” was ignored"), "{w}");
    }

    #[test]
    fn to_fragment_reads_back() {
        let o = EmbedOptions {
            policies: Some(vec!["cost-saver".into(), "balanced".into()]),
            theme: Some(Theme::Light),
            prompt: Some("a+b & c=d %20 ✓\n".into()),
            examples: false,
            read_only: true,
            ..Default::default()
        };
        let f = o.to_fragment();
        assert!(
            f.starts_with("embed&policies=cost-saver,balanced&theme=light&prompt=a%2Bb%20%26"),
            "{f}"
        );
        assert_eq!(parse(&f), Some(o));
        let o = EmbedOptions {
            view: Some(View::Audit),
            house: Some(vec!["google".into(), "provider:vertex".into()]),
            policy: Some("house-first".into()),
            reference: Some("balanced".into()),
            ..Default::default()
        };
        let f = o.to_fragment();
        assert_eq!(
            f,
            "embed&view=audit&house=google,provider:vertex&policy=house-first&reference=balanced"
        );
        assert_eq!(parse(&f), Some(o));
        assert_eq!(EmbedOptions::default().to_fragment(), "embed");
    }

    fn options() -> impl Strategy<Value = EmbedOptions> {
        (
            proptest::option::of(proptest::collection::vec("[a-z0-9._-]{1,12}", 1..6)),
            proptest::option::of(prop_oneof![Just(Theme::Light), Just(Theme::Dark)]),
            proptest::option::of(any::<String>()),
            any::<bool>(),
            any::<bool>(),
            (
                proptest::option::of(prop_oneof![Just(View::Prompt), Just(View::Audit)]),
                proptest::option::of(proptest::collection::btree_set(
                    "((maker|provider):)?[a-z0-9._-]{1,12}",
                    1..MAX_HOUSE,
                )),
                proptest::option::of("[a-z0-9._-]{1,12}"),
                proptest::option::of("[a-zA-Z0-9._-]{1,12}"),
            ),
        )
            .prop_map(
                |(
                    policies,
                    theme,
                    prompt,
                    examples,
                    read_only,
                    (view, house, policy, reference),
                )| EmbedOptions {
                    view,
                    house: house.map(|h| h.into_iter().collect()),
                    policy,
                    reference,
                    policies: policies.map(|mut v| {
                        let mut seen = Vec::new();
                        v.retain(|id| {
                            !seen.contains(id) && {
                                seen.push(id.clone());
                                true
                            }
                        });
                        v
                    }),
                    theme,
                    prompt,
                    examples,
                    read_only,
                    warnings: vec![],
                },
            )
    }

    proptest! {
        /// No fragment panics, and every warning is a sentence of bounded length.
        #[test]
        fn no_fragment_panics(s in any::<String>()) {
            let _ = parse(&s);
            if let Some(o) = parse(&format!("#embed&{s}")) {
                for w in &o.warnings {
                    prop_assert!(w.ends_with('.') && w.len() < 400, "{}", w);
                }
                let _ = o.initial_state(None, defaults());
            }
        }

        /// Fragments made of the option syntax itself (keys, =, &, %, +, commas) never panic.
        #[test]
        fn option_shaped_fragments_never_panic(
            s in "(embed|policies|theme|prompt|examples|readonly|s|=|&|,|%[0-9A-Fa-f]{0,2}|\\+|[a-z]{1,3}|é|✓){0,30}"
        ) {
            let _ = parse(&s);
            let _ = parse(&format!("embed&{s}"));
        }

        /// Whatever options are written, they are read back unchanged.
        #[test]
        fn written_options_read_back(o in options()) {
            prop_assert_eq!(parse(&o.to_fragment()), Some(o));
        }
    }
}
