// A share link is someone else's input: a policy built to take unbounded work must not freeze
// the page that opens it. Seven nested `[0..9].all(x, ...)` comprehensions are 10^7 steps
// (27 s for one prompt before the CEL budget); every other limit lets them through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { launch, BASE_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function fragmentOf(state) {
  return 's=' + deflateRawSync(Buffer.from(JSON.stringify(state))).toString('base64url');
}

const vars = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const list = '[0,1,2,3,4,5,6,7,8,9]';
const condition = vars.reduceRight((inner, v) => `${list}.all(${v}, ${inner})`, `${vars.join(' + ')} >= 0`);
const NESTED = `name = "nested"
description = "Seven nested comprehensions: 10^7 steps if evaluated."

[[rule]]
name = "deep"
when = '${condition}'
candidates = ["gpt-5-mini"]
objective = "cheapest"

[default]
candidates = ["gpt-5-mini"]
objective = "cheapest"
`;

/** Resolves with the page's answer, or rejects if its main thread does not answer in `ms`. */
function answers(page, ms) {
  return Promise.race([
    page.evaluate(() => document.querySelectorAll('.card.decision').length),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`page did not answer within ${ms} ms`)), ms)),
  ]);
}

test('a share link with a seven-level nested comprehension policy leaves the page usable and shows the policy\'s diagnostic', async () => {
  assert.equal(condition.split('.all(').length - 1, 7);
  assert.ok(condition.length < 400, `${condition.length} bytes`);
  const link = BASE_URL + '#' + fragmentOf({
    v: 1, prompt: 'Write a short poem about rivers.', view: 'prompt',
    selected: ['nested', 'cost-saver', 'quality-first'], policies: [{ id: 'nested', source: NESTED }],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(link);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  // The other policies decide.
  await page.waitForSelector('.card.decision[data-policy="cost-saver"][data-model]', { timeout: 30000 });
  await page.waitForSelector('.card.decision[data-policy="quality-first"][data-model]');
  // The prompt view answers typing: each keystroke re-decides every selected policy.
  for (const text of ['Translate this sentence into French.', 'Prove that there are infinitely many primes.']) {
    const t0 = Date.now();
    await page.fill('#prompt', text);
    assert.equal(await answers(page, 5000), 3);
    console.log(`prompt "${text.slice(0, 24)}…" answered after ${Date.now() - t0} ms`);
  }
  // The nested policy is refused with its diagnostic, not run.
  await page.waitForSelector('.card.decision.broken[data-policy="nested"]');
  await page.click('.tab[data-view="policies"]');
  await page.click('.policy-item[data-policy="nested"]');
  await page.waitForSelector('.diagnostics .diag.error');
  const line = NESTED.split('\n').findIndex((l) => l.startsWith('when =')) + 1;
  assert.equal(await page.getAttribute('.diagnostics .diag.error', 'data-line'), String(line));
  console.log(`diagnostic: ${(await page.textContent('.diagnostics .diag.error')).trim()}`);
  assert.equal(await answers(page, 5000), 3);
  assert.deepEqual(errors, []);
  await context.close();
});
