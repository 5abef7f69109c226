// Child process of the index benchmark: builds the index of a vault in a fresh process and prints
// {ms, notes, errors, maxRssMb} as JSON.
import { Vault } from '../companion/core/vault.ts';
import { VaultIndex } from '../companion/core/vault-index.ts';

const root = process.argv[2]!;
const t0 = performance.now();
const index = new VaultIndex(new Vault(root)).build();
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, notes: index.size, errors: index.errors().length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
