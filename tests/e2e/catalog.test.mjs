// The catalog view: every figure editable (prices, quality, context window, latency), edited
// cells marked with the shipped figure they replace, models added (validated) and removed (with
// undo), reset per model and for all; edits stored as overrides and used by every decision.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, BASE_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PROMPT = 'Summarize the attached meeting notes in three bullet points for the team channel.';

async function edit(page, label, value) {
  const input = page.locator(`input[aria-label="${label}"]`);
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('routeplay.workspace') ?? '{}'));

test('an edited price is marked with the shipped figure, changes the decision, and resets with undo', async () => {
  const page = await openPage(browser);
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  await page.fill('#prompt', PROMPT);
  const card = '.card.decision[data-policy="cost-saver"]';
  await page.waitForSelector(card);
  const model = await page.getAttribute(card, 'data-model');
  const cost = (await page.textContent(`${card} [data-field="cost"]`)).trim();
  await page.click('.tab[data-view="catalog"]');
  const cell = `tr[data-model="${model}"] td[data-field="input_price"]`;
  const shippedNote = (await page.textContent(`${cell} .src`)).trim();
  await screenshot(page, 'catalog-before-edit-desktop');
  await edit(page, `${model} input price`, 500);
  await page.waitForSelector(`${cell}.edited`);
  const note = (await page.textContent(`${cell} .edited-note`)).trim();
  // The cell no longer claims the shipped source: it says who changed it and what it was.
  assert.match(note, /^edited by you — was \$\d+\.\d\d \(/);
  assert.ok(note.includes(shippedNote), `"${note}" names the shipped source "${shippedNote}"`);
  assert.equal(await page.getAttribute(`tr[data-model="${model}"]`, 'data-origin'), 'edited');
  assert.match(await page.textContent('[data-edits]'), /1 figure edited in 1 model/);
  await screenshot(page, 'catalog-edited-desktop');
  // Stored as an override, not a copy of the catalog.
  const ws = await stored(page);
  assert.deepEqual(ws.catalog_edits.changed[model].figures, { input_price: 500 });
  assert.equal(ws.catalog_json, undefined);
  // Every decision uses it.
  await page.click('.tab[data-view="prompt"]');
  await page.waitForFunction(([m, c]) => {
    const el = document.querySelector('.card.decision[data-policy="cost-saver"]');
    return el && (el.dataset.model !== m || el.querySelector('[data-field="cost"]').textContent.trim() !== c);
  }, [model, cost]);
  // Reset the model: back to shipped; Undo brings the edit back; Reset all clears it again.
  await page.click('.tab[data-view="catalog"]');
  await page.click(`tr[data-model="${model}"] [data-action="reset-model"]`);
  await page.waitForSelector(`${cell}:not(.edited)`);
  assert.match(await page.textContent('.undo-bar'), new RegExp(`${model.replace(/[.]/g, '\\.')} reset to shipped`));
  await page.click('[data-action="undo"]');
  await page.waitForSelector(`${cell}.edited`);
  await page.click('[data-action="reset-all"]');
  await page.waitForSelector(`${cell}:not(.edited)`);
  assert.equal(await page.locator('td.edited').count(), 0);
  assert.equal((await stored(page)).catalog_edits, undefined);
  await page.click('.tab[data-view="prompt"]');
  await page.waitForFunction(([m, c]) => {
    const el = document.querySelector('.card.decision[data-policy="cost-saver"]');
    return el?.dataset.model === m && el.querySelector('[data-field="cost"]').textContent.trim() === c;
  }, [model, cost]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('latency, context window and quality are editable; a bad value is refused with a reason and changes nothing', async () => {
  const page = await openPage(browser, { viewport: { width: 375, height: 800 } });
  await page.click('.tab[data-view="catalog"]');
  await page.waitForSelector('tr[data-model="gpt-5-mini"]');
  await edit(page, 'gpt-5-mini context window', 8000);
  await page.waitForSelector('tr[data-model="gpt-5-mini"] td.edited[data-field="context_window"]');
  assert.match(await page.textContent('tr[data-model="gpt-5-mini"] td[data-field="context_window"] .edited-note'), /was \d+k tokens/);
  await edit(page, 'gpt-5-mini time to first token', 1500);
  await page.waitForSelector('tr[data-model="gpt-5-mini"] td.edited[data-field="ttft_ms"]');
  await edit(page, 'gpt-5-mini output speed', 0);
  assert.match(await page.textContent('#catalog-error'), /gpt-5-mini: the output speed must be above 0 tokens per second; the figure is unchanged/);
  assert.equal(await page.locator('tr[data-model="gpt-5-mini"] td.edited[data-field="output_tps"]').count(), 0);
  await page.click('tr[data-model="gpt-5-mini"] .quality-details summary');
  await edit(page, 'gpt-5-mini quality for code', 12);
  await page.waitForSelector('tr[data-model="gpt-5-mini"] .q.edited');
  assert.match(await page.textContent('tr[data-model="gpt-5-mini"] .q.edited'), /code edited — was \d+/);
  // Sources are on the page, not in tooltips: a short one under each figure, the full list a tap away.
  assert.ok(await page.locator('tr[data-model="gpt-5.5"] td[data-field="input_price"] .src').isVisible());
  await page.click('tr[data-model="gpt-5.5"] details.sources summary');
  assert.match(await page.textContent('tr[data-model="gpt-5.5"] details.sources ul'), /input price, output price: OpenAI API pricing page.*context window.*: estimate: /s);
  // No sideways page scroll on a phone: the table scrolls in its own box, and says so.
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
  assert.ok(await page.locator('.catalog .scroll-cue').isVisible());
  await page.locator('tr[data-model="gpt-5-mini"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'catalog-edited-phone');
  // The edits survive a reload.
  await page.waitForTimeout(300);
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await page.click('.tab[data-view="catalog"]');
  await page.waitForSelector('tr[data-model="gpt-5-mini"] td.edited[data-field="context_window"]');
  assert.equal(await page.locator('tr[data-model="gpt-5-mini"] td.edited').count(), 3);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a model is added through a validated form and removed with undo', async () => {
  const page = await openPage(browser);
  await page.click('.tab[data-view="catalog"]');
  await page.click('.add-model summary');
  await page.fill('[data-add="id"]', '');
  await page.click('[data-action="add-model"]');
  assert.match(await page.textContent('#add-id-error'), /enter an id/);
  assert.match(await page.textContent('#add-provider-error'), /enter the provider/);
  assert.match(await page.textContent('.add-model [role="alert"]'), /Not added: fix 4 fields above\./);
  assert.equal(await page.getAttribute('[data-add="id"]', 'aria-invalid'), 'true');
  await page.fill('[data-add="id"]', 'gpt-5.5');
  await page.fill('[data-add="provider"]', 'local');
  await page.fill('[data-add="input_price"]', '0');
  await page.fill('[data-add="output_price"]', 'free');
  await page.click('[data-action="add-model"]');
  assert.match(await page.textContent('#add-id-error'), /`gpt-5.5` is already in the catalog/);
  assert.match(await page.textContent('#add-output_price-error'), /must be a number, not “free”/);
  await page.fill('[data-add="id"]', 'my-local-model');
  await page.fill('[data-add="output_price"]', '0');
  await page.click('[data-action="add-model"]');
  await page.waitForSelector('tr[data-model="my-local-model"][data-origin="added"]');
  assert.match(await page.textContent('tr[data-model="my-local-model"]'), /added by you/);
  assert.equal(await page.locator('.field-error:not(:empty)').count(), 0);
  // A policy can route to it.
  await page.click('.tab[data-view="policies"]');
  await page.click('button:has-text("New policy")');
  const editor = page.locator('textarea.code');
  await editor.fill('name = "to-mine"\n\n[default]\ncandidates = ["my-local-model"]\nobjective = "cheapest"\n');
  await page.waitForSelector('.diag-status[data-errors="0"]');
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision[data-model="my-local-model"]');
  // Remove a shipped model; undo; remove again and restore from the list.
  await page.click('.tab[data-view="catalog"]');
  await page.click('tr[data-model="gpt-5.5"] [data-action="remove-model"]');
  await page.waitForSelector('tr[data-model="gpt-5.5"]', { state: 'detached' });
  assert.match(await page.textContent('.undo-bar'), /gpt-5\.5 removed/);
  await page.click('[data-action="undo"]');
  await page.waitForSelector('tr[data-model="gpt-5.5"]');
  await page.click('tr[data-model="gpt-5.5"] [data-action="remove-model"]');
  await page.waitForSelector('.removed-models[data-removed="1"]');
  assert.match(await page.textContent('[data-edits]'), /1 model added, 1 model removed/);
  await page.click('[data-restore="gpt-5.5"]');
  await page.waitForSelector('tr[data-model="gpt-5.5"][data-origin="shipped"]');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a workspace stored with a whole edited catalog (the previous format) still loads, its edits marked', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(BASE_URL + 'missing-page-to-get-the-origin');
  const catalog = await page.evaluate(async () => (await fetch('public/catalog.json')).json());
  const m = catalog.models.find((x) => x.id === 'claude-haiku-4.5');
  m.output_price = { ...m.output_price, value: 77, source: 'edited in Routeplay', estimate: true };
  const old = { version: 2, rev: 1, policies: [], selected: ['cost-saver'], catalog_json: JSON.stringify(catalog), metadata_json: '{}' };
  await page.evaluate((v) => localStorage.setItem('routeplay.workspace', v), JSON.stringify(old));
  await page.goto(BASE_URL);
  await page.waitForSelector('[data-ready="true"]');
  await page.click('.tab[data-view="catalog"]');
  await page.waitForSelector('tr[data-model="claude-haiku-4.5"] td.edited[data-field="output_price"]');
  assert.equal(await page.locator('td.edited').count(), 1);
  assert.match(await page.textContent('tr[data-model="claude-haiku-4.5"] td[data-field="output_price"] .edited-note'), /was \$5\.00/);
  // The next edit stores overrides only.
  await edit(page, 'claude-haiku-4.5 input price', 2);
  await page.waitForSelector('tr[data-model="claude-haiku-4.5"] td.edited[data-field="input_price"]');
  await page.waitForTimeout(300);
  const ws = await stored(page);
  assert.equal(ws.catalog_json, undefined);
  assert.deepEqual(ws.catalog_edits.changed['claude-haiku-4.5'].figures, { input_price: 2, output_price: 77 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the cloud platforms are providers of their own: filtered, priced with a cached-input column, house models beside partners', async () => {
  for (const [colorScheme, viewport, tag] of [['light', { width: 1280, height: 900 }, 'desktop'], ['dark', { width: 375, height: 800 }, 'phone-dark']]) {
    const page = await openPage(browser, { colorScheme, viewport });
    await page.click('.tab[data-view="catalog"]');
    await page.waitForSelector('tr[data-model="bedrock/nova-lite"]');
    const all = await page.locator('.catalog-table tbody tr').count();
    assert.equal(all, 48);
    assert.match(await page.textContent('#catalog-provider option[value=""]'), /^All providers \(48 models\)$/);
    // The filter names every provider with its count; Bedrock hosts Amazon's Nova beside others.
    assert.match(await page.textContent('#catalog-provider option[value="bedrock"]'), /^bedrock \(9 models\)$/);
    await page.selectOption('#catalog-provider', 'bedrock');
    await page.waitForFunction(() => document.querySelectorAll('.catalog-table tbody tr').length === 9);
    const rows = await page.$$eval('.catalog-table tbody tr', (trs) => trs.map((tr) => tr.dataset.model));
    assert.ok(rows.every((id) => id.startsWith('bedrock/')), rows.join(', '));
    assert.match(await page.textContent('tr[data-model="bedrock/nova-pro"] .model-cell'), /bedrock · by amazon/);
    assert.match(await page.textContent('tr[data-model="bedrock/claude-haiku-4.5"] .model-cell'), /bedrock · by anthropic/);
    // Cached input: a published figure with its source, or "none published".
    const cached = (id) => page.locator(`tr[data-model="${id}"] td[data-field="cached_input_price"]`);
    assert.equal(await cached('bedrock/nova-pro').locator('input').inputValue(), '0.2');
    assert.match(await cached('bedrock/nova-pro').locator('.src').textContent(), /Nova Pro cached input/);
    assert.equal(await cached('bedrock/llama-3.3-70b').locator('input').inputValue(), '');
    assert.match(await cached('bedrock/llama-3.3-70b').locator('.src').textContent(), /none published: cached tokens cost the input price/);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
    await screenshot(page, `catalog-platforms-${tag}`);
    // A cached price given where none is published is an edit, marked "was none".
    await edit(page, 'bedrock/llama-3.3-70b cached input price', 0.36);
    await page.waitForSelector('tr[data-model="bedrock/llama-3.3-70b"] td.edited[data-field="cached_input_price"]');
    assert.match(await cached('bedrock/llama-3.3-70b').locator('.edited-note').textContent(), /was none/);
    assert.deepEqual((await stored(page)).catalog_edits.changed['bedrock/llama-3.3-70b'].figures, { cached_input_price: 0.36 });
    await page.selectOption('#catalog-provider', '');
    await page.waitForFunction(() => document.querySelectorAll('.catalog-table tbody tr').length === 48);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
