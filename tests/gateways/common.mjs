// Shared by the gateway tests: the routeplay binary, presets, exports and annotations.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HERE = path.join(ROOT, 'tests/gateways');
export const BIN = process.env.ROUTEPLAY_BIN || path.join(ROOT, 'target/debug/routeplay');
export const SAMPLES = path.join(ROOT, 'public/samples/prompts.jsonl');
export const PRESETS = ['cost-saver', 'quality-first', 'latency-first', 'balanced', 'task-specialist', 'house-first'];
export const KEY = 'test-key-gateways';
export const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'routeplay-gw-'));

export function routeplay(args, { allowProblems = true } = {}) {
  try {
    return execFileSync(BIN, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // Exit 1 = approximate/dropped rules: the output is still the config.
    if (allowProblems && e.status === 1) return e.stdout;
    throw new Error(`routeplay ${args.join(' ')} failed (${e.status}): ${e.stderr}`);
  }
}

export function samples() {
  return fs.readFileSync(SAMPLES, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** Export `preset` to `target` with every model at `baseUrl`; returns {config, report}. */
export function exportPolicy(target, preset, baseUrl, carry) {
  const reportFile = path.join(TMP, `${target}-${preset}-${carry || 'default'}.json`);
  const args = ['export', '--to', target, preset, '--base-url', baseUrl, '--report', reportFile];
  if (carry) args.push('--carry', carry);
  const config = routeplay(args);
  return { config, report: JSON.parse(fs.readFileSync(reportFile, 'utf8')), configFile: (() => {
    const f = path.join(TMP, `${target}-${preset}-${carry || 'default'}.cfg`);
    fs.writeFileSync(f, config);
    return f;
  })() };
}

/** Per prompt: {id, text, metadata, model, api_model, fallbacks, api_fallbacks, rule, rule_index}. */
export function annotate(preset) {
  const texts = samples();
  const lines = routeplay(['annotate', '--policy', preset, '--with-decision', SAMPLES]).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (lines.length !== texts.length) throw new Error(`annotate gave ${lines.length} lines for ${texts.length} prompts`);
  return lines.map((l, i) => ({ ...l, text: texts[i].text }));
}

/** Whether the report vouches for this prompt: its rule is exact for its task and the prompt not too long. */
export function isExact(report, p) {
  if (p.rule_index == null) return false;
  const r = report.rules.find((x) => x.index === p.rule_index);
  return !!r && r.exact_tasks.includes(p.metadata.task) && p.metadata.tokens <= report.max_exact_tokens;
}

export async function waitForPort(url, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() - t0 > ms) throw new Error(`nothing listening at ${url} after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function pool(items, n, f) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  }));
  return out;
}
