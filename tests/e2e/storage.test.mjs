// Nothing the user wrote is lost: share links never overwrite a local policy, a full storage
// quota is a notice (and what was saved stays), two tabs do not silently overwrite each other,
// and backups can be restored from the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { launch, screenshot, BASE_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const KEY = 'routeplay.workspace';

/** A share-link fragment for `state`, made the way the page makes them (raw deflate, base64url). */
function fragmentOf(state) {
  return 's=' + deflateRawSync(Buffer.from(JSON.stringify(state))).toString('base64url');
}

// In a tab whose sessionStorage has `full` = '1', writing the workspace key throws the way a
// full quota does (other keys, e.g. backups, still work unless `full` = 'all').
const QUOTA = () => {
  const set = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (this === window.localStorage) {
      const full = window.sessionStorage.getItem('full');
      if (full === 'all' || (full === '1' && key === 'routeplay.workspace')) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
    }
    return set.call(this, key, value);
  };
};

async function newTab(context, url = BASE_URL) {
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  return page;
}

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(QUOTA);
  return context;
}

const stored = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k)), KEY);
const sourceOf = async (page, id) => (await stored(page)).policies.find((p) => p.id === id)?.source;

async function newPolicy(page) {
  await page.click('.tab[data-view="policies"]');
  await page.click('button:has-text("New policy")');
  await page.locator('textarea.code').waitFor();
}

async function editTo(page, id, source) {
  await page.click('.tab[data-view="policies"]');
  await page.click(`.policy-item[data-policy="${id}"]`);
  await page.locator('textarea.code').fill(source);
}

const withFloor = (src, n) => src.replace(/min_quality = \d+/, `min_quality = ${n}`);

test('a share link whose policy id equals a local policy keeps both, says so, and reopening it adds nothing', async () => {
  const context = await newContext();
  const page = await newTab(context);
  await newPolicy(page);
  const mine = await page.locator('textarea.code').inputValue();
  assert.match(mine, /min_quality = 60/);
  // Someone else's "my-policy" (every first new policy has that name, which is its identity).
  const theirs = withFloor(mine, 75);
  const link = BASE_URL + '#' + fragmentOf({
    v: 1, prompt: 'Review this contract clause for risks.', view: 'prompt',
    selected: ['my-policy', 'cost-saver'], policies: [{ id: 'my-policy', source: theirs }],
  });
  // Pasted into this open tab (hashchange), then opened again in a new tab of the same browser.
  await page.goto(link);
  await page.waitForSelector('.notice:has-text("my-policy-shared")');
  assert.match(await page.textContent('.notice'), /“my-policy” is not the one you have.*added as “my-policy-shared”.*yours is unchanged/);
  await page.waitForSelector('.card.decision[data-policy="my-policy-shared"]');
  assert.equal(await sourceOf(page, 'my-policy'), mine);
  // Added under a fresh name, which its source now declares (the name is the identity).
  assert.equal(await sourceOf(page, 'my-policy-shared'), theirs.replace('name = "my-policy"', 'name = "my-policy-shared"'));
  const again = await newTab(context, link);
  await again.waitForSelector('.card.decision[data-policy="my-policy-shared"]');
  assert.deepEqual((await stored(again)).policies.map((p) => p.id), ['my-policy', 'my-policy-shared']);
  assert.equal(await again.locator('.notice:has-text("my-policy-shared")').count(), 0);
  assert.deepEqual((await stored(again)).selected, ['my-policy-shared', 'cost-saver']);
  assert.deepEqual(page.errors.concat(again.errors), []);
  await context.close();
});

test('storage that throws on setItem (quota) shows a notice, keeps working, and loses nothing already saved', async () => {
  const context = await newContext();
  const page = await newTab(context);
  await newPolicy(page);
  const saved = await page.locator('textarea.code').inputValue();
  await page.waitForFunction(() => localStorage.getItem('routeplay.workspace').includes('my-policy'));
  await page.evaluate(() => sessionStorage.setItem('full', 'all'));
  await editTo(page, 'my-policy', withFloor(saved, 66));
  await page.waitForSelector('.notice.warning:has-text("Not saved")');
  assert.match(await page.textContent('.notice.warning'), /QuotaExceededError/);
  assert.equal(await sourceOf(page, 'my-policy'), saved);
  // The page keeps working with the unsaved edit in memory.
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision[data-policy="my-policy"]:not(.broken)');
  // An unreadable stored workspace is not overwritten when it cannot be backed up.
  await page.evaluate(() => {
    localStorage.removeItem('routeplay.workspace');
    sessionStorage.setItem('full', '0');
    localStorage.setItem('routeplay.workspace', '{"version": 99, "precious": true}');
    sessionStorage.setItem('full', 'all');
  });
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await page.waitForSelector('.notice.warning:has-text("left untouched")');
  await newPolicy(page);
  await page.waitForSelector('.notice.warning:has-text("Not saved")');
  assert.equal(await page.evaluate(() => localStorage.getItem('routeplay.workspace')), '{"version": 99, "precious": true}');
  // Room again: the unreadable one goes to a backup first, then the workspace is saved.
  await page.evaluate(() => sessionStorage.setItem('full', '0'));
  await editTo(page, 'my-policy', withFloor(saved, 67));
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('routeplay.workspace')).version === 2);
  const backups = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('routeplay.backup.')).map((k) => JSON.parse(localStorage.getItem(k)).data));
  assert.ok(backups.includes('{"version": 99, "precious": true}'), JSON.stringify(backups));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('two tabs editing do not silently overwrite each other; the other tab\'s version is restorable from the page', async () => {
  const context = await newContext();
  const a = await newTab(context);
  const b = await newTab(context);
  // A creates a policy: B, with no unsaved edits, follows.
  await newPolicy(a);
  const base = await a.locator('textarea.code').inputValue();
  await b.click('.tab[data-view="policies"]');
  await b.waitForSelector('.policy-item[data-policy="my-policy"]');
  await b.waitForSelector('.notice:has-text("another tab just saved")');
  // B edits: A follows, and A's open editor shows B's text.
  await editTo(b, 'my-policy', withFloor(base, 61));
  await a.waitForFunction(() => document.querySelector('textarea.code')?.value.includes('min_quality = 61'));
  // B's next edit cannot be saved (its quota is full) when A saves a different one.
  await b.evaluate(() => sessionStorage.setItem('full', '1'));
  await editTo(b, 'my-policy', withFloor(base, 62));
  await b.waitForSelector('.notice.warning:has-text("Not saved")');
  await editTo(a, 'my-policy', withFloor(base, 63));
  // B keeps its own edit and keeps A's version as a backup, and says so.
  await b.waitForSelector('.notice:has-text("this tab\'s were kept")');
  assert.match(await b.locator('textarea.code').inputValue(), /min_quality = 62/);
  await b.waitForSelector('.backup:has-text("saved by another tab")');
  await screenshot(b, 'storage-two-tabs-notices-and-backups');
  // B's storage has room again: its edit is saved; A, unedited since, follows.
  await b.evaluate(() => sessionStorage.setItem('full', '0'));
  await editTo(b, 'my-policy', withFloor(base, 64));
  await a.waitForFunction(() => document.querySelector('textarea.code')?.value.includes('min_quality = 64'));
  assert.match(await sourceOf(a, 'my-policy'), /min_quality = 64/);
  // A's 63 was never lost: restore it from B's Backups.
  await b.click('.backup:has-text("saved by another tab") button:has-text("Restore")');
  await b.waitForSelector('.notice:has-text("Backup restored")');
  await b.waitForFunction(() => document.querySelector('textarea.code')?.value.includes('min_quality = 63'));
  await a.waitForFunction(() => document.querySelector('textarea.code')?.value.includes('min_quality = 63'));
  assert.match(await sourceOf(b, 'my-policy'), /min_quality = 63/);
  // And the 64 it replaced is a backup in turn.
  const kept = await b.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('routeplay.backup.')).map((k) => JSON.parse(localStorage.getItem(k))));
  assert.ok(kept.some((r) => r.reason === 'before a restore' && r.data.includes('min_quality = 64')), JSON.stringify(kept.map((r) => r.reason)));
  assert.deepEqual(a.errors.concat(b.errors), []);
  await context.close();
});

test('a backup kept by an earlier version is listed and restored from the Policies view', async () => {
  const context = await newContext();
  const page = await newTab(context);
  await page.evaluate(() => localStorage.setItem('routeplay.workspace.unreadable', JSON.stringify({
    custom_policies: [{ name: 'rescued', text: 'name = "rescued"\n\n[default]\nmodel = "gpt-5-mini"\n' }],
    selected: ['rescued'],
  })));
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await page.click('.tab[data-view="policies"]');
  await page.waitForSelector('.backup:has-text("1 policy: rescued")');
  await page.click('.backup:has-text("rescued") button:has-text("Restore")');
  await page.waitForSelector('.policy-item[data-policy="rescued"]');
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision[data-policy="rescued"][data-model="gpt-5-mini"]');
  assert.deepEqual((await stored(page)).policies.map((p) => p.id), ['rescued']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a policy or catalog upload that is not one shows an error and changes nothing', async () => {
  const context = await newContext();
  const page = await newTab(context);
  await page.click('.tab[data-view="policies"]');
  const before = await page.locator('.policy-item').count();
  await page.setInputFiles('.policy-list input[type="file"]', { name: 'photo.toml', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe]) });
  await page.waitForSelector('#upload-error');
  assert.match(await page.textContent('#upload-error'), /photo\.toml was not added: it is not a UTF-8 text file/);
  await page.setInputFiles('.policy-list input[type="file"]', { name: 'huge.toml', mimeType: 'text/plain', buffer: Buffer.alloc(300 * 1024, 'a') });
  await page.waitForSelector('#upload-error:has-text("huge.toml")');
  assert.match(await page.textContent('#upload-error'), /huge\.toml was not added: it is 300 KB and a policy file may be at most 256 KB/);
  assert.equal(await page.locator('.policy-item').count(), before);
  // A catalog that is not one leaves the catalog in use alone.
  await page.click('.tab[data-view="catalog"]');
  const rows = await page.locator('table.catalog-table tbody tr').count();
  await page.setInputFiles('.catalog input[type="file"]', { name: 'catalog.json', mimeType: 'application/json', buffer: Buffer.from('{"models": "nope"}') });
  await page.waitForSelector('#catalog-upload-error');
  assert.match(await page.textContent('#catalog-upload-error'), /catalog\.json was not loaded \(the catalog in use is unchanged\)/);
  assert.equal(await page.locator('table.catalog-table tbody tr').count(), rows);
  assert.equal(await page.locator('.badge:has-text("edited in this browser")').count(), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});
