// The batch view: a prompt set under every selected policy — sample set, charts, the diff
// filter, exports, bad lines, the set limits, and the large runs (10,000 prompts × 5 policies;
// a 100,000-line file). Speeds are printed, never asserted; responsiveness is asserted with a
// bound only a freeze would break (no main-thread task or frame gap of a second or more).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshot } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES = fs.readFileSync(path.join(here, '../../public/samples/prompts.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const FIVE = ['cost-saver', 'task-specialist', 'quality-first', 'latency-first', 'balanced'];

/** Opens the page with the five presets selected and the batch view shown. */
async function openBatch(options = {}) {
  const page = await openPage(browser, options);
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  for (const id of ['latency-first', 'balanced']) {
    const chip = page.locator(`.policy-chip[data-policy="${id}"]`);
    if ((await chip.getAttribute('aria-pressed')) !== 'true') await chip.click();
  }
  await page.click('.tab[data-view="batch"]');
  await page.waitForSelector('.batch-input');
  return page;
}

/** A JSONL prompt set of `n` lines built from the sample prompts (varied so each is new). */
function generated(n, { badEvery = 0 } = {}) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    if (badEvery && i % badEvery === badEvery - 1) { lines.push('{"text": unterminated'); continue; }
    const s = SAMPLES[i % SAMPLES.length];
    lines.push(JSON.stringify({ id: `g${i + 1}`, text: `${s.text} (variant ${i})` }));
  }
  return lines.join('\n') + '\n';
}

async function openFile(page, name, text) {
  await page.setInputFiles('.batch-input input[type="file"]', { name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
}

/** The longest a freeze may block the page: generous, so only a real freeze fails. */
const FREEZE_MS = 1000;

/**
 * Starts recording main-thread long tasks (PerformanceObserver, Chromium's `longtask` entries)
 * and the gaps between animation frames; `stop()` returns the longest of each, in ms.
 */
async function watchMainThread(page) {
  await page.evaluate(() => {
    const w = { longest: 0, tasks: 0, gap: 0, last: performance.now(), on: true };
    w.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { w.tasks += 1; w.longest = Math.max(w.longest, e.duration); }
    });
    w.obs.observe({ type: 'longtask' });
    const frame = (t) => {
      if (!w.on) return;
      w.gap = Math.max(w.gap, t - w.last);
      w.last = t;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    window.__watch = w;
  });
  return {
    stop: () => page.evaluate(() => {
      const w = window.__watch;
      w.on = false;
      w.obs.disconnect();
      return { longestTaskMs: Math.round(w.longest), longTasks: w.tasks, longestFrameGapMs: Math.round(w.gap) };
    }),
  };
}

async function waitDone(page, n, timeout = 60000) {
  await page.waitForSelector(`.timing[data-done="${n}"]`, { timeout });
  await page.waitForSelector('[data-batch-ready="true"]', { timeout });
}

test('the sample set runs under five policies and draws the charts', async () => {
  const page = await openBatch();
  await page.click('[data-action="sample"]');
  await page.waitForSelector('.loaded[data-prompts="220"]');
  await waitDone(page, 220);
  assert.equal(await page.getAttribute('.loaded', 'data-bad'), '0');
  // Summary: one row per policy.
  const rows = await page.locator('table.summary tbody tr').evaluateAll((els) => els.map((e) => e.dataset.policy));
  assert.deepEqual(rows, ['cost-saver', 'task-specialist', 'quality-first', 'latency-first', 'balanced']);
  // Model share: a stacked bar per policy whose segments add up to the whole width, a legend.
  assert.equal(await page.locator('[data-chart="share"] svg.share-bar').count(), 5);
  const widths = await page.locator('[data-chart="share"] .share-row[data-policy="cost-saver"] rect').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
  assert.ok(Math.abs(widths.reduce((a, b) => a + b, 0) - 1000) < 1, `segments sum to ${widths}`);
  const legend = await page.locator('[data-chart="share"] [data-legend]').evaluateAll((els) => els.map((e) => e.dataset.legend));
  assert.ok(legend.length >= 3, `legend ${legend}`);
  const used = await page.locator('[data-chart="share"] rect[data-key]').evaluateAll((els) => [...new Set(els.map((e) => e.dataset.key))]);
  for (const m of used) assert.ok(legend.includes(m), `${m} in legend`);
  // By provider: fewer, coarser segments, and the caption says so.
  await page.click('[data-share-by="provider"]');
  await page.waitForSelector('[data-chart="share"] figcaption:has-text("Provider share per policy")');
  const providers = await page.locator('[data-chart="share"] [data-legend]').evaluateAll((els) => els.map((e) => e.dataset.legend));
  assert.ok(providers.length >= 2 && providers.length < legend.length, `providers ${providers}`);
  await page.click('[data-share-by="model"]');
  await page.waitForSelector('[data-chart="share"] figcaption:has-text("Model share per policy")');
  // Tooltips are SVG <title> elements (SVG namespace).
  const ns = await page.locator('[data-chart="share"] rect title').first().evaluate((e) => e.namespaceURI);
  assert.equal(ns, 'http://www.w3.org/2000/svg');
  // Scatter: a point per policy, labelled axes with units, the frontier.
  assert.equal(await page.locator('[data-chart="scatter"] svg.scatter:visible g.dot').count(), 5);
  const scatterText = await page.locator('[data-chart="scatter"] svg.scatter:visible').textContent();
  assert.match(scatterText, /Estimated cost per 1,000 prompts \(USD\)/);
  assert.match(scatterText, /Mean estimated quality \(0–100\)/);
  assert.match(scatterText, /frontier/);
  assert.ok(await page.locator('[data-chart="scatter"] svg.scatter:visible g.dot.front').count() >= 1);
  assert.ok((await page.locator('[data-chart="scatter"] svg.scatter:visible polyline.frontier').getAttribute('points')).length > 0);
  // Flow: prompts → task types → models for the chosen policy; bands add up to the set.
  const tasks = await page.locator('[data-chart="flow"] g.node[data-task]').count();
  assert.ok(tasks >= 8, `${tasks} task nodes`);
  const flowText = await page.locator('[data-chart="flow"] svg').textContent();
  assert.match(flowText, /220 prompts/);
  assert.match(flowText, /Task type/);
  assert.match(flowText, /code \(\d+\)/);
  await page.selectOption('select[data-pick="flow"]', '1');
  await page.waitForSelector('[data-chart="flow"] figcaption:has-text("task-specialist")');
  // Rule coverage: a list per policy; a rule that never fired is marked.
  assert.equal(await page.locator('.coverage').count(), 5);
  const fired = await page.locator('.coverage[data-coverage="cost-saver"] .cov-row').count();
  assert.ok(fired >= 2);
  const never = await page.locator('.cov-row[data-never="true"]').count();
  console.log(`sample set: ${tasks} task types in the flow, ${legend.length} models in the legend, ${never} rules never fired`);
  if (never > 0) assert.match(await page.locator('.cov-row[data-never="true"] .cov-n').first().textContent(), /never fired/);
  // The decisions table is paged.
  assert.equal(await page.locator('table.batch-decisions tbody tr').count(), 50);
  assert.equal(await page.getAttribute('table.batch-decisions', 'data-rows'), '220');
  await page.click('[data-action="next"]');
  assert.match(await page.textContent('[data-page-info]'), /Rows 51–100 of 220/);
  await page.click('[data-action="prev"]');
  console.log(`sample set (220 × 5): ${await page.textContent('.timing')}`);
  await screenshot(page, 'batch-desktop-light');
  assert.deepEqual(page.errors, []);
});

test('the diff filter shows exactly the prompts that change between A and B, and exports them', async () => {
  const page = await openBatch();
  await page.click('[data-action="sample"]');
  await waitDone(page, 220);
  // A = cost-saver; B = the first other policy that routes some (not all) prompts differently.
  await page.selectOption('select[data-pick="a"]', '0');
  let changed = 0;
  let bName = '';
  for (const b of ['3', '4', '1', '2']) {
    await page.selectOption('select[data-pick="b"]', b);
    await page.waitForFunction((v) => document.querySelector('select[data-pick="b"]').value === v, b);
    changed = Number(await page.getAttribute('.diff-summary', 'data-changed'));
    bName = await page.locator('select[data-pick="b"] option:checked').textContent();
    if (changed > 0 && changed < 220) break;
  }
  assert.ok(changed > 0 && changed < 220, `changed ${changed}`);
  const bIndex = Number(await page.locator('select[data-pick="b"]').inputValue());
  assert.match(await page.textContent('.diff-summary'), new RegExp(`cost-saver to ${bName}`));
  assert.ok(await page.locator('.diff-summary .transitions li').count() >= 1);
  await page.check('[data-filter="changed"]');
  await page.waitForFunction((n) => document.querySelector('table.batch-decisions')?.dataset.rows === String(n), changed);
  const shown = await page.locator('table.batch-decisions tbody tr').count();
  assert.equal(shown, Math.min(changed, 50));
  assert.equal(await page.locator('table.batch-decisions tbody tr.changed').count(), shown);
  assert.match(await page.textContent('[data-page-info]'), new RegExp(`of ${changed}$`));
  // A and B sit side by side: each shown row really differs between them.
  assert.equal(await page.getAttribute('table.batch-decisions', 'data-layout'), 'ab');
  const pairs = await page.locator('table.batch-decisions tbody tr[data-row]').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('td[data-side="a"] .model').textContent, tr.querySelector('td[data-side="b"] .model').textContent]));
  for (const [a, b] of pairs) assert.notEqual(a, b);
  // Every policy's column on request, A and B still marked.
  await page.check('[data-filter="all-columns"]');
  await page.waitForSelector('table.batch-decisions[data-layout="all"]');
  const all = await page.locator('table.batch-decisions tbody tr[data-row]').evaluateAll((trs, b) => trs.map((tr) => [tr.children[3].querySelector('.model').textContent, tr.children[3 + b].querySelector('.model').textContent]), bIndex);
  assert.deepEqual(all, pairs);
  await page.uncheck('[data-filter="all-columns"]');

  // Export the filtered rows: one JSONL line each.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-jsonl"]')]);
  assert.equal(dl.suggestedFilename(), 'routeplay-decisions.jsonl');
  const text = fs.readFileSync(await dl.path(), 'utf8');
  const lines = text.split('\n').filter((l) => l);
  assert.equal(lines.length, changed);
  const first = JSON.parse(lines[0]);
  assert.equal(first.choices.length, 5);
  assert.ok(first.text && first.task && first.id);
  assert.notEqual(first.choices[0].model, first.choices[bIndex].model);
  // All rows as CSV: a header and 220 records.
  await page.uncheck('[data-filter="changed"]');
  await page.waitForFunction(() => document.querySelector('table.batch-decisions')?.dataset.rows === '220');
  const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-jsonl"]')]);
  assert.equal(fs.readFileSync(await dl2.path(), 'utf8').split('\n').filter((l) => l).length, 220);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-csv"]')]);
  const csvText = fs.readFileSync(await csv.path(), 'utf8');
  assert.match(csvText.split('\n')[0], /^id,task,text,cost-saver\.model,cost-saver\.rule,/);
  console.log(`diff cost-saver → ${bName}: ${changed} of 220 changed; exported ${lines.length} JSONL lines`);
  assert.deepEqual(page.errors, []);
});

test('before a set is loaded the run button says what to do; policies chosen in this view drive the run', async () => {
  const page = await openPage(browser);
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  await page.click('.tab[data-view="batch"]');
  assert.equal((await page.textContent('[data-action="run"]')).trim(), 'Run');
  assert.ok(await page.isDisabled('[data-action="run"]'));
  assert.match(await page.textContent('[data-run-hint]'), /Load a prompt set above/);
  assert.ok(!/Run 0 prompts/.test(await page.textContent('.batch')));
  // Until chosen here, the set follows the Prompt view's selection.
  const pressed = () => page.locator('[data-set-policy][aria-pressed="true"]').evaluateAll((els) => els.map((e) => e.dataset.setPolicy).sort());
  assert.deepEqual(await pressed(), ['cost-saver', 'quality-first', 'task-specialist']);
  await page.click('[data-set-policy="quality-first"]');
  await page.click('[data-set-policy="balanced"]');
  assert.deepEqual(await pressed(), ['balanced', 'cost-saver', 'task-specialist']);
  await page.click('[data-action="sample"]');
  await waitDone(page, 220);
  assert.equal((await page.textContent('[data-action="run"]')).trim(), 'Run 220 prompts × 3 policies');
  const rows = await page.locator('table.summary tbody tr').evaluateAll((els) => els.map((e) => e.dataset.policy));
  assert.deepEqual(rows, ['cost-saver', 'task-specialist', 'balanced']);
  // The Prompt view's selection is unchanged.
  const chips = await page.locator('.policy-chip[aria-pressed="true"]').evaluateAll((els) => els.map((e) => e.dataset.policy).sort());
  assert.deepEqual(chips, ['cost-saver', 'quality-first', 'task-specialist']);
  // No policy: the button says why it cannot run.
  for (const id of ['cost-saver', 'task-specialist', 'balanced']) await page.click(`[data-set-policy="${id}"]`);
  assert.match(await page.textContent('[data-run-hint]'), /Choose at least one policy/);
  assert.ok(await page.isDisabled('[data-action="run"]'));
  // Back to the Prompt view's selection.
  await page.click('[data-action="follow-prompt-view"]');
  assert.deepEqual(await pressed(), ['cost-saver', 'quality-first', 'task-specialist']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const [width, tag] of [[1280, 'desktop'], [375, 'phone']]) {
  test(`a diff row opens A's and B's traces side by side, and nothing overflows the page (${width} px)`, async () => {
    const page = await openBatch({ viewport: { width, height: 900 } });
    await page.click('[data-action="sample"]');
    await waitDone(page, 220);
    await page.selectOption('select[data-pick="a"]', '0');
    await page.selectOption('select[data-pick="b"]', '2');
    await page.check('[data-filter="changed"]');
    await page.waitForSelector('table.batch-decisions tbody tr.changed');
    const row = page.locator('table.batch-decisions tbody tr[data-row]').first();
    const [ma, mb, ra, rb] = await row.evaluate((tr) => [
      tr.querySelector('td[data-side="a"] .model').textContent, tr.querySelector('td[data-side="b"] .model').textContent,
      tr.querySelector('td[data-side="a"] .rule-name').textContent, tr.querySelector('td[data-side="b"] .rule-name').textContent,
    ]);
    assert.notEqual(ma, mb);
    // Both models are in view without scrolling the table sideways, on a phone too.
    const [rightOfB, visibleRight] = await row.evaluate((tr) => [tr.querySelector('td[data-side="b"]').getBoundingClientRect().right,
      tr.closest('.decisions-scroll').getBoundingClientRect().right]);
    assert.ok(rightOfB <= visibleRight + 0.5, `B's column ends at ${rightOfB} px, inside the table's visible box (${visibleRight} px)`);
    await page.locator('table.batch-decisions').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `tests/e2e/artifacts/batch-diff-${tag}.png` });
    await row.locator('[data-action="traces"]').click();
    await page.waitForSelector('.row-traces');
    assert.equal(await row.locator('[data-action="traces"]').getAttribute('aria-expanded'), 'true');
    // Each column is that policy's own decision of this prompt, with every rule's outcome.
    assert.equal((await page.textContent('.trace-col[data-trace="a"] [data-field="model"]')).trim(), ma);
    assert.equal((await page.textContent('.trace-col[data-trace="b"] [data-field="model"]')).trim(), mb);
    assert.equal((await page.textContent('.trace-col[data-trace="a"] .t-rule.t-chosen .rule-id')).trim(), ra);
    assert.equal((await page.textContent('.trace-col[data-trace="b"] .t-rule.t-chosen .rule-id')).trim(), rb);
    assert.ok(await page.locator('.trace-col[data-trace="a"] .t-rule').count() >= 1);
    // Side by side on a desktop, stacked on a phone; always inside the visible width.
    const boxes = await page.locator('.trace-col').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.top, r.right]));
    if (width >= 1000) assert.ok(boxes[1][0] > boxes[0][0] && Math.abs(boxes[1][1] - boxes[0][1]) < 2, `side by side: ${JSON.stringify(boxes)}`);
    else assert.ok(boxes[1][1] > boxes[0][1], `stacked: ${JSON.stringify(boxes)}`);
    for (const b of boxes) assert.ok(b[2] <= width, `trace column inside the ${width} px viewport: ${JSON.stringify(b)}`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no sideways page scroll');
    const scatter = await page.locator('[data-chart="scatter"] svg.scatter:visible').evaluate((e) => e.getBoundingClientRect().right);
    assert.ok(scatter <= width, `scatter ends at ${scatter}`);
    if (width < 700) assert.ok(await page.locator('.decisions-scroll').isVisible() && await page.locator('.scroll-cue').first().isVisible());
    await page.locator('.row-traces').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `tests/e2e/artifacts/batch-traces-${tag}.png` });
    await page.locator('[data-chart="scatter"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `tests/e2e/artifacts/batch-scatter-${tag}.png` });
    await page.click('.row-traces button:has-text("Close traces")');
    await page.waitForSelector('.row-traces', { state: 'detached' });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('a malformed paste reports its bad line numbers and runs the rest', async () => {
  const page = await openBatch();
  const text = [
    '{"text": "Translate good morning into Spanish."}',
    '{"text": "missing quote}',
    '{"id": "x", "text": "Write a haiku about rain."}',
    '',
    '{"label": "qa"}',
    'not json at all',
    '{"text": "What is the capital of Australia?"}',
  ].join('\n');
  await page.click('.paste summary');
  await page.fill('#batch-paste', text);
  await page.click('[data-action="use-paste"]');
  await page.waitForSelector('.loaded[data-prompts="3"]');
  const bad = await page.locator('[data-bad-line]').evaluateAll((els) => els.map((e) => Number(e.dataset.badLine)));
  assert.deepEqual(bad, [2, 5, 6]);
  assert.match(await page.textContent('.bad-lines'), /3 bad lines skipped/);
  await waitDone(page, 3);
  assert.equal(await page.getAttribute('table.batch-decisions', 'data-rows'), '3');
  // CSV and one-per-line text work too.
  await page.fill('#batch-paste', 'id,text\n1,"Hello, how are you?"\n2,"Write a SQL query, please"\n3,a,b\n');
  await page.click('[data-action="use-paste"]');
  await page.waitForSelector('.loaded[data-prompts="2"][data-bad="1"]');
  assert.match(await page.textContent('.loaded'), /CSV/);
  await page.fill('#batch-paste', 'first prompt\nsecond prompt\n\nthird prompt');
  await page.click('[data-action="use-paste"]');
  await page.waitForSelector('.loaded[data-prompts="3"][data-bad="0"]');
  await waitDone(page, 3);
  assert.deepEqual(page.errors, []);
});

test('prompts with outcomes show realized scores against the oracle', async () => {
  const page = await openBatch();
  const rows = SAMPLES.slice(0, 30).map((r, i) => JSON.stringify({
    id: r.id, text: r.text,
    outcomes: { 'groq/gpt-oss-120b': 60 + (i % 7), 'claude-opus-5': 85 + (i % 5), 'gemini-3.1-pro-preview': 80, 'mistral-small-4': 55 },
  }));
  await page.click('.paste summary');
  await page.fill('#batch-paste', rows.join('\n'));
  await page.click('[data-action="use-paste"]');
  await waitDone(page, 30);
  assert.match(await page.textContent('table.summary thead'), /Realized score/);
  const text = await page.textContent('.batch');
  assert.match(text, /Oracle \(best model per prompt\): \d+\.\d/);
  assert.match(text, /Best single model: claude-opus-5/);
  assert.deepEqual(page.errors, []);
});

test('10,000 prompts × 5 policies run in the page, which stays responsive', async () => {
  const page = await openBatch();
  await openFile(page, 'ten-thousand.jsonl', generated(10000));
  await page.waitForSelector('.loaded[data-prompts="10000"]', { timeout: 30000 });
  // Above the auto-run size: the user starts it.
  assert.equal(await page.locator('.timing').count(), 0);
  const watch = await watchMainThread(page);
  await page.click('[data-action="run"]');
  // The run starts: its progress bar shows, or it has already finished.
  await page.waitForSelector('progress, .timing[data-done="10000"]', { timeout: 5000 });
  // While it runs, the page answers: a frame round-trip from the test never waits on a freeze.
  const lags = [];
  for (let i = 0; i < 5; i++) {
    const t = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    lags.push(Date.now() - t);
    if (await page.locator('[data-batch-ready="true"]').count()) break;
  }
  await waitDone(page, 10000);
  const main = await watch.stop();
  const ms = Number(await page.getAttribute('.timing', 'data-elapsed-ms'));
  console.log(`10,000 prompts × 5 policies: ${ms} ms in the page (${Math.round(10000 / ms * 1000)} prompts/s); frame round-trips during the run: ${lags.join(', ')} ms; main thread: ${JSON.stringify(main)}`);
  console.log(`  ${await page.textContent('.timing')}`);
  assert.ok(main.longestTaskMs < FREEZE_MS, `a main-thread task took ${main.longestTaskMs} ms`);
  assert.ok(main.longestFrameGapMs < FREEZE_MS, `no frame for ${main.longestFrameGapMs} ms`);
  for (const lag of lags) assert.ok(lag < FREEZE_MS, `a frame round-trip took ${lag} ms`);
  assert.equal(await page.getAttribute('table.batch-decisions', 'data-rows'), '10000');
  assert.equal(await page.locator('table.batch-decisions tbody tr').count(), 50);

  assert.deepEqual(page.errors, []);
});

test('a 100,000-line file is read, its bad lines counted, cancelled, and run with the page responsive', async () => {
  const page = await openBatch();
  const t0 = Date.now();
  await openFile(page, 'hundred-thousand.jsonl', generated(100000, { badEvery: 1000 }));
  await page.waitForSelector('.loaded[data-prompts="99900"]', { timeout: 60000 });
  const loadMs = Date.now() - t0;
  assert.equal(await page.getAttribute('.loaded', 'data-bad'), '100');
  assert.equal(await page.locator('[data-bad-line]').count(), 12);
  assert.match(await page.textContent('.bad-lines'), /and 88 more/);
  // Start, cancel: partial results are shown and say so.
  await page.click('[data-action="run"]');
  await page.waitForSelector('progress');
  await page.waitForTimeout(500);
  await page.click('[data-action="cancel"]');
  await page.waitForSelector('.timing[data-cancelled="true"]', { timeout: 10000 });
  const partial = Number(await page.getAttribute('.timing', 'data-done'));
  assert.ok(partial > 0 && partial < 99900, `cancelled after ${partial}`);
  assert.match(await page.textContent('.timing'), /Cancelled after/);
  assert.equal(await page.getAttribute('table.batch-decisions', 'data-rows'), String(partial));
  // The whole file, the page staying responsive throughout.
  const t1 = Date.now();
  const watch = await watchMainThread(page);
  await page.click('[data-action="run"]');
  await waitDone(page, 99900, 180000);
  const main = await watch.stop();
  assert.ok(main.longestTaskMs < FREEZE_MS, `a main-thread task took ${main.longestTaskMs} ms`);
  assert.ok(main.longestFrameGapMs < FREEZE_MS, `no frame for ${main.longestFrameGapMs} ms`);
  const runMs = Number(await page.getAttribute('.timing', 'data-elapsed-ms'));
  const totalMs = Date.now() - t1;
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  await page.click('[data-action="next"]');
  assert.match(await page.textContent('[data-page-info]'), /Rows 51–100 of 99,900/);
  console.log(`100,000-line file: read and parsed in ${loadMs} ms (${await page.textContent('.loaded')}); run ${runMs} ms in the page, ${totalMs} ms until the results were shown; main thread during the run: ${JSON.stringify(main)}; an earlier run cancelled after ${partial} prompts`);
  assert.deepEqual(page.errors, []);
});

test('reading a 100,000-line file shows its progress and can be cancelled, keeping the set before', async () => {
  const page = await openBatch();
  await page.click('[data-action="sample"]');
  await waitDone(page, 220);
  const text = generated(100000);
  // A slowed-down CPU (Chromium's throttling) so the reading lasts long enough to be seen and
  // cancelled on any machine; nothing here is timed.
  // The file is made in the page first (unthrottled), then given to the file input.
  await page.evaluate((t) => { window.__file = new File([t], 'hundred-thousand.jsonl', { type: 'application/x-ndjson' }); }, text);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 40 });
  await page.evaluate(() => {
    const input = document.querySelector('.batch-input input[type="file"]');
    const dt = new DataTransfer();
    dt.items.add(window.__file);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  // Reading shows how far it is, in lines, with a progress bar and a cancel button.
  await page.waitForSelector('.reading[data-reading-lines]', { timeout: 60000 });
  await page.waitForFunction(() => Number(document.querySelector('.reading')?.dataset.readingLines) > 0, null, { timeout: 60000 });
  assert.match(await page.textContent('.reading'), /Reading… [\d,]+ lines?/);
  assert.equal(await page.locator('.reading progress[aria-label="Reading progress"]').count(), 1);
  assert.ok(await page.locator('[data-action="run"]').isDisabled(), 'no run while reading');
  await page.screenshot({ path: 'tests/e2e/artifacts/batch-reading-desktop-light.png', clip: { x: 0, y: 0, width: 1280, height: 720 } });
  await page.click('[data-action="cancel-read"]');
  await page.waitForSelector('[data-read-note]', { timeout: 10000 });
  assert.match(await page.textContent('[data-read-note]'), /Reading cancelled after [\d,]+ lines?; the set loaded before is kept\./);
  assert.equal(await page.locator('.reading').count(), 0);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  // The sample set is still the one loaded, with its results.
  assert.equal(await page.getAttribute('.loaded', 'data-prompts'), '220');
  assert.equal(await page.getAttribute('table.batch-decisions', 'data-rows'), '220');
  // The same file opened again is read to the end, and its run shows progress while it goes.
  await openFile(page, 'hundred-thousand.jsonl', text);
  await page.waitForSelector('.loaded[data-prompts="100000"]', { timeout: 120000 });
  assert.equal(await page.locator('[data-read-note]').count(), 0);
  await page.click('[data-action="run"]');
  await page.waitForSelector('progress[aria-label="Run progress"]', { timeout: 10000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: 'tests/e2e/artifacts/batch-running-desktop-light.png', clip: { x: 0, y: 0, width: 1280, height: 720 } });
  await page.click('[data-action="cancel"]');
  await page.waitForSelector('.timing[data-cancelled="true"]', { timeout: 30000 });
  assert.deepEqual(page.errors, []);
});

test('a rule that never fires is highlighted, and a policy reading the language gets it', async () => {
  const page = await openPage(browser);
  const source = [
    'name = "language-desk"',
    '',
    '[[rule]]',
    'name = "french"',
    `when = 'language == "fra"'`,
    'model = "mistral-large-3"',
    '',
    '[[rule]]',
    'name = "klingon"',
    `when = 'language == "tlh"'`,
    'model = "claude-opus-5"',
    '',
    '[default]',
    'model = "gpt-5-mini"',
    '',
  ].join('\n');
  await page.evaluate((src) => localStorage.setItem('routeplay.workspace', JSON.stringify({
    version: 2, policies: [{ id: 'language-desk', source: src, builtin: false }],
    selected: ['cost-saver', 'language-desk'], metadata_json: '{"tier": "free"}',
  })), source);
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await page.waitForSelector('[data-model="ready"]');
  await page.click('.tab[data-view="batch"]');
  await page.click('[data-action="sample"]');
  await waitDone(page, 220);
  const never = page.locator('.coverage[data-coverage="language-desk"] .cov-row[data-rule="klingon"]');
  assert.equal(await never.getAttribute('data-never'), 'true');
  assert.match(await never.textContent(), /never fired/);
  assert.match(await page.textContent('.coverage[data-coverage="language-desk"] .coverage-title'), /1 never fired/);
  const french = await page.textContent('.coverage[data-coverage="language-desk"] .cov-row[data-rule="french"] .cov-n');
  assert.doesNotMatch(french, /never fired/, 'the sample set has French prompts: language was detected');
  console.log(`language-reading policy: french rule ${french.trim()}; ${await page.textContent('.timing')}`);
  assert.deepEqual(page.errors, []);
});

test('CSV exports defuse cells a spreadsheet would run as formulas', async () => {
  const page = await openBatch();
  const text = [
    'id,text',
    '=cmd,"=HYPERLINK(""http://127.0.0.1/x""), summarize this"',
    '@who,"@SUM(1+1) explain this formula"',
    'p3,"-5 degrees tomorrow: what should I wear?"',
    'p4,"+1 555 0100 is my number, plan my day"',
    'p5,A plain prompt about the weather in Oslo',
  ].join('\n');
  await page.click('.paste summary');
  await page.fill('#batch-paste', text);
  await page.click('[data-action="use-paste"]');
  await page.waitForSelector('.loaded[data-prompts="5"][data-bad="0"]');
  await waitDone(page, 5);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-csv"]')]);
  assert.equal(csv.suggestedFilename(), 'routeplay-decisions.csv');
  const lines = fs.readFileSync(await csv.path(), 'utf8').split('\n').filter((l) => l);
  assert.equal(lines.length, 6);
  assert.ok(lines[1].startsWith(`'=cmd,`), lines[1]);
  assert.match(lines[1], /,"'=HYPERLINK\(""http:\/\/127\.0\.0\.1\/x""\), summarize this",/);
  assert.ok(lines[2].startsWith(`'@who,`) && lines[2].includes(`,'@SUM(1+1) explain this formula,`), lines[2]);
  assert.ok(lines[3].includes(`,'-5 degrees tomorrow: what should I wear?,`), lines[3]);
  assert.ok(lines[4].includes(`,"'+1 555 0100 is my number, plan my day",`), lines[4]);
  assert.ok(lines[5].startsWith('p5,') && lines[5].includes(',A plain prompt about the weather in Oslo,'), lines[5]);
  // No cell of any record starts with a formula character.
  for (const l of lines) for (const cell of l.split(',')) assert.doesNotMatch(cell, /^"?[=+@-]/, `${cell} in ${l}`);
  // JSONL keeps the text as it is.
  const [jl] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-jsonl"]')]);
  const first = JSON.parse(fs.readFileSync(await jl.path(), 'utf8').split('\n')[0]);
  assert.equal(first.id, '=cmd');
  assert.equal(first.text, '=HYPERLINK("http://127.0.0.1/x"), summarize this');
  assert.deepEqual(page.errors, []);
});

test('a set over the prompt limit is refused with a clear error, and the page keeps working', async () => {
  const page = await openBatch();
  await openFile(page, 'too-many.txt', 'x\n'.repeat(200001));
  await page.waitForSelector('.batch-input .error[role="alert"]', { timeout: 30000 });
  const message = await page.textContent('.batch-input .error[role="alert"]');
  assert.match(message, /more than 200,000 prompts and bad lines \(line 200001 is one too many\); the limit is 200,000: split it into smaller files/);
  assert.equal(await page.locator('.loaded').count(), 0, 'nothing half-loaded');
  // The page still takes a set.
  await page.click('[data-action="sample"]');
  await waitDone(page, 220);
  assert.deepEqual(page.errors, []);
});

test('screenshots: dark desktop and 375 px', async () => {
  for (const [name, opts] of [
    ['batch-desktop-dark', { colorScheme: 'dark' }],
    ['batch-mobile-light', { viewport: { width: 375, height: 812 } }],
    ['batch-mobile-dark', { viewport: { width: 375, height: 812 }, colorScheme: 'dark' }],
  ]) {
    const page = await openBatch(opts);
    await page.click('[data-action="sample"]');
    await waitDone(page, 220);
    await page.selectOption('select[data-pick="b"]', '2');
    await screenshot(page, name);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name}: page wider than the viewport by ${overflow}px`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
