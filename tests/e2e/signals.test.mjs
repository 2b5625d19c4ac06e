// Foundation: typing into the real page computes the cheap signals in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, openPage, screenshot, signal } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('typing a prompt shows its signals', async () => {
  const page = await openPage(browser);
  await page.fill('#prompt', '');
  await page.click('#prompt');
  await page.keyboard.type('Bonjour ! Peux-tu traduire cette phrase en anglais : « Le chat dort sur le canapé » ?');
  await page.waitForFunction(() => document.querySelector('[data-signal="language"]')?.textContent.includes('French'));
  assert.match(await signal(page, 'language'), /French/);
  assert.equal(await signal(page, 'chars'), '85');
  assert.equal(await signal(page, 'has_code'), 'no');
  assert.ok(Number(await signal(page, 'tokens')) > 15);

  await page.fill('#prompt', 'Why does this crash?\n```rust\nfn main() { let v: Vec<u8> = vec![]; println!("{}", v[0]); }\n```\nmail: dev@example.com');
  await page.waitForFunction(() => document.querySelector('[data-signal="has_code"]')?.textContent.trim() === 'yes');
  assert.equal(await signal(page, 'has_code'), 'yes');
  assert.match(await signal(page, 'pii'), /email/);
  await screenshot(page, 'signals-desktop');
  assert.deepEqual(page.errors, []);
});

test('a 1 MB prompt does not freeze the page', async () => {
  // Generous bounds that only a freeze hits: no main-thread task over 1 s while the prompt is
  // filled and edited, and one more keystroke is reflected within 5 s.
  const MAX_TASK_MS = 1000;
  const MAX_EDIT_MS = 5000;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Long tasks (main thread blocked > 50 ms) are recorded from the first script on.
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  await page.goto(BASE_URL);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  assert.ok(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask')),
    'this browser reports long tasks');
  const before = (await page.evaluate(() => window.__longTasks)).length;

  const big = 'The quarterly report shows revenue growth across every region. '.repeat(16500);
  assert.ok(big.length > 1_000_000);
  const t0 = Date.now();
  await page.fill('#prompt', big);
  await page.waitForFunction((n) => document.querySelector('[data-signal="chars"]')?.textContent.trim() === String(n), big.length);
  const fillMs = Date.now() - t0;
  // The page still answers an edit: a keystroke at the end is reflected in the signals.
  const t1 = Date.now();
  await page.keyboard.press('End');
  await page.keyboard.type('!');
  await page.waitForFunction((n) => document.querySelector('[data-signal="chars"]')?.textContent.trim() === String(n),
    big.length + 1, { timeout: MAX_EDIT_MS });
  const keyMs = Date.now() - t1;
  const longTasks = (await page.evaluate(() => window.__longTasks)).slice(before);
  const longest = Math.max(0, ...longTasks);
  const timings = await signal(page, 'timings');
  console.log(`1 MB prompt: longest main-thread block ${longest.toFixed(0)} ms over ${longTasks.length} long tasks; ${timings}`);
  console.log(`1 MB prompt (${big.length} chars): signals shown ${fillMs} ms after fill; one more keystroke reflected in ${keyMs} ms`);
  assert.ok(longest < MAX_TASK_MS, `the main thread was blocked for ${longest.toFixed(0)} ms (limit ${MAX_TASK_MS} ms)`);
  assert.ok(keyMs < MAX_EDIT_MS, `a keystroke took ${keyMs} ms to show (limit ${MAX_EDIT_MS} ms)`);
  assert.deepEqual(page.errors, []);
  await context.close();
});
