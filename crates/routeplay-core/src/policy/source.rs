//! Reading and rewriting a policy's `name` in its source text, without parsing the whole file:
//! the name is a policy's identity in the app, and it must be readable while the rest of the
//! file is half-typed (and so not valid TOML).

/// The longest policy name accepted as an identity, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Where the top-level `name = ...` line is: its byte range (without the line break) and the
/// name it declares. Only lines before the first table header (`[...]`) count: a rule's
/// `name` is not the policy's.
fn name_line(source: &str) -> Option<(std::ops::Range<usize>, Option<String>)> {
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim_start();
        if t.starts_with('[') {
            return None;
        }
        let is_name = t
            .strip_prefix("name")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_name {
            let value = toml::from_str::<toml::Table>(t)
                .ok()
                .and_then(|tbl| tbl.get("name")?.as_str().map(str::to_string));
            return Some((start..start + body.len(), value));
        }
        start += line.len();
    }
    None
}

/// The name the source declares (`name = "..."` at the top level), when it declares one that
/// can be read (a string on its own line).
pub fn declared_name(source: &str) -> Option<String> {
    name_line(source).and_then(|(_, n)| n)
}

/// The source with its top-level name set to `name`: the `name = ...` line is replaced (its
/// indentation kept), or, when there is none, a line is added before the first line that is
/// not a comment or blank. Everything else is left byte for byte.
pub fn with_name(source: &str, name: &str) -> String {
    let value = basic_string(name);
    if let Some((range, _)) = name_line(source) {
        let line = &source[range.clone()];
        let indent = &line[..line.len() - line.trim_start().len()];
        return format!(
            "{}{indent}name = {value}{}",
            &source[..range.start],
            &source[range.end..]
        );
    }
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#')) {
            break;
        }
        at += line.len();
    }
    let (head, tail) = source.split_at(at);
    let sep = if head.is_empty() || head.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    format!("{head}{sep}name = {value}\n{tail}")
}

/// `s` as a TOML basic string (quoted, with `"`, `\\` and control characters escaped).
fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Why `name` cannot identify a policy, if it cannot.
pub fn name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("a policy needs a name: write name = \"…\" at the top".into());
    }
    if name.trim() != name {
        return Some("a policy's name cannot start or end with spaces".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Some(format!(
            "a policy's name may be at most {MAX_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Some("a policy's name cannot contain control characters".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_name_is_read_even_when_the_rest_is_not_toml() {
        assert_eq!(
            declared_name("# c\nname = \"mine\"\n[[rule]\nwhen = '").as_deref(),
            Some("mine")
        );
        assert_eq!(declared_name("name='lit' # x\n").as_deref(), Some("lit"));
        assert_eq!(
            declared_name("name = \"a \\\"q\\\"\"\n").as_deref(),
            Some("a \"q\"")
        );
        // A rule's name is not the policy's.
        assert_eq!(declared_name("[[rule]]\nname = \"r\"\n"), None);
        // Half-typed: no name yet.
        assert_eq!(declared_name("name = \"unfinished\n"), None);
        assert_eq!(declared_name("names = \"x\"\n"), None);
        assert_eq!(declared_name(""), None);
    }

    #[test]
    fn with_name_replaces_only_the_name_line() {
        let src =
            "# header\nname = \"old\"  # keep?\ndescription = \"d\"\n[[rule]]\nname = \"r\"\n";
        let out = with_name(src, "new-1");
        assert_eq!(
            out,
            "# header\nname = \"new-1\"\ndescription = \"d\"\n[[rule]]\nname = \"r\"\n"
        );
        assert_eq!(declared_name(&out).as_deref(), Some("new-1"));
        // Quotes are escaped.
        assert_eq!(
            declared_name(&with_name(src, "say \"hi\"")).as_deref(),
            Some("say \"hi\"")
        );
        // CRLF line ends are kept.
        assert_eq!(
            with_name("name = \"a\"\r\nx = 1\r\n", "b"),
            "name = \"b\"\r\nx = 1\r\n"
        );
    }

    #[test]
    fn with_name_adds_a_line_after_the_leading_comments() {
        assert_eq!(
            with_name("# about\n\n[default]\nmodel = \"m\"\n", "p"),
            "# about\n\nname = \"p\"\n[default]\nmodel = \"m\"\n"
        );
        assert_eq!(with_name("", "p"), "name = \"p\"\n");
        assert_eq!(with_name("# only", "p"), "# only\nname = \"p\"\n");
        // A rule's name is left alone; the policy gets its own.
        let out = with_name("[[rule]]\nname = \"r\"\n", "p");
        assert_eq!(out, "name = \"p\"\n[[rule]]\nname = \"r\"\n");
    }

    #[test]
    fn names_must_be_usable_as_identities() {
        assert!(name_problem("my-policy").is_none());
        assert!(name_problem("Ünïcode ok").is_none());
        assert!(name_problem("").unwrap().contains("needs a name"));
        assert!(name_problem("  ").is_some());
        assert!(name_problem(" x").unwrap().contains("spaces"));
        assert!(name_problem(&"x".repeat(81)).unwrap().contains("80"));
        assert!(name_problem("a\u{7}b").is_some());
    }
}
