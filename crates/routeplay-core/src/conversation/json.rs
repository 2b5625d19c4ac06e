//! Small helpers shared by the format readers: typed access to JSON fields with errors that
//! name the path (`messages[2].content`).

use serde_json::{Map, Value};

/// The object at `v`, or an error naming `path`.
pub(crate) fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{path}: expected an object, found {}", kind(v)))
}

/// The list at `v`, or an error naming `path`.
pub(crate) fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{path}: expected a list, found {}", kind(v)))
}

/// The string field `key` of `o` (`None` when absent or null), or an error when it is not a
/// string.
pub(crate) fn opt_str<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(format!(
            "{path}.{key}: expected a string, found {}",
            kind(v)
        )),
    }
}

/// The required string field `key` of `o`.
pub(crate) fn req_str<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a str, String> {
    opt_str(o, key, path)?.ok_or_else(|| format!("{path}: missing \"{key}\""))
}

/// What kind of JSON value `v` is, in words.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `v` as JSON text (a string value as is), for tool arguments and schemas.
pub(crate) fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
