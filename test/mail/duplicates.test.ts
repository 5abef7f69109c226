// The same Message-ID with a different body is not silently merged: both notes are kept and the owner
// is asked once, in the decision queue, with both notes as evidence. The same body again is no question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { mailJob } from '../../companion/mail/index.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';
import { linkTarget, validateFrontmatter } from '../../contract/index.ts';
import { allFiles, mailNotes, readMail } from './helpers.ts';
import { assertInert } from './inert.ts';

const SUBJECT = 'Invoice ![x](https://t.example/p.gif) [[Bumaga Opt]] <b>now</b>';

function eml(body: string, id = '<inv-77@bumaga-opt.example>'): string {
  return `From: Igor Petrov <sales@bumaga-opt.example>\r\nTo: anna@kestrel-print.example\r\nSubject: ${SUBJECT}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0300\r\nMessage-ID: ${id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

test('same Message-ID, different body: two notes and one decision item naming both; the same body again asks nothing', async () => {
  const t = makeTestContext({ settings: { import_stable_seconds: 0 } });
  const drop = async (name: string, text: string) => {
    writeFileSync(join(t.vaultDir, 'Import', name), text);
    const r = await mailJob.run(t.ctx);
    assert.equal(r.status, 'ok', r.summary);
    return r;
  };
  const queue = () => allFiles(t.vaultDir).filter((f) => f.startsWith('Queue/') && f.endsWith('.md'));
  try {
    await drop('first.eml', eml('Total 12 000 RUB, due 1 December.'));
    // Whitespace differs, text does not: the same message, no note, no question.
    const same = await drop('again.eml', eml('Total 12 000 RUB,\r\n  due 1 December.'));
    assert.equal(same.counts?.mail_known, 1, same.summary);
    assert.equal(mailNotes(t.vaultDir).length, 1);
    assert.deepEqual(queue(), []);

    await drop('second.eml', eml('Total 21 000 RUB, due 1 December.'));
    const notes = mailNotes(t.vaultDir);
    assert.equal(notes.length, 2, 'both versions are kept');
    const byBody = new Map(notes.map((n) => [parseNote(readMail(t.vaultDir, n)).body.includes('21 000') ? 'second' : 'first', n]));
    assert.equal(queue().length, 1, queue().join(', '));
    const item = parseNote(readFileSync(join(t.vaultDir, queue()[0]!), 'utf8'));
    assert.ok(validateFrontmatter(item.frontmatter).ok);
    assert.equal(item.frontmatter.kind, 'mail_duplicate');
    assert.equal(item.frontmatter.finding_key, 'mail-duplicate:<inv-77@bumaga-opt.example>');
    assert.equal(item.frontmatter.status, 'open');
    const name = (n: string) => n.slice(n.lastIndexOf('/') + 1, -3);
    assert.deepEqual((item.frontmatter.evidence as string[]).map(linkTarget), [name(byBody.get('first')!), name(byBody.get('second')!)]);
    assert.deepEqual(item.frontmatter.options, ['Keep both', 'Delete the newer note']);
    // The subject is the sender's text: no image, wikilink or HTML reaches the queue note.
    assertInert(item.body.replace(/^- \[\[[^\]]+\]\]$/gm, ''), 'decision item');
    assert.doesNotMatch(String(item.frontmatter.title), /\[\[|!\[|<b>/);

    // A third version is a third note, but the question stays one item.
    await drop('third.eml', eml('Total 9 000 RUB after the discount.'));
    assert.equal(mailNotes(t.vaultDir).length, 3);
    assert.equal(queue().length, 1);
    // A different Message-ID with the same text is simply another message.
    await drop('other.eml', eml('Total 21 000 RUB, due 1 December.', '<inv-78@bumaga-opt.example>'));
    assert.equal(mailNotes(t.vaultDir).length, 4);
    assert.equal(queue().length, 1);
  } finally {
    t.cleanup();
  }
});
