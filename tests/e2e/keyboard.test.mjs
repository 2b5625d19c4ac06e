// Keyboard only: from page load, with Tab / Shift+Tab / Enter / Space / arrow keys (and typing
// text into fields), reach every view's tab and operate its main control. After every key press
// the focused element must show a focus indicator (outline or focus ring) and focus must never
// fall back to <body>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** What has focus, and whether it is visibly marked. */
function focusState(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body || a === document.documentElement) return { lost: true };
    const ring = (el) => {
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
      return outline || (s.boxShadow && s.boxShadow !== 'none');
    };
    // A visually hidden file input shows its focus on its label (label.button:focus-within).
    const shown = ring(a) || (a.closest('label') ? ring(a.closest('label')) : false);
    const r = a.getBoundingClientRect();
    const desc = a.tagName.toLowerCase()
      + (a.id ? `#${a.id}` : '')
      + (a.className && typeof a.className === 'string' ? `.${a.className.trim().split(/\s+/).join('.')}` : '')
      + (a.dataset.view ? `[data-view=${a.dataset.view}]` : '')
      + ` "${(a.getAttribute('aria-label') || a.textContent || '').trim().slice(0, 40)}"`;
    const sized = r.width > 0 && r.height > 0;
    return { lost: false, shown, sized, desc };
  });
}

/** Press a key and check focus afterwards. */
async function press(page, key, trail) {
  await page.keyboard.press(key);
  const f = await focusState(page);
  trail.push(`${key} → ${f.lost ? '<body>' : f.desc}`);
  assert.ok(!f.lost, `focus fell to <body> after ${key}; last steps:\n${trail.slice(-6).join('\n')}`);
  assert.ok(f.shown, `no visible focus indicator on ${f.desc} after ${key}`);
  assert.ok(f.sized, `focus on an invisible element ${f.desc} after ${key}`);
  return f;
}

/** Tab (or Shift+Tab) until the focused element matches `selector`. */
async function tabTo(page, selector, trail, { back = false, max = 200 } = {}) {
  for (let i = 0; i < max; i++) {
    await press(page, back ? 'Shift+Tab' : 'Tab', trail);
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  assert.fail(`${selector} not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
}

async function openView(page, v, trail) {
  const here = await page.evaluate(() => document.activeElement?.closest('main') !== null);
  await tabTo(page, `button.tab[data-view="${v}"]`, trail, { back: here });
  await press(page, 'Enter', trail);
  await page.waitForSelector(`.app[data-view="${v}"]`);
}

for (const [width, theme] of [[1280, 'light'], [375, 'dark']]) {
  test(`keyboard only, every view at ${width} px ${theme}: reached, operated, focus always visible`, async () => {
    const page = await openPage(browser, { viewport: { width, height: 900 }, colorScheme: theme });
    await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
    const trail = [];

    // Prompt: type a prompt, add a policy, open a trace.
    await openView(page, 'prompt', trail);
    await tabTo(page, '#prompt', trail);
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Write a haiku about routers.');
    assert.equal(await page.inputValue('#prompt'), 'Write a haiku about routers.');
    await tabTo(page, '.policy-chip[data-policy="latency-first"]', trail);
    const before = await page.getAttribute('.policy-chip[data-policy="latency-first"]', 'aria-pressed');
    await press(page, 'Space', trail);
    assert.notEqual(await page.getAttribute('.policy-chip[data-policy="latency-first"]', 'aria-pressed'), before);
    await tabTo(page, '.trace > summary', trail);
    await press(page, 'Enter', trail);
    assert.equal(await page.locator('.trace').first().evaluate((d) => d.open), true, 'the trace opened');

    // Prompt set: load and run the sample set.
    await openView(page, 'batch', trail);
    await tabTo(page, '[data-action="sample"]', trail);
    await press(page, 'Enter', trail);
    await page.waitForSelector('.loaded[data-prompts="220"]', { timeout: 60000 });
    await page.waitForSelector('[data-batch-ready="true"]', { timeout: 60000 });
    const f = await focusState(page);
    assert.ok(!f.lost, 'focus kept while the set ran');

    // Policies: pick a policy from the list, reach its source.
    await openView(page, 'policies', trail);
    await tabTo(page, '.policy-item[data-policy="quality-first"]', trail);
    await press(page, 'Enter', trail);
    assert.equal(await page.getAttribute('.policy-item[data-policy="quality-first"]', 'aria-current'), 'true');
    await tabTo(page, 'textarea.code', trail);

    // Catalog: change a price with the arrow keys.
    await openView(page, 'catalog', trail);
    await tabTo(page, 'input.num', trail);
    const price = await page.evaluate(() => document.activeElement.value);
    await press(page, 'ArrowUp', trail);
    assert.notEqual(await page.evaluate(() => document.activeElement.value), price, 'ArrowUp changed the value');

    // Live run: open the keys, switch streaming off.
    await openView(page, 'live', trail);
    await tabTo(page, '.live-stream-toggle', trail);
    await press(page, 'Space', trail);
    assert.equal(await page.isChecked('.live-stream-toggle'), false);

    // Export: choose another target.
    await openView(page, 'export', trail);
    await tabTo(page, '.target-chip[data-target="litellm"]', trail);
    await press(page, 'Enter', trail);
    assert.equal(await page.getAttribute('.target-chip[data-target="litellm"]', 'aria-pressed'), 'true');

    // Share popover: open it, close it with Esc.
    await tabTo(page, '.share button', trail, { back: true });
    await press(page, 'Enter', trail);
    await page.waitForSelector('.share-pop');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.share-pop', { state: 'detached' });
    const after = await focusState(page);
    assert.ok(!after.lost, 'focus kept after Esc closed the popover');
    assert.equal(await page.locator('.share-pop').count(), 0, 'the popover closed');
    await screenshot(page, `keyboard-end-${width}-${theme}`);
    console.log(`# keyboard walk ${width} ${theme}: ${trail.length} key presses, focus visible on each`);
    await page.context().close();
  });
}
