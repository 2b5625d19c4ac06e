//! Error classification into kinds a user understands, and the fallback decision.

use crate::presets::WireFormat;
use serde_json::Value;

/// What went wrong, in user terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No key entered for this provider.
    MissingKey,
    /// The key was refused (401, Gemini 400 `API_KEY_INVALID`).
    BadKey,
    /// The key is valid but not allowed to do this (403).
    Forbidden,
    /// Too many requests right now (429 that is not a quota problem).
    RateLimited,
    /// Out of quota or credits (OpenAI `insufficient_quota`, OpenRouter 402).
    OutOfQuota,
    /// The provider is overloaded (529, 503, `overloaded_error`).
    Overloaded,
    /// Any other 5xx.
    ServerError,
    /// The request was rejected as malformed (400/422).
    BadRequest,
    /// Unknown model or wrong endpoint path (404).
    NotFound,
    /// The browser refused the request (CORS) or the network is unreachable.
    Network,
    /// No answer within the time limit.
    Timeout,
    /// The user cancelled.
    Cancelled,
    /// The app refused to send the key to this host (allow-list).
    HostNotAllowed,
    /// The answer could not be read.
    BadResponse,
    /// The stream ended without the provider's end marker or a finish reason (cut off).
    Incomplete,
    /// The response broke a size limit (a line, an event, the body, the answer, an error body).
    TooLarge,
    /// The run's total time limit passed while the answer was still coming.
    TimeLimit,
    /// Not sent: the key holds a character that cannot go into an HTTP header (a local problem,
    /// `detail` says which character and where).
    LocalKey,
    /// Not sent: the request could not be built here (`detail` says why).
    LocalRequest,
}

impl ErrorKind {
    /// True for problems found in the page before anything was sent: never the provider's fault.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            ErrorKind::MissingKey
                | ErrorKind::HostNotAllowed
                | ErrorKind::LocalKey
                | ErrorKind::LocalRequest
        )
    }
}

/// A classified error. `detail` is the provider's own message, key-redacted and shortened.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProviderError {
    /// Kind.
    pub kind: ErrorKind,
    /// HTTP status when there was a response.
    pub status: Option<u16>,
    /// Seconds to wait, when the provider said so in a readable way.
    pub retry_after_secs: Option<f64>,
    /// The provider's message (redacted, at most 300 characters).
    pub detail: Option<String>,
    /// The error arrived after part of the answer had streamed.
    pub mid_stream: bool,
}

impl ProviderError {
    /// A bare error of this kind.
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            status: None,
            retry_after_secs: None,
            detail: None,
            mid_stream: false,
        }
    }

    /// The sentence shown to the user, naming the provider.
    pub fn user_message(&self, provider: &str) -> String {
        let mut s = match self.kind {
            ErrorKind::MissingKey => format!("No key entered for {provider}: add one in the keys panel."),
            ErrorKind::BadKey => format!("{provider} refused the key: it is wrong, revoked or for another provider. Check it in the keys panel."),
            ErrorKind::Forbidden => format!("{provider} accepted the key but does not allow this request (permissions, region, or browser access disabled for your organisation)."),
            ErrorKind::RateLimited => format!("{provider} is rate-limiting this key: too many requests right now."),
            ErrorKind::OutOfQuota => format!("{provider} says this account is out of quota or credits: add credits or raise the limit; retrying will not help."),
            ErrorKind::Overloaded => format!("{provider} is overloaded right now; try again shortly or use another model."),
            ErrorKind::ServerError => format!("{provider} had a server error."),
            ErrorKind::BadRequest => format!("{provider} rejected the request as invalid."),
            ErrorKind::NotFound => format!("{provider} does not know this model (or the endpoint address is wrong)."),
            ErrorKind::Network => format!("Could not reach {provider}: the browser blocked the request (CORS, or this page's Content-Security-Policy) or the network is unreachable. This is not a problem with your key."),
            ErrorKind::Timeout => format!("{provider} sent no answer text within the timeout."),
            ErrorKind::Cancelled => "Cancelled.".to_string(),
            ErrorKind::HostNotAllowed => format!("Not sent: the {provider} key is bound to another address. Re-enter the key for this endpoint."),
            ErrorKind::BadResponse => format!("{provider} sent an answer that could not be read."),
            ErrorKind::Incomplete => format!("{provider} closed the stream before the end of the answer (no end marker or finish reason)."),
            ErrorKind::TooLarge => format!(
                "Stopped reading {provider}'s answer: {}.",
                self.detail.as_deref().unwrap_or("it broke a size limit")
            ),
            ErrorKind::TimeLimit => format!("{provider} was still answering when the run's time limit passed; stopped."),
            ErrorKind::LocalKey => format!(
                "The key for {provider} contains a character that cannot be sent in an HTTP header ({}). Paste it again. Nothing was sent.",
                self.detail.as_deref().unwrap_or("an invalid character")
            ),
            ErrorKind::LocalRequest => format!(
                "Not sent to {provider}: {}.",
                self.detail.as_deref().unwrap_or("the request could not be built")
            ),
        };
        let own_detail = matches!(
            self.kind,
            ErrorKind::TooLarge | ErrorKind::LocalKey | ErrorKind::LocalRequest
        );
        if let Some(r) = self.retry_after_secs {
            s.push_str(&format!(" Retry after {} s.", r.ceil() as u64));
        }
        if self.mid_stream {
            s.push_str(
                " The stream broke off midway: the partial answer is kept above, marked PARTIAL.",
            );
        }
        if let Some(d) = self.detail.as_ref().filter(|_| !own_detail) {
            if !d.is_empty() {
                s.push_str(&format!(" (Provider said: {d})"));
            }
        }
        s
    }
}

/// Should a fallback chain move on to the next model after this error?
///
/// Yes for transient or availability problems tied to this model/provider: rate limit, overload,
/// 5xx, timeout, time limit, network/CORS failure, a stream closed before any text, a missing
/// key, the key bound elsewhere, a model the provider does not know (404: a catalog/API name
/// mismatch the next model may not have), and local problems with this provider's key or request
/// (nothing was sent; another provider's key may be fine). No for a bad key, quota/credits, an
/// invalid request, an oversized response, cancel, or any error after text was already shown
/// (the partial answer is kept instead of silently paying twice).
pub fn should_fall_back(e: &ProviderError) -> bool {
    if e.mid_stream {
        return false;
    }
    matches!(
        e.kind,
        ErrorKind::RateLimited
            | ErrorKind::Overloaded
            | ErrorKind::ServerError
            | ErrorKind::Timeout
            | ErrorKind::Network
            | ErrorKind::MissingKey
            | ErrorKind::HostNotAllowed
            | ErrorKind::NotFound
            | ErrorKind::Incomplete
            | ErrorKind::TimeLimit
            | ErrorKind::LocalKey
            | ErrorKind::LocalRequest
    )
}

/// Parse a `Retry-After` (seconds) or `retry-after-ms` header value. HTTP dates are not read
/// (the caller then backs off exponentially).
pub fn parse_retry_after(retry_after: Option<&str>, retry_after_ms: Option<&str>) -> Option<f64> {
    if let Some(ms) = retry_after_ms.and_then(|v| v.trim().parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(ms / 1000.0);
        }
    }
    retry_after
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
}

/// Classify an HTTP error response. `retry_after` is the already-parsed header, if readable.
pub fn classify_http(
    format: WireFormat,
    status: u16,
    retry_after: Option<f64>,
    body: &str,
) -> ProviderError {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let (etype, code, message) = error_fields(&v);
    let lower = body.to_ascii_lowercase();
    let kind = match status {
        401 => ErrorKind::BadKey,
        400 | 429 if lower.contains("credit balance is too low") => ErrorKind::OutOfQuota,
        400 if lower.contains("api_key_invalid")
            || lower.contains("api key not valid")
            || lower.contains("invalid api key")
            || etype == "authentication_error" =>
        {
            ErrorKind::BadKey
        }
        403 if format == WireFormat::Gemini && lower.contains("api_key") => ErrorKind::BadKey,
        403 => ErrorKind::Forbidden,
        402 => ErrorKind::OutOfQuota,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        429 if code == "insufficient_quota"
            || etype == "insufficient_quota"
            || lower.contains("insufficient_quota")
            || lower.contains("credit balance is too low") =>
        {
            ErrorKind::OutOfQuota
        }
        429 => ErrorKind::RateLimited,
        400 | 413 | 422 => ErrorKind::BadRequest,
        503 | 529 => ErrorKind::Overloaded,
        500..=599 if etype == "overloaded_error" => ErrorKind::Overloaded,
        500..=599 => ErrorKind::ServerError,
        _ if etype == "overloaded_error" => ErrorKind::Overloaded,
        _ => ErrorKind::BadResponse,
    };
    let retry = retry_after.or_else(|| gemini_retry_delay(&v));
    ProviderError {
        kind,
        status: Some(status),
        retry_after_secs: if matches!(kind, ErrorKind::RateLimited | ErrorKind::Overloaded) {
            retry
        } else {
            None
        },
        detail: message.map(|m| shorten(&redact_secrets(&m))),
        mid_stream: false,
    }
}

/// Classify an error object that arrived inside a stream (OpenRouter `error` under HTTP 200,
/// Anthropic `event: error`, a Gemini `error` chunk).
pub fn classify_stream_error(v: &Value, text_seen: bool) -> ProviderError {
    let (etype, code, message) = error_fields(v);
    let num = v
        .get("error")
        .and_then(|e| e.get("code"))
        .and_then(Value::as_u64);
    let kind = match (etype.as_str(), code.as_str(), num) {
        ("overloaded_error", _, _) | (_, _, Some(529 | 503)) => ErrorKind::Overloaded,
        ("rate_limit_error", _, _) | (_, _, Some(429)) => ErrorKind::RateLimited,
        (_, "insufficient_quota", _) | (_, _, Some(402)) => ErrorKind::OutOfQuota,
        ("authentication_error", _, _) | (_, _, Some(401)) => ErrorKind::BadKey,
        ("api_error", _, _) | (_, _, Some(500..=599)) => ErrorKind::ServerError,
        ("invalid_request_error", _, _) | (_, _, Some(400)) => ErrorKind::BadRequest,
        _ => ErrorKind::ServerError,
    };
    ProviderError {
        kind,
        status: None,
        retry_after_secs: None,
        detail: message.map(|m| shorten(&redact_secrets(&m))),
        mid_stream: text_seen,
    }
}

/// The error for a `fetch` that rejected (CORS refusal or unreachable network look identical to
/// page code) — never reported as a bad key.
pub fn network_error() -> ProviderError {
    ProviderError::new(ErrorKind::Network)
}

/// (type, code, message) from `{"error":{…}}`, `{"type":"error","error":{…}}` or a Gemini
/// `{"error":{"status","message"}}`.
fn error_fields(v: &Value) -> (String, String, Option<String>) {
    let e = v.get("error").unwrap_or(&Value::Null);
    let s = |x: Option<&Value>| x.and_then(Value::as_str).unwrap_or("").to_string();
    let etype = if e.is_object() {
        s(e.get("type"))
    } else {
        String::new()
    };
    let code = match e.get("code") {
        Some(Value::String(c)) => c.clone(),
        _ => s(e.get("status")),
    };
    let message = e
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| e.as_str())
        .or_else(|| v.get("message").and_then(Value::as_str))
        .map(str::to_string);
    (etype, code, message)
}

/// Gemini puts `RetryInfo.retryDelay` (e.g. `"27s"`) in `error.details`.
fn gemini_retry_delay(v: &Value) -> Option<f64> {
    v.get("error")?
        .get("details")?
        .as_array()?
        .iter()
        .find_map(|d| {
            d.get("retryDelay")?
                .as_str()?
                .trim_end_matches('s')
                .parse::<f64>()
                .ok()
        })
}

fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 300 {
        let mut t: String = s.chars().take(300).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

/// Remove anything that looks like an API key from a provider message (providers sometimes
/// echo a masked key back: "Incorrect API key provided: te***ey").
pub fn redact_secrets(s: &str) -> String {
    s.split_inclusive(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
        .map(|word| {
            let core = word.trim_end_matches(|c: char| {
                c.is_whitespace() || c == '"' || c == '\'' || c == ',' || c == '.'
            });
            let tail = &word[core.len()..];
            let looks_secret = ["sk-", "sk_", "AIza", "gsk_", "xai-", "pk-", "key-"]
                .iter()
                .any(|p| core.starts_with(p))
                // A masked key echoed back ("te***ey").
                || core.contains("**")
                || (core.len() >= 24
                    && core
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*'))
                    && core.chars().any(|c| c.is_ascii_digit()));
            if looks_secret {
                format!("[redacted]{tail}")
            } else {
                word.to_string()
            }
        })
        .collect()
}

/// Replace every occurrence of the given keys in `s` (belt and braces before showing or logging).
pub fn scrub_keys(s: &str, keys: &[&str]) -> String {
    let mut out = s.to_string();
    for k in keys.iter().map(|k| k.trim()).filter(|k| k.len() >= 4) {
        out = out.replace(k, "[redacted]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use WireFormat::*;

    #[test]
    fn classification_table() {
        let c = |f, s, b: &str| classify_http(f, s, None, b).kind;
        assert_eq!(
            c(
                OpenAiChat,
                401,
                r#"{"error":{"message":"Incorrect API key provided: te***ey","type":"invalid_request_error","code":"invalid_api_key"}}"#
            ),
            ErrorKind::BadKey
        );
        assert_eq!(
            c(
                Gemini,
                400,
                r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}"#
            ),
            ErrorKind::BadKey
        );
        assert_eq!(
            c(
                Gemini,
                400,
                r#"{"error":{"code":400,"message":"bad field","status":"INVALID_ARGUMENT"}}"#
            ),
            ErrorKind::BadRequest
        );
        assert_eq!(
            c(
                OpenAiChat,
                429,
                r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#
            ),
            ErrorKind::OutOfQuota
        );
        assert_eq!(
            c(
                OpenAiChat,
                429,
                r#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#
            ),
            ErrorKind::RateLimited
        );
        assert_eq!(
            c(
                OpenAiChat,
                402,
                r#"{"error":{"code":402,"message":"Insufficient credits"}}"#
            ),
            ErrorKind::OutOfQuota
        );
        assert_eq!(
            c(
                Anthropic,
                529,
                r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
            ),
            ErrorKind::Overloaded
        );
        assert_eq!(
            c(
                Anthropic,
                401,
                r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#
            ),
            ErrorKind::BadKey
        );
        assert_eq!(c(OpenAiChat, 503, ""), ErrorKind::Overloaded);
        assert_eq!(c(OpenAiChat, 500, "oops"), ErrorKind::ServerError);
        assert_eq!(c(OpenAiChat, 404, ""), ErrorKind::NotFound);
        assert_eq!(
            c(
                Anthropic,
                400,
                r#"{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}"#
            ),
            ErrorKind::OutOfQuota
        );
    }

    #[test]
    fn retry_after() {
        assert_eq!(parse_retry_after(Some("7"), None), Some(7.0));
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT"), None),
            None
        );
        assert_eq!(parse_retry_after(Some("7"), Some("1500")), Some(1.5));
        let e = classify_http(OpenAiChat, 429, Some(3.0), "{}");
        assert_eq!(e.retry_after_secs, Some(3.0));
        assert!(e.user_message("OpenAI").contains("Retry after 3 s"));
        let g = classify_http(
            Gemini,
            429,
            None,
            r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"slow down","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"27s"}]}}"#,
        );
        assert_eq!(
            (g.kind, g.retry_after_secs),
            (ErrorKind::RateLimited, Some(27.0))
        );
    }

    #[test]
    fn fallback_rules() {
        for k in [
            ErrorKind::RateLimited,
            ErrorKind::Overloaded,
            ErrorKind::ServerError,
            ErrorKind::Timeout,
            ErrorKind::Network,
            ErrorKind::MissingKey,
            ErrorKind::NotFound,
        ] {
            assert!(should_fall_back(&ProviderError::new(k)), "{k:?}");
        }
        for k in [
            ErrorKind::BadKey,
            ErrorKind::OutOfQuota,
            ErrorKind::BadRequest,
            ErrorKind::Cancelled,
        ] {
            assert!(!should_fall_back(&ProviderError::new(k)), "{k:?}");
        }
        let mut e = ProviderError::new(ErrorKind::Overloaded);
        e.mid_stream = true;
        assert!(!should_fall_back(&e));
    }

    #[test]
    fn network_is_never_bad_key() {
        let m = network_error().user_message("OpenAI");
        assert!(m.contains("CORS") && m.contains("not a problem with your key"));
    }

    #[test]
    fn secrets_are_redacted() {
        let e = classify_http(
            OpenAiChat,
            401,
            None,
            r#"{"error":{"message":"Incorrect API key provided: sk-test-key. You can find your API key at https://platform.openai.com."}}"#,
        );
        let d = e.detail.unwrap();
        assert!(!d.contains("sk-test-key"), "{d}");
        assert!(d.contains("[redacted]. You can find"));
        assert_eq!(
            redact_secrets("provided: te***ey. You"),
            "provided: [redacted]. You"
        );
        assert_eq!(
            scrub_keys("x test-key-openai y", &["test-key-openai"]),
            "x [redacted] y"
        );
    }

    #[test]
    fn in_stream_errors() {
        let v: Value = serde_json::from_str(
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .unwrap();
        let e = classify_stream_error(&v, true);
        assert_eq!(e.kind, ErrorKind::Overloaded);
        assert!(e.mid_stream);
        let v: Value = serde_json::from_str(r#"{"id":"x","error":{"code":502,"message":"Provider returned error"},"choices":[{"delta":{"content":""},"finish_reason":"error"}]}"#).unwrap();
        assert_eq!(
            classify_stream_error(&v, false).kind,
            ErrorKind::ServerError
        );
    }
}
