// The playground: one prompt under several policies, the policy editor's live diagnostics,
// share links, embed mode, persistence, and screenshots of each view in both themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { launch, openPage, screenshot, signal, BASE_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const modelReady = (page) => page.waitForSelector('[data-model="ready"]', { timeout: 30000 });

test('a typed prompt gets task bars, complexity and a decision from each of three policies', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  await page.fill('#prompt', 'Write a Rust function that parses an ISO 8601 date string and returns a chrono::NaiveDate, with unit tests.');
  await page.waitForFunction(() => document.querySelector('[data-signal="top_task"]')?.textContent.trim() === 'code');
  // Task bars: eleven labels, the top one marked; probabilities shown as percentages.
  assert.equal(await page.locator('.task-bar').count(), 11);
  assert.equal(await page.getAttribute('.task-bar.top', 'data-task'), 'code');
  const complexity = Number(await signal(page, 'complexity'));
  assert.ok(complexity >= 0 && complexity <= 1, `complexity ${complexity}`);
  // The three default policies each decide.
  const cards = page.locator('.card.decision');
  assert.equal(await cards.count(), 3);
  const policies = await cards.evaluateAll((els) => els.map((e) => e.dataset.policy));
  assert.deepEqual(policies, ['cost-saver', 'task-specialist', 'quality-first']);
  for (const id of policies) {
    const model = await page.getAttribute(`.card.decision[data-policy="${id}"]`, 'data-model');
    assert.ok(model && model !== 'no model', `${id} chose ${model}`);
    assert.match(await page.textContent(`.card.decision[data-policy="${id}"] [data-field="cost"]`), /^\$/);
  }
  // task-specialist routes code through its code rule; the trace explains every rule.
  assert.equal((await page.textContent('.card.decision[data-policy="task-specialist"] [data-field="rule"]')).trim(), 'code');
  await page.click('.card.decision[data-policy="task-specialist"] .trace summary');
  assert.ok(await page.locator('.card.decision[data-policy="task-specialist"] .rule.chosen').count() === 1);
  assert.ok(await page.locator('.card.decision[data-policy="task-specialist"] .rule.not-matched').count() >= 1);
  // Adding a fourth policy adds a card; removing it takes it away.
  await page.click('.policy-chip[data-policy="latency-first"]');
  assert.equal(await cards.count(), 4);
  await page.click('.policy-chip[data-policy="latency-first"]');
  assert.equal(await cards.count(), 3);
  await screenshot(page, 'prompt-desktop-light');
  assert.deepEqual(page.errors, []);
});

test('editing a policy into an error shows the diagnostic at its line, fixing it clears it, and a reload keeps it', async () => {
  const page = await openPage(browser);
  await page.click('.tab[data-view="policies"]');
  await page.click('button:has-text("New policy")');
  const editor = page.locator('textarea.code');
  await editor.waitFor();
  assert.equal(await page.getAttribute('.diag-status', 'data-errors'), '0');
  const good = await editor.inputValue();
  // Break the first condition: compare complexity with a string (a CEL type error).
  const broken = good.replace("when = 'complexity > 0.7'", "when = 'complexity > \"high\"'");
  assert.notEqual(broken, good);
  await editor.fill(broken);
  await page.waitForSelector('.diagnostics .diag.error');
  const line = broken.split('\n').findIndex((l) => l.includes('"high"')) + 1;
  assert.equal(await page.getAttribute('.diagnostics .diag.error', 'data-line'), String(line));
  assert.match(await page.textContent('.diagnostics .diag.error .loc'), new RegExp(`^${line}:\\d+$`));
  assert.equal(await page.locator('.gutter .ln.err').count(), 1);
  assert.equal((await page.textContent('.gutter .ln.err')).trim(), String(line));
  await screenshot(page, 'policy-editor-error');
  // The prompt view shows the broken policy's card as broken, not a stale decision.
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision.broken[data-policy="my-policy"]');
  await page.click('.tab[data-view="policies"]');
  // An unknown model is reported too, with a suggestion.
  await editor.fill(good.replace('"gpt-5-mini"', '"gpt-5-mimi"'));
  await page.waitForSelector('.diagnostics .diag.error[data-code="unknown-model"]');
  // Fixed: no errors, and the policy decides again.
  await editor.fill(good.replace('min_quality = 60', 'min_quality = 65'));
  await page.waitForFunction(() => document.querySelector('.diag-status')?.dataset.errors === '0');
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision[data-policy="my-policy"]:not(.broken)');
  // Reload: the user's policy, its edit and its selection survive.
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await page.waitForSelector('.card.decision[data-policy="my-policy"]:not(.broken)');
  await page.click('.tab[data-view="policies"]');
  await page.click('.policy-item[data-policy="my-policy"]');
  assert.match(await page.locator('textarea.code').inputValue(), /min_quality = 65/);
  assert.deepEqual(page.errors, []);
});

test('a share link opened in a fresh page reproduces prompt, policies and view, and carries no key', async () => {
  const page = await openPage(browser);
  await page.click('.tab[data-view="policies"]');
  await page.click('button:has-text("New policy")');
  const editor = page.locator('textarea.code');
  await editor.waitFor();
  const src = (await editor.inputValue()).replace('name = "my-policy"', 'name = "shared-policy"').replace('min_quality = 60', 'min_quality = 70');
  await editor.fill(src);
  await page.click('.tab[data-view="prompt"]');
  await page.fill('#prompt', 'Summarize the attached meeting notes in three bullet points for the team channel.');
  await page.click('.policy-chip[data-policy="balanced"]');
  await page.click('button:has-text("Share link")');
  const link = await page.inputValue('#share-output');
  assert.ok(link.startsWith(BASE_URL + '#s='), link);
  assert.ok(!/key/i.test(decodeURIComponent(link.split('#')[0])));
  const expected = await page.locator('.card.decision').evaluateAll((els) => els.map((e) => [e.dataset.policy, e.dataset.model]));

  // A fresh browser context: no storage, only the link.
  const fresh = await openPage(browser, { url: link });
  // The name in the source is the policy's identity: the link carries it as "shared-policy".
  await fresh.waitForSelector('.card.decision[data-policy="shared-policy"]');
  assert.equal(await fresh.inputValue('#prompt'), 'Summarize the attached meeting notes in three bullet points for the team channel.');
  const got = await fresh.locator('.card.decision').evaluateAll((els) => els.map((e) => [e.dataset.policy, e.dataset.model]));
  assert.deepEqual(got, expected);
  await fresh.click('.tab[data-view="policies"]');
  await fresh.click('.policy-item[data-policy="shared-policy"]');
  assert.match(await fresh.locator('textarea.code').inputValue(), /min_quality = 70/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
});

test('embed mode fits an iframe with minimal chrome', async () => {
  const page = await openPage(browser);
  await page.fill('#prompt', 'Translate "see you tomorrow at the station" into Japanese.');
  await page.click('button:has-text("Copy embed snippet")');
  const snippet = await page.inputValue('#share-output');
  assert.match(snippet, /^<iframe src="[^"]+#embed&s=/);
  const src = snippet.match(/src="([^"]+)"/)[1];
  // A host page on the same server embeds it at 700 px wide.
  const host = await browser.newPage({ viewport: { width: 900, height: 900 } });
  const errors = [];
  host.on('pageerror', (e) => errors.push(String(e)));
  await host.goto(BASE_URL);
  await host.setContent(`<!doctype html><body style="margin:20px;font-family:sans-serif"><h1>Docs page</h1><p>Live demo:</p><div style="width:700px">${snippet.replace(src, src)}</div></body>`);
  const frame = await (await host.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('[data-ready="true"]');
  await frame.waitForSelector('.card.decision');
  assert.ok(await frame.locator('.app.embed').count() === 1);
  assert.equal(await frame.locator('.tabs').isVisible(), false);
  assert.equal(await frame.inputValue('#prompt'), 'Translate "see you tomorrow at the station" into Japanese.');
  await host.screenshot({ path: 'tests/e2e/artifacts/embed-iframe.png', fullPage: true });
  assert.deepEqual(errors, []);
  await host.close();
});

test('screenshots: each view at desktop and 375 px, light and dark; keyboard focus is visible', async () => {
  for (const [w, h] of [[1280, 900], [375, 812]]) {
    for (const scheme of ['light', 'dark']) {
      const page = await openPage(browser, { viewport: { width: w, height: h }, colorScheme: scheme });
      await modelReady(page);
      for (const view of ['prompt', 'policies', 'catalog', 'batch', 'live']) {
        await page.click(`.tab[data-view="${view}"]`);
        await screenshot(page, `${view}-${w}-${scheme}`);
      }
      // No horizontal overflow of the page at this width.
      await page.click('.tab[data-view="prompt"]');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page overflows by ${overflow}px at ${w}px`);
      // Tab moves focus to a visible, named control.
      await page.keyboard.press('Tab');
      const named = await page.evaluate(() => {
        const el = document.activeElement;
        return el && (el.getAttribute('aria-label') || el.textContent.trim() || el.getAttribute('title'));
      });
      assert.ok(named, 'focused control has an accessible name');
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  }
});

// Figures are printed for the README; the bounds are far above them (about 100x) and only a
// freeze or a runaway (e.g. quadratic work) would reach them.
test('in-page speed: classifier and cheap signals on 100 B / 1 KB / 10 KB prompts each take under 100 ms a call, the first decision shows within 15 s (figures printed)', async () => {
  const page = await openPage(browser);
  const figures = await page.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch('public/model/task-classifier.bin')).arrayBuffer());
    const base = 'Please review this paragraph about our quarterly planning process and suggest three concrete improvements to the timeline. ';
    const out = {};
    for (const [name, size] of [['100B', 100], ['1KB', 1024], ['10KB', 10240]]) {
      const text = base.repeat(Math.ceil(size / base.length)).slice(0, size);
      out[name] = {
        classify_us: window.wasmBindings.bench_classify(bytes, text, size > 5000 ? 500 : 3000),
        cheap_signals_us: window.wasmBindings.bench_cheap_signals(text, size > 5000 ? 500 : 3000),
      };
    }
    return out;
  });
  for (const [k, v] of Object.entries(figures)) {
    console.log(`in-page ${k}: classify ${v.classify_us.toFixed(1)} µs, cheap signals ${v.cheap_signals_us.toFixed(1)} µs`);
    for (const us of [v.classify_us, v.cheap_signals_us]) {
      assert.ok(Number.isFinite(us) && us > 0, `${k}: ${us} µs`);
      assert.ok(us < 100_000, `${k}: ${us.toFixed(0)} µs per call, over the 100 ms freeze bound`);
    }
  }
  // Navigation to first decision shown, on localhost.
  const t = await browser.newPage();
  const t0 = Date.now();
  await t.goto(BASE_URL);
  await t.waitForSelector('.card.decision');
  const nav = await t.evaluate(() => performance.now());
  const wall = Date.now() - t0;
  console.log(`navigation → first decision shown: ${wall} ms wall (${nav.toFixed(0)} ms page clock)`);
  assert.ok(wall < 15_000, `first decision after ${wall} ms`);
  await t.close();
});

test('a share link of a prompt-set run reopens the batch view with the same set and policies', async () => {
  const page = await openPage(browser);
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  await page.click('.policy-chip[data-policy="latency-first"]');
  await page.click('.tab[data-view="batch"]');
  await page.click('[data-action="sample"]');
  await page.waitForSelector('.loaded[data-prompts="220"]');
  await page.waitForSelector('.timing[data-done="220"]', { timeout: 60000 });
  const chosen = (p) => p.locator('.policy-chip[aria-pressed="true"]').evaluateAll((els) => els.map((e) => e.dataset.policy));
  const before = await chosen(page);
  assert.equal(before.length, 4);
  await page.click('button:has-text("Share link")');
  const link = await page.inputValue('#share-output');

  const fresh = await openPage(browser, { url: link });
  await fresh.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  assert.equal(await fresh.getAttribute('.app', 'data-view'), 'batch');
  await fresh.waitForSelector('.loaded[data-prompts="220"]', { timeout: 30000 });
  await fresh.waitForSelector('.timing[data-done="220"]', { timeout: 60000 });
  assert.deepEqual(await chosen(fresh), before);
  assert.deepEqual(fresh.errors, []);
});

test('a workspace stored by an older version is migrated, not lost; an unreadable one is kept as a restorable backup', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const v1 = JSON.stringify({
    version: 1,
    custom_policies: [{ name: 'legacy', text: 'name = "legacy"\n\n[default]\nmodel = "gpt-5-mini"\n' }],
    selected: ['legacy', 'cost-saver'],
  });
  await page.goto(BASE_URL + 'missing-page-to-get-the-origin');
  await page.evaluate((v) => localStorage.setItem('routeplay.workspace', v), v1);
  await page.goto(BASE_URL);
  await page.waitForSelector('.card.decision[data-policy="legacy"][data-model="gpt-5-mini"]');
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('routeplay.workspace')));
  assert.equal(stored.version, 2);
  assert.deepEqual(stored.policies.map((p) => p.id), ['legacy']);

  await page.evaluate(() => localStorage.setItem('routeplay.workspace', '{"version": 99, "policies": []}'));
  await page.reload();
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /could not be read.*kept as a backup/);
  const backups = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('routeplay.backup.'))
    .map((k) => JSON.parse(localStorage.getItem(k))));
  assert.equal(backups.length, 1);
  assert.equal(backups[0].data, '{"version": 99, "policies": []}');
  assert.match(backups[0].reason, /version 99/);
  // Listed in the Policies view; restoring it says why it cannot be read, and changes nothing.
  await page.click('.tab[data-view="policies"]');
  await page.waitForSelector('.backup');
  assert.match(await page.textContent('.backup'), /version 99/);
  await page.click('.backup button:has-text("Restore")');
  await page.waitForSelector('.notice.warning:has-text("Not restored")');
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem('routeplay.workspace'))).selected, ['cost-saver', 'task-specialist', 'quality-first']);
  assert.deepEqual(errors, []);
  await context.close();
});

/** A share-link fragment for `state`, made the way the page makes them (raw deflate, base64url). */
function fragmentOf(state) {
  return 's=' + deflateRawSync(Buffer.from(JSON.stringify(state))).toString('base64url');
}

test('a share link the receiver would refuse is not made: the page says how big it is and why', async () => {
  const page = await openPage(browser);
  // 100 KB of incompressible text: far over the 64 KB limit once deflated and encoded.
  const noise = randomBytes(75_000).toString('base64');
  await page.fill('#prompt', noise);
  // Prompts over 64 KB are applied after a short debounce.
  await page.waitForSelector(`.prompt-panel .panel-head span:has-text("${noise.length.toLocaleString('en-US')} bytes")`);
  await page.click('button:has-text("Share link")');
  const msg = await page.textContent('#share-error');
  assert.match(msg, /^No link made: this experiment is \d+ KB compressed; links over 64 KB are refused\./, msg);
  const kb = Number(msg.match(/is (\d+) KB/)[1]);
  assert.ok(kb > 64 && kb < 200, `${kb} KB`);
  assert.equal(await page.locator('#share-output').count(), 0);
  // Back under the limit, a link is made again.
  await page.fill('#prompt', 'short prompt');
  await page.click('button:has-text("Share link")');
  assert.match(await page.inputValue('#share-output'), /#s=/);
  assert.equal(await page.locator('#share-error').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a link from a newer version, or a damaged one, gets a clear notice and the page still works', async () => {
  const newer = await openPage(browser, { url: BASE_URL + '#' + fragmentOf({ v: 7, prompt: 'from the future' }) });
  await newer.waitForSelector('.notice.warning');
  assert.match(await newer.textContent('.notice.warning'), /newer Routeplay \(format 7; this page reads formats 1 to 3\)/);
  // Nothing was applied: the empty prompt invites one, and a typed prompt is routed.
  await newer.waitForSelector('[data-empty="prompt"]');
  await newer.fill('#prompt', 'Plan a 4-day trip to Kyoto for two in early April.');
  await newer.waitForSelector('.card.decision');
  await newer.context().close();
  const damaged = await openPage(browser, { url: BASE_URL + '#s=AAAA' });
  await damaged.waitForSelector('.notice.warning');
  assert.match(await damaged.textContent('.notice.warning'), /could not be opened: the share link is damaged/);
  await damaged.waitForSelector('[data-empty="prompt"]');
  await damaged.fill('#prompt', 'Plan a 4-day trip to Kyoto for two in early April.');
  await damaged.waitForSelector('.card.decision');
  assert.deepEqual(newer.errors.concat(damaged.errors), []);
  await damaged.context().close();
});

test('a share link pasted into an open tab is applied (hashchange)', async () => {
  const page = await openPage(browser);
  await page.waitForSelector('.card.decision');
  const link = BASE_URL + '#' + fragmentOf({ v: 1, prompt: 'Pasted into the address bar', selected: ['latency-first'], view: 'prompt' });
  await page.goto(link);
  await page.waitForFunction(() => document.querySelector('#prompt')?.value === 'Pasted into the address bar');
  await page.waitForFunction(() => [...document.querySelectorAll('.card.decision')].map((c) => c.dataset.policy).join() === 'latency-first');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
