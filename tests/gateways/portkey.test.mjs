// Acceptance 1 of issue 10: the real Portkey gateway (npm @portkey-ai/gateway, installed by
// scripts/gateways.sh) routes the 220 sample prompts exactly like Routeplay for every rule the
// export report calls exact, under each preset, with the client sending `routeplay annotate`
// metadata; and a 429 on the decided model makes it serve the next model of Routeplay's chain.
// Everything on 127.0.0.1: the fake provider (tests/fake-provider/server.mjs) answers as every model.
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { startFakeProvider } from '../fake-provider/server.mjs';
import { HERE, PRESETS, KEY, exportPolicy, annotate, isExact, waitForPort, pool } from './common.mjs';

const GATEWAY = path.join(HERE, 'node_modules/@portkey-ai/gateway/build/start-server.js');
if (!fs.existsSync(GATEWAY)) {
  console.error('portkey: gateway not installed; run scripts/gateways.sh');
  process.exit(2);
}
const carries = (process.env.CARRY || 'translate,route').split(',');
const PORT = Number(process.env.PORTKEY_PORT || 18787);
const fp = await startFakeProvider(0);
const gw = spawn(process.execPath, ['--max-http-header-size=1048576', GATEWAY, `--port=${PORT}`, '--headless'], {
  cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
});
let gwLog = '';
gw.stdout.on('data', (d) => (gwLog += d));
gw.stderr.on('data', (d) => (gwLog += d));
const stop = async () => {
  try { process.kill(-gw.pid); } catch {}
  await fp.close();
};
const base = `http://127.0.0.1:${PORT}`;
let failed = false;
try {
  await waitForPort(base + '/');
  const t0 = Date.now();
  // The models the fake provider was asked for, per request id (a header Portkey forwards? no:
  // we run requests one at a time per prompt and read the log between them).
  async function send(config, p) {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-portkey-config': config,
        'x-portkey-metadata': JSON.stringify(p.metadata),
      },
      body: JSON.stringify({ model: 'routeplay-decides', messages: [{ role: 'user', content: p.text }] }),
    });
    const body = await res.json().catch(() => ({}));
    return { status: res.status, model: body.model, body };
  }
  for (const carry of carries) {
    for (const preset of PRESETS) {
      const { config, report } = exportPolicy('portkey', preset, `${fp.url}/v1`, carry);
      const cfg = JSON.stringify(JSON.parse(config)).replaceAll('{{API_KEY}}', KEY);
      const prompts = annotate(preset);
      let exact = 0, exactOk = 0, approx = 0, approxOk = 0;
      const bad = [];
      const served = await pool(prompts, 8, (p) => send(cfg, p));
      prompts.forEach((p, i) => {
        const s = served[i];
        const ok = s.status === 200 && s.model === p.api_model;
        if (isExact(report, p)) {
          exact++;
          if (ok) exactOk++;
          else bad.push(`${p.id} (${p.rule}): wanted ${p.api_model}, gateway served ${s.model ?? s.status + ' ' + JSON.stringify(s.body).slice(0, 200)}`);
        } else {
          approx++;
          if (ok) approxOk++;
        }
      });
      const [e, a, d] = ['exact', 'approximate', 'dropped'].map((k) => report.rules.filter((r) => r.fidelity.kind === k).length);
      console.log(`portkey ${carry.padEnd(9)} ${preset.padEnd(15)} rules ${e} exact/${a} approx/${d} dropped; prompts the report calls exact: ${exactOk}/${exact} served Routeplay's model; other prompts: ${approxOk}/${approx} matched anyway`);
      if (bad.length) {
        failed = true;
        console.log('  MISMATCH ' + bad.slice(0, 5).join('\n  MISMATCH '));
      }
      if (exact === 0) {
        failed = true;
        console.log('  no prompt the report calls exact: nothing was checked');
      }
      // 429 on the decided model → the next model of Routeplay's chain.
      const withChain = prompts.filter((p) => isExact(report, p) && p.api_fallbacks.length > 0 && p.api_fallbacks[0] !== p.api_model);
      const seen = new Set();
      const cases = withChain.filter((p) => (seen.has(p.rule + p.api_model) ? false : seen.add(p.rule + p.api_model)));
      let fbOk = 0;
      for (const p of cases) {
        await fetch(`${fp.url}/__ratelimit`, { method: 'POST', body: JSON.stringify({ models: [p.api_model] }) });
        const s = await send(cfg, p);
        if (s.status === 200 && s.model === p.api_fallbacks[0]) fbOk++;
        else {
          failed = true;
          console.log(`  FALLBACK MISMATCH ${p.id} (${p.rule}): ${p.api_model} answered 429, wanted ${p.api_fallbacks[0]}, gateway served ${s.model ?? s.status}`);
        }
      }
      await fetch(`${fp.url}/__ratelimit`, { method: 'POST', body: JSON.stringify({ models: [] }) });
      console.log(`  429 on the decided model → next in Routeplay's chain: ${fbOk}/${cases.length} (one prompt per rule and model)`);
    }
  }
  console.log(`portkey: ${((Date.now() - t0) / 1000).toFixed(1)} s for the runs`);
} catch (e) {
  failed = true;
  console.error(e);
  console.error(gwLog.slice(-2000));
} finally {
  await stop();
}
if (failed) {
  console.log('portkey: FAILED');
  process.exit(1);
}
console.log('portkey: ok');
