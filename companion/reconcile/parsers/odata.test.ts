import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonKeepingNumbers, serviceRoot } from './odata.ts';

test('JSON numbers are kept as the digits 1C wrote, never through a float', () => {
  assert.deepEqual(parseJsonKeepingNumbers('{"СуммаДокумента": 86400.1, "n": -0.07, "big": 123456789012345678.99, "s": "7.5 \\" 2", "ok": true, "none": null, "rows": [{"СуммаНДС": 1e-7}]}'),
    { СуммаДокумента: '86400.1', n: '-0.07', big: '123456789012345678.99', s: '7.5 " 2', ok: true, none: null, rows: [{ СуммаНДС: '1e-7' }] });
  assert.throws(() => parseJsonKeepingNumbers('{"a": -}'));
});

test('the service root is added to a published base once', () => {
  assert.equal(serviceRoot('http://srv/buh'), 'http://srv/buh/odata/standard.odata/');
  assert.equal(serviceRoot('http://srv/buh/'), 'http://srv/buh/odata/standard.odata/');
  assert.equal(serviceRoot('http://srv/buh/odata/standard.odata/'), 'http://srv/buh/odata/standard.odata/');
});
