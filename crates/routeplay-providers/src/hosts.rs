//! Which host a key may be sent to.
//!
//! A key is bound to the *origin* (scheme, host, port) of the endpoint that was in effect when the
//! user typed it. Before every request the app calls [`key_may_be_sent`]: a key goes only to its
//! own origin, so changing a provider's endpoint never silently ships an existing key elsewhere.
//!
//! Endpoints must be `https`, except the loopback hosts `localhost` and `127.0.0.1`, which may
//! use plain `http` (Ollama, LM Studio, llama.cpp, vLLM, a local proxy, the test server). Base
//! URLs may not carry user info, a query or a fragment, so no secret can ride in a URL.
//!
//! The loopback set is exactly what the page's Content-Security-Policy allows in `connect-src`
//! (`http://localhost:*`, `http://127.0.0.1:*` in `index.html`): an address accepted here but
//! blocked there would only ever fail as a "network" error. IPv6 literals (`[::1]`) are refused
//! because a CSP source expression cannot name one (its host grammar has no brackets), so no
//! page could allow them; other `127.x.x.x` addresses and `*.localhost` names are refused
//! because the CSP does not list them.

/// Why a base URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// Not `http://` or `https://`.
    Scheme,
    /// `http://` to a host that is not loopback.
    InsecureRemote,
    /// Empty or malformed host, or a bad port.
    Host,
    /// `user:pass@`, `?query` or `#fragment` present.
    ExtraParts,
    /// An IPv6 literal such as `[::1]`: a Content-Security-Policy cannot allow one.
    Ipv6Literal,
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UrlError::Scheme => "the address must start with https:// (or http:// for this computer)",
            UrlError::InsecureRemote => {
                "plain http:// is only allowed for this computer (localhost / 127.0.0.1); use https://"
            }
            UrlError::Ipv6Literal => {
                "IPv6 addresses such as [::1] cannot be allowed by the page's Content-Security-Policy; use localhost or 127.0.0.1"
            }
            UrlError::Host => "the address has no valid host name or port",
            UrlError::ExtraParts => {
                "the address may not contain a user name, a ?query or a #fragment (never put a key in a URL)"
            }
        })
    }
}

/// A parsed origin: lower-case scheme and host, explicit port only when not the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `http` or `https`.
    pub scheme: String,
    /// Lower-case host name or IP literal (IPv6 in brackets).
    pub host: String,
    /// Port when it differs from the scheme's default.
    pub port: Option<u16>,
}

impl Origin {
    /// `scheme://host[:port]`.
    pub fn as_string(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{}", self.scheme, self.host, p),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// True for the loopback hosts the page's CSP allows: `localhost` and `127.0.0.1`.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }
}

/// The loopback hosts listed in `index.html`'s `connect-src` (`http://localhost:*`,
/// `http://127.0.0.1:*`); keep the two lists equal.
pub const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1"];

fn is_loopback_host(h: &str) -> bool {
    LOOPBACK_HOSTS.contains(&h)
}

/// Parse and check the origin of an endpoint base URL (or of a full request URL when
/// `allow_query` is true — request URLs may carry `?alt=sse`, never a key).
pub fn parse_origin(url: &str, allow_query: bool) -> Result<Origin, UrlError> {
    let url = url.trim();
    let (scheme, rest) = if let Some(r) = strip_prefix_ci(url, "https://") {
        ("https", r)
    } else if let Some(r) = strip_prefix_ci(url, "http://") {
        ("http", r)
    } else {
        return Err(UrlError::Scheme);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let tail = &rest[end..];
    if authority.contains('@') || tail.contains('#') || (!allow_query && tail.contains('?')) {
        return Err(UrlError::ExtraParts);
    }
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        return Err(if stripped.contains(']') {
            UrlError::Ipv6Literal
        } else {
            UrlError::Host
        });
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let host = host.to_ascii_lowercase();
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !host_ok {
        return Err(UrlError::Host);
    }
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = p.parse().map_err(|_| UrlError::Host)?;
            let default = if scheme == "https" { 443 } else { 80 };
            (n != default).then_some(n)
        }
    };
    let origin = Origin {
        scheme: scheme.to_string(),
        host,
        port,
    };
    if scheme == "http" && !origin.is_loopback() {
        return Err(UrlError::InsecureRemote);
    }
    Ok(origin)
}

/// `s` without `prefix`, compared ASCII-case-insensitively; `None` when `s` does not start with
/// it (also when `prefix.len()` falls inside a multi-byte character of `s`).
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .map(|_| &s[prefix.len()..])
}

/// The origin a key typed for this endpoint is bound to (`scheme://host[:port]`).
pub fn key_origin_for(base_url: &str) -> Result<String, UrlError> {
    parse_origin(base_url, false).map(|o| o.as_string())
}

/// May a key bound to `key_origin` be sent with a request to `request_url`?
///
/// True only when the request's origin is exactly the key's origin.
pub fn key_may_be_sent(key_origin: &str, request_url: &str) -> bool {
    match parse_origin(request_url, true) {
        Ok(o) => o.as_string() == key_origin,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (fuzz/regressions/hosts): a multi-byte character where the scheme's
    /// `//` should be panicked on a char boundary.
    #[test]
    fn a_non_ascii_character_after_the_scheme_is_an_error_not_a_panic() {
        assert!(parse_origin("http:/\u{e9}", false).is_err());
        assert!(parse_origin("https:\u{e9}\u{e9}x", false).is_err());
        assert!(key_origin_for("\u{e9}\u{e9}\u{e9}").is_err());
    }

    #[test]
    fn origins() {
        assert_eq!(
            key_origin_for("https://api.openai.com/v1").unwrap(),
            "https://api.openai.com"
        );
        assert_eq!(
            key_origin_for("HTTPS://API.OpenAI.com:443/v1").unwrap(),
            "https://api.openai.com"
        );
        assert_eq!(
            key_origin_for("http://127.0.0.1:8787/s/ok/v1").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            key_origin_for("http://localhost:11434/v1").unwrap(),
            "http://localhost:11434"
        );
        // Exactly the CSP's loopback forms; IPv6 literals cannot be listed in a CSP at all.
        assert_eq!(
            key_origin_for("http://[::1]:8000/v1"),
            Err(UrlError::Ipv6Literal)
        );
        assert_eq!(
            key_origin_for("https://[2001:db8::1]/v1"),
            Err(UrlError::Ipv6Literal)
        );
        assert_eq!(key_origin_for("http://[::1/v1"), Err(UrlError::Host));
        assert_eq!(
            key_origin_for("http://127.0.0.2:8000/v1"),
            Err(UrlError::InsecureRemote)
        );
        assert_eq!(
            key_origin_for("http://app.localhost:8000/v1"),
            Err(UrlError::InsecureRemote)
        );
        assert_eq!(
            key_origin_for("http://api.openai.com/v1"),
            Err(UrlError::InsecureRemote)
        );
        assert_eq!(key_origin_for("ftp://x"), Err(UrlError::Scheme));
        assert_eq!(
            key_origin_for("https://u:p@evil.example/v1"),
            Err(UrlError::ExtraParts)
        );
        assert_eq!(
            key_origin_for("https://x.example/v1?key=abc"),
            Err(UrlError::ExtraParts)
        );
        assert_eq!(key_origin_for("https:///v1"), Err(UrlError::Host));
        assert_eq!(key_origin_for("https://a b/v1"), Err(UrlError::Host));
        assert_eq!(
            key_origin_for("http://127.0.0.1.evil.com/"),
            Err(UrlError::InsecureRemote)
        );
    }

    #[test]
    fn loopback_hosts_match_the_page_csp() {
        let html = include_str!("../../../index.html");
        let csp = html
            .split("http-equiv=\"Content-Security-Policy\"")
            .nth(1)
            .and_then(|meta| meta.split("connect-src").nth(1))
            .and_then(|r| r.split([';', '"']).next())
            .expect("index.html has a connect-src directive");
        let loopback: Vec<&str> = csp
            .split_whitespace()
            .filter_map(|src| src.strip_prefix("http://"))
            .map(|h| h.trim_end_matches(":*"))
            .collect();
        assert_eq!(loopback, LOOPBACK_HOSTS, "connect-src: {csp}");
        for h in LOOPBACK_HOSTS {
            assert!(
                key_origin_for(&format!("http://{h}:1234/v1")).is_ok(),
                "{h}"
            );
        }
    }

    #[test]
    fn sending_rules() {
        let o = key_origin_for("https://api.openai.com/v1").unwrap();
        assert!(key_may_be_sent(
            &o,
            "https://api.openai.com/v1/chat/completions"
        ));
        assert!(!key_may_be_sent(
            &o,
            "https://api.openai.com.evil.example/v1/chat/completions"
        ));
        assert!(!key_may_be_sent(
            &o,
            "https://api.anthropic.com/v1/messages"
        ));
        assert!(!key_may_be_sent(
            &o,
            "http://api.openai.com/v1/chat/completions"
        ));
        assert!(!key_may_be_sent(&o, "https://api.openai.com:8443/v1"));
        let local = key_origin_for("http://127.0.0.1:9000/v1").unwrap();
        assert!(!key_may_be_sent(&local, "http://127.0.0.1:9001/v1"));
    }
}
