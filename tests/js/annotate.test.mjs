// The JavaScript module (crates/routeplay-js, built by scripts/js-module.sh into target/js/node)
// against the CLI: for every preset, annotate and route each prompt of the sample set and compare
// with `routeplay annotate --policy P public/samples/prompts.jsonl --with-decision`, prompt by
// prompt. Run: scripts/js-module.sh && node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const modPath = path.join(root, "target/js/node/routeplay_js.js");
if (!existsSync(modPath)) {
  throw new Error(`${modPath} is missing: run scripts/js-module.sh first`);
}
const { Router, presetNames, preset } = createRequire(import.meta.url)(modPath);

const PRESETS = ["cost-saver", "quality-first", "latency-first", "balanced", "task-specialist", "house-first", "bedrock-prompt-router", "azure-router-balanced", "azure-router-quality", "azure-router-cost"];
const SAMPLES = path.join(root, "public/samples/prompts.jsonl");
const records = readFileSync(SAMPLES, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l));

// The CLI as cargo builds it (a no-op when it is fresh, as after `cargo test --workspace`).
execFileSync("cargo", ["build", "-q", "-p", "routeplay-cli"], { cwd: root, stdio: "inherit" });
const cli = path.join(root, "target/debug/routeplay");

function cliLines(policyFile, prompts = SAMPLES) {
  const out = execFileSync(cli, ["annotate", "--policy", policyFile, prompts, "--with-decision"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

test("the module ships the ten presets, identical to public/policies", () => {
  assert.deepEqual(presetNames(), PRESETS);
  for (const p of PRESETS) {
    assert.equal(preset(p), readFileSync(path.join(root, `public/policies/${p}.toml`), "utf8"));
  }
});

for (const p of PRESETS) {
  test(`${p}: annotate and route match \`routeplay annotate --with-decision\` for all 220 sample prompts`, (t) => {
    const file = path.join(root, `public/policies/${p}.toml`);
    const router = new Router(readFileSync(file, "utf8"));
    const expected = cliLines(file);
    assert.equal(records.length, 220);
    assert.equal(expected.length, records.length, "the CLI printed one line per prompt");
    let annotated = 0;
    let routed = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const want = expected[i];
      assert.equal(want.id, r.id, `line ${i + 1}: same prompt on both sides`);
      const opts = r.metadata ? { metadata: r.metadata } : undefined;
      const meta = router.annotate(r.text, opts);
      assert.deepStrictEqual(meta, want.metadata, `${p} ${r.id}: metadata`);
      annotated++;
      const d = router.route(r.text, opts);
      for (const k of ["model", "api_model", "fallbacks", "api_fallbacks", "rule", "rule_index"]) {
        assert.deepStrictEqual(d[k], want[k], `${p} ${r.id}: ${k}`);
      }
      assert.equal(d.policy, p);
      assert.equal(d.trace.length, router.route(r.text, opts).trace.length);
      assert.ok(d.trace.some((tr) => tr.outcome === "chosen") === (d.model !== null), `${p} ${r.id}: trace`);
      routed++;
    }
    t.diagnostic(`${p}: metadata matched ${annotated}/${records.length}, decisions matched ${routed}/${records.length}`);
    router.free();
  });
}

test("messages: the last user message is what is annotated and routed", () => {
  const router = new Router(preset("balanced"));
  for (const r of records.slice(0, 30)) {
    const opts = r.metadata ? { metadata: r.metadata } : undefined;
    const conversation = {
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "Tell me a joke about databases." },
        { role: "assistant", content: "SELECT * FROM jokes;" },
        { role: "user", content: [{ type: "text", text: r.text }] },
      ],
    };
    assert.deepStrictEqual(router.annotate(conversation, opts), router.annotate(r.text, opts), r.id);
    assert.deepStrictEqual(router.route(conversation, opts), router.route(r.text, opts), r.id);
  }
  assert.throws(() => router.annotate({ messages: [{ role: "system", content: "x" }] }), /no user message/);
  assert.throws(() => router.annotate(42), /a prompt is a string or \{messages/);
  assert.throws(() => router.annotate("hi", { metadata: [1] }), /options.metadata must be a plain object/);
});

test("an explicit catalog and classifier give the shipped results", () => {
  const catalog = readFileSync(path.join(root, "public/catalog.json"), "utf8");
  const model = new Uint8Array(readFileSync(path.join(root, "public/model/task-classifier.bin")));
  const a = new Router(preset("cost-saver"));
  const b = new Router(preset("cost-saver"), catalog, model);
  for (const r of records.slice(0, 40)) {
    assert.deepStrictEqual(b.annotate(r.text), a.annotate(r.text), r.id);
  }
  assert.throws(() => new Router(preset("cost-saver"), "{not json"), /routeplay: catalog/);
  assert.throws(() => new Router(preset("cost-saver"), undefined, new Uint8Array([1, 2, 3])), /classifier model/);
});

test("a broken policy throws with line:column diagnostics", () => {
  const broken = [
    'name = "broken"',
    "",
    "[[rule]]",
    'name = "bad condition"',
    "when = 'task == '",
    'model = "no-such-model"',
    "",
  ].join("\n");
  let caught;
  try {
    new Router(broken);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, "the constructor threw an Error");
  assert.match(caught.message, /policy:5:\d+: error\[/);
  assert.ok(Array.isArray(caught.diagnostics) && caught.diagnostics.length > 0);
  const first = caught.diagnostics.find((d) => d.severity === "error");
  assert.equal(first.line, 5);
  assert.ok(first.column >= 1);
  assert.match(caught.message, new RegExp(`policy:${first.line}:${first.column}: error\\[${first.code}\\]`));
});

test("the web build (ES module, initSync) annotates and routes like the Node build", async () => {
  const { mkdtempSync, copyFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { pathToFileURL } = await import("node:url");
  const web = path.join(root, "target/js/web");
  // Node 20 reads a .js file as CommonJS outside a "type": "module" package: import a .mjs copy.
  const dir = mkdtempSync(path.join(tmpdir(), "routeplay-web-"));
  try {
    copyFileSync(path.join(web, "routeplay_js.js"), path.join(dir, "routeplay_js.mjs"));
    const mod = await import(pathToFileURL(path.join(dir, "routeplay_js.mjs")).href);
    mod.initSync({ module: readFileSync(path.join(web, "routeplay_js_bg.wasm")) });
    const a = new mod.Router(mod.preset("task-specialist"));
    const b = new Router(preset("task-specialist"));
    for (const r of records.slice(0, 40)) {
      const opts = r.metadata ? { metadata: r.metadata } : undefined;
      assert.deepStrictEqual(a.annotate(r.text, opts), b.annotate(r.text, opts), r.id);
      assert.deepStrictEqual(a.route(r.text, opts), b.route(r.text, opts), r.id);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("numeric, boolean and list request metadata decide as in the CLI", async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const policy = [
    'name = "meta-kinds"',
    "",
    "[metadata]",
    "budget = 0",
    "urgent = false",
    'tags = ["none"]',
    "",
    "[[rule]]",
    'name = "big budget"',
    "when = 'meta.budget >= 10'",
    'objective = "best_quality"',
    "",
    "[[rule]]",
    'name = "urgent"',
    "when = 'meta.urgent'",
    'objective = "fastest"',
    "",
    "[[rule]]",
    'name = "tagged"',
    "when = '\"vip\" in meta.tags'",
    'objective = "best_quality"',
    "fallback_count = 1",
    "",
    "[default]",
    'objective = "cheapest"',
    "",
  ].join("\n");
  const metas = [{}, { budget: 10 }, { budget: 9.5 }, { budget: 12.25 }, { urgent: true }, { tags: ["vip"] }, { tags: ["a", "b"] }, { budget: 3, urgent: true }];
  const rows = metas.map((m, i) => ({ id: `m${i}`, text: records[i].text, metadata: m }));
  const dir = mkdtempSync(path.join(tmpdir(), "routeplay-js-meta-"));
  try {
    const pf = path.join(dir, "p.toml");
    const sf = path.join(dir, "s.jsonl");
    writeFileSync(pf, policy);
    writeFileSync(sf, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const want = cliLines(pf, sf);
    const router = new Router(policy);
    assert.equal(want.length, rows.length);
    const rules = new Set();
    rows.forEach((r, i) => {
      assert.deepStrictEqual(router.annotate(r.text, { metadata: r.metadata }), want[i].metadata, r.id);
      const d = router.route(r.text, { metadata: r.metadata });
      for (const k of ["model", "api_model", "fallbacks", "api_fallbacks", "rule", "rule_index"]) {
        assert.deepStrictEqual(d[k], want[i][k], `${r.id}: ${k}`);
      }
      rules.add(d.rule);
    });
    // The set is built so that every rule chooses at least once: the comparison covers each kind.
    assert.deepEqual([...rules].sort(), ["big budget", "default", "tagged", "urgent"].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
