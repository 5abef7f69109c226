// Redaction end to end with the real `openai` client: a hard summary goes to the fake OpenAI server on
// loopback, and no identifying form in the material may appear in any request that went over the wire.
// The placeholders the server answers with come back as the real values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { startHarness, quoted, type Harness } from './harness.ts';
import { businessCountries } from '../../companion/models/redact.ts';
import type { OpenAIChatBody } from '../support/fake-openai.ts';

/** One of each identifying form, as a counterparty would write it. */
const SECRETS: Readonly<Record<string, string>> = {
  ruAccountGroups: '40702 810 9 0000 0001234',
  ruAccountDots: '40702.810.9.0000.0001235',
  ruCorrAccount: '30101810400000000225',
  dePhone: '030 12345678',
  dePhoneSlash: '030/12345679',
  deMobile: '0171 1234567',
  dePhoneParens: '(030) 1234-5678',
  ruPhone: '8 (495) 123-45-67',
  ruPhoneLocal: '495 123-45-68',
  ruPhoneIntl: '+7 (495) 123 45 69',
  ruFreephone: '8-800-555-35-35',
  ukPhone: '020 7946 0958',
  ukMobile: '07700 900123',
  dePhoneIntl: '+49 30 12345670',
  ukPhoneIntl: '+44 20 7946 0959',
  dePhone00: '0049 30 1234561',
  emailIdn: 'анна@пример.рф',
  emailUmlaut: 'info@bücher.de',
  emailRus: 'ivan.petrov@почта.рус',
  emailAtBrackets: 'kontakt [at] firma.com',
  emailAtDot: 'buh (at) bumaga-opt (dot) ru',
  emailWords: 'orders at nordlicht dot de',
  emailDotBrackets: 'sales@kestrel-print[.]com',
  emailAtSquare: 'office[@]greenleaf.com',
  snils: '123-456-789 01',
  snilsPlain: '98765432109',
  passport: '45 08 123456',
  passportNo: '4509 №654321',
  passportWords: 'серия 4510 номер 112233',
  deId: 'L01X00T47',
  dePassport: 'C01X00T48',
  steuerId: '12 345 678 901',
  ustId: 'DE123456789',
  inn10: '7714698320',
  inn12: '500100732259',
  ogrn: '1027700132195',
  ogrnip: '304500116000157',
  kpp: '771401001',
  bik: '044525225',
  swift: 'COBADEFFXXX',
  swift8: 'SABRRUMM',
  swiftBranch: 'DEUTDEFF500',
  iban: 'DE89 3704 0044 0532 0130 00',
  ibanPlain: 'GB29NWBK60161331926819',
};

const MATERIAL = [
  'Guten Tag, anbei unsere neuen Bankdaten und Kontakte.',
  `Bitte überweisen Sie 86 400,00 EUR bis zum 05.11.2026 auf IBAN ${SECRETS.iban} (BIC ${SECRETS.swift}), Verwendungszweck INV-2026-112.`,
  `Alternativ: ${SECRETS.ibanPlain}, Deutsche Bank ${SECRETS.swiftBranch}.`,
  `Tel. ${SECRETS.dePhone}, Fax ${SECRETS.dePhoneSlash}, mobil ${SECRETS.deMobile}, Zentrale ${SECRETS.dePhoneParens}, international ${SECRETS.dePhoneIntl} oder ${SECRETS.dePhone00}.`,
  `Unser Londoner Büro: ${SECRETS.ukPhone}, ${SECRETS.ukMobile}, ${SECRETS.ukPhoneIntl}.`,
  `Steuer-ID ${SECRETS.steuerId}, USt-IdNr. ${SECRETS.ustId}; Personalausweis ${SECRETS.deId}, Reisepass ${SECRETS.dePassport}.`,
  `Mail: ${SECRETS.emailUmlaut}, ${SECRETS.emailAtBrackets}, ${SECRETS.emailWords}, ${SECRETS.emailDotBrackets}, ${SECRETS.emailAtSquare}.`,
  '',
  `Реквизиты: р/с ${SECRETS.ruAccountGroups} (валютный ${SECRETS.ruAccountDots}), к/с ${SECRETS.ruCorrAccount}, БИК ${SECRETS.bik}, SWIFT ${SECRETS.swift8}.`,
  `ООО «Бумага Опт», ИНН ${SECRETS.inn10}, КПП ${SECRETS.kpp}, ОГРН ${SECRETS.ogrn}; ИП Петров, ИНН ${SECRETS.inn12}, ОГРНИП ${SECRETS.ogrnip}.`,
  `Тел.: ${SECRETS.ruPhone}, ${SECRETS.ruPhoneLocal}, ${SECRETS.ruPhoneIntl}, бесплатно ${SECRETS.ruFreephone}.`,
  `Почта: ${SECRETS.emailIdn}, ${SECRETS.emailRus}, ${SECRETS.emailAtDot}.`,
  `Для договора: СНИЛС ${SECRETS.snils} (второй ${SECRETS.snilsPlain}), паспорт ${SECRETS.passport}, доверенное лицо ${SECRETS.passportNo}, паспорт ${SECRETS.passportWords}.`,
  'Счёт № 1182 от 20.11.2026 на сумму 45 600,00 руб. Оплатить до 30.11.2026.',
].join('\n');

const PLACEHOLDER = /\[[A-Z_]+_\d+\]/g;
const digitRuns = (s: string): string[] => s.replace(PLACEHOLDER, ' | ').replace(/(?<=\d)[\s().\-/№]+(?=\d)/g, '').match(/\d{6,}/g) ?? [];

async function withHarness(fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness();
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

test('cloud redaction: no identifying form goes over the wire, the answer gets the real values back', () =>
  withHarness(async (h) => {
    // The template business is Russian with a German account: the RU and DE packs plus the generic one apply.
    assert.deepEqual(businessCountries(h.tc.index.byKind('business_profile')[0]?.frontmatter), ['RU', 'DE']);
    h.openai.onChat((b: OpenAIChatBody) => {
      const user = b.messages.find((m) => m.role === 'user')!.content;
      const placeholders = [...new Set(user.match(PLACEHOLDER) ?? [])];
      return { content: JSON.stringify({ summary: `New details: ${placeholders.join(' ; ')}` }) };
    });
    const r = await h.models('mail').summarise({ tier: 'hard', data: MATERIAL, instruction: 'Summarise the new payment and contact details.', maxWords: 400 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.location, 'cloud');
    assert.ok(h.openai.requests.length >= 1);

    const wire = h.openai.rawBodies.join('\n');
    const contents = h.openai.requests.flatMap((b) => b.messages.map((m) => m.content)).join('\n');
    const runs = digitRuns(contents);
    for (const [name, value] of Object.entries(SECRETS)) {
      assert.ok(!wire.includes(value) && !contents.includes(value), `${name} (${value}) went to the cloud`);
      const compact = value.replace(/[\s.\-/()№]/g, '');
      assert.ok(!contents.replace(/[\s.\-/()№]/g, '').includes(compact), `${name} (${value}) went to the cloud in another spacing`);
      const digits = value.replace(/\D/g, '');
      if (digits.length >= 6) {
        const part = runs.find((run) => digits.includes(run) || run.includes(digits));
        assert.equal(part, undefined, `${name}: digits ${part} of ${value} went to the cloud`);
      }
      const at = value.search(/@|\s(?:\[at\]|\(at\)|at)\s|\[@\]/);
      if (at > 0) assert.ok(!contents.includes(value.slice(0, at)), `${name}: the local part of ${value} went to the cloud`);
      // The placeholders in the answer are mapped back to the values as written (a leading "серия" is a label and stays in the text).
      assert.ok(r.value.summary.includes(value.replace(/^серия /, '')), `${name} (${value}) was not restored in the answer`);
    }

    // Dates, amounts and references are what the model needs: they go as they are.
    const sent = quoted(h.openai.requests[0]!.messages[1]!.content, 'material')!;
    for (const plain of ['86 400,00 EUR bis zum 05.11.2026', 'INV-2026-112', 'Счёт № 1182 от 20.11.2026 на сумму 45 600,00 руб. Оплатить до 30.11.2026.']) {
      assert.ok(sent.includes(plain), `${plain} did not reach the model`);
    }
    // One placeholder per value, nothing else redacted.
    assert.equal(h.ledger()[0]!.redacted, Object.keys(SECRETS).length);
  }));

test('cloud redaction follows the business profile: a GB business gets the GB pack, not the Russian one', () =>
  withHarness(async (h) => {
    const rel = 'Business/Business profile.md';
    const abs = h.tc.vault.abs(rel);
    const text = readFileSync(abs, 'utf8').replace(/^country: .*$/m, 'country: GB').replace(/^own_accounts:\n(?:\s+- .*\n)+/m, 'own_accounts:\n  - GB29 NWBK 6016 1331 9268 19\n');
    writeFileSync(abs, text);
    h.tc.index.noteChanged(rel);
    assert.deepEqual(businessCountries(h.tc.index.byKind('business_profile')[0]?.frontmatter), ['GB']);
    h.openai.onChat(() => ({ content: JSON.stringify({ summary: 'ok' }) }));
    const r = await h.models().summarise({ tier: 'hard', data: 'NI number QQ 12 34 56 C, sort code 20-00-00, account number 12345678. Extension 123-45-67.' });
    assert.ok(r.ok);
    const sent = quoted(h.openai.requests[0]!.messages[1]!.content, 'material')!;
    assert.equal(sent, 'NI number [ID_1], sort code [BIC_1], account number [ACCOUNT_1]. Extension 123-45-67.');
  }));
