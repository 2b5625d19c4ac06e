// Shared helpers for the end-to-end tests: launch Debian's Chromium through playwright-core,
// collect console errors, save screenshots under tests/e2e/artifacts/.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require(path.join(here, '../../tools/node_modules/playwright-core'));

export const ARTIFACTS = path.join(here, 'artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

/** The served page, set by run.mjs. */
export const BASE_URL = process.env.ROUTEPLAY_URL ?? 'http://127.0.0.1:8080/';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Opens a page and records console errors and uncaught exceptions in `page.errors`.
 * Options: viewport, colorScheme, url (defaults to BASE_URL).
 */
export async function openPage(browser, { viewport = { width: 1280, height: 900 }, colorScheme = 'light', url = BASE_URL } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  await page.goto(url);
  await page.waitForSelector('[data-ready="true"]', { timeout: 30000 });
  return page;
}

export async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Reads the text of the element with data-signal=name. */
export async function signal(page, name) {
  return (await page.textContent(`[data-signal="${name}"]`))?.trim();
}
