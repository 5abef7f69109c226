// Fails when modules import each other in a circle (type-only imports aside, they vanish at run time):
// a cycle makes load order matter and hides a layer that should be split. Run by `npm run lint`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['contract', 'companion', 'plugin', 'bench', 'scripts', 'test'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'fixtures' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (/\.(ts|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Relative imports that load code: `import x from`, `import {a}`, `export ... from`, `import('...')`; not `import type`. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/^\s*(import|export)\s+(?!type\s)([^'"]*?)\s*from\s*['"](\.[^'"]+)['"]/gm)) {
    // `import { type A, type B } from` loads nothing either.
    const names = m[2]!.replace(/^\{|\}$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
    if (m[2]!.startsWith('{') && names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    out.push(m[3]!);
  }
  for (const m of code.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of code.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

const all = DIRS.flatMap((d) => (existsSync(join(ROOT, d)) && statSync(join(ROOT, d)).isDirectory() ? files(join(ROOT, d)) : []));
const graph = new Map<string, string[]>();
for (const f of all) {
  const deps = importsOf(readFileSync(f, 'utf8')).map((s) => resolve(dirname(f), s)).filter((p) => existsSync(p));
  graph.set(f, deps);
}

// Tarjan's strongly connected components: every component with more than one module (or a self-import) is a cycle.
let index = 0;
const idx = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const cycles: string[][] = [];
function visit(v: string): void {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
  }
  if (low.get(v) === idx.get(v)) {
    const comp: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp);
  }
}
for (const v of graph.keys()) if (!idx.has(v)) visit(v);

if (cycles.length) {
  console.error(`circular imports (${cycles.length}):`);
  for (const c of cycles) console.error(`  ${c.map((f) => relative(ROOT, f)).sort().join(' <-> ')}`);
  process.exit(1);
}
console.log(`no circular imports among ${graph.size} modules`);
