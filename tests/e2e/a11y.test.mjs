// Accessibility: axe-core (tools/node_modules/axe-core, pinned in tools/package.json) over every
// view — Prompt (a trace open), Prompt set (the sample set loaded and run), the share popover,
// Policies, Catalog, Live run (before a key, and with a finished run from the fake provider on
// 127.0.0.1), Export, Audit (a steered prompt's traces open), and the embed
// (#embed) — in light and dark, at 1280 and 375 px. Any serious or critical violation fails the
// test; every violation is printed with its rule, impact and target selectors.
//
// Injection: axe's source goes in through Playwright's page.evaluate (the DevTools protocol),
// which the page's Content-Security-Policy does not govern, so the page is checked under its real
// CSP (no bypassCSP). A <script> tag (addScriptTag) is refused by that CSP (script-src 'self'):
// the first test shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshot, BASE_URL } from './browser.mjs';
import { startFakeProvider } from '../fake-provider/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE_PATH = path.join(here, '../../tools/node_modules/axe-core/axe.min.js');
const AXE_SOURCE = fs.readFileSync(AXE_PATH, 'utf8');
const FAILING = new Set(['serious', 'critical']);

let browser;
let fake;
before(async () => {
  browser = await launch();
  fake = await startFakeProvider(0);
});
after(async () => {
  await browser?.close();
  await fake?.close();
});

/** Load axe into the page (once) and run it over the whole document. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
}

async function showView(page, v) {
  await page.click(`button.tab[data-view="${v}"]`);
  await page.waitForSelector(`.app[data-view="${v}"]`);
}

/** The views to check, each brought into the state worth checking. */
const VIEWS = [
  ['prompt', async (page) => {
    await showView(page, 'prompt');
    await page.locator('.trace').first().evaluate((d) => { d.open = true; });
  }],
  ['batch', async (page) => {
    await showView(page, 'batch');
    await page.click('[data-action="sample"]');
    await page.waitForSelector('.loaded[data-prompts="220"]', { timeout: 60000 });
    await page.waitForSelector('[data-batch-ready="true"]', { timeout: 60000 });
  }],
  // The share popover (a dialog over the Prompt view).
  ['share', async (page) => {
    await showView(page, 'prompt');
    await page.click('.share button:first-child');
    await page.waitForSelector('.share-pop');
  }],
  ['policies', async (page) => {
    await page.click('.share-pop button.link');
    await showView(page, 'policies');
  }],
  ['catalog', (page) => showView(page, 'catalog')],
  // Live run before any key: Run disabled, the sentence saying what to do.
  ['live-nokey', async (page) => {
    await showView(page, 'live');
    await page.waitForSelector('#live-blocked:not([hidden])');
  }],
  ['live', async (page) => {
    const row = page.locator('.live-key-row[data-provider="openai"]');
    await row.locator('.live-endpoint-details').evaluate((d) => { d.open = true; });
    await row.locator('.live-endpoint-input').fill(`${fake.url}/v1`);
    await row.locator('.live-endpoint-input').press('Tab');
    await row.locator('.live-key-input').fill('test-key-openai-a11y');
    await row.locator('.live-key-input').press('Tab');
    await page.fill('.live-plan-editor', 'routed openai m1 2 8\n');
    await page.click('.live-run-routed');
    await page.waitForSelector('.live-card[data-status="done"]', { timeout: 20000 });
  }],
  ['export', (page) => showView(page, 'export')],
  // The Audit view with a steered prompt's two traces open.
  ['audit', async (page) => {
    await showView(page, 'audit');
    await page.waitForSelector('[data-audit-ready="true"]', { timeout: 60000 });
    await page.locator('[data-action="audit-traces"]').first().click();
    await page.waitForSelector('tr.trace-row .trace-col');
  }],
];

/** Runs axe on every view at one width and theme; returns { view: violations }. */
async function checkAll(width, theme) {
  const found = {};
  const opts = { viewport: { width, height: 900 }, colorScheme: theme };
  const page = await openPage(browser, opts);
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  await page.selectOption('.theme select', theme);
  for (const [name, prepare] of VIEWS) {
    await prepare(page);
    found[name] = await axe(page);
    if (name === 'live') await screenshot(page, `a11y-live-${width}-${theme}`);
  }
  await page.context().close();
  const embed = await openPage(browser, { ...opts, url: `${BASE_URL}#embed` });
  await embed.waitForSelector('.app.embed');
  // The embed hides the load status (no tabs bar): wait for it in the DOM, not on screen.
  await embed.waitForSelector('[data-model="ready"]', { state: 'attached', timeout: 30000 });
  found.embed = await axe(embed);
  await embed.context().close();
  return found;
}

/** Print every violation; return the serious and critical ones as lines. */
function report(width, theme, found) {
  const bad = [];
  const counts = [];
  for (const [view, violations] of Object.entries(found)) {
    const serious = violations.filter((v) => FAILING.has(v.impact));
    const nodes = serious.reduce((n, v) => n + v.targets.length, 0);
    counts.push(`${view} ${serious.length}/${violations.length} (${nodes} nodes)`);
    for (const v of violations) {
      const line = `${view} @${width} ${theme}: ${v.id} (${v.impact}) — ${v.help}\n${v.targets.map((t) => `      ${t.target}\n        ${t.summary.replace(/\n/g, '\n        ')}`).join('\n')}`;
      console.log(`# ${line.replace(/\n/g, '\n# ')}`);
      if (FAILING.has(v.impact)) bad.push(line);
    }
  }
  console.log(`# a11y ${width} ${theme} — serious+critical rules / all rules violated per view (serious+critical elements): ${counts.join(', ')}`);
  return bad;
}

test('axe is injected without weakening the page: a <script> tag is refused by the CSP', async () => {
  const page = await openPage(browser);
  await assert.rejects(page.addScriptTag({ content: 'window.__injected = 1;' }));
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  await page.evaluate(AXE_SOURCE);
  assert.equal(await page.evaluate(() => typeof window.axe.run), 'function');
  await page.context().close();
});

test('axe flags a low-contrast text (the check can fail)', async () => {
  const page = await openPage(browser);
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.id = 'a11y-probe';
    p.textContent = 'Low contrast probe';
    p.style.color = '#b8b8b8'; // CSSOM, which the CSP allows; about 2:1 on white
    p.style.background = '#ffffff';
    document.querySelector('.app main').prepend(p); // the app's, not the boot skeleton's (hidden)
  });
  const v = await axe(page);
  const cc = v.find((x) => x.id === 'color-contrast');
  assert.ok(cc, 'color-contrast reported');
  assert.equal(cc.impact, 'serious');
  assert.ok(cc.targets.some((t) => t.target.includes('#a11y-probe')));
  await page.context().close();
});

for (const width of [1280, 375]) {
  for (const theme of ['light', 'dark']) {
    test(`no serious or critical axe violations in any view at ${width} px, ${theme}`, async () => {
      const found = await checkAll(width, theme);
      assert.deepEqual(Object.keys(found), ['prompt', 'batch', 'share', 'policies', 'catalog', 'live-nokey', 'live', 'export', 'audit', 'embed']);
      const bad = report(width, theme, found);
      assert.equal(bad.length, 0, `serious or critical violations at ${width} px, ${theme}:\n${bad.join('\n')}`);
    });
  }
}
