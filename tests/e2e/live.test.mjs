// Live runs against a fake provider on 127.0.0.1 (tests/fake-provider/server.mjs): the real page
// and the real Rust client code (fetch + ReadableStream + SSE parser) in headless Chromium.
// Keys are obviously fake; nothing leaves 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { launch, openPage, screenshot } from './browser.mjs';
import { startFakeProvider } from '../fake-provider/server.mjs';

const KEYS = {
  openai: 'test-key-openai-0001',
  anthropic: 'test-key-anthropic-0002',
  gemini: 'test-key-gemini-0003',
  groq: 'test-key-groq-0004',
};

let browser;
let fpA; // "OpenAI" and "Groq" host
let fpB; // "Anthropic" and "Gemini" host: a second origin, to check each key reaches only its own
before(async () => {
  fpA = await startFakeProvider(0);
  fpB = await startFakeProvider(0);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await fpA?.close();
  await fpB?.close();
});

function endpoints({ openai = '', anthropic = '', gemini = '', groq = '/s/cors' } = {}) {
  return {
    openai: `${fpA.url}${openai}/v1`,
    anthropic: `${fpB.url}${anthropic}/v1`,
    gemini: `${fpB.url}${gemini}/v1beta`,
    groq: `${fpA.url}${groq}/openai/v1`,
  };
}

/** Switch to a view tab (`prompt`, `live`, …) when the page has tabs. */
async function showView(page, v) {
  const tab = page.locator(`button.tab[data-view="${v}"]`);
  if (await tab.count()) await tab.click();
}

/** Wait for the live panel to be in the page (possibly in a hidden tab). */
async function livePanel(page) {
  await page.waitForSelector('#live-panel', { state: 'attached', timeout: 10000 }).catch(() => {
    throw new Error('#live-panel not found: LivePanel is not mounted in src/app.rs (see docs/live-runs.md, "Mounting")');
  });
}

/** Open the page, point providers at the fake servers, enter keys, type the prompt and run list. */
async function setup(page, { eps = endpoints(), keys = KEYS, prompt = 'Say hello in one sentence.', list, timeout } = {}) {
  await livePanel(page);
  await showView(page, 'prompt');
  await page.fill('#prompt', prompt);
  await showView(page, 'live');
  await page.waitForSelector('#live-panel');
  for (const [id, url] of Object.entries(eps)) {
    const row = page.locator(`.live-key-row[data-provider="${id}"]`);
    await row.locator('.live-endpoint-details').evaluate((d) => { d.open = true; });
    await row.locator('.live-endpoint-input').fill(url);
    await row.locator('.live-endpoint-input').press('Tab');
  }
  for (const [id, key] of Object.entries(keys)) {
    const row = page.locator(`.live-key-row[data-provider="${id}"]`);
    await row.locator('.live-key-input').fill(key);
    await row.locator('.live-key-input').press('Tab');
    await row.locator('.live-key-status.live-key-set').waitFor();
  }
  if (list) await page.fill('.live-plan-editor', list);
  if (timeout) {
    await page.fill('.live-timeout', String(timeout));
    await page.press('.live-timeout', 'Tab');
  }
}

const card = (page, provider, model) => page.locator(`.live-card[data-provider="${provider}"][data-model="${model}"]`);

async function waitStatus(locator, status, timeout = 20000) {
  await locator.and(locator.page().locator(`[data-status="${status}"]`)).waitFor({ timeout });
}

test('a streamed answer appears token by token, with usage, timings and cost', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai m1 2 8\n' });
  await page.click('.live-run-routed');
  const c = card(page, 'openai', 'm1');
  // Sample the answer while it streams: several distinct partial lengths must be seen.
  const seen = new Set();
  const t0 = Date.now();
  while (Date.now() - t0 < 15000) {
    const text = (await c.locator('.live-answer').textContent()) ?? '';
    seen.add(text.length);
    if ((await c.getAttribute('data-status')) === 'done') break;
    await page.waitForTimeout(15);
  }
  const expected = 'Hello from the fake openai server, model m1: streamed token by token.';
  assert.equal(await c.locator('.live-answer').textContent(), expected);
  const partial = [...seen].filter((n) => n > 0 && n < expected.length);
  assert.ok(partial.length >= 3, `expected ≥3 partial renders, saw lengths ${[...seen].join(',')}`);
  assert.match(await c.locator('.live-ttft').textContent(), /^\d+ ms$|^\d+\.\d+ s$/);
  assert.match(await c.locator('.live-total').textContent(), /\d/);
  // OpenAI preset asks for include_usage: reported counts, not estimated.
  const tokens = await c.locator('.live-tokens').textContent();
  const outTok = expected.split(' ').length; // the fake counts one token per word
  assert.match(tokens, new RegExp(`^\\d+ in / ${outTok} out$`));
  const [inTok] = tokens.match(/\d+/);
  const cost = (Number(inTok) * 2 + outTok * 8) / 1e6;
  assert.equal(await c.locator('.live-cost').textContent(), `$${cost.toFixed(6)}`);
  assert.equal(await c.locator('.live-estimate').textContent(), '—');
  assert.match(await c.locator('.live-trace').textContent(), /openai · m1: served/);
  await screenshot(page, 'live-streamed');
});

test('without reported usage, tokens are estimated and marked so', async () => {
  const page = await openPage(browser);
  // Gemini reports usage; Groq preset sends no stream_options, and the fake sends no usage then.
  await setup(page, { eps: endpoints({ groq: '' }), list: 'routed groq g1 0.59 0.79\n' });
  await page.click('.live-run-routed');
  const c = card(page, 'groq', 'g1');
  await waitStatus(c, 'done');
  assert.match(await c.locator('.live-tokens').textContent(), /\(estimated\)/);
  assert.match(await c.locator('.live-cost').textContent(), /from estimated tokens/);
});

test('non-streamed answers work for all three wire formats', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai n1 1 1\ncompare anthropic n2 1 1\ncompare gemini n3 1 1\n' });
  await page.uncheck('.live-stream-toggle');
  await fetch(`${fpB.url}/__reset`, { method: 'POST' });
  await page.click('.live-run-compare');
  for (const [p, m] of [['openai', 'n1'], ['anthropic', 'n2'], ['gemini', 'n3']]) {
    const c = card(page, p, m);
    await waitStatus(c, 'done');
    assert.equal(await c.locator('.live-answer').textContent(), `Hello from the fake ${p} server, model ${m}: streamed token by token.`);
    assert.match(await c.locator('.live-tokens').textContent(), /^\d+ in \/ 12 out$/);
  }
  const gem = fpB.log.find((e) => e.method === 'POST' && e.format === 'gemini');
  assert.equal(gem.path, '/v1beta/models/n3:generateContent');
  assert.equal(gem.stream, false);
});

test('a 429 on the routed model makes the fallback serve, and the trace says so', async () => {
  const page = await openPage(browser);
  await setup(page, {
    eps: endpoints({ openai: '/s/ratelimit' }),
    list: 'routed openai gpt-routed 2 8\nfallback anthropic claude-fallback 1 5\n',
  });
  await page.click('.live-run-routed');
  const c = page.locator('.live-card').first();
  await waitStatus(c, 'done');
  assert.equal(await c.getAttribute('data-provider'), 'anthropic');
  assert.equal(await c.locator('.live-answer').textContent(), 'Hello from the fake anthropic server, model claude-fallback: streamed token by token.');
  const items = await c.locator('.live-trace li').allTextContents();
  assert.equal(items.length, 2);
  assert.match(items[0], /openai · gpt-routed: failed — OpenAI is rate-limiting this key.*Retry after 7 s/);
  assert.match(items[1], /anthropic · claude-fallback: served/);
  await screenshot(page, 'live-fallback');
});

test('a first-token timeout and a CORS failure also fall back; a bad key does not', async () => {
  const page = await openPage(browser);
  await setup(page, {
    eps: endpoints({ openai: '/s/hang' }),
    timeout: 1,
    list: 'routed openai hang-model\nfallback groq blocked\nfallback gemini gem-ok\n',
  });
  await page.click('.live-run-routed');
  const c = page.locator('.live-card').first();
  await waitStatus(c, 'done');
  const items = await c.locator('.live-trace li').allTextContents();
  assert.match(items[0], /openai · hang-model: failed — OpenAI sent no answer text within the timeout/);
  assert.match(items[1], /groq · blocked: failed — Could not reach Groq: the browser blocked the request \(CORS, or this page's Content-Security-Policy\) or the network is unreachable\. This is not a problem with your key/);
  assert.match(items[2], /gemini · gem-ok: served/);

  await page.fill('.live-plan-editor', 'routed openai badkey\nfallback anthropic never-tried\n');
  await page.fill('.live-timeout', '30');
  await page.press('.live-timeout', 'Tab');
  // Point OpenAI back at a normal path (this forgets its key: re-enter it).
  const row = page.locator('.live-key-row[data-provider="openai"]');
  await row.locator('.live-endpoint-input').fill(`${fpA.url}/v1`);
  await row.locator('.live-endpoint-input').press('Tab');
  await row.locator('.live-key-error').waitFor();
  assert.match(await row.locator('.live-key-error').textContent(), /key was forgotten/);
  await row.locator('.live-key-input').fill(KEYS.openai);
  await row.locator('.live-key-input').press('Tab');
  await page.click('.live-run-routed');
  const c2 = page.locator('.live-card').first();
  await waitStatus(c2, 'failed');
  assert.equal(await c2.locator('.live-trace li').count(), 1);
  assert.match(await c2.locator('.live-error').textContent(), /OpenAI refused the key/);
});

test('a stream that stalls midway times out, keeps the partial answer and does not fall back', async () => {
  const page = await openPage(browser);
  await setup(page, { timeout: 1, list: 'routed openai stall\nfallback anthropic not-used\n' });
  await page.click('.live-run-routed');
  const c = card(page, 'openai', 'stall');
  await waitStatus(c, 'failed');
  assert.equal(await c.locator('.live-answer').textContent(), 'Hello from the ');
  assert.match(await c.locator('.live-error').textContent(), /sent no answer text within the timeout.*broke off midway: the partial answer is kept/);
  assert.equal(await c.locator('.live-trace li').count(), 1, 'no fallback after text was shown');
  assert.match(await c.locator('.live-tokens').textContent(), /\(estimated\)/);
});

test('each error case shows its own message', async () => {
  const page = await openPage(browser);
  const cases = [
    ['openai', 'badkey', /OpenAI refused the key/],
    ['anthropic', 'badkey', /Anthropic refused the key/],
    ['gemini', 'badkey', /Google Gemini refused the key/], // a 400 API_KEY_INVALID
    ['openai', 'ratelimit', /rate-limiting this key.*Retry after 7 s/],
    ['openai', 'quota', /out of quota or credits/],
    ['anthropic', 'quota', /out of quota or credits/],
    ['openai', 'credits', /out of quota or credits/], // OpenRouter-style 402
    ['anthropic', 'overloaded', /Anthropic is overloaded/],
    ['gemini', 'overloaded', /overloaded/],
    ['openai', 'servererror', /OpenAI had a server error/],
    ['openai', 'midfail', /stream broke off midway: the partial answer is kept/],
    ['anthropic', 'midfail', /overloaded.*broke off midway/],
    ['gemini', 'midfail', /broke off midway/],
    ['groq', 'any', /blocked the request \(CORS.*not a problem with your key/],
    ['mistral', 'nokey', /No key entered for Mistral/],
  ];
  const list = cases.map(([p, m], i) => `${i === 0 ? 'routed' : 'compare'} ${p} ${m}`).join('\n');
  await setup(page, { list });
  await page.click('.live-run-compare');
  for (const [p, m, re] of cases) {
    const c = card(page, p, m);
    await waitStatus(c, 'failed');
    const msg = await c.locator('.live-error').textContent();
    assert.match(msg, re, `${p}/${m}: ${msg}`);
    assert.doesNotMatch(msg, /test-key-/, 'no key in an error message');
    if (m === 'midfail') {
      assert.equal(await c.locator('.live-answer').textContent(), `Hello from the `, `${p} partial answer kept`);
    }
    if (m === 'any') assert.doesNotMatch(msg, /refused the key/);
    if (m === 'badkey') assert.doesNotMatch(msg, /te\*\*\*ey/, 'a masked key echoed by the provider is redacted');
    if (m !== 'midfail') {
      assert.equal(await c.locator('.live-tokens').textContent(), '—', 'a refused request has no tokens');
      assert.equal(await c.locator('.live-cost').textContent(), '—');
    }
  }
  await screenshot(page, 'live-errors');
});

test('an unreadable run list line is reported, nothing runs', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai m1\ncompare gemini\n' });
  await page.click('.live-run-routed');
  assert.match(await page.locator('.live-notice').textContent(), /line 2: expected "compare provider model"/);
  assert.equal(await page.locator('.live-card').count(), 0);
});

test('cancel stops the stream', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai slow\n' });
  await fetch(`${fpA.url}/__reset`, { method: 'POST' });
  await page.click('.live-run-routed');
  const c = card(page, 'openai', 'slow');
  await page.waitForFunction(() => (document.querySelector('.live-card .live-answer')?.textContent ?? '').includes('slow2 '));
  await page.click('.live-cancel');
  await waitStatus(c, 'cancelled');
  const atCancel = await c.locator('.live-answer').textContent();
  await page.waitForTimeout(1500);
  assert.equal(await c.locator('.live-answer').textContent(), atCancel, 'no text after cancel');
  assert.match(await c.locator('.live-trace').textContent(), /cancelled/);
  const req = fpA.log.find((e) => e.method === 'POST' && e.model === 'slow');
  assert.ok(req.streamed < 10, `server stopped streaming after the abort (sent ${req.streamed} of 40)`);
});

test('compare: three models side by side (screenshot)', async () => {
  const page = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
  await setup(page, {
    prompt: 'Explain in two sentences why the sky is blue.',
    list: 'routed openai gpt-5.4-mini 0.75 4.5\ncompare anthropic claude-haiku-4-5 1 5\ncompare gemini gemini-2.5-flash 0.3 2.5\n',
  });
  await page.click('.live-run-compare');
  for (const [p, m] of [['openai', 'gpt-5.4-mini'], ['anthropic', 'claude-haiku-4-5'], ['gemini', 'gemini-2.5-flash']]) {
    await waitStatus(card(page, p, m), 'done');
  }
  const boxes = await page.locator('.live-card').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
  assert.equal(boxes.length, 3);
  assert.ok(Math.max(...boxes) - Math.min(...boxes) < 2, 'cards are side by side');
  assert.equal(await page.locator('.live-history-table tbody tr').count(), 3);
  // Unticking an alternative leaves it out of the next compare run.
  await page.uncheck('.live-compare-option input[data-model="gemini gemini-2.5-flash"]');
  await page.click('.live-run-compare');
  await waitStatus(card(page, 'anthropic', 'claude-haiku-4-5'), 'done');
  await waitStatus(card(page, 'openai', 'gpt-5.4-mini'), 'done');
  assert.equal(await page.locator('.live-card').count(), 2);
  await page.check('.live-compare-option input[data-model="gemini gemini-2.5-flash"]');
  await page.click('.live-run-compare');
  for (const [p, m] of [['openai', 'gpt-5.4-mini'], ['anthropic', 'claude-haiku-4-5'], ['gemini', 'gemini-2.5-flash']]) {
    await waitStatus(card(page, p, m), 'done');
  }
  assert.equal(await page.locator('.live-card').count(), 3);
  await page.locator('.live-panel').screenshot({ path: `${(await import('./browser.mjs')).ARTIFACTS}/live-compare.png` });
  await screenshot(page, 'live-compare-page');
});

test('keys go only to their own host, never into URLs, storage (unless opted in), exports or logs', async () => {
  await fetch(`${fpA.url}/__reset`, { method: 'POST' });
  await fetch(`${fpB.url}/__reset`, { method: 'POST' });
  const page = await openPage(browser);
  const consoleText = [];
  page.on('console', (m) => consoleText.push(m.text()));
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await setup(page, {
    eps: endpoints({ groq: '' }),
    list: 'routed openai o1\ncompare anthropic a1\ncompare gemini g1\ncompare groq q1\n',
  });
  await page.click('.live-run-compare');
  for (const [p, m] of [['openai', 'o1'], ['anthropic', 'a1'], ['gemini', 'g1'], ['groq', 'q1']]) {
    await waitStatus(card(page, p, m), 'done');
  }
  const all = Object.values(KEYS);
  const keyIn = (s) => all.filter((k) => s.includes(k));
  // Host A saw only the OpenAI and Groq keys, each on its own path; host B only Anthropic/Gemini.
  const posts = (fp) => fp.log.filter((e) => e.method === 'POST');
  for (const e of posts(fpA)) {
    const auth = JSON.stringify(e.headers);
    if (e.path.startsWith('/openai/')) assert.deepEqual(keyIn(auth), [KEYS.groq]);
    else assert.deepEqual(keyIn(auth), [KEYS.openai]);
  }
  for (const e of posts(fpB)) {
    const auth = JSON.stringify(e.headers);
    if (e.format === 'anthropic') assert.deepEqual(keyIn(auth), [KEYS.anthropic]);
    else assert.deepEqual(keyIn(auth), [KEYS.gemini]);
    if (e.format === 'gemini') assert.ok(e.headers['x-goog-api-key'] && !e.url.includes('key='));
  }
  assert.equal(posts(fpA).length, 2);
  assert.equal(posts(fpB).length, 2);
  // No key in any URL the page requested, nor in the page URL, links, storage, console, or DOM.
  for (const u of [...requested, page.url()]) assert.deepEqual(keyIn(u), [], u);
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('[href]')].map((a) => a.href).join(' '));
  assert.deepEqual(keyIn(hrefs), []);
  // The share link (when the page has one) is deflate+base64url JSON: decode it and look inside.
  const shareBtn = page.locator('button', { hasText: 'Share link' });
  if (await shareBtn.count()) {
    await shareBtn.first().click();
    const link = await page.inputValue('#share-output');
    const data = link.split('#')[1]?.split('&').find((p) => p.startsWith('s='))?.slice(2);
    assert.ok(data, `share link has state: ${link}`);
    const json = zlib.inflateRawSync(Buffer.from(data, 'base64url')).toString('utf8');
    assert.ok(json.includes('Say hello in one sentence.'), 'decoded share state carries the prompt');
    assert.deepEqual(keyIn(link + json + page.url()), [], 'no key in the share link');
    await showView(page, 'live');
  }
  const storage = () => page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.deepEqual(keyIn(await storage()), [], 'nothing stored without opt-in');
  assert.deepEqual(keyIn(consoleText.join('\n')), []);
  assert.deepEqual(keyIn(await page.content()), [], 'key not left in the DOM');
  // Export: JSONL with every run, no key.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.live-export')]);
  const jsonl = fs.readFileSync(await download.path(), 'utf8');
  const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 4);
  assert.ok(lines.every((r) => r.mode === 'compare' && r.complete && r.answer.startsWith('Hello from the fake')));
  assert.deepEqual(keyIn(jsonl), []);
  // Opt in: stored (with the warning shown); forget all: gone everywhere.
  await page.check('.live-remember-input');
  await page.locator('.live-warning').waitFor();
  assert.equal(keyIn(await storage()).length, 4, 'stored after opting in');
  await page.click('.live-forget-all');
  assert.deepEqual(keyIn(await storage()), []);
  assert.equal(await page.locator('.live-key-status.live-key-set').count(), 0);
  await page.reload();
  await livePanel(page);
  assert.equal(await page.locator('.live-key-status.live-key-set').count(), 0, 'nothing comes back after reload');
});

test('remembered keys survive a reload only after opting in', async () => {
  const page = await openPage(browser);
  await setup(page, { eps: {}, keys: { openai: KEYS.openai } });
  await page.reload();
  await livePanel(page);
  assert.equal(await page.locator('.live-key-status.live-key-set').count(), 0, 'memory only by default');
  await setup(page, { eps: {}, keys: { openai: KEYS.openai } });
  await page.check('.live-remember-input');
  await page.reload();
  await livePanel(page);
  assert.equal(await page.locator('.live-key-row[data-provider="openai"] .live-key-status.live-key-set').count(), 1);
  await showView(page, 'live');
  await page.click('.live-forget-all');
  assert.equal(await page.evaluate(() => localStorage.getItem('routeplay.keys.v1')), null);
});

// ---- Streams that end badly or never end (issue 9) ----

/** Start recording the longest gap between 20 ms timer ticks on the page's main thread. */
async function watchMainThread(page) {
  await page.evaluate(() => {
    const w = { max: 0, last: performance.now() };
    window.__mainThread = w;
    w.timer = setInterval(() => {
      const now = performance.now();
      w.max = Math.max(w.max, now - w.last);
      w.last = now;
    }, 20);
  });
}
async function longestBlockMs(page) {
  return page.evaluate(() => {
    const w = window.__mainThread;
    clearInterval(w.timer);
    return Math.max(w.max, performance.now() - w.last);
  });
}

async function exportedRecords(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.live-export')]);
  return fs.readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

test('a stream cut before its end marker is kept and marked PARTIAL, for each wire format and in the export', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai cut\ncompare anthropic cut\ncompare gemini cut\n' });
  await page.click('.live-run-compare');
  for (const p of ['openai', 'anthropic', 'gemini']) {
    const c = card(page, p, 'cut');
    await waitStatus(c, 'failed');
    assert.equal(await c.locator('.live-answer').textContent(), 'Hello from the ', `${p}: partial answer kept`);
    assert.equal(await c.getAttribute('data-partial'), 'true', p);
    assert.equal(await c.locator('.live-partial').textContent(), 'PARTIAL', p);
    assert.match(await c.locator('.live-error').textContent(), /closed the stream before the end of the answer \(no end marker or finish reason\).*marked PARTIAL/, p);
    assert.equal(await c.locator('.live-trace li').count(), 1);
  }
  const rows = await page.locator('.live-history-table tbody tr td:nth-child(3)').allTextContents();
  assert.deepEqual(rows, ['partial', 'partial', 'partial']);
  const records = await exportedRecords(page);
  assert.equal(records.length, 3);
  for (const r of records) {
    assert.equal(r.partial, true, r.provider);
    assert.equal(r.complete, false, r.provider);
    assert.equal(r.answer, 'Hello from the ');
    assert.equal(r.finish_reason, null);
    assert.equal(r.attempts[0].error.kind, 'incomplete');
  }
  await screenshot(page, 'live-cut-partial');
});

test('complete streams are not marked partial and carry their finish reason (Gemini included)', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai ok1\ncompare anthropic ok2\ncompare gemini ok3\n' });
  await page.click('.live-run-compare');
  for (const [p, m, fin] of [['openai', 'ok1', 'stop'], ['anthropic', 'ok2', 'end_turn'], ['gemini', 'ok3', 'STOP']]) {
    const c = card(page, p, m);
    await waitStatus(c, 'done');
    assert.equal(await c.getAttribute('data-partial'), 'false');
    assert.equal(await c.getAttribute('data-finish'), fin);
    assert.equal(await c.locator('.live-partial').count(), 0);
    assert.equal(await c.locator('.live-finish').count(), 0, 'a natural stop needs no note');
  }
  const records = await exportedRecords(page);
  assert.deepEqual(records.map((r) => [r.complete, r.partial]), [[true, false], [true, false], [true, false]]);
});

test('length and content-filter finish reasons are shown to the user', async () => {
  const page = await openPage(browser);
  const cases = [
    ['openai', 'length', 'length', /OpenAI stopped at the output token limit \(length\): the answer is cut short/],
    ['anthropic', 'length', 'max_tokens', /Anthropic stopped at the output token limit \(max_tokens\)/],
    ['gemini', 'length', 'MAX_TOKENS', /Google Gemini stopped at the output token limit \(MAX_TOKENS\)/],
    ['openai', 'filter', 'content_filter', /OpenAI stopped or withheld the answer for safety \/ content reasons \(content_filter\)/],
    ['anthropic', 'filter', 'refusal', /safety \/ content reasons \(refusal\)/],
    ['gemini', 'filter', 'SAFETY', /safety \/ content reasons \(SAFETY\)/],
  ];
  const list = cases.map(([p, m], i) => `${i === 0 ? 'routed' : 'compare'} ${p} ${m}`).join('\n');
  await setup(page, { list });
  await page.click('.live-run-compare');
  for (const [p, m, raw, re] of cases) {
    const c = card(page, p, m);
    await waitStatus(c, 'done');
    assert.equal(await c.getAttribute('data-finish'), raw);
    assert.match(await c.locator('.live-finish').textContent(), re, `${p}/${m}`);
  }
  const records = await exportedRecords(page);
  assert.deepEqual(records.map((r) => r.finish_reason).sort(), cases.map((c) => c[2]).sort());
  await screenshot(page, 'live-finish-reasons');
});

test('an endless stream is stopped by the run time limit, keeps its partial answer, and the page stays responsive', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai endless\nfallback anthropic never\n' });
  await page.fill('.live-time-limit', '2');
  await page.press('.live-time-limit', 'Tab');
  await fetch(`${fpA.url}/__reset`, { method: 'POST' });
  await watchMainThread(page);
  await page.click('.live-run-routed');
  const c = card(page, 'openai', 'endless');
  await waitStatus(c, 'failed', 15000);
  assert.match(await c.locator('.live-error').textContent(), /OpenAI was still answering when the run's time limit passed; stopped\..*marked PARTIAL/);
  const text = await c.locator('.live-answer').textContent();
  assert.ok(text.startsWith('tok0 tok1 tok2 '), text.slice(0, 40));
  assert.equal(await c.getAttribute('data-partial'), 'true');
  assert.equal(await c.locator('.live-trace li').count(), 1, 'no fallback after text was shown');
  const total = await c.locator('.live-total').textContent();
  assert.match(total, /^2\.\d\d s$/, `stopped at the 2 s limit: ${total}`);
  const sent = fpA.log.find((e) => e.model === 'endless').streamed;
  await page.waitForTimeout(500);
  assert.equal(fpA.log.find((e) => e.model === 'endless').streamed, sent, 'the server stopped streaming after the abort');
  const block = await longestBlockMs(page);
  console.log(`# longest main-thread block: ${block.toFixed(0)} ms`);
  assert.ok(block < 1000, `main thread blocked for ${block} ms`);
});

test('a flood of text stops at the 4 MiB answer cap with a clear message; the page stays responsive', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai flood\n' });
  await watchMainThread(page);
  await page.click('.live-run-routed');
  const c = card(page, 'openai', 'flood');
  await waitStatus(c, 'failed', 60000);
  assert.match(await c.locator('.live-error').textContent(), /Stopped reading OpenAI's answer: the answer was longer than 4 MiB\..*marked PARTIAL/);
  assert.equal(await c.getAttribute('data-partial'), 'true');
  const block = await longestBlockMs(page);
  console.log(`# longest main-thread block: ${block.toFixed(0)} ms`);
  assert.ok(block < 1000, `main thread blocked for ${block} ms`);
  // The card draws the first 256 KiB (laying out more would freeze the page); the export
  // keeps exactly the 4 MiB the cap allows.
  const len = await c.locator('.live-answer').evaluate((e) => e.textContent.length);
  assert.equal(len, 256 * 1024);
  assert.match(await c.locator('.live-clipped').textContent(), /Showing the first 256 KiB of the answer; the whole answer is in the JSONL export/);
  const [rec] = await exportedRecords(page);
  assert.equal(rec.answer.length, 4 * 1024 * 1024, 'exactly the cap is kept');
  assert.equal(rec.partial, true);
  // Still usable: typing a prompt updates the page.
  await showView(page, 'prompt');
  await page.fill('#prompt', 'Still responsive?');
  assert.equal(await page.inputValue('#prompt'), 'Still responsive?');
});

test('an oversized line stops with a clear message and keeps the partial answer, for each wire format', async () => {
  const page = await openPage(browser);
  await setup(page, { list: 'routed openai hugeline\ncompare anthropic hugeline\ncompare gemini hugeline\n' });
  await watchMainThread(page);
  await page.click('.live-run-compare');
  for (const p of ['openai', 'anthropic', 'gemini']) {
    const c = card(page, p, 'hugeline');
    await waitStatus(c, 'failed', 30000);
    assert.equal(await c.locator('.live-answer').textContent(), 'Hello from the ', p);
    assert.match(await c.locator('.live-error').textContent(), /one line of the stream was longer than 1 MiB without ending\..*marked PARTIAL/, p);
    assert.equal(await c.getAttribute('data-partial'), 'true', p);
  }
  const block = await longestBlockMs(page);
  console.log(`# longest main-thread block: ${block.toFixed(0)} ms`);
  assert.ok(block < 1000, `main thread blocked for ${block} ms`);
});

test('a key with a character a header cannot carry: refused when pasted, and a stored one fails locally while the chain moves on', async () => {
  // 1. Pasting: refused at once with the reason; the key is not kept.
  const page = await openPage(browser);
  await setup(page, { keys: {} });
  const row = page.locator('.live-key-row[data-provider="openai"]');
  await row.locator('.live-key-input').fill('test-key-openai\u200b-0001');
  await row.locator('.live-key-input').press('Tab');
  await row.locator('.live-key-error').waitFor();
  assert.equal(
    await row.locator('.live-key-error').textContent(),
    'This key contains a zero-width space (U+200B) at position 16, which cannot be sent in an HTTP header. Paste it again.',
  );
  assert.equal(await row.locator('.live-key-status.live-key-set').count(), 0);

  // 2. A key with a line break that got into storage (remembered earlier): the run says what is
  //    wrong locally, sends nothing to OpenAI, and the fallback on another provider still runs.
  const eps = endpoints();
  const slots = {
    openai: { base_url: eps.openai, key: 'test-key-o\npenai', key_origin: fpA.url },
    anthropic: { base_url: eps.anthropic, key: KEYS.anthropic, key_origin: fpB.url },
  };
  await page.evaluate((s) => localStorage.setItem('routeplay.keys.v1', JSON.stringify(s)), slots);
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await setup(page, { eps: {}, keys: {}, list: 'routed openai m1\nfallback anthropic a1\n' });
  await fetch(`${fpA.url}/__reset`, { method: 'POST' });
  await page.click('.live-run-routed');
  const c = page.locator('.live-card').first();
  await waitStatus(c, 'done');
  assert.equal(await c.getAttribute('data-provider'), 'anthropic');
  const items = await c.locator('.live-trace li').allTextContents();
  assert.equal(items.length, 2);
  assert.match(items[0], /openai · m1: skipped — The key for OpenAI contains a character that cannot be sent in an HTTP header \(line break at position 11\)\. Paste it again\. Nothing was sent\./);
  assert.doesNotMatch(items[0], /rejected|refused the key/);
  assert.match(items[1], /anthropic · a1: served/);
  assert.equal(fpA.log.filter((e) => e.model === 'm1').length, 0, 'nothing reached the OpenAI host');

  // 3. Alone in the chain, it fails with the same local message.
  await page.fill('.live-plan-editor', 'routed openai m1\n');
  await page.click('.live-run-routed');
  const c2 = page.locator('.live-card').first();
  await waitStatus(c2, 'failed');
  assert.match(await c2.locator('.live-error').textContent(), /^The key for OpenAI contains a character that cannot be sent in an HTTP header \(line break at position 11\)/);
  await page.click('.live-forget-all');
});

// ---- What the panel says before running (issue 15) ----

test('a routed model on a cloud platform (Bedrock, Azure, Vertex AI) is not offered a broken live call: the panel says why', async () => {
  await fetch(`${fpA.url}/__reset`, { method: 'POST' });
  await fetch(`${fpB.url}/__reset`, { method: 'POST' });
  const page = await openPage(browser);
  for (const [provider, model, name] of [
    ['bedrock', 'amazon.nova-lite-v1:0', 'AWS Bedrock'],
    ['azure', 'gpt-5.4', 'Azure AI Foundry'],
    ['vertex', 'gemini-2.5-pro', 'Google Vertex AI'],
  ]) {
    await setup(page, { list: `routed ${provider} ${model}\n` });
    const run = page.locator('.live-run-routed');
    await page.waitForFunction((n) => document.querySelector('#live-blocked')?.textContent.includes(n), name);
    assert.equal(await run.isDisabled(), true, `${provider}: Run disabled`);
    const text = await page.textContent('#live-blocked');
    assert.ok(text.startsWith(`Routeplay cannot call ${name}`), text);
    assert.match(text, /Custom OpenAI-compatible/);
  }
  // The keys panel lists the three platforms as not callable from a web page.
  const notCallable = await page.textContent('.live-not-callable');
  for (const name of ['AWS Bedrock', 'Azure AI Foundry', 'Google Vertex AI']) assert.ok(notCallable.includes(name), name);
  await screenshot(page, 'live-platform-not-callable');
  assert.equal(fpA.log.filter((e) => e.method === 'POST').length + fpB.log.filter((e) => e.method === 'POST').length, 0, 'nothing was sent');
});

test('Run is disabled without a key for the routed provider, with a sentence saying what to do', async () => {
  await fetch(`${fpB.url}/__reset`, { method: 'POST' });
  const page = await openPage(browser);
  await setup(page, { keys: {}, list: 'routed anthropic claude-test 1 5\n' });
  const run = page.locator('.live-run-routed');
  assert.equal(await run.isDisabled(), true, 'Run disabled without an Anthropic key');
  assert.equal(await page.locator('.live-run-compare').isDisabled(), true, 'no model of the compare set can run either');
  const blocked = page.locator('#live-blocked');
  assert.equal(await blocked.isVisible(), true);
  assert.equal(await blocked.textContent(), 'Add an Anthropic key in “Keys and endpoints” above to run claude-test.');
  assert.equal(await run.getAttribute('aria-describedby'), 'live-blocked');
  assert.equal(await page.locator('.live-card').count(), 0, 'no failure cards');
  assert.equal(await page.locator('.live-history-count').textContent(), '0 runs this session.');
  assert.equal(fpB.log.filter((e) => e.method === 'POST').length, 0, 'nothing was sent');
  await screenshot(page, 'live-needs-key');
  // Entering the key enables Run; the run goes through; the count is singular.
  const row = page.locator('.live-key-row[data-provider="anthropic"]');
  await row.locator('.live-key-input').fill(KEYS.anthropic);
  await row.locator('.live-key-input').press('Tab');
  await page.waitForFunction(() => !document.querySelector('.live-run-routed').disabled);
  assert.equal(await blocked.isVisible(), false);
  await run.click();
  await waitStatus(card(page, 'anthropic', 'claude-test'), 'done');
  assert.equal(await page.locator('.live-history-count').textContent(), '1 run this session.');
  // A local server needs no key; an empty prompt says so instead.
  await page.fill('.live-plan-editor', 'routed ollama llama3\n');
  assert.equal(await run.isDisabled(), false);
  await showView(page, 'prompt');
  await page.fill('#prompt', '   ');
  await showView(page, 'live');
  assert.equal(await run.isDisabled(), true);
  assert.equal(await blocked.textContent(), 'Type a prompt in the Prompt view to run it.');
});

test('the card header shows the routed model; the fallback that answered is named under it', async () => {
  const page = await openPage(browser);
  await setup(page, {
    eps: endpoints({ openai: '/s/ratelimit' }),
    list: 'routed openai gpt-routed 2 8\nfallback anthropic claude-fallback 1 5\n',
  });
  await page.click('.live-run-routed');
  const c = page.locator('.live-card').first();
  await waitStatus(c, 'done');
  assert.equal(await c.getAttribute('data-provider'), 'anthropic', 'the fallback answered');
  assert.equal(await c.locator('.live-card-model').textContent(), 'openai · gpt-routed');
  assert.equal(await c.locator('.live-served-by').textContent(), 'Answered by the fallback anthropic · claude-fallback, after openai · gpt-routed failed.');
  await screenshot(page, 'live-fallback-header');
});

test('the panel names the policy and prompt behind the routed model, and says why the list is empty without a policy', async () => {
  const page = await openPage(browser);
  await showView(page, 'prompt');
  await page.fill('#prompt', 'Say hello in one sentence.');
  const first = await page.locator('.policy-chip[aria-pressed="true"]').first().getAttribute('data-policy');
  await showView(page, 'live');
  const origin = page.locator('.live-origin');
  const list = await page.inputValue('.live-plan-editor');
  const [, provider, model] = list.match(/^routed (\S+) (\S+)/);
  assert.equal(await origin.getAttribute('data-routed'), 'true');
  assert.match(
    await origin.textContent(),
    new RegExp(`^${provider} · ${model} was routed by policy “${first}”, rule “[^”]+” for the prompt “Say hello in one sentence\\.”\\.$`),
  );
  // A run's card carries the prompt and the policy it ran for.
  await setup(page, { list: 'routed openai m1 2 8\n' });
  assert.match(await origin.textContent(), /You edited the run list below/);
  await page.click('.live-run-routed');
  const c = card(page, 'openai', 'm1');
  await waitStatus(c, 'done');
  assert.equal(await c.locator('.live-card-origin').textContent(), 'Prompt “Say hello in one sentence.” · routed by your edited run list');
  await page.click('.live-plan-reset');
  assert.equal(await page.inputValue('.live-plan-editor'), list, 'back to the routed plan');
  assert.doesNotMatch(await origin.textContent(), /You edited/);
  // No policy selected: the list is empty, the panel says why and what to do.
  await showView(page, 'prompt');
  const selected = page.locator('.policy-chip[aria-pressed="true"]');
  while (await selected.count()) await selected.first().click();
  await showView(page, 'live');
  assert.equal(await origin.getAttribute('data-routed'), 'false');
  assert.match(await origin.textContent(), /^The run list is empty because no policy is selected, so nothing was routed\. Select a policy under “Policies compared” in the Prompt view/);
  assert.equal(await page.inputValue('.live-plan-editor'), '');
  assert.equal(await page.locator('.live-run-routed').isDisabled(), true);
  assert.match(await page.locator('#live-blocked').textContent(), /Add a line like “routed openai gpt-5.4-mini” to the run list/);
  await screenshot(page, 'live-no-policy');
});

test('the Azure note points at the custom endpoint card above it, and its button opens that card', async () => {
  const page = await openPage(browser);
  await livePanel(page);
  await showView(page, 'live');
  const note = page.locator('.live-not-callable p', { hasText: 'Azure OpenAI' });
  assert.match(await note.textContent(), /enter its address in the “Custom OpenAI-compatible” card above\./);
  const above = await page.evaluate(() => {
    const custom = document.querySelector('.live-key-row[data-provider="custom"]');
    const azure = document.querySelector('.live-not-callable');
    return Boolean(custom.compareDocumentPosition(azure) & Node.DOCUMENT_POSITION_FOLLOWING)
      && custom.getBoundingClientRect().top < azure.getBoundingClientRect().top;
  });
  assert.ok(above, 'the custom card is above the note');
  const custom = page.locator('.live-key-row[data-provider="custom"]');
  await custom.locator('.live-endpoint-details').evaluate((d) => { d.open = false; });
  await page.click('.live-go-custom');
  assert.equal(await custom.locator('.live-endpoint-details').evaluate((d) => d.open), true);
  assert.equal(await page.evaluate(() => document.activeElement.matches('.live-key-row[data-provider="custom"] .live-endpoint-input')), true);
});
