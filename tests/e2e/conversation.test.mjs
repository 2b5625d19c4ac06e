// Conversations in the page: a pasted chat request is drawn as a chat with every turn's decision
// under the selected policies, its signals are in the signals panel, and a live run sends the
// whole conversation (system prompt, history, tool calls and results, tools) in each provider's
// wire format to a fake provider on 127.0.0.1 (tests/fake-provider/server.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, launch, openPage, screenshot, signal } from './browser.mjs';
import { startFakeProvider } from '../fake-provider/server.mjs';

const KEYS = {
  openai: 'test-key-openai-conv-1',
  anthropic: 'test-key-anthropic-conv-2',
  gemini: 'test-key-gemini-conv-3',
};

// An OpenAI Chat Completions request body with tools: a support agent that looked an order up,
// answered, was asked to refund, called the refund tool, and now gets its result (an agent step).
const SYSTEM = 'You are Nova, the support assistant for Brightwire. Verify the email before sharing order details.';
const BODY = {
  model: 'gpt-5.4-mini',
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Hi, order BW-20418833 never arrived. My email is j.meier@example.de' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_s1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_number":"BW-20418833"}' } }] },
    { role: 'tool', tool_call_id: 'call_s1', content: '{"status":"shipped","tracking_events":[{"at":"2026-11-13","event":"Handed to carrier"}],"total_eur":89.0}' },
    { role: 'assistant', content: 'Thanks, Jonas: tracking has not moved for 17 days, so I can refund the 89.00 EUR. Shall I?' },
    { role: 'user', content: 'Refund please.' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_s2', type: 'function', function: { name: 'refund_order', arguments: '{"order_number":"BW-20418833","amount_eur":89.0}' } }] },
    { role: 'tool', tool_call_id: 'call_s2', content: '{"ok":true,"refund_id":"rf_55120"}' },
  ],
  tools: [
    { type: 'function', function: { name: 'lookup_order', description: 'Look up an order by number.', parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] } } },
    { type: 'function', function: { name: 'refund_order', description: 'Refund an order.', parameters: { type: 'object', properties: { order_number: { type: 'string' }, amount_eur: { type: 'number' } }, required: ['order_number', 'amount_eur'] } } },
  ],
};
const TEXT = JSON.stringify(BODY, null, 2);

let browser;
let fp;
before(async () => {
  fp = await startFakeProvider(0);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await fp?.close();
});

async function showView(page, v) {
  await page.click(`button.tab[data-view="${v}"]`);
}

/** Paste the request body into the prompt box and wait for the chat and the model. */
async function pasteConversation(page, text = TEXT) {
  await showView(page, 'prompt');
  await page.fill('#prompt', text);
  await page.waitForSelector('[data-conversation="chat"]');
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
}

test('a pasted OpenAI request body with tools is shown as a chat with every turn decided', async () => {
  const page = await openPage(browser);
  await pasteConversation(page);
  const chat = page.locator('[data-conversation="chat"]');
  assert.equal(await chat.locator('[data-field="conv-summary"]').textContent(), 'OpenAI Chat Completions · 7 messages · 4 routed turns');
  // The system prompt, the tools, every message with its role; tool calls and results compact.
  assert.equal(await chat.locator('[data-part="system"] .conv-text').textContent(), SYSTEM);
  assert.deepEqual(await chat.locator('.tool-chip').allTextContents(), ['lookup_order', 'refund_order']);
  assert.deepEqual(
    await chat.locator('.conv-msg').evaluateAll((els) => els.map((e) => e.dataset.role)),
    ['user', 'assistant', 'tool', 'assistant', 'user', 'assistant', 'tool'],
  );
  assert.deepEqual(await chat.locator('.tool-call .call-name').allTextContents(), ['lookup_order', 'refund_order']);
  assert.equal(await chat.locator('.tool-result').count(), 2);
  // Four turns: after the first user message, after each tool result, after the second user
  // message. Turns 2 and 4 end in a tool result: agent steps, marked.
  const turns = chat.locator('.conv-turn');
  assert.equal(await turns.count(), 4);
  assert.deepEqual(
    await turns.evaluateAll((els) => els.map((e) => e.dataset.agentStep)),
    ['false', 'true', 'false', 'true'],
  );
  assert.equal(await chat.locator('.conv-turn[data-agent-step="true"] [data-field="agent-step"]').count(), 2);
  // Each turn has one decision per selected policy: a model, a rule and a cost, trace on demand.
  const selected = await page.locator('.decisions .card.decision').count();
  assert.ok(selected >= 1, 'at least one policy selected');
  for (let i = 0; i < 4; i++) {
    const ds = turns.nth(i).locator('.turn-decision');
    assert.equal(await ds.count(), selected, `turn ${i + 1}: one decision per policy`);
    for (let j = 0; j < selected; j++) {
      const d = ds.nth(j);
      assert.match(await d.getAttribute('data-model'), /^[a-z0-9./-]+$/, `turn ${i + 1}: a model`);
      assert.notEqual((await d.locator('[data-field="rule"]').textContent()).trim(), '');
      assert.match(await d.locator('[data-field="cost"]').textContent(), /^\$\d/);
      assert.ok((await d.locator('.td-trace .rule').count()) >= 1, 'a trace with rules');
    }
  }
  // Per-policy totals over the conversation (cost with the cache, switches).
  assert.equal(await chat.locator('.conv-totals tbody tr').count(), selected);
  // The signals panel: the conversation's signals.
  assert.equal(await signal(page, 'turns'), '2');
  assert.equal(await signal(page, 'agent_step'), 'yes');
  assert.equal(await signal(page, 'tools'), '2: lookup_order, refund_order');
  assert.match(await signal(page, 'context_tokens'), /^~\d+ tokens$/);
  assert.equal(await signal(page, 'images'), '0');
  // The decision cards are the last turn's (an agent step), as the chat shows it.
  const lastTurnModels = await turns.nth(3).locator('.turn-decision').evaluateAll((els) => els.map((e) => e.dataset.model));
  const cardModels = await page.locator('.decisions .card.decision').evaluateAll((els) => els.map((e) => e.dataset.model));
  assert.deepEqual(cardModels, lastTurnModels);
  // A trace opens on demand.
  const firstTrace = turns.nth(0).locator('.td-trace').first();
  await firstTrace.locator('summary').click();
  assert.equal(await firstTrace.evaluate((d) => d.open), true);
  await firstTrace.locator('summary').click();
  assert.deepEqual(page.errors, []);

  for (const [scheme, w] of [['light', 1280], ['dark', 1280], ['light', 375], ['dark', 375]]) {
    const p = await openPage(browser, { viewport: { width: w, height: 900 }, colorScheme: scheme });
    await pasteConversation(p);
    await screenshot(p, `conversation-chat-${w}-${scheme}`);
    await p.locator('[data-conversation="chat"]').screenshot({ path: `${ARTIFACTS}/conversation-chat-panel-${w}-${scheme}.png` });
    assert.deepEqual(p.errors, []);
    // Nothing is wider than the phone's screen.
    if (w === 375) {
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
    }
    await p.context().close();
  }
});

test('a chat request that cannot be read says why and is routed as text', async () => {
  const page = await openPage(browser);
  await showView(page, 'prompt');
  await page.fill('#prompt', JSON.stringify({ messages: [{ role: 'wizard', content: 'hi' }] }));
  const broken = page.locator('[data-conversation="broken"]');
  await broken.waitFor();
  assert.match(await broken.textContent(), /OpenAI Chat Completions request.*messages\[0\]\.role/);
  // Nothing was lost: the box still holds the text, and it is routed as a prompt.
  assert.match(await page.inputValue('#prompt'), /wizard/);
  assert.ok((await page.locator('.decisions .card.decision').count()) >= 1);
  assert.equal(await page.locator('[data-conversation="chat"]').count(), 0);
});

test('the sample conversation button cycles through shipped conversations of every format', async () => {
  const page = await openPage(browser);
  await showView(page, 'prompt');
  const seen = new Set();
  for (let i = 0; i < 5; i++) {
    const before = await page.inputValue('#prompt');
    await page.click('[data-action="sample-conversation"]');
    await page.waitForFunction((b) => document.querySelector('#prompt').value !== b, before);
    await page.waitForSelector('[data-conversation="chat"]');
    const summary = await page.locator('[data-field="conv-summary"]').textContent();
    seen.add(summary.split(' · ')[0]);
    assert.ok((await page.locator('.conv-turn').count()) >= 1, summary);
  }
  for (const f of ['OpenAI Chat Completions', 'Anthropic Messages', 'ShareGPT']) assert.ok(seen.has(f), `${f} among ${[...seen]}`);
});

test('the Prompt set view takes a conversation file and simulates every turn', async () => {
  const page = await openPage(browser);
  await page.waitForSelector('[data-model="ready"]', { timeout: 30000 });
  await showView(page, 'batch');
  await page.click('[data-action="sample-conversations"]');
  const rep = page.locator('.conv-set');
  await rep.waitFor({ timeout: 30000 });
  // Every one of the 75 sample conversations is read (none is a bad line) and every turn routed.
  assert.equal(await rep.getAttribute('data-conversations'), '75');
  assert.ok(Number(await rep.getAttribute('data-turns')) > 75, 'multi-turn conversations route each turn');
  assert.equal(await page.locator('.loaded').getAttribute('data-bad'), '0');
  const selected = await page.locator('.conv-set-table tbody tr').count();
  assert.ok(selected >= 1);
  for (let i = 0; i < selected; i++) {
    const row = page.locator('.conv-set-table tbody tr').nth(i);
    assert.match(await row.locator('[data-field="set-cost"]').textContent(), /^\$\d/);
    assert.match(await row.locator('[data-field="set-switches"]').textContent(), /^\d+ in \d+ conversations?$/);
  }
  // Per conversation: cost and switches under each policy.
  await page.locator('.conv-per summary').click();
  assert.equal(await page.locator('.conv-per tbody tr').count(), 30);
  await screenshot(page, 'conversation-set');
  assert.deepEqual(page.errors, []);
});

/** Points the three providers at the fake server and enters their keys. */
async function setUpLive(page) {
  await showView(page, 'live');
  await page.waitForSelector('#live-panel');
  const eps = { openai: `${fp.url}/v1`, anthropic: `${fp.url}/v1`, gemini: `${fp.url}/v1beta` };
  for (const [id, url] of Object.entries(eps)) {
    const row = page.locator(`.live-key-row[data-provider="${id}"]`);
    await row.locator('.live-endpoint-details').evaluate((d) => { d.open = true; });
    await row.locator('.live-endpoint-input').fill(url);
    await row.locator('.live-endpoint-input').press('Tab');
  }
  for (const [id, key] of Object.entries(KEYS)) {
    const row = page.locator(`.live-key-row[data-provider="${id}"]`);
    await row.locator('.live-key-input').fill(key);
    await row.locator('.live-key-input').press('Tab');
    await row.locator('.live-key-status.live-key-set').waitFor();
  }
}

test('a live run sends the whole conversation in each provider\'s wire format', async () => {
  const page = await openPage(browser);
  await pasteConversation(page);
  await setUpLive(page);
  await page.fill('.live-plan-editor', 'routed openai conv-oa 1 1\ncompare anthropic conv-an 1 1\ncompare gemini conv-gm 1 1\n');
  await fetch(`${fp.url}/__reset`, { method: 'POST' });
  await page.click('.live-run-compare');
  for (const [p, m] of [['openai', 'conv-oa'], ['anthropic', 'conv-an'], ['gemini', 'conv-gm']]) {
    const c = page.locator(`.live-card[data-provider="${p}"][data-model="${m}"]`);
    await c.and(page.locator('[data-status="done"]')).waitFor({ timeout: 20000 });
  }
  const last = await (await fetch(`${fp.url}/__last`)).json();

  // OpenAI: the system message, every message in order with tool calls and results, the tools.
  const oa = last.openai.body;
  assert.equal(oa.model, 'conv-oa');
  assert.deepEqual(oa.messages.map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant', 'user', 'assistant', 'tool']);
  assert.equal(oa.messages[0].content, SYSTEM);
  assert.equal(oa.messages[1].content, BODY.messages[1].content);
  assert.deepEqual(oa.messages[2].tool_calls, BODY.messages[2].tool_calls);
  assert.equal(oa.messages[2].content, null);
  assert.deepEqual(oa.messages[3], BODY.messages[3]);
  assert.equal(oa.messages[4].content, BODY.messages[4].content);
  assert.deepEqual(oa.messages[7], BODY.messages[7]);
  assert.deepEqual(oa.tools, BODY.tools);

  // Anthropic: `system` on top, roles alternating, tool_use / tool_result blocks, input_schema.
  const an = last.anthropic.body;
  assert.equal(an.model, 'conv-an');
  assert.equal(an.system, SYSTEM);
  assert.deepEqual(an.messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
  assert.deepEqual(an.messages[1].content, [{ type: 'tool_use', id: 'call_s1', name: 'lookup_order', input: { order_number: 'BW-20418833' } }]);
  assert.deepEqual(an.messages[2].content, [{ type: 'tool_result', tool_use_id: 'call_s1', content: BODY.messages[3].content }]);
  assert.equal(an.messages[3].content, BODY.messages[4].content);
  assert.equal(an.messages[4].content, 'Refund please.');
  assert.deepEqual(an.messages[6].content, [{ type: 'tool_result', tool_use_id: 'call_s2', content: BODY.messages[7].content }]);
  assert.deepEqual(an.tools.map((t) => [t.name, t.input_schema]), BODY.tools.map((t) => [t.function.name, t.function.parameters]));

  // Gemini: systemInstruction, user / model turns, functionCall and functionResponse parts,
  // functionDeclarations.
  const gm = last.gemini.body;
  assert.equal(last.gemini.path, '/v1beta/models/conv-gm:streamGenerateContent');
  assert.deepEqual(gm.systemInstruction, { parts: [{ text: SYSTEM }] });
  assert.deepEqual(gm.contents.map((c) => c.role), ['user', 'model', 'user', 'model', 'user', 'model', 'user']);
  assert.deepEqual(gm.contents[1].parts[0].functionCall, { name: 'lookup_order', args: { order_number: 'BW-20418833' } });
  assert.deepEqual(gm.contents[2].parts, [{ functionResponse: { name: 'lookup_order', response: JSON.parse(BODY.messages[3].content) } }]);
  assert.deepEqual(gm.contents[4].parts, [{ text: 'Refund please.' }]);
  assert.deepEqual(gm.contents[6].parts, [{ functionResponse: { name: 'refund_order', response: { ok: true, refund_id: 'rf_55120' } } }]);
  assert.deepEqual(gm.tools[0].functionDeclarations.map((d) => [d.name, d.parametersJsonSchema]), BODY.tools.map((t) => [t.function.name, t.function.parameters]));

  // Keys: never in a URL, each only in its own provider's header.
  const posts = fp.log.filter((e) => e.method === 'POST');
  assert.equal(posts.length, 3);
  for (const e of fp.log) {
    for (const k of Object.values(KEYS)) assert.ok(!e.url.includes(k), `key in URL ${e.url}`);
  }
  for (const k of Object.values(KEYS)) {
    for (const f of ['openai', 'anthropic', 'gemini']) assert.ok(!JSON.stringify(last[f]).includes(k), `key in ${f} body`);
  }
  assert.equal(posts.find((e) => e.format === 'openai').headers.authorization, `Bearer ${KEYS.openai}`);
  assert.equal(posts.find((e) => e.format === 'anthropic').headers['x-api-key'], KEYS.anthropic);
  assert.equal(posts.find((e) => e.format === 'gemini').headers['x-goog-api-key'], KEYS.gemini);
  await screenshot(page, 'conversation-live');
  assert.deepEqual(page.errors, []);
});
