// The Content-Security-Policy: no 'unsafe-inline' for scripts or styles, and not one violation
// in any view (a violation would mean something the page needs is blocked).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, BASE_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The directives of the page's CSP meta tag, as { name: [sources] }. */
function directives(html) {
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(meta, 'index.html has a CSP meta tag');
  return Object.fromEntries(meta[1].split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
}

test('the served index.html has a CSP without unsafe-inline, with script-src-attr none and no blob:', async () => {
  const html = await (await fetch(BASE_URL)).text();
  const csp = directives(html);
  for (const d of ['script-src', 'style-src']) {
    assert.ok(csp[d], `${d} is set`);
    assert.ok(!csp[d].includes("'unsafe-inline'"), `${d}: ${csp[d].join(' ')}`);
    assert.ok(!csp[d].includes("'unsafe-eval'"), `${d}: ${csp[d].join(' ')}`);
  }
  assert.deepEqual(csp['script-src-attr'], ["'none'"]);
  assert.ok(!Object.values(csp).flat().includes('blob:'), 'no blob: source');
  assert.deepEqual(csp['object-src'], ["'none'"]);
  // No inline script is left for the CSP to block: the app starts from boot.js.
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline <script> in index.html');
  assert.ok(!/\sstyle=/.test(html), 'no style attribute in index.html');
});

test('zero CSP violations across every view: prompt, prompt set with a run, policies (and a download), catalog, live, export (a download and an import), embed', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
    });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const violations = () => page.evaluate(() => window.__csp);
  const seen = [];

  await page.goto(BASE_URL);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  // Prompt: the signal bars and gauge set their widths (styles through the CSSOM).
  await page.fill('#prompt', 'Write a Python function that merges two sorted lists, with tests.');
  await page.waitForSelector('.card.decision');
  const width = await page.$eval('.task-bar.top .bar-fill', (el) => getComputedStyle(el).width);
  assert.notEqual(width, '0px', 'the top task bar has a width');
  assert.ok(Number.parseFloat(await page.$eval('.task-bar.top .bar-fill', (el) => el.style.width)) > 0, 'its width is set');
  seen.push('prompt');
  // Prompt set, with a run of the sample set.
  await page.click('.tab[data-view="batch"]');
  await page.click('[data-action="sample"]');
  await page.waitForSelector('.timing[data-done="220"]', { timeout: 60000 });
  await page.waitForSelector('[data-chart="share"]');
  seen.push('batch');
  // Policies, with a download (a Blob URL navigation, which needs no CSP source).
  await page.click('.tab[data-view="policies"]');
  await page.click('.policy-item[data-policy="cost-saver"]');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download")')]);
  assert.equal(dl.suggestedFilename(), 'cost-saver.toml');
  assert.match(fs.readFileSync(await dl.path(), 'utf8'), /name = "cost-saver"/);
  seen.push('policies');
  await page.click('.tab[data-view="catalog"]');
  await page.waitForSelector('table.catalog-table');
  seen.push('catalog');
  await page.click('.tab[data-view="live"]');
  await page.waitForSelector('#live-panel');
  seen.push('live');
  // Export: every target's config and report, a config download, and an import.
  await page.click('.tab[data-view="export"]');
  for (const t of ['portkey', 'litellm', 'vllm-sr', 'bifrost', 'openrouter']) {
    await page.click(`.target-chip[data-target="${t}"]`);
    await page.waitForSelector(`.export-config pre[data-target="${t}"]`);
    await page.waitForSelector('.fidelity .fidelity-rule');
  }
  const [cfg] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download-config"]')]);
  assert.match(cfg.suggestedFilename(), /\.openrouter\.json$/);
  await page.fill('#import-text', '{"strategy": {"mode": "conditional", "conditions": [{"query": {"metadata.task": {"$eq": "code"}}, "then": "a"}], "default": "b"}, "targets": [{"name": "a", "override_params": {"model": "gpt-5.5"}}, {"name": "b", "override_params": {"model": "gpt-5-mini"}}]}');
  await page.click('[data-action="import"]');
  await page.waitForSelector('.import-report[data-imported]');
  seen.push('export');
  // Share link and embed snippet popovers (embedding the prompt view).
  await page.click('button:has-text("Share link")');
  await page.waitForSelector('#share-output');
  await page.click('.tab[data-view="prompt"]');
  await page.click('button:has-text("Copy embed snippet")');
  const snippet = await page.inputValue('#share-output');
  const src = snippet.match(/src="([^"]+)"/)[1];
  // Embed mode, in its own page.
  const embed = await context.newPage();
  embed.on('pageerror', (e) => errors.push(String(e)));
  await embed.goto(src);
  await embed.waitForSelector('.app.embed[data-ready="true"]', { timeout: 30000 });
  await embed.waitForSelector('.card.decision');
  seen.push('embed');
  assert.deepEqual(seen, ['prompt', 'batch', 'policies', 'catalog', 'live', 'export', 'embed']);
  assert.deepEqual(await violations(), []);
  assert.deepEqual(await embed.evaluate(() => window.__csp), []);
  assert.deepEqual(errors.filter((e) => /Content.Security.Policy|Refused to/i.test(e)), []);
  assert.deepEqual(errors, []);
  await context.close();
});
