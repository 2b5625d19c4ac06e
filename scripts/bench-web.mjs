// The page benchmark run by `./x bench` (figures printed, never asserted): serves a release
// dist/ on 127.0.0.1 and measures in headless Chromium (the e2e tests' set-up):
//   - bytes by asset, raw / gzip -9 / brotli q11, before the first decision and for the page;
//   - navigation → first decision visible, median of 5 cold runs (fresh browser context each),
//     for the full page and for #embed;
//   - a 1 KB prompt through signals + classifier + one decision in the page (µs);
//   - a 100,000-prompt batch run under five presets: µs per prompt, the longest main-thread
//     task (PerformanceObserver `longtask`) and frame gap while the file loads and while it runs.
// Usage: node scripts/bench-web.mjs [DIST] [--smoke] [--first-only|--no-batch|--batch-only]
// (DIST defaults to dist/; --smoke: one run each and a 2,000-prompt batch, to check the benchmark
// itself works; --first-only: only the bytes and the first-decision figures, for a quick A/B of
// two builds; --no-batch: those and the per-prompt figures, without the 100,000-prompt run;
// --batch-only: only the batch run).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/browser.mjs';
import { serveDir } from '../tests/e2e/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const batchOnly = args.includes('--batch-only');
const firstOnly = args.includes('--first-only');
const noBatch = args.includes('--no-batch');
const dist = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(root, 'dist'));
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error(`${dist}/index.html is missing: build first (./x build)`);
  process.exit(2);
}
const RUNS = smoke ? 1 : 5;
const BATCH = smoke ? 2_000 : 100_000;

const server = await serveDir(dist);
const browser = await launch();

// Compressed sizes of every file served (what a static host sends with gzip or brotli).
const sizes = new Map();
function sizeOf(url) {
  const rel = decodeURIComponent(new URL(url).pathname).replace(/^\//, '') || 'index.html';
  if (!sizes.has(rel)) {
    const file = path.join(dist, rel);
    const body = fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file) : Buffer.alloc(0);
    sizes.set(rel, {
      raw: body.length,
      gzip: zlib.gzipSync(body, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).length,
    });
  }
  return { name: rel, ...sizes.get(rel) };
}

// Records when the first decision card is on screen: the animation frame after it entered the
// DOM (the frame that paints it), on the page's clock (0 = navigation start).
function watchFirstDecision() {
  // When boot.js has instantiated the wasm and main() has mounted the app.
  addEventListener('TrunkApplicationStarted', () => { window.__started = performance.now(); });
  const mark = () => {
    if (window.__firstDecision !== undefined || !document.querySelector('.card.decision')) return false;
    window.__firstDecision = null;
    window.__firstInDom = performance.now();
    requestAnimationFrame(() => { window.__firstDecision = performance.now(); });
    return true;
  };
  new MutationObserver((_, obs) => { if (mark()) obs.disconnect(); })
    .observe(document, { childList: true, subtree: true });
}

/** One cold load of `hash` ('' or '#embed'): first-decision time and every resource fetched. */
async function coldLoad(hash) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(watchFirstDecision);
  await page.goto(server.url + hash);
  await page.waitForFunction(() => typeof window.__firstDecision === 'number', null, { timeout: 60000 });
  const first = await page.evaluate(() => window.__firstDecision);
  const started = await page.evaluate(() => window.__started);
  const inDom = await page.evaluate(() => window.__firstInDom);
  // The rest of the page: the classifier and whatever loads after the first decision.
  await page.waitForSelector('[data-model="ready"]', { timeout: 60000, state: 'attached' });
  await page.waitForLoadState('networkidle');
  const resources = await page.evaluate(() => [
    ...performance.getEntriesByType('navigation').map((e) => ({ url: e.name, start: 0, end: e.responseEnd })),
    ...performance.getEntriesByType('resource').map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd })),
  ]);
  await context.close();
  if (errors.length) console.log(`  page errors: ${errors.join(' | ')}`);
  return { first, started, inDom, resources: resources.filter((r) => r.url.startsWith(server.url)) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function bytesTable(label, load) {
  // "Before": requested before the first decision card entered the page (a request started
  // after that, e.g. the classifier's, cannot delay it, whatever the network).
  const rows = load.resources.map((r) => ({ ...sizeOf(r.url), start: r.start, before: r.start < load.inDom }));
  const sum = (rs, k) => rs.reduce((s, r) => s + r[k], 0);
  console.log(`\n${label}: bytes by asset (first decision in the page at ${load.inDom.toFixed(0)} ms, on screen at ${load.first.toFixed(0)} ms; "before" = requested before it entered the page)`);
  console.log(`  ${'asset'.padEnd(46)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)} ${'brotli'.padStart(10)}  requested at`);
  for (const r of rows.sort((a, b) => b.gzip - a.gzip)) {
    console.log(`  ${r.name.padEnd(46)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} ${kb(r.brotli).padStart(10)}  ${r.start.toFixed(0).padStart(5)} ms${r.before ? '' : '  (after the first decision)'}`);
  }
  const before = rows.filter((r) => r.before);
  console.log(`  BEFORE the first decision: ${before.length} requests, ${kb(sum(before, 'raw'))} raw, ${kb(sum(before, 'gzip'))} gzip, ${kb(sum(before, 'brotli'))} brotli`);
  console.log(`  WHOLE page (until the classifier is ready and the network idle): ${rows.length} requests, ${kb(sum(rows, 'raw'))} raw, ${kb(sum(rows, 'gzip'))} gzip, ${kb(sum(rows, 'brotli'))} brotli`);
}

console.log(`page benchmark: ${dist} served on ${server.url}, headless Chromium, ${RUNS} cold run${RUNS === 1 ? '' : 's'} per layout${smoke ? ' (smoke)' : ''}`);
for (const [label, hash] of batchOnly ? [] : [['full page', ''], ['#embed', '#embed']]) {
  const loads = [];
  for (let i = 0; i < RUNS; i++) loads.push(await coldLoad(hash));
  bytesTable(label, loads[0]);
  const times = loads.map((l) => l.first);
  console.log(`  navigation → first decision visible, ${label}: median ${median(times).toFixed(0)} ms of ${times.map((t) => t.toFixed(0)).join(', ')}`);
  // Where the time goes (medians): the wasm downloaded, compiled + instantiated + mounted
  // (boot.js's TrunkApplicationStarted), the catalog and the last preset in, the decision drawn.
  const endOf = (l, re) => Math.max(0, ...l.resources.filter((r) => re.test(r.url) && r.start < l.inDom).map((r) => r.end));
  const steps = [
    ['wasm in', (l) => endOf(l, /\.wasm$/)],
    ['app started', (l) => l.started ?? NaN],
    ['catalog in', (l) => endOf(l, /catalog\.json$/)],
    ['presets in', (l) => endOf(l, /policies\//)],
    ['first decision', (l) => l.first],
  ];
  console.log(`  timeline (median ms from navigation): ${steps.map(([n, f]) => `${n} ${median(loads.map(f)).toFixed(0)}`).join(' → ')}`);
}

if (firstOnly) {
  await browser.close();
  await server.close();
  process.exit(0);
}

// In-page per-prompt figures (the bench hooks of src/bench.rs).
if (!batchOnly) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('[data-model="ready"]', { timeout: 60000, state: 'attached' });
  const f = await page.evaluate(async () => {
    const b = window.wasmBindings;
    const model = new Uint8Array(await (await fetch('public/model/task-classifier.bin')).arrayBuffer());
    const samples = (await (await fetch('public/samples/prompts.jsonl')).text()).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text);
    let text = '';
    for (let i = 0; text.length < 1024; i++) text += samples[(i * 37) % samples.length] + '\n';
    text = text.slice(0, 1024);
    const out = { classify: b.bench_classify(model, text, 3000), cheap: b.bench_cheap_signals(text, 3000) };
    if (b.bench_pipeline) {
      const catalog = await (await fetch('public/catalog.json')).text();
      const policy = await (await fetch('public/policies/cost-saver.toml')).text();
      out.pipeline = b.bench_pipeline(model, catalog, policy, text, 3000, false);
      out.pipeline_lang = b.bench_pipeline(model, catalog, policy, text, 3000, true);
    }
    return out;
  });
  console.log(`\nin the page, one 1 KB prompt: classifier ${f.classify.toFixed(1)} µs, cheap signals with language ${f.cheap.toFixed(1)} µs`);
  if (f.pipeline !== undefined) {
    console.log(`  signals + classifier + one decision (cost-saver, traced): ${f.pipeline.toFixed(1)} µs without language detection, ${f.pipeline_lang.toFixed(1)} µs with it`);
  } else {
    console.log('  (this build has no bench_pipeline hook: signals + classifier + decision not measured as one)');
  }
  await context.close();
}

if (noBatch) {
  await browser.close();
  await server.close();
  process.exit(0);
}

// A big batch under five presets.
{
  const samples = fs.readFileSync(path.join(dist, 'public/samples/prompts.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text);
  const lines = [];
  for (let i = 0; i < BATCH; i++) lines.push(JSON.stringify({ id: `g${i + 1}`, text: `${samples[i % samples.length]} (variant ${i})` }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForSelector('[data-model="ready"]', { timeout: 60000, state: 'attached' });
  for (const id of ['latency-first', 'balanced']) {
    const chip = page.locator(`.policy-chip[data-policy="${id}"]`);
    if ((await chip.getAttribute('aria-pressed')) !== 'true') await chip.click();
  }
  await page.click('.tab[data-view="batch"]');
  await page.waitForSelector('.batch-input');
  const watch = () => page.evaluate(() => {
    const w = { longest: 0, over50: 0, gap: 0, last: performance.now(), on: true };
    w.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { w.longest = Math.max(w.longest, e.duration); if (e.duration > 50) w.over50 += 1; }
    });
    w.obs.observe({ type: 'longtask' });
    const frame = (t) => { if (!w.on) return; w.gap = Math.max(w.gap, t - w.last); w.last = t; requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    window.__watch = w;
  });
  const stop = () => page.evaluate(() => {
    const w = window.__watch; w.on = false; w.obs.disconnect();
    // The page's own phases (`batch:<phase>` measures of src/components/batch_view.rs).
    const phases = new Map();
    for (const e of performance.getEntriesByType('measure')) {
      if (!e.name.startsWith('batch:')) continue;
      const p = phases.get(e.name) ?? { n: 0, max: 0 };
      p.n += 1; p.max = Math.max(p.max, e.duration); phases.set(e.name, p);
    }
    performance.clearMeasures();
    const ph = [...phases].map(([k, p]) => `${k.slice(6)} ${p.n > 1 ? `${p.n}× max ` : ''}${p.max.toFixed(0)} ms`).join(', ');
    return `longest task ${w.longest.toFixed(0)} ms, ${w.over50} task${w.over50 === 1 ? '' : 's'} over 50 ms, longest frame gap ${w.gap.toFixed(0)} ms${ph ? `; phases: ${ph}` : ''}`;
  });
  // The file is made in the page before the watch starts, then given to the file input: the
  // main thread is watched from the change event on (Playwright's setInputFiles would decode
  // the 16 MB file on the page's main thread, a long task that is the harness's, not the app's).
  await page.evaluate((text) => { window.__benchFile = new File([text], 'bench.jsonl', { type: 'application/x-ndjson' }); }, lines.join('\n') + '\n');
  await page.waitForTimeout(500);
  await watch();
  const t0 = Date.now();
  await page.evaluate(() => {
    const input = document.querySelector('.batch-input input[type="file"]');
    const dt = new DataTransfer();
    dt.items.add(window.__benchFile);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForSelector(`.loaded[data-prompts="${BATCH}"]`, { timeout: 120000 });
  const loadMs = Date.now() - t0;
  const loadWatch = await stop();
  if (BATCH > 2000) {
    await watch();
    await page.click('[data-action="run"]');
  } else {
    await watch(); // at or under the auto-run size the set runs by itself
  }
  await page.waitForSelector(`.timing[data-done="${BATCH}"]`, { timeout: 900000 });
  await page.waitForSelector('[data-batch-ready="true"]', { timeout: 900000 });
  await page.waitForTimeout(300); // the results' first paint
  const runWatch = await stop();
  const ms = Number(await page.getAttribute('.timing', 'data-elapsed-ms'));
  console.log(`\n${BATCH.toLocaleString('en')} prompts × 5 presets in the page (${(lines.join('\n').length / 1e6).toFixed(1)} MB JSONL)`);
  console.log(`  reading the file: ${loadMs} ms; main thread meanwhile: ${loadWatch}`);
  console.log(`  run: ${ms.toFixed(0)} ms, ${(ms * 1000 / BATCH).toFixed(1)} µs per prompt (5 decisions each); main thread during the run and the results' drawing: ${runWatch}`);
  if (errors.length) console.log(`  page errors: ${errors.join(' | ')}`);
  await context.close();
}

await browser.close();
await server.close();
