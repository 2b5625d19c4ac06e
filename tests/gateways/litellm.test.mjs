// Acceptance 2 of issue 10: a real LiteLLM Router (PyPI litellm in tests/gateways/.venv, installed
// by scripts/gateways.sh; run offline with LITELLM_LOCAL_MODEL_COST_MAP=True) serves the 220
// sample prompts with the model Routeplay decided, for every rule the export report calls exact,
// under each preset: the client asks for model = metadata.route_key from `routeplay annotate`.
// With the decided model answering 429, LiteLLM's fallbacks serve the next model of Routeplay's chain.
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { startFakeProvider } from '../fake-provider/server.mjs';
import { HERE, PRESETS, KEY, exportPolicy, annotate, isExact } from './common.mjs';

const PY = path.join(HERE, '.venv/bin/python');
if (!fs.existsSync(PY)) {
  console.error('litellm: venv not installed; run scripts/gateways.sh');
  process.exit(2);
}
const fp = await startFakeProvider(0);

function runRouter(configFile, jobs) {
  return new Promise((resolve, reject) => {
    const py = spawn(PY, [path.join(HERE, 'litellm_router.py'), configFile, fp.url], {
      env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True', ROUTEPLAY_API_KEY: KEY, LITELLM_LOG: 'ERROR' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    py.stdout.on('data', (d) => (out += d));
    py.stderr.on('data', (d) => (err += d));
    py.on('close', (code) => {
      if (code !== 0) return reject(new Error(`litellm_router.py exited ${code}: ${err.slice(-2000)}`));
      resolve(out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
    });
    py.stdin.end(jobs.map((j) => JSON.stringify(j)).join('\n') + '\n');
  });
}

let failed = false;
const t0 = Date.now();
try {
  for (const preset of PRESETS) {
    const { report, configFile } = exportPolicy('litellm', preset, `${fp.url}/v1`);
    const prompts = annotate(preset);
    const withChain = prompts.filter((p) => isExact(report, p) && p.api_fallbacks.length > 0 && p.api_fallbacks[0] !== p.api_model);
    const seen = new Set();
    const fbCases = withChain.filter((p) => (seen.has(p.rule + p.api_model) ? false : seen.add(p.rule + p.api_model)));
    const jobs = prompts.map((p) => ({ id: p.id, text: p.text, model: p.metadata.route_key }))
      .concat(fbCases.map((p) => ({ id: 'fallback:' + p.id, text: p.text, model: p.metadata.route_key, ratelimit: [p.api_model] })));
    const results = await runRouter(configFile, jobs);
    const byId = new Map(results.map((r) => [r.id, r]));
    let exact = 0, exactOk = 0, approx = 0, approxOk = 0;
    const bad = [];
    for (const p of prompts) {
      const r = byId.get(p.id);
      const served = r && !r.error ? r.requested[r.requested.length - 1] : null;
      const ok = served === p.api_model && r.requested.length === 1;
      if (isExact(report, p)) {
        exact++;
        if (ok) exactOk++;
        else bad.push(`${p.id} (${p.rule}): wanted ${p.api_model}, fake provider was asked for ${JSON.stringify(r?.requested)} ${r?.error || ''}`);
      } else {
        approx++;
        if (ok) approxOk++;
      }
    }
    const [e, a, d] = ['exact', 'approximate', 'dropped'].map((k) => report.rules.filter((r) => r.fidelity.kind === k).length);
    console.log(`litellm ${preset.padEnd(15)} rules ${e} exact/${a} approx/${d} dropped; prompts the report calls exact: ${exactOk}/${exact} served Routeplay's model; other prompts: ${approxOk}/${approx} matched anyway`);
    if (bad.length) {
      failed = true;
      console.log('  MISMATCH ' + bad.slice(0, 5).join('\n  MISMATCH '));
    }
    if (exact === 0) {
      failed = true;
      console.log('  no prompt the report calls exact: nothing was checked');
    }
    let fbOk = 0;
    for (const p of fbCases) {
      const r = byId.get('fallback:' + p.id);
      const want = [p.api_model, p.api_fallbacks[0]];
      if (r && !r.error && JSON.stringify(r.requested) === JSON.stringify(want)) fbOk++;
      else {
        failed = true;
        console.log(`  FALLBACK MISMATCH ${p.id} (${p.rule}): wanted ${JSON.stringify(want)}, fake provider was asked for ${JSON.stringify(r?.requested)} ${r?.error || ''}`);
      }
    }
    console.log(`  429 on the decided model → next in Routeplay's chain: ${fbOk}/${fbCases.length} (one prompt per rule and model)`);
  }
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await fp.close();
}
console.log(`litellm: ${((Date.now() - t0) / 1000).toFixed(1)} s for the runs`);
if (failed) {
  console.log('litellm: FAILED');
  process.exit(1);
}
console.log('litellm: ok');
