// A fake LLM provider for tests: speaks the OpenAI Chat Completions, Anthropic Messages and
// Gemini generateContent wire formats, streamed (SSE) and not, on 127.0.0.1 only. No deps.
//
// Start:   node tests/fake-provider/server.mjs [port]     (or FAKE_PROVIDER_PORT; 0 = any free port)
//          prints one JSON line {"url":"http://127.0.0.1:PORT"} on stdout when listening.
// Import:  import { startFakeProvider } from './server.mjs'; const fp = await startFakeProvider(0);
//
// Routes (any prefix before them is allowed, e.g. /v1, /v1beta):
//   POST …/chat/completions                              OpenAI format
//   POST …/messages                                      Anthropic format
//   POST …/models/{model}:generateContent                Gemini, JSON
//   POST …/models/{model}:streamGenerateContent?alt=sse  Gemini, SSE
//   GET  /__log     every request seen (method, path, host, origin, the auth headers, model, scenario)
//   GET  /__last    the last request body per wire format, parsed, with its path and query:
//                   {"openai": {"path", "query", "body"}, "anthropic": …, "gemini": …} (also
//                   `fp.last` when imported), so a test can assert what arrived
//   POST /__reset   clear the log and the last bodies
//   POST /__ratelimit {"models": [...]}   from now on, answer 429 (the ratelimit scenario) to
//                   requests for these models only ([] clears); for gateway fallback tests
//
// Scenario: a path prefix /s/{scenario}/… (so one base URL per scenario), else the model name if
// it equals a scenario name, else "ok":
//   ok          normal answer, a token every 40 ms, usage reported
//   slow        a token every 400 ms (40 tokens) — for cancel tests
//   midfail     three tokens, then an in-stream error (OpenRouter-style error chunk under 200 /
//               Anthropic `event: error` overloaded / Gemini error chunk)
//   stall       three tokens, then silence (connection kept open) — for idle timeouts
//   ratelimit   429 with `retry-after: 7` (exposed to the page via CORS)
//   badkey      OpenAI/Anthropic 401; Gemini 400 INVALID_ARGUMENT API_KEY_INVALID
//   quota       OpenAI 429 insufficient_quota; Anthropic 400 "credit balance is too low"; Gemini 429 quota
//   credits     402 out of credits (OpenRouter)
//   overloaded  Anthropic 529 overloaded_error; others 503
//   servererror 500
//   cors        no CORS headers at all: the browser blocks it (page sees a network error)
//   hang        200 + stream headers, then nothing (for first-token timeouts)
//   cut         three tokens, then the connection closes without an end marker or finish reason
//               (no [DONE] / message_stop / finishReason): the answer must be marked partial
//   endless     a token every 20 ms forever (never finishes) — for the run's total time limit
//   flood       16 KiB text pieces as fast as the client reads, forever — for the answer size cap
//   hugeline    three tokens, then one `data:` line that never ends (64 KiB writes) — line cap
//   length      a normal stream that ends with finish_reason length / max_tokens / MAX_TOKENS
//   filter      a normal stream that ends with content_filter / refusal / SAFETY
// Any request whose key does not start with "test-key-" gets the bad-key answer.

import http from 'node:http';

const SCENARIOS = ['ok', 'slow', 'midfail', 'stall', 'ratelimit', 'badkey', 'quota', 'credits', 'overloaded', 'servererror', 'cors', 'hang', 'cut', 'endless', 'flood', 'hugeline', 'length', 'filter'];
const AUTH_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key'];

function corsHeaders(req) {
  return {
    'access-control-allow-origin': req.headers.origin || '*',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] || '*',
    'access-control-expose-headers': 'retry-after, retry-after-ms',
    'access-control-max-age': '0',
    vary: 'origin',
  };
}

function tokensOf(text) {
  return text.match(/\S+\s*/g) || [];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function startFakeProvider(port = 0) {
  const log = [];
  // The last request body per wire format (openai / anthropic / gemini).
  const last = {};
  // Gateway tests (tests/gateways/): models that answer 429, set with POST /__ratelimit.
  const rateLimited = new Set();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let path = url.pathname;
    let scenario = null;
    const m = path.match(/^\/s\/([a-z]+)(\/.*)$/);
    if (m) {
      scenario = m[1];
      path = m[2];
    }
    if (path === '/__log' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', ...corsHeaders(req) });
      return res.end(JSON.stringify(log));
    }
    if (path === '/__last' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', ...corsHeaders(req) });
      return res.end(JSON.stringify(last));
    }
    if (path === '/__ratelimit' && req.method === 'POST') {
      let raw = '';
      for await (const c of req) raw += c;
      rateLimited.clear();
      for (const m of JSON.parse(raw || '{}').models || []) rateLimited.add(m);
      res.writeHead(204, corsHeaders(req));
      return res.end();
    }
    if (path === '/__reset' && req.method === 'POST') {
      log.length = 0;
      for (const k of Object.keys(last)) delete last[k];
      res.writeHead(204, corsHeaders(req));
      return res.end();
    }
    const cors = scenario === 'cors' ? {} : corsHeaders(req);
    const entry = {
      method: req.method,
      url: req.url,
      path,
      host: req.headers.host,
      origin: req.headers.origin || null,
      headers: Object.fromEntries(AUTH_HEADERS.filter((h) => req.headers[h]).map((h) => [h, req.headers[h]])),
      requestHeaders: Object.keys(req.headers),
      scenario,
      model: null,
      at: Date.now(),
    };
    log.push(entry);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    if (req.method !== 'POST') {
      res.writeHead(404, cors);
      return res.end();
    }
    let raw = '';
    for await (const c of req) raw += c;
    let body = {};
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      res.writeHead(400, { 'content-type': 'application/json', ...cors });
      return res.end(JSON.stringify({ error: { message: 'bad json' } }));
    }

    let format;
    let model = body.model;
    let stream = !!body.stream;
    let gm;
    if (path.endsWith('/chat/completions')) format = 'openai';
    else if (path.endsWith('/messages')) format = 'anthropic';
    else if ((gm = path.match(/\/models\/([^/:]+):(generateContent|streamGenerateContent)$/))) {
      format = 'gemini';
      model = decodeURIComponent(gm[1]);
      stream = gm[2] === 'streamGenerateContent';
    } else {
      res.writeHead(404, { 'content-type': 'application/json', ...cors });
      return res.end(JSON.stringify({ error: { message: `no route ${path}` } }));
    }
    last[format] = { path, query: url.search, body };
    entry.model = model;
    entry.format = format;
    entry.stream = stream;
    if (!scenario) scenario = SCENARIOS.includes(model) ? model : 'ok';
    if (rateLimited.has(model)) scenario = 'ratelimit';
    entry.scenario = scenario;

    const key = req.headers['authorization']?.replace(/^Bearer /, '') || req.headers['x-api-key'] || req.headers['x-goog-api-key'] || '';
    if (!key.startsWith('test-key-')) scenario = 'badkey';

    const json = (status, obj, extra = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...cors, ...extra });
      res.end(JSON.stringify(obj));
    };
    const oaErr = (status, message, type, code) => json(status, { error: { message, type, param: null, code } });
    const anErr = (status, type, message) => json(status, { type: 'error', error: { type, message } });
    const gmErr = (status, st, message, details = []) => json(status, { error: { code: status, message, status: st, details } });

    switch (scenario) {
      case 'badkey':
        if (format === 'openai') return oaErr(401, 'Incorrect API key provided: te***ey. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
        if (format === 'anthropic') return anErr(401, 'authentication_error', 'invalid x-api-key');
        return gmErr(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
      case 'ratelimit':
        if (format === 'openai') return json(429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '7' });
        if (format === 'anthropic') return json(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } }, { 'retry-after': '7' });
        return json(429, { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } }, { 'retry-after': '7' });
      case 'quota':
        if (format === 'openai') return oaErr(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota');
        if (format === 'anthropic') return anErr(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API.');
        return json(402, { error: { code: 402, message: 'Billing required', status: 'FAILED_PRECONDITION' } });
      case 'credits':
        return json(402, { error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/credits' } });
      case 'overloaded':
        if (format === 'anthropic') return anErr(529, 'overloaded_error', 'Overloaded');
        if (format === 'gemini') return gmErr(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
        return oaErr(503, 'The server is overloaded', 'server_error', null);
      case 'servererror':
        if (format === 'anthropic') return anErr(500, 'api_error', 'Internal server error');
        if (format === 'gemini') return gmErr(500, 'INTERNAL', 'Internal error encountered.');
        return oaErr(500, 'The server had an error while processing your request.', 'server_error', null);
      default:
        break;
    }

    const prompt = JSON.stringify(body).length;
    const slow = scenario === 'slow';
    const text = slow
      ? Array.from({ length: 40 }, (_, i) => `slow${i} `).join('')
      : `Hello from the fake ${format} server, model ${model}: streamed token by token.`;
    const toks = tokensOf(text);
    const inTok = Math.max(1, Math.round(prompt / 4));
    const outTok = toks.length;
    const delay = slow ? 400 : 40;
    const failAfter = scenario === 'midfail' ? 3 : Infinity;

    if (!stream) {
      if (format === 'openai') return json(200, { id: 'chatcmpl-fake', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: scenario === 'length' ? 'length' : 'stop' }], usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok } });
      if (format === 'anthropic') return json(200, { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', usage: { input_tokens: inTok, output_tokens: outTok } });
      return json(200, { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: inTok, candidatesTokenCount: outTok, totalTokenCount: inTok + outTok } });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...cors });
    let closed = false;
    req.on('close', () => (closed = true));
    res.on('close', () => (closed = true));
    const send = (s) => !closed && res.write(s);
    // Write respecting backpressure: a client that stops reading stops the server too.
    const sendAsync = async (s) => {
      if (closed) return false;
      if (!res.write(s)) {
        await new Promise((r) => {
          const done = () => { res.off('drain', done); res.off('close', done); r(); };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      return !closed;
    };
    const data = (obj) => send(`data: ${JSON.stringify(obj)}\n\n`);
    const named = (ev, obj) => send(`event: ${ev}\ndata: ${JSON.stringify(obj)}\n\n`);
    entry.streamed = 0;

    if (scenario === 'hang') {
      send(': waiting\n\n');
      while (!closed) await sleep(100);
      return;
    }
    const deltaEvent = (t, i = 0) => {
      if (format === 'openai') return `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })}\n\n`;
      if (format === 'anthropic') return `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })}\n\n`;
      return `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: t }] } }], usageMetadata: { promptTokenCount: inTok, candidatesTokenCount: i + 1, totalTokenCount: inTok + i + 1 } })}\r\n\r\n`;
    };
    if (format === 'openai') send(': OPENROUTER PROCESSING\n\n');
    if (format === 'anthropic') named('message_start', { type: 'message_start', message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], model, usage: { input_tokens: inTok, output_tokens: 1 } } });
    if (format === 'anthropic') named('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    if (scenario === 'endless' || scenario === 'flood') {
      const piece = scenario === 'flood' ? 'x'.repeat(16 * 1024) : null;
      for (let i = 0; !closed; i++) {
        if (!(await sendAsync(deltaEvent(piece ?? `tok${i} `, i)))) break;
        entry.streamed = i + 1;
        if (!piece) await sleep(20);
      }
      return;
    }
    for (let i = 0; i < toks.length; i++) {
      if (closed) return;
      if (scenario === 'cut' && i === 3) return res.end();
      if (scenario === 'hugeline' && i === 3) {
        const open = format === 'openai' ? 'data: {"choices":[{"index":0,"delta":{"content":"'
          : format === 'anthropic' ? 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"'
          : 'data: {"candidates":[{"content":{"parts":[{"text":"';
        send(open);
        const chunk = 'y'.repeat(64 * 1024);
        for (let n = 0; !closed; n++) {
          if (!(await sendAsync(chunk))) break;
          entry.streamed = 3 + n;
        }
        return;
      }
      if (scenario === 'stall' && i === 3) {
        while (!closed) await sleep(100);
        return;
      }
      if (i >= failAfter) {
        if (format === 'openai') data({ id: 'gen-fake', object: 'chat.completion.chunk', error: { code: 502, message: 'Upstream provider returned an error' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] });
        else if (format === 'anthropic') named('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
        else data({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
        return res.end();
      }
      // Split each event into two writes at an awkward byte offset: clients must reassemble.
      let ev;
      if (format === 'openai') ev = `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: toks[i] }, finish_reason: null }] })}\n\n`;
      else if (format === 'anthropic') ev = `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: toks[i] } })}\n\n`;
      else ev = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: toks[i] }] } }], usageMetadata: { promptTokenCount: inTok, candidatesTokenCount: i + 1, totalTokenCount: inTok + i + 1 } })}\r\n\r\n`;
      const cut = Math.min(ev.length - 1, 7 + (i % 5));
      send(ev.slice(0, cut));
      await sleep(5);
      send(ev.slice(cut));
      entry.streamed = i + 1;
      await sleep(delay);
    }
    if (closed) return;
    const finish = {
      openai: { length: 'length', filter: 'content_filter' },
      anthropic: { length: 'max_tokens', filter: 'refusal' },
      gemini: { length: 'MAX_TOKENS', filter: 'SAFETY' },
    }[format][scenario] ?? { openai: 'stop', anthropic: 'end_turn', gemini: 'STOP' }[format];
    if (format === 'openai') {
      data({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
      if (body.stream_options?.include_usage) data({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model, choices: [], usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok } });
      send('data: [DONE]\n\n');
    } else if (format === 'anthropic') {
      named('content_block_stop', { type: 'content_block_stop', index: 0 });
      named('message_delta', { type: 'message_delta', delta: { stop_reason: finish, stop_sequence: null }, usage: { output_tokens: outTok } });
      named('message_stop', { type: 'message_stop' });
    } else {
      // Gemini has no end marker: the last chunk carries finishReason (and the final usage).
      data({ candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: finish }], usageMetadata: { promptTokenCount: inTok, candidatesTokenCount: outTok, totalTokenCount: inTok + outTok } });
    }
    res.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({
        url: `http://127.0.0.1:${p}`,
        port: p,
        log,
        last,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? process.env.FAKE_PROVIDER_PORT ?? 0);
  const fp = await startFakeProvider(port);
  console.log(JSON.stringify({ url: fp.url }));
}
