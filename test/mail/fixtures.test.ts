// Every shared mail fixture through the import folder: a note or a clear reason, and for the stalwart
// rfc/ and thirdparty/ messages the note agrees with the shipped parse (.json). Nothing leaves the vault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { MAIL_IMPORTERS } from '../../companion/mail/index.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';
import { linkTarget } from '../../contract/index.ts';
import { allFiles, mailNotes, readMail } from './helpers.ts';
import { assertInert } from './inert.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/mail');

interface StalwartHeader { name: string; value: Record<string, unknown> }
interface StalwartPart { headers: StalwartHeader[]; body: Record<string, unknown> }
interface StalwartMail { text_body: number[]; attachments: number[]; parts: StalwartPart[] }

const header = (p: StalwartPart, name: string) => p.headers.find((h) => h.name === name)?.value;

function firstAddress(v: Record<string, unknown> | undefined): string | undefined {
  const a = v?.Address as Record<string, unknown> | undefined;
  if (!a) return undefined;
  const list = (a.List as { address?: string }[] | undefined) ?? (a.Group as { addresses: { address?: string }[] }[] | undefined)?.flatMap((g) => g.addresses);
  return list?.find((x) => x.address)?.address?.toLowerCase();
}

const MSK = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** The shipped date as a Moscow local datetime (the test vault's zone, with its historic offsets). */
function moscow(v: Record<string, unknown> | undefined): string | undefined {
  const d = v?.DateTime as { year: number; month: number; day: number; hour: number; minute: number; second: number; tz_before_gmt: boolean; tz_hour: number; tz_minute: number } | undefined;
  if (!d) return undefined;
  const offset = (d.tz_before_gmt ? -1 : 1) * (d.tz_hour * 60 + d.tz_minute);
  const utc = Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second) - offset * 60_000;
  const p = Object.fromEntries(MSK.formatToParts(new Date(utc)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

function attachmentName(p: StalwartPart): string | undefined {
  for (const h of ['content_disposition', 'content_type']) {
    const ct = header(p, h)?.ContentType as { attributes?: { name: string; value: string }[] | null } | undefined;
    const n = ct?.attributes?.find((a) => a.name === 'filename' || a.name === 'name')?.value;
    if (n) return n;
  }
  return undefined;
}

const letters = (s: string) => s.normalize('NFC').replace(/&[a-z]+;|&#\d+;/gi, '').replace(/<[^>]*>/g, '').replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();

test('every shared .eml ingests: a note or a quarantine report with a reason; stalwart notes agree with the shipped parse', async () => {
  const root = mkdtempSync(join(tmpdir(), 'aios-fixtures-'));
  const vaultDir = join(root, 'vault');
  const stateDir = join(root, 'state');
  mkdirSync(vaultDir);
  mkdirSync(stateDir);
  const t = makeTestContext({ vaultDir, stateDir, settings: { import_stable_seconds: 0 } });
  const emls: string[] = [];
  for (const set of readdirSync(FIXTURES)) {
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.eml')) emls.push(join(dir, e.name));
      }
    };
    walk(join(FIXTURES, set));
  }
  assert.ok(emls.length >= 60, `${emls.length} fixtures`);
  let compared = 0;
  const mismatches: string[] = [];
  try {
    for (const src of emls.sort()) {
      const rel = src.slice(FIXTURES.length + 1);
      const name = rel.replace(/\//g, '_');
      const before = new Set(mailNotes(vaultDir));
      copyFileSync(src, join(vaultDir, 'Import', name));
      const sum = await t.ctx.importFiles(MAIL_IMPORTERS);
      const created = mailNotes(vaultDir).filter((n) => !before.has(n));
      if (sum.quarantined) {
        const reports = allFiles(vaultDir).filter((f) => f.startsWith('Import/Quarantine/') && f.includes(name) && f.endsWith('report.md'));
        assert.equal(reports.length, 1, `${rel}: quarantined without a report`);
        assert.match(readFileSync(join(vaultDir, reports[0]!), 'utf8'), /reason: .+/, `${rel}: report without a reason`);
        continue;
      }
      assert.equal(sum.imported, 1, `${rel}: neither imported nor quarantined`);
      if (created.length === 0) continue; // the same message as an earlier fixture
      const note = readMail(vaultDir, created[0]!);
      const { frontmatter: fm, body } = parseNote(note);
      assertInert(body.slice(body.indexOf('\n---\n')), rel);

      const m = /^stalwart\/(rfc|thirdparty)\/(\d+)\.eml$/.exec(rel);
      if (!m) continue;
      const json = JSON.parse(readFileSync(src.replace(/\.eml$/, '.json'), 'utf8')) as StalwartMail;
      const top = json.parts[0]!;
      const subject = (header(top, 'subject')?.Text as string | undefined)?.replace(/\s+/g, ' ').trim();
      if (subject !== undefined && fm.subject !== subject) mismatches.push(`${rel}: subject ${JSON.stringify(fm.subject)} vs ${JSON.stringify(subject)}`);
      const from = firstAddress(header(top, 'from'));
      if (from !== undefined && fm.from !== from) mismatches.push(`${rel}: from ${fm.from} vs ${from}`);
      const date = moscow(header(top, 'date'));
      if (date !== undefined && fm.date !== date) mismatches.push(`${rel}: date ${fm.date} vs ${date}`);
      const ours = (fm.attachments as string[]).map((a) => (linkTarget(a) ?? a).split('/').pop()!);
      for (const i of json.attachments) {
        // Only the last path segment is kept: a name never carries folders into the vault.
        const n = attachmentName(json.parts[i]!)?.split(/[\\/]/).pop();
        if (n && !ours.some((o) => letters(o) === letters(n) || o.startsWith(n.slice(0, 20)))) mismatches.push(`${rel}: attachment ${JSON.stringify(n)} missing from ${JSON.stringify(ours)}`);
      }
      const first = json.text_body.map((i) => json.parts[i]!.body).map((b) => (b.Text ?? b.Html) as string | undefined).find((s) => s && letters(s).length > 0);
      if (first) {
        const want = letters(first).slice(0, 30);
        const text = letters(body.slice(body.indexOf('\n---\n') + 5));
        if (!text.startsWith(want)) mismatches.push(`${rel}: text starts ${JSON.stringify(text.slice(0, 30))} vs ${JSON.stringify(want)}`);
      }
      compared++;
    }
    assert.deepEqual(mismatches, []);
    assert.ok(compared >= 25, `${compared} stalwart messages compared`);
    // Nothing outside the vault and the state folder.
    for (const f of allFiles(root)) assert.ok(f.startsWith('vault/') || f.startsWith('state/'), f);
  } finally {
    t.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
});
