// Embedding Routeplay in a docs page (docs/embed.md): a host page on a second 127.0.0.1 port
// (another origin) frames the app with public/embed.js. The frame takes its content's height
// and follows it, the fragment's options apply, "Open in Routeplay" carries the state, and an
// embed leaves the visitor's localStorage byte-identical.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { launch, ARTIFACTS, BASE_URL } from './browser.mjs';
import { serveDir } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const APP_ORIGIN = new URL(BASE_URL).origin;

let browser;
let host;
let hostDir;
before(async () => {
  browser = await launch();
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'routeplay-host-'));
  fs.writeFileSync(path.join(hostDir, 'docs.css'), DOCS_CSS);
  fs.writeFileSync(path.join(hostDir, 'favicon.ico'), '');
  host = await serveDir(hostDir);
});
after(async () => {
  await browser?.close();
  await host?.close();
  fs.rmSync(hostDir, { recursive: true, force: true });
});

/** A share-link fragment part for `state`, made the way the page makes them. */
const shareOf = (state) => 's=' + deflateRawSync(Buffer.from(JSON.stringify({ v: 1, ...state }))).toString('base64url');
/** The state inside a share link. */
const stateOf = (url) => JSON.parse(inflateRawSync(Buffer.from(new URL(url).hash.match(/s=([^&]+)/)[1], 'base64url')).toString());

const DOCS_CSS = `
body { margin: 0; font: 16px/1.6 Georgia, serif; color: #1d2733; background: #fff; }
header { padding: 14px 24px; border-bottom: 1px solid #e4e7eb; font: 600 15px system-ui, sans-serif; }
main { max-width: 760px; margin: 0 auto; padding: 8px 20px 48px; }
h1 { font: 700 30px/1.2 system-ui, sans-serif; margin: 24px 0 8px; }
h2 { font: 600 21px system-ui, sans-serif; margin: 28px 0 6px; }
code { background: #f2f4f7; padding: 1px 5px; border-radius: 4px; font-size: 14px; }
iframe.demo { display: block; width: 100%; height: 720px; border: 1px solid #dfe3e8; border-radius: 8px; margin: 16px 0; }
`;

/**
 * Writes a docs-like host page framing `src` and returns its URL. `script`: load
 * public/embed.js; `marked`: the frame has data-routeplay (both false: the old fixed 720 px
 * snippet). The page has a strict CSP of its own: no inline script or style.
 */
function hostPage(name, src, { script = true, marked = script } = {}) {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' ${APP_ORIGIN}; frame-src ${APP_ORIGIN}; style-src 'self'">
<title>Routing guide — Example Docs</title><link rel="stylesheet" href="docs.css"></head>
<body><header>Example Docs · Guides</header><main>
<h1>Routing prompts to the right model</h1>
<p>A router reads each prompt and picks a model: a small, cheap one for chat and simple questions,
a strong one for code and reasoning. The policies below are plain TOML files; the embed shows how
each would route the prompt, and why.</p>
<p>Edit the prompt, or open a card's trace to see every rule the policy tried.</p>
<iframe class="demo" ${marked ? 'data-routeplay ' : ''}src="${src}" title="Routeplay: how this prompt is routed" loading="lazy"></iframe>
<p>Every figure comes from the model catalog, with its source and date. Nothing leaves the
reader's browser: the classifier and the policies run locally.</p>
<h2>Next steps</h2>
<p>Copy a preset, change <code>min_quality</code>, and compare the two over your own prompt set.</p>
</main>${script ? `<script src="${BASE_URL}public/embed.js" defer></script>` : ''}</body></html>`;
  fs.writeFileSync(path.join(hostDir, `${name}.html`), html);
  return `${host.url}${name}.html`;
}

/** Opens a host page; resolves to { page, frame } once the embed shows its decision cards. */
async function openHost(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.goto(url);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('.app.embed[data-ready="true"]', { timeout: 30000 });
  await frame.waitForSelector('.card.decision');
  return { page, frame };
}

/** The frame element's height, the embedded layout's height, and whether the frame scrolls inside. */
async function heights(page, frame) {
  const outer = await page.$eval('iframe', (f) => f.getBoundingClientRect().height - f.clientTop * 2);
  const inner = await frame.evaluate(() => ({
    app: document.querySelector('.app').getBoundingClientRect().height,
    scroll: document.documentElement.scrollHeight,
    view: window.innerHeight,
  }));
  return { outer, ...inner };
}

/** Waits until the frame's height has followed its content (and stopped changing). */
async function settle(page, frame, until = () => true) {
  let last = null;
  let h;
  for (let i = 0; i < 100; i++) {
    h = await heights(page, frame);
    const fits = Math.abs(h.outer - h.app) <= 2 && h.scroll <= h.view;
    if (fits && until(h) && last && last.outer === h.outer) return h;
    last = h;
    await page.waitForTimeout(100);
  }
  assert.fail(`the frame did not follow its content: ${JSON.stringify(h)}`);
}

test('the frame takes its content height in a host page on another origin, and follows it when a trace or the signals open and close', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, frame } = await openHost(context, hostPage('auto-height', `${BASE_URL}#embed`));
  await frame.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  const start = await settle(page, frame);
  // Taller than the old fixed 720 px: the content is no longer cut off, and nothing scrolls inside.
  assert.ok(start.outer > 720, `frame ${start.outer} px`);
  assert.ok(Math.abs(start.outer - start.app) <= 2 && start.scroll <= start.view, JSON.stringify(start));
  console.log(`embed auto-height: frame ${start.outer} px for content ${start.app.toFixed(1)} px (viewport 1280)`);

  await frame.click('.card.decision >> nth=0 >> .trace summary');
  const traced = await settle(page, frame, (h) => h.outer > start.outer + 40);
  await frame.click('.embed-signals > summary');
  const signals = await settle(page, frame, (h) => h.outer > traced.outer + 100);
  console.log(`embed auto-height: ${start.outer} → ${traced.outer} px (trace open) → ${signals.outer} px (signals open)`);
  // Closing both shrinks the frame back.
  await frame.click('.embed-signals > summary');
  await frame.click('.card.decision >> nth=0 >> .trace summary');
  const back = await settle(page, frame, (h) => h.outer < traced.outer);
  assert.ok(Math.abs(back.outer - start.outer) <= 2, `back to ${back.outer}, started at ${start.outer}`);
  // A longer prompt grows the prompt box (up to ten lines), and the frame with it.
  await frame.fill('#prompt', 'Line\n'.repeat(12));
  const longer = await settle(page, frame, (h) => h.outer > back.outer + 80);
  console.log(`embed auto-height: ${back.outer} → ${longer.outer} px (a 12-line prompt)`);

  // The host page resized the frame only from the frame's own messages; a message from the
  // host page itself, pretending to be Routeplay, changes nothing.
  const before = (await heights(page, frame)).outer;
  await page.evaluate(() => window.postMessage({ type: 'routeplay:height', height: 50 }, '*'));
  await page.waitForTimeout(300);
  assert.equal((await heights(page, frame)).outer, before);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a host script loaded after the frame has posted its height asks for it and sizes the frame', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The frame is marked, but the script comes later.
  const url = hostPage('late-script', `${BASE_URL}#embed&examples=off`, { script: false, marked: true });
  const { page, frame } = await openHost(context, url);
  await page.waitForTimeout(500);
  assert.equal((await heights(page, frame)).outer, 720, 'sized before the host script ran');
  await page.addScriptTag({ url: `${BASE_URL}public/embed.js` });
  const h = await settle(page, frame, (x) => x.outer !== 720);
  assert.ok(Math.abs(h.outer - h.app) <= 2, JSON.stringify(h));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the playground\'s "Copy embed snippet" gives a marked frame and the host script, which size themselves in a host page', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const app = await context.newPage();
  await app.goto(BASE_URL);
  await app.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  await app.fill('#prompt', 'Draft a polite reply declining a meeting invitation.');
  await app.click('button:has-text("Copy embed snippet")');
  const snippet = await app.inputValue('#share-output');
  assert.match(snippet, /^<iframe src="[^"]+#embed&s=[^"]+" data-routeplay /);
  assert.ok(snippet.endsWith(`<script src="${BASE_URL}public/embed.js" defer></script>`), snippet);
  // Pasted as is into a page (this one without a CSP: the snippet styles the frame inline).
  fs.writeFileSync(path.join(hostDir, 'pasted.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pasted</title><link rel="stylesheet" href="docs.css"></head><body><main><h1>Pasted snippet</h1>${snippet}<p>After.</p></main></body></html>`);
  const { page, frame } = await openHost(context, `${host.url}pasted.html`);
  assert.equal(await frame.inputValue('#prompt'), 'Draft a polite reply declining a meeting invitation.');
  const h = await settle(page, frame, (x) => x.outer !== 720);
  assert.ok(h.outer > 720, JSON.stringify(h));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('an embed writes nothing to the visitor\'s localStorage: byte-identical after visiting and using it, with a saved policy of the same id as the shared one', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Count every storage write a Routeplay embed attempts, in every frame.
  await context.addInitScript(() => {
    window.__writes = [];
    for (const name of ['setItem', 'removeItem', 'clear']) {
      const original = Storage.prototype[name];
      Storage.prototype[name] = function (...args) {
        if (location.hash.includes('embed')) window.__writes.push(`${name}(${args[0] ?? ''})`);
        return original.apply(this, args);
      };
    }
  });
  const costSaver = fs.readFileSync(path.join(here, '../../public/policies/cost-saver.toml'), 'utf8');
  const mine = costSaver.replace(/^name = .*$/m, 'name = "my-policy"');
  const theirs = mine.replace(/min_quality = \d+/, 'min_quality = 70');
  assert.notEqual(mine, theirs);
  // The visitor's storage: a saved workspace with their own "my-policy", a theme, a backup,
  // and another app's key on the same origin.
  const seed = await context.newPage();
  await seed.goto(`${BASE_URL}public/embed.js`);
  await seed.evaluate(({ mine }) => {
    localStorage.setItem('routeplay.workspace', JSON.stringify({
      version: 2, rev: 7, policies: [{ id: 'my-policy', source: mine, builtin: false }],
      selected: ['my-policy', 'quality-first'], metadata_json: '{"tier": "pro"}',
    }));
    localStorage.setItem('routeplay.theme', 'light');
    localStorage.setItem('routeplay.backup.0001700000000000', JSON.stringify({ at: 1.7e12, reason: 'test', data: '{}' }));
    localStorage.setItem('other-app.settings', '{"x":1}');
  }, { mine });
  const snapshot = () => seed.evaluate(() => JSON.stringify(Object.keys(localStorage).sort().map((k) => [k, localStorage.getItem(k)])));
  const before = await snapshot();

  // The embed shares a *different* policy under the same id.
  const frag = `embed&${shareOf({ prompt: 'Write a limerick about routers.', selected: ['my-policy', 'cost-saver'], policies: [{ id: 'my-policy', source: theirs, builtin: false }] })}`;
  const { page, frame } = await openHost(context, hostPage('storage', `${BASE_URL}#${frag}`));
  assert.deepEqual(await frame.locator('.card.decision').evaluateAll((els) => els.map((e) => e.dataset.policy)), ['my-policy', 'cost-saver']);
  // The visitor's own policy is not read into the embed: the shared one decides.
  assert.equal(await frame.inputValue('#prompt'), 'Write a limerick about routers.');
  // Use it: type, try an example, open a trace and the signals, change the theme by fragment.
  await frame.fill('#prompt', 'Translate "good morning" into French.');
  await frame.click('.examples .chip >> nth=1');
  await frame.click('.card.decision >> nth=0 >> .trace summary');
  await frame.click('.embed-signals > summary');
  await page.$eval('iframe', (f, src) => { f.src = src; }, `${BASE_URL}#${frag}&theme=dark`);
  await frame.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await frame.waitForSelector('.card.decision');
  // The same embed URL opened on its own (not framed), used the same way.
  const top = await context.newPage();
  await top.goto(`${BASE_URL}#${frag}&readonly`);
  await top.waitForSelector('.app.embed[data-ready="true"]', { timeout: 30000 });
  await top.click('.card.decision >> nth=1 >> .trace summary');
  await top.waitForTimeout(500);

  assert.deepEqual(await frame.evaluate(() => window.__writes), []);
  assert.deepEqual(await top.evaluate(() => window.__writes), []);
  assert.equal(await snapshot(), before, 'localStorage changed');
  console.log(`embed storage: ${JSON.parse(before).length} keys, ${before.length} bytes, byte-identical after the embed`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('fragment options: policies in order, theme, examples=off, readonly, prompt; bad options and unknown policies are explained', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const prompt = 'Summarize this incident report in three bullet points for the on-call channel.';
  const dark = `${BASE_URL}#embed&policies=cost-saver,balanced&theme=dark&examples=off&readonly&prompt=${encodeURIComponent(prompt)}`;
  const { page, frame } = await openHost(context, hostPage('options', dark));
  assert.deepEqual(await frame.locator('.card.decision').evaluateAll((els) => els.map((e) => e.dataset.policy)), ['cost-saver', 'balanced']);
  assert.equal(await frame.getAttribute('html', 'data-theme'), 'dark');
  const bg = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(15, 17, 21)');
  assert.equal(await frame.locator('.examples').count(), 0);
  assert.equal(await frame.locator('.tabs, .share, .theme').count(), 0);
  assert.equal(await frame.inputValue('#prompt'), prompt);
  assert.equal(await frame.getAttribute('#prompt', 'readonly'), '');
  await frame.focus('#prompt');
  await page.keyboard.type('xyz');
  assert.equal(await frame.inputValue('#prompt'), prompt, 'a read-only prompt changed');
  assert.equal(await frame.locator('.embed-notices .notice').count(), 0);
  await frame.click('.card.decision >> nth=1 >> .trace summary');
  await frame.click('.embed-signals > summary');
  await settle(page, frame, (h) => h.outer > 1500);
  await page.screenshot({ path: path.join(ARTIFACTS, 'embed-host-1000-dark-readonly-open.png'), fullPage: true });

  // Light theme, examples shown, an unknown option, a bad theme and an unknown policy.
  const light = `${BASE_URL}#embed&theme=light&policies=nope,quality-first&zoom=2&prompt=hi+there`;
  await page.$eval('iframe', (f, src) => { f.src = src; }, light);
  await frame.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  await frame.waitForFunction(() => document.querySelectorAll('.card.decision').length === 1);
  assert.equal(await frame.getAttribute('.card.decision', 'data-policy'), 'quality-first');
  assert.equal(await frame.inputValue('#prompt'), 'hi there');
  assert.equal(await frame.locator('.examples .chip').count(), 6);
  assert.equal(await frame.getAttribute('#prompt', 'readonly'), null);
  const notices = await frame.locator('.embed-notices').innerText();
  assert.match(notices, /“zoom=2” is not known/);
  assert.match(notices, /names a policy this page does not have: nope/);
  await frame.click('.examples .chip >> nth=2');
  assert.match(await frame.inputValue('#prompt'), /^A tank fills/);

  // A share link with options: policies= overrides the link's selection, the link's own
  // policy is available by id.
  const source = fs.readFileSync(path.join(here, '../../public/policies/balanced.toml'), 'utf8').replace(/^name = .*$/m, 'name = "team-policy"');
  const shared = shareOf({ prompt: 'Plan a sprint for a team of four.', selected: ['cost-saver'], policies: [{ id: 'team-policy', source, builtin: false }] });
  await page.$eval('iframe', (f, src) => { f.src = src; }, `${BASE_URL}#embed&${shared}&policies=team-policy,cost-saver&theme=light`);
  await frame.waitForFunction(() => [...document.querySelectorAll('.card.decision')].map((e) => e.dataset.policy).join() === 'team-policy,cost-saver');
  assert.equal(await frame.inputValue('#prompt'), 'Plan a sprint for a team of four.');
  // The last fragment's warnings are gone; a damaged share link still opens the embed with
  // its options and says why the link's state is missing.
  assert.doesNotMatch(await frame.locator('.embed-notices').innerText(), /zoom/);
  await page.$eval('iframe', (f, src) => { f.src = src; }, `${BASE_URL}#embed&s=%%%&policies=latency-first`);
  await frame.waitForFunction(() => [...document.querySelectorAll('.card.decision')].map((e) => e.dataset.policy).join() === 'latency-first');
  assert.match(await frame.locator('.embed-notices').innerText(), /This link could not be opened: the share link is damaged/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('"Open in Routeplay" opens the full page in a new tab with the embed\'s current state', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, frame } = await openHost(context, hostPage('open', `${BASE_URL}#embed&policies=balanced,cost-saver`));
  await frame.fill('#prompt', 'Refactor this Go handler to use context cancellation.');
  const link = frame.locator('a.open-full');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener');
  await frame.waitForFunction(() => document.querySelector('a.open-full').href.includes('#s='));
  const href = await link.getAttribute('href');
  assert.ok(href.startsWith(`${BASE_URL}#s=`) && !href.includes('embed'), href);
  const state = stateOf(href);
  assert.equal(state.prompt, 'Refactor this Go handler to use context cancellation.');
  assert.deepEqual(state.selected, ['balanced', 'cost-saver']);
  const [full] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await full.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  assert.equal(await full.locator('.app.embed').count(), 0);
  assert.ok(await full.locator('.tabs').isVisible());
  assert.equal(await full.inputValue('#prompt'), 'Refactor this Go handler to use context cancellation.');
  await full.waitForFunction(() => [...document.querySelectorAll('.card.decision')].map((e) => e.dataset.policy).join() === 'balanced,cost-saver');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('screenshots: the embed in a docs page at 1280 and 375 px, light and dark', async () => {
  for (const [w, h, scheme] of [[1280, 900, 'light'], [375, 812, 'light'], [375, 812, 'dark'], [1280, 900, 'dark']]) {
    const context = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
    const { page, frame } = await openHost(context, hostPage(`shot-${w}-${scheme}`, `${BASE_URL}#embed`));
    await frame.waitForSelector('[data-model="ready"]', { timeout: 30000 });
    const m = await settle(page, frame);
    console.log(`embed in a docs page at ${w} px (${scheme}): frame ${m.outer} px, content ${m.app.toFixed(1)} px, scrollable inside: ${m.scroll - m.view} px`);
    // At 375 px the frame is narrower than the page and nothing scrolls sideways inside it.
    const wide = await frame.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `the embed scrolls sideways by ${wide} px at ${w} px`);
    await page.screenshot({ path: path.join(ARTIFACTS, `embed-host-${w}-${scheme}.png`), fullPage: true });
    await context.close();
  }
});
