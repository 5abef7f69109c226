#!/usr/bin/env node
// The `aios` command: runs the TypeScript sources through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../companion/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
