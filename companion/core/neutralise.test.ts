import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neutraliseMarkdown } from './neutralise.ts';

test('fences become text, whatever language they claim; normal text is kept', () => {
  const md = neutraliseMarkdown('a\n```dataviewjs\ndv.x()\n```\nb `code` c\n');
  assert.equal(md, 'a\n```text\ndv.x()\n```\nb `code` c\n');
});

test('links to vault notes or other schemes lose their link', () => {
  assert.equal(neutraliseMarkdown('[a](Business/Business profile.md) [b](obsidian://open?x) [c](https://x.example)'), '[a]\\(Business/Business profile.md) [b]\\(obsidian://open?x) [c](https://x.example)');
});

test('fences nested in blockquotes and list items, at any depth, lose their language too', () => {
  const cases = [
    '> ```dataviewjs', '>```dataviewjs', '> > ```dataviewjs', '- ```dataviewjs', '* ~~~dataviewjs', '1. ```dataviewjs', '2) ```dataview',
    '- > ```dataviewjs', '> - ```dataviewjs', '> 1. > - ```js-engine', '    ```dataviewjs', '\t```dataviewjs', '  - ```  dataviewjs {x}',
    '> > > > ```dataviewjs', '- - - ```dataview',
  ];
  for (const c of cases) {
    const md = neutraliseMarkdown(`Hello\n${c}\ndv.paragraph(1)\n\`\`\`\n`);
    const line = md.split('\n')[1]!;
    assert.match(line, /(`{3,}|~{3,})text$/, c);
    assert.doesNotMatch(md, /dataview(js)?\b(?!\.)|js-engine/, c);
  }
  // Ordinary quoted and listed text is unchanged.
  assert.equal(neutraliseMarkdown('> quoted\n- item\n1. first\n'), '> quoted\n- item\n1. first\n');
});

test('nested fences are dead wherever the hostile mail fixture puts them', () => {
  const md = neutraliseMarkdown(['> ```dataviewjs', '> dv.list(dv.pages())', '> ```', '- note', '  ```dataview', '  LIST FROM ""', '  ```', '> - > ~~~dataviewjs', '> - > x', '> - > ~~~'].join('\n'));
  for (const line of md.split('\n')) assert.doesNotMatch(line, /^[>\s\-\d.)*+]*(`{3,}|~{3,})\s*dataview/, line);
});
