import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../../contract/money.ts';
import { StatementError, type ParsedStatement } from '../model.ts';
import { detect1CEncoding, parseOneC } from './onec.ts';

const OWN = '40702810400000012345';
const OWN2 = '40702810100000067890';
const BUMAGA = '40702810600000054321';
const CAFE = '40702810300000077777';

/** Encodes text in a single-byte code page through the reverse of Node's decoder (Node has no encoder for them). */
function encode(text: string, encoding: 'utf-8' | 'windows-1251' | 'ibm866'): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  const dec = new TextDecoder(encoding);
  const table = new Map<number, number>();
  for (let b = 0; b < 256; b++) table.set(dec.decode(Uint8Array.of(b)).charCodeAt(0), b);
  return Uint8Array.from([...text].map((ch) => {
    const b = table.get(ch.charCodeAt(0));
    if (b === undefined) throw new Error(`${ch} has no byte in ${encoding}`);
    return b;
  }));
}

const lines = (...l: string[]) => l.join('\r\n') + '\r\n';

function doc(fields: Record<string, string>, kind = 'Платежное поручение'): string {
  return lines(`СекцияДокумент=${kind}`, ...Object.entries(fields).map(([k, v]) => `${k}=${v}`), 'КонецДокумента');
}

/** Kestrel's November statement: one balance block, an outgoing payment and an incoming one. */
function statement(extraDocs = ''): string {
  return lines(
    '1CClientBankExchange', 'ВерсияФормата=1.03', 'Кодировка=Windows', 'Отправитель=СберБизнес', 'Получатель=ООО «Кестрел Принт»',
    'ДатаНачала=01.11.2026', 'ДатаКонца=25.11.2026', `РасчСчет=${OWN}`,
    'СекцияРасчСчет', 'ДатаНачала=01.11.2026', 'ДатаКонца=25.11.2026', `РасчСчет=${OWN}`,
    'НачальныйОстаток=1000.00', 'ВсегоПоступило=350.50', 'ВсегоСписано=146.40', 'КонечныйОстаток=1204.10', 'КонецРасчСчет',
  ) + doc({
    Номер: '513', Дата: '03.11.2026', Сумма: '146.40', ПлательщикСчет: OWN, ДатаСписано: '03.11.2026', Плательщик1: 'ООО «Кестрел Принт»',
    ПлательщикИНН: '7714698320', ПолучательСчет: BUMAGA, ДатаПоступило: '', Получатель1: 'ООО «Бумага Опт»', ПолучательИНН: '7705123450',
    ПолучательБИК: '044525225', ПолучательКорсчет: '30101810400000000225', НазначениеПлатежа: 'Оплата бумаги по счету 88',
  }) + doc({
    Номер: '77', Дата: '05.11.2026', Сумма: '350.5', ПлательщикСчет: CAFE, ДатаСписано: '', Плательщик: 'ООО «Гринлиф»',
    ПлательщикИНН: '7728123456', ПлательщикКорСчет: '30101810400000000225', ПолучательСчет: OWN, ДатаПоступило: '06.11.2026', Получатель: 'ООО «Кестрел Принт»',
    НазначениеПлатежа: 'Оплата за печать меню',
  }, 'Банковский ордер') + extraDocs + 'КонецФайла\r\n';
}

const parse = (text: string | Uint8Array, chunk?: number): ParsedStatement[] => {
  const bytes = typeof text === 'string' ? encode(text, 'windows-1251') : text;
  const chunks: Uint8Array[] = [];
  if (!chunk) chunks.push(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return parseOneC(chunks, 'kestrel.txt');
};

function rejects(text: string | Uint8Array, pattern: RegExp): void {
  assert.throws(() => parse(text), (e: unknown) => {
    assert.ok(e instanceof StatementError, String(e));
    assert.match(e.message, /^kestrel\.txt: /);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a statement gives signed movements, the direction from the own account, counterparties and the balance block', () => {
  const [st, ...more] = parse(statement());
  assert.equal(more.length, 0);
  assert.equal(st!.account, OWN);
  assert.equal(st!.currency, 'RUB');
  assert.equal(st!.bank, 'СберБизнес');
  assert.deepEqual([st!.periodStart, st!.periodEnd], ['2026-11-01', '2026-11-25']);
  assert.equal(st!.openingBalance, parseMoney('1000'));
  assert.equal(st!.closingBalance, parseMoney('1204.10'));
  assert.deepEqual(st!.blocks, [{ from: '2026-11-01', to: '2026-11-25', opening: parseMoney('1000'), closing: parseMoney('1204.10'), totalIn: parseMoney('350.50'), totalOut: parseMoney('146.40') }]);
  const [out, inc] = st!.entries;
  assert.deepEqual({ ...out, bankId: undefined }, {
    bookingDate: '2026-11-03', valueDate: '2026-11-03', amount: -parseMoney('146.40'), direction: 'out', text: 'Оплата бумаги по счету 88',
    bankId: undefined, provisional: false, reference: '513', counterpartyName: 'ООО «Бумага Опт»', counterpartyAccount: BUMAGA,
    counterpartyTaxId: '7705123450', counterpartyBank: '044525225',
  });
  // Credited the day after the document date: the booking date is the day the money arrived.
  assert.equal(inc!.bookingDate, '2026-11-06');
  assert.equal(inc!.valueDate, '2026-11-05');
  assert.equal(inc!.amount, parseMoney('350.50'));
  assert.equal(inc!.counterpartyName, 'ООО «Гринлиф»', 'Плательщик is the name when Плательщик1 is missing');
  assert.equal(inc!.counterpartyTaxId, '7728123456');
  assert.match(out!.bankId!, /^[0-9a-f]{16}$/);
});

test('the encoding is read from the content: UTF-8, windows-1251 and cp866 give the same statement, whatever Кодировка says', () => {
  const text = statement().replace(/[«»]/g, '"'); // cp866 has no guillemets
  const expected = parse(encode(text, 'windows-1251'));
  for (const enc of ['utf-8', 'ibm866'] as const) {
    const bytes = encode(text, enc);
    assert.equal(detect1CEncoding(bytes), enc);
    assert.deepEqual(parse(bytes), expected, enc);
  }
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(text, 'utf-8')]);
  assert.deepEqual(parse(bom), expected, 'UTF-8 with a byte-order mark');
});

test('a large file read in small chunks, cut inside lines and inside characters, gives what the whole file gives', () => {
  let docs = '';
  for (let i = 0; i < 400; i++) {
    docs += doc({ Номер: String(1000 + i), Дата: '10.11.2026', Сумма: '1.00', ПлательщикСчет: OWN, ДатаСписано: '10.11.2026', ПолучательСчет: BUMAGA, Получатель1: 'ООО «Бумага Опт»', НазначениеПлатежа: `Возврат ${i} — проверка переноса строк` });
  }
  const text = statement(docs).replace('ВсегоСписано=146.40', 'ВсегоСписано=546.40').replace('КонечныйОстаток=1204.10', 'КонечныйОстаток=804.10');
  for (const enc of ['utf-8', 'windows-1251'] as const) {
    const bytes = encode(text, enc);
    assert.ok(bytes.length > 100_000, 'beyond the 64 KB the encoding is detected on');
    const whole = parse(bytes);
    assert.equal(whole[0]!.entries.length, 402);
    for (const size of [7, 4093]) assert.deepEqual(parse(bytes, size), whole, `${enc}, ${size}-byte chunks`);
  }
});

test('key spelling and case vary between banks: they are read the same', () => {
  const text = statement()
    .replace(`ПлательщикСчет=${OWN}`, `ПЛАТЕЛЬЩИКСЧЕТ=${OWN}`)
    .replace('Сумма=146.40', 'сумма = 146.40')
    .replace(`ПолучательСчет=${BUMAGA}`, `ПолучательРасчСчет=${BUMAGA}`);
  const [st] = parse(text);
  assert.equal(st!.entries[0]!.amount, -parseMoney('146.40'));
  assert.equal(st!.entries[0]!.counterpartyAccount, BUMAGA);
});

test('a purpose split over НазначениеПлатежа1..n is joined in order; Номер alone does not identify a document', () => {
  const extra = doc({ Номер: '513', Дата: '07.11.2026', Сумма: '10.00', ПлательщикСчет: OWN, ДатаСписано: '07.11.2026', ПолучательСчет: BUMAGA, НазначениеПлатежа2: 'вторая часть', НазначениеПлатежа1: 'первая часть', НазначениеПлатежа: '' });
  const text = statement(extra).replace('ВсегоСписано=146.40', 'ВсегоСписано=156.40').replace('КонечныйОстаток=1204.10', 'КонечныйОстаток=1194.10');
  const [st] = parse(text);
  const e = st!.entries[2]!;
  assert.equal(e.text, 'первая часть вторая часть');
  assert.equal(e.reference, '513');
  assert.notEqual(e.bankId, st!.entries[0]!.bankId, 'same number, another document');
});

test('a transfer between two own accounts of one file becomes an outflow of one and an inflow of the other', () => {
  const text = statement(doc({ Номер: '9', Дата: '10.11.2026', Сумма: '500.00', ПлательщикСчет: OWN, ДатаСписано: '10.11.2026', ПолучательСчет: OWN2, ДатаПоступило: '10.11.2026', НазначениеПлатежа: 'Перевод собственных средств' }))
    .replace(`РасчСчет=${OWN}\r\nСекцияРасчСчет`, `РасчСчет=${OWN}\r\nРасчСчет=${OWN2}\r\nСекцияРасчСчет`);
  const sts = parse(text);
  assert.deepEqual(sts.map((s) => s.account), [OWN, OWN2]);
  assert.equal(sts[0]!.entries.at(-1)!.amount, -parseMoney('500'));
  assert.equal(sts[0]!.entries.at(-1)!.counterpartyAccount, OWN2);
  assert.deepEqual(sts[1]!.entries.map((e) => [e.amount, e.counterpartyAccount]), [[parseMoney('500'), OWN]]);
});

test('without the own account on either side, the debit or credit date decides; with neither the file is refused', () => {
  const strange = (dates: string) => statement(lines('СекцияДокумент=Платежное поручение', 'Номер=5', 'Дата=12.11.2026', 'Сумма=1.00', `ПлательщикСчет=${CAFE}`, `ПолучательСчет=${BUMAGA}`, dates, 'КонецДокумента'));
  assert.equal(parse(strange('ДатаСписано=12.11.2026'))[0]!.entries.at(-1)!.direction, 'out');
  assert.equal(parse(strange('ДатаПоступило=12.11.2026'))[0]!.entries.at(-1)!.direction, 'in');
  rejects(strange('ДатаСписано='), /line \d+: document 5: neither payer 40702810300000077777 nor payee 40702810600000054321 is the statement's account/);
});

test('broken files are refused with the line and the problem', () => {
  rejects(new Uint8Array(), /the file is empty/);
  rejects('<html>not a statement</html>\r\n', /not a 1CClientBankExchange file \(first line "<html>not a statement<\/html>"\)/);
  rejects(statement().replace('КонецФайла\r\n', ''), /truncated: the file ends after the last section without КонецФайла/);
  rejects(statement().split('НазначениеПлатежа=Оплата за печать меню')[0]!, /truncated: the file ends inside a document/);
  rejects(statement().replace('КонецДокумента\r\nСекцияДокумент=Банковский ордер', 'СекцияДокумент=Банковский ордер'), /line 33: "СекцияДокумент=Банковский ордер" inside a document not closed by КонецДокумента/);
  rejects(statement().replace('КонецРасчСчет\r\n', ''), /"СекцияДокумент=Платежное поручение" inside a balance block \(СекцияРасчСчет\) not closed by КонецРасчСчет/);
  rejects(statement().replace('Сумма=146.40', 'Сумма=146,40,1'), /line 18: Сумма "146,40,1" is not an amount/);
  rejects(statement().replace('Дата=03.11.2026', 'Дата=31.11.2026'), /line 18: Дата "31\.11\.2026" is not a date DD\.MM\.YYYY/);
  rejects(statement().replace('ВерсияФормата=1.03', 'просто строка'), /line 2: unrecognised line "просто строка"/);
  rejects(statement().replace(`ДатаКонца=25.11.2026\r\nРасчСчет=${OWN}\r\nСекцияРасчСчет`, 'ДатаКонца=25.11.2026\r\nСекцияРасчСчет').replace(`ДатаКонца=25.11.2026\r\nРасчСчет=${OWN}\r\nНачальный`, 'ДатаКонца=25.11.2026\r\nНачальный'),
    /no РасчСчет: the statement does not say whose account it is/);
  // Text already damaged by a wrong re-encoding (replacement characters saved as UTF-8).
  rejects(encode(statement().replace('Отправитель=СберБизнес', 'Отправитель=\ufffd\ufffd\ufffd'), 'utf-8'), /line 4: garbled text \(unreadable characters\)/);
});

test('what follows КонецФайла is ignored', () => {
  assert.deepEqual(parse(statement() + 'мусор без знака равенства\r\n'), parse(statement()));
});
