//! A small reader for the block-style YAML subset LiteLLM configs are written in: nested
//! mappings and `- ` sequences by indentation, flow sequences `[a, b]`, flow mappings on one
//! line, plain / single- / double-quoted scalars and `#` comments. Anchors, tags, multi-line
//! scalars and multiple documents are refused with a line number. JSON input is read as JSON.

use serde_json::{Map, Value};

/// Parses the subset into JSON values; an error names the line.
pub fn parse(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| format!("JSON: {e}"));
    }
    let lines: Vec<(usize, usize, String)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let body = strip_comment(l);
            if body.trim().is_empty() || body.trim() == "---" {
                return None;
            }
            let indent = body.len() - body.trim_start().len();
            Some((i + 1, indent, body.trim_end().to_string()))
        })
        .collect();
    for (n, _, l) in &lines {
        let t = l.trim_start();
        if t.starts_with('&')
            || t.starts_with('*')
            || t.contains(": &")
            || t.contains(": *")
            || t.contains(" !")
            || t.ends_with('|')
            || t.ends_with('>')
        {
            return Err(format!(
                "line {n}: anchors, tags and block scalars are not supported"
            ));
        }
        if l[..l.len() - t.len()].contains('\t') {
            return Err(format!("line {n}: tabs in indentation"));
        }
    }
    let mut pos = 0;
    if lines.is_empty() {
        return Ok(Value::Null);
    }
    let v = block(&lines, &mut pos, lines[0].1)?;
    if pos < lines.len() {
        return Err(format!("line {}: unexpected indentation", lines[pos].0));
    }
    Ok(v)
}

fn strip_comment(l: &str) -> &str {
    let (mut sq, mut dq) = (false, false);
    let b = l.as_bytes();
    for (i, c) in l.char_indices() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq && (i == 0 || b[i - 1] != b'\\') => dq = !dq,
            '#' if !sq && !dq && (i == 0 || b[i - 1] == b' ') => return &l[..i],
            _ => {}
        }
    }
    l
}

fn block(
    lines: &[(usize, usize, String)],
    pos: &mut usize,
    indent: usize,
) -> Result<Value, String> {
    let first = lines[*pos].2.trim_start();
    if first.starts_with("- ") || first == "-" {
        let mut out = Vec::new();
        while *pos < lines.len() && lines[*pos].1 == indent {
            let (n, _, l) = &lines[*pos];
            let t = l.trim_start();
            if !(t.starts_with("- ") || t == "-") {
                return Err(format!("line {n}: expected a `- ` item"));
            }
            let rest = t[1..].trim_start();
            if rest.is_empty() {
                *pos += 1;
                if *pos < lines.len() && lines[*pos].1 > indent {
                    out.push(block(lines, pos, lines[*pos].1)?);
                } else {
                    out.push(Value::Null);
                }
            } else if key_value(rest).is_some() && !rest.starts_with('{') {
                // A mapping item: its first key on the dash line, the rest indented below.
                let inner = indent + (t.len() - rest.len()) + (l.len() - t.len() - indent);
                let mut sub: Vec<(usize, usize, String)> =
                    vec![(*n, inner, format!("{}{}", " ".repeat(inner), rest))];
                *pos += 1;
                while *pos < lines.len() && lines[*pos].1 > indent {
                    sub.push(lines[*pos].clone());
                    *pos += 1;
                }
                let mut p = 0;
                out.push(block(&sub, &mut p, inner)?);
                if p < sub.len() {
                    return Err(format!("line {}: unexpected indentation", sub[p].0));
                }
            } else {
                out.push(scalar(rest, *n)?);
                *pos += 1;
            }
        }
        return Ok(Value::Array(out));
    }
    let mut map = Map::new();
    while *pos < lines.len() && lines[*pos].1 == indent {
        let (n, _, l) = &lines[*pos];
        let t = l.trim_start();
        let Some((k, v)) = key_value(t) else {
            return Err(format!("line {n}: expected `key: value`"));
        };
        let key = unquote(k);
        *pos += 1;
        if v.is_empty() {
            if *pos < lines.len() && lines[*pos].1 > indent {
                let ind = lines[*pos].1;
                map.insert(key, block(lines, pos, ind)?);
            } else if *pos < lines.len()
                && lines[*pos].1 == indent
                && lines[*pos].2.trim_start().starts_with("- ")
            {
                map.insert(key, block(lines, pos, indent)?);
            } else {
                map.insert(key, Value::Null);
            }
        } else {
            map.insert(key, scalar(v, *n)?);
        }
    }
    Ok(Value::Object(map))
}

fn key_value(t: &str) -> Option<(&str, &str)> {
    let (mut sq, mut dq, mut depth) = (false, false, 0i32);
    for (i, c) in t.char_indices() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '[' | '{' if !sq && !dq => depth += 1,
            ']' | '}' if !sq && !dq => depth -= 1,
            ':' if !sq && !dq && depth == 0 => {
                let rest = &t[i + 1..];
                if rest.is_empty() || rest.starts_with(' ') {
                    return Some((t[..i].trim(), rest.trim()));
                }
            }
            _ => {}
        }
    }
    None
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        serde_json::from_str(s).unwrap_or_else(|_| s[1..s.len() - 1].to_string())
    } else if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        s[1..s.len() - 1].replace("''", "'")
    } else {
        s.to_string()
    }
}

fn scalar(s: &str, line: usize) -> Result<Value, String> {
    let s = s.trim();
    if s.starts_with('[') || s.starts_with('{') {
        return flow(s, line);
    }
    if s.starts_with('"') || s.starts_with('\'') {
        return Ok(Value::String(unquote(s)));
    }
    Ok(match s {
        "true" | "True" => Value::Bool(true),
        "false" | "False" => Value::Bool(false),
        "null" | "~" | "None" => Value::Null,
        _ => match s.parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => match s.parse::<f64>() {
                Ok(x) if x.is_finite() => Value::from(x),
                _ => Value::String(s.to_string()),
            },
        },
    })
}

fn split_flow(inner: &str) -> Vec<&str> {
    let (mut sq, mut dq, mut depth, mut start) = (false, false, 0i32, 0);
    let mut out = Vec::new();
    for (i, c) in inner.char_indices() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '[' | '{' if !sq && !dq => depth += 1,
            ']' | '}' if !sq && !dq => depth -= 1,
            ',' if !sq && !dq && depth == 0 => {
                out.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = inner[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

fn flow(s: &str, line: usize) -> Result<Value, String> {
    let close = if s.starts_with('[') { ']' } else { '}' };
    if !s.ends_with(close) {
        return Err(format!(
            "line {line}: a flow collection must close on its line"
        ));
    }
    let inner = &s[1..s.len() - 1];
    if close == ']' {
        let items: Result<Vec<Value>, String> = split_flow(inner)
            .into_iter()
            .map(|x| scalar(x, line))
            .collect();
        Ok(Value::Array(items?))
    } else {
        let mut m = Map::new();
        for part in split_flow(inner) {
            let Some((k, v)) = key_value(part) else {
                return Err(format!(
                    "line {line}: expected `key: value` in a flow mapping"
                ));
            };
            m.insert(unquote(k), scalar(v, line)?);
        }
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_litellm_config() {
        let y = "# c\nmodel_list:\n  - model_name: \"a\"   # x\n    litellm_params:\n      model: openai/gpt-4o\n      weight: 2\n  - model_name: b\n    litellm_params: {model: 'x', rpm: 10}\nrouter_settings:\n  num_retries: 0\n  fallbacks:\n    - \"a\": [\"b\", c]\n";
        let v = parse(y).unwrap();
        assert_eq!(
            v,
            json!({"model_list": [
                {"model_name": "a", "litellm_params": {"model": "openai/gpt-4o", "weight": 2}},
                {"model_name": "b", "litellm_params": {"model": "x", "rpm": 10}}],
              "router_settings": {"num_retries": 0, "fallbacks": [{"a": ["b", "c"]}]}})
        );
    }

    #[test]
    fn refuses_what_it_does_not_read_with_a_line() {
        assert!(parse("a: &x 1\n").unwrap_err().starts_with("line 1"));
        assert!(parse("a:\n  b: [1, 2\n").unwrap_err().starts_with("line 2"));
    }
}
