// Child process of the index benchmark: builds the index of a vault in a fresh process and prints
// {ms, notes, errors, maxRssMb, reused, read, cache, wrote, touchMs?} as JSON. With a cache file the
// index keeps itself there between runs (as the runtime does in the state folder); `--touch` then
// reads every entry's properties, which an index from the cache parses only when first read.
import { Vault } from '../companion/core/vault.ts';
import { VaultIndex } from '../companion/core/vault-index.ts';

const [root, ...rest] = process.argv.slice(2);
const cacheFile = rest.find((a) => !a.startsWith('--'));
const t0 = performance.now();
const index = new VaultIndex(new Vault(root!), cacheFile ? { cacheFile } : {}).build();
const ms = performance.now() - t0;
let touchMs: number | undefined;
if (rest.includes('--touch')) {
  const t1 = performance.now();
  let keys = 0;
  for (const p of index.paths()) keys += Object.keys(index.get(p)?.frontmatter ?? {}).length;
  touchMs = performance.now() - t1;
  if (keys === 0) throw new Error('no properties read');
}
const s = index.lastBuild;
console.log(JSON.stringify({
  ms, notes: index.size, errors: index.errors().length, maxRssMb: process.resourceUsage().maxRSS / 1024,
  reused: s.reused, read: s.read, cache: s.cache, wrote: s.wrote, ...(touchMs === undefined ? {} : { touchMs }),
}));
