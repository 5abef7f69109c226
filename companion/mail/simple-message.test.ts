import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { fromParsedMail, PARSER_OPTIONS, type MailContent } from './message.ts';
import { decodeQuotedPrintable, parseSimpleMessage } from './simple-message.ts';

const ROOT = join(import.meta.dirname, '../..');

const withoutAttachments = (c: MailContent): Omit<MailContent, 'attachments'> => {
  const rest: Partial<MailContent> = { ...c };
  delete rest.attachments;
  return rest as Omit<MailContent, 'attachments'>;
};

async function viaMailparser(raw: Buffer): Promise<Omit<MailContent, 'attachments'>> {
  return withoutAttachments(fromParsedMail(await simpleParser(raw, PARSER_OPTIONS)));
}

/** The fast path either declines or gives exactly what mailparser gives. */
async function same(raw: Buffer, where: string): Promise<boolean> {
  const fast = parseSimpleMessage(raw);
  if (!fast) return false;
  assert.deepEqual(fast.attachments, [], where);
  assert.deepEqual(withoutAttachments(fast), await viaMailparser(raw), where);
  return true;
}

function emls(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? emls(p) : p.endsWith('.eml') ? [p] : [];
  });
}

test('every fixture: the fast path declines or agrees with mailparser', async () => {
  const files = [...emls(join(ROOT, 'test/fixtures')), ...emls(join(ROOT, 'demo/mail')), ...emls(join(ROOT, '../shared/fixtures/mail'))];
  assert.ok(files.length >= 100, `${files.length} fixtures`);
  let fast = 0;
  for (const f of files) if (await same(readFileSync(f), f)) fast++;
  // The fixtures are mostly multipart, encoded or odd on purpose; some are simple.
  assert.ok(fast >= 10, `only ${fast} of ${files.length} fixtures took the fast path`);
});

const CRLF = (s: string) => s.replace(/\r?\n/g, '\r\n');

test('generated variants agree with mailparser, and the shapes it must decline are declined', async () => {
  const head = 'From: Client 1 <C1@Customer1.example>\nTo: anna@kestrel-print.example, "Igor Petrov" <sales@bumaga-opt.example>\nSubject: Order  5\n  folded on\tthe next line\nDate: Fri, 20 Nov 2026 08:00:00 +0300\nMessage-ID: msg-5@x.example\nReferences: <a@x> b@x\n <c@x>\nIn-Reply-To: <c@x>\n';
  const bodies: [string, string][] = [
    ['', 'Hello Anna,\n\nthe order is ready.\n'],
    ['Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n', 'Счёт № 118 на 12 000 ₽ \n\nС уважением\n'],
    ['Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable\n', 'Line one with a soft=\nbreak and =3D sign, trailing blanks   \nno end=\n'],
    ['Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n', `${Buffer.from('<p>Dear Anna</p>\r\n<p>Total: 1 200 RUB</p>').toString('base64').replace(/.{20}/g, '$&\n')}\n`],
    ['Content-Type: TEXT/HTML\n', '<html><body><p>Hi</p></body></html>'],
    ['Precedence: bulk\nList-Id: <news.printnews.example>\n', 'News\n'],
    ['', ''],
  ];
  let fast = 0;
  for (const [extra, body] of bodies) {
    for (const eol of [(s: string) => s, CRLF]) {
      const raw = Buffer.from(eol(`${head}${extra}\n`) + eol(body));
      if (await same(raw, JSON.stringify(extra + body))) fast++;
    }
  }
  assert.equal(fast, bodies.length * 2, 'every generated simple message took the fast path');

  const declined = [
    'Subject: =?utf-8?B?0KHRh9GR0YI=?=\n\nx\n',
    'Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n',
    'Content-Type: text/plain; charset=windows-1251\n\nx\n',
    'Content-Type: text/plain; format=flowed\n\nx \ny\n',
    'Content-Disposition: attachment; filename=a.txt\n\nx\n',
    'From: "Oleg | Polygraf" <oleg@p.example>\n\nx\n',
    'From: a@x.example\nFrom: b@x.example\n\nx\n',
    'Date: not a date\n\nx\n',
    'Subject: Caf\u00e9\n\nx\n',
    'no header line\n\nx\n',
  ];
  for (const d of declined) assert.equal(parseSimpleMessage(Buffer.from(d, 'utf8')), undefined, d);
});

test('random simple messages: whatever the fast path takes, it reads as mailparser does', async () => {
  let seed = 42;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const bodyBits = ['Hello', ' ', '  ', '\t', '\n', '\r\n', '\r', '=', '=3D', '=\n', '=C3=A9', 'Счёт', '€', '<p>', 'é', '.', '\n.\n', '--', 'From x', '\u0000'];
  let fast = 0;
  for (let i = 0; i < 300; i++) {
    const headers = [
      `From: ${pick(['a@x.example', '<a@x.example>', 'Anna S. <Anna@X.example>', '"Anna Sokolova" <anna@x.example>', "O'Brien <ob@x.example>"])}`,
      `To: ${pick(['b@y.example', 'B <b@y.example>, c@z.example', '"B" <b@y.example>, "C" <c@z.example>'])}`,
      ...(rnd(2) ? [`Cc: ${pick(['c@z.example', 'C C <c@z.example>'])}`] : []),
      `Subject: ${pick(['Order 1', '  Re:   Order\n\t 2 ', 'Fwd: x', ''])}`,
      ...(rnd(3) ? [`Date: ${pick(['Fri, 20 Nov 2026 08:00:00 +0300', '20 Nov 2026 08:00 GMT', 'Thu, 01 Jan 2026 00:00:00 -0000'])}`] : []),
      ...(rnd(2) ? [`Message-ID: ${pick(['<m@x>', 'm@x', '<m@x'])}`] : []),
      ...(rnd(2) ? [`References: ${pick(['<a@x>', '<a@x> <b@x>', 'a@x\n <b@x>', ''])}`] : []),
      ...(rnd(3) ? [`Content-Type: ${pick(['text/plain', 'text/html; charset=utf-8', 'text/plain; charset="us-ascii"', 'Text/Plain;'])}`] : []),
    ];
    const cte = pick(['', '7bit', '8bit', 'quoted-printable', 'base64', 'Quoted-Printable']);
    if (cte) headers.push(`Content-Transfer-Encoding: ${cte}`);
    for (let j = headers.length - 1; j > 0; j--) {
      const k = rnd(j + 1);
      [headers[j], headers[k]] = [headers[k]!, headers[j]!];
    }
    let body = '';
    for (let j = rnd(30); j > 0; j--) body += pick(bodyBits);
    if (cte === 'base64') body = Buffer.from(body).toString('base64').replace(new RegExp(`.{${1 + rnd(76)}}`, 'g'), '$&\r\n');
    const eol = pick(['\n', '\r\n']);
    const raw = Buffer.from(headers.join(eol) + eol + eol + body, 'utf8');
    if (await same(raw, JSON.stringify(raw.toString('utf8')))) fast++;
  }
  assert.ok(fast >= 100, `only ${fast} of 300 took the fast path`);
});

test('quoted-printable: soft breaks, escapes, blanks at line ends, and a lone = kept', () => {
  assert.equal(decodeQuotedPrintable(Buffer.from('a=3Db =\r\nc  \r\nd=\ne=4')).toString(), 'a=b c\r\nde=4');
  assert.equal(decodeQuotedPrintable(Buffer.from('=D0=A1=D1=87=D1=91=D1=82')).toString('utf8'), 'Счёт');
});
