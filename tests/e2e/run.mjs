// Serves the release dist/ on 127.0.0.1 and runs every tests/e2e/*.test.mjs against it in
// headless Chromium (node:test). Build dist/ first: `./x test` does.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dist = process.env.ROUTEPLAY_DIST ? path.resolve(process.env.ROUTEPLAY_DIST) : path.join(root, 'dist');
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('dist/index.html is missing: run `./x build` (or `./x test`) first');
  process.exit(2);
}
// Serve under a sub-path, as a docs site would, to prove relative asset paths work.
const mount = path.join(root, 'target', 'e2e-site');
fs.rmSync(mount, { recursive: true, force: true });
fs.mkdirSync(path.join(mount, 'demo'), { recursive: true });
fs.cpSync(dist, path.join(mount, 'demo', 'routeplay'), { recursive: true });

const server = await serveDir(mount);
const url = `${server.url}demo/routeplay/`;
console.log(`serving dist/ at ${url}`);

const only = process.argv.slice(2);
const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort()
  .map((f) => path.join(here, f));

const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, ROUTEPLAY_URL: url, ROUTEPLAY_SITE_ROOT: server.url },
});
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
await server.close();
process.exit(code);
