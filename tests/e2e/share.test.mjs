// Share links reproduce the experiment: catalog edits travel with them (or the link says it
// assumes the shipped catalog), a link made in the Prompt set view reopens the set with its
// policies, an imported link leaves the address bar (a reload does not import it again), and
// Esc closes the share popover.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { launch, openPage, screenshot, BASE_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const modelReady = (page) => page.waitForSelector('[data-model="ready"]', { timeout: 30000 });

function fragmentOf(state) {
  return 's=' + deflateRawSync(Buffer.from(JSON.stringify(state))).toString('base64url');
}
function stateOf(link) {
  return JSON.parse(inflateRawSync(Buffer.from(link.split('#s=')[1], 'base64url')).toString());
}

const PROMPT = 'Summarize the attached meeting notes in three bullet points for the team channel.';

/** [model, cost] of a policy's decision card. */
async function card(page, policy) {
  const sel = `.card.decision[data-policy="${policy}"]`;
  await page.waitForSelector(sel);
  return [await page.getAttribute(sel, 'data-model'), (await page.textContent(`${sel} [data-field="cost"]`)).trim()];
}

async function share(page) {
  await page.click('button:has-text("Share link")');
  return page.inputValue('#share-output');
}

test('a catalog edit travels with the share link: a fresh context gets the same decision and estimate', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  await page.fill('#prompt', PROMPT);
  const [model, cost] = await card(page, 'cost-saver');
  // Make the model cost-saver picks 200× dearer: the decision (or at least its estimate) moves.
  await page.click('.tab[data-view="catalog"]');
  const input = page.locator(`input[aria-label="${model} input price"]`);
  await input.fill('500');
  await input.dispatchEvent('change');
  await page.waitForSelector(`tr[data-model="${model}"] td.edited[data-field="input_price"]`);
  await page.click('.tab[data-view="prompt"]');
  await page.waitForFunction(([m, c]) => {
    const el = document.querySelector('.card.decision[data-policy="cost-saver"]');
    return el && (el.dataset.model !== m || el.querySelector('[data-field="cost"]').textContent.trim() !== c);
  }, [model, cost]);
  const after = await card(page, 'cost-saver');
  const link = await share(page);
  const state = stateOf(link);
  assert.equal(state.v, 3);
  assert.deepEqual(state.catalog.changed[model].figures, { input_price: 500 });
  assert.ok(link.length < 4000, `a price edit is a short link (${link.length} characters)`);

  const fresh = await openPage(browser, { url: link });
  await modelReady(fresh);
  await fresh.waitForFunction((p) => document.querySelector('#prompt')?.value === p, PROMPT);
  assert.deepEqual(await card(fresh, 'cost-saver'), after);
  assert.match(await fresh.textContent('.notices'), /This link carries catalog edits \(1 figure edited in 1 model\)/);
  const received = await card(fresh, 'cost-saver');
  await fresh.click('.tab[data-view="catalog"]');
  const note = await fresh.textContent(`tr[data-model="${model}"] td[data-field="input_price"] .edited-note`);
  assert.match(note, /^edited by you — was \$\d+\.\d\d \(.+\)$/);
  console.log(`cost-saver on the prompt: ${model} ${cost} → after the edit ${after.join(' ')}; receiver: ${received.join(' ')}; link ${link.length} chars`);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
  await page.context().close();
  await fresh.context().close();
});

test('catalog edits too large for a link: the link says it assumes the shipped catalog and the receiver is told', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  // A catalog with one extra model whose note is 90 KB of noise: over the 64 KB limit compressed.
  const shipped = await page.evaluate(async () => (await fetch('public/catalog.json')).json());
  const extra = { ...shipped.models[0], id: 'noisy-model', note: randomBytes(68_000).toString('base64') };
  const big = { ...shipped, models: [...shipped.models, extra] };
  await page.click('.tab[data-view="catalog"]');
  await page.setInputFiles('.catalog input[type="file"]', { name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(big)) });
  await page.waitForSelector('tr[data-model="noisy-model"][data-origin="added"]');
  const link = await share(page);
  assert.match(await page.textContent('.share-note'), /too large for a link: this link assumes the shipped catalog/);
  const state = stateOf(link);
  assert.equal(state.catalog, undefined);
  assert.equal(state.catalog_omitted, true);

  const fresh = await openPage(browser, { url: link });
  await fresh.waitForSelector('.notice.warning');
  assert.match(await fresh.textContent('.notice.warning'), /made with catalog edits too large to include: it assumes the shipped catalog/);
  await fresh.click('.tab[data-view="catalog"]');
  assert.equal(await fresh.locator('tr[data-model="noisy-model"]').count(), 0);
  assert.equal(await fresh.locator('[data-edits]').count(), 0);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
  await page.context().close();
  await fresh.context().close();
});

test('after importing a link the fragment is cleared, and a reload does not import it again', async () => {
  const link = BASE_URL + '#' + fragmentOf({ v: 2, prompt: 'Imported once', selected: ['latency-first'], view: 'prompt' });
  const page = await openPage(browser, { url: link });
  await page.waitForFunction(() => document.querySelector('#prompt')?.value === 'Imported once');
  await page.waitForFunction(() => location.hash === '');
  assert.equal(page.url(), BASE_URL);
  // The user carries on: another policy selected. A reload keeps their work, not the link's.
  await page.click('.policy-chip[data-policy="cost-saver"]');
  await page.waitForSelector('.card.decision[data-policy="cost-saver"]');
  await page.waitForTimeout(300); // the save runs on the next tick
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await page.waitForSelector('.card.decision[data-policy="cost-saver"]');
  assert.notEqual(await page.inputValue('#prompt'), 'Imported once');
  const cards = await page.locator('.card.decision').evaluateAll((els) => els.map((e) => e.dataset.policy));
  assert.deepEqual(cards, ['latency-first', 'cost-saver']);
  assert.equal(await page.locator('.notice').count(), 0);
  // An embed keeps `#embed`: only the link's data leaves the address bar.
  const embed = await openPage(browser, { url: BASE_URL + '#embed&' + fragmentOf({ v: 2, prompt: 'Embedded prompt', view: 'prompt' }) });
  await embed.waitForFunction(() => document.querySelector('#prompt')?.value === 'Embedded prompt');
  await embed.waitForFunction(() => location.hash === '#embed');
  assert.deepEqual(page.errors.concat(embed.errors), []);
  await page.context().close();
  await embed.context().close();
});

test('a link made in the Prompt set view reopens the set under the policies chosen there', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  await page.click('.tab[data-view="batch"]');
  // This set runs under cost-saver and latency-first (chosen here, not in the Prompt view).
  await page.click('[data-set-policy="task-specialist"]');
  await page.click('[data-set-policy="quality-first"]');
  await page.click('[data-set-policy="latency-first"]');
  await page.click('[data-action="sample"]');
  await page.waitForSelector('.timing[data-done="220"]', { timeout: 60000 });
  const summary = (p) => p.locator('table.summary tbody tr').evaluateAll((els) => els.map((e) => e.dataset.policy));
  assert.deepEqual(await summary(page), ['cost-saver', 'latency-first']);
  const link = await share(page);
  const state = stateOf(link);
  assert.deepEqual(state.batch, { kind: 'sample' });
  assert.deepEqual(state.batch_selected, ['cost-saver', 'latency-first']);

  const fresh = await openPage(browser, { url: link });
  await modelReady(fresh);
  assert.equal(await fresh.getAttribute('.app', 'data-view'), 'batch');
  await fresh.waitForSelector('.loaded[data-prompts="220"]', { timeout: 30000 });
  await fresh.waitForSelector('.timing[data-done="220"]', { timeout: 60000 });
  assert.deepEqual(await summary(fresh), ['cost-saver', 'latency-first']);
  const pressed = await fresh.locator('[data-set-policy][aria-pressed="true"]').evaluateAll((els) => els.map((e) => e.dataset.setPolicy));
  assert.deepEqual(pressed, ['cost-saver', 'latency-first']);
  // The Prompt view's own selection is the sender's, untouched by the set's.
  const chips = await fresh.locator('.policy-chip[aria-pressed="true"]').evaluateAll((els) => els.map((e) => e.dataset.policy));
  assert.deepEqual(chips.sort(), ['cost-saver', 'quality-first', 'task-specialist']);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
  await page.context().close();
  await fresh.context().close();
});

test('a pasted set travels inline; one too big for a link is left out and the receiver is told', async () => {
  const page = await openPage(browser);
  await modelReady(page);
  await page.click('.tab[data-view="batch"]');
  await page.click('.paste summary');
  await page.fill('#batch-paste', 'What is the capital of Peru?\nWrite a limerick about routers.\nTranslate "good morning" into German.\n');
  await page.click('[data-action="use-paste"]');
  await page.waitForSelector('.timing[data-done="3"]', { timeout: 60000 });
  const small = await share(page);
  const fresh = await openPage(browser, { url: small });
  await fresh.waitForSelector('.loaded[data-prompts="3"]', { timeout: 30000 });
  await fresh.waitForSelector('.timing[data-done="3"]', { timeout: 60000 });
  await fresh.context().close();

  // 1,200 prompts of noise: far over 64 KB compressed.
  const lines = Array.from({ length: 1200 }, () => randomBytes(60).toString('base64')).join('\n');
  await page.fill('#batch-paste', lines);
  await page.click('[data-action="use-paste"]');
  await page.waitForSelector('.loaded[data-prompts="1200"]', { timeout: 60000 });
  const big = await share(page);
  assert.match(await page.textContent('.share-note'), /The pasted prompt set \(\d+ KB raw\) is not in this link/);
  const receiver = await openPage(browser, { url: big });
  await receiver.waitForSelector('.notice.warning');
  assert.match(await receiver.textContent('.notice.warning'), /The sender's prompt set \(\d+ KB\) did not fit in this link: ask for the file/);
  assert.equal(await receiver.getAttribute('.app', 'data-view'), 'batch');
  assert.deepEqual(page.errors.concat(receiver.errors), []);
  await page.context().close();
  await receiver.context().close();
});

test('Esc closes the share popover and returns focus to the button that opened it', async () => {
  const page = await openPage(browser);
  await page.click('button:has-text("Share link")');
  await page.waitForSelector('#share-output');
  await page.focus('#share-output');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#share-output', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Share link');
  await page.click('button:has-text("Copy embed snippet")');
  await page.waitForSelector('#share-output');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#share-output', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Copy embed snippet');
  await screenshot(page, 'share-after-esc');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
