// A visitor from a link: the prompt view explains itself in 30 seconds. Provisional decisions
// while the classifier loads, an empty state, "too short to tell" and "uncertain" signals,
// cards that say what a policy is for and why it chose, and a readable trace at 1280 and 375 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, launch, openPage, screenshot, signal } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const modelReady = (page) => page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
const SHOT = process.env.ROUTEPLAY_SHOT_PREFIX ?? 'visitor';
const FIX_CODE = 'This Python function should return the running average but it is off by one. Can you fix it and explain why?\n```python\ndef running_avg(xs):\n    out, total = [], 0\n    for i, x in enumerate(xs):\n        total += x\n        out.append(total / i)\n    return out\n```';

test('screenshots: an expanded trace at 1280 and 375 px, and the prompt view at 375 px', async () => {
  for (const [w, h] of [[1280, 900], [375, 812]]) {
    const page = await openPage(browser, { viewport: { width: w, height: h } });
    await modelReady(page);
    await page.fill('#prompt', FIX_CODE);
    await page.waitForFunction(() => document.querySelector('[data-signal="top_task"]')?.textContent.includes('code'));
    const card = page.locator('.card.decision[data-policy="task-specialist"]');
    if (w === 375) await page.screenshot({ path: path.join(ARTIFACTS, `${SHOT}-prompt-375.png`), fullPage: true });
    await card.locator('.trace summary').click();
    await card.locator('.rule.chosen').waitFor();
    await card.screenshot({ path: path.join(ARTIFACTS, `${SHOT}-trace-${w}.png`) });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

/** Opens the page with the classifier's model response held until `release()` is called. */
async function openWithHeldModel(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  let release;
  const gate = new Promise((r) => { release = r; });
  let requested = false;
  await context.route('**/task-classifier.bin', async (route) => {
    requested = true;
    await gate;
    await route.continue();
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  await page.goto(process.env.ROUTEPLAY_URL);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  return { page, context, release, requested: () => requested };
}

test('decisions made before the classifier arrives are marked provisional, then re-decided and unmarked', async () => {
  const { page, context, release, requested } = await openWithHeldModel();
  await page.fill('#prompt', FIX_CODE);
  const cards = page.locator('.card.decision');
  await cards.first().waitFor();
  assert.ok(requested(), 'the page asked for the classifier model');
  assert.equal(await page.locator('[data-model="loading"]').count(), 1);
  assert.equal(await cards.count(), 3);
  const marks = await cards.evaluateAll((els) => els.map((e) => e.dataset.provisional));
  assert.deepEqual(marks, ['true', 'true', 'true']);
  for (const note of await page.locator('.card.decision [data-field="provisional"]').allTextContents()) {
    assert.equal(note.trim(), 'provisional — classifier loading');
  }
  // Without the classifier the task is unknown: task-specialist falls back on has_code.
  assert.match(await page.textContent('.card.decision[data-policy="task-specialist"]'), /task unknown/);
  await page.screenshot({ path: path.join(ARTIFACTS, `${SHOT}-provisional.png`), fullPage: true });

  release();
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.card.decision')].every((e) => e.dataset.provisional === 'false'));
  assert.equal(await page.locator('.card.decision [data-field="provisional"]').count(), 0);
  // Re-decided with the classifier's task.
  assert.match(await page.textContent('.card.decision[data-policy="task-specialist"]'), /task code/);
  assert.equal((await page.textContent('.card.decision[data-policy="task-specialist"] [data-field="rule"]')).trim(), 'code');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('an empty prompt shows an invitation and no routes or decision cards', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  await page.fill('#prompt', '');
  await page.waitForSelector('[data-empty="prompt"]');
  assert.match(await page.textContent('[data-empty="prompt"]'), /Type or paste a prompt…/);
  assert.equal(await page.locator('.card.decision').count(), 0);
  // No task guess for nothing ("chat 66%" before): the signals say what they will show.
  assert.ok(await page.locator('[data-signal="empty"]').isVisible());
  assert.equal(await page.locator('.task-bar').count(), 0);
  assert.equal(await signal(page, 'top_task'), '');
  // Whitespace is empty too.
  await page.fill('#prompt', '  \n\t ');
  await page.waitForSelector('[data-empty="prompt"]');
  assert.equal(await page.locator('.card.decision').count(), 0);
  // Typing brings the cards back.
  await page.fill('#prompt', 'Plan a 4-day trip to Kyoto for two in early April.');
  await page.waitForSelector('.card.decision');
  assert.equal(await page.locator('[data-empty="prompt"]').count(), 0);
  assert.equal(await page.locator('.card.decision').count(), 3);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('too-short prompts say "too short to tell" for language and complexity, a longer one names its language', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  for (const p of ['hi', 'ok', 'hey, how are you?']) {
    await page.fill('#prompt', p);
    await page.waitForFunction((n) => document.querySelector('[data-signal="chars"]')?.textContent.trim() === String(n), [...p].length);
    assert.equal(await signal(page, 'language'), 'too short to tell', p);
    assert.equal(await signal(page, 'complexity'), 'too short to tell', p);
    assert.equal(await page.getAttribute('.gauge', 'aria-valuetext'), 'too short to tell');
  }
  await screenshot(page, `${SHOT}-too-short`);
  await page.fill('#prompt', 'Summarize the attached meeting notes in three bullet points for the team channel.');
  await page.waitForFunction(() => document.querySelector('[data-signal="language"]')?.textContent.includes('English'));
  assert.match(await signal(page, 'complexity'), /^0\.\d\d$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('"uncertain" appears beside the task exactly when its top probability is below 50%', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  // Requests that mix tasks or say little, and clear ones (top probabilities under the shipped
  // model: 43%, 76%, 84%; the last two above 90%).
  const prompts = ['List the names in this text and say which are positive.', 'Can you look at this for me?', 'Help me with my project', FIX_CODE,
    'Translate into Spanish: "See you tomorrow at the station."'];
  let uncertain = 0;
  for (const p of prompts) {
    await page.fill('#prompt', p);
    await page.waitForFunction((n) => document.querySelector('[data-signal="chars"]')?.textContent.trim() === String(n), [...p].length);
    const top = Number((await page.textContent('.task-bar.top .task-p')).replace('%', ''));
    const badge = await page.locator('[data-signal="uncertain"]').count();
    assert.equal(badge, top < 50 ? 1 : 0, `${p}: top ${top}%, badge ${badge}`);
    if (badge) {
      uncertain += 1;
      assert.equal((await signal(page, 'uncertain')), 'uncertain');
      assert.match(await page.textContent('.card.decision'), /\(uncertain\)/);
    }
  }
  assert.ok(uncertain >= 1 && uncertain < prompts.length, `${uncertain} of ${prompts.length} uncertain`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('each card says what its policy is for and why it chose; the picker shows descriptions without hover', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  await page.fill('#prompt', FIX_CODE);
  await page.waitForFunction(() => document.querySelector('[data-signal="top_task"]')?.textContent.includes('code'));
  const card = page.locator('.card.decision[data-policy="task-specialist"]');
  assert.match(await card.locator('[data-field="description"]').textContent(), /Routes planning, reasoning, code and translation/);
  await page.waitForFunction(() => document.querySelector('.card.decision[data-policy="task-specialist"] [data-field="why"]')?.textContent.includes('task is code'));
  assert.match(await card.locator('[data-field="why"]').textContent(),
    /^Rule code matched \(task is code.*\); best-quality eligible model of 4 candidates, est\. cost ≤ \$0\.05, not from bedrock, azure, vertex$/);
  assert.equal(await card.locator('[data-field="why"] code').first().textContent(), 'code');
  for (const id of ['cost-saver', 'quality-first']) {
    const why = await page.textContent(`.card.decision[data-policy="${id}"] [data-field="why"]`);
    assert.ok(why.trim().length > 20, `${id}: ${why}`);
    assert.ok(await page.locator(`.card.decision[data-policy="${id}"] [data-field="description"]`).isVisible());
  }
  // Every preset's toggle shows its description as text, not only as a tooltip.
  for (const id of ['cost-saver', 'task-specialist', 'quality-first', 'latency-first', 'balanced', 'house-first']) {
    const desc = page.locator(`.policy-chip[data-policy="${id}"] .chip-desc`);
    assert.ok(await desc.isVisible(), id);
    assert.ok((await desc.textContent()).trim().length > 20, id);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the trace is readable: plain rule names, candidates on one line each, 24 px "Why?" toggles (1280 and 375 px)', async () => {
  for (const [w, h] of [[1280, 900], [375, 812]]) {
    const page = await openPage(browser, { viewport: { width: w, height: h } });
    await modelReady(page);
    await page.fill('#prompt', FIX_CODE);
    await page.waitForFunction(() => document.querySelector('[data-signal="top_task"]')?.textContent.includes('code'));
    for (const box of await page.locator('.trace summary').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) {
      assert.ok(box >= 24, `${w} px: a "Why?" toggle is ${box} px tall`);
    }
    const card = page.locator('.card.decision[data-policy="task-specialist"]');
    await card.locator('.trace summary').click();
    const style = await card.evaluate((c) => {
      const px = (el) => parseFloat(getComputedStyle(el).fontSize);
      return {
        model: px(c.querySelector('.chosen-model')),
        rule: px(c.querySelector('.rule.chosen .rule-head strong')),
        ruleColor: getComputedStyle(c.querySelector('.rule.chosen .rule-head strong')).color,
        modelColor: getComputedStyle(c.querySelector('.chosen-model')).color,
        // Every figure cell and legend entry on one line: no "$0. / 002 / 44".
        wrapped: [...c.querySelectorAll('.cand-figs, .cand-legend span')].filter((el) => {
          const lh = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.5;
          return el.getBoundingClientRect().height > lh * 1.5;
        }).map((el) => el.textContent),
        figs: c.querySelectorAll('.rule.chosen .cand-figs').length,
        overflow: c.scrollWidth > c.clientWidth,
      };
    });
    assert.equal(style.model, 20);
    assert.ok(style.rule <= 15, `${w} px: the chosen rule's name is ${style.rule} px`);
    assert.notEqual(style.ruleColor, style.modelColor);
    assert.equal(style.figs, 4);
    assert.deepEqual(style.wrapped, [], `${w} px: wrapped figures`);
    assert.equal(style.overflow, false);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('on a phone the decisions come directly under the prompt, before the signals', async () => {
  const page = await openPage(browser, { viewport: { width: 375, height: 812 } });
  await modelReady(page);
  await page.fill('#prompt', FIX_CODE);
  await page.waitForSelector('.card.decision');
  const y = async (sel) => page.locator(sel).first().evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
  const prompt = await page.locator('.prompt-panel').evaluate((e) => e.getBoundingClientRect().bottom + window.scrollY);
  const card = await y('.card.decision');
  const signals = await y('.signals-panel');
  assert.ok(card < signals, `first card at ${card} px, signals at ${signals} px`);
  assert.ok(card - prompt < 40, `the first card starts ${card - prompt} px below the prompt`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('request metadata applies as you type; invalid JSON shows its error and keeps the last valid value', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  await page.fill('#prompt', 'Plan a 4-day trip to Kyoto for two in early April.');
  await page.click('.policy-chip[data-policy="balanced"]');
  const rule = () => page.textContent('.card.decision[data-policy="balanced"] [data-field="rule"]').then((t) => t.trim());
  await page.click('.metadata summary');
  const box = page.locator('input[aria-label="Request metadata as JSON"]');
  await box.fill('');
  await box.pressSequentially('{"tier": "pro"}');
  // No Enter, no blur: the pro rule applies.
  await page.waitForFunction(() => document.querySelector('.card.decision[data-policy="balanced"] [data-field="rule"]')?.textContent.trim() === 'pro tier');
  assert.equal(await box.evaluate((e) => e === document.activeElement), true);
  // Break it: the error is shown beside the box and "pro" stays in use.
  await box.press('End');
  await box.press('Backspace');
  await page.waitForSelector('[data-field="metadata-error"]');
  assert.match(await page.textContent('[data-field="metadata-error"]'), /metadata must be a JSON object/);
  assert.match(await page.textContent('[data-field="metadata-error"]'), /Still using the last valid value: \{"tier":"pro"\}/);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.equal(await rule(), 'pro tier');
  // Fixed to another valid value: error gone, the new value applies.
  await box.fill('{"tier": "free"}');
  await page.waitForFunction(() => !document.querySelector('[data-field="metadata-error"]'));
  await page.waitForFunction(() => document.querySelector('.card.decision[data-policy="balanced"] [data-field="rule"]')?.textContent.trim() !== 'pro tier');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('before the app starts the page shows a skeleton with a one-line explainer; the app replaces it', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  // The wasm never arrives: only the static page is there.
  await context.route('**/*.wasm', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(process.env.ROUTEPLAY_URL);
  const skeleton = page.locator('.boot-skeleton');
  await skeleton.waitFor();
  assert.ok(await skeleton.isVisible());
  assert.match(await page.textContent('.boot-skeleton .boot-line'), /See which LLM each routing policy would send a prompt to/);
  // Styled by a stylesheet (the CSP has no 'unsafe-inline'): the brand and the boxes are drawn.
  assert.ok((await page.locator('.boot-skeleton .skel').first().boundingBox()).height >= 200);
  await page.screenshot({ path: path.join(ARTIFACTS, `${SHOT}-skeleton-375.png`), fullPage: true });
  await context.close();

  const app = await openPage(browser);
  assert.equal(await app.locator('.boot-skeleton').isVisible(), false);
  assert.ok(await app.locator('.app').isVisible());
  assert.deepEqual(app.errors, []);
  await app.context().close();
});
