// Foundation: typing into the real page computes the cheap signals in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, signal } from './browser.mjs';

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
  const page = await openPage(browser);
  // Record long tasks (main thread blocked > 50 ms) while the big prompt is handled.
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
  });
  const big = 'The quarterly report shows revenue growth across every region. '.repeat(16500);
  const t0 = Date.now();
  await page.fill('#prompt', big);
  await page.waitForFunction((n) => document.querySelector('[data-signal="chars"]')?.textContent.trim() === String(n), big.length);
  const fillMs = Date.now() - t0;
  // The page still answers: a script round-trip and a keystroke both go through.
  const t1 = Date.now();
  await page.evaluate(() => 1 + 1);
  await page.keyboard.press('End');
  await page.keyboard.type('!');
  await page.waitForFunction((n) => document.querySelector('[data-signal="chars"]')?.textContent.trim() === String(n), big.length + 1);
  const keyMs = Date.now() - t1;
  const longTasks = await page.evaluate(() => window.__longTasks);
  const timings = await signal(page, 'timings');
  console.log(`1 MB prompt: longest main-thread block ${Math.max(0, ...longTasks).toFixed(0)} ms over ${longTasks.length} long tasks; ${timings}`);
  console.log(`1 MB prompt (${big.length} chars): signals shown ${fillMs} ms after fill; one more keystroke reflected in ${keyMs} ms`);
  assert.deepEqual(page.errors, []);
});
