// The policy author's loop in the Policies view: a policy's name is its identity (new, rename,
// upload conflicts, delete and undo), the decision on the current prompt updates as the policy
// is typed, a before/after run shows what an edit changes over the prompt set, diagnostics move
// the caret and quick fixes apply, and the reference is one click from an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const KEY = 'routeplay.workspace';
const stored = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k)), KEY);
const ids = async (page) => page.locator('.policy-item').evaluateAll((els) => els.map((e) => e.dataset.policy));

async function policies(page) {
  await page.click('.tab[data-view="policies"]');
  await page.locator('.policies-layout').waitFor();
}

async function newPolicy(page) {
  await page.click('button:has-text("New policy")');
  await page.locator('textarea.code').waitFor();
}

/** Puts the caret (or a selection) on the first occurrence of `text` in the editor. */
async function select(page, text) {
  await page.locator('textarea.code').evaluate((ta, t) => {
    const at = ta.value.indexOf(t);
    if (at < 0) throw new Error(`"${t}" is not in the editor`);
    ta.focus();
    ta.setSelectionRange(at, at + t.length);
  }, text);
}

const upload = (page, name, text) => page.setInputFiles('.policy-list input[type="file"]', {
  name, mimeType: 'application/toml', buffer: Buffer.from(text),
});

const POLICY = (name, model = 'gpt-5-mini') => `name = "${name}"\n\n[default]\nmodel = "${model}"\n`;

test('a new policy is listed under the name in its source, and typing a new name renames it (caret, list and selection follow)', async () => {
  const page = await openPage(browser);
  await policies(page);
  await newPolicy(page);
  const editor = page.locator('textarea.code');
  assert.match(await editor.inputValue(), /^name = "my-policy"$/m);
  await newPolicy(page);
  // The second new policy says in its source what the list says.
  assert.match(await editor.inputValue(), /^name = "my-policy-2"$/m);
  assert.equal(await page.textContent('#pedit-title'), 'my-policy-2');
  assert.deepEqual((await ids(page)).filter((id) => id.startsWith('my-')), ['my-policy', 'my-policy-2']);

  // Type a new name key by key: every keystroke that makes a free name renames the policy,
  // and the caret stays in the editor (the typed text lands where it was typed).
  await select(page, 'my-policy-2');
  await page.keyboard.type('router-v2', { delay: 15 });
  await page.waitForSelector('.policy-item[data-policy="router-v2"]');
  assert.match(await editor.inputValue(), /^name = "router-v2"$/m);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('code')), true);
  assert.equal(await page.textContent('#pedit-title'), 'router-v2');
  assert.deepEqual((await ids(page)).filter((id) => !['cost-saver', 'quality-first', 'latency-first', 'balanced', 'task-specialist', 'house-first', 'bedrock-prompt-router', 'azure-router-balanced', 'azure-router-quality', 'azure-router-cost'].includes(id)), ['my-policy', 'router-v2']);
  // The selection followed the rename: the Prompt view shows its card under the new name.
  const ws = await stored(page);
  assert.ok(ws.selected.includes('router-v2') && !ws.selected.includes('my-policy-2'), JSON.stringify(ws.selected));
  assert.deepEqual(ws.policies.map((p) => p.id), ['my-policy', 'router-v2']);
  await page.click('.tab[data-view="prompt"]');
  await page.waitForSelector('.card.decision[data-policy="router-v2"]');
  await page.click('.tab[data-view="policies"]');

  // Two policies cannot share a name: pasting a taken one keeps the id and says why.
  await select(page, 'router-v2');
  await page.keyboard.insertText('my-policy');
  await page.waitForSelector('.name-issue');
  assert.match(await page.textContent('.name-issue'), /“my-policy” is already the name of another of your policies.*stays listed as “router-v2”/);
  assert.equal(await page.textContent('#pedit-title'), 'router-v2');
  await select(page, 'my-policy"');
  await page.keyboard.insertText('cost-saver"');
  await page.waitForFunction(() => /a preset/.test(document.querySelector('.name-issue')?.textContent ?? ''));
  assert.deepEqual((await stored(page)).policies.map((p) => p.id), ['my-policy', 'router-v2']);
  // A reload keeps names and ids in agreement.
  await select(page, 'cost-saver');
  await page.keyboard.type('router-v3');
  await page.waitForSelector('.policy-item[data-policy="router-v3"]');
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  await policies(page);
  await page.click('.policy-item[data-policy="router-v3"]');
  assert.match(await editor.inputValue(), /^name = "router-v3"$/m);
  assert.equal(await page.locator('.name-issue').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('uploading a policy whose name exists asks: cancel adds nothing, keep both renames the upload in its source, replace replaces', async () => {
  const page = await openPage(browser);
  await policies(page);
  await newPolicy(page);
  const mine = await page.locator('textarea.code').inputValue();
  const theirs = `# from a colleague\n${POLICY('my-policy', 'claude-haiku-4.5')}`;

  await upload(page, 'colleague.toml', theirs);
  await page.waitForSelector('.upload-conflict[data-name="my-policy"]');
  assert.match(await page.textContent('.upload-conflict'), /already have a policy named “my-policy”/);
  await page.click('.upload-conflict [data-choice="cancel"]');
  await page.waitForSelector('.upload-conflict', { state: 'detached' });
  assert.match(await page.textContent('.policy-notice'), /cancelled: nothing changed/);
  assert.deepEqual((await stored(page)).policies.map((p) => [p.id, p.source]), [['my-policy', mine]]);

  await upload(page, 'colleague.toml', theirs);
  await page.click('.upload-conflict [data-choice="keep-both"]');
  await page.waitForSelector('.policy-item[data-policy="my-policy-2"]');
  assert.equal(await page.textContent('#pedit-title'), 'my-policy-2');
  let ws = await stored(page);
  assert.deepEqual(ws.policies.map((p) => p.id), ['my-policy', 'my-policy-2']);
  assert.equal(ws.policies[0].source, mine, 'the policy already there is unchanged');
  assert.equal(ws.policies[1].source, theirs.replace('name = "my-policy"', 'name = "my-policy-2"'));

  // Replace while the policy replaced is open: the editor shows the new text.
  await page.click('.policy-item[data-policy="my-policy"]');
  await upload(page, 'colleague.toml', theirs);
  await page.waitForSelector('.upload-conflict');
  // The question takes the focus on its safe answer once drawn (the next frame, not at once).
  await page.waitForFunction(() => document.activeElement?.dataset.choice === 'keep-both', null, { timeout: 5000 });
  await page.click('.upload-conflict [data-choice="replace"]');
  await page.waitForFunction(() => /Replaced your “my-policy”/.test(document.querySelector('.policy-notice')?.textContent ?? ''));
  ws = await stored(page);
  assert.deepEqual(ws.policies.map((p) => [p.id, p.source]), [['my-policy', theirs], ['my-policy-2', theirs.replace('name = "my-policy"', 'name = "my-policy-2"')]]);
  assert.match(await page.locator('textarea.code').inputValue(), /from a colleague/);

  // A preset's name can only be kept beside the preset.
  await upload(page, 'mine.toml', POLICY('cost-saver'));
  await page.waitForSelector('.upload-conflict[data-name="cost-saver"]');
  assert.equal(await page.locator('.upload-conflict [data-choice="replace"]').count(), 0);
  await page.click('.upload-conflict [data-choice="keep-both"]');
  await page.waitForSelector('.policy-item[data-policy="cost-saver-2"]');
  // A file that names nothing takes its file name, written into its source.
  await upload(page, 'team-router.toml', '[default]\nmodel = "gpt-5-mini"\n');
  await page.waitForSelector('.policy-item[data-policy="team-router"]');
  assert.match(await page.locator('textarea.code').inputValue(), /^name = "team-router"$/m);
  assert.deepEqual(page.errors, []);
});

test('a deleted policy comes back with Undo, in its place and selection', async () => {
  const page = await openPage(browser);
  await policies(page);
  await newPolicy(page);
  await page.locator('textarea.code').fill(POLICY('keeper', 'claude-haiku-4.5'));
  await page.waitForSelector('.policy-item[data-policy="keeper"]');
  const before = await stored(page);
  await page.click('.policy-edit button.danger:has-text("Delete")');
  await page.waitForSelector('.policy-item[data-policy="keeper"]', { state: 'detached' });
  assert.match(await page.textContent('.policy-notice'), /Deleted “keeper”/);
  assert.equal((await stored(page)).policies.length, 0);
  await page.click('.policy-notice [data-action="undo"]');
  await page.waitForSelector('.policy-item[data-policy="keeper"]');
  assert.equal(await page.textContent('#pedit-title'), 'keeper');
  const after = await stored(page);
  assert.deepEqual([after.policies, after.selected], [before.policies, before.selected]);
  assert.match(await page.textContent('.policy-notice'), /Restored “keeper”/);
  assert.deepEqual(page.errors, []);
});

test('the decision on the current prompt updates as the policy and the prompt are typed', async () => {
  const page = await openPage(browser);
  await policies(page);
  await newPolicy(page);
  const editor = page.locator('textarea.code');
  await page.fill('#live-prompt', 'hi');
  await editor.fill(`name = "live"\n\n[[rule]]\nname = "long prompts"\nwhen = 'tokens > 30'\nmodel = "claude-sonnet-5"\n\n[default]\nmodel = "gpt-5-mini"\n`);
  await page.waitForSelector('.live-decision[data-model="gpt-5-mini"][data-rule="default"]');
  // Type a character of the model id away: the policy breaks, the live result says so.
  await select(page, 'gpt-5-mini"\n');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  await page.waitForSelector('.live-result [data-state="broken"]');
  assert.match(await page.textContent('.live-result'), /1 error/);
  // Type it back: decided again.
  await page.keyboard.type('i');
  await page.waitForSelector('.live-decision[data-model="gpt-5-mini"]');
  // A longer prompt takes the rule, and the reason is shown.
  await page.fill('#live-prompt', 'Design a rate limiter for a distributed API gateway: compare token bucket and sliding window, with failure modes, Redis data structures and a rollout plan for three regions.');
  await page.waitForSelector('.live-decision[data-model="claude-sonnet-5"][data-rule="long prompts"]');
  assert.match(await page.textContent('.live-why'), /tokens/);
  // The same prompt is the Prompt view's.
  await page.click('.tab[data-view="prompt"]');
  assert.match(await page.inputValue('#prompt'), /^Design a rate limiter/);
  await page.click('.tab[data-view="policies"]');
  await screenshot(page, 'policies-live-1280');
  assert.deepEqual(page.errors, []);
});

test('before/after: an edited rule shows the prompts it routes differently, against the version opened and a preset', async () => {
  const page = await openPage(browser);
  await policies(page);
  await newPolicy(page);
  const editor = page.locator('textarea.code');
  assert.match(await page.textContent('[data-field="baseline"]'), /when you opened it at \d\d:\d\d/);
  // Unedited: before and after route alike.
  await page.click('[data-action="run-compare"]');
  await page.waitForSelector('.ba-results');
  const n = Number(await page.getAttribute('.ba-results', 'data-prompts'));
  assert.ok(n >= 200, `the shipped sample set runs (${n} prompts)`);
  assert.equal(await page.getAttribute('.ba-results', 'data-changed'), '0');
  await page.waitForSelector('[data-field="no-change"]');
  // Change a rule: hard prompts now go to a cheap model.
  const src = await editor.inputValue();
  await editor.fill(src.replace("when = 'complexity > 0.7'", "when = 'complexity > 0.4'").replace('candidates = ["claude-opus-5", "gpt-5.5", "gemini-3.1-pro-preview"]', 'candidates = ["claude-haiku-4.5"]'));
  await page.waitForSelector('.ba-results .notice-inline');
  await page.click('[data-action="run-compare"]');
  await page.waitForFunction(() => Number(document.querySelector('.ba-results')?.dataset.changed) > 0 && !document.querySelector('.ba-results .notice-inline'));
  const changed = Number(await page.getAttribute('.ba-results', 'data-changed'));
  assert.match(await page.textContent('[data-field="changed-vs-before"]'), new RegExp(`^${changed} of ${n} prompts routed differently`));
  const rows = await page.locator('.changed-prompt').evaluateAll((els) => els.map((e) => [e.dataset.from, e.dataset.to]));
  assert.equal(rows.length, Math.min(changed, 40));
  for (const [from, to] of rows) assert.notEqual(from, to);
  assert.ok(rows.some(([, to]) => to === 'claude-haiku-4.5'), JSON.stringify(rows.slice(0, 5)));
  // Totals before, after and the preset, side by side.
  const sides = await page.locator('.ba-table tbody th').allTextContents();
  assert.deepEqual(sides.map((h) => h.replace(/\d\d:\d\d/, 'HH:MM')), ['Before (HH:MM)', 'After (now)', 'cost-saver']);
  const head = await page.locator('.ba-table thead th').allTextContents();
  assert.deepEqual(head.slice(1), ['Est. total cost', 'Mean quality', 'Latency p50']);
  for (const row of await page.locator('.ba-table tbody tr').all()) {
    assert.match(await row.locator('td').first().textContent(), /^\$\d/);
  }
  await page.locator('.before-after').scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-compare-1280');
  // "Compare from here" makes the edit the new before: nothing differs any more.
  await page.click('.before-after button:has-text("Compare from here")');
  await page.click('[data-action="run-compare"]');
  await page.waitForFunction(() => document.querySelector('.ba-results')?.dataset.changed === '0');
  assert.match(await page.textContent('[data-field="baseline"]'), /as you marked it at/);
  assert.deepEqual(page.errors, []);
});

test('a diagnostic click puts the caret at its line:column, a quick fix applies the "did you mean", and the reference is one click away', async () => {
  const page = await openPage(browser);
  await policies(page);
  await newPolicy(page);
  const editor = page.locator('textarea.code');
  const src = await editor.inputValue();
  await editor.fill(src.replace('objective = "cheapest"', 'objective = "cheapst"'));
  const diag = page.locator('.diagnostics .diag.error').first();
  await diag.waitFor();
  assert.match(await diag.textContent(), /unknown objective `cheapst`/);
  // Move the caret away, then click the location.
  await page.locator('.policy-list h2').click();
  await diag.locator('button.loc').click();
  const where = await editor.evaluate((ta) => ({ focused: document.activeElement === ta, at: ta.selectionStart, want: ta.value.indexOf('"cheapst"') }));
  assert.equal(where.focused, true);
  assert.equal(where.at, where.want);
  await screenshot(page, 'policies-diagnostic-fix');
  // The quick fix.
  assert.equal(await diag.locator('[data-action="fix"]').textContent(), 'Replace `cheapst` with `cheapest`');
  await diag.locator('[data-action="fix"]').click();
  await page.waitForFunction(() => document.querySelector('.diag-status')?.dataset.errors === '0');
  assert.match(await editor.inputValue(), /objective = "cheapest"/);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('code')), true);
  // A misspelt signal: the fix names the closest signal.
  await editor.fill((await editor.inputValue()).replace("complexity > 0.7", "complexty > 0.7"));
  await page.waitForSelector('.diag.error[data-code="unknown-signal"]');
  await page.click('.diag.error[data-code="unknown-signal"] [data-action="fix"]');
  await page.waitForFunction(() => document.querySelector('.diag-status')?.dataset.errors === '0');
  assert.match(await editor.inputValue(), /when = 'complexity > 0.7'/);
  // An unknown field: the message's "see docs/policy.md" is a link to the in-app reference.
  await editor.fill((await editor.inputValue()).replace('fallback_count = 2', 'fallback_cnt = 2'));
  await page.waitForSelector('.diag.error[data-code="schema"]');
  assert.match(await page.textContent('.diag.error[data-code="schema"]'), /did you mean `fallback_count`/);
  await page.click('.diag.error[data-code="schema"] [data-action="reference"]');
  await page.waitForFunction(() => document.activeElement?.id === 'ref-fields');
  assert.equal(await page.getAttribute('#policy-reference', 'open'), '');
  assert.ok(await page.locator('#policy-reference .ref-entry[data-name="rule.fallback_count"]').isVisible());
  await page.locator('#policy-reference').screenshot({ path: 'tests/e2e/artifacts/policies-reference.png' });
  // The reference is searchable.
  await page.fill('#ref-q', 'complexity');
  const names = await page.locator('#policy-reference .ref-entry').evaluateAll((els) => els.map((e) => e.dataset.name));
  assert.ok(names.includes('complexity'), names.join());
  assert.ok(!names.includes('rule.fallback_count'));
  assert.deepEqual(page.errors, []);
});

test('the Policies view at 375 px stacks list, editor, live result and before/after without overflow', async () => {
  const page = await openPage(browser, { viewport: { width: 375, height: 800 } });
  await policies(page);
  await newPolicy(page);
  await page.click('[data-action="run-compare"]');
  await page.waitForSelector('.ba-results');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
  await screenshot(page, 'policies-375', { fullPage: true });
  const dark = await openPage(browser, { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
  await policies(dark);
  await newPolicy(dark);
  await screenshot(dark, 'policies-dark-1280');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(dark.errors, []);
});
