// The Export view: every target's config with its fidelity report (checked against the CLI's
// golden reports where they exist), copy and download, the client snippet, and import of a
// Portkey config that then decides beside a preset in the Prompt view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshot } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const GOLDEN = path.join(root, 'crates/routeplay-cli/tests/golden');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Rule names of a shipped preset, in order, then `default`. */
function presetRules(id) {
  const toml = fs.readFileSync(path.join(root, 'public/policies', `${id}.toml`), 'utf8');
  const names = [...toml.split('[[rule]]').slice(1)].map((block) => block.match(/^\s*name\s*=\s*"([^"]+)"/m)[1]);
  return [...names, 'default'];
}

/** The CLI's golden report for a target and preset: [{rule, kind}] and the counts line. */
function goldenReport(target, id) {
  const file = path.join(GOLDEN, target, `${id}.report.txt`);
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const counts = lines[0].match(/(\d+) exact, (\d+) approximate, (\d+) dropped/).slice(1).map(Number);
  const rules = lines.slice(1).map((l) => l.match(/^  (exact|approximate|dropped)\s+(.+)$/)).filter(Boolean)
    .map((m) => ({ kind: m[1], rule: m[2] }));
  return { counts, rules };
}

const TARGETS = ['portkey', 'litellm', 'vllm-sr', 'bifrost', 'openrouter'];

/** What a config of each target must look like. */
function checkConfig(target, text) {
  switch (target) {
    case 'portkey': {
      const c = JSON.parse(text);
      assert.equal(c.strategy.mode, 'conditional');
      assert.ok(Array.isArray(c.strategy.conditions) && c.strategy.conditions.length > 0);
      assert.ok(Array.isArray(c.targets) && c.targets.length > 0);
      return;
    }
    case 'litellm':
      assert.match(text, /^model_list:/m);
      assert.match(text, /^\s+- model_name: /m);
      assert.match(text, /^router_settings:/m);
      assert.ok(!text.includes('\t'), 'YAML has no tabs');
      return;
    case 'vllm-sr':
      assert.match(text, /^ROUTE /m);
      assert.match(text, /PRIORITY \d+/);
      assert.match(text, /MODEL "/);
      return;
    case 'bifrost': {
      const c = JSON.parse(text);
      assert.ok(Array.isArray(c.routing_rules) && c.routing_rules.length > 0);
      assert.ok(c.routing_rules.every((r) => typeof r.cel_expression === 'string'));
      return;
    }
    case 'openrouter': {
      const c = JSON.parse(text);
      const routes = Object.values(c.routes);
      assert.ok(routes.length > 0);
      assert.ok(routes.every((r) => Array.isArray(r.models) && r.models.length > 0));
      return;
    }
  }
}

async function openExport(page) {
  await page.click('.tab[data-view="export"]');
  await page.waitForSelector('#export-panel .fidelity');
}

test('every target shows its config and a fidelity report per rule, matching the CLI golden reports', async () => {
  const page = await openPage(browser);
  await openExport(page);
  const preset = 'task-specialist';
  await page.selectOption('#export-policy', preset);
  await page.waitForSelector(`.fidelity[data-policy="${preset}"]`);
  const expected = presetRules(preset);
  const seen = {};
  for (const target of TARGETS) {
    await page.click(`.target-chip[data-target="${target}"]`);
    await page.waitForSelector(`.export-config pre[data-target="${target}"]`);
    const config = await page.textContent(`.export-config pre[data-target="${target}"]`);
    checkConfig(target, config);
    const rules = await page.$$eval('.fidelity .fidelity-rule', (els) => els.map((e) => ({ rule: e.dataset.rule, kind: e.dataset.fidelity, label: e.querySelector('.fidelity-label').textContent.trim() })));
    assert.deepEqual(rules.map((r) => r.rule), expected, `${target}: one report line per rule`);
    for (const r of rules) {
      assert.ok(['exact', 'approximate', 'dropped'].includes(r.kind), `${target} ${r.rule}: ${r.kind}`);
      assert.equal(r.label, r.kind);
    }
    // Approximate rules say how, dropped ones why.
    for (const r of rules.filter((r) => r.kind !== 'exact')) {
      const sel = `.fidelity .fidelity-rule[data-rule="${r.rule}"]`;
      const detail = r.kind === 'approximate' ? `${sel} .fidelity-how li` : `${sel} .fidelity-why`;
      assert.ok(await page.locator(detail).count() > 0, `${target} ${r.rule} explains itself`);
    }
    const counts = await page.$eval('.fidelity-counts', (e) => [e.dataset.exact, e.dataset.approximate, e.dataset.dropped].map(Number));
    assert.deepEqual(counts, ['exact', 'approximate', 'dropped'].map((k) => rules.filter((r) => r.kind === k).length));
    const golden = goldenReport(target, preset);
    if (golden) {
      assert.deepEqual(rules.map(({ rule, kind }) => ({ rule, kind })), golden.rules, `${target}: same verdicts as the CLI's golden report`);
      assert.deepEqual(counts, golden.counts);
    }
    // The client snippet names the target's way of sending the metadata.
    const snippet = await page.textContent(`.export-snippet pre[data-snippet="${target}"]`);
    const marker = { portkey: 'x-portkey-metadata', litellm: 'route_key', 'vllm-sr': 'auto', bifrost: 'x-routeplay-', openrouter: 'provider' }[target];
    assert.ok(snippet.includes(marker), `${target} snippet mentions ${marker}`);
    seen[target] = counts;
  }
  console.log(`# ${preset}: [exact, approximate, dropped] per target ${JSON.stringify(seen)}`);
  assert.deepEqual(Object.keys(seen), TARGETS);
  // vLLM-SR computes its own signals: every task-specialist rule is an approximation.
  assert.equal(seen['vllm-sr'][0], 0);
  // Portkey offers both carrying modes; with the client-computed route the conditions read
  // metadata.route and are exact (what stays approximate is only a size-dependent pick).
  await page.click('.target-chip[data-target="portkey"]');
  await page.check('input[name="carry"][value="route"]');
  await page.waitForFunction(() => document.querySelector('.export-config pre[data-target="portkey"]')?.textContent.includes('metadata.route'));
  const routed = JSON.parse(await page.textContent('.export-config pre[data-target="portkey"]'));
  // Every rule but the default (which matches anything) is chosen by metadata.route.
  for (const rule of expected.filter((r) => r !== 'default')) {
    assert.ok(routed.strategy.conditions.some((c) => JSON.stringify(c.query).includes(`{"metadata.route":{"$eq":"${rule}"}}`)), `${rule} is chosen by metadata.route`);
  }
  const how = await page.$$eval('.fidelity .fidelity-how li', (els) => els.map((e) => e.textContent));
  assert.ok(how.every((h) => /prompt size/.test(h)), how.join('\n'));
  assert.match(await page.textContent('.fidelity'), /computed by the client/);
  // A base URL points every target at it; a bad one is a clear error, not a broken config.
  await page.fill('#export-base-url', 'http://127.0.0.1:9999/v1');
  await page.waitForFunction(() => document.querySelector('.export-config pre')?.textContent.includes('127.0.0.1:9999'));
  await page.fill('#export-base-url', 'ftp://nope');
  await page.waitForSelector('[data-export-error]');
  assert.match(await page.textContent('[data-export-error]'), /http:\/\/ or https:\/\//);
  await page.fill('#export-base-url', '');
  await page.waitForSelector('.export-config pre[data-target="portkey"]');
  assert.deepEqual(page.errors, []);
});

test('copy puts the config on the clipboard and download saves it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(process.env.ROUTEPLAY_URL);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  await openExport(page);
  await page.click('.target-chip[data-target="bifrost"]');
  await page.waitForSelector('.export-config pre[data-target="bifrost"]');
  const shown = await page.textContent('.export-config pre[data-target="bifrost"]');
  await page.click('[data-action="copy-config"]');
  await page.waitForSelector('.export-config p.ok');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown);
  const policy = await page.inputValue('#export-policy');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download-config"]')]);
  assert.equal(dl.suggestedFilename(), `${policy}.bifrost.json`);
  assert.equal(fs.readFileSync(await dl.path(), 'utf8'), shown);
  JSON.parse(shown);
  assert.deepEqual(errors, []);
  await context.close();
});

// A production Portkey config: code prompts to gpt-5.5 (falling back to claude-opus-5), the rest
// to gpt-5-mini.
const PORTKEY = JSON.stringify({
  strategy: { mode: 'conditional', conditions: [{ query: { 'metadata.task': { $eq: 'code' } }, then: 'coder' }], default: 'cheap' },
  targets: [
    { name: 'coder', strategy: { mode: 'fallback' }, targets: [
      { provider: 'openai', override_params: { model: 'gpt-5.5' } },
      { provider: 'anthropic', override_params: { model: 'claude-opus-5' } }] },
    { name: 'cheap', provider: 'openai', override_params: { model: 'gpt-5-mini' } },
  ],
}, null, 2);

test('a pasted Portkey config imports as a new policy that decides beside a preset in the Prompt view; a broken one loses nothing', async () => {
  const page = await openPage(browser);
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  await openExport(page);
  // Broken JSON: a clear error, the text stays, nothing is added.
  await page.fill('#import-text', '{"strategy": ');
  await page.click('[data-action="import"]');
  await page.waitForSelector('[data-import-error]');
  assert.match(await page.textContent('[data-import-error]'), /Nothing was imported: .*JSON/);
  assert.equal(await page.inputValue('#import-text'), '{"strategy": ');
  // The real one.
  await page.fill('#import-text', PORTKEY);
  await page.fill('#import-name', 'prod-portkey');
  await page.click('[data-action="import"]');
  await page.waitForSelector('.import-report[data-imported="prod-portkey"]');
  assert.equal(await page.locator('[data-import-error]').count(), 0);
  const rules = await page.$$eval('.import-report .fidelity-rule', (els) => els.map((e) => [e.dataset.rule, e.dataset.fidelity]));
  assert.equal(rules.length, 2, JSON.stringify(rules));
  assert.ok(rules.every(([, k]) => ['exact', 'approximate', 'dropped'].includes(k)));
  assert.match(await page.textContent('.notice'), /Imported the config as policy “prod-portkey”/);
  // Importing the same config again keeps the first and adds a second under a fresh id.
  await page.click('[data-action="import"]');
  await page.waitForSelector('.import-report[data-imported="prod-portkey-2"]');
  await screenshot(page, 'export-import-desktop-light');
  // In the Prompt view it decides beside the presets selected before.
  await page.click('.import-report button.link');
  await page.waitForSelector('.app[data-view="prompt"]');
  await page.fill('#prompt', 'Write a Python function that merges two sorted lists, with unit tests.');
  await page.waitForFunction(() => document.querySelector('[data-signal="top_task"]')?.textContent.trim() === 'code');
  const cards = await page.$$eval('.card.decision', (els) => els.map((e) => e.dataset.policy));
  assert.ok(cards.includes('cost-saver'), cards.join(','));
  assert.ok(cards.includes('prod-portkey'), cards.join(','));
  assert.equal(await page.getAttribute('.card.decision[data-policy="prod-portkey"]', 'data-model'), 'gpt-5.5');
  await page.fill('#prompt', 'What is the capital of France?');
  await page.waitForFunction(() => document.querySelector('[data-signal="top_task"]')?.textContent.trim() === 'qa');
  const toml = await page.evaluate(() => JSON.parse(localStorage.getItem('routeplay.workspace')).policies.find((p) => p.id === 'prod-portkey').source);
  assert.equal(await page.getAttribute('.card.decision[data-policy="prod-portkey"]', 'data-model'), 'gpt-5-mini', toml);
  await screenshot(page, 'export-imported-in-prompt-view');
  assert.deepEqual(page.errors, []);
});

test('a LiteLLM config downloaded from the Export view uploads back as a policy with its report', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(process.env.ROUTEPLAY_URL);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  await openExport(page);
  await page.selectOption('#export-policy', 'task-specialist');
  await page.click('.target-chip[data-target="litellm"]');
  await page.waitForSelector('.export-config pre[data-target="litellm"]');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download-config"]')]);
  assert.equal(dl.suggestedFilename(), 'task-specialist.litellm.yaml');
  // Upload it: the format follows the file's extension, the name its stem.
  const yaml = fs.readFileSync(await dl.path());
  await page.setInputFiles('#import-file', { name: 'prod-litellm.yaml', mimeType: 'application/yaml', buffer: yaml });
  await page.waitForFunction(() => document.querySelector('#import-text')?.value.includes('model_list:'));
  assert.equal(await page.inputValue('#import-format'), 'litellm');
  assert.equal(await page.inputValue('#import-name'), 'prod-litellm');
  await page.click('[data-action="import"]');
  await page.waitForSelector('.import-report[data-imported="prod-litellm"]');
  const n = await page.locator('.import-report .fidelity-rule').count();
  assert.ok(n >= 1, `${n} imported rules`);
  // It is selected, so it decides in the Prompt view.
  const selected = await page.evaluate(() => JSON.parse(localStorage.getItem('routeplay.workspace')).selected);
  assert.ok(selected.includes('prod-litellm'), selected.join(','));
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision[data-policy="prod-litellm"]:not(.broken)');
  assert.deepEqual(errors, []);
  await context.close();
});

test('screenshots of the Export view: desktop light and phone dark', async () => {
  const desk = await openPage(browser, { viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  await openExport(desk);
  await desk.selectOption('#export-policy', 'task-specialist');
  await desk.click('.target-chip[data-target="portkey"]');
  await desk.waitForSelector('.export-config pre[data-target="portkey"]');
  await screenshot(desk, 'export-desktop-light');
  const phone = await openPage(browser, { viewport: { width: 375, height: 812 }, colorScheme: 'dark' });
  await openExport(phone);
  await phone.click('.target-chip[data-target="vllm-sr"]');
  await phone.waitForSelector('.export-config pre[data-target="vllm-sr"]');
  // Nothing wider than the phone's screen but the scrolling code blocks.
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 375, `page is ${overflow}px wide`);
  await screenshot(phone, 'export-phone-dark');
  assert.deepEqual(desk.errors, []);
  assert.deepEqual(phone.errors, []);
});
