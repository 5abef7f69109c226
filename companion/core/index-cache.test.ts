import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SettingKey } from '../../contract/index.ts';
import { Vault } from './vault.ts';
import { VaultIndex } from './vault-index.ts';
import { INDEX_CACHE_FILE, jsonExact, readIndexCache, cacheKey } from './index-cache.ts';
import { ParallelStats } from './index-threads.ts';
import { makeTestContext } from '../../test/support/context.ts';

const cp = (name: string, email: string) => `---\naios_kind: counterparty\nname: ${name}\nemails:\n  - ${email}\ndomains:\n  - ${email.split('@')[1]}\n---\n# ${name}\n`;
const mail = (i: number, status = 'new') =>
  `---\naios_kind: mail_message\nsubject: "Re: счёт ${i}"\nfrom: person${i}@company${i}.example\nto:\n  - anna@kestrel.example\ncc: []\ndate: 2026-11-0${1 + (i % 9)}T09:14:00\n` +
  `message_id: "<${i}@company${i}.example>"\nthread_key: "<${i}@company${i}.example>"\nsource: imap\nuid: ${i}\nbody_hash: "h${i}"\nstatus: ${status}\n---\nBody ${i}\n`;

const NOTES: Record<string, string> = {
  'Counterparties/Acme.md': cp('Acme', 'billing@acme.example'),
  'Counterparties/Bumaga.md': cp('Bumaga', 'sales@bumaga.example'),
  'Clients/Nordlicht.md': cp('Nordlicht', 'info@nordlicht.example'),
  'Contracts/Acme - Supply.md': '---\naios_kind: contract\ntitle: Supply\ncounterparty: "[[Acme]]"\nstart: 2026-01-01\namount: 1200.50\ncurrency: EUR\n---\n',
  'Mail/2026/11/one.md': mail(1),
  'Mail/2026/11/two.md': mail(2),
  'Mail/2026/11/three.md': mail(3, 'done'),
  // Through the yaml package: a nested map and a flow list.
  'Mail/2026/11/nested.md': mail(4).replace('cc: []', 'cc: [x@y.example]\nextra:\n  deep: 1'),
  'Notes/Plain.md': '# Just a note\n',
  'Notes/Owner props.md': '---\ntitle: mine\ntags:\n  - x\n---\nbody\n',
  'Notes/Conflict.md': `${cp('Acme', 'billing@acme.example').replace('---\n#', 'aios_conflict_of: "[[Acme]]"\n---\n#')}`,
  'Notes/Broken.md': '---\naios_kind: counterparty\nname: [unclosed\n---\n',
  'Notes/Invalid.md': '---\naios_kind: contract\ntitle: No counterparty\n---\n',
  'Notes/Unknown kind.md': '---\naios_kind: spaceship\n---\n',
  'Mail/misplaced.md': cp('Mailed', 'x@mailed.example'),
  'Templates/Counterparty.md': '---\naios_kind: counterparty\nname:\n---\n',
  'Mail/2026/11/.aios-tmp-zz.zzzzzzzzzz-abc-one.md': 'leftover',
};

interface Fixture {
  root: string;
  cacheFile: string;
  write(rel: string, text: string): void;
  cleanup(): void;
}

function fixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'aios-cache-vault-'));
  const state = mkdtempSync(join(tmpdir(), 'aios-cache-state-'));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  for (const [rel, text] of Object.entries(NOTES)) write(rel, text);
  return { root, cacheFile: join(state, INDEX_CACHE_FILE), write, cleanup: () => [root, state].forEach((d) => rmSync(d, { recursive: true, force: true })) };
}

type Settings = Partial<Record<SettingKey, string>>;
const vaultOf = (root: string, settings: Settings = {}) => new Vault(root, (k) => settings[k] ?? '');
// The notes were written a moment ago: a clock a minute ahead lets their stat vouch for them.
const later = () => Date.now() + 60_000;

function cached(f: Fixture, settings: Settings = {}): VaultIndex {
  return new VaultIndex(vaultOf(f.root, settings), { cacheFile: f.cacheFile, now: later }).build();
}

/** Everything the index answers, in a form to compare. */
function snapshot(i: VaultIndex): unknown {
  const paths = i.paths().sort();
  return {
    paths,
    entries: paths.map((p) => i.get(p)),
    errors: i.errors(),
    unreadable: i.unreadable().sort((a, b) => a.path.localeCompare(b.path)),
    temps: [...i.leftoverTemps].sort(),
    byKind: (['counterparty', 'contract', 'mail_message'] as const).map((k) => i.byKind(k).map((e) => e.path).sort()),
    cp: i.findCounterparty({ email: 'billing@acme.example' })?.path,
  };
}

function assertSameAsCold(f: Fixture, warm: VaultIndex, settings: Settings = {}): void {
  const cold = new VaultIndex(vaultOf(f.root, settings)).build();
  assert.deepEqual(snapshot(warm), snapshot(cold));
}

test('a cached start gives what a cold build gives, reading only what it cannot vouch for', (t) => {
  const f = fixture();
  t.after(() => f.cleanup());
  const first = cached(f);
  assert.equal(first.lastBuild.cache, 'none');
  assert.equal(first.lastBuild.wrote, true);
  assertSameAsCold(f, first);
  // Notes that failed (outside their kind's folder, broken, invalid, of no known kind) are read every time.
  assert.deepEqual(first.errors().map((e) => e.path), ['Clients/Nordlicht.md', 'Mail/misplaced.md', 'Notes/Broken.md', 'Notes/Invalid.md', 'Notes/Unknown kind.md']);

  const warm = cached(f);
  assert.equal(warm.lastBuild.cache, 'file');
  assert.equal(warm.lastBuild.read, 5);
  assert.equal(warm.lastBuild.reused, warm.lastBuild.notes - 5);
  assertSameAsCold(f, warm);
  assert.equal(warm.get('Counterparties/Acme.md')?.frontmatter.name, 'Acme');
  assert.deepEqual(warm.get('Mail/2026/11/nested.md')?.frontmatter.extra, { deep: 1 });
  assert.equal(warm.unreadable().find((u) => u.path === 'Notes/Broken.md')?.head, NOTES['Notes/Broken.md']);
});

test('added, changed, renamed and deleted notes are seen, even a change of the same size and modification time', (t) => {
  const f = fixture();
  t.after(() => f.cleanup());
  // A whole second, which utimes can set back exactly.
  const acme = join(f.root, 'Counterparties/Acme.md');
  const second = Math.floor(Date.now() / 1000) - 3600;
  utimesSync(acme, second, second);
  cached(f);
  f.write('Counterparties/Added.md', cp('Added', 'new@added.example'));
  // Same size, and the modification time set back to what it was: only the change time tells.
  const before = statSync(acme);
  writeFileSync(acme, cp('Acme', 'billing@acmf.example'));
  utimesSync(acme, second, second);
  assert.equal(statSync(acme).size, before.size);
  assert.equal(statSync(acme).mtimeMs, before.mtimeMs);
  renameSync(join(f.root, 'Mail/2026/11/two.md'), join(f.root, 'Mail/2026/11/renamed.md'));
  unlinkSync(join(f.root, 'Counterparties/Bumaga.md'));
  f.write('Notes/Broken.md', cp('Fixed', 'fixed@fixed.example'));
  const warm = cached(f);
  assertSameAsCold(f, warm);
  assert.equal(warm.findCounterparty({ email: 'billing@acmf.example' })?.path, 'Counterparties/Acme.md');
  assert.equal(warm.findCounterparty({ email: 'billing@acme.example' }), undefined);
  assert.equal(warm.get('Mail/2026/11/two.md'), undefined);
  assert.equal(warm.get('Mail/2026/11/renamed.md')?.frontmatter.uid, 2);
  assert.equal(warm.get('Counterparties/Bumaga.md'), undefined);
  // Added, Acme, renamed, Notes/Broken (now a counterparty outside its folder), and the four that failed before.
  assert.equal(warm.lastBuild.read, 8);
});

test('a changed folder setting moves notes in and out of their kind without a rebuild', (t) => {
  const f = fixture();
  t.after(() => f.cleanup());
  cached(f);
  const moved: Settings = { folder_counterparties: 'Clients' };
  const warm = cached(f, moved);
  assert.equal(warm.lastBuild.cache, 'file');
  assertSameAsCold(f, warm, moved);
  assert.equal(warm.get('Clients/Nordlicht.md')?.kind, 'counterparty');
  assert.equal(warm.get('Counterparties/Acme.md'), undefined);
  assert.match(warm.errors().find((e) => e.path === 'Counterparties/Acme.md')?.errors[0]?.message ?? '', /read only from Clients\//);
  // And back, in the same process (the records of the last build) and from the file.
  const idx = new VaultIndex(vaultOf(f.root, moved), { cacheFile: f.cacheFile, now: later }).build();
  assertSameAsCold(f, idx, moved);
  assert.equal(idx.build().lastBuild.cache, 'memory');
  assertSameAsCold(f, idx, moved);
  assertSameAsCold(f, cached(f));
  // The templates folder is not indexed, whatever the cache holds.
  assertSameAsCold(f, cached(f, { templates_folder: 'Notes' }), { templates_folder: 'Notes' });
});

test('a damaged, foreign or outdated cache file costs a full build, never a wrong entry', (t) => {
  const f = fixture();
  t.after(() => f.cleanup());
  cached(f);
  const good = readFileSync(f.cacheFile, 'utf8');
  const damages = [
    good.replace('billing@acme.example', 'billing@evil.example'), // still valid JSON: only the checksum tells
    good.slice(0, Math.floor(good.length / 2)),
    good.slice(0, good.lastIndexOf('\n', good.length - 2) + 1), // no trailer
    good + good.slice(good.indexOf('\n') + 1), // records after the trailer
    good.replace(/"key":"[0-9a-f]+"/, '"key":"0000"'),
    good.replace(/"root":"[^"]+"/, '"root":"/elsewhere"'),
    'not json\n',
    '',
  ];
  for (const damaged of damages) {
    writeFileSync(f.cacheFile, damaged);
    const warm = cached(f);
    assert.equal(warm.lastBuild.cache, 'none', JSON.stringify(damaged.slice(0, 80)));
    assert.equal(warm.lastBuild.reused, 0);
    assertSameAsCold(f, warm);
    assert.equal(warm.findCounterparty({ email: 'billing@evil.example' }), undefined);
    // It was written again, whole.
    assert.ok(readIndexCache(f.cacheFile, cacheKey()!, vaultOf(f.root).root));
  }
});

test('notes written just before a build are read again at the next one', (t) => {
  const f = fixture();
  t.after(() => f.cleanup());
  // With the real clock the notes are seconds old: a write in the same tick could keep their stat.
  const first = new VaultIndex(vaultOf(f.root), { cacheFile: f.cacheFile }).build();
  assert.equal(first.lastBuild.wrote, false);
  const second = new VaultIndex(vaultOf(f.root), { cacheFile: f.cacheFile }).build();
  assert.equal(second.lastBuild.reused, 0);
  assertSameAsCold(f, second);
});

test('only values a JSON round trip keeps exactly are cached', () => {
  for (const v of [{ a: 'x', b: [1, 2.5, null, true], c: { d: '' } }, [], {}]) assert.equal(jsonExact(v), true);
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = [deep];
  const lossy: unknown[] = [{ a: -0 }, { a: NaN }, { a: Infinity }, { a: undefined }, [1, , 3], { a: new Date(0) }, { a: new Map() }, Object.create(null), JSON.parse('{"__proto__":1}'), { deep }];
  lossy.forEach((v, i) => assert.equal(jsonExact(v), false, `case ${i}`));
});

test('stats taken by the helper thread are the stats of the files', (t) => {
  const f = fixture();
  t.after(() => f.cleanup());
  const rels = [...Object.keys(NOTES).filter((r) => r.endsWith('.md')), 'Notes/gone.md'];
  for (let i = 0; i < 2000; i++) rels.push(rels[i % 5]!);
  const table = new ParallelStats(f.root, rels, 0).take();
  rels.forEach((rel, i) => {
    const st = statSync(join(f.root, rel), { throwIfNoEntry: false });
    if (!st) return assert.equal(table[i * 4], -1, rel);
    assert.deepEqual([...table.subarray(i * 4, i * 4 + 4)], [st.size, st.mtimeMs, st.ctimeMs, st.ino], rel);
  });
});

test('a cached entry reads like a plain one, and its properties are parsed once', (t) => {
  const f = fixture();
  t.after(() => f.cleanup());
  cached(f);
  const warm = cached(f);
  const cold = new VaultIndex(vaultOf(f.root)).build();
  const lazy = warm.get('Mail/2026/11/one.md')!;
  const plain = cold.get('Mail/2026/11/one.md')!;
  assert.deepStrictEqual(Object.keys(lazy), ['path', 'kind', 'name', 'frontmatter']);
  assert.equal(JSON.stringify(lazy), JSON.stringify(plain));
  assert.deepStrictEqual({ ...lazy }, { ...plain });
  assert.deepStrictEqual(structuredClone(lazy), structuredClone(plain));
  assert.equal(lazy.frontmatter, lazy.frontmatter);
  assert.equal(lazy.frontmatter.subject, 'Re: счёт 1');
  lazy.frontmatter = { replaced: true };
  assert.deepStrictEqual(lazy.frontmatter, { replaced: true });
  assert.deepStrictEqual(Object.getOwnPropertyNames(lazy), ['path', 'kind', 'name', 'frontmatter']);
});

test('the runtime keeps its index cache in the state folder', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  assert.equal(tc.index.lastBuild.cache, 'none');
  assert.ok(tc.index.lastBuild.notes > 0);
  // The template's notes were written a moment ago: nothing can be vouched for yet, so nothing is written.
  assert.equal(tc.index.lastBuild.wrote, false);
  assert.equal(readIndexCache(join(tc.stateDir, INDEX_CACHE_FILE), cacheKey()!, tc.vault.root), undefined);
});
