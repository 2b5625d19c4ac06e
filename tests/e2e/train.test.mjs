// The Train view: upload a 3-label set (refund / shipping / other), see the summary, start
// training and cancel it (the shipped model stays in use), train to the end, read the held-out
// metrics and confusion matrix, use the model, and route a refund prompt by a policy rule on
// the custom label. The downloaded model file is checked (magic, size), and screenshots are
// taken at 1280 and 375 px in light and dark, each checked with axe-core (no serious or
// critical violation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshot } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE_SOURCE = fs.readFileSync(path.join(here, '../../tools/node_modules/axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core violations on the page, as lines (injected as a11y.test.mjs does). */
async function axeSerious(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A support-desk set in varied wording: 3 labels, `n` rows each, and one bad line. */
function supportSet(n = 1200) {
  const items = ['order', 'jacket', 'blender', 'phone case', 'lamp', 'pair of boots', 'gift box', 'kettle', 'backpack', 'watch'];
  const refund = [
    'I want my money back for the {x}.',
    'Please refund the charge for my {x}, it arrived broken.',
    'The {x} is not what I ordered. How do I get a refund?',
    'You charged me twice for the {x}; refund one payment please.',
    'Cancel my {x} and return the money to my card.',
    'Can I return the {x} for a full refund within 30 days?',
    'I was billed for a {x} I never received, I need a reimbursement.',
    'Refund request: the {x} stopped working after two days.',
    'How long does it take to get my money back for a returned {x}?',
  ];
  const shipping = [
    'Where is my {x}? The tracking has not moved for a week.',
    'When will my {x} be delivered?',
    'Can you ship the {x} to my office address instead?',
    'The courier says the {x} was delivered but it is not here.',
    'How much is express delivery for a {x} to Norway?',
    'My {x} is stuck in customs, what should I do?',
    'Do you deliver the {x} on Saturdays?',
    'The tracking number for my {x} does not work.',
    'Is international shipping available for the {x}?',
  ];
  const other = [
    'Do you have the {x} in blue?',
    'What are your store opening hours this weekend?',
    'Is the {x} suitable for children?',
    'I forgot my account password, can you help me log in?',
    'Do you sell gift cards I can use for a {x}?',
    'Thanks, the {x} is lovely!',
    'Can I change the email address on my account?',
    'Is the {x} made from recycled materials?',
    'Do you have a discount code for students?',
  ];
  const lines = [];
  for (let i = 0; i < n; i++) {
    for (const [label, list] of [['refund', refund], ['shipping', shipping], ['other', other]]) {
      const t = list[i % list.length].replace('{x}', items[(i * 7 + label.length) % items.length]);
      lines.push(JSON.stringify({ text: `${t} (ticket ${1000 + i})`, label }));
    }
  }
  lines.splice(5, 0, '{"text": "no label on this one"}');
  return lines.join('\n') + '\n';
}

async function openTrain(page) {
  await page.click('.tab[data-view="train"]');
  await page.locator('.train-view').waitFor();
}

async function upload(page) {
  await page.setInputFiles('.train-input input[type="file"]', { name: 'support.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(supportSet()) });
  await page.waitForSelector('.train-summary[data-rows="3600"]');
}

test('training on an uploaded 3-label set: progress, cancel, train, metrics, use it, and a policy routes by the custom label', async () => {
  const page = await openPage(browser);
  await page.waitForSelector('[data-model="ready"]');
  await openTrain(page);
  assert.equal(await page.getAttribute('.model-in-use', 'data-model-in-use'), 'shipped');
  await upload(page);
  const summary = page.locator('.train-summary');
  assert.equal(await summary.getAttribute('data-labels'), '3');
  assert.equal(await summary.getAttribute('data-bad'), '1');
  assert.match(await summary.textContent(), /3,600 rows, 3 labels \(2,880 to train, 720 held out\); 1 bad line skipped/);
  for (const l of ['refund', 'shipping', 'other']) {
    assert.match(await page.textContent(`.label-counts tr[data-label="${l}"]`), /1200/);
  }
  assert.match(await page.textContent('.train-summary .bad-lines'), /line 6: no `label` field/);

  // Start on a slowed-down CPU (as on a slow phone), see progress, cancel.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 30 });
  await page.click('.train-view [data-action="train"]');
  await page.waitForSelector('.train-view[data-train-status="running"] progress.train-progress');
  // Cancel as soon as progress shows (checked and clicked in one task of the page, so the
  // run cannot end in between).
  const mid = await (await page.waitForFunction(() => {
    const p = document.querySelector('progress.train-progress');
    const cancel = document.querySelector('.train-view [data-action="cancel"]');
    if (!p || !cancel || !(Number(p.value) > 0.02)) return null;
    cancel.click();
    return Number(p.value);
  }, null, { timeout: 60000, polling: 'raf' })).jsonValue();
  assert.ok(mid > 0.02 && mid < 1, `progress ${mid}`);
  await page.waitForSelector('.train-view[data-train-status="cancelled"]', { timeout: 60000 });
  assert.match(await page.textContent('.train-status'), /Cancelled at \d+%/);
  assert.equal(await page.locator('progress.train-progress').count(), 0);
  assert.equal(await page.locator('.train-results').count(), 0);
  assert.equal(await page.getAttribute('.model-in-use', 'data-model-in-use'), 'shipped');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

  // Train to the end, recording long tasks: the page stays responsive (figure printed; the
  // bound is a freeze bound).
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
      .observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await page.click('.train-view [data-action="train"]');
  await page.waitForSelector('.train-view[data-train-status="done"] .train-results', { timeout: 120000 });
  const trainMs = Date.now() - t0;
  const longTasks = await page.evaluate(() => window.__longTasks);
  const longest = Math.max(0, ...longTasks);
  console.log(`training 3,600 rows in the page: ${trainMs} ms wall clock; ${longTasks.length} long tasks (> 50 ms), longest ${longest.toFixed(0)} ms`);
  assert.ok(longest < 1000, `a ${longest} ms task froze the page`);
  const f1 = Number(await page.getAttribute('.train-results', 'data-macro-f1'));
  assert.ok(f1 > 0.8, `held-out macro-F1 ${f1}`);
  assert.match(await page.textContent('.train-status'), /Trained on 2,880 rows in this page; held-out macro-F1 \d\.\d\d, accuracy \d+% on 720 held-out rows/);
  const heads = await page.locator('.confusion thead th').allTextContents();
  assert.deepEqual(heads.slice(1), ['other', 'refund', 'shipping']);
  const rowHeads = await page.locator('.confusion tbody th').allTextContents();
  assert.deepEqual(rowHeads, ['other', 'refund', 'shipping']);
  const cells = (await page.locator('.confusion td.cell').allTextContents()).map(Number);
  assert.equal(cells.length, 9);
  assert.equal(cells.reduce((a, b) => a + b, 0), 720);
  assert.equal(await page.locator('.per-label tbody tr').count(), 3);

  // Download: a Routeplay model file.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download-model"]')]);
  assert.equal(dl.suggestedFilename(), 'routeplay-support.bin');
  const bytes = fs.readFileSync(await dl.path());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RPTC');
  // Header: 16 bytes, labels "other", "refund", "shipping", 4 outputs × 8, 3 group weights,
  // 2^16 buckets × 4 outputs, the shipped difficulty head (format 2: feature version, count,
  // 28 weights, one task offset per label), checksum.
  assert.equal(bytes[4], 2, 'format 2: the file carries the difficulty head');
  assert.equal(bytes[8], 16, 'log2 buckets');
  assert.equal(bytes[9], 3, 'labels');
  assert.equal(bytes[10], 1, 'flags: the complexity head (the shipped one) is in the file');
  fs.writeFileSync(new URL('./artifacts/train-support-model.bin', import.meta.url), bytes);
  assert.equal(
    bytes.length,
    12 + (1 + 5) + (1 + 6) + (1 + 8) + 4 * 8 + 12 + 65536 * 4 + (2 + 2 + 28 * 4 + 1 + 3 * 4) + 4,
  );

  // Per-prompt cost in the page, the trained model against the shipped one (figures printed;
  // the bound is a freeze bound only).
  const cost = await page.evaluate(async (custom) => {
    const shipped = new Uint8Array(await (await fetch('public/model/task-classifier.bin')).arrayBuffer());
    const base = 'The kettle I ordered last week arrived with a cracked lid and I would like my money back, or a replacement if that is faster. ';
    const out = {};
    for (const [name, size] of [['100B', 100], ['1KB', 1024]]) {
      const text = base.repeat(Math.ceil(size / base.length)).slice(0, size);
      out[name] = {
        shipped_us: window.wasmBindings.bench_classify(shipped, text, 3000),
        custom_us: window.wasmBindings.bench_classify(new Uint8Array(custom), text, 3000),
      };
    }
    return out;
  }, [...bytes]);
  for (const [k, v] of Object.entries(cost)) {
    console.log(`in-page classify ${k}: shipped model ${v.shipped_us.toFixed(1)} µs, your model ${v.custom_us.toFixed(1)} µs`);
    for (const us of [v.shipped_us, v.custom_us]) assert.ok(Number.isFinite(us) && us > 0 && us < 100_000, `${k}: ${us} µs`);
  }

  // Use it: the page says so, and a policy rule on the custom label routes a refund prompt.
  await page.click('[data-action="use-model"]');
  await page.waitForSelector('.model-in-use[data-model-in-use="custom"]');
  assert.match(await page.textContent('.model-in-use'), /your model “support” \(other, refund, shipping\)/);
  await screenshot(page, 'train-1280-light');
  assert.deepEqual(await axeSerious(page), []);

  await page.click('.tab[data-view="policies"]');
  await page.click('button:has-text("New policy")');
  const editor = page.locator('textarea.code');
  await editor.waitFor();
  await page.fill('#live-prompt', 'The kettle arrived broken, I want my money back please.');
  await editor.fill(`name = "support-desk"\n\n[[rule]]\nname = "refunds"\nwhen = 'task == "refund" && scores.refund > 0.4'\nmodel = "claude-sonnet-5"\n\n[default]\nmodel = "gpt-5-mini"\n`);
  await page.waitForSelector('.live-decision[data-model="claude-sonnet-5"][data-rule="refunds"]');
  // No error and no "not a task type" warning for the custom label.
  assert.equal(await page.getAttribute('#diag-status', 'data-errors'), '0');
  assert.doesNotMatch(await page.textContent('.diagnostics'), /refund/);
  await page.fill('#live-prompt', 'Where is my parcel? The tracking has not moved since Monday.');
  await page.waitForSelector('.live-decision[data-model="gpt-5-mini"][data-rule="default"]');

  // The Prompt view's cards: the task is the custom label, and the quality note says what it means.
  await page.fill('#live-prompt', 'The kettle arrived broken, I want my money back please.');
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision [data-field="custom-task"]');
  assert.match(await page.textContent('.card.decision [data-field="custom-task"]'), /"refund" is a label of your own classifier.*mean over the 11 rated task types/);

  // Back to the shipped model: the rule's label is no longer one the classifier gives.
  await openTrain(page);
  await page.click('[data-action="use-shipped"]');
  await page.waitForSelector('.model-in-use[data-model-in-use="shipped"]');
  assert.deepEqual(page.errors, []);
});

test('Train view screenshots at 375 px and in dark mode, with a trained model', async () => {
  for (const [name, viewport, colorScheme] of [
    ['train-375-light', { width: 375, height: 800 }, 'light'],
    ['train-1280-dark', { width: 1280, height: 900 }, 'dark'],
    ['train-375-dark', { width: 375, height: 800 }, 'dark'],
  ]) {
    const page = await openPage(browser, { viewport, colorScheme });
    await page.waitForSelector('[data-model="ready"]');
    await openTrain(page);
    await upload(page);
    await page.click('.train-view [data-action="train"]');
    await page.waitForSelector('.train-view[data-train-status="done"] .train-results', { timeout: 120000 });
    await page.click('[data-action="use-model"]');
    await page.waitForSelector('.model-in-use[data-model-in-use="custom"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow} px`);
    await screenshot(page, name);
    assert.deepEqual(await axeSerious(page), [], name);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
