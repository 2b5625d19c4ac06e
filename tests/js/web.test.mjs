// The web build (target/js/web, ES module) in headless Chromium: served from 127.0.0.1, loaded
// with `await init()` (which fetches the .wasm), it annotates and routes like the Node build,
// which annotate.test.mjs checks against the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { launch } from "../e2e/browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const web = path.join(root, "target/js/web");
if (!existsSync(path.join(web, "routeplay_js.js"))) {
  throw new Error(`${web} is missing: run scripts/js-module.sh first`);
}
const { Router, preset } = createRequire(import.meta.url)(path.join(root, "target/js/node/routeplay_js.js"));
const records = readFileSync(path.join(root, "public/samples/prompts.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l));

const PAGE = `<!doctype html><meta charset="utf-8"><title>routeplay-js</title>
<script type="module">
  import init, { Router, preset } from "./routeplay_js.js";
  window.run = async (name, prompts) => {
    await init();
    const r = new Router(preset(name));
    return prompts.map((p) => ({ metadata: r.annotate(p.text, p.opts), decision: r.route(p.text, p.opts) }));
  };
  window.broken = async () => {
    await init();
    try { new Router("name = 'x'\\n[[rule]]\\nname = 'r'\\nwhen = 'task =='\\n"); return null; }
    catch (e) { return { message: e.message, diagnostics: e.diagnostics }; }
  };
  document.body.dataset.ready = "true";
</script>`;

function serve() {
  const types = { ".js": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((req, res) => {
    const name = new URL(req.url, "http://x").pathname.slice(1) || "index.html";
    if (name === "index.html") {
      res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
      return;
    }
    const file = path.join(web, path.basename(name));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

test("the web build runs in Chromium and annotates and routes like the Node build", async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForSelector('body[data-ready="true"]', { state: "attached", timeout: 30000 });
    const prompts = records.slice(0, 60).map((r) => ({ text: r.text, opts: r.metadata ? { metadata: r.metadata } : undefined }));
    for (const name of ["balanced", "house-first"]) {
      const got = await page.evaluate(([n, ps]) => window.run(n, ps), [name, prompts]);
      const node = new Router(preset(name));
      assert.equal(got.length, prompts.length);
      prompts.forEach((p, i) => {
        assert.deepStrictEqual(got[i].metadata, node.annotate(p.text, p.opts), `${name} ${records[i].id}: metadata`);
        assert.deepStrictEqual(got[i].decision, node.route(p.text, p.opts), `${name} ${records[i].id}: decision`);
      });
    }
    const b = await page.evaluate(() => window.broken());
    assert.ok(b, "a broken policy threw in the browser");
    const cel = b.diagnostics.find((d) => d.code === "cel-syntax");
    assert.ok(cel, JSON.stringify(b.diagnostics));
    assert.equal(cel.line, 4);
    assert.match(b.message, new RegExp(`policy:4:${cel.column}: error\\[cel-syntax\\]`));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
