//! The one provider abstraction: [`Provider`], implemented by [`HttpProvider`] for every wire
//! format (OpenAI Chat, Anthropic, Gemini, any OpenAI-compatible endpoint) over `fetch`.

use js_sys::{Reflect, Uint8Array};
use routeplay_providers::decode::{
    parse_full_response, FinishReason, StreamDecoder, StreamItem, StreamLimits, Usage,
};
use routeplay_providers::errors::{
    classify_http, network_error, parse_retry_after, ErrorKind, ProviderError,
};
use routeplay_providers::hosts::key_may_be_sent;
use routeplay_providers::sse::fmt_bytes;
use routeplay_providers::wire::{build_request, BuildError, ChatRequest, Endpoint, SECRET_HEADERS};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A key and the origin it is bound to (see `routeplay_providers::hosts`).
#[derive(Clone, PartialEq, Eq)]
pub struct BoundKey {
    /// The secret. Never logged, never displayed, never put in a URL.
    pub key: String,
    /// `scheme://host[:port]` the key may be sent to.
    pub origin: String,
}

impl std::fmt::Debug for BoundKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BoundKey {{ key: [redacted], origin: {:?} }}",
            self.origin
        )
    }
}

/// Progress reported while a run streams.
#[derive(Debug, Clone)]
pub enum Progress {
    /// More answer text.
    Delta(String),
    /// Token counts so far (merged).
    Usage(Usage),
}

/// A finished answer.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// Full text (what arrived, when the error side carries it).
    pub text: String,
    /// Reported usage (fields `None` when the provider gave none).
    pub usage: Usage,
    /// The provider's finish reason, when it gave one.
    pub finish: Option<FinishReason>,
}

/// Time bounds of one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunLimits {
    /// Abort when no new answer text arrives for this long (before the first token or between
    /// tokens).
    pub idle: Duration,
    /// Abort when the whole request takes longer than this, text or not.
    pub total: Duration,
}

/// Largest error body read (the provider's message is in the first few hundred bytes).
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Why a run was aborted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AbortCause {
    User,
    Idle,
    Total,
}

/// Cancels a run: aborts the `fetch` and the body stream.
#[derive(Clone)]
pub struct Canceller {
    controller: web_sys::AbortController,
    cause: Rc<Cell<AbortCause>>,
}

impl Canceller {
    /// A fresh canceller.
    pub fn new() -> Self {
        Self {
            controller: web_sys::AbortController::new().expect("AbortController"),
            cause: Rc::new(Cell::new(AbortCause::User)),
        }
    }

    /// Abort now (user cancel).
    pub fn cancel(&self) {
        self.controller.abort();
    }

    fn abort_for(&self, cause: AbortCause) {
        if !self.aborted() {
            self.cause.set(cause);
            self.controller.abort();
        }
    }

    fn aborted(&self) -> bool {
        self.controller.signal().aborted()
    }

    fn abort_error(&self, mid_stream: bool) -> ProviderError {
        let mut e = ProviderError::new(match self.cause.get() {
            AbortCause::User => ErrorKind::Cancelled,
            AbortCause::Idle => ErrorKind::Timeout,
            AbortCause::Total => ErrorKind::TimeLimit,
        });
        e.mid_stream = mid_stream;
        e
    }
}

impl Default for Canceller {
    fn default() -> Self {
        Self::new()
    }
}

/// The idle and total timers of one request; both are cleared when it is dropped (on every
/// return path).
struct Timers {
    idle: Rc<Cell<Option<leptos::prelude::TimeoutHandle>>>,
    total: Option<leptos::prelude::TimeoutHandle>,
    cancel: Canceller,
    idle_for: Duration,
}

impl Timers {
    fn start(cancel: &Canceller, limits: RunLimits) -> Self {
        let c = cancel.clone();
        let total = leptos::prelude::set_timeout_with_handle(
            move || c.abort_for(AbortCause::Total),
            limits.total,
        )
        .ok();
        let t = Self {
            idle: Rc::new(Cell::new(None)),
            total,
            cancel: cancel.clone(),
            idle_for: limits.idle,
        };
        t.rearm_idle();
        t
    }

    /// Restart the idle countdown (called on every piece of text).
    fn rearm_idle(&self) {
        if let Some(h) = self.idle.take() {
            h.clear();
        }
        let c = self.cancel.clone();
        self.idle.set(
            leptos::prelude::set_timeout_with_handle(
                move || c.abort_for(AbortCause::Idle),
                self.idle_for,
            )
            .ok(),
        );
    }
}

impl Drop for Timers {
    fn drop(&mut self) {
        if let Some(h) = self.idle.take() {
            h.clear();
        }
        if let Some(h) = self.total.take() {
            h.clear();
        }
    }
}

/// The future a [`Provider`] returns.
pub type RunFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Answer, (ProviderError, Answer)>> + 'a>>;

/// One way to ask a model. The error side carries the partial answer received before it.
pub trait Provider {
    /// Run one request. `on_progress` is called for each streamed piece.
    fn run<'a>(
        &'a self,
        req: ChatRequest,
        key: Option<BoundKey>,
        cancel: Canceller,
        limits: RunLimits,
        on_progress: Rc<dyn Fn(Progress)>,
    ) -> RunFuture<'a>;
}

/// The HTTP implementation for every wire format.
#[derive(Debug, Clone)]
pub struct HttpProvider {
    /// Where and how to call.
    pub endpoint: Endpoint,
}

impl Provider for HttpProvider {
    fn run<'a>(
        &'a self,
        req: ChatRequest,
        key: Option<BoundKey>,
        cancel: Canceller,
        limits: RunLimits,
        on_progress: Rc<dyn Fn(Progress)>,
    ) -> RunFuture<'a> {
        Box::pin(run_http(
            self.endpoint.clone(),
            req,
            key,
            cancel,
            limits,
            on_progress,
        ))
    }
}

/// A request that could not be built here, in user terms (never "the provider rejected it").
fn local_error(e: BuildError) -> ProviderError {
    let mut err = ProviderError::new(match e {
        BuildError::BadKeyChar(_) => ErrorKind::LocalKey,
        _ => ErrorKind::LocalRequest,
    });
    err.detail = Some(match e {
        BuildError::BadKeyChar(b) => b.to_string(),
        other => other.to_string(),
    });
    err
}

async fn run_http(
    ep: Endpoint,
    req: ChatRequest,
    key: Option<BoundKey>,
    cancel: Canceller,
    limits: RunLimits,
    on_progress: Rc<dyn Fn(Progress)>,
) -> Result<Answer, (ProviderError, Answer)> {
    let mut answer = Answer::default();
    let fail = |e: ProviderError| (e, Answer::default());
    let stream = req.stream;
    let built = build_request(&ep, key.as_ref().map(|k| k.key.as_str()), &req)
        .map_err(|e| fail(local_error(e)))?;
    // The allow-list check, before anything leaves the page.
    if let Some(k) = &key {
        if !key_may_be_sent(&k.origin, &built.url) {
            return Err(fail(ProviderError::new(ErrorKind::HostNotAllowed)));
        }
    }
    let headers = web_sys::Headers::new().map_err(|_| {
        let mut e = ProviderError::new(ErrorKind::LocalRequest);
        e.detail = Some("the browser could not create request headers".into());
        fail(e)
    })?;
    for (n, v) in &built.headers {
        if headers.set(n, v).is_err() {
            // `build_request` already refuses keys a header cannot carry; this is a last guard
            // that never echoes the value.
            let secret = SECRET_HEADERS.contains(&n.to_ascii_lowercase().as_str());
            let mut e = ProviderError::new(if secret {
                ErrorKind::LocalKey
            } else {
                ErrorKind::LocalRequest
            });
            e.detail = Some(format!("the browser refused the {n} header"));
            return Err(fail(e));
        }
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&built.body));
    init.set_signal(Some(&cancel.controller.signal()));

    // Idle timeout (re-armed on every piece of text) and total time limit; cleared on return.
    let timers = Timers::start(&cancel, limits);

    // A failed fetch or body read: the user's cancel or a timeout if that caused it, else the
    // network (a CORS refusal and an unreachable host look the same here: never "bad key").
    let transport_error = |mid: bool| {
        let mut e = if cancel.aborted() {
            cancel.abort_error(mid)
        } else {
            network_error()
        };
        e.mid_stream = mid;
        e
    };
    let window = web_sys::window().expect("window");
    let resp = match JsFuture::from(window.fetch_with_str_and_init(&built.url, &init)).await {
        Ok(r) => r.unchecked_into::<web_sys::Response>(),
        Err(_) => return Err((transport_error(false), answer)),
    };
    let status = resp.status();
    if !(200..300).contains(&status) {
        let h = resp.headers();
        let retry = parse_retry_after(
            h.get("retry-after").ok().flatten().as_deref(),
            h.get("retry-after-ms").ok().flatten().as_deref(),
        );
        // Only the start of an error body is read: the message is in the first bytes.
        let body = read_capped(&resp, MAX_ERROR_BODY_BYTES)
            .await
            .map(|(b, _)| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let mut e = classify_http(ep.format, status, retry, &body);
        if let Some(k) = &key {
            if let Some(d) = &e.detail {
                e.detail = Some(routeplay_providers::errors::scrub_keys(d, &[&k.key]));
            }
        }
        drop(timers);
        return Err((e, answer));
    }

    let stream_limits = StreamLimits::default();
    if !stream {
        let cap = stream_limits.max_body_bytes as usize;
        let body = match read_capped(&resp, cap).await {
            Ok((_, true)) => {
                let mut e = ProviderError::new(ErrorKind::TooLarge);
                e.detail = Some(format!("the answer was longer than {}", fmt_bytes(cap)));
                return Err((e, answer));
            }
            Ok((b, false)) => String::from_utf8_lossy(&b).into_owned(),
            Err(_) => return Err((transport_error(false), answer)),
        };
        drop(timers);
        return match parse_full_response(ep.format, &body) {
            Ok(full) => {
                on_progress(Progress::Delta(full.text.clone()));
                Ok(Answer {
                    text: full.text,
                    usage: full.usage,
                    finish: full.finish,
                })
            }
            Err(e) => Err((e, answer)),
        };
    }

    let Some(body) = resp.body() else {
        return Err(fail(ProviderError::new(ErrorKind::BadResponse)));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut dec = StreamDecoder::with_limits(ep.format, stream_limits);
    let mut last_yield = now_ms();
    loop {
        // A body that is always ready resolves every read as a microtask, which would starve
        // timers, input and animation frames: give the browser a turn every 30 ms.
        if now_ms() - last_yield > 30.0 {
            yield_to_browser().await;
            last_yield = now_ms();
        }
        let chunk = match JsFuture::from(reader.read()).await {
            Ok(c) => c,
            Err(_) => return Err((transport_error(dec.text_seen()), answer)),
        };
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        let items = if done {
            dec.finish()
        } else {
            let value = Reflect::get(&chunk, &JsValue::from_str("value")).unwrap_or(JsValue::NULL);
            let bytes = value
                .dyn_into::<Uint8Array>()
                .map(|a| a.to_vec())
                .unwrap_or_default();
            dec.push(&bytes)
        };
        for item in items {
            match item {
                StreamItem::Delta(t) => {
                    timers.rearm_idle();
                    answer.text.push_str(&t);
                    on_progress(Progress::Delta(t));
                }
                StreamItem::Usage(u) => {
                    answer.usage.merge(u);
                    on_progress(Progress::Usage(answer.usage));
                }
                StreamItem::Finish(f) => {
                    if answer.finish.is_none() {
                        answer.finish = Some(f);
                    }
                }
                StreamItem::Error(e) => {
                    // In-stream error, a size limit, or a stream closed before its end: the
                    // text so far is kept (the card marks it partial).
                    let _ = reader.cancel();
                    return Err((e, answer));
                }
                StreamItem::Done => {}
            }
        }
        if done {
            return Ok(answer);
        }
    }
}

/// Read at most `cap` bytes of a body; `true` when there was more (the rest is not read: the
/// stream is cancelled).
async fn read_capped(resp: &web_sys::Response, cap: usize) -> Result<(Vec<u8>, bool), JsValue> {
    let Some(body) = resp.body() else {
        return Ok((Vec::new(), false));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok((out, false));
        }
        let Ok(arr) = Reflect::get(&chunk, &JsValue::from_str("value"))?.dyn_into::<Uint8Array>()
        else {
            continue;
        };
        let room = cap - out.len();
        let n = arr.length() as usize;
        if n > room {
            out.extend(arr.subarray(0, room as u32).to_vec());
            let _ = reader.cancel();
            return Ok((out, true));
        }
        out.extend(arr.to_vec());
    }
}

/// Wait for one macrotask (`setTimeout(0)`), so the page can draw and handle input.
async fn yield_to_browser() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// Milliseconds from `performance.now()`.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}
