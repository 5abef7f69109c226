// `node --import ./test/obsidian/register.mjs`: the plugin's `import ... from 'obsidian'` gets the double.
import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
