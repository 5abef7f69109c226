import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlToMarkdown } from './html.ts';

test('structure: headings, emphasis, line breaks and paragraphs, whitespace as a browser shows it', () => {
  assert.equal(
    htmlToMarkdown('<h2> Order  <b>42</b></h2><p>Dear&nbsp;Anna,<br>the <strong>cards</strong> are <em> ready</em>.</p>\n  <p>Total: 1&nbsp;200 RUB</p>'),
    '## Order **42**\n\nDear\u00a0Anna,\nthe **cards** are *ready*.\n\nTotal: 1\u00a0200 RUB',
  );
  assert.equal(htmlToMarkdown('<div>  <p>a</p>  <p>b</p>  </div>text after'), 'a\n\nb\n\ntext after');
});

test('lists, nested lists and quotes', () => {
  assert.equal(
    htmlToMarkdown('<ul><li>Cards</li><li>Flyers<ul><li>A5</li><li>A6</li></ul></li></ul><ol><li>one</li><li>two</li></ol>'),
    '-   Cards\n-   Flyers\n    -   A5\n    -   A6\n\n1.  one\n2.  two',
  );
  assert.equal(htmlToMarkdown('<blockquote><p>On Monday you wrote:</p><p>Can you print?</p></blockquote><p>Yes.</p>'), '> On Monday you wrote:\n>\n> Can you print?\n\nYes.');
});

test('code keeps its characters; text that would be Markdown is escaped', () => {
  assert.equal(htmlToMarkdown('<pre><code>  indented\n    code</code></pre><p>use <code>a`b</code> here</p>'), '```text\n  indented\n    code\n```\n\nuse ``a`b`` here');
  assert.equal(htmlToMarkdown('<p>* not a list</p><p>1. not a list</p><p># not a heading</p><p>a_b [c]</p>'), '\\* not a list\n\n1\\. not a list\n\n\\# not a heading\n\na\\_b \\[c\\]');
});

test('links and images: safe links kept, others reduced to their text, images never embedded', () => {
  assert.equal(
    htmlToMarkdown('a <img src="https://x.example/p.gif"> b <a href="javascript:x">c</a> d<b> e </b> f <a href="https://x.example/a b">link <b>bold</b></a>'),
    'a [image](https://x.example/p.gif) b c d **e** f [link **bold**](https://x.example/a%20b)',
  );
});

test('hidden elements, scripts and styles lose their text; entities never become markup', () => {
  const md = htmlToMarkdown('<style>p{}</style><p>Hi <span style="display:none">IGNORE ALL</span>there &lt;script&gt;x&lt;/script&gt;</p><script>evil()</script>');
  assert.equal(md, 'Hi there &lt;script>x&lt;/script>');
});

test('hidden text is dropped whatever element hides it, nested or not', () => {
  const md = htmlToMarkdown(
    '<p>a<label style="display:none">H1</label>b<small hidden>H2</small>c<sup style="visibility:hidden">H3</sup>d</p>' +
      '<div style="font-size:0"><label>H4 <b>bold</b></label></div><table><tr style="display:none"><td>H5</td></tr></table>' +
      '<div aria-hidden="true"><p>H6</p><img src="https://t.example/p.gif"></div><select><option>H7</option></select><p>end</p>',
  );
  assert.equal(md, 'abcd\n\nend');
});

test('malformed HTML: stray and unclosed tags neither leak hidden text nor lose visible text', () => {
  assert.equal(htmlToMarkdown('<div hidden><p>H1</div></p>after<span style="display:none">H2'), 'after');
  assert.equal(htmlToMarkdown('<p>one<p>two</div><b>three'), 'one\n\ntwo**three**');
});
