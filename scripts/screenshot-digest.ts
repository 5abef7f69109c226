// Screenshots of the demo digest for the README, in Russian and English: the demo built offline, its
// digest rendered as Obsidian's reading view roughly shows it, and photographed by headless Chromium.
//   npx tsx scripts/screenshot-digest.ts            (needs Debian's chromium: apt-get install chromium)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemo } from '../companion/cli/demo.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Inline Markdown as the digest uses it: wikilinks, bold, code. */
const inline = (s: string) => escape(s)
  .replace(/\[\[([^\]|]+)\|([^\]]+)\]\]/g, '<a>$2</a>')
  .replace(/\[\[([^\]]+)\]\]/g, (_, t: string) => `<a>${t.replace(/^.*\//, '')}</a>`)
  .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
  .replace(/`([^`]+)`/g, '<code>$1</code>');

/** The few block forms the digest writes: headings, lists, tables, callouts, paragraphs, the owner-section comment. */
function html(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('%%')) continue;
    if (/^#{1,3} /.test(l)) out.push(`<h${l.indexOf(' ')}>${inline(l.replace(/^#+ /, ''))}</h${l.indexOf(' ')}>`);
    else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!.slice(1, -1).split('|').map((c) => c.trim()));
      i--;
      out.push(`<table><tr>${rows[0]!.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>${rows.slice(2).map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table>`);
    } else if (/^(- |\d+\. )/.test(l)) {
      const ordered = /^\d+\. /.test(l);
      const items: string[] = [];
      for (; i < lines.length && /^(- |\d+\. )/.test(lines[i]!); i++) items.push(`<li>${inline(lines[i]!.replace(/^(- |\d+\. )/, ''))}</li>`);
      i--;
      out.push(ordered ? `<ol>${items.join('')}</ol>` : `<ul>${items.join('')}</ul>`);
    } else if (l.startsWith('>')) out.push(`<blockquote>${inline(l.replace(/^> ?/, '').replace(/^\[!\w+\] ?/, ''))}</blockquote>`);
    else if (l.trim()) out.push(`<p>${inline(l)}</p>`);
  }
  return `<!doctype html><meta charset="utf-8"><style>
body { font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222; max-width: 880px; margin: 24px 32px; }
h1 { font-size: 26px; margin: 0 0 12px; } h2 { font-size: 19px; margin: 22px 0 6px; border-bottom: 1px solid #ddd; }
a { color: #7b4fd6; } table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
th { background: #f4f4f6; } blockquote { border-left: 3px solid #7b4fd6; margin: 6px 0; padding: 2px 10px; color: #555; }
ul, ol { margin: 4px 0; padding-left: 22px; } p { margin: 6px 0; }
</style>${out.join('\n')}`;
}

const tmp = mkdtempSync(join(tmpdir(), 'aios-shot-'));
try {
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  for (const language of ['ru', 'en'] as const) {
    const vault = join(tmp, `demo-${language}`);
    await buildDemo(vault, `${vault}-state`, language);
    const note = readFileSync(join(vault, 'Digests/2026-11-26 Digest.md'), 'utf8');
    const page = join(tmp, `digest-${language}.html`);
    writeFileSync(page, html(note.slice(note.indexOf('\n---\n', 4) + 5)));
    const png = join(ROOT, 'docs', `digest-${language}.png`);
    const r = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=960,2000', `--screenshot=${png}`, `file://${page}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`chromium: ${r.stderr || r.error?.message}`);
    console.log(`wrote ${png}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
