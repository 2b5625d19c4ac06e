// Where the wasm bytes go, by crate: reads a wasm module's name section and its code section
// and sums each function body's size under the crate that owns it. Used by `./x bench`
// (scripts/bench-web.mjs); also runs alone: `node scripts/wasm-crates.mjs file.wasm`.
//
// The module must keep its names (the shipped one has none): `./x bench` runs wasm-bindgen and
// `wasm-opt -Oz -g` (Trunk's optimisation, names kept) on cargo's release output, so the
// figures are those of the shipped code. A function belongs to the first crate its demangled
// name mentions that is not the standard library (`<alloc::vec::Vec<cel::Value> as
// core::clone::Clone>::clone` is `cel`'s: generic std code instantiated for a crate's types
// counts for that crate); a name that mentions only `core`/`alloc`/`std` is the standard
// library's; a name without a path (wasm-bindgen glue, memcpy, the allocator) is "runtime".
import fs from 'node:fs';

const STD = new Set(['core', 'alloc', 'std', 'compiler_builtins', 'dlmalloc', 'panic_abort', 'hashbrown']);

function leb(buf, pos) {
  let result = 0; let shift = 0; let b;
  do { b = buf[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [result, pos];
}

function readName(buf, pos) {
  const [len, p] = leb(buf, pos);
  return [buf.toString('utf8', p, p + len), p + len];
}

/** Demangles a legacy Rust symbol (`_ZN4core3fmt5write17h…E`) to `core::fmt::write`. */
function demangle(name) {
  if (!name.startsWith('_ZN')) return name;
  const parts = [];
  let i = 3;
  while (i < name.length && name[i] !== 'E') {
    let j = i;
    while (/[0-9]/.test(name[j])) j++;
    const n = Number(name.slice(i, j));
    if (!n) break;
    parts.push(name.slice(j, j + n));
    i = j + n;
  }
  if (parts.length && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
  return parts.join('::').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ')
    .replace(/\$C\$/g, ',').replace(/\.\./g, '::').replace(/\$RF\$/g, '&').replace(/\$BP\$/g, '*');
}

/** The crate that owns a (demangled) function name. */
export function crateOf(name) {
  // The first segment of every path in the name (`core` in `core::ptr::drop_in_place<…>`).
  const crates = [...name.matchAll(/(?<![A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)::/g)].map((m) => m[1]);
  if (crates.length === 0) return 'runtime (glue, memcpy, allocator)';
  const own = crates.find((c) => !STD.has(c) && !/^[A-Z]/.test(c) && c !== 'impl' && c !== 'dyn');
  return own ?? 'std (core/alloc)';
}

/** Parses a wasm module: { total, sections: {name: bytes}, functions: [{name, size}] }. */
export function analyse(buf) {
  let pos = 8;
  const sections = {};
  const bodies = [];
  let imports = 0;
  const names = new Map();
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, p] = leb(buf, pos + 1);
    const start = p;
    const end = p + size;
    let label = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'][id] ?? `section ${id}`;
    if (id === 0) {
      const [name, q] = readName(buf, start);
      label = `custom: ${name}`;
      if (name === 'name') {
        let r = q;
        while (r < end) {
          const sub = buf[r];
          const [len, s] = leb(buf, r + 1);
          if (sub === 1) {
            let [count, t] = leb(buf, s);
            for (let k = 0; k < count; k++) {
              let idx; let nm;
              [idx, t] = leb(buf, t);
              [nm, t] = readName(buf, t);
              names.set(idx, demangle(nm));
            }
          }
          r = s + len;
        }
      }
    } else if (id === 2) {
      let [count, t] = leb(buf, start);
      for (let k = 0; k < count; k++) {
        let s; [, t] = readName(buf, t); [, t] = readName(buf, t);
        const kind = buf[t++];
        if (kind === 0) { [, t] = leb(buf, t); imports++; }
        else if (kind === 1) { t++; const f = buf[t++]; [, t] = leb(buf, t); if (f & 1) [, t] = leb(buf, t); }
        else if (kind === 2) { const f = buf[t++]; [, t] = leb(buf, t); if (f & 1) [, t] = leb(buf, t); }
        else if (kind === 3) { t += 2; }
        else if (kind === 4) { t++; [s, t] = leb(buf, t); }
      }
    } else if (id === 10) {
      let [count, t] = leb(buf, start);
      for (let k = 0; k < count; k++) {
        const [len, s] = leb(buf, t);
        bodies.push(s + len - t);
        t = s + len;
      }
    }
    sections[label] = (sections[label] ?? 0) + (end - pos);
    pos = end;
  }
  const functions = bodies.map((size, k) => ({ name: names.get(imports + k) ?? `func ${imports + k}`, size }));
  return { total: buf.length, sections, functions, named: names.size > 0 };
}

/** Code bytes per crate, largest first: [[crate, bytes, functions]]. */
export function byCrate(functions) {
  const m = new Map();
  for (const f of functions) {
    const c = crateOf(f.name);
    const e = m.get(c) ?? [0, 0];
    e[0] += f.size; e[1] += 1;
    m.set(c, e);
  }
  return [...m.entries()].map(([c, [b, n]]) => [c, b, n]).sort((a, b) => b[1] - a[1]);
}

/** Prints the table for `file` (a wasm module with a name section). */
export function report(file, { top = 18 } = {}) {
  const a = analyse(fs.readFileSync(file));
  const kb = (n) => `${(n / 1024).toFixed(1).padStart(8)} KB`;
  console.log(`wasm by crate (${file}: ${kb(a.total).trim()} with names; code ${kb(a.sections.code ?? 0).trim()}, data ${kb(a.sections.data ?? 0).trim()})`);
  if (!a.named) { console.log('  (no name section: cannot attribute)'); return a; }
  const rows = byCrate(a.functions);
  const code = a.sections.code ?? 1;
  for (const [c, b, n] of rows.slice(0, top)) {
    console.log(`  ${c.padEnd(36)} ${kb(b)}  ${(100 * b / code).toFixed(1).padStart(5)}% of code  (${n} functions)`);
  }
  const rest = rows.slice(top);
  if (rest.length) console.log(`  ${`${rest.length} more crates`.padEnd(36)} ${kb(rest.reduce((s, r) => s + r[1], 0))}`);
  console.log(`  ${'data segments (constants, strings)'.padEnd(36)} ${kb(a.sections.data ?? 0)}`);
  return a;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  for (const f of process.argv.slice(2)) report(f);
}
