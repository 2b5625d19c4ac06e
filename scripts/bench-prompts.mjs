// Writes the 10,000-prompt set `./x bench` times `routeplay simulate` on (JSONL {"id","text"}),
// deterministically. Real prompts when the shared datasets are there (ROUTEPLAY_DATASETS, else
// ../shared/datasets next to the repository): one line from each file in turn, in file order;
// otherwise the project's own prompt sets (data/, public/samples/), cycled, each repeat made
// distinct. Never required: the fallback always works.
// Usage: node scripts/bench-prompts.mjs OUT [N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [out, nArg] = process.argv.slice(2);
const N = Number(nArg ?? 10000);
const texts = (file) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => { try { return JSON.parse(l).text; } catch { return null; } })
  .filter((t) => typeof t === 'string' && t.trim());

const shared = path.resolve(process.env.ROUTEPLAY_DATASETS ?? path.join(root, '../shared/datasets'));
let prompts = [];
let source;
if (fs.existsSync(shared)) {
  const files = fs.readdirSync(shared).filter((f) => f.endsWith('.jsonl')).sort().map((f) => texts(path.join(shared, f)));
  for (let i = 0; prompts.length < N && files.some((f) => i < f.length); i++) {
    for (const f of files) if (i < f.length && prompts.length < N) prompts.push(f[i]);
  }
  source = `real prompts from ${shared} (${files.length} files, one line of each in turn)`;
}
if (prompts.length < N) {
  const own = ['data/train/routeplay-own.jsonl', 'data/train/routeplay-briefs.jsonl', 'data/eval/routeplay-eval.jsonl', 'public/samples/prompts.jsonl']
    .flatMap((f) => texts(path.join(root, f)));
  const base = prompts.length;
  for (let i = 0; prompts.length < N; i++) prompts.push(i < own.length ? own[i] : `${own[i % own.length]} (variant ${i})`);
  source = base ? `${source} + ${N - base} project prompts` : 'the project\'s prompt sets (data/, public/samples/), cycled';
}
fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
fs.writeFileSync(out, prompts.map((t, i) => JSON.stringify({ id: `b${i + 1}`, text: t })).join('\n') + '\n');
const mean = prompts.reduce((s, t) => s + [...t].length, 0) / prompts.length;
console.log(`${out}: ${prompts.length} prompts, mean ${mean.toFixed(0)} characters; ${source}`);
