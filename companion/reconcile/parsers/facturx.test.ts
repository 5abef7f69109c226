import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMoney } from '../../../contract/money.ts';
import { InvoiceFormatError } from '../types.ts';
import { layoutLines, parseFacturX, pdfAttachments, pdfTextPages } from './facturx.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/invoices');

/**
 * A small PDF written here: one page of Helvetica text placed at the given points, and embedded files in
 * the catalog's EmbeddedFiles name tree (as Factur-X puts them).
 */
function makePdf(texts: { x: number; y: number; s: string }[], files: { name: string; content: string }[] = []): Uint8Array {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string) => { objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')); return objects.length; };
  const stream = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const catalog = add(''), pages = add(''), page = add(''), font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const content = add(stream('', Buffer.from(texts.map((t) => `BT /F1 10 Tf 1 0 0 1 ${t.x} ${t.y} Tm (${esc(t.s)}) Tj ET`).join('\n'), 'latin1')));
  const specs = files.map((f) => {
    const ef = add(stream('/Type /EmbeddedFile /Subtype /text#2Fxml', Buffer.from(f.content, 'utf8')));
    return { name: f.name, spec: add(`<< /Type /Filespec /F (${esc(f.name)}) /UF (${esc(f.name)}) /AFRelationship /Data /EF << /F ${ef} 0 R >> >>`) };
  });
  const names = specs.length ? ` /Names << /EmbeddedFiles << /Names [${specs.map((s) => `(${esc(s.name)}) ${s.spec} 0 R`).join(' ')}] >> >>` : '';
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pages} 0 R${names} >>`, 'latin1');
  objects[pages - 1] = Buffer.from(`<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`, 'latin1');
  objects[page - 1] = Buffer.from(`<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 595 842] /Contents ${content} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`, 'latin1');
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let pos = parts[0]!.length;
  objects.forEach((o, i) => {
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), o, Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(pos);
    parts.push(b);
    pos += b.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${pos}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}

const reason = async (p: Promise<unknown>) => {
  try { await p; return ''; } catch (e) { assert.ok(e instanceof InvoiceFormatError, String(e)); return e.message; }
};

test('the embedded CII of a real Factur-X PDF is read with cii.ts, and the PDF names the source', async () => {
  const bytes = readFileSync(join(FIXTURES, 'facturx/invoice_EN16931.pdf'));
  assert.deepEqual([...(await pdfAttachments(bytes, 'x.pdf')).keys()].sort(), ['Bon_de_livraison.pdf', 'factur-x.xml']);
  const [d] = await parseFacturX(bytes, 'invoice_EN16931.pdf');
  assert.deepEqual([d!.source, d!.sourceRef, d!.number, d!.total], ['facturx', 'invoice_EN16931.pdf', 'F20260023', parseMoney('104.90')]);
});

test('a PDF without an embedded invoice is refused naming what it embeds; an Order-X order is not an invoice', async () => {
  assert.match(await reason(parseFacturX(makePdf([{ x: 50, y: 800, s: 'Invoice 17' }]), 'plain.pdf')), /^plain\.pdf: a PDF without an embedded e-invoice \(looked for factur-x\.xml, zugferd-invoice\.xml, xrechnung\.xml or another invoice XML\); embedded files: none$/);
  assert.match(await reason(parseFacturX(makePdf([], [{ name: 'notes.xml', content: '<notes/>' }, { name: 'logo.txt', content: 'x' }]), 'other.pdf')), /embedded files: notes\.xml, logo\.txt$/);
  assert.match(await reason(parseFacturX(makePdf([], [{ name: 'order-x.xml', content: '<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"/>' }]), 'order.pdf')), /^order\.pdf: the PDF embeds an Order-X order \(order-x\.xml\): an order is not an invoice$/);
  assert.match(await reason(parseFacturX(new TextEncoder().encode('<Invoice/>'), 'fake.pdf')), /^fake\.pdf: not a PDF/);
  assert.match(await reason(parseFacturX(new TextEncoder().encode('%PDF-1.4\ngarbage'), 'broken.pdf')), /^broken\.pdf: not a readable PDF/);
});

test('an XRechnung in UBL as xrechnung.xml, and an invoice XML under another name, are read too', async () => {
  const ubl = readFileSync(join(FIXTURES, 'ubl/ubl-tc434-example1.xml'), 'utf8');
  const [x] = await parseFacturX(makePdf([], [{ name: 'xrechnung.xml', content: ubl }]), 'xr.pdf');
  assert.deepEqual([x!.source, x!.number, x!.total], ['facturx', '12115118', parseMoney('250.33')]);
  const cii = readFileSync(join(FIXTURES, 'cii/CII_example2.xml'), 'utf8');
  // The standard name wins over another invoice XML in the same PDF.
  const [y] = await parseFacturX(makePdf([], [{ name: 'invoice.xml', content: ubl }, { name: 'ZUGFeRD-invoice.xml', content: cii }]), 'two.pdf');
  assert.equal(y!.number, 'TOSL108');
  const [z] = await parseFacturX(makePdf([], [{ name: 'rechnung.xml', content: cii }]), 'named.pdf');
  assert.equal(z!.number, 'TOSL108');
});

test('the text layer page by page: a line per baseline, table cells apart', async () => {
  const pdf = makePdf([
    { x: 50, y: 800, s: 'Act of reconciliation' },
    { x: 50, y: 780, s: 'Invoice 112' }, { x: 300, y: 780, s: '86400.00' }, { x: 450, y: 780.4, s: '' },
    { x: 50, y: 760, s: 'Payment' }, { x: 300, y: 760, s: '' }, { x: 450, y: 760, s: '86400.00' },
  ]);
  assert.deepEqual(await pdfTextPages(pdf, 'act.pdf'), ['Act of reconciliation\nInvoice 112\t86400.00\nPayment\t86400.00']);
  const real = await pdfTextPages(readFileSync(join(FIXTURES, 'facturx/zugferd_2p0_EN16931_Einfach.pdf')), 'z.pdf');
  assert.equal(real.length, 2);
  assert.match(real[0]!, /Handelsrechnung Nr\. 471102 vom 05\.03\.2018/);
});

test('laying out text pieces: same baseline within half a font size, gaps become a space or a tab', () => {
  const it = (x: number, y: number, s: string, width = s.length * 5) => ({ str: s, x, y, width, size: 10 });
  assert.deepEqual(layoutLines([it(100, 700, 'b'), it(0, 700.3, 'a'), it(0, 650, 'next'), it(105.5, 700, 'c'), it(400, 699, 'far')]), ['a\tbc\tfar', 'next']);
  assert.deepEqual(layoutLines([it(0, 10, 'two'), it(18, 10, 'words')]), ['two words']);
});
