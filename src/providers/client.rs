//! The one provider abstraction: [`Provider`], implemented by [`HttpProvider`] for every wire
//! format (OpenAI Chat, Anthropic, Gemini, any OpenAI-compatible endpoint) over `fetch`.

use js_sys::{Reflect, Uint8Array};
use routeplay_providers::decode::{parse_full_response, StreamDecoder, StreamItem, Usage};
use routeplay_providers::errors::{
    classify_http, network_error, parse_retry_after, ErrorKind, ProviderError,
};
use routeplay_providers::hosts::key_may_be_sent;
use routeplay_providers::wire::{build_request, ChatRequest, Endpoint};
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
    /// Full text.
    pub text: String,
    /// Reported usage (fields `None` when the provider gave none).
    pub usage: Usage,
}

/// Cancels a run: aborts the `fetch` and the body stream.
#[derive(Clone)]
pub struct Canceller {
    controller: web_sys::AbortController,
    timed_out: Rc<Cell<bool>>,
}

impl Canceller {
    /// A fresh canceller.
    pub fn new() -> Self {
        Self {
            controller: web_sys::AbortController::new().expect("AbortController"),
            timed_out: Rc::new(Cell::new(false)),
        }
    }

    /// Abort now (user cancel).
    pub fn cancel(&self) {
        self.controller.abort();
    }

    fn time_out(&self) {
        self.timed_out.set(true);
        self.controller.abort();
    }

    fn aborted(&self) -> bool {
        self.controller.signal().aborted()
    }

    fn abort_error(&self, mid_stream: bool) -> ProviderError {
        let mut e = ProviderError::new(if self.timed_out.get() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Cancelled
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
        idle_timeout: Duration,
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
        idle_timeout: Duration,
        on_progress: Rc<dyn Fn(Progress)>,
    ) -> RunFuture<'a> {
        Box::pin(run_http(
            self.endpoint.clone(),
            req,
            key,
            cancel,
            idle_timeout,
            on_progress,
        ))
    }
}

async fn run_http(
    ep: Endpoint,
    req: ChatRequest,
    key: Option<BoundKey>,
    cancel: Canceller,
    idle_timeout: Duration,
    on_progress: Rc<dyn Fn(Progress)>,
) -> Result<Answer, (ProviderError, Answer)> {
    let mut answer = Answer::default();
    let fail = |kind| (ProviderError::new(kind), Answer::default());
    let stream = req.stream;
    let built = build_request(&ep, key.as_ref().map(|k| k.key.as_str()), &req)
        .map_err(|_| fail(ErrorKind::BadRequest))?;
    // The allow-list check, before anything leaves the page.
    if let Some(k) = &key {
        if !key_may_be_sent(&k.origin, &built.url) {
            return Err(fail(ErrorKind::HostNotAllowed));
        }
    }
    let headers = web_sys::Headers::new().map_err(|_| fail(ErrorKind::BadRequest))?;
    for (n, v) in &built.headers {
        headers.set(n, v).map_err(|_| fail(ErrorKind::BadRequest))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&built.body));
    init.set_signal(Some(&cancel.controller.signal()));

    // Aborts the run when no new text arrives for `idle_timeout` (before the first token, or
    // between tokens): re-armed on every piece of text, cleared at the end.
    let timer: Rc<Cell<Option<leptos::prelude::TimeoutHandle>>> = Rc::new(Cell::new(None));
    let clear_timer = {
        let timer = timer.clone();
        move || {
            if let Some(t) = timer.take() {
                t.clear();
            }
        }
    };
    let arm_timer = {
        let timer = timer.clone();
        let c = cancel.clone();
        move || {
            if let Some(t) = timer.take() {
                t.clear();
            }
            let c = c.clone();
            timer.set(
                leptos::prelude::set_timeout_with_handle(move || c.time_out(), idle_timeout).ok(),
            );
        }
    };
    arm_timer();

    // A failed fetch or body read: the user's cancel or timeout if that caused it, else the
    // network (a CORS refusal and an unreachable host look the same here: never "bad key").
    let transport_error = || {
        if cancel.aborted() {
            cancel.abort_error(false)
        } else {
            network_error()
        }
    };
    let window = web_sys::window().expect("window");
    let resp = match JsFuture::from(window.fetch_with_str_and_init(&built.url, &init)).await {
        Ok(r) => r.unchecked_into::<web_sys::Response>(),
        Err(_) => {
            clear_timer();
            return Err((transport_error(), answer));
        }
    };
    let status = resp.status();
    if !(200..300).contains(&status) {
        clear_timer();
        let h = resp.headers();
        let retry = parse_retry_after(
            h.get("retry-after").ok().flatten().as_deref(),
            h.get("retry-after-ms").ok().flatten().as_deref(),
        );
        let body = read_text(&resp).await.unwrap_or_default();
        let mut e = classify_http(ep.format, status, retry, &body);
        if let Some(k) = &key {
            if let Some(d) = &e.detail {
                e.detail = Some(routeplay_providers::errors::scrub_keys(d, &[&k.key]));
            }
        }
        return Err((e, answer));
    }

    if !stream {
        let body = match read_text(&resp).await {
            Ok(b) => b,
            Err(_) => {
                clear_timer();
                return Err((transport_error(), answer));
            }
        };
        clear_timer();
        return match parse_full_response(ep.format, &body) {
            Ok(full) => {
                on_progress(Progress::Delta(full.text.clone()));
                Ok(Answer {
                    text: full.text,
                    usage: full.usage,
                })
            }
            Err(e) => Err((e, answer)),
        };
    }

    let Some(body) = resp.body() else {
        clear_timer();
        return Err(fail(ErrorKind::BadResponse));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut dec = StreamDecoder::new(ep.format);
    loop {
        let chunk = match JsFuture::from(reader.read()).await {
            Ok(c) => c,
            Err(_) => {
                clear_timer();
                let mid = dec.text_seen();
                let mut e = if cancel.aborted() {
                    cancel.abort_error(mid)
                } else {
                    network_error()
                };
                e.mid_stream = mid;
                return Err((e, answer));
            }
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
                    arm_timer();
                    answer.text.push_str(&t);
                    on_progress(Progress::Delta(t));
                }
                StreamItem::Usage(u) => {
                    answer.usage.merge(u);
                    on_progress(Progress::Usage(answer.usage));
                }
                StreamItem::Error(e) => {
                    clear_timer();
                    let _ = reader.cancel();
                    return Err((e, answer));
                }
                StreamItem::Done => {}
            }
        }
        if done {
            clear_timer();
            if !dec.is_done() && !dec.text_seen() {
                return Err((ProviderError::new(ErrorKind::BadResponse), answer));
            }
            return Ok(answer);
        }
    }
}

async fn read_text(resp: &web_sys::Response) -> Result<String, JsValue> {
    let v = JsFuture::from(resp.text()?).await?;
    Ok(v.as_string().unwrap_or_default())
}

/// Milliseconds from `performance.now()`.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}
